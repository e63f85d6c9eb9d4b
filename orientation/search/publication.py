"""One search index for every web host.

The worker builds the Tantivy index after each import (``search_index_rebuild``); with
``SEARCH_INDEX_SHARED`` it then publishes that version in the database, the one place every host
already reads: its folder as a tar archive cut in chunks (``IndexVersion``, ``IndexChunk``),
marked complete in the same transaction as its last chunk. Each host runs ``search_index_sync``
before it starts answering (the web unit's ``ExecStartPre``) and every 30 s (a systemd timer):
when a newer complete version exists, it downloads it beside the current one, checks its SHA-256,
unpacks it under a temporary name, renames it into place, then moves the ``CURRENT`` pointer,
which the web processes read again within a second. A version is never half-copied: a damaged or
interrupted download leaves the current index serving, and is said in the log. The two latest
versions are kept in the database.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import shutil
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from orientation.search.models import IndexChunk, IndexVersion

logger = logging.getLogger(__name__)

CHUNK_BYTES = 8 * 1024 * 1024
KEPT_VERSIONS = 2


class PublicationError(Exception):
    pass


def _current_stamp(folder: Path) -> str:
    try:
        return (folder / "CURRENT").read_text(encoding="utf-8").strip()
    except OSError:
        return ""


def index_publish(folder: Path) -> IndexVersion:
    """Publish the index version ``folder/CURRENT`` points to."""
    stamp = _current_stamp(folder)
    if not stamp:
        raise PublicationError(f"aucun index construit dans {folder}")
    with tempfile.TemporaryFile(dir=folder) as archive_file:
        with tarfile.open(fileobj=archive_file, mode="w") as archive:
            archive.add(str(folder / stamp), arcname=stamp)
        size = archive_file.tell()
        archive_file.seek(0)
        digest = hashlib.sha256()
        with transaction.atomic():
            version = IndexVersion.objects.create(stamp=stamp, size=size)
            number = 0
            while block := archive_file.read(CHUNK_BYTES):
                digest.update(block)
                IndexChunk.objects.create(version=version, number=number, data=block)
                number += 1
            version.sha256 = digest.hexdigest()
            version.complete = True
            version.save(update_fields=["sha256", "complete"])
            for old in IndexVersion.objects.filter(complete=True).exclude(pk=version.pk)[KEPT_VERSIONS - 1 :]:
                old.delete()
    logger.info("Index de recherche %s publié (%.1f Mo)", stamp, size / 1e6)
    return version


@dataclass
class Synced:
    stamp: str
    changed: bool
    seconds: float = 0.0


def index_sync(folder: Path) -> Synced:
    """Bring this host's index to the latest published version, if it is not there yet. One
    sync at a time on a host: the timer's may fire while the web unit's ExecStartPre runs, and two
    copies moving the pointer and removing old versions at once could remove the other's."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / ".sync.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed, or the process dies
        return _sync(folder)


def _sync(folder: Path) -> Synced:
    started = time.monotonic()
    latest = IndexVersion.objects.filter(complete=True).first()
    local = _current_stamp(folder)
    if latest is None or latest.stamp == local:
        return Synced(local, changed=False)
    staging = Path(tempfile.mkdtemp(prefix=f".sync-{latest.stamp}-", dir=folder))
    try:
        archive_path = staging / "index.tar"
        digest = hashlib.sha256()
        with archive_path.open("wb") as archive_file:
            for data in latest.chunks.order_by("number").values_list("data", flat=True).iterator(chunk_size=1):
                block = bytes(data)
                digest.update(block)
                archive_file.write(block)
        if digest.hexdigest() != latest.sha256:
            raise PublicationError(
                f"version {latest.stamp} altérée (SHA-256 {digest.hexdigest()[:12]}…, publiée {latest.sha256[:12]}…) : "
                f"l’index {local or '(aucun)'} reste en service"
            )
        with tarfile.open(archive_path) as archive:
            archive.extractall(staging / "files", filter="data")
        target = folder / latest.stamp
        if not target.exists():
            os.replace(staging / "files" / latest.stamp, target)
        pointer = folder / "CURRENT.sync"
        pointer.write_text(latest.stamp, encoding="utf-8")
        os.replace(pointer, folder / "CURRENT")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    for old in folder.iterdir():  # the version before stays for the searches under way
        if old.is_dir() and not old.name.startswith(".") and old.name not in (latest.stamp, local):
            shutil.rmtree(old, ignore_errors=True)
    seconds = time.monotonic() - started
    logger.info("Index de recherche %s reçu en %.1f s (%.1f Mo)", latest.stamp, seconds, latest.size / 1e6)
    return Synced(latest.stamp, changed=True, seconds=seconds)
