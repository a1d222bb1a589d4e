"""Back up one portal instance to a single archive, and restore it, verified, all or nothing.

An archive is one tar file (gzipped unless its name ends in ``.tar``)::

    manifest.json             first, so a foreign archive is refused before anything is read
    database/portal.sqlite3   SQLite: a page-for-page snapshot (sqlite3's online backup API)
    database/data.json        other engines: ``dumpdata`` with natural keys, from one snapshot
    media/…                   every file under MEDIA_ROOT (the uploaded originals)
    index/…                   the live Whoosh index generation, copied under its write lock
    secret_key                only when asked for (see ``create_backup``)

The package is split by concern, each module with one job:

- ``manifest``: what the archive holds and needs, and whether this code can restore it;
- ``archive``: the tar file, written and read as a stream, every byte hashed;
- ``database``: SQLite snapshots, JSON dumps and loads, and the counts that verify them;
- ``index``: the Whoosh index copied under its write lock and put back as a generation;
- ``parts``: what a restore swaps in, and the swap that undoes itself on failure;
- ``create`` and ``restore``: the two operations, built from the above.

Callers (the ``backup_portal`` and ``restore_portal`` commands) import from here only.
"""

from __future__ import annotations

from .archive import GZIP_LEVEL, PARTS
from .create import BackupResult, create_backup, default_output
from .database import DATABASE_FORMATS, Counts
from .errors import BackupError
from .index import INDEX_LOCK_WAIT
from .manifest import FORMAT, FORMAT_VERSION, MANIFEST, MAX_MANIFEST_BYTES
from .restore import RestoreResult, restore_backup

__all__ = [
    "DATABASE_FORMATS",
    "FORMAT",
    "FORMAT_VERSION",
    "GZIP_LEVEL",
    "INDEX_LOCK_WAIT",
    "MANIFEST",
    "MAX_MANIFEST_BYTES",
    "PARTS",
    "BackupError",
    "BackupResult",
    "Counts",
    "RestoreResult",
    "create_backup",
    "default_output",
    "restore_backup",
]
