"""``manage.py search_eval QUERIES_FILE``: recall, precision and latency of the search engine.

Each query of the JSONL file runs through the engine (``search.service.match``) and through the
database-scanning oracle (``search.evaluation``); the command prints one line per query and a
summary, and with ``--fail-under`` it becomes a gate for CI: any query below the threshold, or
any query whose ``expect`` bounds no longer hold (it no longer tests what its note says), fails.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from search.evaluation import (
    DEFAULT_RUNS,
    Evaluation,
    QueryFileError,
    QueryResult,
    Summary,
    evaluate,
    load_queries,
)

HEADER = f"{'recall':>6} {'prec':>6} {'relevant':>8} {'returned':>8} {'ms':>8}  query"


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
            self.stdout.write(_dumps(evaluation))
        else:
            self._print(evaluation)
        if fail_under is not None:
            self._gate(evaluation, fail_under)

    def _print(self, evaluation: Evaluation) -> None:
        self.stdout.write(HEADER)
        for result in evaluation.results:
            self.stdout.write(_line(result))
            for problem in _problems(result):
                self.stdout.write(self.style.WARNING(f"{'':>41}! {problem}"))
        tags = evaluation.by_tag()
        if len(tags) > 1:
            self.stdout.write("")
            for tag, summary in tags.items():
                self.stdout.write(_summary_line(f"tag {tag or '-'}", summary))
        self.stdout.write(_summary_line("overall", evaluation.summary, latency=True))

    def _gate(self, evaluation: Evaluation, threshold: float) -> None:
        below = evaluation.failures(threshold)
        stale = [r for r in evaluation.results if r.expectation_error]
        if not below and not stale:
            return
        lines = [
            f"{r.query.where}: recall {r.recall:.3f}, precision {r.precision:.3f}: {r.query.label}"
            for r in below
        ]
        lines += [f"{r.query.where}: {r.expectation_error}" for r in stale]
        raise CommandError(
            f"{len(below)} of {evaluation.summary.queries} queries below {threshold:.3f}"
            + (f", {len(stale)} breaking their expect bounds" if stale else "")
            + ":\n  "
            + "\n  ".join(lines)
        )


def _threshold(value: str) -> float:
    from argparse import ArgumentTypeError

    try:
        number = float(value)
    except ValueError:
        raise ArgumentTypeError(f"not a number: {value!r}") from None
    if not 0.0 <= number <= 1.0:
        raise ArgumentTypeError(f"must be between 0 and 1, got {value}")
    return number


def _line(result: QueryResult) -> str:
    return (
        f"{result.recall:6.3f} {result.precision:6.3f} {len(result.relevant):8d} "
        f"{len(result.returned_set):8d} {result.latency_ms:8.1f}  {result.query.label}"
    )


def _problems(result: QueryResult) -> list[str]:
    problems = []
    if result.missing:
        problems.append(f"missing sections: {_ids(result.missing)}")
    if result.unexpected:
        problems.append(f"unexpected sections: {_ids(result.unexpected)}")
    if result.duplicates:
        problems.append(f"{result.duplicates} sections returned more than once")
    if result.expectation_error:
        problems.append(result.expectation_error)
    return problems


def _ids(ids: frozenset[int], limit: int = 10) -> str:
    shown = ", ".join(str(i) for i in sorted(ids)[:limit])
    return shown + (f" … ({len(ids)} in all)" if len(ids) > limit else "")


def _summary_line(name: str, summary: Summary, *, latency: bool = False) -> str:
    line = (
        f"{name}: {summary.queries} queries, recall {summary.recall:.3f}, "
        f"precision {summary.precision:.3f}, {summary.perfect} at 1.000"
    )
    if latency:
        line += (
            f"; latency p50 {summary.p50_ms:.1f} ms, p95 {summary.p95_ms:.1f} ms, "
            f"max {summary.max_ms:.1f} ms"
        )
    return line


def _dumps(evaluation: Evaluation) -> str:
    return json.dumps(evaluation.as_dict(), ensure_ascii=False, indent=2)
