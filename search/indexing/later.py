"""Index a committed change on the task queue's worker when the index is busy now.

A publish syncs its release right after the commit, in the request. If another process holds
the index's write lock (a bulk import job between its chunks' commits, a rebuild until its
swap), the request waits a few seconds (``SEARCH_LOCK_WAIT``) and then hands the releases to
the worker (``search.tasks.index_when_free``), so the request returns and the update survives
the web process. The worker waits for the lock as long as it takes, up to
``SEARCH_RETRY_SECONDS`` after the first try; only then is an error recorded on the releases.
The release shows as "待更新" in the admin meanwhile. Were the queued message lost, the
periodic repair (``search.indexing.repair``) still finds the release behind and syncs it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.conf import settings

from search.engines.base import IndexBusy, SearchUnavailable
from search.indexing import sync
from search.indexing.state import record_index_state

log = logging.getLogger(__name__)

#: Seconds the worker waits for the lock in one attempt (a log line between attempts).
ATTEMPT_WAIT = 30.0

#: The task queue's ``enqueue(release_ids, first_tried)``, installed by ``search.tasks``.
_enqueue: Callable[[list[int], float], None] | None = None


def set_queue(enqueue: Callable[[list[int], float], None]) -> None:
    """Install how deferred index updates reach the worker (see ``search.tasks``)."""
    global _enqueue
    _enqueue = enqueue


def later(release_ids: set[int] | list[int]) -> None:
    """Have the worker sync these releases as soon as the index can be written."""
    ids = sorted(release_ids)
    if _enqueue is None:  # no task queue configured: the periodic repair is all there is
        log.warning("no task queue: releases %s wait for check_search_index --repair", ids)
        return
    _enqueue(ids, time.time())


def index_when_free(release_ids: list[int], first_tried: float) -> None:
    """Sync the releases, waiting for the index's lock; record an error only after
    ``SEARCH_RETRY_SECONDS`` since ``first_tried`` (the request's attempt)."""
    give_up = first_tried + float(getattr(settings, "SEARCH_RETRY_SECONDS", 3600))
    while True:
        try:
            counts = sync.sync_releases(
                release_ids, wait=max(0.1, min(ATTEMPT_WAIT, give_up - time.time()))
            )
        except (IndexBusy, SearchUnavailable) as exc:
            if time.time() >= give_up:
                record_index_state(
                    release_ids, error=f"{exc}; run manage.py check_search_index --repair"
                )
                return
            log.info("index still busy: releases %s keep waiting", release_ids)
            if isinstance(exc, SearchUnavailable):
                time.sleep(min(ATTEMPT_WAIT, max(0.0, give_up - time.time())))
            continue
        except Exception as exc:  # the database is the record; a stale index is reported
            log.exception("could not update the search index for releases %s", release_ids)
            record_index_state(release_ids, error=f"{type(exc).__name__}: {exc}")
            return
        record_index_state(release_ids, counts=counts)
        log.info("indexed releases %s after waiting for the index", release_ids)
        return
