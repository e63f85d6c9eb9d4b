"""For operators: the searches of the portal that found nothing, to add as synonyms."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from orientation.statistics import selectors
from orientation.www.backoffice.auth import staff_required


@staff_required
def empty_searches_view(request: HttpRequest) -> HttpResponse:
    """For operators: the searches that found nothing, searched at least 5 times over the
    period, to add as synonyms (/admin/search/synonym/)."""
    user = request.user
    if not (getattr(user, "is_national_admin", False) or user.has_perm("search.change_synonym")):
        raise PermissionDenied("Réservé aux administrateurs nationaux et à ceux qui tiennent les synonymes.")
    today = timezone.localdate()
    try:
        days = min(max(int(request.GET.get("jours", "30")), 1), 366)
    except ValueError:
        days = 30
    return render(
        request,
        "www/backoffice/empty_searches.html",
        {
            "title": "Recherches sans résultat",
            "days": days,
            "threshold": selectors.EMPTY_TERM_THRESHOLD,
            "terms": selectors.empty_search_terms(since=today - timedelta(days=days - 1), until=today),
            "breadcrumb": [
                {"title": "Gestion", "url": reverse("backoffice:home")},
                {"title": "Recherches sans résultat"},
            ],
        },
    )
