"""What a restore swaps in, each piece staged beside its target, and the all-or-nothing swap.

Each part of the archive is extracted beside what it replaces, so nothing is touched until
every byte has been checked; then the parts are swapped in by renames, in order, and a part
that fails takes every part swapped before it back out. The database comes last: a JSON load
cannot be undone but rolls itself back, and nothing after it can fail.
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.db import connection, connections

from search.engines.whoosh import storage as whoosh_storage

from .database import Counts, load_json
from .index import IndexGeneration, index_path


class Part(Protocol):
    """One piece of the instance a restore replaces; the archive's copy is staged in ``root``."""

    root: Path

    def swap(self) -> None: ...
    def undo(self) -> None: ...
    def finish(self) -> None: ...
    def clean(self) -> None: ...


def plan_parts(manifest: dict[str, Any], fmt: str) -> dict[str, Part]:
    """Where each part of the archive is staged, beside its target; the database last."""
    token = secrets.token_hex(4)
    data_dir = Path(settings.DATA_DIR)
    parts: dict[str, Part] = {"media": Folder.beside(Path(settings.MEDIA_ROOT), token)}
    index = index_path()
    if index is not None and any(name.startswith("index/") for name in manifest["files"]):
        parts["index"] = IndexGeneration(index, whoosh_storage.new_generation(index))
    if "secret_key" in manifest["files"]:
        parts["secret_key"] = File.beside(data_dir / "secret_key", "secret_key", token)
    if fmt == "json":
        root = Path(tempfile.mkdtemp(prefix=".restore-", dir=data_dir))
        parts["database"] = JsonLoad(root, Counts(**manifest["counts"]))
    else:
        database = File.beside(Path(connection.settings_dict["NAME"]), "portal.sqlite3", token)
        database.sidecars = ("-journal", "-wal", "-shm")
        parts["database"] = database
    return parts


def swap_all(parts: list[Part]) -> None:
    """Swap every part in, in order; if one fails, undo it and every part swapped before it."""
    done: list[Part] = []
    try:
        for part in parts:
            done.append(part)  # undone too if its own swap fails half-way
            part.swap()
    except BaseException:
        for part in reversed(done):
            part.undo()
        raise
    for part in done:
        part.finish()


@dataclass
class Folder:
    """A folder (MEDIA_ROOT) swapped by two renames; the old one waits beside until the end."""

    target: Path
    root: Path
    old: Path
    moved: bool = False  # the current folder is at ``old``
    placed: bool = False  # the archive's folder is at ``target``

    @classmethod
    def beside(cls, target: Path, token: str) -> Folder:
        root = target.parent / f".{target.name}.restore-{token}"
        root.mkdir(parents=True)
        return cls(target, root, target.parent / f".{target.name}.old-{token}")

    def swap(self) -> None:
        if self.target.exists():
            self.target.rename(self.old)
            self.moved = True
        self.root.rename(self.target)
        self.placed = True

    def undo(self) -> None:
        if self.placed:
            shutil.rmtree(self.target, ignore_errors=True)
        if self.moved:
            self.old.rename(self.target)

    def finish(self) -> None:
        shutil.rmtree(self.old, ignore_errors=True)

    def clean(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


@dataclass
class File:
    """A file (the SQLite database, the secret key) replaced in one ``os.replace``.

    The old file is hard-linked beside first, so the target never goes missing and can be put
    back; ``sidecars`` (SQLite's journal and WAL files) belong to the old file and go with it.
    """

    target: Path
    root: Path
    staged: Path
    old: Path
    sidecars: tuple[str, ...] = ()
    kept: bool = False  # the current file is linked at ``old``
    placed: bool = False  # the archive's file is at ``target``

    @classmethod
    def beside(cls, target: Path, member: str, token: str) -> File:
        root = target.parent / f".{target.name}.restore-{token}"
        root.mkdir(parents=True)
        return cls(target, root, root / member, target.parent / f".{target.name}.old-{token}")

    def swap(self) -> None:
        connections.close_all()  # no connection of this process keeps the old file open
        if self.target.exists():
            _link_or_copy(self.target, self.old)
            self.kept = True
        for suffix in self.sidecars:
            _move_if_present(Path(f"{self.target}{suffix}"), Path(f"{self.old}{suffix}"))
        self.staged.replace(self.target)
        self.placed = True

    def undo(self) -> None:
        if self.kept:
            self.old.replace(self.target)
            self.old.unlink(missing_ok=True)  # still there if both were links to one file
        elif self.placed:
            self.target.unlink(missing_ok=True)
        for suffix in self.sidecars:
            _move_if_present(Path(f"{self.old}{suffix}"), Path(f"{self.target}{suffix}"))

    def finish(self) -> None:
        for path in (self.old, *(Path(f"{self.old}{suffix}") for suffix in self.sidecars)):
            path.unlink(missing_ok=True)

    def clean(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


@dataclass
class JsonLoad:
    """A ``dumpdata`` file, loaded in one transaction (so it needs no undo: it comes last)."""

    root: Path
    expected: Counts

    def swap(self) -> None:
        load_json(self.root / "data.json", self.expected)

    def undo(self) -> None:
        """Nothing: a failed load rolls back, and a later part cannot fail (it is the last)."""

    def finish(self) -> None:
        """Nothing to remove but the staging folder (``clean``)."""

    def clean(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _move_if_present(source: Path, target: Path) -> None:
    with suppress(FileNotFoundError):
        source.replace(target)
