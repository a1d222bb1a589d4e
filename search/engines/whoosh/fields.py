"""Whoosh field types for exact substring search: candidate postings plus the normalised text.

A phrase is found in two steps (``search.engines.whoosh.matching``): the index says which sections
hold every unit pair of the phrase, and the section's normalised text, kept in a compressed column
of the same field, says whether the pairs really stand in a row and how often. So the postings
need no positions and no frequencies, only "this term is in this section": the smallest of
Whoosh's formats, and the check against the text is exact where Whoosh's pure-Python phrase
matcher was slow on frequent characters.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from whoosh.columns import CompressedBytesColumn
from whoosh.fields import COLUMN, TEXT
from whoosh.formats import Existence

from search.core.analysis import normalise

_EMPTY = b""


class ExactText(TEXT):
    """Indexed as a set of unit and unit-pair terms per document; the normalised text as a column.

    ``column_type`` is set per instance (like Whoosh's own ``sortable=``) so the pickled schema
    in the index says how the column was written.
    """

    def __init__(self, analyzer: Any, field_boost: float = 1.0) -> None:
        super().__init__(analyzer=analyzer, phrase=False, stored=False, field_boost=field_boost)
        self.format = Existence(field_boost=field_boost)
        self.column_type = CompressedBytesColumn()

    def to_column_value(self, value: Any) -> bytes:
        return normalised_bytes(value)

    def index(self, value: Any, **kwargs: Any) -> Iterator[tuple]:
        """(term bytes, 1, boost, b"") per distinct term, as Whoosh's writer takes postings."""
        term_set = getattr(self.analyzer, "term_set", None)
        if term_set is None or not isinstance(value, str):
            yield from super().index(value, **kwargs)
            return
        boost = self.format.field_boost
        for text in term_set(value):
            yield text.encode("utf-8"), 1, boost, _EMPTY


class NormalisedColumn(COLUMN):
    """Not indexed; only the normalised text, for checks and highlighting (headings, speakers)."""

    def __init__(self) -> None:
        super().__init__(CompressedBytesColumn())

    def to_column_value(self, value: Any) -> bytes:
        return normalised_bytes(value)


def normalised_bytes(value: Any) -> bytes:
    """What a text column holds: the normalised text, UTF-8."""
    if isinstance(value, list | tuple):
        value = " ".join(str(v) for v in value)
    return normalise(value or "").encode("utf-8")
