"""Errors of the API, all answered with the same body: {"code": ..., "detail": ...}."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError


class ApiError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


class NotFound(ApiError):
    status = 404
    code = "not_found"


def refused(code: str, detail: str, errors: Iterable[tuple[str, str]]) -> JsonResponse:
    """A document refused whole (422), each problem named by its field: the body every API
    that takes a document answers (a referral, a passport, the interests' answers)."""
    return JsonResponse(
        {"code": code, "detail": detail, "errors": [{"field": field, "reason": reason} for field, reason in errors]},
        status=422,
    )


def install_error_handlers(api: NinjaAPI) -> None:
    def answer(request: HttpRequest, status: int, code: str, detail: str, **extra: object) -> HttpResponse:
        return api.create_response(request, {"code": code, "detail": detail, **extra}, status=status)

    @api.exception_handler(ApiError)
    def on_api_error(request: HttpRequest, error: ApiError) -> HttpResponse:
        return answer(request, error.status, error.code, error.detail)

    @api.exception_handler(ValidationError)
    def on_validation_error(request: HttpRequest, error: ValidationError) -> HttpResponse:
        return answer(request, 422, "invalid_input", "Paramètres invalides.", errors=error.errors)

    @api.exception_handler(AuthenticationError)
    def on_authentication_error(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
        return answer(
            request,
            401,
            "unauthenticated",
            "Authentification requise : une session de l’espace de gestion ouverte avec le mot de passe et le "
            "code de double authentification, le jeton de votre plateforme, ou, pour « mon espace », la session "
            "de votre espace personnel ou un jeton d’accès de votre fournisseur d’identité.",
        )

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
        return answer(request, error.status_code, "http_error", str(error))
