"""haystack field types the portal's backends map to precise engine field types.

haystack's Whoosh backend turns every ``CharField`` into a stemmed, stored, sortable TEXT field:
wrong for codes and ids (they must match exactly and be readable as columns for facets and
grouping) and wasteful for long text that is never shown from the index.
"""

from __future__ import annotations

from typing import Any

from haystack import indexes


class KeywordField(indexes.CharField):
    """An exact value (code, id, kind) used to filter, count and group; never analysed."""

    field_type = "keyword"


class NumberField(indexes.IntegerField):
    """A whole number kept as a sortable column (dates as ``yyyymmdd``, section order)."""


class AnalyzedTextField(indexes.CharField):
    """Text searched by exact phrase: ``indexed`` for candidate postings, always its normalised
    text in a column (``search.engines.whoosh.fields``) for the exact check and the heading test."""

    def __init__(self, *, indexed: bool = True, **kwargs: Any) -> None:
        kwargs.setdefault("stored", False)
        super().__init__(**kwargs)
        self.indexed = indexed
