"""Index maintenance the rest of the portal calls: sync one release, check the whole index."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from haystack import connection_router, connections

from documents.models import Release, Section


def sync_releases(release_ids: list[int], using=connections) -> None:
    """Make every search connection hold exactly these releases' published sections."""
    for alias in connection_router.for_write(models=[Section]):
        backend = using[alias].get_backend()
        index = using[alias].get_unified_index().get_index(Section)
        sections = list(index.index_queryset(using=alias).filter(release_id__in=release_ids))
        backend.replace_releases(index, release_ids, sections)


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
