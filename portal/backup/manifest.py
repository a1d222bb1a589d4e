"""The manifest: the archive's first member, saying what it holds and what it needs.

It records the format, when, Django's and the search schema's versions, the latest applied
migration of each app, the counts of releases, sections and originals, and the size and
sha256 of every other file. It comes first in the archive so a foreign or newer archive is
refused before anything else is read, and every check of a restore is made against it.
"""

from __future__ import annotations

import json
import tarfile
from dataclasses import asdict
from typing import Any

import django
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from search.core.fingerprint import index_fingerprint
from search.engines import backend_for

from .database import DATABASE_FORMATS, Counts
from .errors import BackupError

FORMAT = "policy-portal-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
#: A manifest has one line per file; anything far larger is not one of ours.
MAX_MANIFEST_BYTES = 64 * 1024 * 1024


def build_manifest(fmt: str, counts: Counts, files: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The manifest of a backup being written, describing ``files`` (name → size, sha256)."""
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "created": timezone.now().isoformat(timespec="seconds"),
        "django": django.get_version(),
        "migrations": _latest_migrations(),
        "search": {
            "code": index_fingerprint(),
            "index": backend_for().read_meta(),
        },
        "database": {"vendor": connection.vendor, "format": fmt},
        "counts": asdict(counts),
        "files": files,
    }


def _latest_migrations() -> dict[str, str]:
    """The latest applied migration of each app (names are numbered, so the largest)."""
    latest: dict[str, str] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        latest[app] = name
    return latest


def read_manifest(tar: tarfile.TarFile) -> dict[str, Any]:
    """The archive's manifest, read from its first member, if this code can restore it."""
    first = tar.next()
    if first is None or first.name != MANIFEST or not first.isfile():
        raise BackupError("not a portal backup: the archive does not start with manifest.json")
    if first.size > MAX_MANIFEST_BYTES:
        raise BackupError("not a portal backup: its manifest.json is far too large")
    handle = tar.extractfile(first)
    try:
        return _validated(json.loads(handle.read() if handle else b""))
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise BackupError(f"the archive's manifest.json is damaged ({exc!r})") from exc


def _validated(manifest: Any) -> dict[str, Any]:
    """The manifest, if this code can restore it; raises KeyError, TypeError, ValueError if not."""
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("not a portal backup: its manifest.json is not a portal manifest")
    if manifest["version"] != FORMAT_VERSION:
        raise BackupError(
            f"the archive has format version {manifest['version']}; this portal reads "
            f"version {FORMAT_VERSION}"
        )
    if manifest["database"]["format"] not in DATABASE_FORMATS:
        raise ValueError(f"unknown database format {manifest['database']['format']!r}")
    Counts(**manifest["counts"])
    for name, entry in manifest["files"].items():
        if not isinstance(entry["size"], int) or len(entry["sha256"]) != 64:
            raise ValueError(f"bad entry for {name}")
    dict(manifest["migrations"])
    str(manifest["created"])
    return manifest


def check_compatible(manifest: dict[str, Any]) -> str:
    """The archive's database format, if this code and database can take it."""
    fmt = manifest["database"]["format"]
    if fmt == "sqlite" and connection.vendor != "sqlite":
        raise BackupError(
            f"the archive holds a SQLite database but this portal uses {connection.vendor}: "
            "back up the old instance with --database-format json"
        )
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    labels = {app for app, _name in known}
    unknown = sorted(
        f"{app}.{name}"
        for app, name in manifest["migrations"].items()
        if app in labels and (app, name) not in known
    )
    if unknown:
        raise BackupError(
            f"the archive comes from a newer portal (migrations {', '.join(unknown)} are "
            "unknown here): update the code first"
        )
    return fmt


def prepare_for_json(manifest: dict[str, Any]) -> None:
    """Migrate this database: a dump loads only into the schema it was dumped from."""
    call_command("migrate", interactive=False, verbosity=0)
    leaves = dict(MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes())
    behind = sorted(
        f"{app}.{name}"
        for app, name in manifest["migrations"].items()
        if leaves.get(app, name) != name
    )
    if behind:
        raise BackupError(
            f"the archive's schema is older than this code's ({', '.join(behind)}): a JSON "
            "backup restores only into the portal version that made it"
        )
