"""``manage.py check_search_index``: compare the search index with the database, section by section.

Prints the drift (sections missing from the index, stale, orphaned or indexed twice) and exits
non-zero while any remains. ``--repair`` re-indexes only the releases concerned, then checks
again: a crashed import or an edit that bypassed the signals is mended without a full rebuild.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from search.engines.base import SearchUnavailable
from search.indexing.drift import Drift, index_drift, repair_drift

#: Section ids listed per kind of drift; the counts are always complete.
SHOWN = 10


class Command(BaseCommand):
    help = "Compare the search index with the database; --repair re-indexes what differs."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--repair", action="store_true", help="re-index the releases that differ"
        )

    def handle(self, *args: Any, repair: bool, **options: Any) -> None:
        try:
            self.compare(repair=repair)
        except SearchUnavailable as exc:
            raise CommandError(str(exc)) from exc

    def compare(self, *, repair: bool) -> None:
        """Report the drift, and repair it when asked; fail if any is left."""
        started = time.perf_counter()
        drift = index_drift()
        self._report(drift, time.perf_counter() - started)
        if drift.total and repair:
            self.stdout.write(f"repairing: re-indexing {len(drift.releases)} release(s) …")
            repair_drift(drift)
            drift = index_drift()
            self._report(drift, time.perf_counter() - started)
        if drift.total:
            raise CommandError(f"the index differs from the database in {drift.total} section(s)")

    def _report(self, drift: Drift, took: float) -> None:
        if not drift.total:
            self.stdout.write(f"index matches the database (drift 0, checked in {took:.1f} s)")
            return
        self.stdout.write(f"drift: {drift.total} section(s) in {len(drift.releases)} release(s)")
        for label, ids in (
            ("missing from the index", drift.missing),
            ("stale in the index", drift.stale),
            ("orphaned in the index", drift.orphaned),
            ("indexed more than once", drift.duplicated),
        ):
            if ids:
                shown = ", ".join(str(pk) for pk in sorted(ids)[:SHOWN])
                more = " …" if len(ids) > SHOWN else ""
                self.stdout.write(f"  {label}: {len(ids)} (sections {shown}{more})")
