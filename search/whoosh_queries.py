"""Translate a ``SearchRequest`` into Whoosh query objects (never through Whoosh's parser).

Building queries directly keeps user input out of Whoosh's query syntax: no ``*`` turning into
"every document", no quadratic parsing of long input, no field names typed by users.
"""

from __future__ import annotations

from dataclasses import dataclass

from whoosh import query as wq
from whoosh.query import spans

from search.analysis import SENTENCE_ENDS, phrase_terms, policy_words
from search.query import Phrase
from search.request import Scope, SearchRequest, Within
from search.whoosh_spans import SameSentence


@dataclass(frozen=True, slots=True)
class WhooshPlan:
    """What the backend runs: the matching query, its filter and mask, the ranking helpers.

    Excluded phrases are a mask (documents to drop) rather than ``AndNot``: Whoosh's
    ``AndNotMatcher`` lets through documents whose positive side is a phrase (span) matcher.
    """

    match: wq.Query
    filter: wq.Query
    mask: wq.Query | None
    heading: wq.Query | None
    words: wq.Query | None


def phrase_query(field: str, phrase: Phrase) -> wq.Query:
    """Exact match of one phrase: its unit pairs at consecutive positions."""
    terms = phrase_terms(list(phrase.units))
    if len(terms) == 1:
        return wq.Term(field, terms[0])
    return wq.Phrase(field, terms)


def build_plan(request: SearchRequest) -> WhooshPlan | None:
    """The Whoosh queries for ``request``; ``None`` when it has no phrase to look for."""
    parsed = request.query
    if not parsed.has_terms:
        return None
    field = "title" if request.scope == Scope.TITLE else "text"
    groups = [[phrase_query(field, p) for p in group] for group in parsed.groups]
    if request.within == Within.SENTENCE and len(groups) > 1:
        singles = [[len(p.units) == 1 for p in group] for group in parsed.groups]
        match: wq.Query = _same_sentence(field, groups, singles)
    else:
        match = wq.And([_any(group) for group in groups])
    mask = _any([phrase_query(field, p) for p in parsed.excluded]) if parsed.excluded else None
    heading = words = None
    if request.scope == Scope.FULLTEXT:
        heading = _any([phrase_query("heading", p) for p in parsed.positive])
        vocabulary = sorted({w for p in parsed.positive for w in policy_words(p.text)})
        words = wq.Or([wq.Term("words", w) for w in vocabulary]) if vocabulary else None
    return WhooshPlan(match, build_filter(request), mask, heading, words)


def _any(queries: list[wq.Query]) -> wq.Query:
    return queries[0] if len(queries) == 1 else wq.Or(queries)


def _same_sentence(field: str, groups: list[list[wq.Query]], singles: list[list[bool]]) -> wq.Query:
    """All groups within one sentence: no group's hit may straddle a sentence end."""
    alternatives = [list(zip(g, s, strict=True)) for g, s in zip(groups, singles, strict=True)]
    ends = spans.SpanOr([wq.Term(field, end) for end in sorted(SENTENCE_ENDS)])
    return SameSentence(alternatives, ends)


def build_filter(request: SearchRequest) -> wq.Query:
    """Restrictions that do not affect ranking; only published releases ever match."""
    f = request.filters
    parts: list[wq.Query] = [wq.Term("status", "published")]
    for field, values in (
        ("province", f.provinces),
        ("regions", f.regions),
        ("year", f.years),
        ("kind", f.kinds),
    ):
        if values:
            parts.append(_any([wq.Term(field, value) for value in values]))
    if f.speakers:
        parts.append(_any([phrase_query("speaker", p) for p in f.speakers]))
    if f.day_from is not None or f.day_to is not None:
        parts.append(wq.NumericRange("day", f.day_from or 1, f.day_to))
    if f.release is not None:
        parts.append(wq.Term("release", str(f.release)))
    if f.answers_only:
        parts.append(wq.Term("section_kind", "answer"))
    if request.scope == Scope.TITLE:
        parts.append(wq.Term("lead", "1"))
    return wq.And(parts)
