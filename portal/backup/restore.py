"""Put a backup back, verified, all or nothing.

A restore checks everything before it replaces anything: the manifest, the code's and the
database's compatibility, every member's name, size and sha256, the database's counts. Each
part is written beside what it replaces and swapped in at the end (``parts``), so a damaged
archive or a failed step leaves the instance as it was. Afterwards the schema is migrated if
the archive is older, and the index is checked against the restored database.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError
from haystack import connections as search_connections

from documents.models import Release

from .archive import extract, files, reading
from .database import Counts, check_counts, migrate_if_behind, orm_counts, sqlite_counts
from .errors import BackupError
from .index import settle_index
from .manifest import check_compatible, prepare_for_json, read_manifest
from .parts import Part, plan_parts, swap_all


@dataclass(frozen=True, slots=True)
class RestoreResult:
    counts: Counts
    created: str
    database_format: str
    media_files: int
    index: str  # what became of the archive's index: restored, repaired or rebuilt
    drift: int
    migrated: bool
    seconds: float


def restore_backup(archive: Path, *, force: bool = False) -> RestoreResult:
    """Replace this instance's database, originals and index with the archive's.

    Refuses a non-empty instance unless ``force``. Stop the site first: the database file and
    the folders are swapped under its feet.
    """
    started = time.perf_counter()
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"no such archive: {archive}")
    if not force:
        _refuse_if_not_empty()
    parts: dict[str, Part] = {}
    try:
        with reading(archive) as tar:
            manifest = read_manifest(tar)
            fmt = check_compatible(manifest)
            parts = plan_parts(manifest, fmt)
            extract(tar, manifest, parts)
        if fmt == "sqlite":
            check_counts(sqlite_counts(parts["database"].root / "portal.sqlite3"), manifest)
        else:
            prepare_for_json(manifest)
        swap_all(list(parts.values()))
    finally:
        for part in parts.values():
            part.clean()
    search_connections.reload("default")
    migrated = migrate_if_behind()
    action, drift = settle_index(restored="index" in parts)
    return RestoreResult(
        counts=orm_counts(),
        created=manifest["created"],
        database_format=fmt,
        media_files=sum(name.startswith("media/") for name in manifest["files"]),
        index=action,
        drift=drift,
        migrated=migrated,
        seconds=time.perf_counter() - started,
    )


def _refuse_if_not_empty() -> None:
    """Refuse to replace an instance that holds releases or originals (without ``--force``)."""
    try:
        releases = Release.objects.count()
    except DatabaseError:  # not migrated yet: nothing to lose
        releases = 0
    media = sum(1 for _ in files(Path(settings.MEDIA_ROOT)))
    if releases or media:
        raise BackupError(
            f"this instance is not empty ({releases} releases, {media} media files) and a "
            "restore replaces all of it: add --force to go ahead"
        )
