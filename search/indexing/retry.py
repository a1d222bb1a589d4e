"""Index a committed change later when the index is busy, instead of making a request wait.

A publish from the admin syncs its release right after the commit, in the request. If another
process holds the index's write lock (a bulk import streams a whole file under it, a rebuild
holds it until its swap), the request waits a few seconds (``SEARCH_LOCK_WAIT``) and then
hands the release to this process's retry thread, which keeps trying with growing pauses.
The release shows as "待更新" in the admin meanwhile; nothing is reported as an error unless
the index stays busy past ``SEARCH_RETRY_SECONDS``. The thread is not a daemon, so a
management command that published something waits for its index update before it exits. A
process killed before the retry succeeds leaves drift that ``manage.py check_search_index --repair``
finds and fixes.
"""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.db import close_old_connections, connections

from search.engines.base import IndexBusy, SearchUnavailable
from search.indexing import sync
from search.indexing.state import record_index_state

log = logging.getLogger(__name__)

_pending: set[int] = set()
_lock = threading.Lock()
_thread: threading.Thread | None = None
#: Longest pause between two attempts.
MAX_PAUSE = 10.0


def later(release_ids: set[int] | list[int]) -> None:
    """Sync these releases as soon as the index can be written."""
    global _thread
    with _lock:
        _pending.update(release_ids)
        if _thread is None or not _thread.is_alive():
            _thread = threading.Thread(target=_run, name="search-index-retry", daemon=False)
            _thread.start()


def pending() -> set[int]:
    """Releases still waiting for the index (for tests and diagnostics)."""
    with _lock:
        return set(_pending)


def wait_idle(timeout: float) -> bool:
    """Wait until nothing is pending; ``True`` if that happened within ``timeout`` seconds."""
    with _lock:
        thread = _thread
    if thread is not None:
        thread.join(timeout)
        return not thread.is_alive()
    return True


def _run() -> None:
    global _thread
    started = time.monotonic()
    pause = 0.2
    give_up = float(getattr(settings, "SEARCH_RETRY_SECONDS", 3600))
    try:
        while True:
            with _lock:
                if not _pending:
                    _thread = None
                    return
                ids = sorted(_pending)
                _pending.clear()
            close_old_connections()
            try:
                counts = sync.sync_releases(ids, wait=pause)
            except (IndexBusy, SearchUnavailable) as exc:
                if time.monotonic() - started > give_up:
                    record_index_state(
                        ids, error=f"{exc}; run manage.py check_search_index --repair"
                    )
                    continue
                with _lock:
                    _pending.update(ids)
                pause = min(pause * 2, MAX_PAUSE)
            except Exception as exc:  # the database is the record; a stale index is reported
                log.exception("could not update the search index for releases %s", ids)
                record_index_state(ids, error=f"{type(exc).__name__}: {exc}")
            else:
                record_index_state(ids, counts=counts)
                log.info("indexed releases %s after waiting for the index", ids)
    finally:
        connections.close_all()
