"""``manage.py evaluate_search QUERIES_FILE``: recall, precision and latency of the search engine.

Each query of the JSONL file runs through the engine (``search.core.service.match``) and through the
database-scanning oracle (``quality.evaluation``); the command prints one line per query and a
summary, and with ``--fail-under`` it becomes a gate for CI: any query below the threshold, or
any query whose ``expect`` bounds no longer hold (it no longer tests what its note says), fails.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from quality.evaluation import DEFAULT_RUNS, Evaluation, QueryFileError, evaluate, load_queries
from quality.evaluation_report import gate_failure, json_text, report_lines


class Command(BaseCommand):
    help = "Measure search recall/precision against a database-scanning oracle, and latency."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("queries_file", type=Path, help="JSONL file, one query object a line")
        parser.add_argument(
            "--fail-under",
            type=_threshold,
            default=None,
            metavar="X",
            help="exit with an error if any query's recall or precision is below X (0–1)",
        )
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="print the results as JSON"
        )
        parser.add_argument(
            "--runs",
            type=int,
            default=DEFAULT_RUNS,
            help=f"runs per query; the median time is reported (default {DEFAULT_RUNS})",
        )

    def handle(
        self,
        *args: Any,
        queries_file: Path,
        fail_under: float | None,
        as_json: bool,
        runs: int,
        **options: Any,
    ) -> None:
        if runs < 1:
            raise CommandError("--runs must be at least 1")
        try:
            evaluation = evaluate(load_queries(queries_file), runs=runs)
        except QueryFileError as exc:
            raise CommandError(str(exc)) from None
        if as_json:
            self.stdout.write(json_text(evaluation))
        else:
            self._print(evaluation)
        if fail_under is not None:
            self._gate(evaluation, fail_under)

    def _print(self, evaluation: Evaluation) -> None:
        for line, warning in report_lines(evaluation):
            self.stdout.write(self.style.WARNING(line) if warning else line)

    def _gate(self, evaluation: Evaluation, threshold: float) -> None:
        failure = gate_failure(evaluation, threshold)
        if failure is not None:
            raise CommandError(failure)


def _threshold(value: str) -> float:
    from argparse import ArgumentTypeError

    try:
        number = float(value)
    except ValueError:
        raise ArgumentTypeError(f"not a number: {value!r}") from None
    if not 0.0 <= number <= 1.0:
        raise ArgumentTypeError(f"must be between 0 and 1, got {value}")
    return number
