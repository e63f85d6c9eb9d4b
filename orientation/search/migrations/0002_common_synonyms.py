"""A first list of the words people type for jobs, that the catalogue writes otherwise.

Operators edit the list in the admin; this only seeds it.
"""

from django.db import migrations

COMMON = {
    "nounou": "garde d'enfant",
    "cuisto": "cuisinier",
    "auto": "automobile",
    "autos": "automobile",
    "prof": "professeur",
    "instit": "professeur des écoles",
    "kiné": "kinésithérapeute",
    "kine": "kinésithérapeute",
    "dev": "développeur",
    "toubib": "médecin",
    "véto": "vétérinaire",
    "veto": "vétérinaire",
    "psy": "psychologue",
    "compta": "comptable",
    "info": "informatique",
    "bts": "brevet de technicien supérieur",
    "cap": "certificat d'aptitude professionnelle",
    "bac": "baccalauréat",
    "routier": "conducteur poids lourd",
    "flic": "policier",
}


def seed(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")
    for term, expansion in COMMON.items():
        Synonym.objects.get_or_create(term=term, defaults={"expansion": expansion})


class Migration(migrations.Migration):
    dependencies = [("search", "0001_synonyms")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
