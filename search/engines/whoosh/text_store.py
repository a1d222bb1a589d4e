"""Each segment's normalised texts in one file, mapped into memory and shared by every process.

The exact check reads the normalised text of every candidate section. Decoded into Python
strings, those texts cost each server process about two bytes a character of its own (plus
an object per section): four gunicorn workers held four copies. Here a segment's column is
written once, as UTF-8 with an offset table, into a file beside the index, and every process
maps it read-only: the pages are the operating system's page cache, counted once however many
workers read them. Phrases without a word boundary to check are counted on the bytes
(UTF-8 is self-synchronising, so a byte match is a character match); the rest decode only
the candidates they look at.

File layout, written in one pass: ``MAGIC``, the texts, zero padding to a multiple of eight
bytes, ``n + 1`` byte offsets into the texts (u64), ``n`` character lengths (u32) padded to
eight bytes, and the section count ``n`` (u64) last. Numbers are in this machine's byte order:
the file is a cache beside the index, rebuilt from it, never copied between machines.
Segments never change, so neither does the file; it is written under a temporary name and
renamed into place, so a reader never sees half of one.
"""

from __future__ import annotations

import mmap
import os
from array import array
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

MAGIC = b"PTEXT02\n"
#: Per index path: the folder the texts of its segments are kept in.
FOLDER_SUFFIX = ".texts"


class TextColumn:
    """One text column of one segment: ``column[doc]`` is a text, ``raw(doc)`` its UTF-8."""

    def __init__(self, path: Path) -> None:
        with path.open("rb") as handle:
            self._map = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        if self._map[: len(MAGIC)] != MAGIC:
            raise ValueError(f"{path} is not a text store")
        view = memoryview(self._map)
        count = view[-8:].cast("Q")[0]
        lengths_at = len(view) - 8 - _padding(count) - 4 * count
        offsets_at = lengths_at - 8 * (count + 1)
        self._offsets = view[offsets_at:lengths_at].cast("Q")
        self._lengths = view[lengths_at : lengths_at + 4 * count].cast("I")
        self._base = len(MAGIC)
        self._count = count
        self.total_chars = sum(self._lengths)

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, doc: int) -> str:
        return self.raw(doc).decode("utf-8")

    def raw(self, doc: int) -> bytes:
        """The UTF-8 bytes of one text (a copy out of the mapped file)."""
        base = self._base
        return self._map[base + self._offsets[doc] : base + self._offsets[doc + 1]]

    def pick_raw(self, docs: Iterable[int]) -> list[bytes]:
        """The UTF-8 bytes of each of ``docs``' texts."""
        data, offsets, base = self._map, self._offsets, self._base
        return [data[base + offsets[d] : base + offsets[d + 1]] for d in docs]

    def length(self, doc: int) -> int:
        """The text's length in characters."""
        return self._lengths[doc]


def store_folder(index_path: str | Path) -> Path:
    """Where the text files of an index's segments live: beside its generations."""
    index_path = Path(index_path)
    return index_path.parent / f".{index_path.name}{FOLDER_SUFFIX}"


def column_path(index_path: str | Path, segment_id: str, name: str) -> Path:
    return store_folder(index_path) / f"{segment_id}.{name}"


def open_column(index_path: str | Path, segment_id: str, name: str, texts: Any) -> TextColumn:
    """The mapped column, written first from ``texts()`` (UTF-8 bytes per section) if needed."""
    path = column_path(index_path, segment_id, name)
    if path.exists():
        try:
            return TextColumn(path)
        except ValueError:  # written by an earlier layout: write it again
            pass
    write_column(path, texts())
    return TextColumn(path)


def write_column(path: Path, values: Iterable[bytes | None]) -> None:
    """Write a column file from each section's UTF-8 text, atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    offsets, lengths = array("Q", [0]), array("I")
    try:
        with temporary.open("wb") as out:
            out.write(MAGIC)
            for value in values:
                value = value or b""
                out.write(value)
                offsets.append(offsets[-1] + len(value))
                lengths.append(len(value.decode("utf-8")))
            out.write(b"\0" * (-(len(MAGIC) + offsets[-1]) % 8))
            offsets.tofile(out)
            lengths.tofile(out)
            out.write(b"\0" * _padding(len(lengths)))
            array("Q", [len(lengths)]).tofile(out)
        temporary.replace(path)
    finally:
        temporary.unlink(missing_ok=True)


def _padding(count: int) -> int:
    """Zero bytes after ``count`` u32 lengths, so the count after them is 8-byte aligned."""
    return 4 * (count % 2)


def prune(index_path: str | Path, keep: Iterable[str]) -> None:
    """Delete the text files of segments not in ``keep`` (processes mapping one keep it)."""
    keep = set(keep)
    folder = store_folder(index_path)
    for path in _files(folder):
        if path.name.split(".", 1)[0] not in keep and not path.name.startswith("."):
            path.unlink(missing_ok=True)


def _files(folder: Path) -> Iterator[Path]:
    try:
        yield from folder.iterdir()
    except FileNotFoundError:
        return
