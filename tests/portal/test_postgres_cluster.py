"""``make test-postgres``'s throwaway cluster leaves no server and no folder behind a signal.

Each case starts ``python -m tests.postgres_cluster COMMAND`` as the Makefile does, with a
command that sleeps, and once the server is up signals it the ways runs end early: SIGTERM to
the wrapper alone (``timeout``, a CI runner) or to its whole process group, and SIGINT to the
group (Ctrl-C in a terminal) or to the wrapper alone (``kill -INT``). Then the wrapper has died
of that signal, the server's processes are gone and its port closed, the cluster's folder is
deleted, and the command has ended too. On SIGINT the command, like pytest after a Ctrl-C, may
still use the server while it finishes: it finds it running and says so in a file.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import postgres_cluster

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 60


def _server_installed() -> bool:
    try:
        postgres_cluster.server_bin()
    except postgres_cluster.ClusterError:
        return False
    return True


pytestmark = pytest.mark.skipif(
    not _server_installed(),
    reason="PostgreSQL's server (initdb, pg_ctl) is not installed: apt-get install postgresql",
)

# The command the cluster runs: says it is up, then sleeps; on Ctrl-C it takes a moment, as
# pytest does to stop and report, then connects to the server and notes that it was still up.
COMMAND = """
import os, pathlib, socket, sys, time
folder = pathlib.Path(sys.argv[1])
port = int(os.environ["DATABASE_URL"].rsplit(":", 1)[1].split("/")[0])
try:
    (folder / "command.pid.new").write_text(str(os.getpid()))
    (folder / "command.pid.new").rename(folder / "command.pid")  # the test signals after this
    time.sleep(120)
except KeyboardInterrupt:
    time.sleep(1)
    socket.create_connection(("127.0.0.1", port), timeout=5).close()
    (folder / "interrupted").write_text("the server was up after Ctrl-C")
    sys.exit(2)
"""


@pytest.fixture
def folder() -> Iterator[Path]:
    """The wrapper's TMPDIR, where it makes the cluster's folder. Not pytest's ``tmp_path``: as
    root the server runs as ``postgres``, which must be able to reach its folder."""
    made = Path(tempfile.mkdtemp(prefix="portal-pg-test-"))
    made.chmod(0o755)
    yield made
    shutil.rmtree(made, ignore_errors=True)


def _running(pid: int) -> bool:
    """Whether ``pid`` is a live process (a zombie nobody has reaped yet is not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rpartition(")")[2].split()[0] not in ("Z", "X")


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    except OSError:
        return False
    return True


def _wait_for(path: Path, wrapper: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while not path.exists():
        assert wrapper.poll() is None, f"the wrapper ended early:\n{log.read_text()}"
        assert time.monotonic() < deadline, f"no {path.name} after {START_TIMEOUT} s"
        time.sleep(0.1)


@pytest.mark.parametrize(
    ("signum", "whole_group"),
    [
        (signal.SIGTERM, False),
        (signal.SIGTERM, True),
        (signal.SIGINT, True),
        (signal.SIGINT, False),
    ],
    ids=["SIGTERM-wrapper", "SIGTERM-group", "SIGINT-group", "SIGINT-wrapper"],
)
def test_a_signal_stops_the_server_and_deletes_its_folder(
    signum: signal.Signals, whole_group: bool, folder: Path
):
    if signum == signal.SIGINT and signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        pytest.skip("SIGINT is ignored here, so the wrapper started from here would ignore it")
    log = folder / "wrapper.log"
    command = [sys.executable, "-c", COMMAND, str(folder)]
    with log.open("w") as output:
        wrapper = subprocess.Popen(
            [sys.executable, "-m", "tests.postgres_cluster", *command],
            cwd=ROOT,
            env={**os.environ, "TMPDIR": str(folder)},
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, as a terminal's foreground job
        )
    server_pid = None
    try:
        _wait_for(folder / "command.pid", wrapper, log)
        command_pid = int((folder / "command.pid").read_text())
        (cluster,) = folder.glob("portal-pg-*")
        # postmaster.pid: the server's pid, data folder, start time, port, …
        lines = (cluster / "data" / "postmaster.pid").read_text().splitlines()
        server_pid, port = int(lines[0]), int(lines[3])
        assert _running(server_pid)
        assert _listening(port)

        if whole_group:
            os.killpg(wrapper.pid, signum)
        else:
            wrapper.send_signal(signum)
        wrapper.wait(timeout=START_TIMEOUT)

        output = f"wrapper's output:\n{log.read_text()}"
        assert wrapper.returncode == -signum, output
        assert not cluster.exists(), f"the cluster's folder is left; {output}"
        assert not _running(server_pid), f"the server is still running; {output}"
        assert not _listening(port), f"the server's port still answers; {output}"
        assert not _running(command_pid), f"the command is still running; {output}"
        # After Ctrl-C the command finished with the server still there; SIGTERM just ends it.
        interrupted = (folder / "interrupted").exists()
        assert interrupted == (signum == signal.SIGINT), f"the command's Ctrl-C: {output}"
    finally:  # whatever the outcome, nothing of this test keeps running
        with contextlib.suppress(ProcessLookupError):
            os.killpg(wrapper.pid, signal.SIGKILL)
        wrapper.wait()
        if server_pid is not None and _running(server_pid):
            os.kill(server_pid, signal.SIGQUIT)  # the server's immediate shutdown
