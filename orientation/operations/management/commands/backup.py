"""Back up the deployment: its database, the uploaded files and the search index's current
version, in one folder with a manifest (``operations.backup``).

    manage.py backup [--to var/backups]      (scripts/backup.sh)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper

from orientation.ingestion.base import Progress
from orientation.operations.backup import BackupError, Folders, ProgressFactory, backup


def deployment_folders() -> Folders:
    return Folders(
        media=Path(settings.MEDIA_ROOT),
        private=Path(settings.STORAGES["private"]["OPTIONS"]["location"]),  # type: ignore[index]
        search=Path(settings.SEARCH_INDEX_DIR),
    )


def progress_on(stream: OutputWrapper) -> ProgressFactory:
    """Each step's progress on the command's stderr: a live line on a terminal, a line every
    tenth in a log (systemd's journal, cron's mail)."""
    return lambda label, total: Progress(stream, label, total, interactive=stream.isatty())


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--to", default=str(settings.VAR_DIR / "backups"), help="dossier des sauvegardes")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            folder = backup(
                Path(options["to"]),
                settings.DATABASES["default"],
                deployment_folders(),
                say=self.stdout.write,
                progress=progress_on(self.stderr),
            )
        except (BackupError, OSError) as error:
            raise CommandError(f"sauvegarde impossible : {error}") from error
        self.stdout.write(self.style.SUCCESS(f"Sauvegarde écrite : {folder}"))
