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

A national database takes minutes to dump and to restore: each step reports its progress (the
tables pg_dump or pg_restore has done, read from their ``--verbose`` lines; the pages SQLite has
copied; the files packed or unpacked) through the ``progress`` it is given.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils import timezone

from orientation.ingestion.base import Progress
from orientation.operations.open_data import file_digest

MANIFEST = "manifest.json"
FILES = "files.tar.gz"
#: where PostgreSQL 15's client programs are on Debian (pg_dump must be as new as the server)
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))


#: how pg_dump and pg_restore say, with --verbose, that they start on a table's rows
TABLE_DONE = re.compile(r'(?:dumping contents of|processing data for) table "(?P<table>[^"]+)"')


class BackupError(Exception):
    pass


#: a step's label and its total, if known → its progress (on the command line, on stderr)
ProgressFactory = Callable[[str, int | None], Progress]


def silent(label: str, total: int | None) -> Progress:
    """Progress nobody reads (a backup called from code)."""
    return Progress(io.StringIO(), label, total, interactive=False)


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


def _run_by_table(command: list[str], environment: dict[str, str], steps: Progress) -> tuple[int, str]:
    """Run pg_dump or pg_restore with ``--verbose``, advancing ``steps`` at each table it starts;
    its exit code and the last lines it wrote that were not progress (what went wrong)."""
    said: deque[str] = deque(maxlen=20)
    with subprocess.Popen(
        [*command, "--verbose"], env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    ) as process:
        assert process.stderr is not None
        for line in process.stderr:
            if TABLE_DONE.search(line):
                steps.advance()
            else:
                said.append(line.rstrip())
    steps.finish()
    return process.returncode, "\n".join(said)


def _dump(database: Mapping[str, Any], target: Path, tables: int, progress: ProgressFactory) -> str:
    if _is_postgres(database):
        arguments, environment = _pg_arguments(database)
        path = target / "database.dump"
        command = [_program("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", "--file", str(path)]
        code, said = _run_by_table([*command, *arguments], environment, progress("tables sauvegardées", tables))
        if code:
            raise BackupError(f"pg_dump a échoué ({code}) : {said[-500:]}")
        return path.name
    path = target / "database.sqlite3"
    source = sqlite3.connect(str(database["NAME"]))
    copy = sqlite3.connect(str(path))
    steps: Progress | None = None
    done = 0

    def copied(status: int, remaining: int, total: int) -> None:
        nonlocal steps, done
        steps = steps or progress("pages de la base copiées", total)
        steps.advance(total - remaining - done)
        done = total - remaining

    try:
        source.backup(copy, pages=1024, progress=copied)  # a consistent copy while the site keeps writing
    finally:
        copy.close()
        source.close()
    if steps is not None:
        steps.finish()
    return path.name


def _load(database: Mapping[str, Any], dump: Path, tables: int, progress: ProgressFactory, *, replace: bool) -> None:
    postgres = _is_postgres(database)
    if postgres:
        with _connect(database) as connection:
            existing = _tables(connection, postgres)
        if existing and not replace:
            raise BackupError(
                f"la base {database['NAME']} n’est pas vide ({len(existing)} tables) : --replace pour la remplacer"
            )
        arguments, environment = _pg_arguments(database)
        command = [_program("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
        if replace:
            command += ["--clean", "--if-exists"]
        code, said = _run_by_table(
            [*command, *arguments, str(dump)], environment, progress("tables restaurées", tables)
        )
        if code:
            raise BackupError(f"pg_restore a échoué : {said.strip()[-500:]}")
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


def _packed(folders: Folders) -> list[tuple[Path, str]]:
    """What goes in the archive, a (path, name in the archive) a folder or file: the media and
    private folders whole, and of each index its current version and its pointer only (the older
    ones are being removed)."""
    packed = [(folder, name) for name, folder in folders.items() if name != "search" and folder.is_dir()]
    if folders.search.is_dir():
        for pointer in sorted(folders.search.rglob("CURRENT")):
            stamp = pointer.read_text(encoding="utf-8").strip()
            place = Path("search") / pointer.parent.relative_to(folders.search)
            packed += [(pointer.parent / stamp, str(place / stamp)), (pointer, str(place / "CURRENT"))]
    return packed


def _pack(folders: Folders, target: Path, progress: ProgressFactory) -> tuple[str, int]:
    """The archive's name, and how many files it holds."""
    packed = _packed(folders)
    total = sum(sum(1 for item in path.rglob("*") if item.is_file()) if path.is_dir() else 1 for path, _ in packed)
    steps = progress("fichiers archivés", total)

    def counted(member: tarfile.TarInfo) -> tarfile.TarInfo:
        if member.isfile():
            steps.advance()
        return member

    path = target / FILES
    with tarfile.open(path, "w:gz") as archive:
        for source, name in packed:
            archive.add(str(source), arcname=name, filter=counted)
    steps.finish()
    return path.name, total


def _unpack(
    archive_path: Path, folders: Folders, files: int | None, progress: ProgressFactory, *, replace: bool
) -> dict[str, int]:
    """Each folder restored whole or not at all; how many files each received."""
    targets = dict(folders.items())
    if not replace:
        _refuse_filled(folders)
    received: dict[str, int] = dict.fromkeys(targets, 0)
    with tempfile.TemporaryDirectory(dir=_common_parent(list(targets.values()))) as staging:
        steps = progress("fichiers extraits", files)

        def checked(member: tarfile.TarInfo, path: str) -> tarfile.TarInfo | None:
            if member.isfile():
                steps.advance()
            return tarfile.data_filter(member, path)  # no absolute path, no way out of the folder

        with tarfile.open(archive_path, "r:gz") as archive:
            archive.extractall(staging, filter=checked)
        steps.finish()
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


def _refuse_filled(folders: Folders) -> None:
    for name, folder in folders.items():
        if folder.is_dir() and any(folder.iterdir()):
            raise BackupError(f"le dossier {folder} ({name}) n’est pas vide : --replace pour le remplacer")


def _common_parent(paths: list[Path]) -> Path:
    parent = Path(os.path.commonpath([str(path.resolve().parent) for path in paths]))
    parent.mkdir(parents=True, exist_ok=True)
    return parent


# -- backup and restore -------------------------------------------------------------------


def backup(
    destination: Path,
    database: Mapping[str, Any],
    folders: Folders,
    *,
    say: Callable[[str], None] = print,
    progress: ProgressFactory = silent,
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
        dump = _dump(database, work, len(counts), progress)
        archive, files = _pack(folders, work, progress)
        written = [dump, archive]
        manifest: dict[str, Any] = {
            "created_at": timezone.now().isoformat(),
            "engine": "postgresql" if _is_postgres(database) else "sqlite",
            "database": dump,
            "counts": counts,
            "archived_files": files,
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
    progress: ProgressFactory = silent,
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
    if not replace:
        _refuse_filled(folders)  # before the database is written: a refused restore changes nothing
    expected: dict[str, int] = manifest["counts"]
    _load(database, folder / manifest["database"], len(expected), progress, replace=replace)
    files = _unpack(folder / FILES, folders, manifest.get("archived_files"), progress, replace=replace)
    counts = row_counts(database)
    differences = {table: (rows, counts.get(table)) for table, rows in expected.items() if counts.get(table) != rows}
    return Restored(counts=counts, files=files, differences=differences)
