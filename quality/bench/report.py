"""The benchmark's table: our figures against the targets, then the peers side by side."""

from __future__ import annotations

import math
from pathlib import Path

#: Targets at 1× (about 15 M characters) and at 10× (``BENCH_RELEASES=10000``), issue 19.
TARGETS_1X = {
    "import_chars_per_s": (">=", 150_000),
    "api_p50": ("<=", 10.0),
    "api_p95": ("<=", 30.0),
    "api_max": ("<=", 150.0),
    "page_p95": ("<=", 60.0),
    "publish_to_searchable_s": ("<=", 2.0),
    "server_rss_mb": ("<=", 400.0),
    "first_query_ms": ("<=", 100.0),
    "index_ratio": ("<=", 3.0),
    "xapian_p95_ratio": ("<=", 5.0),
}
TARGETS_10X = {
    "import_chars_per_s": (">=", 150_000),
    "api_p50": ("<=", 20.0),
    "api_p95": ("<=", 80.0),
    "rebuild_s": ("<=", 300.0),
    "publish_to_searchable_s": ("<=", 2.0),
    "workers_pss_mb": ("<=", 2500.0),
    "first_query_ms": ("<=", 100.0),
    "index_ratio": ("<=", 3.0),
}
#: From this many releases a run is held to the 10× targets.
TEN_X_FROM = 5000


def targets(results: dict) -> dict[str, tuple[str, float]]:
    """The targets a run is held to, by its size."""
    return TARGETS_10X if results["releases_requested"] >= TEN_X_FROM else TARGETS_1X


def _verdict(goals: dict[str, tuple[str, float]], key: str, value: float) -> str:
    if key not in goals:
        return ""
    op, limit = goals[key]
    ok = value >= limit if op == ">=" else value <= limit
    return f"{'ok ' if ok else 'MISS'} ({op} {limit:g})"


def table(results: dict) -> str:
    """The printed report of one run."""
    corpus = results["corpus"]
    ratio = results["index_bytes"] / max(1, results["text_bytes"])
    goals = targets(results)
    lines = [
        f"corpus: {corpus['releases']:,} releases, {corpus['sections']:,} sections, "
        f"{corpus['chars']:,} characters ({results['text_bytes'] / 1e6:.1f} MB UTF-8)",
        *_corpus_origin(results),
        f"machine: {_machine(results)}; {results.get('date', '')}",
        "",
        f"{'figure':<34}{'value':>14}  target",
    ]

    def row(label: str, value: float, unit: str, key: str = "") -> None:
        shown = f"{value:,.1f}" if isinstance(value, float) else f"{value:,}"
        lines.append(f"{label:<34}{shown + unit:>14}  {_verdict(goals, key, value)}")

    row("import + index (end to end)", results["import_chars_per_s"], " ch/s", "import_chars_per_s")
    row("  wall time", results["import_s"], " s")
    row("  peak RSS of the import", results["import_rss_mb"], " MB")
    row("full rebuild", results["rebuild_s"], " s", "rebuild_s")
    for name in ("api", "page"):
        figures = results[f"{name}_ms"]
        for key in ("p50", "p95", "max"):
            row(
                f"{name.upper() if name == 'api' else 'page'} latency {key}",
                figures[key],
                " ms",
                f"{name}_{key}",
            )
    row("publish → searchable", results["publish_to_searchable_s"], " s", "publish_to_searchable_s")
    row("first query of a new worker", results["first_query_ms"], " ms", "first_query_ms")
    row("  warm-up before serving", results["warm_up_s"], " s")
    row("one worker's peak RSS", results["server_rss_mb"], " MB", "server_rss_mb")
    workers = results["workers_rss_mb"]
    row(
        f"{workers['processes'] - 1} workers + master, PSS",
        workers["pss_sum"],
        " MB",
        "workers_pss_mb",
    )
    row("  the same, RSS summed", workers["rss_sum"], " MB")
    row("index on disk", results["index_bytes"] / 1e6, " MB")
    row("index / text", ratio, " ×", "index_ratio")
    row("recall (vs substring truth)", results["recall"], "")
    xapian = results["peers"].get("xapian_ngram")
    if xapian:
        ratio_p95 = results["api_ms"]["p95"] / max(xapian["p95_ms"], 0.1)
        row("our API p95 / Xapian's p95", ratio_p95, " ×", "xapian_p95_ratio")
    lines += [
        "",
        "slowest API queries: " + ", ".join(f"{q} {ms} ms" for q, ms in results["api_slowest"]),
    ]
    if results["missed_queries"]:
        lines.append("queries with missed sections: " + ", ".join(results["missed_queries"]))

    ours = results["api_ms"]
    lines += [
        "",
        f"{'engine':<34}{'p50 ms':>9}{'p95 ms':>9}{'recall':>9}{'build s':>9}"
        f"{'p50 ×ours':>11}{'p95 ×ours':>11}{'answered':>10}",
        f"{'portal (HTTP API, snippets)':<34}{ours['p50']:>9.1f}{ours['p95']:>9.1f}"
        f"{results['recall']:>9.4f}{results['rebuild_s']:>9.1f}{1:>11.2f}{1:>11.2f}",
    ]
    for peer in results["peers"].values():
        lines.append(
            f"{peer['label']:<34}{peer['p50_ms']:>9.1f}{peer['p95_ms']:>9.1f}"
            f"{peer['recall']:>9.4f}{peer['build_s']:>9.1f}"
            f"{peer['p50_ms'] / max(ours['p50'], 0.1):>11.2f}"
            f"{peer['p95_ms'] / max(ours['p95'], 0.1):>11.2f}"
            f"{peer.get('answered', '?'):>10}"
        )
    lines.append(
        "(×ours: the peer's latency divided by the portal's; above 1 the portal is faster)"
    )
    return "\n".join(lines)


def _corpus_origin(results: dict) -> list[str]:
    """Where the corpus's text came from, if the run recorded it."""
    origin = results.get("corpus_origin")
    if not origin:
        return []
    chars = max(1, origin["chars"])
    return [
        f"text: {origin['real_chars']:,} real ({origin['real_chars'] / chars:.0%}), "
        f"{origin['generated_chars']:,} generated; unique {origin['unique_share']:.1%} "
        "(characters of distinct sentences)"
    ]


def _machine(results: dict) -> str:
    machine = results.get("machine") or {}
    cpus, cpu, python = (machine.get(k, "?") for k in ("cpus", "cpu", "python"))
    return f"{cpus} CPUs ({cpu}), Python {python}"


def growth(small: dict, large: dict) -> list[str]:
    """How latency grew between two corpus sizes, ours against the linear scan, and where the
    two meet (each fitted as a power of the corpus size through the two runs)."""
    x1, x2 = small["corpus"]["chars"], large["corpus"]["chars"]
    lines = [f"growth from {x1:,} to {x2:,} characters (×{x2 / x1:.1f}):"]
    if not all("substring_scan" in run["peers"] for run in (small, large)):
        return [*lines, "  (no substring-scan figures in both runs: BENCH_PEERS left it out)"]
    for key in ("p50", "p95"):
        ours1, ours2 = small["api_ms"][key], large["api_ms"][key]
        scan1 = small["peers"]["substring_scan"][f"{key}_ms"]
        scan2 = large["peers"]["substring_scan"][f"{key}_ms"]
        lines.append(
            f"  {key}: portal {ours1} → {ours2} ms (×{ours2 / max(ours1, 0.1):.2f}), "
            f"substring scan {scan1} → {scan2} ms (×{scan2 / max(scan1, 0.1):.2f}); "
            + _crossover(x1, x2, (ours1, ours2), (scan1, scan2))
        )
    return lines


def _crossover(x1: float, x2: float, ours: tuple[float, float], scan: tuple[float, float]) -> str:
    """How each latency scales (the exponent of a power of the corpus size through both runs)
    and where the index's line falls below the scan's, in characters."""
    if min(ours + scan) <= 0:
        return "no fit"
    span = math.log(x2 / x1)
    slope_ours = math.log(ours[1] / ours[0]) / span
    slope_scan = math.log(scan[1] / scan[0]) / span
    fit = f"size^{slope_ours:.2f} vs size^{slope_scan:.2f}"
    if slope_ours < slope_scan:
        size = x1 * (scan[0] / ours[0]) ** (1 / (slope_ours - slope_scan))
        return f"{fit}: the index is faster beyond about {size:,.0f} characters"
    if ours[0] <= scan[0] and ours[1] <= scan[1]:
        return f"{fit}: the index is faster at both sizes but grows as fast as the scan"
    return f"{fit}: the index does not catch up with the scan"


def earlier_run(folder: Path, releases: int) -> Path | None:
    """The stored run to compare with: the nearest other corpus size, if any."""
    runs = [
        p for p in (folder / "runs").glob("*.json") if p.stem.isdigit() and int(p.stem) != releases
    ]
    return min(runs, key=lambda p: abs(int(p.stem) - releases), default=None)
