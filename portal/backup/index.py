"""The Whoosh index in a backup: copied out under its write lock, put back as a new generation.

The lock is the one every writer of the index takes (``search.engines.whoosh.storage``), held only
for the copy, so a running site's publishes never wait on a slow database dump. A restored index
is swapped in as a rebuild would swap a generation, then checked against the restored
database: rebuilt if other code built it, repaired if a publish made during the backup left a
little drift.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as whoosh_index

from search.core.fingerprint import index_fingerprint
from search.engines import backend_for
from search.engines.base import IndexBusy
from search.engines.whoosh import storage as whoosh_storage
from search.engines.whoosh.backend import PortalWhooshBackend
from search.indexing.drift import index_drift, repair_drift
from search.indexing.rebuild import rebuild_all

from .errors import BackupError

#: Seconds to wait for an import or a rebuild to let go of the index's write lock.
INDEX_LOCK_WAIT = 60.0


def index_path() -> Path | None:
    """The configured Whoosh index path, or ``None`` when another engine holds the index."""
    backend = backend_for()
    return Path(backend.path) if isinstance(backend, PortalWhooshBackend) else None


@contextmanager
def index_write_lock(path: Path) -> Iterator[None]:
    """Hold the live generation's write lock, as every writer of the index takes it."""
    if not whoosh_index.exists_in(str(whoosh_storage.live_dir(path))):
        yield
        return
    try:
        lock = whoosh_storage.acquire(
            path, whoosh_storage.hold_lock, lambda held: held.release(), wait=INDEX_LOCK_WAIT
        )
    except IndexBusy as exc:
        raise BackupError(f"{exc} (an import or a rebuild?): try again when it is done") from exc
    try:
        yield
    finally:
        lock.release()


def copy_index(folder: Path) -> None:
    """Copy the live index generation while holding its write lock: no commit lands mid-copy.

    Nothing is copied for another engine (it keeps its own data) or a missing index; the
    restore then rebuilds the index from the database.
    """
    path = index_path()
    if path is None or not whoosh_index.exists_in(str(whoosh_storage.live_dir(path))):
        folder.mkdir()
        return
    with index_write_lock(path):
        shutil.copytree(
            whoosh_storage.live_dir(path),
            folder,
            ignore=shutil.ignore_patterns("*_WRITELOCK", "*.tmp"),
        )


@dataclass
class IndexGeneration:
    """The archive's index, staged as a new generation and swapped in as a rebuild would be."""

    link: Path
    root: Path
    previous: Path | None = None

    def swap(self) -> None:
        with index_write_lock(self.link):  # no writer is halfway through the live generation
            self.previous = whoosh_storage.swap_in(self.link, self.root)

    def undo(self) -> None:
        if self.previous is not None and self.previous.is_dir():
            whoosh_storage.swap_in(self.link, self.previous)

    def finish(self) -> None:
        """Nothing: the replaced generation stays until the next swap, as after a rebuild."""

    def clean(self) -> None:
        if whoosh_storage.live_dir(self.link) != self.root.resolve():
            shutil.rmtree(self.root, ignore_errors=True)


def settle_index(*, restored: bool) -> tuple[str, int]:
    """Rebuild an index built by other code, repair a little drift; return (action, drift)."""
    meta = backend_for().read_meta()
    if not restored or meta != index_fingerprint():
        rebuild_all()
        return "rebuilt from the database", index_drift().total
    drift = index_drift()
    if not drift.total:
        return "restored", 0
    repair_drift(drift)
    return f"restored, {len(drift.releases)} release(s) re-indexed", index_drift().total
