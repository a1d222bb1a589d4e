"""Who is doing a piece of work — ``host:pid`` — and whether that process is known to be gone.

A job records its worker this way, and so does a write of an original file in flight, so that
whoever comes next can tell work abandoned by a killed process from work still under way. Only
a process on this machine can be known dead; another machine's is judged by its heartbeat or
by age.
"""

from __future__ import annotations

import os
import socket


def this_process() -> str:
    """``host:pid`` of the calling process (at most 100 characters)."""
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def is_gone(process: str) -> bool:
    """True only if ``process`` (``host:pid``) ran on this machine and no longer runs."""
    host, _, pid = process.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False  # another machine's process: only its heartbeat tells
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False
