"""One index for every web host: the worker's build is published in the database, and a host
takes it whole (search_index_sync) or not at all; a damaged version leaves the current index
serving."""

from __future__ import annotations

import filecmp
import threading
import time

import pytest

from orientation.search import publication
from orientation.search.models import IndexChunk, IndexVersion
from orientation.search.publication import PublicationError, Synced, index_sync
from orientation.search.query import Kind, SearchQuery
from orientation.search.services import search_index_rebuild
from orientation.search.tantivy_backend import TantivyBackend
from tests.conftest import run_command
from tests.occupations.factories import RomeFicheFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(settings, tmp_path):
    """The worker's host: it builds, and publishes what it builds."""
    settings.SEARCH_BACKEND = "tantivy"
    settings.SEARCH_INDEX_SHARED = True
    settings.SEARCH_INDEX_DIR = tmp_path / "worker"
    return tmp_path / "worker" / "tantivy"


def keys(engine: TantivyBackend, text: str) -> list[str]:
    return [hit.key for hit in engine.search(SearchQuery(text=text, kind=Kind.OCCUPATION)).hits]


def test_a_host_takes_the_published_index_whole_and_serves_the_same_answers(worker, tmp_path):
    RomeFicheFactory(code="J1506", title="Soins infirmiers généralistes")
    search_index_rebuild()
    version = IndexVersion.objects.get()
    assert version.complete
    assert version.sha256
    host = tmp_path / "host" / "tantivy"
    synced = index_sync(host)
    assert synced.changed
    assert synced.stamp == version.stamp == (worker / "CURRENT").read_text()
    comparison = filecmp.dircmp(worker / version.stamp, host / version.stamp)
    assert not comparison.left_only
    assert not comparison.right_only
    assert not comparison.diff_files
    assert keys(TantivyBackend(host), "infirmier") == keys(TantivyBackend(worker), "infirmier") == ["J1506"]
    assert not index_sync(host).changed  # already there: nothing read


def test_a_damaged_version_leaves_the_current_index_serving(worker, tmp_path):
    RomeFicheFactory(code="J1506", title="Soins infirmiers généralistes")
    search_index_rebuild()
    host = tmp_path / "host" / "tantivy"
    first = index_sync(host).stamp
    RomeFicheFactory(code="K2503", title="Sécurité et surveillance privées")
    search_index_rebuild()
    newest = IndexVersion.objects.first()
    chunk = IndexChunk.objects.filter(version=newest).order_by("number").first()
    damaged = bytearray(chunk.data)
    damaged[len(damaged) // 2] ^= 0xFF
    chunk.data = bytes(damaged)
    chunk.save()
    with pytest.raises(PublicationError, match="altérée"):
        index_sync(host)
    assert (host / "CURRENT").read_text() == first
    assert keys(TantivyBackend(host), "securite") == []  # the old index, whole
    assert not [path for path in host.iterdir() if path.name.startswith(".sync-")]  # nothing half-copied left


def test_the_two_latest_versions_are_kept(worker):
    for code in ("A1101", "A1202", "A1203"):
        RomeFicheFactory(code=code)
        search_index_rebuild()
    assert IndexVersion.objects.count() == 2
    assert IndexChunk.objects.exclude(version__in=IndexVersion.objects.all()).count() == 0


def test_the_command_says_what_it_did(worker, tmp_path, settings):
    RomeFicheFactory(code="J1506", title="Soins infirmiers généralistes")
    search_index_rebuild()
    settings.SEARCH_INDEX_DIR = tmp_path / "host"
    assert "reçu en" in run_command("search_index_sync")
    assert "à jour" in run_command("search_index_sync")


def test_two_syncs_on_one_host_run_one_after_the_other(tmp_path, monkeypatch):
    """The timer's sync may fire while the web unit's ExecStartPre runs one: the second waits."""
    inside = most = 0
    count = threading.Lock()

    def slow_sync(folder):
        nonlocal inside, most
        with count:
            inside += 1
            most = max(most, inside)
        time.sleep(0.3)  # downloading, unpacking, moving the pointer
        with count:
            inside -= 1
        return Synced("20261206-000000", changed=False)

    monkeypatch.setattr(publication, "_sync", slow_sync)
    syncs = [threading.Thread(target=index_sync, args=(tmp_path / "host" / "tantivy",)) for _ in range(3)]
    for sync in syncs:
        sync.start()
    for sync in syncs:
        sync.join(timeout=10)
    assert most == 1
