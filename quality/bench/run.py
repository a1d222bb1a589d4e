"""One benchmark run: build the corpus, import and index it, query it, compare the peers.

The steps run in a separate portal instance (``instance.Instance``); the figures go to the
table printed at the end and to ``<data folder>/bench/latest.json`` (and ``runs/<size>.json``,
so a 3× run can be compared with the 1× run).
"""

from __future__ import annotations

import json
import os
import platform
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings

from documents.corpus.evaluate import bench_summary as parse_eval_summary
from quality.bench.corpus import write_corpus
from quality.bench.instance import Instance, folder_bytes
from quality.bench.peers import answered, peers
from quality.bench.queries import BenchQuery, load_queries, load_rows, truth
from quality.bench.timing import percentiles, time_each
from search.engines.whoosh.text_store import mapped_bytes

ROUNDS = 3
#: gunicorn workers whose memory is measured together (the issue's serving set-up).
MEMORY_WORKERS = 4
#: A query no warm-up ran, timed as a new worker's first.
FIRST_QUERY = "优化营商环境 政务服务"
PROBE_PHRASE = "基准测试发布探针"


def bench_folder() -> Path:
    return Path(settings.DATA_DIR) / "bench"


def run(releases: int, say: Callable[[str], None], peer_names: str = "all") -> dict:
    """Run every step and return the results (also written as JSON)."""
    peers(peer_names)  # an unknown name fails now, not after the import
    queries = load_queries()  # so does a query the truth cannot judge
    folder = bench_folder()
    instance = Instance(folder / f"instance-{releases}")
    instance.reset()
    results: dict = {
        "releases_requested": releases,
        "rounds": ROUNDS,
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "machine": machine(),
        "commit": _commit(),
    }

    say(f"building the corpus ({releases} releases) …")
    corpus = write_corpus(instance.folder, releases)
    corpus_files, count, chars = corpus.files, corpus.releases, corpus.chars
    results["corpus_origin"] = corpus.figures()
    instance.manage("migrate", "-v0")

    say(f"importing {count} releases, {chars:,} characters (import + index, published) …")
    imported = instance.manage("import_releases", "--publish", *map(str, corpus_files))
    results["import_s"] = round(imported.seconds, 1)
    results["import_chars_per_s"] = round(chars / imported.seconds)
    results["import_rss_mb"] = round(imported.rss_mb, 1)

    say("rebuilding the whole index …")
    for path in instance.index_dir.glob("*"):
        path.unlink()
    rebuilt = instance.manage("ensure_search_index")
    results["rebuild_s"] = round(rebuilt.seconds, 1)
    results["rebuild_rss_mb"] = round(rebuilt.rss_mb, 1)
    index_bytes = folder_bytes(instance.index_dir)
    texts_bytes = mapped_bytes(instance.index_dir)
    results["corpus"] = _corpus_figures(instance.database)
    results["text_bytes"] = results["corpus"].pop("text_bytes")

    rows = load_rows(instance.database)
    truths = {q.text: truth(q.parsed, rows) for q in queries}

    say("starting gunicorn (1 worker, warmed before serving): the first query …")
    results["warm_up_s"] = round(instance.start_server(workers=1), 2)
    try:
        results["first_query_ms"] = round(_first_query_ms(instance), 1)
        results["index_bytes"] = index_bytes
        results["index_parts"] = {"whoosh": index_bytes - texts_bytes, "text_store": texts_bytes}
        say(f"querying the portal: {len(queries)} queries × {ROUNDS} rounds, API and page …")
        api = time_each(queries, lambda q: instance.api_search({"q": q.text}), ROUNDS)
        page = time_each(queries, lambda q: instance.get("/search/", {"q": q.text}), ROUNDS)
        results["api_ms"] = percentiles(api)
        results["page_ms"] = percentiles(page)
        results["api_slowest"] = _slowest(queries, api)
        probe_file = instance.folder / "probe.json"
        instance.manage("run_benchmark", "--probe", str(probe_file), "--port", str(instance.port))
        probe = json.loads(probe_file.read_text(encoding="utf-8"))
        results["publish_to_searchable_s"] = probe["publish_to_searchable_s"]
        results["server_rss_mb"] = round(instance.server_rss_mb()[1], 1)
    finally:
        instance.stop_server()
    say(f"starting gunicorn with {MEMORY_WORKERS} workers: their memory together …")
    instance.start_server(workers=MEMORY_WORKERS)
    try:
        time_each(queries, lambda q: instance.api_search({"q": q.text}), 1)
        results["workers_rss_mb"] = instance.server_memory_mb()
    finally:
        instance.stop_server()
    ours = {q: set(ids) for q, ids in probe["matches"].items()}
    results["recall"] = _recall(ours, truths)
    results["missed_queries"] = sorted(q for q in truths if truths[q] - ours.get(q, set()))

    results["peers"] = {}
    for peer in peers(peer_names):
        say(f"peer: {peer.label} …")
        kept, skipped = answered(peer, queries)
        for text, reason in skipped.items():
            say(f"  {peer.name} leaves out {text!r}: {reason}")
        started = time.perf_counter()
        peer.build(rows)
        built = time.perf_counter() - started
        try:
            found = {q.text: peer.matches(q) for q in kept}
            samples = time_each(kept, peer.matches, ROUNDS)
        finally:
            peer.close()
        figures = percentiles(samples)
        results["peers"][peer.name] = {
            "label": peer.label,
            "engine": peer.engine,
            "normalised": peer.normalised,
            "answered": len(kept),
            "excluded": skipped,
            "build_s": round(built, 1),
            "p50_ms": figures["p50"],
            "p95_ms": figures["p95"],
            "max_ms": figures["max"],
            "recall": _recall(found, {q.text: truths[q.text] for q in kept}),
        }
    say("parse_eval: the labelled corpora through the upload path …")
    results["parse_eval"] = parse_eval_summary(Path(settings.BASE_DIR))
    _write(results, releases)
    return results


def probe(out: Path, port: int) -> None:
    """Inside the instance: our engine's matches per query, and publish → searchable."""
    import urllib.parse
    import urllib.request

    from documents.services import import_release
    from search.core.request import build_request
    from search.core.service import match

    matches = {}
    for query in load_queries():
        request, _paging = build_request({"q": [query.text]})
        matches[query.text] = sorted({m.section for m in match(request)})
    text = (
        "某市关于基准测试发布的说明\n\n"
        f"2025年3月1日，某市发布{PROBE_PHRASE}，用于测量从发布到可检索的时间。"
        "本段文字只用于基准测试，内容足够长以构成一篇完整的发布稿正文。"
    )
    url = f"http://127.0.0.1:{port}/api/search?" + urllib.parse.urlencode({"q": PROBE_PHRASE})
    started = time.perf_counter()
    import_release(text.encode("utf-8"), filename="bench-probe.txt", publish=True)
    while time.perf_counter() - started < 60:
        with urllib.request.urlopen(url, timeout=30) as response:
            if json.loads(response.read())["total"] > 0:
                break
        time.sleep(0.02)
    elapsed = time.perf_counter() - started
    out.write_text(
        json.dumps({"matches": matches, "publish_to_searchable_s": round(elapsed, 2)}),
        encoding="utf-8",
    )


def _commit() -> str:
    """The code measured: the checkout's commit, marked when it has uncommitted changes."""
    import subprocess

    def git(*args: str) -> str:
        command = ["git", *args]  # git from PATH, fixed arguments
        done = subprocess.run(  # noqa: S603
            command, cwd=settings.BASE_DIR, capture_output=True, text=True, check=False
        )
        return done.stdout.strip()

    head = git("rev-parse", "--short", "HEAD") or "unknown"
    return head + ("+changes" if git("status", "--porcelain", "--untracked-files=no") else "")


def machine() -> dict:
    """What the figures were measured on."""
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
    }


def _first_query_ms(instance: Instance) -> float:
    """The first search a freshly started (warmed) worker answers, with snippets and facets."""
    started = time.perf_counter()
    instance.api_search({"q": FIRST_QUERY})
    return (time.perf_counter() - started) * 1000


def _corpus_figures(database: Path) -> dict:
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        releases, chars, text_bytes = connection.execute(
            "SELECT COUNT(*), SUM(LENGTH(text)), SUM(LENGTH(CAST(text AS BLOB)))"
            " FROM documents_release WHERE status = 'published'"
        ).fetchone()
        (sections,) = connection.execute("SELECT COUNT(*) FROM documents_section").fetchone()
    finally:
        connection.close()
    return {"releases": releases, "sections": sections, "chars": chars, "text_bytes": text_bytes}


def _recall(found: dict[str, set[int]], truths: dict[str, set[int]]) -> float:
    relevant = sum(len(t) for t in truths.values())
    hits = sum(len(t & found.get(q, set())) for q, t in truths.items())
    return round(hits / relevant, 4) if relevant else 1.0


def _slowest(queries: list[BenchQuery], samples: list[float]) -> list[list]:
    per_query: dict[str, float] = {}
    for index, sample in enumerate(samples):
        text = queries[index % len(queries)].text
        per_query[text] = max(per_query.get(text, 0.0), sample)
    worst = sorted(per_query.items(), key=lambda item: -item[1])[:5]
    return [[text, round(ms, 1)] for text, ms in worst]


def _write(results: dict, releases: int) -> None:
    folder = bench_folder()
    (folder / "runs").mkdir(parents=True, exist_ok=True)
    payload = json.dumps(results, ensure_ascii=False, indent=2)
    (folder / "latest.json").write_text(payload, encoding="utf-8")
    (folder / "runs" / f"{releases}.json").write_text(payload, encoding="utf-8")
