"""Reads of the referral: the informed suggestions for an interview, each service's measured
response delay and acceptance rate, and each organisation's referrals by state."""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from orientation.directory.codelists import THEMES, Public
from orientation.directory.models import ServiceOffer
from orientation.referrals.models import AccessNeed, AgeBand, Interview, Referral
from orientation.territories.geo import bounding_box, distance_km

#: services farther than this are not suggested (the person travels, or is helped remotely)
SUGGESTION_RADIUS_KM = 60
#: outcome figures are measured over this period
OUTCOME_DAYS = 183
#: a service whose answers take this long in the median loses its whole « delay » weight
SLOW_ANSWER_DAYS = 15
#: publics a young person belongs to, whatever the public the adviser chose
YOUNG_PUBLICS = {Public.JEUNES, Public.ETUDIANTS}


#: answers a service must have given before its acceptance rate is shown or used
MIN_ANSWERS_FOR_RATE = 5


@dataclass(frozen=True)
class Outcome:
    referrals: int
    answered: int
    accepted: int
    median_days: float | None

    @property
    def acceptance_rate(self) -> float | None:
        """Accepted among answered, once there are enough answers to mean something (1 of 1 is
        not « 100 % »): None below MIN_ANSWERS_FOR_RATE."""
        return self.accepted / self.answered if self.answered >= MIN_ANSWERS_FOR_RATE else None


def offer_outcomes(offer_ids: Iterable[int], *, now: datetime | None = None) -> dict[int, Outcome]:
    """For each service, over the last 6 months: referrals received, answered, accepted, and the
    median delay of an answer in days (one query)."""
    now = now or timezone.now()
    rows = Referral.objects.filter(offer_id__in=list(offer_ids), sent_at__gte=now - timedelta(days=OUTCOME_DAYS))
    delays: dict[int, list[float]] = defaultdict(list)
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    for offer_id, state, sent_at, answered_at in rows.values_list("offer_id", "state", "sent_at", "answered_at"):
        counts[offer_id]["all"] += 1
        if answered_at is not None:
            counts[offer_id]["answered"] += 1
            delays[offer_id].append((answered_at - sent_at).total_seconds() / 86400)
        if state == Referral.State.ACCEPTED or (state == Referral.State.WITHDRAWN and answered_at is not None):
            counts[offer_id]["accepted"] += 1
    return {
        offer_id: Outcome(
            referrals=count["all"],
            answered=count["answered"],
            accepted=count["accepted"],
            median_days=round(statistics.median(delays[offer_id]), 1) if delays[offer_id] else None,
        )
        for offer_id, count in counts.items()
    }


def offer_load(offer_ids: Iterable[int], *, now: datetime | None = None) -> dict[int, int]:
    """Referrals accepted by each service over the last 7 days (its current load)."""
    now = now or timezone.now()
    rows = (
        Referral.objects.filter(
            offer_id__in=list(offer_ids), state=Referral.State.ACCEPTED, answered_at__gte=now - timedelta(days=7)
        )
        .values("offer_id")
        .annotate(count=Count("pk"))
    )
    return {row["offer_id"]: row["count"] for row in rows}


@dataclass
class Suggestion:
    offer: ServiceOffer
    score: float
    distance_km: float | None
    reasons: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    outcome: Outcome | None = None


def _publics_of(interview: Interview) -> set[str]:
    publics = {interview.public}
    if interview.age_band in (AgeBand.UNDER_16, AgeBand.FROM_16_TO_25):
        publics |= {Public.JEUNES}
    if interview.situation == "demandeur-emploi":
        publics.add(Public.DEMANDEURS_EMPLOI)
    if interview.situation == "etudiant":
        publics.add(Public.ETUDIANTS)
    return publics


def _candidates(interview: Interview) -> QuerySet[ServiceOffer]:
    offers = (
        ServiceOffer.objects.referrable()
        .filter(level=ServiceOffer.Level.SECOND)
        .exclude(organisation_id=interview.organisation_id)
        .select_related("organisation", "place", "place__commune")
    )
    commune = interview.commune
    if commune is not None and commune.latitude is not None and commune.longitude is not None:
        min_lat, max_lat, min_lon, max_lon = bounding_box(commune.latitude, commune.longitude, SUGGESTION_RADIUS_KM)
        near = Q(place__latitude__range=(min_lat, max_lat), place__longitude__range=(min_lon, max_lon))
        offers = offers.filter(near | Q(reception_modes__icontains="a-distance"))
    return offers


def suggestions(interview: Interview, *, limit: int = 10, now: datetime | None = None) -> list[Suggestion]:
    """Second-level services for this request, best first, each with the reasons it is offered.

    The score adds: the request's themes the service covers (the most weight), the person's
    public, nearness (full weight on the spot, half at 10 km), opening within two days,
    accessibility needs met or not, and takes off for a service over its weekly capacity or
    slow to answer referrals. Services whose public excludes the person are left out.
    """
    now = now or timezone.now()
    local = timezone.localtime(now)
    wanted_themes = set(interview.themes)
    publics = _publics_of(interview)
    offers = list(_candidates(interview))
    outcomes = offer_outcomes([offer.pk for offer in offers], now=now)
    loads = offer_load([offer.pk for offer in offers], now=now)
    commune = interview.commune
    found = []
    for offer in offers:
        offer_publics = set(offer.publics)
        if offer_publics and Public.TOUS_PUBLICS not in offer_publics and not offer_publics & publics:
            continue
        shared = wanted_themes & set(offer.themes)
        if not shared:
            continue
        suggestion = Suggestion(offer=offer, score=0.0, distance_km=None, outcome=outcomes.get(offer.pk))
        suggestion.score += 4 * len(shared) / len(wanted_themes)
        suggestion.reasons.append("répond à : " + ", ".join(THEMES[theme] for theme in sorted(shared)))
        if offer_publics & publics:
            suggestion.score += 2
            suggestion.reasons.append(
                "pour les publics : " + ", ".join(Public(p).label for p in sorted(offer_publics & publics))
            )
        else:
            suggestion.score += 1
            suggestion.reasons.append("tous publics")
        place = offer.place
        remote = "a-distance" in offer.reception_modes
        if commune is not None and commune.latitude is not None and place and place.latitude is not None:
            distance = distance_km(commune.latitude, commune.longitude, place.latitude, place.longitude)  # type: ignore[arg-type]
            suggestion.distance_km = round(distance, 1)
            suggestion.score += 3 * math.exp(-distance / 14.4)
            where = place.commune.name if place.commune else place.city
            suggestion.reasons.append(
                f"à {suggestion.distance_km:.0f} km ({where})" if distance >= 1 else f"sur place à {where}"
            )
        elif remote:
            suggestion.reasons.append("à distance")
        hours = offer.hours
        if hours.is_known:
            opening = now if hours.is_open(local) else hours.next_opening(local, horizon_days=7)
            if opening is not None and opening - now <= timedelta(days=2):
                suggestion.score += 0.5
                suggestion.reasons.append(
                    "ouvert en ce moment"
                    if opening == now
                    else f"ouvre le {timezone.localtime(opening):%d/%m à %H h %M}"
                )
        needs = set(interview.access_needs)
        accessibility = (place.accessibility if place else {}) or {}
        if AccessNeed.WHEELCHAIR in needs:
            if accessibility.get("wheelchair"):
                suggestion.score += 1
                suggestion.reasons.append("accessible en fauteuil roulant")
            else:
                suggestion.score -= 2
                suggestion.warnings.append("accès en fauteuil roulant non signalé")
        if AccessNeed.HEARING in needs and accessibility.get("hearing_loop"):
            suggestion.score += 1
            suggestion.reasons.append("boucle magnétique")
        if AccessNeed.REMOTE in needs and remote:
            suggestion.score += 1
            suggestion.reasons.append("accompagnement à distance possible")
        if offer.weekly_capacity and loads.get(offer.pk, 0) >= offer.weekly_capacity:
            suggestion.score -= 1.5
            suggestion.warnings.append(
                f"chargé : {loads[offer.pk]} personnes acceptées cette semaine pour {offer.weekly_capacity} places"
            )
        outcome = suggestion.outcome
        if outcome and outcome.median_days is not None:
            suggestion.score -= min(1.0, outcome.median_days / SLOW_ANSWER_DAYS)
            rate = outcome.acceptance_rate
            suggestion.reasons.append(
                f"répond en {outcome.median_days:g} j en médiane"
                + (f", accepte {rate:.0%} des orientations" if rate is not None else "")
            )
        found.append(suggestion)
    found.sort(key=lambda item: (-item.score, item.distance_km if item.distance_km is not None else 1e9, item.offer.pk))
    # The same service of the same organisation in the same town (two listings of one office)
    # is offered once.
    unique: dict[tuple[int, str, str], Suggestion] = {}
    for item in found:
        place = item.offer.place
        town = place.commune_id if place and place.commune_id else place.city if place else ""
        unique.setdefault((item.offer.organisation_id, item.offer.name.casefold(), str(town)), item)
    return list(unique.values())[:limit]


@dataclass(frozen=True)
class OrganisationCounts:
    sent: dict[str, int]
    received: dict[str, int]


def organisation_counts(organisation_id: int) -> OrganisationCounts:
    """An organisation's referrals sent and received, by state."""
    sent = Counter(Referral.objects.filter(sender_organisation_id=organisation_id).values_list("state", flat=True))
    received = Counter(
        Referral.objects.filter(receiver_organisation_id=organisation_id).values_list("state", flat=True)
    )
    states = Referral.State.values
    return OrganisationCounts(
        sent={state: sent.get(state, 0) for state in states},
        received={state: received.get(state, 0) for state in states},
    )
