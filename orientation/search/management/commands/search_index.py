"""Rebuild the search index from the database (occupations, open trainings, places).

Searches keep being answered from the previous index until the new one is complete.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from orientation.ingestion.base import Progress
from orientation.search.services import search_index_rebuild


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        progress = Progress(self.stderr, "documents indexés", None, interactive=self.stderr.isatty())
        last = 0

        def advance(count: int) -> None:
            nonlocal last
            progress.advance(count - last)
            last = count

        count = search_index_rebuild(progress=advance)
        progress.finish()
        self.stdout.write(f"Index de recherche reconstruit en {time.monotonic() - started:.1f} s : {count} documents.")
