"""The normalised texts as a Whoosh column in a layout every process maps and shares.

The exact check reads the normalised text of every candidate section. Decoded into Python
strings, those texts cost each server process about two bytes a character of its own (plus
an object per section): four gunicorn workers held four copies. Whoosh's compressed columns
would need a decompression per candidate. So the text fields' column type
(``MappedTextColumn``) writes plain UTF-8 with an offset table, and its reader maps the
segment's column file read-only: the pages are the operating system's page cache, counted
once however many workers read them. Phrases without a word boundary to check are counted on
the bytes (UTF-8 is self-synchronising, so a byte match is a character match); the rest
decode only the candidates they look at.

The column is the index's only copy of the texts: Whoosh writes it with the segment (in the
forked sub-processes of a bulk write too) and copies it through its own column readers when
it merges segments, so there is no second file to keep in step.

File layout, written in one pass: ``MAGIC``, the texts, zero padding to a multiple of eight
bytes, ``n + 1`` byte offsets into the texts (u64), ``n`` character lengths (u32) padded to
eight bytes, and the section count ``n`` (u64) last. Numbers are in this machine's byte order:
an index is rebuilt, never copied, between machines of another architecture (backups hold the
database and the originals, not the index).
"""

from __future__ import annotations

import io
import mmap
import shutil
from array import array
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from whoosh.columns import Column, ColumnReader, ColumnWriter

MAGIC = b"PTEXT03\n"
#: The folder earlier versions kept the texts in, beside the index path; removed when found.
LEGACY_FOLDER_SUFFIX = ".texts"


class TextColumn:
    """One text column of one segment: ``column[doc]`` is a text, ``raw(doc)`` its UTF-8."""

    def __init__(self, data: Any) -> None:
        """``data``: the column's bytes, a mapped file or a ``bytes`` object."""
        if bytes(data[: len(MAGIC)]) != MAGIC:
            raise ValueError("not a text column of this layout")
        self._map = data
        view = memoryview(data)
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

    @property
    def lengths(self) -> memoryview:
        """Every text's length in characters, by document (read-only)."""
        return self._lengths

    def length(self, doc: int) -> int:
        """The text's length in characters."""
        return self._lengths[doc]


class MappedTextColumn(Column):
    """Whoosh column type of the normalised texts (UTF-8 bytes per document), mapped to read."""

    _default = b""

    def writer(self, dbfile: Any) -> _Writer:
        return _Writer(dbfile)

    def reader(self, dbfile: Any, basepos: int, length: int, doccount: int) -> _Reader:
        return _Reader(dbfile, basepos, length, doccount)


class _Writer(ColumnWriter):
    """Writes the texts as they come, keeping offsets and lengths (12 bytes a document)."""

    def __init__(self, dbfile: Any) -> None:
        super().__init__(dbfile)
        dbfile.write(MAGIC)
        self._offsets = array("Q", [0])
        self._lengths = array("I")

    def fill(self, docnum: int) -> None:
        """Empty texts for the documents without a value up to ``docnum``."""
        missing = docnum - len(self._lengths)
        if missing > 0:
            self._offsets.extend([self._offsets[-1]] * missing)
            self._lengths.extend([0] * missing)

    def add(self, docnum: int, value: bytes) -> None:
        self.fill(docnum)
        value = value or b""
        self._dbfile.write(value)
        self._offsets.append(self._offsets[-1] + len(value))
        self._lengths.append(len(value.decode("utf-8")))

    def finish(self, doccount: int) -> None:
        self.fill(doccount)
        out = self._dbfile
        out.write(b"\0" * (-(len(MAGIC) + self._offsets[-1]) % 8))
        out.write(self._offsets.tobytes())
        out.write(self._lengths.tobytes())
        out.write(b"\0" * _padding(len(self._lengths)))
        out.write(array("Q", [len(self._lengths)]).tobytes())


class _Reader(ColumnReader):
    """Whoosh's view of the column (bytes per document, as merges copy them) over a mapped file;
    ``texts`` is the matcher's."""

    def __init__(self, dbfile: Any, basepos: int, length: int, doccount: int) -> None:
        super().__init__(dbfile, basepos, length, doccount)
        self.texts = TextColumn(_mapped(dbfile, basepos, length))

    def __getitem__(self, docnum: int) -> bytes:
        return self.texts.raw(docnum)

    def __iter__(self) -> Any:
        raw = self.texts.raw
        return (raw(d) for d in range(len(self.texts)))


def _mapped(dbfile: Any, basepos: int, length: int) -> Any:
    """The column's bytes: the file mapped read-only, or read into memory where there is no
    file to map (Whoosh's in-memory storage)."""
    handle = getattr(dbfile, "file", None)
    try:
        fileno = handle.fileno()
    except (AttributeError, OSError, ValueError):
        fileno = None
    if fileno is not None and basepos == 0:
        mapped = mmap.mmap(fileno, 0, access=mmap.ACCESS_READ)
        if len(mapped) == length:
            return mapped
        mapped.close()
    dbfile.seek(basepos)
    return dbfile.read(length)


def empty_texts(count: int) -> TextColumn:
    """``count`` empty texts: a segment without the column (no document had the field)."""
    out = io.BytesIO()
    writer = _Writer(out)
    writer.finish(count)
    return TextColumn(out.getvalue())


def mapped_bytes(index_path: str | Path) -> int:
    """Bytes of an index's text columns (the mapped part of it)."""
    total = 0
    for path in Path(index_path).resolve().glob("*.col"):
        with path.open("rb") as handle:
            if handle.read(len(MAGIC)) == MAGIC:
                total += path.stat().st_size
    return total


def remove_legacy_folder(index_path: str | Path) -> None:
    """Delete the separate text files an earlier version kept beside the index, if any."""
    index_path = Path(index_path)
    legacy = index_path.parent / f".{index_path.name}{LEGACY_FOLDER_SUFFIX}"
    shutil.rmtree(legacy, ignore_errors=True)


def _padding(count: int) -> int:
    """Zero bytes after ``count`` u32 lengths, so the count after them is 8-byte aligned."""
    return 4 * (count % 2)
