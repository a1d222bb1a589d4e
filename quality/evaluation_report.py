"""What ``evaluate_search`` prints: one line per query, problems, tag and overall summaries.

Kept apart from the command so the command only parses arguments and chooses what to print.
"""

from __future__ import annotations

import json

from quality.evaluation import Evaluation, QueryResult, Summary

HEADER = f"{'recall':>6} {'prec':>6} {'relevant':>8} {'returned':>8} {'ms':>8}  query"


def report_lines(evaluation: Evaluation) -> list[tuple[str, bool]]:
    """The text report as (line, is_a_warning) pairs."""
    lines = [(HEADER, False)]
    for result in evaluation.results:
        lines.append((query_line(result), False))
        lines += [(f"{'':>41}! {problem}", True) for problem in problems(result)]
    tags = evaluation.by_tag()
    if len(tags) > 1:
        lines.append(("", False))
        lines += [(summary_line(f"tag {tag or '-'}", s), False) for tag, s in tags.items()]
    lines.append((summary_line("overall", evaluation.summary, latency=True), False))
    return lines


def gate_failure(evaluation: Evaluation, threshold: float) -> str | None:
    """Why the evaluation fails a ``--fail-under`` gate, or ``None`` if it passes."""
    below = evaluation.failures(threshold)
    stale = [r for r in evaluation.results if r.expectation_error]
    if not below and not stale:
        return None
    lines = [
        f"{r.query.where}: recall {r.recall:.3f}, precision {r.precision:.3f}: {r.query.label}"
        for r in below
    ]
    lines += [f"{r.query.where}: {r.expectation_error}" for r in stale]
    return (
        f"{len(below)} of {evaluation.summary.queries} queries below {threshold:.3f}"
        + (f", {len(stale)} breaking their expect bounds" if stale else "")
        + ":\n  "
        + "\n  ".join(lines)
    )


def query_line(result: QueryResult) -> str:
    return (
        f"{result.recall:6.3f} {result.precision:6.3f} {len(result.relevant):8d} "
        f"{len(result.returned_set):8d} {result.latency_ms:8.1f}  {result.query.label}"
    )


def problems(result: QueryResult) -> list[str]:
    problems = []
    if result.missing:
        problems.append(f"missing sections: {format_ids(result.missing)}")
    if result.unexpected:
        problems.append(f"unexpected sections: {format_ids(result.unexpected)}")
    if result.duplicates:
        problems.append(f"{result.duplicates} sections returned more than once")
    if result.expectation_error:
        problems.append(result.expectation_error)
    return problems


def format_ids(ids: frozenset[int], limit: int = 10) -> str:
    shown = ", ".join(str(i) for i in sorted(ids)[:limit])
    return shown + (f" … ({len(ids)} in all)" if len(ids) > limit else "")


def summary_line(name: str, summary: Summary, *, latency: bool = False) -> str:
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


def json_text(evaluation: Evaluation) -> str:
    return json.dumps(evaluation.as_dict(), ensure_ascii=False, indent=2)
