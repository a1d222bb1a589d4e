"""``manage.py fuzz_endpoints [--requests N] [--seed S]``: hostile requests to every public URL.

Runs ``quality.fuzzing`` through Django's test client against the configured database and
index (read-only: only GET/HEAD pages and refused writes), then prints how many requests went
out, the count per status code, the 500s with their tracebacks, the p50/p95/max latency and
the slowest request. Exits non-zero on any 500 or any request that took a second or more.
One ordinary request per endpoint goes first, untimed: loading the index's columns and the
converters is the process's start-up, not any request's latency.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from quality.fuzzing import Report, Targets, generate, run, warm_up

SLOW_MS = 1000.0
#: Tracebacks printed in full; the other crashes are listed by their request only.
TRACEBACKS_SHOWN = 5


class Command(BaseCommand):
    help = "Send generated hostile requests to the public pages and API; fail on a 500 or ≥ 1 s."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--requests", type=int, default=10_000, help="how many (10000)")
        parser.add_argument("--seed", type=int, default=1, help="same seed, same requests (1)")

    def handle(self, *args: Any, requests: int, seed: int, **options: Any) -> None:
        started = time.perf_counter()
        targets = Targets.from_database()
        warm = run(warm_up(targets))
        statuses = ", ".join(f"{code}: {n}" for code, n in sorted(warm.statuses.items()))
        self.stdout.write(
            f"warm-up (not counted): {warm.sent} ordinary requests ({statuses}), "
            f"{time.perf_counter() - started:.1f} s"
        )
        started = time.perf_counter()
        report = run(generate(requests, seed, targets))
        self._print(report, seed, targets, time.perf_counter() - started)
        slow = report.slow(SLOW_MS)
        crashed = report.server_errors + warm.server_errors
        for failure in warm.failures:
            self.stdout.write(self.style.ERROR(f"500 in warm-up: {failure.request.short()}"))
            self.stdout.write(failure.traceback)
        if crashed or slow:
            raise CommandError(
                f"{crashed} response(s) with status 500, "
                f"{len(slow)} request(s) taking {SLOW_MS:.0f} ms or more"
            )

    def _print(self, report: Report, seed: int, targets: Targets, took: float) -> None:
        write = self.stdout.write
        write(
            f"requests sent: {report.sent} (seed {seed}; {len(targets.release_ids)} release ids, "
            f"{len(targets.region_codes)} region codes; {took:.1f} s)"
        )
        statuses = ", ".join(f"{code}: {n}" for code, n in sorted(report.statuses.items()))
        write(f"status codes: {statuses}")
        write(f"500 responses: {report.server_errors}")
        write(
            f"latency: p50 {report.percentile(0.50):.1f} ms, p95 {report.percentile(0.95):.1f} ms, "
            f"max {report.percentile(1.0):.1f} ms"
        )
        slowest = report.slowest()
        if slowest is not None:
            write(f"slowest: {slowest[0]:.1f} ms  {slowest[1].short()}")
        for ms, request in report.slow(SLOW_MS)[:10]:
            write(self.style.WARNING(f"slow: {ms:.0f} ms  {request.short()}"))
        for number, failure in enumerate(report.failures):
            write(self.style.ERROR(f"500: {failure.request.short()}"))
            if number < TRACEBACKS_SHOWN:
                write(failure.traceback)
