import factory

from orientation.occupations.models import (
    Appellation,
    DomaineProfessionnel,
    GrandDomaine,
    MobilityLink,
    OnisepFiche,
    RomeFiche,
    Skill,
)


class GrandDomaineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GrandDomaine
        django_get_or_create = ["code"]

    code = "J"
    label = "Santé"


class DomaineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DomaineProfessionnel
        django_get_or_create = ["code"]

    code = "J15"
    label = "Soins paramédicaux"
    grand_domaine = factory.SubFactory(GrandDomaineFactory)


class RomeFicheFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RomeFiche

    code = factory.Sequence(lambda n: f"N9{n % 1000:03d}")
    title = factory.Sequence(lambda n: f"Métier numéro {n}")
    domaine = factory.SubFactory(DomaineFactory)
    definition = "Première phrase de la définition.\nDeuxième phrase."
    access = "Accessible avec un diplôme d'État."


class AppellationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Appellation

    code = factory.Sequence(lambda n: str(90000 + n))
    fiche = factory.SubFactory(RomeFicheFactory)
    label = "Infirmier / Infirmière de nuit"
    masculine = "Infirmier de nuit"
    feminine = "Infirmière de nuit"


class MobilityLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MobilityLink

    source = factory.SubFactory(RomeFicheFactory)
    target = factory.SubFactory(RomeFicheFactory)
    order = 1


class OnisepFicheFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OnisepFiche

    identifier = factory.Sequence(lambda n: f"MET.{n + 1}")
    name = "infirmier/ère"
    name_feminine = "infirmière"
    name_masculine = "infirmier"
    hook = "<p>Soigner, accompagner, rassurer.</p>"
    min_level = "Bac + 3"


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill

    code = factory.Sequence(lambda n: f"{100000 + n}")
    label = factory.Sequence(lambda n: f"Compétence n° {n}")
    kind = Skill.Kind.KNOW_HOW
