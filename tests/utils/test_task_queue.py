"""Work queued by name (orientation.utils.tasks): services name it, task modules register it."""

import pytest
from django.db import transaction

from orientation.utils import tasks


def test_every_name_the_services_queue_is_registered_when_django_is_ready():
    for name in ("ingestion.import_source", "referrals.forward", "search.rebuild"):
        assert name in tasks._QUEUES, name


@pytest.mark.django_db(transaction=True)
def test_queued_work_waits_for_the_commit_and_a_rollback_drops_it(monkeypatch):
    done = []
    monkeypatch.setitem(tasks._QUEUES, "test.work", done.append)
    with transaction.atomic():
        tasks.enqueue_after_commit("test.work", 1)
        assert done == []  # not before the commit
    assert done == [1]

    def failing_change():
        with transaction.atomic():
            tasks.enqueue_after_commit("test.work", 2)
            raise RuntimeError("the change fails")

    with pytest.raises(RuntimeError):
        failing_change()
    assert done == [1]  # nothing queued for a change that did not happen


def test_an_unknown_name_is_an_error_not_work_dropped():
    with pytest.raises(LookupError, match=r"test\.nowhere"):
        tasks.enqueue_after_commit("test.nowhere")
