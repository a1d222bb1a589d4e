"""``manage.py load_test``: a minute of readers and publishing staff against gunicorn.

Prints, per endpoint, the requests, failures and p50/p95/max latency locust measured, the
status codes gunicorn logged, the releases published meanwhile, and the index check that
followed. Exits non-zero on any 5xx answer, any failed request or any drift. Needs locust
(``pip install -e '.[load]'``; ``make load`` does both).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from search.loadtest.run import run


class Command(BaseCommand):
    help = "Load-test the portal: searches, release pages and admin publishes against gunicorn."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--seconds", type=int, default=60, help="how long to load (60)")
        parser.add_argument("--users", type=int, default=20, help="simulated readers (20)")
        parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (3)")
        parser.add_argument(
            "--folder", type=Path, default=None, help="instance folder (<data>/load/instance)"
        )

    def handle(self, *args: Any, seconds: int, users: int, workers: int, **options: Any) -> None:
        if importlib.util.find_spec("locust") is None:
            raise CommandError("locust is not installed: pip install -e '.[load]' (or make load)")
        if seconds < 1 or users < 1 or workers < 1:
            raise CommandError("--seconds, --users and --workers must be at least 1")
        folder = options["folder"] or settings.DATA_DIR / "load" / "instance"
        self.stdout.write(f"preparing an instance in {folder} (seeds + corpus) …")
        result = run(folder, seconds=seconds, users=users, workers=workers)
        self.stdout.write(
            f"\n{seconds} s, {users} readers + 2 publishing staff, gunicorn with {workers} workers"
        )
        self.stdout.write(
            f"{'endpoint':<27}{'requests':>9}{'failed':>8}{'p50':>7}{'p95':>7}{'max':>8}  (ms)"
        )
        for row in result.rows:
            name = f"{row['Type']} {row['Name']}"[:26]
            self.stdout.write(
                f"{name:<27}{row['Request Count']:>9}{row['Failure Count']:>8}"
                f"{row['50%']:>7}{row['95%']:>7}{float(row['Max Response Time']):>8.0f}"
            )
        codes = ", ".join(f"{code}: {n}" for code, n in sorted(result.statuses.items()))
        self.stdout.write(f"status codes logged by gunicorn: {codes}")
        self.stdout.write(f"server errors (5xx): {result.server_errors}")
        self.stdout.write(f"releases published during the run: {result.published}")
        for failure in result.failures:
            self.stdout.write(
                f"FAILED {failure.get('Method', '')} {failure.get('Name', '')}: "
                f"{failure.get('Error', '')} × {failure.get('Occurrences', '')}"
            )
        self.stdout.write(f"index check afterwards: {result.drift_output}")
        if not result.ok:
            raise CommandError("the load test found server errors, failed requests or drift")
