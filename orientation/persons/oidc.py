"""OpenID Connect for persons: the provider a deployment names by settings (FranceConnect in
production; the tests' own provider on loopback), spoken through Authlib: discovery, the
authorisation code with state, nonce and PKCE, the ID token checked against the provider's keys,
the user info (JSON, or a signed JWT as FranceConnect v2 answers it). The API takes the same
provider's access tokens as bearers, checked at its user info endpoint."""

from __future__ import annotations

import contextlib
import hashlib
from functools import cache
from typing import Any

import requests
from authlib.integrations.django_client import OAuth, OAuthError
from django.conf import settings
from django.core.cache import cache as shared_cache
from django.http import HttpRequest, HttpResponse
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from orientation.accounts.models import User
from orientation.persons.services import person_from_identity

__all__ = ["OAuthError", "ProviderError"]

TIMEOUT_SECONDS = 10
#: how long an access token checked at the provider is believed without asking again
BEARER_CACHE_SECONDS = 60


class ProviderError(Exception):
    """The provider could not be reached, or answered something that is not OpenID Connect."""


def oidc_enabled() -> bool:
    return bool(settings.OIDC_ISSUER and settings.OIDC_CLIENT_ID)


@cache
def _client(issuer: str, client_id: str, client_secret: str, scopes: str) -> Any:
    oauth = OAuth()
    return oauth.register(
        name="persons",
        client_id=client_id,
        client_secret=client_secret,
        server_metadata_url=f"{issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": scopes, "code_challenge_method": "S256", "timeout": TIMEOUT_SECONDS},
    )


def client() -> Any:
    return _client(settings.OIDC_ISSUER, settings.OIDC_CLIENT_ID, settings.OIDC_CLIENT_SECRET, settings.OIDC_SCOPES)


def authorize_redirect(request: HttpRequest, redirect_uri: str) -> HttpResponse:
    """To the provider's sign-in; state, nonce and the PKCE verifier wait in the session."""
    extra = {"acr_values": settings.OIDC_ACR_VALUES} if settings.OIDC_ACR_VALUES else {}
    try:
        return client().authorize_redirect(request, redirect_uri, **extra)
    except (requests.RequestException, ValueError, KeyError) as error:
        raise ProviderError(str(error)) from error


def _userinfo(oidc: Any, token: dict[str, Any]) -> dict[str, Any]:
    response = oidc.get(oidc.load_server_metadata()["userinfo_endpoint"], token=token, timeout=TIMEOUT_SECONDS)
    response.raise_for_status()
    if response.headers.get("Content-Type", "").split(";")[0].strip() == "application/jwt":
        keys = KeySet.import_key_set(oidc.fetch_jwk_set())
        try:
            return dict(jwt.decode(response.text.strip(), keys).claims)
        except (JoseError, ValueError) as error:
            raise ProviderError(f"user info signée illisible : {error}") from error
    return dict(response.json())


def callback_claims(request: HttpRequest) -> dict[str, Any]:
    """The claims of the person the provider sent back: the checked ID token's, completed by
    the user info. ``OAuthError`` for a refusal or a state that is not ours."""
    oidc = client()
    try:
        token = oidc.authorize_access_token(request)
        claims = dict(token.get("userinfo") or {})
        if not claims.get("sub"):
            raise OAuthError(description="réponse sans jeton d’identité")
        info = _userinfo(oidc, token)
    except (requests.RequestException, ValueError) as error:
        raise ProviderError(str(error)) from error
    if info.get("sub") != claims["sub"]:
        raise OAuthError(description="les informations de l’usager ne sont pas celles du jeton d’identité")
    return {**info, **claims}


def person_for_bearer(token: str) -> User | None:
    """The person whose access token this is, asked to the provider's user info endpoint (an
    access token of FranceConnect is opaque), believed for BEARER_CACHE_SECONDS."""
    if not oidc_enabled() or not token or len(token) > 4000:
        return None
    key = "persons:bearer:" + hashlib.sha256(token.encode()).hexdigest()
    try:
        person_id = shared_cache.get(key)
    except Exception:  # the shared cache does not answer: ask the provider each time meanwhile
        person_id = None
    if person_id is None:
        oidc = client()
        try:
            claims = _userinfo(oidc, {"access_token": token, "token_type": "Bearer"})
        except (requests.RequestException, ProviderError, ValueError, KeyError):
            return None
        if not claims.get("sub"):
            return None
        person_id = person_from_identity(issuer=settings.OIDC_ISSUER, claims=claims).pk
        with contextlib.suppress(Exception):
            shared_cache.set(key, person_id, BEARER_CACHE_SECONDS)
    return User.objects.filter(pk=person_id, is_person=True, is_active=True).first()
