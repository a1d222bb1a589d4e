"""The postings of a segment being written, kept per term instead of one tuple per posting.

Whoosh's ``PostingPool`` holds each posting as a tuple (about 170 bytes), sorts them all when it
writes the segment, and once its memory limit is reached spills sorted runs to temporary files
that it merges again posting by posting. On the 1x benchmark library (15 M characters) a
rebuild spent more time in those spills and merges than in analysing the text: the same
rebuild took 149 s with the limit at 256 MB and 84 s with no spill at all (and 1.4 GB per
process).

The portal's terms are "this unit pair is in this section" (``Existence``): a posting is a
document number. Documents are added in order, so each term's numbers arrive sorted; ``TermPool``
appends them to an array of 4-byte numbers per term and sorts only the terms when the segment
is written. A term whose postings carry a weight or value other than its field's usual one
keeps them as full postings. When the estimated size passes the limit, the terms so far are
written to a run file in term order; runs are merged term by term (not posting by posting),
each run's numbers following the previous run's.
"""

from __future__ import annotations

import heapq
import pickle
from array import array
from collections.abc import Iterator
from itertools import groupby, pairwise
from operator import itemgetter
from typing import Any

from whoosh.util import random_name

#: (field name, term bytes): one posting list.
Key = tuple[str, bytes]
#: Whoosh's posting: (field name, term bytes, document number, weight, value bytes).
Posting = tuple[str, bytes, int, float, Any]

#: Estimated bytes a term costs in memory (key tuple, term bytes, dict slot, array) and a
#: document number in its array: what the limit is checked against.
TERM_BYTES = 260
DOC_BYTES = 4
_DOCNUM = itemgetter(0)


class TermPool:
    """Whoosh's posting pool (``add``, ``iter_postings``, ``cleanup``, ``fieldnames``),
    holding each term's document numbers in one array."""

    def __init__(self, tempstore: Any, segment: Any = None, limitmb: int = 128, **_: Any) -> None:
        self.tempstore = tempstore
        self.segment = segment
        self.limit = limitmb * 1024 * 1024
        self.fieldnames: set[str] = set()
        self._usual: dict[str, tuple[float, Any]] = {}  # per field: its postings' weight, value
        self._docs: dict[Key, array] = {}
        self._full: dict[Key, list[tuple[int, float, Any]]] = {}  # terms with unusual postings
        self._unsorted: set[Key] = set()
        self._size = 0
        self.runs: list[str] = []

    def add(self, item: Posting) -> None:
        """Add one posting (Whoosh's tuple)."""
        fieldname, tbytes, docnum, weight, value = item
        key = (fieldname, tbytes)
        usual = self._usual.get(fieldname)
        if usual is None:
            usual = self._usual[fieldname] = (weight, value)
            self.fieldnames.add(fieldname)
        full = self._full.get(key)
        if full is None and (weight, value) != usual:
            full = self._full[key] = [(d, *usual) for d in self._docs.pop(key, ())]
        if full is not None:
            if full and docnum < full[-1][0]:
                self._unsorted.add(key)
            full.append((docnum, weight, value))
            self._size += TERM_BYTES // 2
        else:
            docs = self._docs.get(key)
            if docs is None:
                docs = self._docs[key] = array("I")
                self._size += TERM_BYTES
            elif docnum < docs[-1]:
                self._unsorted.add(key)
            docs.append(docnum)
            self._size += DOC_BYTES
        if self._size > self.limit:
            self.save()

    def save(self) -> None:
        """Write the terms held in memory to a run file, in term order, and forget them."""
        if not self._docs and not self._full:
            return
        name = f"{random_name()}.run"
        with self.tempstore.create_file(name).raw_file() as out:
            for key, docs, full in self._in_memory():
                packed = docs.tobytes() if docs is not None else None
                pickle.dump((key, packed, full), out, pickle.HIGHEST_PROTOCOL)
        self.runs.append(name)
        self._docs, self._full, self._unsorted = {}, {}, set()
        self._size = 0

    def iter_postings(self) -> Iterator[Posting]:
        """Every posting, in (field, term, document) order."""
        sources = [self._read_run(name) for name in self.runs]
        sources.append(self._in_memory())
        for key, group in groupby(heapq.merge(*sources, key=itemgetter(0)), key=itemgetter(0)):
            fieldname, tbytes = key
            weight, value = self._usual[fieldname]
            parts = [(docs, full) for _key, docs, full in group]
            if all(full is None for _docs, full in parts):
                docs = parts[0][0]
                if len(parts) > 1:
                    docs = array("I")
                    for more, _full in parts:
                        if docs and more[0] < docs[-1]:
                            docs = array("I", sorted([*docs, *more]))
                        else:
                            docs.extend(more)
                for docnum in docs:
                    yield fieldname, tbytes, docnum, weight, value
                continue
            postings: list[tuple[int, float, Any]] = []
            for docs, full in parts:
                postings.extend(full if full is not None else [(d, weight, value) for d in docs])
            if any(a[0] > b[0] for a, b in pairwise(postings)):
                postings.sort(key=_DOCNUM)
            for docnum, own_weight, own_value in postings:
                yield fieldname, tbytes, docnum, own_weight, own_value

    def cleanup(self) -> None:
        """Delete the run files."""
        for name in self.runs:
            self.tempstore.delete_file(name)
        self.runs = []

    def _in_memory(self) -> Iterator[tuple[Key, array | None, list | None]]:
        """The terms held in memory in term order: each with its document numbers in order, or
        (a term with unusual postings) its full postings in order."""
        for key in sorted(self._docs.keys() | self._full.keys()):
            full = self._full.get(key)
            if full is None:
                docs = self._docs[key]
                if key in self._unsorted:
                    docs = array("I", sorted(docs))
                yield key, docs, None
            else:
                yield key, None, sorted(full, key=_DOCNUM) if key in self._unsorted else full

    def _read_run(self, name: str) -> Iterator[tuple[Key, array | None, list | None]]:
        with self.tempstore.open_file(name).raw_file() as run:
            while True:
                try:
                    key, packed, full = pickle.load(run)  # noqa: S301 - a run this pool wrote
                except EOFError:
                    return
                docs = None
                if packed is not None:
                    docs = array("I")
                    docs.frombytes(packed)
                yield key, docs, full
