"""Rebuild one connection's whole index from the database, beside the live one.

``ensure_search_index`` (and ``make run``/``make test``) call this, not haystack's
``rebuild_index``, which empties the live index first and commits batch after batch.
"""

from __future__ import annotations

import logging

from django.utils import timezone

from search.engines import backend_for
from search.indexing.drift import index_drift, repair_drift
from search.indexing.state import record_rebuilt
from search.indexing.sync import REBUILD_CHUNK_SIZE, indexable_sections, section_index

log = logging.getLogger(__name__)


def rebuild_all(alias: str = "default", *, procs: int | None = None) -> int:
    """Build a new index of every published section and swap it in; return the documents.

    The sections stream from the database; the engine analyses them (Whoosh: on ``procs``
    sub-processes). Where the engine let writes go to the old index meanwhile, the releases
    they touched are re-synced once the new index is live.
    """
    started = timezone.now()
    backend = backend_for(alias)
    index = section_index(alias)
    sections = indexable_sections(index, alias).iterator(chunk_size=REBUILD_CHUNK_SIZE)
    added = backend.rebuild(index, sections, procs=procs)
    if not backend.rebuild_keeps_concurrent_writes:
        drift = index_drift(alias)
        if drift.total:
            log.info("re-syncing %d releases changed during the rebuild", len(drift.releases))
            repair_drift(drift)
    record_rebuilt(started)
    return added
