"""The service's figures as documents (the API's answers and the monthly open-data files): the
audience and the activity of a month, and their CSV rows. Licence Ouverte 2.0."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from orientation.statistics import selectors
from orientation.statistics.models import RESULT_RANGES
from orientation.utils.documents import LICENCE


def _counts(rows: list[tuple[str, int]]) -> list[dict[str, Any]]:
    return [{"key": key, "count": count} for key, count in rows]


def audience_document(month: str) -> dict[str, Any]:
    start, end = selectors.month_bounds(month)
    today = timezone.localdate()
    figures = selectors.audience(since=start, until=min(end - timedelta(days=1), today))
    return {
        "month": month,
        "licence": LICENCE,
        "page_views": _counts(figures.page_types),
        "entries": _counts(figures.entries),
        "referrers": _counts(figures.referrers),
        "devices": _counts(figures.devices),
        "searches": [
            {
                "kind": kind,
                "searches": count,
                "without_result": empty,
                "by_result_count": [
                    {"range": bound, "searches": searches}
                    for bound, searches in zip(
                        RESULT_RANGES, figures.result_ranges.get(kind, [0] * len(RESULT_RANGES)), strict=True
                    )
                ],
            }
            for kind, count, empty in figures.searches
        ],
        "searches_by_region": [
            {"region": code, "name": name, "searches": count} for code, name, count in figures.by_region
        ],
        "last_months": [
            {
                "month": item.month,
                "visits": item.visits,
                "page_views": item.page_views,
                "searches": item.searches,
                "empty_searches": item.empty_searches,
            }
            for item in figures.months
        ],
    }


def _referrals(figures: selectors.ReferralFigures) -> dict[str, Any]:
    return {
        "sent": figures.sent,
        "accepted": figures.accepted,
        "refused": figures.refused,
        "expired": figures.expired,
        "withdrawn": figures.withdrawn,
        "open": figures.open,
        "median_answer_days": figures.median_days,
    }


def _contacts(figures: selectors.ContactFigures) -> dict[str, Any]:
    return {
        "calls": figures.calls,
        "callbacks": figures.callbacks,
        "answered_first_level": figures.answered_first_level,
        "first_level_share": figures.first_level_share,
    }


def _labels(figures: selectors.LabelFigures) -> dict[str, Any]:
    return {
        "granted": figures.granted,
        "renewed": figures.renewed,
        "withdrawn": figures.withdrawn,
        "active_at_month_end": figures.active,
        "population_share_covered": figures.population_share,
    }


def activity_document(month: str) -> dict[str, Any]:
    figures = selectors.activity(month)
    return {
        "month": month,
        "licence": LICENCE,
        "regions": [
            {
                "region": code,
                "name": name,
                "referrals": _referrals(figures.referrals[code]),
                "contacts": _contacts(figures.contacts[code]),
                "labels": _labels(figures.labels[code]),
            }
            for code, name in figures.region_names.items()
        ],
        "national": {
            "region": "FR",
            "name": "France entière",
            "referrals": _referrals(figures.national_referrals()),
            "contacts": _contacts(figures.national_contacts()),
            "labels": _labels(figures.national_labels()),
        },
        "networks": [
            {"network": network, "referrals": _referrals(referrals)}
            for network, referrals in figures.referrals_by_network.items()
        ],
        "sources": [
            {
                "name": source.name,
                "label": source.label,
                "last_success": source.last_success,
                "age_hours": source.age_hours,
                "state": source.state,
            }
            for source in figures.sources
        ],
    }


def audience_csv_rows(document: dict[str, Any]) -> list[list[Any]]:
    """One line per measure and value."""
    month = document["month"]
    rows: list[list[Any]] = [["mois", "mesure", "valeur", "nombre"]]
    for measure in ("page_views", "entries", "referrers", "devices"):
        rows += [[month, measure, item["key"], item["count"]] for item in document[measure]]
    for item in document["searches"]:
        rows.append([month, "searches", item["kind"], item["searches"]])
        rows.append([month, "searches_without_result", item["kind"], item["without_result"]])
        rows += [
            [month, f"searches_results_{part['range']}", item["kind"], part["searches"]]
            for part in item["by_result_count"]
        ]
    rows += [[month, "searches_by_region", item["region"], item["searches"]] for item in document["searches_by_region"]]
    return rows


def activity_csv_rows(document: dict[str, Any]) -> list[list[Any]]:
    """One line per region, then « France entière »."""
    first = document["national"]
    header = ["mois", "region", "nom"]
    for part, prefix in (("referrals", "orientations"), ("contacts", "contacts"), ("labels", "labels")):
        header += [f"{prefix}_{name}" for name in first[part]]
    rows: list[list[Any]] = [header]
    for item in [*document["regions"], first]:
        values = [*item["referrals"].values(), *item["contacts"].values(), *item["labels"].values()]
        rows.append([document["month"], item["region"], item["name"], *values])
    return rows
