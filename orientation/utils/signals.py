"""What the lower layers announce, for the upper ones to subscribe to.

A domain app (the catalogue's importers, its back-office edits) never calls the search: it
announces, once its transaction commits, that what the search shows has changed, and the search
app (``orientation.search.apps``) subscribes and queues one rebuild. So the layers import
downwards only (``pyproject.toml``, import-linter's ``layers`` contract).
"""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal

#: the catalogue the search shows changed (occupations, trainings, places, services);
#: sent after the commit, with ``source``: what changed it (an import's source, an admin model)
catalogue_changed = Signal()


def announce_catalogue_change(source: str) -> None:
    """Tell whoever subscribes, once the transaction commits, that the catalogue changed."""
    transaction.on_commit(lambda: catalogue_changed.send(sender=None, source=source))
