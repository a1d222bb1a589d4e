"""Whoosh field types of the portal's index: candidate postings, normalised texts and plain columns.

A phrase is found in two steps (``search.engines.whoosh.matching``): the index says which sections
hold every unit pair of the phrase, and the section's normalised text, kept in a mapped column of
the same field (``text_store``), says whether the pairs really stand in a row and how often. So
the postings need no positions and no frequencies, only "this term is in this section": the
smallest of Whoosh's formats, and the check against the text is exact where Whoosh's pure-Python
phrase matcher was slow on frequent characters.

Values only ever read per document (a section's id, its version, its order) are columns without
index terms: a term per section costs its dictionary entry (some seventy bytes) in every segment.
Codes repeated over many sections (kind, status, region) are columns of references to their
distinct values, a byte or two a section.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from whoosh.columns import NumericColumn, RefBytesColumn, VarBytesColumn
from whoosh.fields import COLUMN, ID, TEXT
from whoosh.formats import Existence

from search.core.analysis import normalise
from search.engines.whoosh.text_store import MappedTextColumn

_EMPTY = b""


class ExactText(TEXT):
    """Indexed as a set of unit and unit-pair terms per document; the normalised text as a column.

    ``column_type`` is set per instance (like Whoosh's own ``sortable=``) so the pickled schema
    in the index says how the column was written.
    """

    def __init__(self, analyzer: Any, field_boost: float = 1.0) -> None:
        super().__init__(analyzer=analyzer, phrase=False, stored=False, field_boost=field_boost)
        self.format = Existence(field_boost=field_boost)
        self.column_type = MappedTextColumn()

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
        super().__init__(MappedTextColumn())

    def to_column_value(self, value: Any) -> bytes:
        return normalised_bytes(value)


class CodeColumn(COLUMN):
    """A text value read per document only (a section's id or version): no index term."""

    def __init__(self) -> None:
        super().__init__(VarBytesColumn())

    def to_column_value(self, value: Any) -> bytes:
        return str(value or "").encode("utf-8")

    def from_column_value(self, value: bytes) -> str:
        return value.decode("utf-8")


class NumberColumn(COLUMN):
    """A whole number read per document only (dates as ``yyyymmdd``, section order)."""

    def __init__(self) -> None:
        super().__init__(NumericColumn("i", default=0))

    def to_column_value(self, value: Any) -> int:
        return int(value or 0)

    def from_column_value(self, value: int) -> int:
        return value


def repeated_code() -> ID:
    """A code filtered on (an index term) and read per document from a column of references
    to its distinct values. Only for fields with far fewer than the 65,535 distinct values
    Whoosh's ``RefBytesColumn`` holds (kinds, statuses, years, validity, regions, provinces)."""
    return ID(stored=False, sortable=RefBytesColumn())


def normalised_bytes(value: Any) -> bytes:
    """What a text column holds: the normalised text, UTF-8."""
    if isinstance(value, list | tuple):
        value = " ".join(str(v) for v in value)
    return normalise(value or "").encode("utf-8")
