"""Index maintenance the rest of the portal calls: sync releases, rebuild, check the index."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from haystack import connection_router, connections

from documents.models import Release, Section

#: Rows fetched per query while a rebuild streams the sections.
REBUILD_CHUNK_SIZE = 500


def sync_releases(release_ids: list[int], using=connections) -> None:
    """Make every search connection hold exactly these releases' published sections."""
    for alias in connection_router.for_write(models=[Section]):
        backend = using[alias].get_backend()
        index = using[alias].get_unified_index().get_index(Section)
        sections = list(indexable_sections(index, alias).filter(release_id__in=release_ids))
        backend.replace_releases(index, release_ids, sections)


def rebuild_all(alias: str = "default", *, procs: int | None = None) -> int:
    """Rebuild one connection's index from the database in one pass; return the sections indexed.

    The portal's Whoosh backend recreates the index and writes every section through one
    (multi-process) writer and one commit. Other engines get haystack's clear and update.
    """
    backend = connections[alias].get_backend()
    index = connections[alias].get_unified_index().get_index(Section)
    sections = indexable_sections(index, alias).iterator(chunk_size=REBUILD_CHUNK_SIZE)
    if hasattr(backend, "rebuild"):
        return backend.rebuild(index, sections, procs=procs)
    backend.clear(models=[Section])
    sections = list(sections)
    backend.update(index, sections)
    return len(sections)


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


def record_index_state(release_ids: list[int], *, error: str = "") -> None:
    """Note on each release when the index last took it, or why it could not.

    ``update()`` sends no signals, so recording the state never schedules another sync.
    """
    releases = Release.objects.filter(pk__in=release_ids)
    if error:
        releases.update(index_error=error[:2000])
    else:
        releases.update(indexed_at=timezone.now(), index_error="")


def indexed_section_count(release_id: int, alias: str = "default") -> int | None:
    """How many of the release's sections the index holds (None if the engine cannot say)."""
    backend = connections[alias].get_backend()
    if not hasattr(backend, "release_document_count"):
        return None
    return backend.release_document_count(release_id)


@dataclass(frozen=True, slots=True)
class IndexState:
    """How the index compares with the database and with the current code."""

    indexed: int
    expected: int
    fingerprint_ok: bool

    @property
    def healthy(self) -> bool:
        return self.fingerprint_ok and self.indexed == self.expected


def index_state(alias: str = "default") -> IndexState:
    """Count indexed sections against published ones, and compare index fingerprints."""
    from search.backends import index_fingerprint

    backend = connections[alias].get_backend()
    expected = Section.objects.filter(release__status=Release.Status.PUBLISHED).count()
    meta = backend.read_meta() if hasattr(backend, "read_meta") else index_fingerprint()
    return IndexState(backend.document_count(), expected, meta == index_fingerprint())
