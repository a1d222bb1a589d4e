"""Run a command against a throwaway PostgreSQL cluster: ``python -m tests.postgres_cluster CMD…``.

``make test-postgres`` runs the whole suite this way. The cluster is Debian's PostgreSQL server
(``apt-get install postgresql``), initialised in a temporary folder, listening on loopback only
at a free port with trust authentication, and deleted afterwards, so nothing on the machine's
own PostgreSQL (if any) is touched. The command gets ``DATABASE_URL`` pointing at it; pytest-django
creates and drops its ``test_…`` database there. PostgreSQL refuses to run as root, so as root the
server runs as the ``postgres`` user the Debian package creates.

The server is stopped and its folder deleted however the run ends: normally, by an error, or by
SIGTERM (a CI time-out) or SIGINT (Ctrl-C). A signal first ends the command (see
``_end_command``), then the server, then takes its usual course, so the caller sees the same
status as from any program the signal ended (143 or 130 in a shell).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

DATABASE = "portal"
START_TIMEOUT = 60
# Seconds the command gets, after a signal, to end by itself, and again after it is passed on.
COMMAND_GRACE = 5
SIGNALS = (signal.SIGTERM, signal.SIGINT)


class ClusterError(RuntimeError):
    """The server is not installed or did not start; the message says what to do."""


class Interrupted(BaseException):
    """SIGTERM or SIGINT came while the cluster ran: raised so that cleanup runs on the way out.

    A ``BaseException``, like ``KeyboardInterrupt``, so that ``except Exception`` lets it pass.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


class _Signals:
    """SIGTERM and SIGINT while the cluster exists: unwind, clean up, then let the signal act.

    The first signal raises ``Interrupted`` wherever the main thread is, so the ``finally``
    clauses on the way out end the command and stop the server, in that order. From then on,
    and from the moment the cleanup starts (``hold``), signals are only noted: a second
    Ctrl-C or a CI runner's SIGTERM after its SIGINT cannot cut the cleanup short, which runs
    once. On leaving, the handlers that were there before are put back and the first signal is
    passed to its own: a Python handler is called (Python's SIGINT handler raises
    ``KeyboardInterrupt``, so pytest and other callers see a Ctrl-C as usual); the default
    action is taken by sending the signal again. An ignored signal stays ignored, and outside
    the main thread, where Python cannot set handlers, nothing changes.
    """

    def __init__(self) -> None:
        self.previous: dict[int, signal.Handlers | object] = {}
        self.received: tuple[int, FrameType | None] | None = None
        self.holding = False

    def __enter__(self) -> _Signals:
        if threading.current_thread() is threading.main_thread():
            for signum in SIGNALS:
                before = signal.getsignal(signum)
                if before is not None and before != signal.SIG_IGN:
                    self.previous[signum] = before
                    signal.signal(signum, self._handle)
        return self

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.received is None:
            self.received = (signum, frame)
            if not self.holding:
                self.holding = True
                raise Interrupted(signum)

    def hold(self) -> None:
        """The cleanup starts: signals from now on wait until it is over."""
        self.holding = True

    def __exit__(self, *exc_info: object) -> None:
        for signum, before in self.previous.items():
            signal.signal(signum, before)
        if self.received is None:
            return
        signum, frame = self.received
        before = self.previous[signum]
        if callable(before):
            before(signum, frame)
        else:  # SIG_DFL: end as the signal would have ended the process
            os.kill(os.getpid(), signum)


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
    with _Signals() as signals:
        root = Path(tempfile.mkdtemp(prefix="portal-pg-"))
        data, sockets = root / "data", root / "run"
        try:
            sockets.mkdir()
            if os.geteuid() == 0:
                user = pwd.getpwnam("postgres")
                for path in (root, sockets):
                    os.chown(path, user.pw_uid, user.pw_gid)
            port = free_port()
            log = root / "server.log"
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
            signals.hold()
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
            command = subprocess.Popen(argv, env={**os.environ, "DATABASE_URL": url})
            try:
                code = command.wait()
            except BaseException as exc:  # a signal (Interrupted), or whatever else ends the run
                _end_command(command, getattr(exc, "signum", signal.SIGTERM))
                raise
            print(f"ran in {time.perf_counter() - started:.0f} s on PostgreSQL", flush=True)  # noqa: T201
            return code
    except ClusterError as exc:
        print(f"postgres_cluster: {exc}", file=sys.stderr)  # noqa: T201
        return 2


def _end_command(command: subprocess.Popen, signum: int) -> None:
    """End the command before its server, giving it the chance to end cleanly.

    A Ctrl-C reaches the command by itself (the terminal signals its whole foreground process
    group), so after SIGINT it is first left to finish (pytest stops its tests, drops its
    database and prints its summary), and gets the SIGINT passed on only if it is still
    running ``COMMAND_GRACE`` seconds later; SIGTERM, which a CI runner or ``timeout`` may send
    to this process alone, is passed on at once. ``COMMAND_GRACE`` seconds after that, SIGKILL.
    """
    if signum != signal.SIGINT or not _ended(command):
        command.send_signal(signum)
        if not _ended(command):
            command.kill()
            command.wait()


def _ended(command: subprocess.Popen) -> bool:
    try:
        command.wait(timeout=COMMAND_GRACE)
    except subprocess.TimeoutExpired:
        return False
    return True


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        # Ctrl-C, after the cleanup: end as an interrupted program does (130 in a shell),
        # without a traceback under the command's own output.
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGINT)
