"""``manage.py run_load_test``: a minute of readers and publishing staff against gunicorn.

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

from quality.loadtest.report import report_lines
from quality.loadtest.run import run


class Command(BaseCommand):
    help = "Load-test the portal: searches, release pages and admin publishes against gunicorn."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--seconds", type=int, default=60, help="how long to load (60)")
        parser.add_argument("--users", type=int, default=20, help="simulated readers (20)")
        parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (3)")
        parser.add_argument(
            "--publishers", type=int, default=2, help="staff publishing at once (2)"
        )
        parser.add_argument(
            "--database-url",
            default="",
            help="an empty database for the instance (postgres://…); default its own SQLite",
        )
        parser.add_argument(
            "--folder", type=Path, default=None, help="instance folder (<data>/load/instance)"
        )

    def handle(self, *args: Any, seconds: int, users: int, workers: int, **options: Any) -> None:
        publishers = options["publishers"]
        if seconds < 1 or users < 1 or workers < 1 or publishers < 1:
            raise CommandError("--seconds, --users, --workers and --publishers must be at least 1")
        database_url = options["database_url"].strip()
        if database_url and not database_url.startswith(("postgres://", "postgresql://")):
            raise CommandError("--database-url must be a postgres:// URL of an empty database")
        if importlib.util.find_spec("locust") is None:
            raise CommandError("locust is not installed: pip install -e '.[load]' (or make load)")
        folder = options["folder"] or settings.DATA_DIR / "load" / "instance"
        self.stdout.write(f"preparing an instance in {folder} (seeds + corpus) …")
        result = run(
            folder,
            seconds=seconds,
            users=users,
            workers=workers,
            publishers=publishers,
            database_url=database_url,
        )
        for line in report_lines(result):
            self.stdout.write(line)
        if not result.ok:
            raise CommandError("the load test found server errors, failed requests or drift")
