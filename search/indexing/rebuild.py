"""Rebuild one connection's whole index from the database, beside the live one.

``ensure_search_index`` (and ``make run``/``make test``) call this, not haystack's
``rebuild_index``, which empties the live index first and commits batch after batch.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.utils import timezone

from search.engines import backend_for
from search.indexing.drift import index_drift, repair_drift
from search.indexing.state import record_rebuilt
from search.indexing.sync import REBUILD_CHUNK_SIZE, indexable_sections, section_index

log = logging.getLogger(__name__)


def rebuild_all(
    alias: str = "default",
    *,
    procs: int | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> int:
    """Build a new index of every published section and swap it in; return the documents.

    The sections stream from the database; the engine analyses them (Whoosh: on ``procs``
    sub-processes). Where the engine let writes go to the old index meanwhile, the releases
    they touched are re-synced once the new index is live. ``on_progress`` hears how many
    sections were read, every ``REBUILD_CHUNK_SIZE``; an exception it raises abandons the
    new index and leaves the live one as it was.
    """
    started = timezone.now()
    backend = backend_for(alias)
    index = section_index(alias)
    sections = indexable_sections(index, alias).iterator(chunk_size=REBUILD_CHUNK_SIZE)
    if on_progress is not None:
        sections = _counted(sections, on_progress)
    added = backend.rebuild(index, sections, procs=procs)
    if not backend.rebuild_keeps_concurrent_writes:
        drift = index_drift(alias)
        if drift.total:
            log.info("re-syncing %d releases changed during the rebuild", len(drift.releases))
            repair_drift(drift)
    record_rebuilt(started)
    return added


def _counted(items: Iterable[Any], on_progress: Callable[[int], None]) -> Iterator[Any]:
    """``items``, calling ``on_progress(n)`` every ``REBUILD_CHUNK_SIZE`` items and at the end."""
    count = 0
    for count, item in enumerate(items, 1):
        yield item
        if count % REBUILD_CHUNK_SIZE == 0:
            on_progress(count)
    on_progress(count)
