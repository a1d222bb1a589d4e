"""haystack field types the portal's backends map to precise engine field types.

haystack's Whoosh backend turns every ``CharField`` into a stemmed, stored, sortable TEXT field:
wrong for codes and ids (they must match exactly and be readable as columns for facets and
grouping) and wasteful for long text that is never shown from the index.
"""

from __future__ import annotations

from typing import Any

from haystack import indexes


class KeywordField(indexes.CharField):
    """An exact value (code, id, kind) used to filter, count and group; never analysed.

    ``indexed=False``: only read per section (an id, a version), never filtered on.
    ``few_values``: a code repeated over many sections, with far fewer distinct values than
    sections (a kind, a status, a region), which an engine may keep as references to them.
    """

    field_type = "keyword"

    def __init__(self, *, few_values: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.few_values = few_values


class NumberField(indexes.IntegerField):
    """A whole number read per section (dates as ``yyyymmdd``, section order): a column,
    compared and sorted on, never an index term."""


class AnalyzedTextField(indexes.CharField):
    """Text searched by exact phrase: ``indexed`` for candidate postings, always its normalised
    text in a column (``search.engines.whoosh.fields``) for the exact check and the heading test."""

    def __init__(self, *, indexed: bool = True, **kwargs: Any) -> None:
        kwargs.setdefault("stored", False)
        super().__init__(**kwargs)
        self.indexed = indexed
