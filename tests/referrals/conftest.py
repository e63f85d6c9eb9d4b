"""Organisations of Blois and Tours for the referral tests: a CIO whose adviser receives
people, a mission locale and an information-jeunesse point that take referrals, and an
organisation of Tours that has nothing to do with them."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from orientation.accounts.models import Membership, User
from orientation.directory.hours import weekdays
from orientation.directory.models import Organisation, Place, ServiceOffer
from orientation.referrals import services
from orientation.referrals.models import Interview
from orientation.territories.models import Commune, Department, Region

TRAINING = "se-former--trouver-sa-formation"
CV = "preparer-sa-candidature--realiser-un-cv-et-ou-une-lettre-de-motivation"


def user(username: str) -> User:
    return User.objects.create_user(username=username, email=f"{username}@example.org", password=None)


@dataclass
class Town:
    adviser: User
    cio: Organisation
    mission_locale: Organisation
    mission_locale_admin: User
    offer: ServiceOffer
    pij_offer: ServiceOffer
    tours_offer: ServiceOffer
    outsider: User
    blois: Commune


def organisation_with_offer(
    name: str, commune: Commune, themes: list[str], *, email: str
) -> tuple[Organisation, ServiceOffer]:
    organisation = Organisation.objects.create(name=name, typology="ML", email=email)
    place = Place.objects.create(
        organisation=organisation,
        name=name,
        commune=commune,
        city=commune.name,
        postcode=commune.main_postcode,
        latitude=commune.latitude,
        longitude=commune.longitude,
        email=email,
        opening_hours=weekdays("09:00", "17:00"),
        accessibility={"wheelchair": True},
    )
    offer = ServiceOffer.objects.create(
        organisation=organisation,
        place=place,
        name=f"Accompagnement — {name}",
        type="accompagnement",
        level=ServiceOffer.Level.SECOND,
        themes=themes,
        publics=["jeunes"],
        accepts_referrals=True,
    )
    return organisation, offer


@pytest.fixture
def town(db) -> Town:
    region = Region.objects.create(code="24", name="Centre-Val de Loire")
    department = Department.objects.create(code="41", name="Loir-et-Cher", region=region)
    blois = Commune.objects.create(
        code="41018",
        name="Blois",
        name_key="BLOIS",
        department=department,
        region=region,
        population=45710,
        latitude=47.5861,
        longitude=1.3359,
        postcodes=["41000"],
    )
    tours = Commune.objects.create(
        code="37261",
        name="Tours",
        name_key="TOURS",
        department=department,
        region=region,
        population=136252,
        latitude=47.3941,
        longitude=0.6848,
        postcodes=["37000"],
    )
    cio = Organisation.objects.create(name="CIO de Blois", typology="CIO", email="cio@example.org")
    adviser = user("conseillere-cio")
    Membership.objects.create(user=adviser, organisation=cio)
    mission_locale, offer = organisation_with_offer(
        "Mission locale de Blois", blois, [TRAINING, CV], email="accueil@ml-blois.example.org"
    )
    _pij, pij_offer = organisation_with_offer("PIJ de Blois", blois, [TRAINING], email="pij@example.org")
    _tours, tours_offer = organisation_with_offer(
        "Mission locale de Tours", tours, [TRAINING, CV], email="ml@tours.example.org"
    )
    admin = user("admin-ml")
    Membership.objects.create(user=admin, organisation=mission_locale, role=Membership.Role.ADMIN)
    outsider = user("tours")
    Membership.objects.create(user=outsider, organisation=_tours, role=Membership.Role.ADMIN)
    return Town(adviser, cio, mission_locale, admin, offer, pij_offer, tours_offer, outsider, blois)


def young_person(town: Town, *, consent: bool = True, **changes: object) -> Interview:
    """A young person of Blois, 19, out of work and training, asking about a training."""
    fields: dict[str, object] = {
        "adviser": town.adviser,
        "organisation": town.cio,
        "public": "jeunes",
        "age_band": "16-25",
        "situation": "sans-emploi-ni-formation",
        "themes": [TRAINING],
        "commune": town.blois,
        "request": "Cherche une formation dans la logistique, a arrêté le lycée en première.",
        "consent": consent,
        "person": services.PersonDetails(
            first_name="Inès", last_name="Martin", email="ines@example.org", phone="06 12 34 56 78"
        )
        if consent
        else None,
    }
    fields.update(changes)
    return services.interview_record(**fields)  # type: ignore[arg-type]
