"""Term dictionary entries in a few bytes: the index's largest file was mostly fixed headers.

Whoosh's ``W3TermInfo`` writes every term's entry as a 23-byte struct (flags, weight, document
frequency, lengths, highest weight, first and last document) and pickles a short posting list
kept in the entry. The portal's postings are existence only, most unit pairs occur in a few
sections, so the dictionary of a 14 M-character library was two fifths of the index. Here an
entry is flags, the document frequency (a varint), the two length bytes, the total and highest
weight only when they are not one a document, then either the first document, the distance
to the last and the posting list's place in the postings file (varints), or an inlined
posting list: deltas between document numbers, then its weights and values if it has any.
Whoosh reads entries through this module's terms reader, which the portal's codec
(``search.engines.whoosh.writing.PortalCodec``) hands out and segments record.
"""

from __future__ import annotations

import struct
from itertools import accumulate
from typing import Any

from whoosh.codec.whoosh3 import W3FieldCursor, W3TermInfo, W3TermsReader
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length, length_to_byte

#: Flag bits of an entry's first byte.
INLINED = 1
#: Weights other than one per document: total and highest weight follow as floats.
WEIGHTED = 2
#: An inlined posting list with a weight per document (floats after the ids).
INLINED_WEIGHTS = 4
#: An inlined posting list with a value per document (length and bytes, after the weights).
INLINED_VALUES = 8
_FLOATS = struct.Struct("!ff")
_FLOAT = struct.Struct("!f")
#: Bytes enough for the flags and the document frequency varint.
_HEAD = 6


def _varint(n: int, out: bytearray) -> None:
    while n > 0x7F:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)


def _read_varint(data: Any, pos: int) -> tuple[int, int]:
    """The varint at ``pos`` and the position after it."""
    shift = result = 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result, pos
        shift += 7


class CompactTermInfo(W3TermInfo):
    """A ``W3TermInfo`` written and read in the compact layout above.

    Whoosh 2.7's writer calls ``set_inline`` for a posting list short enough to keep in the
    entry, which its ``W3TermInfo`` lacks (inlining was never reached with the default limit
    of 1). Weights of 1.0 are left out (Whoosh's ``ListMatcher``, which reads inlined postings,
    reads missing weights as 1.0), and so are values when every one is empty (a format without
    values, ``Existence``). A merge reads such a posting's value as ``None``, which the writer's
    ``segment_postings`` and ``_valued`` (``search.engines.whoosh.writing``) turn back into ``b""``.
    """

    def set_inline(self, ids: Any, weights: Any, values: Any) -> None:
        weights = () if all(w == 1.0 for w in weights) else tuple(weights)
        values = () if not any(values) else tuple(values)
        self.set_inlined(ids, weights, values)

    def to_bytes(self) -> bytes:
        weighted = not (self._weight == self._df and self._maxweight in (0, 1))
        inlined = self._inlined
        flags = (INLINED if inlined is not None else 0) | (WEIGHTED if weighted else 0)
        if inlined is not None:
            flags |= (INLINED_WEIGHTS if inlined[1] else 0) | (INLINED_VALUES if inlined[2] else 0)
        out = bytearray([flags])
        _varint(self._df, out)
        out.append(0 if self._minlength is None else length_to_byte(self._minlength))
        out.append(length_to_byte(self._maxlength))
        if weighted:
            out += _FLOATS.pack(self._weight, self._maxweight)
        if inlined is None:
            minid = self._minid
            if minid is None:
                out.append(0)
            else:
                _varint(minid + 1, out)
                _varint(self._maxid - minid, out)
            _varint(self._offset, out)
            _varint(self._length, out)
            return bytes(out)
        ids, weights, values = inlined  # as many as the document frequency
        previous = 0
        for doc in ids:
            _varint(doc - previous, out)
            previous = doc
        for weight in weights:
            out += _FLOAT.pack(weight)
        for value in values:
            value = value or b""
            _varint(len(value), out)
            out += value
        return bytes(out)

    @classmethod
    def from_bytes(cls, data: bytes) -> CompactTermInfo:
        info = cls()
        flags = data[0]
        info._df, pos = _read_varint(data, 1)
        info._minlength = byte_to_length(data[pos])
        info._maxlength = byte_to_length(data[pos + 1])
        pos += 2
        if flags & WEIGHTED:
            info._weight, info._maxweight = _FLOATS.unpack_from(data, pos)
            pos += _FLOATS.size
        else:
            info._weight, info._maxweight = float(info._df), 1.0
        if not flags & INLINED:
            first, pos = _read_varint(data, pos)
            if first:
                info._minid = first - 1
                span, pos = _read_varint(data, pos)
                info._maxid = info._minid + span
            else:
                info._minid = info._maxid = None
            info._offset, pos = _read_varint(data, pos)
            info._length, pos = _read_varint(data, pos)
            return info
        count = info._df
        deltas = []
        for _ in range(count):
            delta, pos = _read_varint(data, pos)
            deltas.append(delta)
        weights: tuple[float, ...] = ()
        values: tuple[bytes, ...] = ()
        if flags & INLINED_WEIGHTS:
            weights = struct.unpack_from(f"!{count}f", data, pos)
            pos += 4 * count
        if flags & INLINED_VALUES:
            found = []
            for _ in range(count):
                size, pos = _read_varint(data, pos)
                found.append(bytes(data[pos : pos + size]))
                pos += size
            values = tuple(found)
        ids = tuple(accumulate(deltas))
        info._inlined = (ids, weights, values)
        info._minid, info._maxid = (ids[0], ids[-1]) if ids else (None, None)
        return info

    @classmethod
    def read_doc_freq(cls, dbfile: Any, datapos: int) -> int:
        return _read_varint(dbfile.get(datapos, _HEAD), 1)[0]


class CompactTermsReader(W3TermsReader):
    """Whoosh's terms reader for entries written by ``CompactTermInfo``."""

    def cursor(self, fieldname: str, fieldobj: Any) -> W3FieldCursor:
        return _Cursor(self._tindex, fieldname, self._keycoder, self._keydecoder, fieldobj)

    def items(self) -> Any:
        decode = self._keydecoder
        return ((decode(k), CompactTermInfo.from_bytes(v)) for k, v in self._tindex.items())

    def items_from(self, fieldname: str, prefix: bytes) -> Any:
        decode = self._keydecoder
        start = self._keycoder(fieldname, prefix)
        return (
            (decode(k), CompactTermInfo.from_bytes(v)) for k, v in self._tindex.items_from(start)
        )

    def term_info(self, fieldname: str, tbytes: bytes) -> CompactTermInfo:
        try:
            return CompactTermInfo.from_bytes(self._tindex[self._keycoder(fieldname, tbytes)])
        except KeyError:
            raise TermNotFound(f"No term {fieldname}:{tbytes!r}") from None

    def frequency(self, fieldname: str, tbytes: bytes) -> float:
        return self.term_info(fieldname, tbytes).weight()

    def doc_frequency(self, fieldname: str, tbytes: bytes) -> int:
        datapos = self._range_for_key(fieldname, tbytes)[0]
        return CompactTermInfo.read_doc_freq(self._dbfile, datapos)


class _Cursor(W3FieldCursor):
    def term_info(self) -> CompactTermInfo | None:
        if self._pos is None:
            return None
        return CompactTermInfo.from_bytes(self._tindex.dbfile.get(self._datapos, self._datalen))
