"""Sources on a schedule: what is due runs once, the worker runs it, a failure keeps the
previous offer, turns red on the health page and e-mails the source's contact."""

import csv
import io
import shutil
from datetime import UTC, datetime, time, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from orientation.ingestion.models import ImportRun, Reject, Source
from orientation.ingestion.selectors import FeedState, feed_health, feeds_health
from orientation.ingestion.services import run_due_imports, source_claim, source_update_schedule
from orientation.ingestion.tasks import ensure_scheduler, schedule_due_imports
from orientation.trainings.models import Formation
from tests.conftest import login_verified, run_command

pytestmark = [pytest.mark.real_data, pytest.mark.django_db]


@pytest.fixture
def feed_file(open_data, tmp_path):
    """A copy of a real Carif-Oref sample that the test may break."""
    path = tmp_path / "carif.xml"
    shutil.copyfile(open_data / "lheo" / "samples" / "formation.xml", path)
    return path


@pytest.fixture
def daily_source(feed_file):
    source = Source.objects.create(
        name="carif-test",
        kind=Source.Kind.LHEO,
        label="Carif-Oref de test",
        location=str(feed_file),
        contact_email="flux@carif.example",
        frequency="daily",
        run_at=time(4, 0),
    )
    return source_update_schedule(source=source, now=datetime(2026, 11, 22, 12, 0, tzinfo=UTC))


def truncate(path):
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def test_a_due_source_runs_once_and_its_next_slot_is_tomorrow(daily_source):
    assert daily_source.next_run_at == datetime(2026, 11, 23, 3, 0, tzinfo=UTC)  # 04:00 in Paris
    assert run_due_imports(now=datetime(2026, 11, 23, 2, 59, tzinfo=UTC)) == []

    now = datetime(2026, 11, 23, 3, 1, tzinfo=UTC)
    runs = run_due_imports(now=now)
    assert [(run.source.name, run.status) for run in runs] == [("carif-test", ImportRun.Status.SUCCEEDED)]
    assert runs[0].created > 0
    assert Formation.objects.count() == 1
    assert run_due_imports(now=now + timedelta(minutes=1)) == []
    daily_source.refresh_from_db()
    assert daily_source.next_run_at == datetime(2026, 11, 24, 3, 0, tzinfo=UTC)


def test_two_workers_seeing_the_same_slot_run_it_once(daily_source):
    now = datetime(2026, 11, 23, 3, 1, tzinfo=UTC)
    first_view = Source.objects.get(pk=daily_source.pk)
    second_view = Source.objects.get(pk=daily_source.pk)
    assert source_claim(source=first_view, now=now) is True
    assert source_claim(source=second_view, now=now) is False


def test_a_disabled_or_manual_source_is_never_due(daily_source):
    now = datetime(2026, 11, 23, 3, 1, tzinfo=UTC)
    Source.objects.filter(pk=daily_source.pk).update(enabled=False)
    assert run_due_imports(now=now) == []
    Source.objects.filter(pk=daily_source.pk).update(enabled=True, frequency="manual")
    assert run_due_imports(now=now) == []


def test_the_source_threshold_applies_to_every_run(daily_source, open_data, feed_file):
    text = feed_file.read_text(encoding="utf-8")
    # One formation of the sample loses its required title: one reject out of one.
    feed_file.write_text(
        text.replace("<intitule-formation>", "<intitule-formation-x>", 1).replace(
            "</intitule-formation>", "</intitule-formation-x>", 1
        ),
        encoding="utf-8",
    )
    daily_source.reject_threshold_percent = 100
    daily_source.save()
    output = run_command("import_lheo", str(feed_file), source=daily_source.name)
    assert "1 rejetés" in output
    assert ImportRun.objects.get(source=daily_source).status == ImportRun.Status.SUCCEEDED


def test_a_failing_feed_keeps_the_offer_turns_red_and_mails_its_contact(
    daily_source, feed_file, smtp_server, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://orientation.example"
    first = run_due_imports(now=datetime(2026, 11, 23, 3, 1, tzinfo=UTC))[0]
    assert first.status == ImportRun.Status.SUCCEEDED
    offer = sorted(Formation.objects.values_list("number", "title", "closed_at"))
    assert offer

    truncate(feed_file)
    with django_capture_on_commit_callbacks(execute=True):
        failed = run_due_imports(now=datetime(2026, 11, 24, 3, 1, tzinfo=UTC))[0]
    assert failed.status == ImportRun.Status.FAILED
    assert "XML mal formé" in failed.message
    assert sorted(Formation.objects.values_list("number", "title", "closed_at")) == offer

    health = feed_health(daily_source, now=datetime(2026, 11, 24, 4, 0, tzinfo=UTC))
    assert health.state is FeedState.FAILED
    assert health.last_success == first

    [mail] = smtp_server
    assert mail.recipients == ["flux@carif.example"]
    assert "Échec de l’import « Carif-Oref de test »" in mail.subject
    assert "l’offre publiée avant cet import reste en ligne" in mail.body
    assert "XML mal formé" in mail.body
    assert "https://orientation.example/gestion/flux/carif-test/" in mail.body


def test_a_mail_server_that_is_down_does_not_hide_the_failure(
    daily_source, feed_file, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    truncate(feed_file)
    with django_capture_on_commit_callbacks(execute=True):
        [run] = run_due_imports(now=datetime(2026, 11, 23, 3, 1, tzinfo=UTC))
    assert run.status == ImportRun.Status.FAILED


# The worker closes its database connection between tasks, as it should in production:
# these tests run outside the per-test transaction.
@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_scheduler_and_the_imports_it_queues(daily_source):
    Source.objects.filter(pk=daily_source.pk).update(next_run_at=timezone.now() - timedelta(minutes=1))
    assert ensure_scheduler() is True
    assert ensure_scheduler() is False  # already waiting: not queued twice
    out = run_command("run_worker", batch=True, interval=0)
    run = ImportRun.objects.get(source=daily_source)
    assert run.status == ImportRun.Status.SUCCEEDED, out
    assert Formation.objects.exists()
    # The scheduler queued itself again for the next minute.
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(task_path=schedule_due_imports.module_path, status="READY")
    assert waiting.count() == 1
    assert waiting.get().run_after > timezone.now()


def add_runs(source, rejected_counts, status=ImportRun.Status.SUCCEEDED):
    start = timezone.now() - timedelta(days=len(rejected_counts))
    runs = []
    for day, rejected in enumerate(rejected_counts):
        runs.append(
            ImportRun.objects.create(
                source=source,
                command="import_lheo",
                location=source.location,
                started_at=start + timedelta(days=day),
                ended_at=start + timedelta(days=day, minutes=5),
                status=status,
                created=100 if day == 0 else 2,
                unchanged=1000,
                rejected=rejected,
            )
        )
    return runs


def test_a_jump_in_rejects_is_a_warning(daily_source):
    add_runs(daily_source, [2, 3, 2, 1, 40])
    health = feed_health(daily_source)
    assert health.rejects_jump
    assert health.state is FeedState.WARNING
    assert any("Rejets en hausse : 40" in warning for warning in health.warnings)

    calm = Source.objects.create(name="calme", kind=Source.Kind.LHEO, location="/x.xml")
    add_runs(calm, [2, 3, 2, 1, 4])
    assert not feed_health(calm).rejects_jump


def test_a_daily_feed_that_stopped_is_late():
    source = Source.objects.create(name="muet", kind=Source.Kind.LHEO, location="/x.xml", frequency="daily")
    Source.objects.filter(pk=source.pk).update(created_at=timezone.now() - timedelta(days=10))
    source.refresh_from_db()
    [run] = add_runs(source, [0])
    ImportRun.objects.filter(pk=run.pk).update(started_at=timezone.now() - timedelta(days=3))
    health = feed_health(source)
    assert health.late
    assert health.state is FeedState.WARNING


@pytest.fixture
def data_officer(client):
    user = get_user_model().objects.create_superuser(username="dio", email="dio@example.org", password="x")
    login_verified(client, user)
    return user


def test_health_page_shows_every_source_worst_first_with_its_chart(client, data_officer, daily_source):
    good = Source.objects.create(name="bon", kind=Source.Kind.LHEO, location="/x.xml", label="Bon flux")
    add_runs(good, [0] * 35)
    add_runs(daily_source, [0, 0], status=ImportRun.Status.FAILED)
    assert [health.source.name for health in feeds_health()] == ["carif-test", "bon"]

    response = client.get("/gestion/flux/")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.index("Carif-Oref de test") < page.index("Bon flux")
    assert "En échec" in page
    assert "À jour" in page
    # 30 runs drawn for the good source, not 35
    good_chart = page[page.index('id="chart-bon-title"') :]
    assert good_chart[: good_chart.index("</svg>")].count("<rect") == 30


def test_source_page_lists_the_last_rejects_and_offers_them_as_csv(client, data_officer, daily_source):
    [run] = add_runs(daily_source, [2])
    Reject.objects.create(
        run=run,
        file="carif.xml",
        line=12,
        record="F-001",
        field="formation/intitule-formation",
        reason="élément obligatoire absent",
    )
    Reject.objects.create(
        run=run,
        file="carif.xml",
        line=80,
        record="F-002",
        field="action/date-debut",
        reason="date invalide « 2026-13-01 »",
    )

    page = client.get("/gestion/flux/carif-test/").content.decode()
    assert "F-001" in page
    assert "élément obligatoire absent" in page
    assert "date invalide « 2026-13-01 »" in page
    assert "Importer maintenant" in page

    response = client.get("/gestion/flux/carif-test/rejets.csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";"))
    assert rows == [
        ["fichier", "ligne", "enregistrement", "champ", "motif"],
        ["carif.xml", "12", "F-001", "formation/intitule-formation", "élément obligatoire absent"],
        ["carif.xml", "80", "F-002", "action/date-debut", "date invalide « 2026-13-01 »"],
    ]


def test_health_pages_are_for_the_data_team_only(client, daily_source):
    response = client.get("/gestion/flux/")
    assert response.status_code == 302
    assert "/gestion/connexion/" in response["Location"]
    user = get_user_model().objects.create_user(username="conseiller", password="x", is_staff=True)
    client.force_login(user)
    assert "/gestion/double-authentification/" in client.get("/gestion/flux/")["Location"]
    login_verified(client, user)
    # Signed in with both factors but without the right: refused, not sent back to the sign-in.
    for response in (client.get("/gestion/flux/"), client.get("/gestion/flux/carif-test/")):
        assert response.status_code == 403
        assert "Accès refusé" in response.content.decode()
    assert client.post("/gestion/flux/carif-test/importer/").status_code == 403
    assert not ImportRun.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_import_now_queues_the_source_for_the_worker(
    client, data_officer, daily_source, django_capture_on_commit_callbacks
):
    Source.objects.filter(pk=daily_source.pk).update(frequency="manual", next_run_at=None)  # not due on its own
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/gestion/flux/carif-test/importer/", follow=True)
    assert "Import mis en file" in response.content.decode()
    run_command("run_worker", batch=True, interval=0)
    assert ImportRun.objects.get(source=daily_source).status == ImportRun.Status.SUCCEEDED


def test_feed_health_command_reports_and_exits_for_monitoring(daily_source):
    [run] = add_runs(daily_source, [0], status=ImportRun.Status.FAILED)
    ImportRun.objects.filter(pk=run.pk).update(
        message="Import interrompu, rien n’a été enregistré. carif.xml : XML mal formé"
    )
    output = io.StringIO()
    with pytest.raises(SystemExit) as exit_status:
        call_command("feed_health", check=True, stdout=output)
    assert exit_status.value.code == 2
    assert "carif-test (Offre de formation LHEO) : ÉCHEC" in output.getvalue()
    assert "motif : Import interrompu, rien n’a été enregistré. carif.xml : XML mal formé" in output.getvalue()


def test_admin_refuses_a_location_that_cannot_be_read(client, data_officer):
    form = {
        "name": "rome-distant",
        "label": "ROME",
        "kind": "rome",
        "location": "https://example.org/rome/",
        "contact_email": "",
        "enabled": "on",
        "frequency": "daily",
        "run_at": "04:00",
        "weekday": "0",
        "reject_threshold_percent": "",
    }
    page = client.post("/admin/ingestion/source/add/", form).content.decode()
    assert "Cette source se lit dans un dossier" in page
    form.update(kind="lheo", location="http://example.org/flux.xml")
    assert (
        "Seules les adresses https:// sont acceptées"
        in client.post("/admin/ingestion/source/add/", form).content.decode()
    )
    form.update(location="https://example.org/flux.xml")
    response = client.post("/admin/ingestion/source/add/", form)
    assert response.status_code == 302
    assert Source.objects.get(name="rome-distant").next_run_at is not None


def test_feeds_api_is_for_the_data_team(client, daily_source):
    add_runs(daily_source, [0, 40])
    assert client.get("/api/v1/feeds").status_code == 401
    login_verified(client, get_user_model().objects.create_user(username="conseiller", email="c@example.org"))
    assert client.get("/api/v1/feeds").json()["code"] == "forbidden"
    login_verified(client, get_user_model().objects.create_superuser(username="dio", email="dio@example.org"))
    [feed] = client.get("/api/v1/feeds").json()
    assert feed["name"] == "carif-test"
    assert feed["state"] == "warning"
    assert [run["rejected"] for run in feed["runs"]] == [0, 40]
    assert feed["freshness_seconds"] > 0
