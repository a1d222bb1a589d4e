"""Where the live Whoosh index lives on disk, how a rebuild replaces it, and who may write it.

The configured index path (``HAYSTACK_CONNECTIONS[…]["PATH"]``, ``var/index``) is a symbolic
link to one *generation* directory beside it (``var/.index-<stamp>``). A full rebuild writes a
new generation while the site keeps searching the old one, then points the link at the new
one with one ``rename`` — there is no moment without a working index, unlike deleting the
directory and refilling it. The generation just replaced is kept until the next swap, so a
searcher that opened it a moment ago can finish; older ones are removed.

Every writer — a publish, a bulk import, a repair, a rebuild — holds the Whoosh write lock of
the generation it writes, and checks after taking it that this generation is still the live
one; a rebuild holds the old generation's lock until its swap, so nothing written meanwhile
can land in a generation that is about to be dropped. A lock held by another process is
waited for, in short polls, for as long as the caller allows; Whoosh's own writers either
fail at once (haystack's ``remove``) or after one fixed timeout.
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from whoosh.filedb.filestore import FileStorage
from whoosh.index import LockError

from search.engines.base import IndexBusy

log = logging.getLogger(__name__)

#: The prefix of generation directories, beside the configured path.
GENERATION_PREFIX = "."
#: Longest single poll for the lock; the caller's ``wait`` bounds the total.
LOCK_POLL = 1.0

W = TypeVar("W")


def live_dir(path: str | Path) -> Path:
    """The generation directory the configured path points at now (itself if a plain folder)."""
    return Path(os.path.realpath(path))


def ensure_layout(path: str | Path) -> None:
    """Create the path as a link to an empty generation if it does not exist yet.

    An index folder from before generations existed stays a plain folder and is served as it
    is; the first rebuild turns it into a link.
    """
    link = Path(path)
    if link.exists():
        return
    if link.is_symlink():  # dangling: its generation was removed by hand
        link.unlink()
    link.parent.mkdir(parents=True, exist_ok=True)
    _point(link, new_generation(link))


def new_generation(path: str | Path) -> Path:
    """A new, empty generation directory beside the configured path."""
    link = Path(path)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for attempt in range(1000):
        candidate = link.parent / f"{GENERATION_PREFIX}{link.name}-{stamp}-{os.getpid()}-{attempt}"
        try:
            candidate.mkdir()
        except FileExistsError:
            continue
        return candidate
    raise OSError(f"cannot create a new index generation beside {link}")


def swap_in(path: str | Path, generation: Path) -> Path:
    """Make ``generation`` the live index in one rename; return the generation it replaced.

    The caller holds the write lock of the replaced generation, so no writer can be halfway
    through it. Generations older than the replaced one are deleted.
    """
    link = Path(path)
    previous = live_dir(link)
    if link.is_symlink() or not link.exists():
        _point(link, generation)
    else:
        # A plain folder from before generations: move it aside, then link. A searcher opening
        # the index in the microseconds between the two renames retries (``open_when_swapping``).
        legacy = new_generation(link)
        legacy.rmdir()
        link.rename(legacy)
        _point(link, generation)
        previous = legacy
    prune(link, keep={generation, previous})
    return previous


def prune(path: str | Path, keep: set[Path]) -> None:
    """Delete generation directories of ``path`` other than ``keep``."""
    link = Path(path)
    keep = {Path(os.path.realpath(k)) for k in keep}
    for candidate in link.parent.glob(f"{GENERATION_PREFIX}{link.name}-*"):
        if candidate.is_dir() and candidate.resolve() not in keep:
            shutil.rmtree(candidate, ignore_errors=True)


def _point(link: Path, generation: Path) -> None:
    """Atomically (re)point ``link`` at ``generation``, relative so the data folder can move."""
    temporary = link.parent / f"{GENERATION_PREFIX}{link.name}.swap-{os.getpid()}"
    temporary.unlink(missing_ok=True)
    temporary.symlink_to(generation.name)
    temporary.replace(link)


def acquire(
    path: str | Path,
    take: Callable[[FileStorage, float], W],
    release: Callable[[W], None],
    *,
    wait: float | None,
) -> W:
    """Take the live generation's write lock with ``take``, waiting up to ``wait`` seconds.

    ``take(storage, timeout)`` opens something that holds the lock (a Whoosh writer, or the
    bare lock) and raises ``LockError`` when it could not within ``timeout``. If a rebuild
    swapped generations while this one was waited for, the lock is given back (``release``)
    and the new generation's taken instead. ``wait=None`` waits as long as it takes.
    """
    started = time.monotonic()
    announced = False
    while True:
        generation = live_dir(path)
        poll = LOCK_POLL
        if wait is not None:
            poll = max(0.0, min(LOCK_POLL, wait - (time.monotonic() - started)))
        try:
            held = take(FileStorage(str(generation)), poll)
        except LockError:
            waited = time.monotonic() - started
            if wait is not None and waited >= wait:
                raise IndexBusy(str(path), waited) from None
            if not announced:
                log.info("the search index is being written by another process; waiting")
                announced = True
            continue
        if live_dir(path) == generation:
            return held
        release(held)  # swapped meanwhile: what was locked is no longer the live index


def hold_lock(storage: FileStorage, timeout: float) -> Any:
    """The bare write lock of a generation (for a rebuild, which writes elsewhere)."""
    from whoosh.util.filelock import try_for

    lock = storage.lock("MAIN_WRITELOCK")
    if not try_for(lock.acquire, timeout=timeout, delay=0.05):
        raise LockError(f"{storage.folder} is locked")
    return lock
