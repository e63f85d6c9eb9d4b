"""Backing up and restoring a deployment: its database, the files people uploaded (public media
and the private documents of passports and label files) and the search index's current version.

A backup is a folder written under a temporary name and renamed once whole::

    2026-12-06T02-00-00/
      database.dump        PostgreSQL: pg_dump --format=custom (database.sqlite3 on a laptop)
      files.tar.gz         media/, private/, search/ (the current index and its pointer)
      manifest.json        when, which engine, each table's row count, each file's SHA-256

A restore checks every file's digest first, refuses a database or a folder that already holds
something (unless told to replace it), restores, then counts each table's rows again and fails
when one differs from the manifest. ``scripts/backup.sh`` and ``scripts/restore.sh`` call the
``backup`` and ``restore`` commands.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils import timezone

from orientation.operations.open_data import file_digest

MANIFEST = "manifest.json"
FILES = "files.tar.gz"
#: where PostgreSQL 15's client programs are on Debian (pg_dump must be as new as the server)
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))


class BackupError(Exception):
    pass


@dataclass(frozen=True)
class Folders:
    """The folders a deployment keeps files in."""

    media: Path
    private: Path
    search: Path

    def items(self) -> list[tuple[str, Path]]:
        return [("media", self.media), ("private", self.private), ("search", self.search)]


# -- the database -------------------------------------------------------------------------


def _is_postgres(database: Mapping[str, Any]) -> bool:
    return str(database["ENGINE"]).endswith("postgresql")


def _program(name: str) -> str:
    found = PG_BIN / name
    if found.is_file():
        return str(found)
    located = shutil.which(name)
    if located is None:
        raise BackupError(f"{name} introuvable (paquet Debian postgresql-client-15, ou PG_BIN)")
    return located


def _pg_arguments(database: Mapping[str, Any]) -> tuple[list[str], dict[str, str]]:
    arguments = ["--dbname", str(database["NAME"])]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if database.get(key):
            arguments += [flag, str(database[key])]
    environment = {**os.environ}
    if database.get("PASSWORD"):
        environment["PGPASSWORD"] = str(database["PASSWORD"])
    return arguments, environment


@contextlib.contextmanager
def _connect(database: Mapping[str, Any]) -> Iterator[Any]:
    """A DB-API connection of its own (not Django's), to count what a restore wrote."""
    if _is_postgres(database):
        import psycopg

        connection: Any = psycopg.connect(
            dbname=database["NAME"],
            host=database.get("HOST") or None,
            port=database.get("PORT") or None,
            user=database.get("USER") or None,
            password=database.get("PASSWORD") or None,
        )
    else:
        connection = sqlite3.connect(str(database["NAME"]))
    try:
        yield connection
    finally:
        connection.close()


def _tables(connection: Any, postgres: bool) -> list[str]:
    cursor = connection.cursor()
    if postgres:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
    else:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    return [row[0] for row in cursor.fetchall()]


def row_counts(database: Mapping[str, Any]) -> dict[str, int]:
    """Each table's row count."""
    postgres = _is_postgres(database)
    with _connect(database) as connection:
        counts = {}
        for table in _tables(connection, postgres):
            cursor = connection.cursor()
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            counts[table] = int(cursor.fetchone()[0])
        return counts


def _dump(database: Mapping[str, Any], target: Path) -> str:
    if _is_postgres(database):
        arguments, environment = _pg_arguments(database)
        path = target / "database.dump"
        subprocess.run(
            [_program("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", "--file", str(path), *arguments],
            env=environment,
            check=True,
            capture_output=True,
        )
        return path.name
    path = target / "database.sqlite3"
    source = sqlite3.connect(str(database["NAME"]))
    copy = sqlite3.connect(str(path))
    try:
        source.backup(copy)  # a consistent copy while the site keeps writing
    finally:
        copy.close()
        source.close()
    return path.name


def _load(database: Mapping[str, Any], dump: Path, *, replace: bool) -> None:
    postgres = _is_postgres(database)
    if postgres:
        with _connect(database) as connection:
            tables = _tables(connection, postgres)
        if tables and not replace:
            raise BackupError(
                f"la base {database['NAME']} n’est pas vide ({len(tables)} tables) : --replace pour la remplacer"
            )
        arguments, environment = _pg_arguments(database)
        command = [_program("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
        if replace:
            command += ["--clean", "--if-exists"]
        result = subprocess.run([*command, *arguments, str(dump)], env=environment, capture_output=True, text=True)
        if result.returncode:
            raise BackupError(f"pg_restore a échoué : {result.stderr.strip()[-500:]}")
        return
    target = Path(database["NAME"])
    if target.exists() and target.stat().st_size and not replace:
        raise BackupError(f"la base {target} existe déjà : --replace pour la remplacer")
    target.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    temporary = target.with_name(f".{target.name}.restoring")
    shutil.copyfile(dump, temporary)
    os.replace(temporary, target)


# -- the files ----------------------------------------------------------------------------


def _pack(folders: Folders, target: Path) -> str:
    path = target / FILES
    with tarfile.open(path, "w:gz") as archive:
        for name, folder in folders.items():
            if name == "search":
                _pack_index(archive, folder)
            elif folder.is_dir():
                archive.add(str(folder), arcname=name)
    return path.name


def _pack_index(archive: tarfile.TarFile, folder: Path) -> None:
    """Each index's current version and its pointer only (the older ones are being removed)."""
    if not folder.is_dir():
        return
    for pointer in sorted(folder.rglob("CURRENT")):
        stamp = pointer.read_text(encoding="utf-8").strip()
        place = Path("search") / pointer.parent.relative_to(folder)
        archive.add(str(pointer.parent / stamp), arcname=str(place / stamp))
        archive.add(str(pointer), arcname=str(place / "CURRENT"))


def _unpack(archive_path: Path, folders: Folders, *, replace: bool) -> dict[str, int]:
    """Each folder restored whole or not at all; how many files each received."""
    targets = dict(folders.items())
    for name, folder in targets.items():
        if folder.is_dir() and any(folder.iterdir()) and not replace:
            raise BackupError(f"le dossier {folder} ({name}) n’est pas vide : --replace pour le remplacer")
    received: dict[str, int] = dict.fromkeys(targets, 0)
    with tempfile.TemporaryDirectory(dir=_common_parent(list(targets.values()))) as staging:
        with tarfile.open(archive_path, "r:gz") as archive:
            archive.extractall(staging, filter="data")  # no absolute path, no way out of the folder
        for name, folder in targets.items():
            unpacked = Path(staging) / name
            if not unpacked.is_dir():
                continue
            received[name] = sum(1 for path in unpacked.rglob("*") if path.is_file())
            if folder.exists():
                shutil.rmtree(folder)
            folder.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(unpacked), str(folder))
    return received


def _common_parent(paths: list[Path]) -> Path:
    parent = Path(os.path.commonpath([str(path.resolve().parent) for path in paths]))
    parent.mkdir(parents=True, exist_ok=True)
    return parent


# -- backup and restore -------------------------------------------------------------------


def backup(
    destination: Path, database: Mapping[str, Any], folders: Folders, *, say: Callable[[str], None] = print
) -> Path:
    """Write a backup folder under ``destination``; its path."""
    destination.mkdir(parents=True, exist_ok=True)
    name = timezone.localtime().strftime("%Y-%m-%dT%H-%M-%S")
    final = destination / name
    if final.exists():
        raise BackupError(f"{final} existe déjà")
    work = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=destination))
    try:
        counts = row_counts(database)
        say(f"base : {len(counts)} tables, {sum(counts.values())} lignes")
        written = [_dump(database, work), _pack(folders, work)]
        manifest: dict[str, Any] = {
            "created_at": timezone.now().isoformat(),
            "engine": "postgresql" if _is_postgres(database) else "sqlite",
            "database": written[0],
            "counts": counts,
            "files": {
                file: {"bytes": (work / file).stat().st_size, "sha256": file_digest(work / file)} for file in written
            },
        }
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
        os.replace(work, final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    for file, about in manifest["files"].items():
        say(f"{file} : {about['bytes'] / 1e6:.1f} Mo")
    return final


@dataclass
class Restored:
    counts: dict[str, int]
    files: dict[str, int]
    #: table → (rows in the manifest, rows restored), for the tables that differ
    differences: dict[str, tuple[int, int | None]]


def read_manifest(folder: Path) -> dict[str, Any]:
    try:
        return dict(json.loads((folder / MANIFEST).read_text(encoding="utf-8")))
    except (OSError, ValueError) as error:
        raise BackupError(f"{folder / MANIFEST} illisible : {error}") from error


def restore(
    folder: Path,
    database: Mapping[str, Any],
    folders: Folders,
    *,
    replace: bool = False,
    say: Callable[[str], None] = print,
) -> Restored:
    manifest = read_manifest(folder)
    engine = "postgresql" if _is_postgres(database) else "sqlite"
    if manifest.get("engine") != engine:
        raise BackupError(f"sauvegarde d’une base {manifest.get('engine')}, base cible {engine}")
    for file, about in manifest["files"].items():
        path = folder / file
        if not path.is_file() or file_digest(path) != about["sha256"]:
            raise BackupError(f"{path} absent ou altéré (SHA-256 différent du manifeste) : rien n’est restauré")
    say("fichiers de la sauvegarde intègres")
    _load(database, folder / manifest["database"], replace=replace)
    files = _unpack(folder / FILES, folders, replace=replace)
    counts = row_counts(database)
    expected: dict[str, int] = manifest["counts"]
    differences = {table: (rows, counts.get(table)) for table, rows in expected.items() if counts.get(table) != rows}
    return Restored(counts=counts, files=files, differences=differences)
