"""scripts/backup.sh and scripts/restore.sh on a deployment of their own (its database, its
files, its search index), in processes of their own: a backup restored into a fresh database and
empty folders holds the same rows, the same documents and the same index; a damaged backup or a
database that already holds something is refused and changes nothing. On SQLite here, on
PostgreSQL 15 when the tests run on it (CI's second pass), with pg_dump and pg_restore."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dj_database_url
import pytest

from orientation.operations.backup import row_counts
from orientation.search.tantivy_backend import TantivyBackend
from tests.conftest import REPOSITORY, fresh_postgres_database

DOCUMENT = b"%PDF-1.4\n% a passport's document\n%%EOF\n"


@pytest.fixture
def two_databases(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """Two fresh databases on the engine the tests run on: the deployment's, and the one restored into."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield f"sqlite:///{tmp_path / 'site.sqlite3'}", f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    with (
        fresh_postgres_database(url, "backup_site") as site,
        fresh_postgres_database(url, "backup_restored") as restored,
    ):
        yield site, restored


def deployment(database_url: str, var: Path) -> dict[str, str]:
    return {
        "DATABASE_URL": database_url,
        "ORIENTATION_VAR_DIR": str(var),
        "PATH": "/usr/bin:/bin",
        "PYTHON": sys.executable,
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }


def run(environment: dict[str, str], *command: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(command, cwd=REPOSITORY, env=environment, capture_output=True, text=True, timeout=600)
    if check and result.returncode:
        raise AssertionError(f"{command} → {result.returncode}\n{result.stdout}\n{result.stderr}")
    return result


def finished(progress: str, label: str) -> bool:
    """Whether a step's progress in a log reached its whole (« label : 12/12 (100 %) »)."""
    return any(
        line.strip().startswith(f"{label} :") and "(100 %)" in line and line.split(":")[1].split("/")[0].strip()
        for line in progress.splitlines()
    )


def settings_of(database_url: str) -> dict[str, Any]:
    return dict(dj_database_url.parse(database_url))


def test_a_backup_restores_into_a_fresh_deployment_with_the_same_rows_files_and_index(two_databases, tmp_path):
    site_url, restored_url = two_databases
    site = deployment(site_url, tmp_path / "site")
    manage = [sys.executable, "manage.py"]
    run(site, *manage, "migrate", "--noinput", "-v", "0")
    run(site, *manage, "load_demo_data")
    run(site, *manage, "search_index")
    document = tmp_path / "site" / "private" / "passeports" / "2026" / "diplome.pdf"
    document.parent.mkdir(parents=True)
    document.write_bytes(DOCUMENT)
    (tmp_path / "site" / "media").mkdir()
    (tmp_path / "site" / "media" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    backed_up = run(site, "scripts/backup.sh", "--to", str(tmp_path / "backups"))
    assert "Sauvegarde écrite" in backed_up.stdout
    # What takes minutes on a national database says how far it is, up to its whole.
    dumped = "tables sauvegardées" if site_url.startswith("postgres") else "pages de la base copiées"
    assert finished(backed_up.stderr, dumped), backed_up.stderr
    assert finished(backed_up.stderr, "fichiers archivés"), backed_up.stderr
    (folder,) = (tmp_path / "backups").iterdir()
    assert sorted(path.name for path in folder.iterdir()) == sorted(
        ["manifest.json", "files.tar.gz", "database.dump" if site_url.startswith("postgres") else "database.sqlite3"]
    )

    restored = deployment(restored_url, tmp_path / "restored")
    output = run(restored, "scripts/restore.sh", str(folder))
    assert "Restauration vérifiée" in output.stdout, output.stdout
    assert finished(output.stderr, "fichiers extraits"), output.stderr
    if site_url.startswith("postgres"):
        assert finished(output.stderr, "tables restaurées"), output.stderr
    before, after = row_counts(settings_of(site_url)), row_counts(settings_of(restored_url))
    assert after == before
    assert before["trainings_action"] == 500
    assert before["persons_entry"] > 0
    assert (tmp_path / "restored" / "private" / "passeports" / "2026" / "diplome.pdf").read_bytes() == DOCUMENT
    assert (tmp_path / "restored" / "media" / "logo.png").is_file()
    index = TantivyBackend(tmp_path / "restored" / "search" / "tantivy")
    assert index.is_built()
    assert (tmp_path / "restored" / "search" / "tantivy" / "CURRENT").read_text() == (
        tmp_path / "site" / "search" / "tantivy" / "CURRENT"
    ).read_text()

    # A second restore into what is no longer empty is refused, and changes nothing.
    again = run(restored, "scripts/restore.sh", str(folder), check=False)
    assert again.returncode != 0
    assert "n’est pas vide" in again.stderr or "existe déjà" in again.stderr, again.stderr
    assert row_counts(settings_of(restored_url)) == before


def backup_of_an_empty_site(site_url: str, tmp_path: Path) -> Path:
    """The backup folder of a migrated site that holds nothing else."""
    site = deployment(site_url, tmp_path / "site")
    run(site, sys.executable, "manage.py", "migrate", "--noinput", "-v", "0")
    run(site, "scripts/backup.sh", "--to", str(tmp_path / "backups"))
    (folder,) = (tmp_path / "backups").iterdir()
    return folder


def test_a_damaged_backup_is_refused_before_anything_is_restored(two_databases, tmp_path):
    site_url, restored_url = two_databases
    folder = backup_of_an_empty_site(site_url, tmp_path)
    archive = folder / "files.tar.gz"
    damaged = bytearray(archive.read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    archive.write_bytes(bytes(damaged))
    restored = deployment(restored_url, tmp_path / "restored")
    result = run(restored, "scripts/restore.sh", str(folder), check=False)
    assert result.returncode != 0
    assert "files.tar.gz absent ou altéré" in result.stderr, result.stderr
    assert not row_counts(settings_of(restored_url))  # not a table written
    assert not (tmp_path / "restored").exists()


def test_a_restore_into_folders_that_hold_files_writes_nothing_into_the_database(two_databases, tmp_path):
    site_url, restored_url = two_databases
    folder = backup_of_an_empty_site(site_url, tmp_path)
    kept = tmp_path / "restored" / "private" / "a-document.pdf"
    kept.parent.mkdir(parents=True)
    kept.write_bytes(DOCUMENT)
    result = run(deployment(restored_url, tmp_path / "restored"), "scripts/restore.sh", str(folder), check=False)
    assert result.returncode != 0
    assert "private) n’est pas vide" in result.stderr, result.stderr
    assert not row_counts(settings_of(restored_url))  # refused before the database was written
    assert kept.read_bytes() == DOCUMENT
