"""A small country for the label's tests: two regions, each with its organisations, sites,
services, staff and territory; a grouping of three organisations in the first."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from orientation.accounts.models import Membership, RegionalRole, User
from orientation.directory.models import Organisation, Place, ServiceOffer
from orientation.labels import services
from orientation.labels.criteria import CRITERIA
from orientation.labels.models import Application, Grouping, Label
from orientation.territories.models import Commune, Department, LivingArea, Region

NEEDS = (
    "Le bassin de vie de Blois compte une population jeune importante, des décrocheurs scolaires "
    "suivis par la mission locale, des salariés en reconversion et des demandeurs d’emploi peu "
    "qualifiés ; l’offre d’information est concentrée à Blois et peu accessible depuis les communes rurales."
)
PARIS = ZoneInfo("Europe/Paris")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name: str = "convention.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@dataclass
class Side:
    """One region's world: its staff, organisations, sites, services and territory."""

    region: Region
    prefecture: User
    ccrefp: User
    admins: list[User]
    member: User
    organisations: list[Organisation]
    places: list[Place]
    offers: list[ServiceOffer]
    living_areas: list[LivingArea]
    communes: list[Commune]
    grouping: Grouping | None = None
    extra: dict[str, object] = field(default_factory=dict)


def user(username: str, **fields: object) -> User:
    return User.objects.create_user(username=username, email=f"{username}@example.org", password=None, **fields)


def make_side(code: str, name: str, towns: list[tuple[str, str, int, float, float]]) -> Side:
    region = Region.objects.create(code=code, name=name)
    department = Department.objects.create(code=towns[0][0][:2], name=f"Département {code}", region=region)
    living_areas, communes = [], []
    for insee, town, population, lat, lon in towns:
        area = LivingArea.objects.create(code=insee, name=town)
        living_areas.append(area)
        communes.append(
            Commune.objects.create(
                code=insee,
                name=town,
                name_key=town.upper(),
                department=department,
                region=region,
                population=population,
                latitude=lat,
                longitude=lon,
                living_area=area,
                postcodes=[insee[:2] + "000"],
            )
        )
    organisations, places, offers, admins = [], [], [], []
    for index, commune in enumerate(communes):
        organisation = Organisation.objects.create(name=f"Organisation {commune.name}", typology="CIO")
        place = Place.objects.create(
            organisation=organisation,
            name=f"Accueil de {commune.name}",
            commune=commune,
            city=commune.name,
            postcode=commune.main_postcode,
            address=f"{index + 1} rue de la République",
            latitude=commune.latitude,
            longitude=commune.longitude,
        )
        offer = ServiceOffer.objects.create(
            organisation=organisation, place=place, name=f"Premier conseil à {commune.name}", type="accompagnement"
        )
        admin = user(f"admin-{commune.code}")
        Membership.objects.create(user=admin, organisation=organisation, role=Membership.Role.ADMIN)
        organisations.append(organisation), places.append(place), offers.append(offer), admins.append(admin)
    member = user(f"membre-{code}")
    Membership.objects.create(user=member, organisation=organisations[0], role=Membership.Role.MEMBER)
    prefecture, ccrefp = user(f"prefecture-{code}"), user(f"ccrefp-{code}")
    RegionalRole.objects.create(user=prefecture, region=region, role=RegionalRole.Role.PREFECTURE)
    RegionalRole.objects.create(user=ccrefp, region=region, role=RegionalRole.Role.CCREFP)
    return Side(region, prefecture, ccrefp, admins, member, organisations, places, offers, living_areas, communes)


@dataclass
class World:
    centre: Side
    loire: Side
    national: User


@pytest.fixture
def world(db) -> World:
    centre = make_side(
        "24",
        "Centre-Val de Loire",
        [
            ("41018", "Blois", 45710, 47.5861, 1.3359),
            ("41269", "Vendôme", 15856, 47.7929, 1.0656),
            ("41194", "Romorantin-Lanthenay", 17060, 47.3597, 1.7411),
            ("37261", "Tours", 136252, 47.3941, 0.6848),
        ],
    )
    loire = make_side(
        "52",
        "Pays de la Loire",
        [("44109", "Nantes", 320732, 47.2184, -1.5536), ("49007", "Angers", 155850, 47.4784, -0.5632)],
    )
    national = user("dio", is_national_admin=True)
    return World(centre=centre, loire=loire, national=national)


def complete_file(application: Application, side: Side, by: User, *, sites: int = 3) -> None:
    """Fill every step of a draft, as the coordinator does in the back-office."""
    services.application_set_sites(
        application=application, by_user=by, sites=side.places[:sites], services=side.offers[:sites]
    )
    if application.grouping is not None:
        convention = services.convention_add(
            by_user=by,
            grouping=application.grouping,
            document=pdf(),
            signed_on=date(2026, 1, 5),
            signatories="Mme Martin, directrice, Organisation Blois\nM. Petit, président, Organisation Vendôme",
        )
        services.application_set_convention(application=application, by_user=by, convention=convention)
    services.application_set_commitments(
        application=application,
        by_user=by,
        commitments={
            code: {"commitment": f"Nous nous engageons : {label}", "evidence": "Charte d’accueil"}
            for code, label in CRITERIA.items()
        },
    )
    services.application_set_territory(
        application=application,
        by_user=by,
        living_areas=side.living_areas[:sites],
        employment_zones=[],
        communes=[],
        needs_analysis=NEEDS,
    )


@pytest.fixture
def grouping(world: World) -> Grouping:
    side = world.centre
    found = services.grouping_create(
        by_user=side.admins[0],
        name="Orientation en Loir-et-Cher",
        region=side.region,
        coordinator=side.organisations[0],
        organisations=side.organisations[:3],
    )
    side.grouping = found
    return found


def submit_file(side: Side, grouping: Grouping, day: date) -> Application:
    """The grouping's complete file, submitted on that day by its coordinator."""
    with time_machine.travel(datetime(day.year, day.month, day.day, 10, tzinfo=PARIS), tick=False):
        application = services.application_create(by_user=side.admins[0], grouping=grouping)
        complete_file(application, side, side.admins[0])
        services.application_submit(application=application, by_user=side.admins[0])
    return application


def grant_label(side: Side, grouping: Grouping, day: date) -> Label:
    """The grouping's file submitted, transmitted, given a favourable opinion and granted, all
    on that day."""
    application = submit_file(side, grouping, day)
    with time_machine.travel(datetime(day.year, day.month, day.day, 11, tzinfo=PARIS), tick=False):
        services.application_transmit(application=application, by_user=side.prefecture)
        services.application_record_opinion(
            application=application, by_user=side.ccrefp, opinion="favourable", reasons=""
        )
        label = services.application_decide(application=application, by_user=side.prefecture, grant=True, reasons="")
    assert label is not None
    return label
