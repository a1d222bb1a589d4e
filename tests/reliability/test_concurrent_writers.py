"""Several processes publish at once while the public searches: no one sees a lock error.

Four importers start together against one instance: two bulk files (each streamed to the
index under its write lock for the whole file) and two sets of plain text files (each file
synced after its own commit, so each waits for the lock, and with ``SEARCH_LOCK_WAIT=1``
hands its update to the task queue's worker, running beside them, when the wait is longer).
Meanwhile this process searches the instance's running server. Every importer succeeds, no
release records an index error, every search is answered, and once the worker has done what
it was handed the index equals the database without a repair.
"""

from __future__ import annotations

import statistics
import time
import urllib.error

from tests.reliability.instances import (
    clone,
    manage,
    start,
    start_worker,
    stored_releases,
    worker_logs,
    write_bulk,
    write_text,
)

QUERIES = ["营商环境", "政府工作报告", "高质量发展", "就业"]


def test_concurrent_publishes_and_searches_leave_no_errors_and_no_drift(
    template_instance, tmp_path, figures
):
    instance = clone(template_instance, tmp_path / "shared")
    instance.env["SEARCH_LOCK_WAIT"] = "1"
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    jobs = []
    for k in range(2):
        bulk = inputs / f"bulk{k}.jsonl"
        write_bulk(bulk, range(2000 + k * 20, 2020 + k * 20))
        jobs.append([str(bulk)])
    for k in range(2):
        texts = []
        for n in range(4):
            path = inputs / f"text{k}-{n}.txt"
            write_text(path, 2100 + k * 4 + n)
            texts.append(str(path))
        jobs.append(texts)

    instance.start_server()
    worker = start_worker(instance, "worker")
    try:
        baseline = {q: instance.api_search({"q": q})["total"] for q in QUERIES}
        importers = [start(instance, "import_releases", "--publish", *files) for files in jobs]
        answered, failures, latencies = 0, [], []
        while any(p.poll() is None for p in importers):
            query = QUERIES[answered % len(QUERIES)]
            began = time.perf_counter()
            try:
                result = instance.api_search({"q": query})
            except (urllib.error.URLError, OSError) as exc:
                failures.append(f"{query}: {exc}")
                continue
            latencies.append(time.perf_counter() - began)
            assert result["total"] >= baseline[query], query  # publishes only add
            answered += 1
        outputs = [p.communicate(timeout=120)[0] for p in importers]
        handed_over = sum(o.count("will be indexed when it is free") for o in outputs)
        deadline = time.monotonic() + 120
        while True:  # the worker indexes what was handed to it once the importers let go
            check = manage(instance, "check_search_index")
            if check.returncode == 0 or time.monotonic() > deadline:
                break
            time.sleep(1)
        final = {q: instance.api_search({"q": q})["total"] for q in QUERIES}
    finally:
        worker.terminate()
        worker.wait(60)
        instance.stop_server()

    for importer, output in zip(importers, outputs, strict=True):
        assert importer.returncode == 0, output
        assert "Traceback" not in output and "LockError" not in output, output
    assert not failures, failures
    releases = stored_releases(instance)
    assert len(releases) == 5 + 40 + 8
    assert not [r for r in releases if r["error"]]
    assert final["政府工作报告"] > baseline["政府工作报告"]  # the new releases are found
    assert check.returncode == 0, check.stdout + check.stderr + worker_logs(instance, "worker")
    p95 = statistics.quantiles(latencies, n=20)[-1] * 1000 if len(latencies) > 1 else 0
    figures.append(
        f"4 importers at once: 48 releases published, {handed_over} update(s) handed to the "
        f"worker, {answered} searches answered (p95 {p95:.0f} ms), 0 errors, drift 0"
    )


def test_a_rebuild_under_search_load_answers_every_search(template_instance, tmp_path, figures):
    instance = clone(template_instance, tmp_path / "rebuilt")
    bulk = tmp_path / "more.jsonl"
    write_bulk(bulk, range(3000, 3060))
    assert manage(instance, "import_releases", "--publish", str(bulk)).returncode == 0
    before = instance.index_dir.resolve()

    instance.start_server()
    try:
        expected = {q: instance.api_search({"q": q})["total"] for q in QUERIES}
        rebuild = start(instance, "ensure_search_index", "--rebuild")
        answered = 0
        while rebuild.poll() is None:
            query = QUERIES[answered % len(QUERIES)]
            assert instance.api_search({"q": query})["total"] == expected[query], query
            answered += 1
        output = rebuild.communicate(timeout=60)[0]
        after = {q: instance.api_search({"q": q})["total"] for q in QUERIES}
    finally:
        instance.stop_server()

    assert rebuild.returncode == 0, output
    assert "search index rebuilt" in output
    assert after == expected
    assert answered >= 5, f"only {answered} searches ran during the rebuild"
    assert instance.index_dir.resolve() != before  # a new generation, swapped in
    assert manage(instance, "check_search_index").returncode == 0
    figures.append(
        f"rebuild under load: {answered} searches during the rebuild, all answered with the "
        "same totals; new index generation swapped in; drift 0"
    )
