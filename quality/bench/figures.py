"""The benchmark's figures in the README and docs/scaling.md, rendered from the runs' JSON.

Figures typed by hand drift apart (one page said 151,854 ch/s where another implied 101,000).
So the tables between ``<!-- bench:NAME -->`` and ``<!-- /bench:NAME -->`` in those files are
written by ``manage.py run_benchmark --render`` from ``<data folder>/bench/runs/<size>.json``
alone, each naming its corpus (real and generated text), its date and its machine. Nothing
here measures; nothing here extrapolates.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from quality.bench.report import targets

SIZES = {1000: "1×", 3000: "3×", 10000: "10×"}
#: Target keys whose last part names the figure in a row of several (``api_p95`` → p95).
LABELLED = {"p50", "p95", "max"}


def load_runs(folder: Path) -> dict[int, dict]:
    """The stored runs by corpus size (releases asked for)."""
    runs = {}
    for path in sorted((folder / "runs").glob("*.json")):
        if path.stem.isdigit():
            runs[int(path.stem)] = json.loads(path.read_text(encoding="utf-8"))
    return runs


def provenance(run: dict) -> str:
    """One line saying what a run measured: corpus, origin of its text, date, machine."""
    corpus = run["corpus"]
    origin = run.get("corpus_origin") or {}
    machine = run.get("machine") or {}
    text = (
        f"{origin.get('real_chars', 0) / 1e6:.1f} M real + "
        f"{origin.get('generated_chars', 0) / 1e6:.1f} M generated characters, "
        f"{origin.get('unique_share', 0):.0%} unique"
        if origin
        else "text origin not recorded"
    )
    return (
        f"{corpus['releases']:,} releases, {corpus['sections']:,} sections, "
        f"{corpus['chars'] / 1e6:.1f} M characters ({text}); measured {run.get('date', '?')} "
        f"at commit {run.get('commit', '?')} "
        f"on {machine.get('cpus', '?')} CPUs ({machine.get('cpu', '?')}), "
        f"{machine.get('memory_gb', '?')} GB, Python {machine.get('python', '?')}"
    )


def _target(run: dict, keys: str) -> str:
    """The targets of one row (``keys`` separated by spaces), e.g. ``p50 ≤ 10, p95 ≤ 30``."""
    shown = []
    for key in keys.split():
        goal = targets(run).get(key)
        if goal is not None:
            op, limit = goal
            figure = key.rsplit("_", 1)[-1]
            label = f"{figure} " if figure in LABELLED else ""
            shown.append(f"{label}{'≥' if op == '>=' else '≤'} {limit:,g}")
    return ", ".join(shown)


def _ms(figures: dict) -> str:
    return f"{figures['p50']} / {figures['p95']} / {figures['max']} ms"


def summary_table(run: dict) -> str:
    """Our figures against the targets, for one run."""
    ratio = run["index_bytes"] / max(1, run["text_bytes"])
    workers = run["workers_rss_mb"]
    rows = [
        ("API p50 / p95 / max (snippets, facets)", _ms(run["api_ms"]), "api_p50 api_p95 api_max"),
        ("search page p50 / p95 / max", _ms(run["page_ms"]), "page_p95"),
        (
            "import + index, end to end",
            f"{run['import_chars_per_s']:,} ch/s ({run['import_s']} s)",
            "import_chars_per_s",
        ),
        ("full rebuild", f"{run['rebuild_s']} s", "rebuild_s"),
        ("publish → searchable", f"{run['publish_to_searchable_s']} s", "publish_to_searchable_s"),
        ("first query of a new worker", f"{run['first_query_ms']} ms", "first_query_ms"),
        ("one worker's peak RSS", f"{run['server_rss_mb']:,} MB", "server_rss_mb"),
        (
            f"{workers['processes'] - 1} workers + master (PSS summed; RSS summed)",
            f"{workers['pss_sum']:,} MB; {workers['rss_sum']:,} MB",
            "workers_pss_mb",
        ),
        (
            "index on disk",
            f"{run['index_bytes'] / 1e6:,.1f} MB = {ratio:.1f} × the text",
            "index_ratio",
        ),
        ("recall against the substring truth", f"{run['recall']:.3f}", ""),
    ]
    lines = [provenance(run), "", "| figure | measured | target |", "|---|---|---|"]
    lines += [f"| {label} | {value} | {_target(run, key)} |" for label, value, key in rows]
    return "\n".join(lines)


def peers_table(run: dict) -> str:
    """Every engine on the same queries and truth, for one run."""
    lines = [
        "| engine | p50 ms | p95 ms | recall | queries left out |",
        "|---|---|---|---|---|",
        f"| portal (HTTP API, snippets and facets) | {run['api_ms']['p50']} | "
        f"{run['api_ms']['p95']} | {run['recall']:.3f} | 0 |",
    ]
    for peer in run["peers"].values():
        left_out = len(peer.get("excluded", {}))
        lines.append(
            f"| {peer['label']} | {peer['p50_ms']} | {peer['p95_ms']} | "
            f"{peer['recall']:.3f} | {left_out} |"
        )
    return "\n".join(lines)


def scaling_table(runs: dict[int, dict]) -> str:
    """The same figures at each stored size, side by side."""
    sizes = sorted(runs)
    head = " | ".join(SIZES.get(size, f"{size:,}") for size in sizes)
    lines = [f"| figure | {head} |", "|---" * (len(sizes) + 1) + "|"]

    def row(label: str, render) -> None:
        lines.append(f"| {label} | " + " | ".join(render(runs[s]) for s in sizes) + " |")

    row(
        "releases / sections",
        lambda r: f"{r['corpus']['releases']:,} / {r['corpus']['sections']:,}",
    )
    row("characters (real + generated)", _origin_cell)
    row(
        "unique share of the text",
        lambda r: f"{(r.get('corpus_origin') or {}).get('unique_share', 0):.0%}",
    )
    row("index on disk (÷ UTF-8 text)", _index_cell)
    row("API p50 / p95 / max", lambda r: _ms(r["api_ms"]))
    row("search page p50 / p95", lambda r: f"{r['page_ms']['p50']} / {r['page_ms']['p95']} ms")
    row("substring scan p50 / p95", lambda r: _peer_cell(r, "substring_scan"))
    row("Xapian p50 / p95", lambda r: _peer_cell(r, "xapian_ngram"))
    row("first query of a new worker", lambda r: f"{r['first_query_ms']} ms")
    row("one worker's peak RSS", lambda r: f"{r['server_rss_mb']:,} MB")
    row("4 workers + master, PSS summed", lambda r: f"{r['workers_rss_mb']['pss_sum']:,} MB")
    row("full rebuild", lambda r: f"{r['rebuild_s']} s")
    row("import + index, end to end", lambda r: f"{r['import_chars_per_s']:,} ch/s")
    row("publish → searchable", lambda r: f"{r['publish_to_searchable_s']} s")
    row("measured", lambda r: r.get("date", "?"))
    row("commit", lambda r: f"`{r.get('commit', '?')}`")
    return "\n".join(lines)


def sizing_table(runs: dict[int, dict], releases: int = 100_000) -> str:
    """Disk for a portal of ``releases``, extrapolated linearly from the largest run (memory is
    not: most of a worker's is fixed, the rest is the page cache of what queries touch)."""
    size = max(runs)
    run = runs[size]
    corpus = run["corpus"]
    per_release = corpus["chars"] / corpus["releases"]
    chars = per_release * releases
    scale = chars / corpus["chars"]
    parts = run.get("index_parts") or {"whoosh": run["index_bytes"], "text_store": 0}
    rows = [
        ("characters", f"{chars / 1e9:.2f} G ({per_release:,.0f} a release, as in the run)"),
        ("stored text, UTF-8", f"{run['text_bytes'] * scale / 1e9:.1f} GB"),
        ("Whoosh index", f"{parts['whoosh'] * scale / 1e9:.1f} GB"),
        ("segments' text files (mapped)", f"{parts['text_store'] * scale / 1e9:.1f} GB"),
    ]
    lines = [
        f"Extrapolated linearly from the {SIZES.get(size, f'{size:,}')} run "
        f"({corpus['chars'] / 1e6:.0f} M characters, ×{scale:.1f}); not measured.",
        "",
        f"| {releases:,} releases | extrapolated |",
        "|---|---|",
    ]
    lines += [f"| {label} | {value} |" for label, value in rows]
    return "\n".join(lines)


def _origin_cell(run: dict) -> str:
    origin = run.get("corpus_origin") or {}
    if not origin:
        return f"{run['corpus']['chars'] / 1e6:.1f} M"
    return (
        f"{run['corpus']['chars'] / 1e6:.1f} M ({origin['real_chars'] / 1e6:.1f} M + "
        f"{origin['generated_chars'] / 1e6:.1f} M)"
    )


def _index_cell(run: dict) -> str:
    ratio = run["index_bytes"] / max(1, run["text_bytes"])
    return f"{run['index_bytes'] / 1e6:,.0f} MB ({ratio:.1f} ×)"


def _peer_cell(run: dict, name: str) -> str:
    peer = run["peers"].get(name)
    return f"{peer['p50_ms']} / {peer['p95_ms']} ms" if peer else "not run"


def replace_block(text: str, name: str, content: str) -> str:
    """``text`` with the block ``name`` replaced by ``content``; an error if it has none."""
    pattern = re.compile(
        rf"(<!-- bench:{re.escape(name)} -->\n).*?(<!-- /bench:{re.escape(name)} -->)", re.S
    )
    if not pattern.search(text):
        raise ValueError(f"no <!-- bench:{name} --> … <!-- /bench:{name} --> block")
    return pattern.sub(lambda m: m.group(1) + content + "\n" + m.group(2), text, count=1)


def render(folder: Path, base: Path) -> list[Path]:
    """Rewrite the benchmark blocks of README.md and docs/scaling.md; return what changed."""
    runs = load_runs(folder)
    if 1000 not in runs:
        raise ValueError(f"no 1× run in {folder / 'runs'}: run make bench first")
    blocks = {
        base / "README.md": {
            "summary": summary_table(runs[1000]),
            "peers": peers_table(runs[1000]),
        },
        base / "docs" / "scaling.md": {
            "scaling": scaling_table(runs),
            "sizing": sizing_table(runs),
        },
    }
    changed = []
    for path, contents in blocks.items():
        text = path.read_text(encoding="utf-8")
        new = text
        for name, content in contents.items():
            new = replace_block(new, name, content)
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed.append(path)
    return changed
