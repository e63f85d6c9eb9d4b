"""The directory for tests: an organisation, its place and the service offered there."""

import factory

from orientation.directory.models import Organisation, Place, ServiceOffer


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Mission locale n° {n}")
    typology = "ML"
    email = factory.Sequence(lambda n: f"accueil-{n}@ml.example.org")


class PlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Place

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.LazyAttribute(lambda place: place.organisation.name)
    address = "2 rue de la Paix"
    postcode = "41000"
    city = "Blois"
    commune = factory.SubFactory("tests.territories.factories.CommuneFactory")
    latitude = 47.586
    longitude = 1.336

    class Params:
        #: a provider's copy of a place already listed: never shown, never referred to
        duplicate = factory.Trait(duplicate_of=factory.SubFactory("tests.directory.factories.PlaceFactory"))


class ServiceOfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceOffer

    organisation = factory.SubFactory(OrganisationFactory)
    place = factory.SubFactory(PlaceFactory, organisation=factory.SelfAttribute("..organisation"))
    name = "Accompagnement vers l’emploi"
    type = "accompagnement"
    themes = ["preparer-sa-candidature--organiser-ses-demarches-de-recherche-demploi"]
    origin = ServiceOffer.Origin.DECLARED

    class Params:
        #: a second-level service that takes referrals at its place's address
        referrable = factory.Trait(
            accepts_referrals=True,
            level=ServiceOffer.Level.SECOND,
            referral_email=factory.Sequence(lambda n: f"orientations-{n}@example.org"),
        )
