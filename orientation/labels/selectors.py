"""Reads on the label: the territory a file serves and its figures, the public registry,
the coverage of each region by labelled sites, and the dashboards' figures."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet, Sum

from orientation.directory.models import Place, ServiceOffer
from orientation.labels import timeline
from orientation.labels.models import Application, Event, Label
from orientation.territories.models import Commune, LivingArea, Region

# The territory served -------------------------------------------------------------------


def served_communes(
    *, living_area_ids: Iterable[int] = (), employment_zone_ids: Iterable[int] = (), commune_ids: Iterable[int] = ()
) -> QuerySet[Commune]:
    """The communes (municipal districts count as their commune) of a territory chosen as
    bassins de vie, zones d'emploi and communes."""
    commune_ids = list(commune_ids)
    districts_parents = Commune.objects.filter(pk__in=commune_ids, parent__isnull=False).values("parent_id")
    return Commune.objects.filter(kind=Commune.Kind.COMMUNE).filter(
        Q(living_area_id__in=list(living_area_ids))
        | Q(employment_zone_id__in=list(employment_zone_ids))
        | Q(pk__in=commune_ids)
        | Q(pk__in=districts_parents)
    )


def application_served_communes(application: Application) -> QuerySet[Commune]:
    return served_communes(
        living_area_ids=application.living_areas.values_list("pk", flat=True),
        employment_zone_ids=application.employment_zones.values_list("pk", flat=True),
        commune_ids=application.communes.values_list("pk", flat=True),
    )


@dataclass(frozen=True)
class TerritoryFigures:
    communes: int
    population: int
    places: int
    offers: int
    #: places by typology of their organisation, most first: (label, count)
    places_by_typology: list[tuple[str, int]]
    #: labelled sites already serving part of it
    labelled_places: int


def territory_figures(communes: QuerySet[Commune], *, today: date) -> TerritoryFigures:
    """What an applicant's analysis of needs starts from: the population of the territory,
    its communes, and the places and services that already exist there."""
    from orientation.directory.typologies import Typology

    ids = communes.values("pk")
    totals = communes.aggregate(population=Sum("population"))
    places = Place.objects.canonical().filter(commune_id__in=ids)
    by_typology = Counter(places.values_list("organisation__typology", flat=True))
    labels = dict(Typology.choices)
    return TerritoryFigures(
        communes=communes.count(),
        population=totals["population"] or 0,
        places=places.count(),
        offers=ServiceOffer.objects.filter(place__in=places).count(),
        places_by_typology=[(str(labels.get(code, code)), count) for code, count in by_typology.most_common()],
        labelled_places=places.filter(pk__in=labelled_place_ids(today)).count(),
    )


# The registry ---------------------------------------------------------------------------


def active_labels(today: date) -> QuerySet[Label]:
    return (
        Label.objects.active(today)
        .select_related("region", "application__organisation", "application__grouping__coordinator")
        .prefetch_related("application__grouping__organisations")
        .order_by("region__code", "pk")
    )


def labelled_place_ids(today: date) -> set[int]:
    """The places that are a site of a label in force (and their duplicates from other providers)."""
    ids = set(
        Place.objects.filter(label_applications__label__in=Label.objects.active(today)).values_list("pk", flat=True)
    )
    ids |= set(Place.objects.filter(duplicate_of_id__in=ids).values_list("pk", flat=True))
    return ids


@dataclass
class RegistryEntry:
    label: Label
    sites: list[Place]

    @property
    def application(self) -> Application:
        return self.label.application


def registry(today: date, *, region: Region | None = None, label_id: int | None = None) -> list[RegistryEntry]:
    """The public list of labels in force (of a region, or one label), each with its sites and
    organisations (three queries)."""
    labels_in_force = active_labels(today)
    if region is not None:
        labels_in_force = labels_in_force.filter(region=region)
    if label_id is not None:
        labels_in_force = labels_in_force.filter(pk=label_id)
    labels = list(labels_in_force)
    sites: dict[int, list[Place]] = defaultdict(list)
    through = Application.sites.through.objects.filter(
        application_id__in=[label.application_id for label in labels]
    ).select_related("place", "place__commune", "place__organisation")
    for row in through.order_by("place__name"):
        sites[row.application_id].append(row.place)
    return [RegistryEntry(label=label, sites=sites[label.application_id]) for label in labels]


# Coverage -------------------------------------------------------------------------------


def covered_communes(today: date) -> QuerySet[Commune]:
    """Communes that lie in the territory served by at least one label in force."""
    applications = Application.objects.filter(label__in=Label.objects.active(today))
    through = Application
    living_areas = through.living_areas.through.objects.filter(application__in=applications).values_list(
        "livingarea_id", flat=True
    )
    zones = through.employment_zones.through.objects.filter(application__in=applications).values_list(
        "employmentzone_id", flat=True
    )
    communes = through.communes.through.objects.filter(application__in=applications).values_list(
        "commune_id", flat=True
    )
    return served_communes(living_area_ids=living_areas, employment_zone_ids=zones, commune_ids=communes)


def covered_commune_ids(today: date) -> set[int]:
    return set(covered_communes(today).values_list("pk", flat=True))


@dataclass
class Coverage:
    communes: int = 0
    communes_covered: int = 0
    population: int = 0
    population_covered: int = 0

    @property
    def communes_share(self) -> float:
        return self.communes_covered / self.communes if self.communes else 0.0

    @property
    def population_share(self) -> float:
        return self.population_covered / self.population if self.population else 0.0


@dataclass
class RegionCoverage(Coverage):
    region: Region | None = None


@dataclass
class LivingAreaCoverage(Coverage):
    living_area: LivingArea | None = None
    latitude: float = 0.0
    longitude: float = 0.0
    points: list[tuple[float, float, bool]] = field(default_factory=list)


def coverage_by_region(today: date) -> list[RegionCoverage]:
    """Share of each region's communes and population that lies in a territory served by a
    label in force (a territory may cross a region's border: it counts where it lies). Summed
    by the database: the public statistics and the dashboards read it on every view, and France
    has 35,000 communes."""
    regions = {region.pk: RegionCoverage(region=region) for region in Region.objects.order_by("code")}
    covered = Q(pk__in=covered_communes(today).values("pk"))
    rows = (
        Commune.objects.filter(kind=Commune.Kind.COMMUNE)
        .values("region_id")
        .annotate(
            all_communes=Count("pk"),
            all_population=Sum("population"),
            covered_communes=Count("pk", filter=covered),
            covered_population=Sum("population", filter=covered),
        )
    )
    for row in rows:
        item = regions[row["region_id"]]
        item.communes = row["all_communes"]
        item.population = row["all_population"] or 0
        item.communes_covered = row["covered_communes"]
        item.population_covered = row["covered_population"] or 0
    return list(regions.values())


def coverage_of_region(region: Region, today: date) -> tuple[RegionCoverage, list[LivingAreaCoverage]]:
    """A region's coverage, and that of each bassin de vie with communes in it (the map)."""
    covered = covered_commune_ids(today)
    total = RegionCoverage(region=region)
    areas: dict[int | None, LivingAreaCoverage] = {}
    rows = (
        Commune.objects.filter(kind=Commune.Kind.COMMUNE, region=region)
        .select_related("living_area")
        .only("pk", "population", "latitude", "longitude", "living_area__code", "living_area__name")
    )
    for commune in rows.iterator(chunk_size=5000):
        area = areas.setdefault(commune.living_area_id, LivingAreaCoverage(living_area=commune.living_area))
        is_covered = commune.pk in covered
        population = commune.population or 0
        for item in (total, area):
            item.communes += 1
            item.population += population
            if is_covered:
                item.communes_covered += 1
                item.population_covered += population
        if commune.latitude is not None and commune.longitude is not None:
            area.points.append((commune.latitude, commune.longitude, is_covered))
    for area in areas.values():
        if area.points:
            area.latitude = statistics.fmean(point[0] for point in area.points)
            area.longitude = statistics.fmean(point[1] for point in area.points)
    ordered = sorted(areas.values(), key=lambda item: item.living_area.name if item.living_area else "~")
    return total, ordered


# Dashboards -----------------------------------------------------------------------------


@dataclass(frozen=True)
class StepDelay:
    step: timeline.Step
    statutory_days: int
    median_days: float | None
    files: int
    late: int


@dataclass
class Dashboard:
    by_state: dict[str, int]
    #: region → state → count
    by_region: list[tuple[Region, dict[str, int]]]
    delays: list[StepDelay]
    expiring: list[Label]
    coverage: list[RegionCoverage]


def _step_delays(applications: QuerySet[Application]) -> list[StepDelay]:
    spans: dict[timeline.Step, list[int]] = defaultdict(list)
    rows = applications.values_list("submitted_on", "transmitted_on", "opinion_on", "decided_on")
    for submitted, transmitted, opinion, decided in rows:
        for step, start, end in (
            (timeline.Step.TRANSMISSION, submitted, transmitted),
            (timeline.Step.OPINION, transmitted, opinion),
            (timeline.Step.DECISION, opinion, decided),
        ):
            if start and end:
                spans[step].append((end - start).days)
    delays = []
    for step in (timeline.Step.TRANSMISSION, timeline.Step.OPINION, timeline.Step.DECISION):
        days = timeline.RULES[step].days
        values = spans[step]
        delays.append(
            StepDelay(
                step=step,
                statutory_days=days,
                median_days=statistics.median(values) if values else None,
                files=len(values),
                late=sum(1 for value in values if value > days),
            )
        )
    return delays


def dashboard(today: date, *, regions: QuerySet[Region] | None = None) -> Dashboard:
    """Applications by state and region, instruction delays against the statutory ones,
    labels expiring in the next 6 months, and coverage. Drafts are counted nowhere: they
    belong to their applicants until submitted."""
    applications = Application.objects.exclude(state=Application.State.DRAFT)
    labels = Label.objects.all()
    if regions is not None:
        applications = applications.filter(region__in=regions)
        labels = labels.filter(region__in=regions)
    by_state = Counter(applications.values_list("state", flat=True))
    per_region: dict[int, Counter[str]] = defaultdict(Counter)
    for region_id, state in applications.values_list("region_id", "state"):
        per_region[region_id][state] += 1
    region_rows = Region.objects.filter(pk__in=per_region).order_by("code")
    coverage = coverage_by_region(today)
    if regions is not None:
        wanted = set(regions.values_list("pk", flat=True))
        coverage = [item for item in coverage if item.region and item.region.pk in wanted]
    return Dashboard(
        by_state={state: by_state.get(state, 0) for state in Application.State.values if state != "draft"},
        by_region=[(region, dict(per_region[region.pk])) for region in region_rows],
        delays=_step_delays(applications),
        expiring=list(
            labels.active(today)
            .filter(expires_on__lte=today + timedelta(days=183))
            .select_related("application__organisation", "application__grouping", "region")
            .order_by("expires_on")
        ),
        coverage=coverage,
    )


def application_events(application: Application) -> QuerySet[Event]:
    """The audit trail of a file, its label and withdrawals, and of the label it renews."""
    ids = [application.pk]
    if application.renewal_of_id:
        ids.append(application.renewal_of.application_id)  # type: ignore[union-attr]
    return Event.objects.filter(application_id__in=ids).select_related("by").order_by("at", "pk")


def events_by_application(applications: Iterable[Application]) -> dict[int, list[Event]]:
    """``application_events`` of many files in one query (a list of files)."""
    wanted = {application.pk: [application.pk] for application in applications}
    for application in applications:
        if application.renewal_of_id:
            wanted[application.pk].append(application.renewal_of.application_id)  # type: ignore[union-attr]
    ids = {pk for pks in wanted.values() for pk in pks}
    found: dict[int, list[Event]] = {pk: [] for pk in ids}
    for event in Event.objects.filter(application_id__in=ids).select_related("by").order_by("at", "pk"):
        found[event.application_id].append(event)
    return {
        pk: sorted((event for own in pks for event in found[own]), key=lambda event: (event.at, event.pk))
        for pk, pks in wanted.items()
    }


def labelled_among(place_ids: Iterable[int], today: date) -> set[int]:
    """Which of these places are a site of a label in force (one query, for a results page)."""
    ids = list(place_ids)
    if not ids:
        return set()
    active = Label.objects.active(today)
    found = Place.objects.filter(pk__in=ids).filter(
        Q(label_applications__label__in=active) | Q(duplicates__label_applications__label__in=active)
    )
    return set(found.values_list("pk", flat=True))


def place_labels(place: Place, today: date) -> list[Label]:
    """The labels in force of which this place (or a copy of it) is a site."""
    return list(
        Label.objects.active(today)
        .filter(Q(application__sites=place) | Q(application__sites__duplicate_of=place))
        .select_related("application__grouping", "application__organisation")
        .distinct()
    )
