"""A bulk publish run as a job survives its worker being killed: the restarted worker finishes it.

A 150-record bulk file (distinct excerpts of the national reports) is submitted as a publish
job, as the admin's bulk upload does, to an instance of its own with its SQLite job queue. The
worker (``manage.py run_huey``) is SIGKILLed once the job has committed some chunks but not
all. A new worker is started and, with no help, takes the job up where it stopped. Then:

* the job is done with every record handled once: 150 imported, no duplicates in its report,
  each excerpt's title stored exactly once;
* the index holds exactly the published sections (``check_search_index`` exits 0: drift 0)
  without any repair;
* no original file is orphaned: the files of the chunk that was being written when the worker
  died are deleted by the next worker as it starts (their in-flight notes name a dead process),
  without waiting for the grace period that protects writes still committing.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time

from tests.reliability.instances import (
    clone,
    distinct_excerpts,
    latest_job,
    manage,
    release_titles,
    start_worker,
    submit_bulk_job,
    worker_logs,
)

RECORDS = 150
#: documents.bulk_jobs.CHUNK: the records of one committed step.
CHUNK = 25


def _wait(instance, until, timeout: float) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = latest_job(instance)
        if job and until(job):
            return job
        time.sleep(0.2)
    raise AssertionError(
        f"job not there in {timeout:.0f} s: {latest_job(instance)}\n{_logs(instance)}"
    )


def _logs(instance) -> str:
    return worker_logs(instance, "first-worker", "second-worker")


def test_a_job_whose_worker_is_killed_is_finished_by_the_next_without_duplicates(
    template_instance, tmp_path, figures
):
    instance = clone(template_instance, tmp_path / "instance")
    instance.env["PORTAL_JOB_STALE_SECONDS"] = "30"
    bulk = tmp_path / "bulk-150.jsonl"
    records = distinct_excerpts(RECORDS)
    bulk.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n")
    titles = [r["title"] for r in records]
    before = len(release_titles(instance))

    submit_bulk_job(instance, bulk)
    assert latest_job(instance)["status"] == "queued"

    first = start_worker(instance, "first-worker")
    try:
        killed_at = _wait(instance, lambda j: j["done"] >= 2 * CHUNK, timeout=300)
        os.kill(first.pid, signal.SIGKILL)
        first.wait(30)
    finally:
        if first.poll() is None:
            first.kill()
    assert killed_at["status"] == "running" and killed_at["done"] < RECORDS, killed_at
    in_flight = instance.folder / "media" / ".writing"
    interrupted = len(list(in_flight.rglob("*.note")))  # originals of the chunk cut short

    second = start_worker(instance, "second-worker")
    try:
        job = _wait(instance, lambda j: j["status"] in ("done", "failed"), timeout=600)
    finally:
        second.send_signal(signal.SIGINT)
        try:
            second.wait(60)
        except subprocess.TimeoutExpired:
            second.kill()
    assert job["status"] == "done", (job, _logs(instance))
    assert job["done"] == job["total"] == RECORDS and job["attempts"] == 2, (job, _logs(instance))
    rows = json.loads(job["rows"])
    assert len(rows) == RECORDS
    assert [r["outcome"] for r in rows].count("imported") == RECORDS, [
        (r["name"], r["outcome"], r["message"]) for r in rows if r["outcome"] != "imported"
    ]
    stored = release_titles(instance)
    assert len(stored) == before + RECORDS
    assert all(stored.count(title) == 1 for title in titles)

    drift = manage(instance, "check_search_index", timeout=300)
    assert drift.returncode == 0, drift.stdout + drift.stderr

    originals = manage(instance, "check_originals")
    assert originals.returncode == 0, originals.stdout + originals.stderr
    assert "orphan" not in originals.stdout, originals.stdout  # not even a recent one
    assert "missing" not in originals.stdout, originals.stdout
    assert not list(in_flight.rglob("*.note")), "the killed worker's notes were handled"
    figures.append(
        f"worker SIGKILLed after {killed_at['done']} of {RECORDS} records: the next finished the "
        f"job (2 attempts, each record imported once, drift 0); {interrupted} original(s) of the "
        "interrupted chunk deleted as it started, 0 orphan files"
    )
