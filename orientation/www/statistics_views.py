"""« Le service en chiffres » (/statistiques/): how the service is used, by month and by region,
counted without cookies; what is measured and how to object; and, for operators, the searches
that found nothing (``backoffice.searches``). Charts are drawn on the server as SVG, each with its table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from orientation.statistics import selectors
from orientation.statistics.models import RESULT_RANGES

#: the longest bar, in the SVG's units
BAR_WIDTH = 240
ROW = 26
MONTH_NAMES = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
               "novembre", "décembre"]  # fmt: skip
PAGE_TYPE_LABELS = {
    "www:home": "Accueil",
    "www:search": "Recherche",
    "www:occupation": "Fiches métiers",
    "www:occupations": "Liste des métiers",
    "www:training": "Formations",
    "www:study": "Études",
    "www:place": "Lieux d’accueil",
    "www:offers": "Services",
    "www:offer": "Un service",
    "www:interests": "Questionnaire d’intérêts",
    "www:interests_questions": "Questionnaire d’intérêts",
    "www:interests_result": "Profil d’intérêts",
    "www:label_registry": "Registre du label",
    "www:label": "Une structure labellisée",
    "www:label_statistics": "Le label en chiffres",
    "www:callback": "Être rappelé",
    "www:statistics": "Le service en chiffres",
}
KIND_LABELS = {"occupation": "métiers", "training": "formations", "place": "lieux", "study": "études et diplômes"}


@dataclass
class BarRow:
    label: str
    value: int
    width: float
    y: int


def bar_rows(points: list[tuple[str, int]]) -> tuple[list[BarRow], int]:
    maximum = max((value for _label, value in points), default=0)
    rows = [
        BarRow(label, value, round(BAR_WIDTH * value / maximum, 1) if maximum else 0, index * ROW)
        for index, (label, value) in enumerate(points)
    ]
    return rows, max(len(rows), 1) * ROW


def month_label(month: str) -> str:
    year, number = month.split("-")
    return f"{MONTH_NAMES[int(number) - 1]} {year}"


def statistics_view(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    months = selectors.months_back(today, 12)
    month = request.GET.get("mois", "")
    month = month if month in months else months[-1]
    region_names = dict(selectors.regions())
    region = request.GET.get("region", "")
    region = region if region in region_names else ""
    start, end = selectors.month_bounds(month)
    audience = selectors.audience(since=start, until=min(end - timedelta(days=1), today))
    activity = selectors.activity(month, today=today)
    visits_chart, visits_height = bar_rows([(month_label(item.month), item.visits) for item in audience.months])
    regions_chart, regions_height = bar_rows([(name, count) for _code, name, count in audience.by_region if count])
    shown = [code for code in region_names if not region or code == region]
    national = activity.national_referrals()
    return render(
        request,
        "www/statistics.html",
        {
            "title": "Le service en chiffres",
            "month": month,
            "month_label": month_label(month),
            "months": [(key, month_label(key)) for key in reversed(months)],
            "region": region,
            "regions": list(region_names.items()),
            "audience": audience,
            "visits_chart": visits_chart,
            "visits_height": visits_height,
            "regions_chart": regions_chart,
            "regions_height": regions_height,
            "chart_width": BAR_WIDTH + 200,
            "page_types": [(PAGE_TYPE_LABELS.get(key, key), count) for key, count in audience.page_types],
            "searches": [(KIND_LABELS.get(kind, kind), count, empty) for kind, count, empty in audience.searches],
            "activity": activity,
            "rows": [
                (
                    region_names[code],
                    activity.referrals[code],
                    activity.contacts[code],
                    activity.labels[code],
                )
                for code in shown
            ],
            "national": national,
            "national_contacts": activity.national_contacts(),
            "result_ranges": RESULT_RANGES,
            "searches_by_range": [
                (KIND_LABELS.get(kind, kind), audience.result_ranges.get(kind, [0] * len(RESULT_RANGES)))
                for kind, _count, _empty in audience.searches
            ],
            "breadcrumb": [{"title": "Accueil", "url": reverse("www:home")}, {"title": "Le service en chiffres"}],
        },
    )


def measurement_view(request: HttpRequest) -> HttpResponse:
    """What the audience measurement counts, why it needs no consent banner, how to object."""
    return render(
        request,
        "www/statistics_measurement.html",
        {
            "title": "Mesure d’audience",
            "breadcrumb": [
                {"title": "Accueil", "url": reverse("www:home")},
                {"title": "Le service en chiffres", "url": reverse("www:statistics")},
                {"title": "Mesure d’audience"},
            ],
        },
    )
