"""Middleware of the web layer."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers, patch_vary_headers

from orientation.persons.services import person_touch
from orientation.statistics import audience
from orientation.statistics.services import audience_flush_in_background
from orientation.utils import replica
from orientation.utils.db import is_busy
from orientation.utils.http import client_address

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


#: paths whose pages or answers hold personal data or a secret link, whoever asks
PRIVATE_PREFIXES = (
    "/gestion/",
    "/admin/",
    "/orientation/",
    "/mon-espace/",
    "/api/v1/referrals",
    "/api/v1/labels/applications",
    "/api/v1/feeds",
    "/api/v1/contact/",
)


class PrivateResponseMiddleware:
    """Pages and API answers with personal data are never kept by a browser or a proxy:
    ``Cache-Control: no-store`` on the private paths and on whatever a signed-in user or a
    partner platform is answered."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (
            request.path.startswith(PRIVATE_PREFIXES)
            or "HTTP_AUTHORIZATION" in request.META
            or (user is not None and user.is_authenticated)
        ):
            add_never_cache_headers(response)
            patch_vary_headers(response, ["Cookie"])
        return response


class SlidingSessionMiddleware:
    """A signed-in session lasts SESSION_COOKIE_AGE (a person's: PERSON_SESSION_DAYS) from its last
    activity, not from sign-in: its expiry is pushed back at most once every RENEW_SECONDS (not a
    write per request)."""

    RENEW_SECONDS = 300
    _KEY = "_renewed_at"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            if now - int(request.session.get(self._KEY, 0)) >= self.RENEW_SECONDS:
                request.session[self._KEY] = now
                if getattr(user, "is_person", False):
                    # a person's own space: its own lifetime, and the inactivity clock starts again
                    request.session.set_expiry(settings.PERSON_SESSION_DAYS * 86400)
                    person_touch(person=user)
                else:
                    request.session.set_expiry(settings.SESSION_COOKIE_AGE)
        return self.get_response(request)


#: what the audience counts: the public pages, not the private ones nor the API or the files
AUDIENCE_SKIPPED = (*PRIVATE_PREFIXES, "/api/", "/static/", "/contact/", "/sitemap", "/sante/", "/demo/")


def _host(request: HttpRequest) -> str:
    try:
        return request.get_host()
    except DisallowedHost:
        return ""


class AudienceMiddleware:
    """Counts a public page's view, without a cookie and without storing anything personal
    (``orientation.statistics.audience``); writes this process's counts every few seconds, after
    the response is made. A visitor who says ``DNT: 1`` or ``Sec-GPC: 1`` is not counted."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        match = request.resolver_match
        if (
            request.method == "GET"
            and response.status_code == 200
            and match is not None
            and match.url_name
            and not request.path.startswith(AUDIENCE_SKIPPED)
            and response.get("Content-Type", "").startswith("text/html")
            and not audience.opted_out(request.META)
            and not audience.is_robot(request.META.get("HTTP_USER_AGENT", ""))
        ):
            try:
                audience.count_page(
                    page_type=f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name,
                    address=client_address(request),
                    user_agent=request.META.get("HTTP_USER_AGENT", ""),
                    referrer=request.META.get("HTTP_REFERER", ""),
                    own_host=_host(request),
                )
            except Exception:  # counting touches only this process's memory; whatever fails, the page is served
                logger.warning("Page non comptée", exc_info=True)
        if audience.due():
            audience_flush_in_background()
        return response


#: what is never read from the replica, whoever asks: what a person or an adviser just changed
REPLICA_SKIPPED = (*PRIVATE_PREFIXES, "/sante/", "/demo/", "/api/v1/me", "/api/v1/passports")


def reads_from_replica(request: HttpRequest) -> bool:
    """Whether a request's reads may come from the replica: a visitor's ``GET`` of a public page
    or of the public API (no session cookie, no ``Authorization``)."""
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
        and not request.path.startswith(REPLICA_SKIPPED)
    )


class ReplicaReadsMiddleware:
    """Sends a visitor's public reads to the replica (``orientation.utils.replica``); when the
    replica fails during one, the view runs again on the primary and the visitor sees no error."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not replica.replica_configured() or not reads_from_replica(request):
            return self.get_response(request)
        token = replica.reading_from_replica.set(True)
        try:
            return self.get_response(request)
        finally:
            replica.reading_from_replica.reset(token)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not replica.reading_from_replica.get() or not isinstance(exception, OperationalError | InterfaceError):
            return None
        replica.replica_failed(exception)
        match = request.resolver_match
        if match is None:
            return None
        token = replica.reading_from_replica.set(False)
        try:
            response: HttpResponse = match.func(request, *match.args, **match.kwargs)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
        except OperationalError as error:  # the primary too: what DatabaseBusyMiddleware answers
            return DatabaseBusyMiddleware(self.get_response).process_exception(request, error)
        finally:
            replica.reading_from_replica.reset(token)
        return response
