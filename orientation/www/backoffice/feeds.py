"""Feed health: how every source's imports are doing, for the data team and the operators."""

from __future__ import annotations

import csv
from collections.abc import Iterator

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from orientation.ingestion.models import Source
from orientation.ingestion.selectors import REJECTS_SHOWN, feed_health, feeds_health, run_rejects
from orientation.ingestion.services import source_can_import, source_queue_import
from orientation.www.backoffice.auth import ViewFunction, staff_required
from orientation.www.backoffice.charts import run_chart

_view = permission_required("ingestion.view_source", raise_exception=True)
_change = permission_required("ingestion.change_source", raise_exception=True)


def view_sources(view: ViewFunction) -> ViewFunction:
    return staff_required(_view(view))


def change_sources(view: ViewFunction) -> ViewFunction:
    return staff_required(_change(view))


@view_sources
def health(request: HttpRequest) -> HttpResponse:
    healths = feeds_health()
    return render(
        request,
        "www/backoffice/feed_health.html",
        {
            "title": "État des flux de données",
            "healths": [(item, run_chart(item.runs)) for item in healths],
            "breadcrumb": [{"title": "Gestion"}, {"title": "État des flux"}],
        },
    )


@view_sources
def source_health(request: HttpRequest, name: str) -> HttpResponse:
    source = get_object_or_404(Source, name=name)
    item = feed_health(source)
    last = item.last_run
    return render(
        request,
        "www/backoffice/feed_source.html",
        {
            "title": f"Flux « {source} »",
            "health": item,
            "chart": run_chart(item.runs),
            "runs": list(reversed(item.runs)),
            "rejects": list(run_rejects(last)[:REJECTS_SHOWN]) if last else [],
            "rejects_shown": REJECTS_SHOWN,
            "can_run": source_can_import(source) and request.user.has_perm("ingestion.change_source"),
            "breadcrumb": [
                {"title": "Gestion"},
                {"title": "État des flux", "url": reverse("backoffice:feed_health")},
                {"title": str(source)},
            ],
        },
    )


@view_sources
def rejects_csv(request: HttpRequest, name: str) -> StreamingHttpResponse:
    """Every reject of the source's last run, for the data provider to fix its file."""
    source = get_object_or_404(Source, name=name)
    last = feed_health(source).last_run

    class Echo:
        def write(self, value: str) -> str:
            return value

    def rows() -> Iterator[str]:
        writer = csv.writer(Echo(), delimiter=";")
        yield "\ufeff" + writer.writerow(["fichier", "ligne", "enregistrement", "champ", "motif"])
        if last is not None:
            for reject in run_rejects(last).iterator(chunk_size=2000):
                yield writer.writerow([reject.file, reject.line or "", reject.record, reject.field, reject.reason])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    stamp = f"{last.started_at:%Y%m%d-%H%M}" if last else "aucun-import"
    response["Content-Disposition"] = f'attachment; filename="rejets-{source.name}-{stamp}.csv"'
    return response


@require_POST
@change_sources
def run_now(request: HttpRequest, name: str) -> HttpResponse:
    source = get_object_or_404(Source, name=name)
    if source_queue_import(source=source):
        messages.success(request, "Import mis en file : le worker le lance dès qu’il est libre.")
    else:
        messages.error(request, "Cette source n’a pas d’import à lancer (type ou emplacement manquant).")
    return redirect("backoffice:feed_health_source", name=source.name)
