"""Make sure the platform has data to show: what ``make run`` calls after migrating.

With ORIENTATION_OPEN_DATA set, imports the real open data from that folder (a
second time changes nothing and is quick). Otherwise loads the demo data, once: a
database that already holds occupations is left alone.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from orientation.occupations.models import RomeFiche
from orientation.search.selectors import backend


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.OPEN_DATA_DIR:
            self.stdout.write(f"ORIENTATION_OPEN_DATA={settings.OPEN_DATA_DIR} : import des données ouvertes réelles.")
            call_command("import_open_data", settings.OPEN_DATA_DIR, stdout=self.stdout, stderr=self.stderr)
        elif RomeFiche.objects.exists():
            self.stdout.write("La base contient déjà des données : rien à charger.")
        else:
            self.stdout.write("Base vide : chargement des données de démonstration.")
            call_command("load_demo_data", stdout=self.stdout, stderr=self.stderr)
        if not backend().is_built():
            call_command("search_index", stdout=self.stdout, stderr=self.stderr)
