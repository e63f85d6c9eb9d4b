"""Demo label files, written for this project: a labelled grouping around Blois, a label of
a single organisation in Nantes close to its renewal, files under instruction in Angers (with
the CCREFP), Orléans (with the CCREFP) and Tours (submitted, with the prefecture). Each step is
credited to the demo account of the role that took it (``orientation.demo.accounts``).

Dates are set from the day the demo is first loaded, so the registry, the deadlines and the
dashboards look alive; loading again changes nothing (every object is found by its name).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from orientation.accounts.models import User
from orientation.demo.accounts import demo_users_by_role
from orientation.demo.content import COMMUNES
from orientation.directory.models import Organisation, Place, ServiceOffer
from orientation.labels import timeline
from orientation.labels.criteria import CRITERIA
from orientation.labels.models import Application, ApplicationVersion, Event, Grouping, Label
from orientation.labels.services import application_snapshot
from orientation.territories.models import Commune, LivingArea, Region

NEEDS = (
    "Le territoire compte une forte proportion de jeunes de 16 à 25 ans sans diplôme et de demandeurs "
    "d’emploi de longue durée, tandis que les salariés des entreprises industrielles en mutation "
    "cherchent à se reconvertir. L’offre d’information est concentrée dans la ville-centre ; les "
    "communes rurales sont mal desservies par les transports. Le groupement propose un accueil sans "
    "rendez-vous dans chaque site et des permanences itinérantes."
)


def _commitments(applicant: str) -> dict[str, dict[str, str]]:
    return {
        code: {"commitment": f"{applicant} s’engage : {str(label).lower()}.", "evidence": "Charte d’accueil signée"}
        for code, label in CRITERIA.items()
    }


def _organisations(city: str) -> list[Organisation]:
    return list(Organisation.objects.filter(places__city=city).distinct().order_by("name"))


def _file(application: Application, organisations: list[Organisation], communes: list[str]) -> None:
    places = Place.objects.filter(organisation__in=organisations)
    application.sites.set(places)
    application.services.set(ServiceOffer.objects.filter(place__in=places, level=ServiceOffer.Level.FIRST))
    application.living_areas.set(LivingArea.objects.filter(code__in=communes))
    application.communes.set(Commune.objects.filter(code__in=communes))


class _Staff:
    """Who takes each step of a file: the demo accounts of the applicant and of its region."""

    def __init__(self) -> None:
        self.users = demo_users_by_role()

    def applicant(self, application: Application) -> User | None:
        organisation = application.grouping.coordinator if application.grouping else application.organisation
        return self.users.get(f"admin:{organisation.name}") if organisation else None

    def regional(self, role: str, application: Application) -> User | None:
        return self.users.get(f"{role}:{application.region.code}")

    def of_step(self, action: str, application: Application) -> User | None:
        if action == "submitted":
            return self.applicant(application)
        if action == "opinion":
            return self.regional("ccrefp", application)
        return self.regional("prefecture", application)  # transmitted, granted


def _event(
    application: Application, at: date, action: str, from_state: str, to_state: str, by: User | None, note: str = ""
) -> None:
    Event.objects.create(
        application=application,
        by=by,
        at=datetime(at.year, at.month, at.day, 10, tzinfo=ZoneInfo("Europe/Paris")),
        action=action,
        from_state=from_state,
        to_state=to_state,
        note=note,
    )


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _freeze(application: Application, submitted: date) -> None:
    """The version the submission froze, as application_submit freezes it, on that day."""
    version = ApplicationVersion.objects.create(
        application=application, number=1, content=application_snapshot(application)
    )
    at = datetime(submitted.year, submitted.month, submitted.day, 10, tzinfo=ZoneInfo("Europe/Paris"))
    ApplicationVersion.objects.filter(pk=version.pk).update(frozen_at=at)  # auto_now_add says today


def _under_instruction(application: Application, staff: _Staff, today: date, *, transmitted: bool) -> None:
    """Submitted 30 days ago, and transmitted to the CCREFP 5 days later when ``transmitted``."""
    submitted, transmitted_on = today - timedelta(days=30), today - timedelta(days=25)
    if not transmitted:
        submitted = today - timedelta(days=3)
    Application.objects.filter(pk=application.pk).update(
        state=Application.State.TRANSMITTED if transmitted else Application.State.SUBMITTED,
        submitted_on=submitted,
        transmitted_on=transmitted_on if transmitted else None,
    )
    _event(application, submitted, "submitted", "draft", "submitted", staff.of_step("submitted", application))
    _freeze(application, submitted)
    if transmitted:
        by = staff.of_step("transmitted", application)
        _event(application, transmitted_on, "transmitted", "submitted", "transmitted", by)


def _granted(application: Application, decided: date, staff: _Staff) -> Label:
    """The file went through every step within the deadlines and was granted on ``decided``."""
    submitted = decided - timedelta(days=44)
    transmitted, opinion = submitted + timedelta(days=6), submitted + timedelta(days=30)
    Application.objects.filter(pk=application.pk).update(
        state=Application.State.GRANTED,
        submitted_on=submitted,
        transmitted_on=transmitted,
        opinion=Application.Opinion.FAVOURABLE,
        opinion_on=opinion,
        decided_on=decided,
    )
    _freeze(application, submitted)
    for day, action, before, after in [
        (submitted, "submitted", "draft", "submitted"),
        (transmitted, "transmitted", "submitted", "transmitted"),
        (opinion, "opinion", "transmitted", "opinion_given"),
        (decided, "granted", "opinion_given", "granted"),
    ]:
        _event(application, day, action, before, after, staff.of_step(action, application))
    return Label.objects.create(
        application=application,
        region=application.region,
        granted_on=decided,
        expires_on=timeline.label_expires_on(decided),
    )


def load_demo_labels() -> int:
    """Create the demo files once; returns how many were created."""
    if Grouping.objects.filter(name="Réseau orientation du Blésois").exists():
        return 0
    today = timezone.localdate()
    staff = _Staff()
    created = 0
    blois = _organisations("Blois")
    centre = Region.objects.filter(code="24").first()
    if blois and centre:
        grouping = Grouping.objects.create(name="Réseau orientation du Blésois", region=centre, coordinator=blois[0])
        grouping.coordinator_contact = staff.users.get(f"admin:{blois[0].name}")
        grouping.save(update_fields=["coordinator_contact"])
        grouping.organisations.set(blois)
        application = Application.objects.create(
            grouping=grouping, region=centre, commitments=_commitments(grouping.name), needs_analysis=NEEDS
        )
        _file(application, blois, ["41018", "41269", "41194"])
        _granted(application, today - timedelta(days=400), staff)
        created += 1
    nantes = _organisations("Nantes")[:1]
    loire = Region.objects.filter(code="52").first()
    if nantes and loire:
        # Granted five years ago less two months: its renewal is open.
        application = Application.objects.create(
            organisation=nantes[0], region=loire, commitments=_commitments(nantes[0].name), needs_analysis=NEEDS
        )
        _file(application, nantes, ["44109"])
        _granted(application, _years_before(today + timedelta(days=60), timeline.LABEL_YEARS), staff)
        created += 1
    for city, region, transmitted in [("Angers", loire, True), ("Orléans", centre, True), ("Tours", centre, False)]:
        applicant = _organisations(city)[:1]
        if not applicant or region is None:
            continue
        application = Application.objects.create(
            organisation=applicant[0], region=region, commitments=_commitments(applicant[0].name), needs_analysis=NEEDS
        )
        _file(application, applicant, [row[0] for row in COMMUNES if row[1] == city])
        _under_instruction(application, staff, today, transmitted=transmitted)
        created += 1
    return created
