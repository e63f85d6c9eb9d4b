"""One settings module for every environment, read from environment variables.

The defaults suit a laptop: SQLite under ``var/``, debug off, e-mails printed on the
console. Production sets ``DATABASE_URL``, ``SECRET_KEY``, ``ALLOWED_HOSTS`` and the
e-mail variables; nothing exists only in production.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
import structlog
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from orientation.utils.log_privacy import add_request_id, drop_personal

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ORIENTATION_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# "laptop" (the default: SQLite, demo data, keys that are only good for a laptop) or
# "production", which refuses to start on anything a laptop may get away with (see below).
DJANGO_ENV = os.environ.get("DJANGO_ENV", "laptop").strip().lower()
if DJANGO_ENV not in {"laptop", "production"}:
    raise ImproperlyConfigured(f"DJANGO_ENV={DJANGO_ENV!r} : « laptop » ou « production ».")
PRODUCTION = DJANGO_ENV == "production"

DEBUG = env_bool("DEBUG", False)
LAPTOP_SECRET_KEY = "laptop-only-insecure-key-set-SECRET_KEY-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", LAPTOP_SECRET_KEY)
# The key of the callers' numbers' digests (contact.models.caller_digest): a secret of its own, so
# that whoever learns the session key cannot try every phone number against the log, nor the
# other way round.
CALLER_DIGEST_KEY = os.environ.get("CALLER_DIGEST_KEY", "laptop-only-caller-digest-key")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

# Folder holding the real open data (layout of ../shared/data). When it is set, the
# platform runs on that data and, unless DATABASE_URL says otherwise, on a database
# file of its own so that demo data and real data never mix.
OPEN_DATA_DIR = os.environ.get("ORIENTATION_OPEN_DATA") or None
# The data·inclusion JSON schema (structure.json, service.json) that exchanges are
# validated against: the standard's own files, read where they are published.
DATA_INCLUSION_SCHEMA_DIR = Path(
    os.environ.get("DATA_INCLUSION_SCHEMA_DIR")
    or Path(OPEN_DATA_DIR or BASE_DIR.parent / "shared" / "data") / "data-inclusion" / "schema-v1"
)
_default_db_file = "open-data.sqlite3" if OPEN_DATA_DIR else "demo.sqlite3"

# How long a query waits for a lock, and how long a statement may run (0: no limit). The web
# processes wait 5 s and stop a statement after 20 s, well under gunicorn's 30 s (config/wsgi.py);
# commands and the worker wait 30 s and have no statement limit (manage.py). Then: a 503 page.
DATABASE_LOCK_TIMEOUT_SECONDS = float(os.environ.get("DATABASE_LOCK_TIMEOUT_SECONDS", "5"))
DATABASE_STATEMENT_TIMEOUT_SECONDS = float(os.environ.get("DATABASE_STATEMENT_TIMEOUT_SECONDS", "0"))

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db' / _default_db_file}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers see the last committed state while an import writes;
        # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of
        # failing half-way with "database is locked".
        # The page cache is per connection and grows only as pages are read: a web
        # request stays small, an import of 230,000 actions keeps its indexes in memory.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            f"PRAGMA cache_size=-{int(os.environ.get('SQLITE_CACHE_MB', '64')) * 1024}; PRAGMA temp_store=MEMORY;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": DATABASE_LOCK_TIMEOUT_SECONDS,
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    _timeouts = f"-c lock_timeout={int(DATABASE_LOCK_TIMEOUT_SECONDS * 1000)}"
    if DATABASE_STATEMENT_TIMEOUT_SECONDS:
        _timeouts += f" -c statement_timeout={int(DATABASE_STATEMENT_TIMEOUT_SECONDS * 1000)}"
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = _timeouts

# A PostgreSQL streaming replica for the public pages' and the public API's reads
# (orientation.utils.replica): unset, every read is on the primary.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "").strip()
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60"))
    )
    DATABASES["replica"]["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        # a replica that does not answer at once is left for the primary (REPLICA_RETRY_SECONDS)
        "connect_timeout": int(os.environ.get("DATABASE_REPLICA_CONNECT_TIMEOUT", "2")),
    }
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["orientation.utils.replica.ReplicaRouter"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_structlog",
    "django_prometheus",
    "django.contrib.sitemaps",
    "dsfr",
    "widget_tweaks",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "orientation.accounts",
    "orientation.territories",
    "orientation.occupations",
    "orientation.trainings",
    "orientation.directory",
    "orientation.ingestion",
    "orientation.search",
    "orientation.labels",
    "orientation.referrals",
    "orientation.interests",
    "orientation.studies",
    "orientation.contact",
    "orientation.persons",
    "orientation.statistics",
    "orientation.demo",
    "orientation.operations",
    "orientation.www",
    "orientation.api",
]

MIDDLEWARE = [
    # first and last: the requests' count and latency for Prometheus (django-prometheus)
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # binds the load balancer's request id to every log line of the request (django-structlog)
    "django_structlog.middlewares.RequestMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "orientation.www.middleware.SlidingSessionMiddleware",
    "orientation.www.middleware.PrivateResponseMiddleware",
    "orientation.www.middleware.DatabaseBusyMiddleware",
    # after DatabaseBusyMiddleware: a replica that fails is answered from the primary, not by a 503
    "orientation.www.middleware.ReplicaReadsMiddleware",
    # counts the page views of the public pages, cookie-free (orientation.statistics.audience)
    "orientation.www.middleware.AudienceMiddleware",
    # Last but one, as django-axes asks: it answers the lockout of a throttled login.
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

# Prometheus metrics (django-prometheus): each process (every gunicorn worker, the worker)
# serves /metrics on the first free port of METRICS_PORTS on METRICS_ADDRESS, an address of the
# platform's network that the load balancer does not publish. Unset: no metrics served.
METRICS_ADDRESS = os.environ.get("METRICS_ADDRESS", "").strip()
METRICS_PORTS = os.environ.get("METRICS_PORTS", "9100-9115").strip()
if METRICS_ADDRESS:
    _first, _dash, _last = METRICS_PORTS.partition("-")
    PROMETHEUS_METRICS_EXPORT_ADDRESS = METRICS_ADDRESS
    PROMETHEUS_METRICS_EXPORT_PORT_RANGE = range(int(_first), int(_last or _first) + 1)

# Caches. "default": the rate limits, the towns located, the synonyms; "counters": what every
# process must share (the audience's daily salt and visitors' digests, which only live there).
# With REDIS_URL (production: several web hosts), both are on Redis (django-redis), shared by all
# hosts; a Redis that does not answer within CACHE_TIMEOUT_SECONDS degrades to the database (the
# code that reads the cache says how: utils.ratelimit, search.selectors), never a 500. Without it
# (a laptop), "default" is each process's memory and "counters" the database (a migration's table).
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
CACHE_TIMEOUT_SECONDS = float(os.environ.get("CACHE_TIMEOUT_SECONDS", "0.5"))
if REDIS_URL:
    _redis_options = {
        "SOCKET_CONNECT_TIMEOUT": CACHE_TIMEOUT_SECONDS,
        "SOCKET_TIMEOUT": CACHE_TIMEOUT_SECONDS,
    }
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "orientation",
            "OPTIONS": _redis_options,
        },
        "counters": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "orientation-counters",
            "OPTIONS": _redis_options,
        },
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "counters": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "orientation_counters",
            "OPTIONS": {"MAX_ENTRIES": 500_000, "CULL_FREQUENCY": 10},
        },
    }

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "orientation.www.context_processors.site",
                "csp.context_processors.nonce",
            ],
        },
    }
]

AUTH_USER_MODEL = "accounts.User"
# Staff sign in with a password and a second factor (TOTP, django-otp); repeated failed
# logins for one user name from one address are refused for a while (django-axes).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # the person's space: the e-mailed link (django-sesame), for accounts of persons only
    "orientation.persons.backends.PersonLinkBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "www/backoffice/locked_out.html"
OTP_TOTP_ISSUER = "Orientation pour tous"
LOGIN_URL = "backoffice:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The interface is French; strings are marked for translation so that other
# languages can be added with a catalogue under locale/.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Documents of the persons' passports: outside the web root, served only by a view that
    # checks who asks (orientation.persons, www.person_views.attachment).
    "private": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": VAR_DIR / "private"}},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or env_bool("ORIENTATION_PLAIN_STATIC", False)
            # Not the manifest storage: it rewrites url() inside CSS files, which breaks
            # the integrity (SRI) hashes the DSFR tags put on their stylesheets.
            else "whitenoise.storage.CompressedStaticFilesStorage"
        )
    },
}
# Serve static files straight from the apps when they are not collected (make dev).
WHITENOISE_USE_FINDERS = DEBUG or env_bool("ORIENTATION_PLAIN_STATIC", False)
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# By default e-mails are written as .eml files under var/mail/ (read them there) and logged by
# message id and recipient count only: a console backend would print addresses and secret links.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "orientation.utils.mail.FolderBackend")
EMAIL_FILE_PATH = Path(os.environ.get("EMAIL_FILE_PATH", VAR_DIR / "mail"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Orientation pour tous <ne-pas-repondre@localhost>")

# Background work (imports on schedule, e-mails): Django's task API through the
# django-tasks backport, queued in the database by default; `make worker` runs them.
TASKS: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}
}
if TASKS["default"]["BACKEND"] == "django_tasks_rq.RQBackend":
    # Redis's queue (RQ), measured against the database's by make bench-task-queue (README:
    # « The task queue »); the platform's periodic tasks are not written for it: not for production.
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {"default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0"}}
    TASKS["default"]["QUEUES"] = ["default"]
# Search: the embedded Tantivy index, rebuilt from the database (manage.py search_index).
SEARCH_BACKEND = os.environ.get("SEARCH_BACKEND", "tantivy")
# Several web hosts: the worker publishes each Tantivy index it builds in the database, and each
# host takes it (search_index_sync, at start and every 30 s) instead of building its own.
SEARCH_INDEX_SHARED = env_bool("SEARCH_INDEX_SHARED", PRODUCTION)
SEARCH_INDEX_DIR = Path(os.environ.get("SEARCH_INDEX_DIR", VAR_DIR / "search"))
# Where the nightly open-data files are written (manage.py open_data_export), served at /donnees-ouvertes/.
OPEN_DATA_EXPORT_DIR = Path(os.environ.get("OPEN_DATA_EXPORT_DIR", VAR_DIR / "open-data"))
# Public address of the site, for the links written in e-mails.
# By default the address `make run` serves (its PORT), so that links in e-mails lead back to it.
SITE_URL = os.environ.get("SITE_URL", f"http://127.0.0.1:{os.environ.get('PORT', '8000')}").rstrip("/")
# How long the e-mailed link that opens the enrolment of a staff member's second factor is valid.
SECOND_FACTOR_LINK_MINUTES = int(os.environ.get("SECOND_FACTOR_LINK_MINUTES", "30"))
# Who else hears of a failed import, besides the source's contact (comma separated).
IMPORT_ALERT_EMAILS = [email.strip() for email in os.environ.get("IMPORT_ALERT_EMAILS", "").split(",") if email.strip()]

# The platform's own reverse proxies and load balancers: their X-Forwarded-For names the client
# (orientation.utils.http.client_address); nobody else's is believed. Addresses or networks.
TRUSTED_PROXY_IPS = env_list("TRUSTED_PROXY_IPS", "")
AXES_CLIENT_IP_CALLABLE = "orientation.utils.http.client_address"
# The SIP proxies allowed to ask POST /contact/sip/route (their addresses as the web server sees them).
CONTACT_ROUTING_ALLOWED_IPS = env_list("CONTACT_ROUTING_ALLOWED_IPS", "127.0.0.1,::1")
# The SIP proxy waits 2 s for a decision (deploy/kamailio/kamailio.cfg): the platform decides within this.
CONTACT_ROUTING_BUDGET_SECONDS = float(os.environ.get("CONTACT_ROUTING_BUDGET_SECONDS", "1.5"))
# The voice platform's account token (Twilio, Telnyx): its webhooks' signatures are checked.
VOICE_WEBHOOK_TOKEN = os.environ.get("VOICE_WEBHOOK_TOKEN", "")
# Without a token, the voice webhooks answer only these addresses (a voice gateway beside the platform).
VOICE_WEBHOOK_ALLOWED_IPS = env_list("VOICE_WEBHOOK_ALLOWED_IPS", "127.0.0.1,::1")

SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", PRODUCTION or (not DEBUG and "localhost" not in ALLOWED_HOSTS))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# A staff session lasts a working day from its last activity (sliding: www.middleware.SlidingSession
# renews it at most every few minutes); sensitive steps ask again for the second factor.
SESSION_COOKIE_AGE = int(float(os.environ.get("SESSION_HOURS", "9")) * 3600)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# A prefect's decision, a download of personal data: the second factor again if older than this.
REAUTHENTICATE_AFTER_MINUTES = int(os.environ.get("REAUTHENTICATE_AFTER_MINUTES", "15"))

# The person's own space (/mon-espace/): no password, no second factor. Signed in by a link
# e-mailed to them (django-sesame: single use, valid PERSON_LINK_MINUTES, asked at most
# PERSON_LINKS_PER_HOUR times an hour for one address), or by OpenID Connect (below). A person's
# session lasts PERSON_SESSION_DAYS from its last activity; a space unused for
# PERSON_INACTIVE_DAYS is warned, then erased PERSON_ERASE_AFTER_WARNING_DAYS later.
PERSON_LINK_MINUTES = int(os.environ.get("PERSON_LINK_MINUTES", "20"))
PERSON_LINKS_PER_HOUR = int(os.environ.get("PERSON_LINKS_PER_HOUR", "5"))
PERSON_LINKS_PER_ADDRESS_PER_HOUR = int(os.environ.get("PERSON_LINKS_PER_ADDRESS_PER_HOUR", "30"))
PERSON_SESSION_DAYS = int(os.environ.get("PERSON_SESSION_DAYS", "14"))
PERSON_INACTIVE_DAYS = int(os.environ.get("PERSON_INACTIVE_DAYS", str(2 * 365)))
PERSON_ERASE_AFTER_WARNING_DAYS = int(os.environ.get("PERSON_ERASE_AFTER_WARNING_DAYS", "30"))
SESAME_MAX_AGE = PERSON_LINK_MINUTES * 60
SESAME_ONE_TIME = True
SESAME_TOKEN_NAME = "lien"
# OpenID Connect sign-in of persons: FranceConnect in production (see the README), any OpenID
# provider in the tests. Unset (the default): no such button, and its pages are 404.
OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "").strip().rstrip("/")
OIDC_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "").strip()
OIDC_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "").strip()
OIDC_SCOPES = os.environ.get("OIDC_SCOPES", "openid email given_name family_name").strip()
# FranceConnect asks for an eIDAS level (« eidas1 »); empty for a provider that does not know it
OIDC_ACR_VALUES = os.environ.get("OIDC_ACR_VALUES", "").strip()
OIDC_PROVIDER_NAME = os.environ.get("OIDC_PROVIDER_NAME", "FranceConnect").strip()

# The demo's one-click sign-in of its demo accounts (/demo/): only on a database holding the demo
# data (orientation.demo.selectors.demo_mode), and off in production unless a public demo says so.
DEMO_SIGN_IN = env_bool("DEMO_SIGN_IN", not PRODUCTION)

# Behind the load balancer, which terminates TLS and says so in X-Forwarded-Proto.
if PRODUCTION or env_bool("BEHIND_HTTPS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
# Asked over plain HTTP inside the platform's network: the SIP proxy and the load balancer's probes.
SECURE_REDIRECT_EXEMPT = [r"^contact/sip/route$", r"^sante/"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000" if PRODUCTION else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", PRODUCTION)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy (django-csp), in every environment: the platform's own scripts only (a
# nonce for those written in a page), no plugin, no frame, forms posted to ourselves. Style
# attributes are allowed (DSFR and the server-drawn SVG maps use them); <style> elements are not.
# Maps on tiles: with MAP_TILES_URL (a template with {z}, {x} and {y}: the IGN Géoplateforme, or
# the deployment's own tile server), the portal's maps are drawn with Leaflet (vendored by
# scripts/vendor_js.sh, never fetched from a CDN) over the server-drawn SVG, which stays the map
# without JavaScript. Unset by default: no visitor's browser asks a third party for anything.
MAP_TILES_URL = os.environ.get("MAP_TILES_URL", "").strip()
MAP_TILES_ATTRIBUTION = os.environ.get("MAP_TILES_ATTRIBUTION", "© IGN – Géoplateforme, contributeurs OpenStreetMap")
LEAFLET_VERSION = "1.9.4"
VENDOR_STATIC_DIR = VAR_DIR / "vendor" / "static"
STATICFILES_DIRS = [VENDOR_STATIC_DIR] if VENDOR_STATIC_DIR.is_dir() else []


def tiles_origin(url: str) -> str:
    """« https://data.geopf.fr » from a tiles URL template: the host images may come from."""
    from urllib.parse import urlsplit

    parts = urlsplit(url.replace("{", "").replace("}", ""))
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in {"http", "https"} and parts.netloc else ""


def content_security_policy(tiles_url: str = "") -> dict[str, dict[str, list[object]]]:
    origin = tiles_origin(tiles_url)
    return {
        "DIRECTIVES": {
            "default-src": [SELF],
            "script-src": [SELF, NONCE],
            "style-src": [SELF],
            "style-src-attr": ["'unsafe-inline'"],
            "img-src": [SELF, "data:", *([origin] if origin else [])],
            "font-src": [SELF, "data:"],
            "connect-src": [SELF],
            "object-src": [NONE],
            "base-uri": [SELF],
            "form-action": [SELF],
            "frame-ancestors": [NONE],
        }
    }


CONTENT_SECURITY_POLICY = content_security_policy(MAP_TILES_URL)

if PRODUCTION:
    _problems = []
    if DEBUG:
        _problems.append("DEBUG doit valoir 0")
    if SECRET_KEY == LAPTOP_SECRET_KEY or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        _problems.append("SECRET_KEY doit être une clé propre à ce déploiement (50 caractères au moins)")
    if CALLER_DIGEST_KEY.startswith("laptop-only") or len(CALLER_DIGEST_KEY) < 32:
        _problems.append("CALLER_DIGEST_KEY doit être une clé propre à ce déploiement (32 caractères au moins)")
    if CALLER_DIGEST_KEY == SECRET_KEY:
        _problems.append("CALLER_DIGEST_KEY doit différer de SECRET_KEY")
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        _problems.append("DATABASE_URL doit désigner PostgreSQL (postgres://…), pas SQLite")
    if not SITE_URL.startswith("https://"):
        _problems.append("SITE_URL doit être l’adresse publique en https://")
    if _problems:
        raise ImproperlyConfigured("DJANGO_ENV=production refuse de démarrer : " + " ; ".join(_problems) + ".")

# Logs: one line of JSON per event in production (LOG_FORMAT=json), each with the load
# balancer's request id (X-Request-ID, bound by django-structlog for everything logged during
# the request, Django's own warnings included) and never the visitor's address, user agent or
# account (utils.log_privacy.drop_personal); plain text on a laptop.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "json" if PRODUCTION else "plain").strip().lower()
if LOG_FORMAT not in {"json", "plain"}:
    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r} : « json » ou « plain ».")
_structured_chain: list[Any] = [
    structlog.contextvars.merge_contextvars,
    add_request_id,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
    drop_personal,
]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {
            "()": structlog.stdlib.ProcessorFormatter,
            "processors": [
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                structlog.processors.JSONRenderer(ensure_ascii=False),
            ],
            "foreign_pre_chain": _structured_chain,
        },
    },
    # Every handler masks secret links' tokens, e-mail addresses and phone numbers.
    "filters": {"mask_secrets": {"()": "orientation.utils.log_privacy.MaskSecrets"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["mask_secrets"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django_structlog": {"level": "INFO" if LOG_FORMAT == "json" else "WARNING"},
    },
}
structlog.configure(
    processors=[
        *_structured_chain,
        structlog.stdlib.ProcessorFormatter.wrap_for_formatter
        if LOG_FORMAT == "json"
        else structlog.processors.KeyValueRenderer(key_order=["event", "request_id"], drop_missing=True),
    ],
    logger_factory=structlog.stdlib.LoggerFactory(),
    wrapper_class=structlog.stdlib.BoundLogger,
    cache_logger_on_first_use=True,
)
# django-structlog: no address and no account bound to the events (drop_personal removes them too)
DJANGO_STRUCTLOG_IP_LOGGING_ENABLED = False
DJANGO_STRUCTLOG_USER_ID_FIELD = None

# Site identity shown in the DSFR header and footer.
ORIENTATION_SITE_TITLE = "Orientation pour tous"
ORIENTATION_SITE_TAGLINE = "Le service public de l’orientation tout au long de la vie"
