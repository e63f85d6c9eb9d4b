"""Bring this host's search index to the version the worker last published (SEARCH_INDEX_SHARED;
``search.publication``). Run by each web host before it answers, then every 30 s.

    manage.py search_index_sync
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from orientation.search.publication import PublicationError, index_sync


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(settings.SEARCH_INDEX_DIR) / "tantivy"
        try:
            synced = index_sync(folder)
        except (PublicationError, OSError) as error:
            raise CommandError(f"index non reçu : {error}") from error
        if synced.changed:
            self.stdout.write(self.style.SUCCESS(f"Index {synced.stamp} reçu en {synced.seconds:.1f} s."))
        else:
            self.stdout.write(f"Index à jour ({synced.stamp or 'aucun publié'}).")
