"""The periodic index repair the worker runs: releases behind the database, then full drift.

Every after-commit sync records on the release when the index took it (``state``). A release
the index is behind on — changed since it was last indexed, or last attempt failed — is one
whose sync was lost: its web process was killed after the commit, its queued retry was lost
with the queue, the index was unreachable. ``catch_up`` finds those by their bookkeeping alone
(cheap, every minute); ``repair_all`` compares every document with the database (what
``check_search_index --repair`` does) and also finds what bookkeeping cannot show: a deleted
release's sections left in the index, an index restored from an older backup.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import F, Q
from django.utils import timezone

from documents.models import Release
from search.indexing.drift import index_drift, repair_drift, resync_releases

log = logging.getLogger(__name__)

#: A change younger than this may still have its own sync under way: it is left to that.
SETTLE = timedelta(seconds=60)


def releases_behind(settle: timedelta = SETTLE) -> list[int]:
    """Releases whose last change (older than ``settle``) the index has not taken, or whose
    last sync failed: published ones not indexed since, unpublished ones still indexed."""
    cutoff = timezone.now() - settle
    published = Release.objects.filter(status=Release.Status.PUBLISHED)
    behind = published.filter(Q(indexed_at__isnull=True) | Q(indexed_at__lt=F("updated"))).filter(
        updated__lt=cutoff
    )
    withdrawn = Release.objects.exclude(status=Release.Status.PUBLISHED).filter(
        indexed_sections__gt=0, updated__lt=cutoff
    )
    failed = Release.objects.exclude(index_error="").filter(updated__lt=cutoff)
    ids = set(behind.values_list("pk", flat=True))
    ids |= set(withdrawn.values_list("pk", flat=True))
    ids |= set(failed.values_list("pk", flat=True))
    return sorted(ids)


@dataclass(frozen=True, slots=True)
class Repaired:
    """What a repair found and re-indexed."""

    releases: int
    sections: int


def catch_up(settle: timedelta = SETTLE) -> Repaired:
    """Sync the releases the index is behind on (``releases_behind``), in batches."""
    ids = releases_behind(settle)
    sections = resync_releases(ids)
    if ids:
        log.info("index repair: %d release(s) were behind, re-indexed", len(ids))
    return Repaired(len(ids), sections)


def repair_all() -> Repaired:
    """Compare the whole index with the database and re-index what differs."""
    drift = index_drift()
    if drift.total:
        log.warning(
            "index repair: %d section(s) differed in %d release(s)",
            drift.total,
            len(drift.releases),
        )
        repair_drift(drift)
    return Repaired(len(drift.releases), drift.total)
