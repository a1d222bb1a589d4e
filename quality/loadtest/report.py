"""What ``run_load_test`` prints: the load, a row per endpoint, status codes, the index check."""

from __future__ import annotations

from quality.loadtest.run import LoadResult


def report_lines(result: LoadResult) -> list[str]:
    """The report of one load test, line by line."""
    lines = [
        f"\n{result.seconds} s, {result.users} readers + {result.publishers} publishing staff, "
        f"gunicorn with {result.workers} workers, database: {result.database}",
        f"{'endpoint':<27}{'requests':>9}{'failed':>8}{'p50':>7}{'p95':>7}{'max':>8}  (ms)",
    ]
    for row in result.rows:
        name = f"{row['Type']} {row['Name']}"[:26]
        lines.append(
            f"{name:<27}{row['Request Count']:>9}{row['Failure Count']:>8}"
            f"{row['50%']:>7}{row['95%']:>7}{float(row['Max Response Time']):>8.0f}"
        )
    codes = ", ".join(f"{code}: {n}" for code, n in sorted(result.statuses.items()))
    lines.append(f"status codes logged by gunicorn: {codes}")
    lines.append(f"server errors (5xx): {result.server_errors}")
    lines.append(f"releases published during the run: {result.published}")
    for failure in result.failures:
        lines.append(
            f"FAILED {failure.get('Method', '')} {failure.get('Name', '')}: "
            f"{failure.get('Error', '')} × {failure.get('Occurrences', '')}"
        )
    lines.append(
        f"index check afterwards ({result.catch_up_s} s after the load stopped): "
        f"{result.drift_output}"
    )
    return lines
