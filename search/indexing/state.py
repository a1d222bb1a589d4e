"""What the index holds compared with the database, recorded where the admin can read it.

Each release carries when the index last took it, how many of its sections, or why it could
not (``indexed_at``, ``indexed_sections``, ``index_error``): the ``documents`` app shows them
without asking the engine. ``index_state`` compares the whole index with the database and the
code's fingerprint, for ``ensure_search_index`` and the admin's banner.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from documents.models import Release, Section
from search.core.fingerprint import index_fingerprint
from search.engines import backend_for


def record_index_state(
    release_ids: Iterable[int], *, error: str = "", counts: Mapping[int, int] | None = None
) -> None:
    """Note on each release when the index last took it and how many sections, or why not.

    ``counts`` (release → sections written; absent: none) comes from the sync that just
    succeeded. ``update()`` sends no signals, so recording never schedules another sync.
    """
    release_ids = list(release_ids)
    if error:
        Release.objects.filter(pk__in=release_ids).update(index_error=error[:2000])
        return
    counts = counts or {}
    now = timezone.now()
    by_count: dict[int, list[int]] = {}
    for pk in release_ids:
        by_count.setdefault(counts.get(pk, 0), []).append(pk)
    for count, ids in by_count.items():
        Release.objects.filter(pk__in=ids).update(
            indexed_at=now, index_error="", indexed_sections=count
        )


def record_rebuilt(started: datetime) -> None:
    """After a full rebuild: every release's recorded count is its published sections, and it
    was indexed as it stood when the rebuild ``started`` (a release changed since is behind,
    for the periodic repair to catch up, unless the rebuild's own catch-up got it already)."""
    published = Section.objects.filter(
        release=OuterRef("pk"), release__status=Release.Status.PUBLISHED
    )
    total = published.order_by().values("release").annotate(n=Count("pk")).values("n")
    Release.objects.update(indexed_sections=Coalesce(Subquery(total), Value(0)))
    Release.objects.filter(
        Q(indexed_at__isnull=True) | Q(indexed_at__lt=started) | ~Q(index_error="")
    ).update(indexed_at=started, index_error="")


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
    """Count indexed sections against published ones, and compare index fingerprints.

    An index built by other code needs a rebuild whatever it holds: it is not counted.
    """
    backend = backend_for(alias)
    expected = Section.objects.filter(release__status=Release.Status.PUBLISHED).count()
    meta = backend.read_meta()
    built_by_other_code = meta is not None and meta != index_fingerprint()
    indexed = 0 if built_by_other_code else backend.document_count()
    return IndexState(indexed, expected, meta == index_fingerprint())
