"""Run a command against a throwaway PostgreSQL cluster: ``python -m tests.postgres_cluster CMD…``.

``make test-postgres`` runs the whole suite this way. The cluster is Debian's PostgreSQL server
(``apt-get install postgresql``), initialised in a temporary folder, listening on loopback only
at a free port with trust authentication, and deleted afterwards, so nothing on the machine's
own PostgreSQL (if any) is touched. The command gets ``DATABASE_URL`` pointing at it; pytest-django
creates and drops its ``test_…`` database there. PostgreSQL refuses to run as root, so as root the
server runs as the ``postgres`` user the Debian package creates.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

DATABASE = "portal"
START_TIMEOUT = 60


class ClusterError(RuntimeError):
    """The server is not installed or did not start; the message says what to do."""


def server_bin() -> Path:
    """The newest installed server's bin folder (``/usr/lib/postgresql/<major>/bin``)."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name)
    )
    if not found:
        raise ClusterError(
            "PostgreSQL server not found: apt-get install postgresql (make test-postgres does it)"
        )
    return found[-1].parent


def free_port() -> int:
    """A loopback port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


@contextlib.contextmanager
def cluster() -> Iterator[str]:
    """A running throwaway cluster; yields its ``DATABASE_URL``."""
    bin_dir = server_bin()
    root = Path(tempfile.mkdtemp(prefix="portal-pg-"))
    data, sockets = root / "data", root / "run"
    sockets.mkdir()
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        for path in (root, sockets):
            os.chown(path, user.pw_uid, user.pw_gid)
    port = free_port()
    log = root / "server.log"
    try:
        _run([str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
              "-E", "UTF8", "--locale=C.UTF-8"])  # fmt: skip
        options = f"-h 127.0.0.1 -p {port} -k {sockets} -c fsync=off -c full_page_writes=off"
        _run([str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options,
              "-w", "-t", str(START_TIMEOUT), "start"])  # fmt: skip
        url = f"postgres://postgres@127.0.0.1:{port}/{DATABASE}"
        _run([str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres",
              DATABASE])  # fmt: skip
        yield url
    finally:
        with contextlib.suppress(ClusterError):
            _run([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"])
        shutil.rmtree(root, ignore_errors=True)


def _run(command: list[str]) -> None:
    result = subprocess.run(_as_server_user(command), capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise ClusterError(f"{' '.join(command[:1])} failed: {result.stderr.strip()[-2000:]}")


def main(argv: list[str]) -> int:
    """Start the cluster, run ``argv`` with ``DATABASE_URL`` set, stop it; the command's code."""
    if not argv:
        print("usage: python -m tests.postgres_cluster COMMAND [ARGS…]", file=sys.stderr)  # noqa: T201
        return 2
    try:
        with cluster() as url:
            print(f"PostgreSQL test cluster: {url}", flush=True)  # noqa: T201
            started = time.perf_counter()
            code = subprocess.call(argv, env={**os.environ, "DATABASE_URL": url})
            print(f"ran in {time.perf_counter() - started:.0f} s on PostgreSQL", flush=True)  # noqa: T201
            return code
    except ClusterError as exc:
        print(f"postgres_cluster: {exc}", file=sys.stderr)  # noqa: T201
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
