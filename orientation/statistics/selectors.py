"""The figures the service publishes about itself: its audience (counted without cookies:
``statistics.audience``) and its activity, from the rows the platform already holds (referrals,
calls and callbacks, labels, the freshness of each data source), by month and by region.

Every figure by region has a row « non localisé » for what has no region, so that the regions
add up to the national figure.
"""

from __future__ import annotations

import statistics as stats
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TypeVar

from django.db.models import Sum
from django.utils import timezone

from orientation.contact.models import Interaction
from orientation.ingestion.selectors import feeds_health
from orientation.labels.models import Label
from orientation.labels.selectors import coverage_by_region
from orientation.referrals.models import Referral
from orientation.statistics.models import RESULT_RANGES, AudienceCount, Metric
from orientation.territories.models import Department, Region

#: where a figure goes that has no region (a referral to a service without a place…)
NO_REGION = "—"
NO_REGION_LABEL = "Non localisé"
#: the searches that found nothing are shown to operators only from this many
EMPTY_TERM_THRESHOLD = 5


def month_key(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def months_back(until: date, count: int) -> list[str]:
    """The ``count`` months up to ``until``'s, oldest first (« 2026-01 »…)."""
    year, month = until.year, until.month
    found = []
    for _ in range(count):
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(reversed(found))


def month_bounds(month: str) -> tuple[date, date]:
    """« 2026-11 » → the first day of the month and of the next."""
    year, number = (int(part) for part in month.split("-"))
    start = date(year, number, 1)
    end = date(year + (number == 12), number % 12 + 1, 1)
    return start, end


def regions() -> list[tuple[str, str]]:
    return [*Region.objects.order_by("code").values_list("code", "name"), (NO_REGION, NO_REGION_LABEL)]


def _region_of_department() -> dict[str, str]:
    return dict(Department.objects.values_list("code", "region__code"))


# -- audience ---------------------------------------------------------------------------


@dataclass
class AudienceMonth:
    month: str
    visits: int = 0
    page_views: int = 0
    searches: int = 0
    empty_searches: int = 0


@dataclass
class Audience:
    months: list[AudienceMonth]
    #: of the period asked (``since`` to ``until``)
    since: date
    until: date
    page_types: list[tuple[str, int]]
    entries: list[tuple[str, int]]
    referrers: list[tuple[str, int]]
    devices: list[tuple[str, int]]
    searches: list[tuple[str, int, int]]  # kind, searches, of which without a result
    #: kind → the searches in each range of ``RESULT_RANGES`` (0, 1-9, …, 200+)
    result_ranges: dict[str, list[int]] = field(default_factory=dict)
    #: the searches by region of the place searched: (region code, name, count), « non localisé »
    #: for searches of a place whose department is unknown here
    by_region: list[tuple[str, str, int]] = field(default_factory=list)

    @property
    def visits(self) -> int:
        return sum(month.visits for month in self.months if self.since <= month_bounds(month.month)[0] <= self.until)


def _sum(rows: list[tuple[str, int]], limit: int | None = None) -> list[tuple[str, int]]:
    ordered = sorted(rows, key=lambda row: (-row[1], row[0]))
    return ordered[:limit] if limit else ordered


def audience(*, since: date, until: date, months: int = 12) -> Audience:
    """The audience of the days ``since``..``until`` (both included), and month by month over the
    last ``months`` months up to ``until``."""
    keys = months_back(until, months)
    first = month_bounds(keys[0])[0]
    by_month = {key: AudienceMonth(key) for key in keys}
    monthly = AudienceCount.objects.filter(day__gte=first, day__lte=until).values_list("day", "metric", "count")
    for day, metric, count in monthly.iterator(chunk_size=5000):
        item = by_month.get(month_key(day))
        if item is None:
            continue
        if metric == Metric.VISITS:
            item.visits += count
        elif metric == Metric.PAGE_VIEWS:
            item.page_views += count
        elif metric == Metric.SEARCHES:
            item.searches += count
        elif metric == Metric.EMPTY_SEARCHES:
            item.empty_searches += count
    period = AudienceCount.objects.filter(day__gte=since, day__lte=until)
    totals: dict[str, Counter[str]] = defaultdict(Counter)
    for metric, key, count in (
        period.values("metric", "key").annotate(total=Sum("count")).values_list("metric", "key", "total")
    ):
        totals[metric][key] += count
    empty = totals[Metric.EMPTY_SEARCHES]
    result_ranges: dict[str, list[int]] = {}
    for key, count in totals[Metric.SEARCH_RESULTS].items():
        kind, _colon, bound = key.rpartition(":")
        if bound in RESULT_RANGES:
            result_ranges.setdefault(kind, [0] * len(RESULT_RANGES))[RESULT_RANGES.index(bound)] += count
    region_of = _region_of_department()
    searched: Counter[str] = Counter()
    for department, count in totals[Metric.SEARCHED_DEPARTMENTS].items():
        searched[region_of.get(department, NO_REGION)] += count
    return Audience(
        months=list(by_month.values()),
        since=since,
        until=until,
        page_types=_sum(list(totals[Metric.PAGE_VIEWS].items())),
        entries=_sum(list(totals[Metric.ENTRIES].items()), 10),
        referrers=_sum(list(totals[Metric.REFERRERS].items()), 10),
        devices=_sum(list(totals[Metric.DEVICES].items())),
        searches=[(kind, count, empty[kind]) for kind, count in _sum(list(totals[Metric.SEARCHES].items()))],
        result_ranges=result_ranges,
        by_region=[(code, name, searched[code]) for code, name in regions()],
    )


def empty_search_terms(*, since: date, until: date, threshold: int = EMPTY_TERM_THRESHOLD) -> list[tuple[str, int]]:
    """The words of the searches that found nothing, searched at least ``threshold`` times over
    the period: what operators may add as synonyms. Fewer are never shown (a name typed once)."""
    rows = (
        AudienceCount.objects.filter(metric=Metric.EMPTY_TERMS, day__gte=since, day__lte=until)
        .values("key")
        .annotate(total=Sum("count"))
        .filter(total__gte=threshold)
        .values_list("key", "total")
    )
    return _sum(list(rows))


# -- activity ---------------------------------------------------------------------------


@dataclass
class ReferralFigures:
    sent: int = 0
    accepted: int = 0
    refused: int = 0
    expired: int = 0
    withdrawn: int = 0
    open: int = 0
    delays: list[float] = field(default_factory=list)

    @property
    def median_days(self) -> float | None:
        return round(stats.median(self.delays), 1) if self.delays else None

    def add(self, state: str, delay: float | None) -> None:
        self.sent += 1
        if state in (Referral.State.SENT, Referral.State.SEEN):
            self.open += 1
        elif state == Referral.State.ACCEPTED:
            self.accepted += 1
        elif state == Referral.State.REFUSED:
            self.refused += 1
        elif state == Referral.State.EXPIRED:
            self.expired += 1
        elif state == Referral.State.WITHDRAWN:
            self.withdrawn += 1
        if delay is not None:
            self.delays.append(delay)


@dataclass
class ContactFigures:
    calls: int = 0
    callbacks: int = 0
    answered_first_level: int = 0

    @property
    def first_level_share(self) -> float | None:
        return round(self.answered_first_level / self.calls, 3) if self.calls else None


@dataclass
class LabelFigures:
    granted: int = 0
    renewed: int = 0
    withdrawn: int = 0
    active: int = 0
    population_share: float | None = None


@dataclass
class SourceFreshness:
    name: str
    label: str
    last_success: datetime | None
    age_hours: float | None
    state: str


@dataclass
class Activity:
    month: str
    #: region code → figures; « — » for what has no region
    referrals: dict[str, ReferralFigures]
    referrals_by_network: dict[str, ReferralFigures]
    contacts: dict[str, ContactFigures]
    labels: dict[str, LabelFigures]
    sources: list[SourceFreshness]
    region_names: dict[str, str]

    def national_referrals(self) -> ReferralFigures:
        total = _summed(ReferralFigures(), self.referrals.values(), COUNTED_REFERRALS)
        for figures in self.referrals.values():
            total.delays += figures.delays
        return total

    def national_contacts(self) -> ContactFigures:
        return _summed(ContactFigures(), self.contacts.values(), ("calls", "callbacks", "answered_first_level"))

    def national_labels(self) -> LabelFigures:
        """The regions' sums (the coverage of the population is a region's figure, not summed)."""
        return _summed(LabelFigures(), self.labels.values(), ("granted", "renewed", "withdrawn", "active"))


COUNTED_REFERRALS = ("sent", "accepted", "refused", "expired", "withdrawn", "open")
F = TypeVar("F")


def _summed(total: F, parts: Iterable[F], names: tuple[str, ...]) -> F:
    """``total`` with each of ``names`` summed over ``parts`` (the regions' figures)."""
    for part in parts:
        for name in names:
            setattr(total, name, getattr(total, name) + getattr(part, name))
    return total


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def activity(month: str, *, today: date | None = None) -> Activity:
    """The activity of one month (« 2026-11 »), by region: referrals sent that month (by the
    region of the receiving service's place) and what became of them, with the median delay of
    an answer; calls and callbacks (by the caller's department) and the share answered at the
    first level; labels granted, renewed and withdrawn that month, those in force at its end and
    the share of the population they cover today; the freshness of each data source."""
    today = today or timezone.localdate()
    start, end = month_bounds(month)
    names = dict(regions())
    region_of = _region_of_department()
    referrals: dict[str, ReferralFigures] = {code: ReferralFigures() for code in names}
    networks: dict[str, ReferralFigures] = defaultdict(ReferralFigures)
    rows = Referral.objects.filter(sent_at__gte=_aware(start), sent_at__lt=_aware(end)).values_list(
        "state", "sent_at", "answered_at", "offer__place__commune__region__code", "receiver_organisation__typology"
    )
    for state, sent_at, answered_at, region, typology in rows.iterator(chunk_size=2000):
        delay = (answered_at - sent_at).total_seconds() / 86400 if answered_at else None
        referrals[region if region in referrals else NO_REGION].add(state, delay)
        networks[typology or "autre"].add(state, delay)
    contacts: dict[str, ContactFigures] = {code: ContactFigures() for code in names}
    calls = Interaction.objects.filter(at__gte=_aware(start), at__lt=_aware(end)).values_list("department", "outcome")
    for department, outcome in calls.iterator(chunk_size=5000):
        figures = contacts[region_of.get(department, NO_REGION)]
        figures.calls += 1
        if outcome == Interaction.Outcome.CALLBACK:
            figures.callbacks += 1
        if outcome in (Interaction.Outcome.ANSWERED, Interaction.Outcome.WRITTEN):
            figures.answered_first_level += 1
    labels: dict[str, LabelFigures] = {code: LabelFigures() for code in names}
    last_day = min(end - timedelta(days=1), today)
    for region, granted_on, ended_on, state, expires_on, renewal in Label.objects.values_list(
        "region__code", "granted_on", "ended_on", "state", "expires_on", "application__renewal_of_id"
    ):
        label_figures = labels[region if region in labels else NO_REGION]
        if start <= granted_on < end:
            if renewal:
                label_figures.renewed += 1
            else:
                label_figures.granted += 1
        if state == Label.State.WITHDRAWN and ended_on and start <= ended_on < end:
            label_figures.withdrawn += 1
        if granted_on <= last_day and (ended_on is None or ended_on > last_day) and expires_on > last_day:
            label_figures.active += 1
    for coverage in coverage_by_region(today):
        if coverage.region is not None and coverage.region.code in labels:
            labels[coverage.region.code].population_share = round(coverage.population_share, 3)
    sources = [
        SourceFreshness(
            name=health.source.name,
            label=health.source.label or health.source.name,
            last_success=health.last_success.ended_at if health.last_success else None,
            age_hours=round(health.freshness.total_seconds() / 3600, 1) if health.freshness else None,
            state=str(health.state),
        )
        for health in feeds_health()
    ]
    return Activity(
        month=month,
        referrals=referrals,
        referrals_by_network=dict(sorted(networks.items())),
        contacts=contacts,
        labels=labels,
        sources=sources,
        region_names=names,
    )
