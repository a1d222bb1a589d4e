"""The task queue shared through Redis, as several machines would share it: settings alone.

With ``HUEY_CLASS=huey.RedisHuey`` and ``HUEY_REDIS_URL``, the job a request submits goes into
a Redis server instead of the data folder's SQLite queue, and any worker connected to it — two
processes here, standing for two machines — takes it. A local ``redis-server`` (Debian's
package, which ``make test`` installs) runs for the test on a free port with no persistence.
"""

from __future__ import annotations

import json
import shutil
import socket
import sqlite3
import subprocess
import time

import pytest

from tests.reliability import instances as portal

redis = pytest.importorskip("redis", reason="the redis client is in the test extra")
pytestmark = pytest.mark.skipif(
    shutil.which("redis-server") is None,
    reason="no redis-server: make test installs it (apt-get install redis-server)",
)
RECORDS = 60


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _sqlite_queue_length(instance) -> int:
    path = instance.folder / "jobs.sqlite3"
    if not path.exists():
        return 0
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return db.execute("SELECT COUNT(*) FROM task").fetchone()[0]


@pytest.fixture
def redis_url(tmp_path):
    """A throwaway Redis server on loopback; its URL."""
    port = _free_port()
    server = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    client = redis.Redis(port=port)
    deadline = time.monotonic() + 20
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise
            time.sleep(0.1)
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(30)


def test_a_job_goes_through_redis_to_whichever_worker_is_free(
    template_instance, tmp_path, redis_url
):
    instance = portal.clone(template_instance, tmp_path / "instance")
    instance.env["HUEY_CLASS"] = "huey.RedisHuey"
    instance.env["HUEY_REDIS_URL"] = redis_url
    bulk = tmp_path / "bulk-redis.jsonl"
    records = portal.distinct_excerpts(RECORDS, first=7000)
    bulk.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n")
    before = len(portal.release_titles(instance))

    portal.submit_bulk_job(instance, bulk)
    assert portal.latest_job(instance)["status"] == "queued"
    client = redis.Redis.from_url(redis_url)
    queued = [key for key in client.scan_iter() if client.type(key) == b"list" and client.llen(key)]
    assert queued, "the job's message is in Redis"
    assert _sqlite_queue_length(instance) == 0  # not in the data folder's queue file

    workers = [portal.start_worker(instance, name) for name in ("machine-a", "machine-b")]
    try:
        deadline = time.monotonic() + 300
        while portal.latest_job(instance)["status"] not in ("done", "failed"):
            assert time.monotonic() < deadline, portal.worker_logs(
                instance, "machine-a", "machine-b"
            )
            time.sleep(0.2)
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(60)
    job = portal.latest_job(instance)
    logs = portal.worker_logs(instance, "machine-a", "machine-b")
    assert job["status"] == "done", (job, logs)
    assert job["done"] == job["total"] == RECORDS and job["attempts"] == 1, (job, logs)
    assert len(portal.release_titles(instance)) == before + RECORDS
    assert {w.pid for w in workers} >= {int(job["worker"].rpartition(":")[2])}
    drift = portal.manage(instance, "check_search_index", timeout=300)
    assert drift.returncode == 0, drift.stdout + drift.stderr
