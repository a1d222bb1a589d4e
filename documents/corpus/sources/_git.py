"""Reading a bare snapshot (a git directory without a work tree) quickly and read-only."""

from __future__ import annotations

import subprocess
from collections.abc import Iterable, Iterator
from pathlib import Path


class Snapshot:
    """One fetched repository, read with ``git ls-tree`` and ``git cat-file --batch``."""

    def __init__(self, git_dir: Path) -> None:
        self.git_dir = git_dir

    def exists(self) -> bool:
        return (self.git_dir / "HEAD").is_file()

    def _git(self, *args: str, data: bytes | None = None) -> bytes:
        command = ["git", "-c", "core.quotepath=off", "--git-dir", str(self.git_dir), *args]
        return subprocess.run(command, input=data, capture_output=True, check=True).stdout  # noqa: S603

    def paths(self, under: str = "") -> list[str]:
        """Every file path at HEAD (under a folder), sorted."""
        args = ["ls-tree", "-r", "-z", "--name-only", "HEAD"] + ([under] if under else [])
        return sorted(p for p in self._git(*args).decode("utf-8").split("\0") if p)

    def read(self, path: str) -> bytes:
        return next(iter(self.read_many([path]).values()))

    def read_many(self, paths: Iterable[str]) -> dict[str, bytes]:
        """The blobs at HEAD for these paths; a path absent from the snapshot is left out."""
        wanted = list(paths)
        request = "".join(f"HEAD:{p}\n" for p in wanted).encode("utf-8")
        out = self._git("cat-file", "--batch", data=request)
        return dict(_batch(out, wanted))


def _batch(out: bytes, wanted: list[str]) -> Iterator[tuple[str, bytes]]:
    at = 0
    for path in wanted:
        end = out.index(b"\n", at)
        header = out[at:end].split()
        at = end + 1
        if len(header) < 3 or header[1] != b"blob":
            continue  # "missing": listed in the tree, not brought into this snapshot
        size = int(header[2])
        yield path, out[at : at + size]
        at += size + 1
