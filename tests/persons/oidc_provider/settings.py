"""An OpenID provider for the sign-in tests, started on loopback in its own process by
``tests/persons/test_oidc.py`` (and the browser journey): django-oauth-toolkit's OIDC provider,
with one person and one client application. It stands for FranceConnect: discovery, the
authorisation code with PKCE, an RS256 ID token, the user info endpoint. Never deployed."""

from __future__ import annotations

import os
from pathlib import Path

FOLDER = Path(os.environ["OIDC_TEST_FOLDER"])
SECRET_KEY = "oidc-test-provider-only"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oauth2_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
ROOT_URLCONF = "tests.persons.oidc_provider.urls"
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": FOLDER / "provider.sqlite3"}}
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [Path(__file__).parent / "templates"],
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
USE_TZ = True
LOGIN_URL = "/accounts/login/"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
SESSION_COOKIE_NAME = "provider_session"  # apart from the platform's own, on the same host
CSRF_COOKIE_NAME = "provider_csrftoken"
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": (FOLDER / "key.pem").read_text(),
    "OAUTH2_VALIDATOR_CLASS": "tests.persons.oidc_provider.claims.Validator",
    "SCOPES": {
        "openid": "OpenID Connect",
        "email": "adresse électronique",
        "given_name": "prénoms",
        "family_name": "nom",
    },
    "ALLOWED_REDIRECT_URI_SCHEMES": ["http", "https"],
    "PKCE_REQUIRED": True,
}
