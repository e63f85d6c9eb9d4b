"""Fixtures shared by the whole suite.

Real open data is read from ../shared/data (or ORIENTATION_TEST_OPEN_DATA). Outside
CI a missing folder skips the tests that need it, saying so; in CI it is an error.
"""

from __future__ import annotations

import email
import email.header
import email.message
import hashlib
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection

from orientation.utils.net import free_port

REPOSITORY = Path(__file__).resolve().parent.parent
OPEN_DATA = Path(os.environ.get("ORIENTATION_TEST_OPEN_DATA", REPOSITORY.parent / "shared" / "data"))
DOMAIN_APPS = ["territories", "occupations", "trainings", "directory", "studies"]


@pytest.fixture(scope="session")
def open_data() -> Path:
    if not (OPEN_DATA / "README.md").is_file():
        message = f"real open data not found at {OPEN_DATA} (set ORIENTATION_TEST_OPEN_DATA)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return OPEN_DATA


@pytest.fixture(autouse=True)
def plain_static_files(settings: object) -> None:
    """Pages render without a collected static manifest (that is make run's job)."""
    settings.STORAGES = {  # type: ignore[attr-defined]
        **settings.STORAGES,  # type: ignore[attr-defined]
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def search_index_folder(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Indexes built by a test (directly or by the worker after an import) stay out of var/."""
    settings.SEARCH_INDEX_DIR = tmp_path_factory.mktemp("search")


@pytest.fixture(autouse=True)
def media_folder(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Files uploaded by a test (conventions, evidence, a passport's documents) stay out of var/."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path_factory.mktemp("private")},
        },
    }


@pytest.fixture(autouse=True)
def audience_counts_stay_in_memory(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The audience's counts are written only when a test asks (``audience_flush``): a write in a
    thread of its own would commit outside the test's transaction, and stay for the next tests."""
    from orientation.statistics import audience

    monkeypatch.setattr(audience, "FLUSH_SECONDS", 10**9)
    yield
    # emptied without reading the clock: a test may have replaced time.monotonic by a short list
    audience.BUFFER.counts.clear()
    audience.BUFFER.visitors.clear()


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    """What a test put in the process's cache (synonyms, towns located) or memory (the
    vocabularies suggested as one types) stays with it."""
    from django.core.cache import cache

    from orientation.persons.selectors import forget_vocabularies

    cache.clear()
    forget_vocabularies()


@dataclass
class Gunicorn:
    url: str
    access_log: Path
    output: Path  # gunicorn's error log and Django's own log (standard error)


@contextmanager
def gunicorn_server(folder: Path, database_url: str, workers: int = 1, **environment: str) -> Iterator[Gunicorn]:
    """The platform served by gunicorn with the project's settings (config/gunicorn.py), on a
    free port of loopback; stopped on exit. Answers once its first request does."""
    port = free_port()
    server_folder = folder / f"gunicorn-{port}"
    server_folder.mkdir(parents=True)
    access_log, output = server_folder / "access.log", server_folder / "output.log"
    env = os.environ | {"DATABASE_URL": database_url, "DEBUG": "0", "ORIENTATION_VAR_DIR": str(server_folder)}
    with output.open("w") as sink:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "config/gunicorn.py", "config.wsgi:application",
             "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--access-logfile", str(access_log),
             "--access-logformat", '%(h)s "%(r)s" %(s)s "%(f)s" %(U)s %(q)s'],
            cwd=REPOSITORY, env=env | environment, stdout=sink, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    assert server.poll() is None, output.read_text()
                    assert time.monotonic() < deadline, output.read_text()
                    time.sleep(0.1)
            yield Gunicorn(f"http://127.0.0.1:{port}", access_log, output)
        finally:
            server.terminate()
            server.wait(timeout=20)


def migrated_sqlite_database(folder: Path, name: str) -> Path:
    """A SQLite file migrated by a process of its own, for the real servers a test starts."""
    database = folder / name
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=REPOSITORY, check=True, env={"DATABASE_URL": f"sqlite:///{database}", "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    return database


@contextmanager
def fresh_postgres_database(url: str, role: str) -> Iterator[str]:
    """A new empty database on the PostgreSQL server of ``url``, dropped on exit; its URL."""
    import dj_database_url
    import psycopg

    server = dj_database_url.parse(url)
    name = f"{role}_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(
        dbname="postgres", host=server["HOST"], port=server["PORT"], user=server["USER"], autocommit=True
    )
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{url.rsplit('/', 1)[0]}/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def run_command(name: str, *args: str, **options: object) -> str:
    """Run a management command and return what it printed (stdout and stderr)."""
    out = StringIO()
    call_command(name, *args, stdout=out, stderr=out, **options)
    return out.getvalue()


#: the database as the migrations left it (the synonyms and code lists they seed included),
#: taken once the test database is set up: what a test that committed must leave behind
MIGRATED: dict[str, str] = {}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    """pytest-django's, then the migrated state kept (``MIGRATED``). pytest-django sets up the
    test database only for a run with a test that asks for it (``db`` or a ``django_db`` mark):
    otherwise the database is the developer's, and left alone."""
    name = str(connection.settings_dict["NAME"])
    if "memorydb" in name or "test" in name:
        with django_db_blocker.unblock():
            MIGRATED["default"] = connection.creation.serialize_db_to_string()
        MIGRATED["name"] = name


def require_migrated_state() -> None:
    """For a fixture that commits (``restore_migrated_state`` after it): the test database is set up."""
    assert "default" in MIGRATED, f"not a test database, left alone: {connection.settings_dict['NAME']}"


@pytest.fixture(scope="module")
def module_data(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> Iterator[Callable[..., str]]:
    """Commit data for the whole test module, then put the database back as the migrations
    left it (the synonyms and code lists they seed included: a flush alone would empty them for
    every later module, and a search test would then pass or fail by the order it runs in).

    Tests of the module run in transactions on top of that data, as usual.
    """

    def load(name: str, *args: str, **options: object) -> str:
        with django_db_blocker.unblock():  # type: ignore[attr-defined]
            return run_command(name, *args, **options)

    require_migrated_state()
    yield load
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        restore_migrated_state()


def _commits(item: pytest.Item) -> bool:
    """A test in a real transaction (transaction=True, a live server): the database is flushed after it."""
    marker = item.get_closest_marker("django_db")
    fixtures = set(getattr(item, "fixturenames", ()))
    return bool(
        {"transactional_db", "live_server"} & fixtures
        or (marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """After a test that committed, pytest-django flushes the database: the migrated state comes
    back, or the next tests would find no synonyms and pass or fail by the order they run in
    (which pytest-xdist changes)."""
    result = yield
    # not after the last test: the session's fixtures are torn down with it, and the connection
    # points at the developer's database again (checked too, whatever the order)
    if (
        nextitem is not None
        and "default" in MIGRATED
        and connection.settings_dict["NAME"] == MIGRATED["name"]
        and _commits(item)
    ):
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            restore_migrated_state()
    return result


def restore_migrated_state() -> None:
    """Take away what was committed: the database as the migrations left it (``MIGRATED``)."""
    # as Django's serialized rollback does: the content types and permissions come back
    # with the rest, not from post_migrate
    call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
    connection.creation.deserialize_db_from_string(MIGRATED["default"])
    # the rows come back with their keys: the sequences (PostgreSQL) start after them again
    models = [model for config in apps.get_app_configs() for model in config.get_models()]
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)


def database_fingerprint() -> dict[str, str]:
    """Count and digest of every row of the domain tables, to prove nothing changed."""
    fingerprint = {}
    for label in DOMAIN_APPS:
        for model in apps.get_app_config(label).get_models():
            digest = hashlib.sha256()
            rows = model._default_manager.order_by("pk").values_list().iterator(chunk_size=5000)
            count = 0
            for row in rows:
                digest.update(repr(row).encode())
                count += 1
            fingerprint[model._meta.label] = f"{count}:{digest.hexdigest()[:16]}"
    return fingerprint


def assert_import_fails_and_changes_nothing(command: str, path: object, *expected: str, **options: object) -> str:
    """Run an import that must fail: the message names what is expected, the domain
    tables are exactly as before, and the run is recorded as failed. Returns the message."""
    from django.core.management.base import CommandError

    from orientation.ingestion.models import ImportRun

    before = database_fingerprint()
    with pytest.raises(CommandError) as error:
        run_command(command, str(path), **options)
    assert database_fingerprint() == before
    message = str(error.value)
    for fragment in expected:
        assert fragment in message, message
    assert ImportRun.objects.order_by("-started_at").first().status == ImportRun.Status.FAILED
    return message


@pytest.fixture
def broken_copy(tmp_path: Path) -> Callable[[Path], Path]:
    """Copy a folder of real files into tmp_path, to break a copy and never the original."""

    def copy(source: Path) -> Path:
        target = tmp_path / source.name
        shutil.copytree(source, target)
        for path in target.rglob("*"):
            path.chmod(0o644 if path.is_file() else 0o755)
        return target

    return copy


@dataclass
class ReceivedMail:
    sender: str
    recipients: list[str]
    message: email.message.Message

    @property
    def subject(self) -> str:
        # A long subject is folded over lines ("\r\n "): unfolding drops the line breaks.
        unfolded = self.message["Subject"].replace("\r\n", "").replace("\n", "")
        return str(email.header.make_header(email.header.decode_header(unfolded)))

    @property
    def body(self) -> str:
        payload = self.message.get_payload(decode=True)
        assert isinstance(payload, bytes)
        return payload.decode(self.message.get_content_charset() or "utf-8")


class _Recorder:
    def __init__(self) -> None:
        self.received: list[ReceivedMail] = []

    async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:
        self.received.append(
            ReceivedMail(
                sender=envelope.mail_from,
                recipients=list(envelope.rcpt_tos),
                message=email.message_from_bytes(envelope.content),
            )
        )
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[list[ReceivedMail]]:
    """A real SMTP server on loopback (aiosmtpd); Django sends to it. Yields the mails received."""
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    recorder = _Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield recorder.received
    finally:
        controller.stop()


def login_verified(client: Any, user: Any) -> Any:
    """Sign ``user`` in as the back-office requires: password and second factor (a TOTP device
    confirmed, and the session marked verified by it, as django_otp.login does)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="tests", confirmed=True
    )
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session["second_factor_at"] = int(time.time())
    session.save()
    return client


@pytest.fixture
def verified_admin_client(client: Any, admin_user: Any) -> Any:
    """A superuser signed in with both factors (the admin and the back-office require them)."""
    return login_verified(client, admin_user)


@dataclass
class OidcProvider:
    issuer: str
    client_id: str
    client_secret: str
    username: str
    password: str
    email: str


@contextmanager
def oidc_provider_server(folder: Path, redirect_uris: list[str]) -> Iterator[OidcProvider]:
    """The tests' OpenID provider (tests/persons/oidc_provider: django-oauth-toolkit) in its own
    process on a free port of loopback, knowing our client with these redirect URIs; stopped on
    exit. The platform talks to it over real HTTP, as it would to FranceConnect."""
    from tests.persons.oidc_provider import serve

    port = free_port()
    env = os.environ | {"OIDC_TEST_FOLDER": str(folder), "OIDC_TEST_REDIRECT_URIS": " ".join(redirect_uris)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DATABASE_URL", None)
    output = folder / "provider.log"
    folder.mkdir(parents=True, exist_ok=True)
    with output.open("w") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.persons.oidc_provider.serve", str(port)],
            cwd=REPOSITORY, env=env, stdout=sink, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while "ready" not in output.read_text():
                assert process.poll() is None, output.read_text()
                assert time.monotonic() < deadline, output.read_text()
                time.sleep(0.1)
            yield OidcProvider(
                issuer=f"http://127.0.0.1:{port}/o",
                client_id=serve.CLIENT_ID,
                client_secret=serve.CLIENT_SECRET,
                username=serve.USERNAME,
                password=serve.PASSWORD,
                email=serve.EMAIL,
            )
        finally:
            process.terminate()
            process.wait(timeout=20)
