"""Open data that re-users keep in sync: pages after a cursor that never shift when the catalogue
changes between two calls, and updated_since= for what changed, what closed included."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from lxml import etree

from orientation.trainings.generator import generate
from orientation.trainings.models import Action
from tests.conftest import run_command
from tests.studies.factories import StudyFactory
from tests.trainings.factories import ActionFactory

pytestmark = pytest.mark.django_db


def walk(client: Client, url: str, **params: object) -> tuple[list[dict], int]:
    """Every result of every page, and how many pages it took."""
    results, pages = [], 0
    answer = client.get(url, params).json()
    while True:
        pages += 1
        results += answer["results"]
        if not answer["next_cursor"]:
            return results, pages
        answer = client.get(url, {**params, "cursor": answer["next_cursor"]}).json()


def test_pages_follow_a_cursor_and_never_shift_when_rows_change_between_two_calls(client):
    actions = ActionFactory.create_batch(7)
    first = client.get("/api/v1/trainings", {"limit": 3}).json()
    assert [item["id"] for item in first["results"]] == [action.pk for action in actions[:3]]
    # between two calls: a row already read changes, a new one comes, one not read yet closes
    with time_machine.travel(timezone.now() + timedelta(seconds=5)):
        Action.objects.filter(pk=actions[0].pk).update(city="Vineuil", updated_at=timezone.now())
        added = ActionFactory()
        Action.objects.filter(pk=actions[5].pk).update(closed_at=timezone.now(), updated_at=timezone.now())
    rest, _pages = walk(client, "/api/v1/trainings", limit=3, cursor=first["next_cursor"])
    ids = [item["id"] for item in rest]
    # the unread rows come once each, in order; the changed one again with its change; the new one;
    # the one closed meanwhile is no longer in a full listing of what is open
    assert ids == [actions[3].pk, actions[4].pk, actions[6].pk, actions[0].pk, added.pk]
    assert rest[3]["city"] == "Vineuil"
    assert len(ids) == len(set(ids))


def test_a_full_sync_then_an_incremental_one(client):
    ActionFactory.create_batch(5)
    everything, pages = walk(client, "/api/v1/trainings", limit=2)
    assert len(everything) == 5
    assert pages == 3
    last_sync = timezone.now()
    with time_machine.travel(last_sync + timedelta(minutes=1)):
        changed = Action.objects.order_by("pk").first()
        changed.hours_total = 420
        changed.save()
        closed = Action.objects.order_by("pk").last()
        Action.objects.filter(pk=closed.pk).update(closed_at=timezone.now(), updated_at=timezone.now())
    since = last_sync.isoformat()
    delta, _pages = walk(client, "/api/v1/trainings", limit=2, updated_since=since)
    assert {item["id"]: item["closed"] for item in delta} == {changed.pk: False, closed.pk: True}
    nothing, _pages = walk(client, "/api/v1/trainings", updated_since=(timezone.now() + timedelta(hours=1)).isoformat())
    assert nothing == []


def test_bad_cursors_and_dates_are_refused_naming_them(client):
    ActionFactory()
    answer = client.get("/api/v1/trainings", {"cursor": "pas-un-curseur"})
    assert answer.status_code == 422
    assert answer.json()["code"] == "invalid_cursor"
    naive = client.get("/api/v1/trainings", {"updated_since": "2026-11-01T10:00:00"})
    assert naive.status_code == 422
    assert "updated_since" in naive.json()["detail"]
    assert client.get("/api/v1/trainings", {"limit": 1001}).status_code == 422


def test_studies_say_their_licence_and_their_closed_rows(client):
    open_study = StudyFactory()
    since = (timezone.now() - timedelta(seconds=1)).isoformat()
    gone = StudyFactory(closed=True)
    listing = client.get("/api/v1/studies").json()
    assert "ODbL" in listing["attribution"]
    assert "ODbL" in listing["licence"]  # the Onisep's licence, not the service's own
    assert "Etalab" in client.get("/api/v1/trainings").json()["licence"]
    assert [item["identifier"] for item in listing["results"]] == [open_study.identifier]
    changes = client.get("/api/v1/studies", {"updated_since": since}).json()
    assert {item["identifier"]: item["closed"] for item in changes["results"]} == {
        open_study.identifier: False,
        gone.identifier: True,
    }


@pytest.mark.real_data
def test_an_import_that_closes_and_changes_formations_is_seen_by_the_incremental_sync(client, open_data, tmp_path):
    feed = tmp_path / "feed.xml"
    generate(feed, actions=30, seed=4, open_data=open_data)
    run_command("import_lheo", str(feed), source="carif")
    full, _pages = walk(client, "/api/v1/trainings", limit=1000)
    assert len(full) == 30
    tree = etree.parse(str(feed))
    offers = tree.getroot()[0]
    removed = offers[0].get("numero")
    offers.remove(offers[0])
    title = offers[0].find("{*}intitule-formation")
    title.text = title.text + " (nouvelle version)"
    changed = offers[0].get("numero")
    tree.write(str(feed), encoding="utf-8", xml_declaration=True)
    last_sync = timezone.now()
    with time_machine.travel(last_sync + timedelta(minutes=5)):
        run_command("import_lheo", str(feed), source="carif")
    delta, _pages = walk(client, "/api/v1/trainings", updated_since=last_sync.isoformat())
    by_formation: dict[str, set[bool]] = {}
    for item in delta:
        number = Action.objects.get(pk=item["id"]).formation.number
        by_formation.setdefault(number, set()).add(item["closed"])
    assert by_formation[removed] == {True}
    assert by_formation[changed] == {False}
    assert all(item["title"].endswith("(nouvelle version)") for item in delta if not item["closed"])
    assert set(by_formation) == {removed, changed}  # nothing else changed
