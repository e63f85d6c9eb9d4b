"""Middleware of the web layer."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from orientation.utils.db import is_busy

logger = logging.getLogger(__name__)

#: what the person is told to wait before trying again
RETRY_AFTER_SECONDS = 30


class DatabaseBusyMiddleware:
    """A database that is locked, too slow or unreachable answers 503 with ``Retry-After`` and a
    page that says so (JSON for the API and the SIP route), instead of a 500 or a dead worker."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_busy(exception):
            return None
        logger.warning("Base de données occupée ou injoignable (%s) : 503 pour %s", exception, request.path)
        if request.path.startswith(("/api/", "/contact/")):
            response: HttpResponse = JsonResponse(
                {"code": "unavailable", "detail": "Service momentanément indisponible : réessayez dans un instant."},
                status=503,
            )
        else:
            # Nothing here may read the database: no messages (session), no demo banner.
            response = render(request, "503.html", {"DEMO_DATA": False, "messages": []}, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
