"""A separate portal instance for the benchmark: its own data folder, database, index, server.

Commands run as child processes of this one, so each is timed with its own peak memory
(``wait4``'s rusage), and the user's own instance is never touched.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings


@dataclass(frozen=True, slots=True)
class Run:
    """One finished command: wall time, peak RSS, output."""

    seconds: float
    rss_mb: float
    output: str


class CommandFailed(RuntimeError):
    """A benchmark step failed; the message carries the command's output."""


class Instance:
    """A portal with its data in ``folder`` (``PORTAL_DATA_DIR``)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.env = {
            **os.environ,
            "PORTAL_DATA_DIR": str(folder),
            "DEBUG": "false",
            # One client asks everything here: the public per-client limit must not apply.
            "PORTAL_SEARCH_RATE": "1000000/m",
        }
        self.env.pop("DJANGO_SETTINGS_MODULE", None)
        # Self-contained: its own SQLite file in ``folder``, whatever database the caller uses
        # (the suite's PostgreSQL run must not point every instance at one shared database).
        self.env.pop("DATABASE_URL", None)
        self.server: subprocess.Popen | None = None
        self.port = 0

    @property
    def database(self) -> Path:
        return self.folder / "portal.sqlite3"

    @property
    def index_dir(self) -> Path:
        return self.folder / "index"

    def reset(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)

    def manage(self, *args: str) -> Run:
        """Run ``manage.py`` in this instance; raise CommandFailed on a non-zero exit."""
        log = self.folder / "last-command.log"
        started = time.perf_counter()
        with log.open("w", encoding="utf-8") as out:
            child = subprocess.Popen(  # noqa: S603 - our own manage.py with fixed arguments
                [sys.executable, "manage.py", *args],
                cwd=settings.BASE_DIR,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
            _pid, status, usage = os.wait4(child.pid, 0)
            child.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        output = log.read_text(encoding="utf-8", errors="replace")
        if child.returncode != 0:
            raise CommandFailed(f"manage.py {' '.join(args)} failed:\n{output[-3000:]}")
        return Run(seconds, usage.ru_maxrss / 1024, output)

    # -- the server ---------------------------------------------------------------------------
    @property
    def server_log(self) -> Path:
        return self.folder / "gunicorn.log"

    def start_server(self, workers: int = 1, timeout: float = 300) -> float:
        """Start gunicorn as in production (``gunicorn.conf.py``, warm-up included) with
        ``workers`` sync workers; return the seconds until every worker said it was warm."""
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        started = time.monotonic()
        with self.server_log.open("w", encoding="utf-8") as log:
            self.server = subprocess.Popen(  # noqa: S603 - gunicorn with our own settings
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "-c",
                    "gunicorn.conf.py",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--workers",
                    str(workers),
                    "--timeout",
                    "600",
                ],
                cwd=settings.BASE_DIR,
                env={**self.env, "PORTAL_BIND": f"127.0.0.1:{self.port}"},
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        while time.monotonic() - started < timeout:
            if self.server.poll() is not None:
                raise CommandFailed(f"gunicorn exited:\n{self.server_log.read_text()[-3000:]}")
            if self.server_log.read_text(errors="replace").count("search warm in") >= workers:
                return time.monotonic() - started
            time.sleep(0.1)
        raise CommandFailed(f"the benchmark server was not warm within {timeout:.0f} s")

    def worker_pids(self) -> list[int]:
        """The gunicorn workers (children of the master process)."""
        children = Path(f"/proc/{self.server.pid}/task/{self.server.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def get(self, path: str, params: dict[str, str] | None = None) -> bytes:
        query = f"?{urllib.parse.urlencode(params)}" if params else ""
        url = f"http://127.0.0.1:{self.port}{path}{query}"
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.read()

    def api_search(self, params: dict[str, str]) -> dict:
        return json.loads(self.get("/api/search", params))

    def server_rss_mb(self) -> tuple[float, float]:
        """(current, peak) resident memory of the first worker, in MB."""
        return rss_mb(self.worker_pids()[0])

    def server_memory_mb(self) -> dict[str, float]:
        """Master and workers together: resident memory summed (shared pages counted once per
        process) and proportional set size summed (each shared page divided among the processes
        that map it, so counted once in all), from ``/proc/<pid>/smaps_rollup``."""
        pids = [self.server.pid, *self.worker_pids()]
        rollups = [_smaps_rollup(pid) for pid in pids]
        return {
            "processes": len(pids),
            "rss_sum": round(sum(r["Rss"] for r in rollups) / 1024, 1),
            "pss_sum": round(sum(r["Pss"] for r in rollups) / 1024, 1),
        }

    def stop_server(self) -> None:
        if self.server is not None:
            self.server.terminate()
            self.server.wait(timeout=30)
            self.server = None


def rss_mb(pid: int) -> tuple[float, float]:
    """(current, peak) resident memory of a process, in MB."""
    status = Path(f"/proc/{pid}/status").read_text()
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def _smaps_rollup(pid: int) -> dict[str, int]:
    """A process's memory totals in kB (Rss, Pss, Shared_Clean, …)."""
    totals = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        key, _, value = line.partition(":")
        if value.strip().endswith("kB"):
            totals[key] = int(value.split()[0])
    return totals


def folder_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
