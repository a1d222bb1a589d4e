"""The load test: an instance served by gunicorn, locust against it, then the index checked.

The instance is the benchmark's kind (``quality.bench.instance``): its own data folder under
``<data>/load/``, the seeds and the national corpus imported and published, a staff account,
and prepared bulk files of new content for the publishers (generated ``quality.bench.corpus``
rows, so none repeats what the instance already holds). gunicorn serves it with several workers on
loopback; locust runs headless for a fixed time; afterwards the server's log is searched for
5xx answers and ``check_search_index`` must find the index equal to the database.
"""

from __future__ import annotations

import csv
import json
import re
import secrets
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from quality.bench.corpus import build_rows
from quality.bench.instance import Instance

LOCUSTFILE = Path(__file__).with_name("locustfile.py")
#: Releases in each publisher's bulk file (below the streaming threshold: synced after commit).
PER_FILE = 2
_STATUS = re.compile(r'" (\d{3}) ')
#: How long the index may take, after the load, to finish updates handed to the worker.
CATCH_UP_SECONDS = 120


@dataclass
class LoadResult:
    """What one load test measured."""

    seconds: int
    users: int
    workers: int
    publishers: int = 2
    database: str = "sqlite"
    rows: list[dict] = field(default_factory=list)  # locust's per-endpoint statistics
    failures: list[dict] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)  # from gunicorn's access log
    published: int = 0
    drift_output: str = ""
    drift_ok: bool = False
    catch_up_s: float = 0.0  # from the end of the load until the index equalled the database

    @property
    def server_errors(self) -> int:
        return sum(n for code, n in self.statuses.items() if code.startswith("5"))

    @property
    def ok(self) -> bool:
        return self.server_errors == 0 and not self.failures and self.drift_ok


def prepare(folder: Path, *, publish_files: int, database_url: str = "") -> tuple[Instance, str]:
    """A fresh instance with the seeds and corpus, a staff account and files to publish.

    ``database_url`` (an empty PostgreSQL database) replaces the instance's own SQLite file.
    """
    instance = Instance(folder)
    instance.reset()
    if database_url:
        instance.env["DATABASE_URL"] = database_url
    base = Path(settings.BASE_DIR) / "fixtures"
    instance.manage("migrate", "--noinput")
    instance.manage("import_releases", "--publish", str(base / "seeds"), str(base / "corpora"))
    instance.manage("ensure_search_index")
    password = secrets.token_urlsafe(16)
    instance.env.update(DJANGO_SUPERUSER_USERNAME="loadstaff", DJANGO_SUPERUSER_PASSWORD=password)
    instance.manage("createsuperuser", "--noinput", "--email", "load@example.org")
    outbox = folder / "publish"
    outbox.mkdir()
    rows = build_rows(releases=publish_files * PER_FILE, min_chars=0, real=False)
    for number in range(publish_files):
        lines = [json.dumps(next(rows), ensure_ascii=False) for _ in range(PER_FILE)]
        (outbox / f"load-{number:04d}.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    return instance, password


def run(
    folder: Path,
    *,
    seconds: int,
    users: int,
    workers: int,
    publishers: int = 2,
    database_url: str = "",
    publish_files: int = 400,
) -> LoadResult:
    """Prepare, serve, load for ``seconds``, stop, check; return the figures."""
    instance, password = prepare(folder, publish_files=publish_files, database_url=database_url)
    database = database_url.split(":", 1)[0] if database_url else "sqlite"
    result = LoadResult(seconds, users, workers, publishers, database)
    port = _free_port()
    env = {
        **instance.env,
        "PORTAL_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(workers),
    }
    access_log = folder / "gunicorn-access.log"
    with access_log.open("w") as log, (folder / "worker.log").open("w") as worker_log:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--access-logfile", "-", "--error-logfile", "-"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        # As deployed: the task queue's worker beside the server (index updates a publish
        # found the index too busy for, bulk jobs).
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "run_huey"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=worker_log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_for(port)
            prefix = folder / "locust"
            subprocess.run(  # noqa: S603 - locust with our own fixed arguments
                [
                    sys.executable,
                    "-m",
                    "locust",
                    "-f",
                    str(LOCUSTFILE),
                    "--headless",
                    "--users",
                    str(users),
                    "--spawn-rate",
                    str(max(1, users // 4)),
                    "--run-time",
                    f"{seconds}s",
                    "--host",
                    f"http://127.0.0.1:{port}",
                    "--csv",
                    str(prefix),
                    "--only-summary",
                    "--loglevel",
                    "WARNING",
                ],
                cwd=settings.BASE_DIR,
                env={
                    **env,
                    "LOAD_QUERIES": str(Path(settings.BASE_DIR) / "fixtures/bench-queries.jsonl"),
                    "LOAD_PUBLISH_DIR": str(folder / "publish"),
                    "LOAD_USER": "loadstaff",
                    "LOAD_PASSWORD": password,
                    "LOAD_PUBLISHERS": str(publishers),
                },
                check=False,
                capture_output=True,
            )
            # Updates handed to the task queue's worker (the index was busy) finish after the
            # load stops: wait for them, with the server up, before the verdict.
            result.drift_ok, result.drift_output, result.catch_up_s = _caught_up(instance)
        finally:
            server.terminate()
            worker.terminate()
            server.wait(timeout=60)
            worker.wait(timeout=60)
    result.rows = _read_csv(folder / "locust_stats.csv")
    result.failures = _read_csv(folder / "locust_failures.csv")
    for line in access_log.read_text(encoding="utf-8", errors="replace").splitlines():
        found = _STATUS.search(line)
        if found:
            result.statuses[found.group(1)] = result.statuses.get(found.group(1), 0) + 1
    result.published = (
        next(
            (
                int(r["Request Count"]) - int(r["Failure Count"])
                for r in result.rows
                if r["Name"] == "publish"
            ),
            0,
        )
        * PER_FILE
    )
    return result


def _caught_up(instance: Instance, patience: float = CATCH_UP_SECONDS) -> tuple[bool, str, float]:
    """Run ``check_search_index`` until the index equals the database or ``patience`` runs out;
    return whether it did, the last report and the seconds it took."""
    started = time.monotonic()
    while True:
        check = subprocess.run(
            [sys.executable, "manage.py", "check_search_index"],
            cwd=settings.BASE_DIR,
            env=instance.env,
            capture_output=True,
            text=True,
            check=False,
        )
        waited = time.monotonic() - started
        if check.returncode == 0 or waited > patience:
            return check.returncode == 0, (check.stdout + check.stderr).strip(), round(waited, 1)
        time.sleep(2)


def _read_csv(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not start on port {port} within 60 s")
