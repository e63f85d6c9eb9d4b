"""The label on the portal: the public registry of labelled sites (list and map), a page per
label, and the anonymised figures with the coverage map. Pages work without JavaScript: a
map is an SVG image drawn on the server, and every map has its table beside it."""

from __future__ import annotations

import statistics
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from orientation.directory.models import Place
from orientation.labels import selectors
from orientation.labels.models import Application, Label
from orientation.territories.geo import distance_km
from orientation.territories.models import Region
from orientation.www import maps

#: a registry map is drawn when it has this many sites or fewer (else: choose a region)
MAX_SITES_ON_MAP = 300


def _sites_map(sites: list[Place], title: str) -> object | None:
    located = [
        (site.latitude, site.longitude, site.name)
        for site in sites
        if site.latitude is not None and site.longitude is not None
    ]
    if not located or len(located) > MAX_SITES_ON_MAP:
        return None
    latitude = statistics.fmean(lat for lat, _lon, _name in located)
    longitude = statistics.fmean(lon for _lat, lon, _name in located)
    radius = max([distance_km(latitude, longitude, lat, lon) for lat, lon, _name in located] + [10.0]) * 1.1
    markers = [maps.Marker(lat, lon, name, number) for number, (lat, lon, name) in enumerate(located, 1)]
    return maps.situation_map(latitude, longitude, radius, markers, title=title, ident="carte-registre")


def region_param(request: HttpRequest, regions: QuerySet[Region] | None = None) -> Region | None:
    """The region asked for with ?region=<INSEE code> (None when not asked; unknown: 404)."""
    code = request.GET.get("region", "").strip()[:3]
    if not code:
        return None
    region = (regions if regions is not None else Region.objects.all()).filter(code=code).first()
    if region is None:
        raise Http404("Région inconnue")
    return region


def registry_view(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    region = region_param(request)
    entries = selectors.registry(today, region=region)
    sites = [site for entry in entries for site in entry.sites]
    numbered, number = [], 0
    for entry in entries:
        rows: list[tuple[int | None, Place]] = []
        for site in entry.sites:
            if site.latitude is not None and site.longitude is not None:
                number += 1
                rows.append((number, site))
            else:
                rows.append((None, site))
        numbered.append((entry, rows))
    title = gettext("Carte des sites labellisés")
    return render(
        request,
        "www/labels/registry.html",
        {
            "title": gettext("Registre des structures labellisées « Orientation pour tous »"),
            "entries": numbered,
            "site_count": len(sites),
            "regions": Region.objects.filter(labels__in=Label.objects.active(today)).distinct().order_by("name"),
            "region": region,
            "registry_map": _sites_map(sites, title + (f" : {region}" if region else "")),
            "too_many_for_map": len(sites) > MAX_SITES_ON_MAP,
            "csv_url": reverse("api-v1:list_labels") + "?format=csv" + (f"&region={region.code}" if region else ""),
            "json_url": reverse("api-v1:list_labels") + (f"?region={region.code}" if region else ""),
            "breadcrumb": [
                {"title": gettext("Accueil"), "url": reverse("www:home")},
                {"title": gettext("Registre du label")},
            ],
        },
    )


def label_view(request: HttpRequest, pk: int) -> HttpResponse:
    today = timezone.localdate()
    entry = next(iter(selectors.registry(today, label_id=pk)), None)
    if entry is None:
        raise Http404("Aucun label en vigueur sous ce numéro")
    application = entry.application
    return render(
        request,
        "www/labels/label.html",
        {
            "title": application.applicant_name,
            "entry": entry,
            "application": application,
            "organisations": application.grouping.organisations.all()
            if application.grouping
            else [application.organisation],
            "living_areas": application.living_areas.all(),
            "employment_zones": application.employment_zones.all(),
            "communes": application.communes.all(),
            "sites_map": _sites_map(
                entry.sites, gettext("Carte des sites : %(name)s") % {"name": application.applicant_name}
            ),
            "breadcrumb": [
                {"title": gettext("Accueil"), "url": reverse("www:home")},
                {"title": gettext("Registre du label"), "url": reverse("www:label_registry")},
                {"title": application.applicant_name},
            ],
        },
    )


def dashboard_context(today: date, regions: QuerySet[Region] | None = None) -> dict[str, Any]:
    """What the national, regional and public dashboards show."""
    figures = selectors.dashboard(today, regions=regions)
    return {
        "dashboard": figures,
        "state_labels": dict(Application.State.choices),
        "max_state": max(figures.by_state.values(), default=0) or 1,
    }


def coverage_section(region: Region | None, today: date) -> dict[str, object]:
    """A region's coverage, its map of bassins de vie and their table."""
    if region is None:
        return {}
    total, areas = selectors.coverage_of_region(region, today)
    svg = maps.coverage_map(
        [
            maps.Area(
                name=area.living_area.name if area.living_area else "—",
                points=area.points,
                share=area.communes_share,
                population=area.population,
            )
            for area in areas
        ],
        title=gettext("Couverture des bassins de vie de la région %(region)s par les sites labellisés")
        % {"region": region},
    )
    return {"coverage_region": region, "coverage_total": total, "coverage_areas": areas, "coverage_map": svg}


def statistics_view(request: HttpRequest) -> HttpResponse:
    """The anonymised public dashboard: figures of the instruction, coverage by region."""
    today = timezone.localdate()
    region = region_param(request)
    context = dashboard_context(today)
    context.update(coverage_section(region, today))
    context.update(
        title=gettext("Le label en chiffres"),
        public=True,
        regions=Region.objects.order_by("name"),
        breadcrumb=[
            {"title": gettext("Accueil"), "url": reverse("www:home")},
            {"title": gettext("Le label en chiffres")},
        ],
    )
    return render(request, "www/labels/dashboard.html", context)
