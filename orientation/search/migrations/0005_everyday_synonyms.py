"""More words people type for jobs and diplomas, seeded beside the first list (operators edit
them in the admin). Abbreviations the ROME already writes (VTC, ATSEM, AESH) need none."""

from django.db import migrations

EVERYDAY = {
    "pro": "professionnel",
    "cuistot": "cuisinier",
    "pl": "poids lourd",
    "spl": "poids lourd",
    "asv": "auxiliaire vétérinaire",
    "avs": "accompagnant élèves handicap",
    "aes": "accompagnant éducatif social",
    "amp": "aide médico-psychologique",
    "secu": "sécurité",
    "sécu": "sécurité",
    "ehpad": "personnes âgées",
    "auxi": "auxiliaire",
    "esthe": "esthéticien",
    "bafa": "animateur",
    "cariste": "chariot élévateur",
    "ide": "infirmier",
}


def seed(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")
    for term, expansion in EVERYDAY.items():
        Synonym.objects.get_or_create(term=term, defaults={"expansion": expansion})


class Migration(migrations.Migration):
    dependencies = [("search", "0004_postgres_full_text")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
