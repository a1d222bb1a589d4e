"""A one-line progress bar with rate and ETA for long imports on a terminal.

Bulk imports of hundreds of releases take minutes; a person at a terminal should see that it
moves and when it will end. In logs and pipes (not a terminal) it stays silent, so output that
is read by programs or kept in CI logs is not filled with carriage returns.
"""

from __future__ import annotations

import time
from typing import TextIO


class Progress:
    """Count steps towards ``total`` and redraw at most a few times a second."""

    def __init__(self, total: int, stream: TextIO, label: str = "", width: int = 28) -> None:
        self.total = max(total, 0)
        self.stream = stream
        self.label = label
        self.width = width
        self.done = 0
        self.started = time.monotonic()
        self._drawn = 0.0
        self._terminal = bool(getattr(stream, "isatty", lambda: False)())

    @property
    def enabled(self) -> bool:
        """Drawn only on a terminal, and only when there is more than one item."""
        return self._terminal and self.total > 1

    def step(self, count: int = 1) -> None:
        """Record ``count`` finished items."""
        self.done += count
        now = time.monotonic()
        if self.enabled and (now - self._drawn > 0.2 or self.done >= self.total):
            self._drawn = now
            self.stream.write("\r" + self.line(now))
            self.stream.flush()

    def line(self, now: float | None = None) -> str:
        """The bar as text: ``label [#####     ] 35/72  12.3/s  ETA 3s``."""
        now = time.monotonic() if now is None else now
        elapsed = max(now - self.started, 1e-6)
        rate = self.done / elapsed
        filled = int(self.width * self.done / self.total) if self.total else self.width
        remaining = (self.total - self.done) / rate if rate > 0 else 0.0
        bar = "#" * filled + " " * (self.width - filled)
        return f"{self.label}[{bar}] {self.done}/{self.total}  {rate:.1f}/s  ETA {remaining:.0f}s "

    def close(self) -> None:
        """End the bar's line so the next output starts clean."""
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()
