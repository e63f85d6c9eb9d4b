"""Restore a backup written by ``backup`` into this deployment's database and folders, then
check that every table holds as many rows as the manifest says (``operations.backup``).

    manage.py restore BACKUP_FOLDER [--replace]      (scripts/restore.sh)

Into an empty database and empty folders by default; ``--replace`` replaces what is there.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from orientation.operations.backup import BackupError, restore
from orientation.operations.management.commands.backup import deployment_folders, progress_on


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", help="dossier de la sauvegarde (avec son manifest.json)")
        parser.add_argument("--replace", action="store_true", help="remplace la base et les dossiers non vides")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            restored = restore(
                Path(options["folder"]),
                settings.DATABASES["default"],
                deployment_folders(),
                replace=options["replace"],
                say=self.stdout.write,
                progress=progress_on(self.stderr),
            )
        except (BackupError, OSError) as error:
            raise CommandError(f"restauration impossible : {error}") from error
        files = ", ".join(f"{name} {count}" for name, count in restored.files.items())
        self.stdout.write(f"{len(restored.counts)} tables, {sum(restored.counts.values())} lignes ; fichiers : {files}")
        if restored.differences:
            lines = "; ".join(
                f"{table} : {before} attendues, {after} restaurées"
                for table, (before, after) in restored.differences.items()
            )
            raise CommandError(f"restauration incomplète : {lines}")
        self.stdout.write(
            self.style.SUCCESS("Restauration vérifiée : chaque table a le nombre de lignes de la sauvegarde.")
        )
