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
    def start_server(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.server = subprocess.Popen(  # noqa: S603 - our own manage.py with fixed arguments
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{self.port}", "--noreload"],
            cwd=settings.BASE_DIR,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                self.get("/api/releases?page_size=1")
                return
            except OSError:
                time.sleep(0.2)
        raise CommandFailed("the benchmark server did not start within 60 s")

    def get(self, path: str, params: dict[str, str] | None = None) -> bytes:
        query = f"?{urllib.parse.urlencode(params)}" if params else ""
        url = f"http://127.0.0.1:{self.port}{path}{query}"
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.read()

    def api_search(self, params: dict[str, str]) -> dict:
        return json.loads(self.get("/api/search", params))

    def server_rss_mb(self) -> tuple[float, float]:
        """(current, peak) resident memory of the server process, in MB."""
        status = Path(f"/proc/{self.server.pid}/status").read_text()
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        return (
            int(fields["VmRSS"].split()[0]) / 1024,
            int(fields["VmHWM"].split()[0]) / 1024,
        )

    def stop_server(self) -> None:
        if self.server is not None:
            self.server.terminate()
            self.server.wait(timeout=30)
            self.server = None


def folder_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
