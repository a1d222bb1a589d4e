"""How the index differs from the database, section by section, and the repair of just that.

``check_search_index`` reports and repairs it; an engine whose rebuild lets writes go to the
old index (``PortalBackend.rebuild_keeps_concurrent_writes``) is caught up with it after the
swap. Compared as sets of (section, version): counts can agree while the sets do not.
"""

from __future__ import annotations

from dataclasses import dataclass

from search.engines import backend_for
from search.indexing.state import record_index_state
from search.indexing.sync import (
    REBUILD_CHUNK_SIZE,
    indexable_sections,
    section_index,
    sync_releases,
)
from search.search_indexes import document_version

#: Releases re-synced per batch by a repair.
REPAIR_BATCH = 200


@dataclass(frozen=True, slots=True)
class Drift:
    """How the index's documents differ from what the database says they should be."""

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
    index = section_index(alias)
    expected: dict[int, tuple[int, str]] = {}
    for section in indexable_sections(index, alias).iterator(chunk_size=REBUILD_CHUNK_SIZE):
        expected[section.pk] = (section.release_id, document_version(index.prepare(section)))
    indexed: dict[int, tuple[int, str]] = {}
    duplicated: set[int] = set()
    for section, release, version in backend_for(alias).document_versions():
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


def repair_drift(drift: Drift) -> None:
    """Re-index every release the drift touches, and only those (no full rebuild)."""
    resync_releases(sorted(drift.releases))


def resync_releases(release_ids: list[int]) -> int:
    """Re-index these releases, ``REPAIR_BATCH`` at a time; returns the sections written."""
    written = 0
    for start in range(0, len(release_ids), REPAIR_BATCH):
        written += sum(resync(release_ids[start : start + REPAIR_BATCH]).values())
    return written


def resync(release_ids: list[int]) -> dict[int, int]:
    """Re-index one batch of releases, waiting for the index as long as it takes, and record
    on each what the index took; returns the sections written per release."""
    counts = sync_releases(release_ids)
    record_index_state([pk for pk in release_ids if pk], counts=counts)
    return counts
