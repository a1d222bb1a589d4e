"""Make the index hold exactly what the database says, release by release, in every engine.

``sync_releases`` is what every change comes down to: after a commit (``signals``), on the
worker when the index was busy (``later``), for a repair (``drift``, ``repair``). A bulk
import streams its releases instead (``ReleaseStream``), where the engine offers a bulk writer.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from haystack import connection_router, connections

from documents.models import Release, Section
from search.engines import backend_for
from search.engines.base import BulkWriter
from search.indexing.pending import hand_over
from search.indexing.state import record_index_state

log = logging.getLogger(__name__)

#: Rows fetched per query while a rebuild or a comparison streams the sections.
REBUILD_CHUNK_SIZE = 500


def sync_releases(release_ids: list[int], *, wait: float | None = None) -> dict[int, int]:
    """Make every search connection hold exactly these releases' published sections.

    Returns how many sections of each release were written. An engine's index is waited for
    up to ``wait`` seconds (``None``: as long as it takes) if another process is writing it;
    ``IndexBusy`` is raised after that.
    """
    counts: dict[int, int] = {}
    for alias in connection_router.for_write(models=[Section]):
        index = section_index(alias)
        sections = list(indexable_sections(index, alias).filter(release_id__in=release_ids))
        backend_for(alias).replace_releases(index, release_ids, sections, wait=wait)
        counts = dict(Counter(section.release_id for section in sections))
    return counts


def section_index(alias: str = "default") -> Any:
    """haystack's ``SearchIndex`` of sections on connection ``alias``."""
    return connections[alias].get_unified_index().get_index(Section)


def indexable_sections(index: Any, alias: str) -> Any:
    """The index's queryset, loading what ``prepare_*`` reads and nothing more.

    The whole region chain of a county (county, city, province, nation) comes in the same
    query, and the release's full text, which no document field reads, stays in the database:
    every section would otherwise carry its own copy of the whole release.
    """
    return (
        index.index_queryset(using=alias)
        .select_related("release__region__parent__parent__parent")
        .defer("release__text", "release__details")
    )


@dataclass
class ReleaseStream:
    """Index a bulk import's releases while the import goes on parsing the next ones.

    Each release's documents go to the engine's bulk writer as soon as it is stored (for
    Whoosh: its analysing sub-processes, so analysis runs beside parsing on the other core).
    The writer commits after the database transaction does (register ``commit`` with
    ``on_commit``) and is cancelled otherwise (``cancel`` in a ``finally``): the index never
    holds a release the database does not.
    """

    alias: str
    index: Any
    writer: BulkWriter
    counts: dict[int, int] = field(default_factory=dict)

    def add(self, release: Release) -> None:
        """Index ``release`` (just stored, published) with the import's writer."""
        sections = indexable_sections(self.index, self.alias).filter(release_id=release.pk)
        self.counts[release.pk] = self.writer.add(self.index, sections)
        hand_over(release.pk)  # the transaction's usual after-commit sync leaves it out

    def commit(self) -> None:
        """Write the streamed documents; a failure is recorded on the releases, not raised."""
        ids = list(self.counts)
        try:
            self.writer.commit()
        except Exception as exc:  # the database is the record; a stale index is reported
            log.exception("could not index the imported releases %s", ids)
            record_index_state(ids, error=f"{type(exc).__name__}: {exc}")
        else:
            record_index_state(ids, counts=self.counts)

    def cancel(self) -> None:
        """Drop what was streamed (the import did not commit); nothing once committed."""
        self.writer.cancel()


def open_stream(alias: str = "default") -> ReleaseStream | None:
    """A stream for a bulk import, or ``None`` where the after-commit sync must do the work.

    Only where ``alias`` is the one write connection, only outside a transaction (inside one,
    the import's commit would not be the real one), and only if the engine offers a bulk
    writer (``PortalBackend.open_bulk_writer``).
    """
    if list(connection_router.for_write(models=[Section])) != [alias]:
        return None
    if transaction.get_connection().in_atomic_block:
        return None
    writer = backend_for(alias).open_bulk_writer()
    if writer is None:
        return None
    return ReleaseStream(alias, section_index(alias), writer)
