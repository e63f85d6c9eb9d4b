"""« Données ouvertes » (/donnees-ouvertes/): the nightly files of the catalogue, each with its
schema, licence, date, size and digest (read from the manifest ``open_data_export`` writes), the
API's pages to keep a copy in sync, and the files themselves."""

from __future__ import annotations

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.dateparse import parse_datetime

from orientation.operations.open_data import read_manifest


def open_data_view(request: HttpRequest) -> HttpResponse:
    manifest = read_manifest(settings.OPEN_DATA_EXPORT_DIR) or {"files": []}
    generated = parse_datetime(manifest.get("generated_at", "") or "")
    return render(
        request,
        "www/open_data.html",
        {
            "title": "Données ouvertes",
            "files": manifest["files"],
            "generated": generated,
            "breadcrumb": [{"title": "Accueil", "url": reverse("www:home")}, {"title": "Données ouvertes"}],
        },
    )


def open_data_file(request: HttpRequest, name: str) -> FileResponse:
    """A file the manifest lists, and no other."""
    manifest = read_manifest(settings.OPEN_DATA_EXPORT_DIR) or {"files": []}
    if name not in {entry["file"] for entry in manifest["files"]}:
        raise Http404("Fichier inconnu")
    path = settings.OPEN_DATA_EXPORT_DIR / name
    if not path.is_file():
        raise Http404("Fichier absent")
    content_type = "application/gzip" if name.endswith(".gz") else "application/json"
    response = FileResponse(path.open("rb"), content_type=content_type, as_attachment=True, filename=name)
    response["Cache-Control"] = "public, max-age=3600"
    return response
