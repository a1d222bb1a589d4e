"""Elasticsearch's highlights, mapped back onto the section as written.

Elasticsearch holds only normalised text (Simplified script, NFKC, case-folded, whitespace
collapsed; ``search.engines.elasticsearch.mapping``), so the marks it returns sit in that text. The
whole field is asked for (one fragment, ``number_of_fragments: 0``) with private-use characters as
tags; their positions are offsets into the normalised text, which ``normalise_with_offsets`` maps to
the original characters, then split between the heading and the body the way
``search.core.section_text.section_content`` joined them. The page marks those spans in whichever
script it shows, exactly as for the Whoosh backend (``search.core.highlight.render``).
"""

from __future__ import annotations

from typing import Any

from search.core.analysis import normalise_with_offsets
from search.core.highlight import merge_spans as merge
from search.core.plan import PhraseCheck
from search.engines.elasticsearch.query import phrase_query

PRE_TAG = "\ue000"
POST_TAG = "\ue001"
#: Both analyses of the text: a phrase is found (and so marked) in one of them.
HIGHLIGHT_FIELDS = ("text", "text.units")


def highlight_body(section_ids: list[int], checks: list[PhraseCheck]) -> dict[str, Any]:
    """Ask for the whole text of ``section_ids`` with every phrase of ``checks`` marked."""
    marked = {"bool": {"should": [phrase_query("text", c) for c in checks]}}
    options = {
        "type": "unified",
        "number_of_fragments": 0,
        "pre_tags": [PRE_TAG],
        "post_tags": [POST_TAG],
        "highlight_query": marked,
    }
    return {
        "query": {"terms": {"section": section_ids}},
        "size": len(section_ids),
        "_source": False,
        "docvalue_fields": ["section"],
        "highlight": {
            "require_field_match": False,
            "fields": {name: dict(options) for name in HIGHLIGHT_FIELDS},
        },
    }


def tagged_spans(fragment: str) -> list[tuple[int, int]]:
    """Where the tags of one highlighted fragment mark text, as offsets into the untagged text.

    Adjacent and overlapping marks are merged (bigrams of one phrase come marked one by one).
    """
    spans: list[tuple[int, int]] = []
    position = 0
    start: int | None = None
    for ch in fragment:
        if ch == PRE_TAG:
            start = position
        elif ch == POST_TAG:
            if start is not None and position > start:
                spans.append((start, position))
            start = None
        else:
            position += 1
    return merge(spans)


def hit_spans(hit: dict[str, Any]) -> list[tuple[int, int]]:
    """The marked spans of one hit of ``highlight_body``, in normalised-text offsets."""
    spans: list[tuple[int, int]] = []
    for name in HIGHLIGHT_FIELDS:
        for fragment in hit.get("highlight", {}).get(name, ()):
            spans.extend(tagged_spans(fragment))
    return merge(spans)


def to_original(original: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans of ``normalise(original)`` as spans of ``original`` itself."""
    if not spans:
        return []
    norm, where = normalise_with_offsets(original)
    mapped = [
        (where[start], where[end - 1] + 1) for start, end in spans if 0 <= start < end <= len(norm)
    ]
    return merge(mapped)


def split_content(
    heading: str, text: str, spans: list[tuple[int, int]]
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Spans of ``section_content`` (stripped heading, a line break, stripped text) as spans
    of the heading and of the text themselves."""
    head = heading.strip()
    head_shift = len(heading) - len(heading.lstrip())
    body_shift = len(text) - len(text.lstrip())
    body_start = len(head) + 1 if head else 0
    in_heading: list[tuple[int, int]] = []
    in_text: list[tuple[int, int]] = []
    for start, end in spans:
        if head and start < len(head):
            in_heading.append((start + head_shift, min(end, len(head)) + head_shift))
        if end > body_start:
            first = max(start, body_start) - body_start
            in_text.append((first + body_shift, end - body_start + body_shift))
    return in_heading, in_text
