"""Back up one portal instance to a single archive, and restore it, verified, all or nothing.

An archive is one tar file (gzipped unless its name ends in ``.tar``)::

    manifest.json             first, so a foreign archive is refused before anything is read
    database/portal.sqlite3   SQLite: a page-for-page snapshot (sqlite3's online backup API)
    database/data.json        other engines: ``dumpdata`` with natural keys, from one snapshot
    media/…                   every file under MEDIA_ROOT (the uploaded originals)
    index/…                   the live Whoosh index generation, copied under its write lock
    secret_key                only when asked for (see ``create_backup``)

The manifest records the format, when, Django's and the search schema's versions, the latest
applied migration of each app, the counts of releases, sections and originals, and the size and
sha256 of every other file. A restore checks all of it before it replaces anything: each piece
is written beside what it replaces and swapped in by renames at the end (the index as a new
generation, ``search.whoosh_storage``), so a damaged archive or a failed step leaves the
instance as it was.

The database is snapshotted before the index is copied, and the index's write lock is held
only for that copy, so a running site's publishes never wait on a slow database dump. A
release published in between leaves a little drift, which the restore repairs.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import secrets
import shutil
import sqlite3
import tarfile
import tempfile
import time
import zlib
from collections.abc import Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any, Protocol

import django
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, connection, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from haystack import connections as search_connections
from whoosh import index as whoosh_index

from documents.models import Release, Section
from search import whoosh_storage
from search.backends import PortalWhooshBackend, index_fingerprint
from search.indexing import index_drift, rebuild_all, repair_drift

FORMAT = "policy-portal-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE_FORMATS = ("sqlite", "json")
#: Top-level names an archive may hold; anything else is refused.
PARTS = ("database", "media", "index", "secret_key")
#: Seconds to wait for an import or a rebuild to let go of the index's write lock.
INDEX_LOCK_WAIT = 60.0
#: Fast gzip: Whoosh's segments hardly shrink, and level 6 took twice as long for 8 % less.
GZIP_LEVEL = 1
#: A manifest has one line per file; anything far larger is not one of ours.
MAX_MANIFEST_BYTES = 64 * 1024 * 1024
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is meant for the person running it."""


@dataclass(frozen=True, slots=True)
class Counts:
    """What a database holds, compared before and after a round trip."""

    releases: int
    sections: int
    originals: int  # releases with an uploaded original file


@dataclass(frozen=True, slots=True)
class BackupResult:
    path: Path
    size: int
    counts: Counts
    database_format: str
    media_files: int
    index_files: int
    seconds: float


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


# --- Backup ------------------------------------------------------------------------------------
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
        counts = _snapshot_database(staged / "database", fmt)
        _copy_index(staged / "index")
        entries = [
            *_tree(staged / "database", "database"),
            *_tree(staged / "index", "index"),
            *_tree(Path(settings.MEDIA_ROOT), "media"),
        ]
        secret = Path(settings.DATA_DIR) / "secret_key"
        if include_secret and secret.is_file():
            entries.append(("secret_key", secret))
        files = {name: _digest(path) for name, path in entries}
        _write_archive(output, _manifest(fmt, counts, files), entries)
    return BackupResult(
        path=output,
        size=output.stat().st_size,
        counts=counts,
        database_format=fmt,
        media_files=sum(name.startswith("media/") for name in files),
        index_files=sum(name.startswith("index/") for name in files),
        seconds=time.perf_counter() - started,
    )


def _snapshot_database(folder: Path, fmt: str) -> Counts:
    """A consistent copy of the database in ``folder``; return what it holds."""
    folder.mkdir()
    if fmt == "json":
        return _dump_json(folder / "data.json")
    if connection.vendor != "sqlite":
        raise BackupError(
            f"a SQLite snapshot needs a SQLite database; this portal uses {connection.vendor} "
            "(use --database-format json)"
        )
    source = Path(connection.settings_dict["NAME"])
    if not source.is_file():
        raise BackupError(f"no database at {source}: run manage.py migrate first")
    target = folder / "portal.sqlite3"
    # One backup step copies every page under one read transaction: consistent while the site
    # writes. The copy leaves WAL mode, so it is one self-contained file.
    with (
        closing(sqlite3.connect(source, timeout=20)) as src,
        closing(sqlite3.connect(target)) as dst,
    ):
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")
    return _sqlite_counts(target)


def _dump_json(path: Path) -> Counts:
    """Every app's rows as natural-key JSON, and their counts, from one database snapshot."""
    with transaction.atomic():
        if connection.vendor == "postgresql":  # one snapshot for every table dumped
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        call_command(
            "dumpdata", natural_foreign=True, natural_primary=True, output=str(path), verbosity=0
        )
        return _orm_counts()


def _copy_index(folder: Path) -> None:
    """Copy the live index generation while holding its write lock: no commit lands mid-copy.

    Nothing is copied for another engine (it keeps its own data) or a missing index; the
    restore then rebuilds the index from the database.
    """
    path = _index_path()
    if path is None or not whoosh_index.exists_in(str(whoosh_storage.live_dir(path))):
        folder.mkdir()
        return
    with _index_write_lock(path):
        shutil.copytree(
            whoosh_storage.live_dir(path),
            folder,
            ignore=shutil.ignore_patterns("*_WRITELOCK", "*.tmp"),
        )


def _manifest(fmt: str, counts: Counts, files: dict[str, dict[str, Any]]) -> dict[str, Any]:
    backend = search_connections["default"].get_backend()
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "created": timezone.now().isoformat(timespec="seconds"),
        "django": django.get_version(),
        "migrations": _latest_migrations(),
        "search": {
            "code": index_fingerprint(),
            "index": backend.read_meta() if hasattr(backend, "read_meta") else None,
        },
        "database": {"vendor": connection.vendor, "format": fmt},
        "counts": asdict(counts),
        "files": files,
    }


def _write_archive(output: Path, manifest: dict[str, Any], entries: list[tuple[str, Path]]) -> None:
    """Write the archive beside ``output`` and rename it: no half-written file under its name."""
    partial = output.with_name(f".{output.name}.partial")
    gzipped = output.suffix != ".tar"
    mode, options = ("w:gz", {"compresslevel": GZIP_LEVEL}) if gzipped else ("w", {})
    try:
        with tarfile.open(partial, mode, **options) as tar:
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(data), int(time.time()), 0o600
            tar.addfile(info, io.BytesIO(data))
            for name, path in entries:
                _add_file(tar, name, path, manifest["files"][name])
        partial.chmod(0o600)  # the users' password hashes are in it
        partial.replace(output)
    except OSError as exc:
        raise BackupError(f"could not write {output}: {exc.strerror or exc}") from exc
    finally:
        partial.unlink(missing_ok=True)


def _add_file(tar: tarfile.TarFile, name: str, path: Path, expected: dict[str, Any]) -> None:
    """Add one file, checking it is still the file the manifest describes."""
    try:
        info = tar.gettarinfo(str(path), arcname=name)
        with path.open("rb") as handle:
            reader = _HashingReader(handle)
            tar.addfile(info, reader)
    except FileNotFoundError as exc:
        raise BackupError(f"{name} disappeared during the backup: run it again") from exc
    if reader.hexdigest() != expected["sha256"] or info.size != expected["size"]:
        raise BackupError(f"{name} changed during the backup: run it again")


# --- Restore -----------------------------------------------------------------------------------
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
    parts: dict[str, _Part] = {}
    try:
        with _reading(archive) as tar:
            manifest = _read_manifest(tar)
            fmt = _check_compatible(manifest)
            parts = _parts(manifest, fmt)
            _extract(tar, manifest, parts)
        if fmt == "sqlite":
            _check_counts(_sqlite_counts(parts["database"].root / "portal.sqlite3"), manifest)
        else:
            _prepare_for_json(manifest)
        _swap_all(list(parts.values()))
    finally:
        for part in parts.values():
            part.clean()
    search_connections.reload("default")
    migrated = _migrate_if_behind()
    action, drift = _settle_index(restored="index" in parts)
    return RestoreResult(
        counts=_orm_counts(),
        created=manifest["created"],
        database_format=fmt,
        media_files=sum(name.startswith("media/") for name in manifest["files"]),
        index=action,
        drift=drift,
        migrated=migrated,
        seconds=time.perf_counter() - started,
    )


def _refuse_if_not_empty() -> None:
    try:
        releases = Release.objects.count()
    except DatabaseError:  # not migrated yet: nothing to lose
        releases = 0
    media = sum(1 for _ in _files(Path(settings.MEDIA_ROOT)))
    if releases or media:
        raise BackupError(
            f"this instance is not empty ({releases} releases, {media} media files) and a "
            "restore replaces all of it: add --force to go ahead"
        )


@contextmanager
def _reading(archive: Path) -> Iterator[tarfile.TarFile]:
    """Open the archive as a stream, turning every read failure into one clear message."""
    try:
        with tarfile.open(archive, "r|*") as tar:
            yield tar
    except BackupError:
        raise
    except (tarfile.TarError, gzip.BadGzipFile, EOFError, zlib.error, UnicodeError) as exc:
        raise BackupError(f"{archive} is damaged or not a tar archive ({exc})") from exc
    except OSError as exc:
        raise BackupError(f"cannot restore from {archive}: {exc.strerror or exc}") from exc


def _read_manifest(tar: tarfile.TarFile) -> dict[str, Any]:
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


def _check_compatible(manifest: dict[str, Any]) -> str:
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


def _prepare_for_json(manifest: dict[str, Any]) -> None:
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


def _extract(tar: tarfile.TarFile, manifest: dict[str, Any], parts: dict[str, _Part]) -> None:
    """Write every member where its part is staged, checking names, sizes and sha256."""
    files: dict[str, dict[str, Any]] = manifest["files"]
    seen: set[str] = set()
    while (member := tar.next()) is not None:  # iterating would start at the manifest again
        name = _safe_name(member)
        expected = files.get(name)
        if expected is None or name in seen:
            raise BackupError(f"{name} is not listed in the manifest: the archive was altered")
        top, _, rest = name.partition("/")
        # Checked but not kept: the index of an archive restored where another engine serves.
        destination = parts[top].root / (rest or top) if top in parts else None
        digest, size = _extract_member(tar, member, destination)
        if digest != expected["sha256"] or size != expected["size"]:
            raise BackupError(f"{name} is corrupt (its sha256 does not match the manifest)")
        seen.add(name)
    missing = sorted(files.keys() - seen)
    if missing:
        raise BackupError(
            f"the archive is incomplete: {len(missing)} file(s) of its manifest are missing "
            f"(first: {missing[0]})"
        )


def _safe_name(member: tarfile.TarInfo) -> str:
    """The member's name, if it is a plain file inside one of the archive's parts."""
    name = member.name
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or "\\" in name or not path.parts:
        raise BackupError(f"refusing unsafe path in the archive: {name!r}")
    if not member.isfile():
        raise BackupError(f"refusing {name!r}: a backup holds only regular files")
    if path.parts[0] not in PARTS or str(path) != name:
        raise BackupError(f"unexpected file in the archive: {name!r}")
    return name


def _extract_member(
    tar: tarfile.TarFile, member: tarfile.TarInfo, destination: Path | None
) -> tuple[str, int]:
    """Copy one member to ``destination`` (or nowhere); return its sha256 and size."""
    source = tar.extractfile(member)
    digest, size = hashlib.sha256(), 0
    with _opened(destination) as out:
        while source and (chunk := source.read(CHUNK)):
            digest.update(chunk)
            out.write(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


@contextmanager
def _opened(destination: Path | None) -> Iterator[IO[bytes]]:
    if destination is None:
        with Path(os.devnull).open("wb") as sink:
            yield sink
        return
    destination.parent.mkdir(parents=True, exist_ok=True)
    with destination.open("xb") as out:  # never writes over anything
        if destination.name == "secret_key":
            destination.chmod(0o600)
        yield out


def _swap_all(parts: list[_Part]) -> None:
    """Swap every part in, in order; if one fails, undo it and every part swapped before it."""
    done: list[_Part] = []
    try:
        for part in parts:
            done.append(part)  # undone too if its own swap fails half-way
            part.swap()
    except BaseException:
        for part in reversed(done):
            part.undo()
        raise
    for part in done:
        part.finish()


def _migrate_if_behind() -> bool:
    """Apply migrations newer than the restored database (an archive of an older portal)."""
    executor = MigrationExecutor(connection)
    if not executor.migration_plan(executor.loader.graph.leaf_nodes()):
        return False
    call_command("migrate", interactive=False, verbosity=0)
    return True


def _settle_index(*, restored: bool) -> tuple[str, int]:
    """Rebuild an index built by other code, repair a little drift; return (action, drift)."""
    backend = search_connections["default"].get_backend()
    meta = backend.read_meta() if hasattr(backend, "read_meta") else index_fingerprint()
    if not restored or meta != index_fingerprint():
        rebuild_all()
        return "rebuilt from the database", index_drift().total
    drift = index_drift()
    if not drift.total:
        return "restored", 0
    repair_drift(drift)
    return f"restored, {len(drift.releases)} release(s) re-indexed", index_drift().total


# --- What a restore swaps ----------------------------------------------------------------------
class _Part(Protocol):
    """One piece of the instance a restore replaces; the archive's copy is staged in ``root``."""

    root: Path

    def swap(self) -> None: ...
    def undo(self) -> None: ...
    def finish(self) -> None: ...
    def clean(self) -> None: ...


def _parts(manifest: dict[str, Any], fmt: str) -> dict[str, _Part]:
    """Where each part of the archive is staged, beside its target; the database last."""
    token = secrets.token_hex(4)
    data_dir = Path(settings.DATA_DIR)
    parts: dict[str, _Part] = {"media": _Folder.beside(Path(settings.MEDIA_ROOT), token)}
    index = _index_path()
    if index is not None and any(name.startswith("index/") for name in manifest["files"]):
        parts["index"] = _IndexGeneration(index, whoosh_storage.new_generation(index))
    if "secret_key" in manifest["files"]:
        parts["secret_key"] = _File.beside(data_dir / "secret_key", "secret_key", token)
    if fmt == "json":
        root = Path(tempfile.mkdtemp(prefix=".restore-", dir=data_dir))
        parts["database"] = _JsonLoad(root, Counts(**manifest["counts"]))
    else:
        database = _File.beside(Path(connection.settings_dict["NAME"]), "portal.sqlite3", token)
        database.sidecars = ("-journal", "-wal", "-shm")
        parts["database"] = database
    return parts


@dataclass
class _Folder:
    """A folder (MEDIA_ROOT) swapped by two renames; the old one waits beside until the end."""

    target: Path
    root: Path
    old: Path
    moved: bool = False  # the current folder is at ``old``
    placed: bool = False  # the archive's folder is at ``target``

    @classmethod
    def beside(cls, target: Path, token: str) -> _Folder:
        root = target.parent / f".{target.name}.restore-{token}"
        root.mkdir(parents=True)
        return cls(target, root, target.parent / f".{target.name}.old-{token}")

    def swap(self) -> None:
        if self.target.exists():
            self.target.rename(self.old)
            self.moved = True
        self.root.rename(self.target)
        self.placed = True

    def undo(self) -> None:
        if self.placed:
            shutil.rmtree(self.target, ignore_errors=True)
        if self.moved:
            self.old.rename(self.target)

    def finish(self) -> None:
        shutil.rmtree(self.old, ignore_errors=True)

    def clean(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


@dataclass
class _File:
    """A file (the SQLite database, the secret key) replaced in one ``os.replace``.

    The old file is hard-linked beside first, so the target never goes missing and can be put
    back; ``sidecars`` (SQLite's journal and WAL files) belong to the old file and go with it.
    """

    target: Path
    root: Path
    staged: Path
    old: Path
    sidecars: tuple[str, ...] = ()
    kept: bool = False  # the current file is linked at ``old``
    placed: bool = False  # the archive's file is at ``target``

    @classmethod
    def beside(cls, target: Path, member: str, token: str) -> _File:
        root = target.parent / f".{target.name}.restore-{token}"
        root.mkdir(parents=True)
        return cls(target, root, root / member, target.parent / f".{target.name}.old-{token}")

    def swap(self) -> None:
        connections.close_all()  # no connection of this process keeps the old file open
        if self.target.exists():
            _link_or_copy(self.target, self.old)
            self.kept = True
        for suffix in self.sidecars:
            _move_if_present(Path(f"{self.target}{suffix}"), Path(f"{self.old}{suffix}"))
        self.staged.replace(self.target)
        self.placed = True

    def undo(self) -> None:
        if self.kept:
            self.old.replace(self.target)
            self.old.unlink(missing_ok=True)  # still there if both were links to one file
        elif self.placed:
            self.target.unlink(missing_ok=True)
        for suffix in self.sidecars:
            _move_if_present(Path(f"{self.old}{suffix}"), Path(f"{self.target}{suffix}"))

    def finish(self) -> None:
        for path in (self.old, *(Path(f"{self.old}{suffix}") for suffix in self.sidecars)):
            path.unlink(missing_ok=True)

    def clean(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


@dataclass
class _IndexGeneration:
    """The archive's index, staged as a new generation and swapped in as a rebuild would be."""

    link: Path
    root: Path
    previous: Path | None = None

    def swap(self) -> None:
        with _index_write_lock(self.link):  # no writer is halfway through the live generation
            self.previous = whoosh_storage.swap_in(self.link, self.root)

    def undo(self) -> None:
        if self.previous is not None and self.previous.is_dir():
            whoosh_storage.swap_in(self.link, self.previous)

    def finish(self) -> None:
        """Nothing: the replaced generation stays until the next swap, as after a rebuild."""

    def clean(self) -> None:
        if whoosh_storage.live_dir(self.link) != self.root.resolve():
            shutil.rmtree(self.root, ignore_errors=True)


@dataclass
class _JsonLoad:
    """A ``dumpdata`` file, loaded in one transaction (so it needs no undo: it comes last)."""

    root: Path
    expected: Counts

    def swap(self) -> None:
        _load_json(self.root / "data.json", self.expected)

    def undo(self) -> None:
        """Nothing: a failed load rolls back, and a later part cannot fail (it is the last)."""

    def finish(self) -> None:
        """Nothing to remove but the staging folder (``clean``)."""

    def clean(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def _load_json(path: Path, expected: Counts) -> None:
    """Empty the database and load the dump, in one transaction (nothing changes on failure).

    The search signals are off meanwhile: the index is restored or rebuilt as a whole later.
    """
    processor = apps.get_app_config("haystack").signal_processor
    processor.teardown()
    try:
        with transaction.atomic():
            call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
            call_command("loaddata", str(path), verbosity=0)
            if _orm_counts() != expected:
                raise BackupError(f"the archive's database does not hold {expected}")
    except BackupError:
        raise
    except Exception as exc:  # deserialisation and integrity errors of every engine
        raise BackupError(f"could not load the archive's database: {exc}") from exc
    finally:
        processor.setup()


# --- Helpers -----------------------------------------------------------------------------------
@contextmanager
def _index_write_lock(path: Path) -> Iterator[None]:
    """Hold the live generation's write lock, as every writer of the index takes it."""
    if not whoosh_index.exists_in(str(whoosh_storage.live_dir(path))):
        yield
        return
    try:
        lock = whoosh_storage.acquire(
            path, whoosh_storage.hold_lock, lambda held: held.release(), wait=INDEX_LOCK_WAIT
        )
    except whoosh_storage.IndexBusy as exc:
        raise BackupError(f"{exc} (an import or a rebuild?): try again when it is done") from exc
    try:
        yield
    finally:
        lock.release()


def _index_path() -> Path | None:
    """The configured Whoosh index path, or ``None`` when another engine holds the index."""
    backend = search_connections["default"].get_backend()
    return Path(backend.path) if isinstance(backend, PortalWhooshBackend) else None


def _latest_migrations() -> dict[str, str]:
    """The latest applied migration of each app (names are numbered, so the largest)."""
    latest: dict[str, str] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        latest[app] = name
    return latest


def _orm_counts() -> Counts:
    releases = Release.objects.all()
    return Counts(releases.count(), Section.objects.count(), releases.exclude(original="").count())


def _sqlite_counts(path: Path) -> Counts:
    """Counts read straight from a SQLite file (a snapshot, not Django's database)."""
    release, section = Release._meta.db_table, Section._meta.db_table
    queries = (  # table names from the models, not from input
        f'SELECT count(*) FROM "{release}"',  # noqa: S608
        f'SELECT count(*) FROM "{section}"',  # noqa: S608
        f"SELECT count(*) FROM \"{release}\" WHERE original != ''",  # noqa: S608
    )
    try:
        with closing(sqlite3.connect(path)) as db:
            return Counts(*(db.execute(query).fetchone()[0] for query in queries))
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"the archive's database cannot be read ({exc})") from exc


def _check_counts(found: Counts, manifest: dict[str, Any]) -> None:
    expected = Counts(**manifest["counts"])
    if found != expected:
        raise BackupError(f"the archive's database holds {found}, its manifest says {expected}")


def _tree(root: Path, prefix: str) -> list[tuple[str, Path]]:
    """(archive name, path) of every file under ``root``, in a stable order."""
    return [(f"{prefix}/{p.relative_to(root).as_posix()}", p) for p in sorted(_files(root))]


def _files(root: Path) -> Iterator[Path]:
    if root.is_dir():
        yield from (p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def _digest(path: Path) -> dict[str, Any]:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return {"size": size, "sha256": digest.hexdigest()}


class _HashingReader:
    """A file object that hashes what ``tarfile`` reads through it."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        chunk = self.handle.read(size)
        self.digest.update(chunk)
        return chunk

    def hexdigest(self) -> str:
        return self.digest.hexdigest()


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _move_if_present(source: Path, target: Path) -> None:
    with suppress(FileNotFoundError):
        source.replace(target)
