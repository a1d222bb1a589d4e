"""Index maintenance the rest of the portal calls: sync releases, rebuild, check the index."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from haystack import connection_router, connections

from documents.models import Release, Section

log = logging.getLogger(__name__)

#: Rows fetched per query while a rebuild streams the sections.
REBUILD_CHUNK_SIZE = 500


def sync_releases(release_ids: list[int], using=connections, *, wait: float | None = None) -> None:
    """Make every search connection hold exactly these releases' published sections.

    The portal's Whoosh index is waited for up to ``wait`` seconds (``None``: as long as it
    takes) if another process is writing it; ``IndexBusy`` is raised after that.
    """
    for alias in connection_router.for_write(models=[Section]):
        backend = using[alias].get_backend()
        index = using[alias].get_unified_index().get_index(Section)
        sections = list(indexable_sections(index, alias).filter(release_id__in=release_ids))
        if hasattr(backend, "open_writer"):
            backend.replace_releases(index, release_ids, sections, wait=wait)
        else:
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


@dataclass
class ReleaseStream:
    """Index a bulk import's releases while the import goes on parsing the next ones.

    Each release's documents go to the index's analysing sub-processes as soon as it is
    stored, so analysis runs beside parsing on the other core instead of after it. The writer
    commits after the database transaction does (register ``commit`` with ``on_commit``) and
    is cancelled otherwise (``cancel`` in a ``finally``): the index never holds a release the
    database does not. It holds the index's write lock meanwhile; other writers wait.
    """

    alias: str
    backend: Any
    index: Any
    writer: Any
    release_ids: list[int] = field(default_factory=list)

    def add(self, release: Release) -> None:
        """Index ``release`` (just stored, published) with the import's writer."""
        from search.signals import hand_over

        sections = indexable_sections(self.index, self.alias).filter(release_id=release.pk)
        self.backend.add_sections(self.writer, self.index, sections)
        self.release_ids.append(release.pk)
        hand_over(release.pk)  # the transaction's usual after-commit sync leaves it out

    def commit(self) -> None:
        """Write the streamed documents; a failure is recorded on the releases, not raised."""
        try:
            self.writer.commit()
        except Exception as exc:  # the database is the record; a stale index is reported
            log.exception("could not index the imported releases %s", self.release_ids)
            record_index_state(self.release_ids, error=f"{type(exc).__name__}: {exc}")
        else:
            record_index_state(self.release_ids)

    def cancel(self) -> None:
        """Drop what was streamed (the import did not commit); nothing once committed."""
        if not self.writer.is_closed:
            self.writer.cancel()


def open_stream(alias: str = "default") -> ReleaseStream | None:
    """A stream for a bulk import, or ``None`` where the after-commit sync must do the work.

    Only the portal's Whoosh backend streams, alone among the write connections, only in a
    process that may fork its two analysing sub-processes (``parallel_procs``), and only
    outside a transaction: inside one, the import's commit would not be the real one.
    """
    from search.backends import PortalWhooshBackend, index_fingerprint, parallel_procs

    if list(connection_router.for_write(models=[Section])) != [alias] or parallel_procs() < 2:
        return None
    if transaction.get_connection().in_atomic_block:
        return None
    backend = connections[alias].get_backend()
    if not isinstance(backend, PortalWhooshBackend):
        return None
    if backend.read_meta() not in (None, index_fingerprint()):
        return None  # built by another schema: ensure_search_index rebuilds it, never a stream
    index = connections[alias].get_unified_index().get_index(Section)
    return ReleaseStream(alias, backend, index, backend.open_writer(parallel_procs()))


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
class Drift:
    """How the index's documents differ from what the database says they should be.

    Compared as sets of (section, version): counts can agree while the sets do not.
    """

    missing: frozenset[int]  # published sections the index lacks
    stale: frozenset[int]  # indexed from an older state of the section or its release
    orphaned: frozenset[int]  # indexed, but not (or no longer) a published section
    duplicated: frozenset[int]  # indexed more than once
    releases: frozenset[int]  # every release touched by any of the above

    @property
    def total(self) -> int:
        return len(self.missing | self.stale | self.orphaned | self.duplicated)


def index_drift(alias: str = "default") -> Drift:
    """Compare every document in the index with the database, section by section."""
    from search.search_indexes import document_version

    backend = connections[alias].get_backend()
    index = connections[alias].get_unified_index().get_index(Section)
    expected: dict[int, tuple[int, str]] = {}
    for section in indexable_sections(index, alias).iterator(chunk_size=REBUILD_CHUNK_SIZE):
        expected[section.pk] = (section.release_id, document_version(index.prepare(section)))
    indexed: dict[int, tuple[int, str]] = {}
    duplicated: set[int] = set()
    for section, release, version in backend.document_versions():
        if section in indexed:
            duplicated.add(section)
        indexed[section] = (release, version)
    missing = expected.keys() - indexed.keys()
    orphaned = indexed.keys() - expected.keys()
    stale = {pk for pk in expected.keys() & indexed.keys() if expected[pk] != indexed[pk]}
    touched = missing | stale | duplicated
    releases = {expected[pk][0] for pk in touched if pk in expected}
    releases |= {indexed[pk][0] for pk in orphaned | stale | duplicated if pk in indexed}
    return Drift(
        frozenset(missing),
        frozenset(stale),
        frozenset(orphaned),
        frozenset(duplicated),
        frozenset(releases),
    )


def repair_drift(drift: Drift, alias: str = "default") -> None:
    """Re-index every release the drift touches, and only those (no full rebuild)."""
    ids = sorted(drift.releases)
    for start in range(0, len(ids), 200):
        batch = ids[start : start + 200]
        sync_releases(batch)
        record_index_state([pk for pk in batch if pk])


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
