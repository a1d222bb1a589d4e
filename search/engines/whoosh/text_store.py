"""Each segment's normalised texts in one file, mapped into memory and shared by every process.

The exact check reads the normalised text of every candidate section. Decoded into Python
strings, those texts cost each server process about two bytes a character of its own (plus
an object per section): four gunicorn workers held four copies. Here a segment's column is
written once, as UTF-8 with an offset table, into a file beside the index, and every process
maps it read-only: the pages are the operating system's page cache, counted once however many
workers read them. Phrases without a word boundary to check are counted on the bytes
(UTF-8 is self-synchronising, so a byte match is a character match); the rest decode only
the candidates they look at.

File layout: ``MAGIC``, the section count ``n`` (u64), ``n + 1`` byte offsets (u64), ``n``
character lengths (u32), then the texts. Segments never change, so neither does the file; it
is written under a temporary name and renamed into place, so a reader never sees half of one.
"""

from __future__ import annotations

import mmap
import os
import struct
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

MAGIC = b"PTEXT01\n"
_COUNT = struct.Struct("<Q")
#: Per index path: the folder the texts of its segments are kept in.
FOLDER_SUFFIX = ".texts"


class TextColumn:
    """One text column of one segment: ``column[doc]`` is a text, ``raw(doc)`` its UTF-8."""

    def __init__(self, path: Path) -> None:
        with path.open("rb") as handle:
            self._map = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        if self._map[: len(MAGIC)] != MAGIC:
            raise ValueError(f"{path} is not a text store")
        (count,) = _COUNT.unpack_from(self._map, len(MAGIC))
        start = len(MAGIC) + _COUNT.size
        view = memoryview(self._map)
        self._offsets = view[start : start + 8 * (count + 1)].cast("Q")
        start += 8 * (count + 1)
        self._lengths = view[start : start + 4 * count].cast("I")
        self._base = start + 4 * count
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
    if not path.exists():
        write_column(path, texts())
    return TextColumn(path)


def write_column(path: Path, values: Iterable[bytes | None]) -> None:
    """Write a column file from each section's UTF-8 text, atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    offsets, lengths, blob = [0], [], temporary.with_suffix(".blob")
    try:
        with blob.open("wb") as out:
            for value in values:
                value = value or b""
                out.write(value)
                offsets.append(offsets[-1] + len(value))
                lengths.append(len(value.decode("utf-8")))
        with temporary.open("wb") as out, blob.open("rb") as texts:
            out.write(MAGIC)
            out.write(_COUNT.pack(len(lengths)))
            out.write(struct.pack(f"<{len(offsets)}Q", *offsets))
            out.write(struct.pack(f"<{len(lengths)}I", *lengths))
            while chunk := texts.read(1 << 20):
                out.write(chunk)
        temporary.replace(path)
    finally:
        blob.unlink(missing_ok=True)
        temporary.unlink(missing_ok=True)


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
