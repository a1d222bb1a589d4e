"""Write a backup of the running instance: database, originals and index in one archive.

Safe while the site runs. The database is snapshotted before the index is copied, and the
index's write lock is held only for that copy, so publishes never wait on a slow database
dump; a release published in between leaves a little drift, which the restore repairs.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from documents.originals import referenced_names

from .archive import digest, tree, write_archive
from .database import DATABASE_FORMATS, Counts, snapshot_database
from .errors import BackupError
from .index import copy_index
from .manifest import build_manifest


@dataclass(frozen=True, slots=True)
class BackupResult:
    path: Path
    size: int
    counts: Counts
    database_format: str
    media_files: int
    index_files: int
    seconds: float


def referenced_media() -> list[tuple[str, Path]]:
    """The originals the database points to (an orphan file is not part of the library)."""
    root = Path(settings.MEDIA_ROOT)
    return [
        (f"media/{name}", root / name)
        for name in sorted(referenced_names())
        if (root / name).is_file()
    ]


def default_output() -> Path:
    """``DATA_DIR/backups/portal-YYYYmmdd-HHMMSS.tar.gz``, in the site's time zone."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return Path(settings.DATA_DIR) / "backups" / f"portal-{stamp}.tar.gz"


def create_backup(
    output: Path | None = None,
    *,
    include_secret: bool = False,
    database_format: str | None = None,
) -> BackupResult:
    """Write the instance's database, originals and index to one archive while the site runs.

    The secret key stays out unless ``include_secret``: it signs sessions and password-reset
    links, and archives travel (off-site copies, a colleague's laptop), so a leaked archive
    would let anyone forge logins to the live site. A restore without it keeps the target's
    key, which at most logs everyone out. Include it when sessions must survive a move.

    ``database_format`` is ``sqlite`` (a SQLite database only) or ``json`` (any engine, and the
    way to move from SQLite to PostgreSQL); by default the engine decides.
    """
    started = time.perf_counter()
    output = Path(output) if output else default_output()
    fmt = database_format or ("sqlite" if connection.vendor == "sqlite" else "json")
    if fmt not in DATABASE_FORMATS:
        raise BackupError(f"unknown database format {fmt!r} (use {' or '.join(DATABASE_FORMATS)})")
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".backup-", dir=output.parent) as tmp:
        staged = Path(tmp)
        counts = snapshot_database(staged / "database", fmt)
        copy_index(staged / "index")
        entries = [
            *tree(staged / "database", "database"),
            *tree(staged / "index", "index"),
            *referenced_media(),
        ]
        secret = Path(settings.DATA_DIR) / "secret_key"
        if include_secret and secret.is_file():
            entries.append(("secret_key", secret))
        files = {name: digest(path) for name, path in entries}
        write_archive(output, build_manifest(fmt, counts, files), entries)
    return BackupResult(
        path=output,
        size=output.stat().st_size,
        counts=counts,
        database_format=fmt,
        media_files=sum(name.startswith("media/") for name in files),
        index_files=sum(name.startswith("index/") for name in files),
        seconds=time.perf_counter() - started,
    )
