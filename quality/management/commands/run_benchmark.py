"""``manage.py run_benchmark``: the benchmark behind ``make bench`` (see ``quality.bench``)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from quality.bench import figures, report
from quality.bench import run as bench
from quality.bench.corpus import DEFAULT_RELEASES
from quality.bench.instance import CommandFailed


class Command(BaseCommand):
    help = (
        "Build a corpus of BENCH_RELEASES releases (default 1000), import and index it in a "
        "separate instance, query it over HTTP, compare with the peers; print a table and "
        "write <data folder>/bench/latest.json."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--releases", type=int, default=None, help="corpus size")
        parser.add_argument("--probe", type=Path, help="(internal) run the in-instance probe")
        parser.add_argument("--port", type=int, default=0, help="(internal) server port")
        parser.add_argument(
            "--render",
            action="store_true",
            help="only rewrite the benchmark tables of README.md and docs/scaling.md from the "
            "stored runs (<data folder>/bench/runs/*.json)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["probe"] is not None:
            bench.probe(options["probe"], options["port"])
            return
        if options["render"]:
            try:
                changed = figures.render(bench.bench_folder(), Path(settings.BASE_DIR))
            except (OSError, ValueError) as exc:
                raise CommandError(str(exc)) from exc
            for path in changed:
                self.stdout.write(f"rewrote the benchmark tables of {path}")
            return
        size = options["releases"] or int(os.environ.get("BENCH_RELEASES") or DEFAULT_RELEASES)
        if size < 1:
            raise CommandError("BENCH_RELEASES must be a positive number")
        peer_names = os.environ.get("BENCH_PEERS") or "all"
        try:
            results = bench.run(size, self.stderr.write, peer_names)
        except (CommandFailed, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(report.table(results))
        other = report.earlier_run(bench.bench_folder(), size)
        if other is not None:
            earlier = json.loads(other.read_text(encoding="utf-8"))
            small, large = sorted([earlier, results], key=lambda r: r["corpus"]["chars"])
            self.stdout.write("\n" + "\n".join(report.growth(small, large)))
        self.stdout.write(f"\nresults: {bench.bench_folder() / 'latest.json'}")
