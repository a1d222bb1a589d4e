"""A Whoosh query for "all groups in one sentence" that stays linear in the number of hits.

``SpanNot(SpanNear2(groups, slop=∞), sentence ends)`` says the same thing, but SpanNear2 builds
every combination of the groups' occurrences: five common words in long sections took seconds.
Here each occurrence is assigned the sentence it lies in (the number of sentence ends before it,
found by bisection), occurrences that straddle a sentence end are dropped, and a section
matches when one sentence number is shared by every group.

A sentence end belongs to the sentence it ends, so it may be an occurrence's last unit. A
multi-unit phrase's span runs from its first to its last unit *pair* (pairs sit at their first
unit), so any end inside the span is a crossing; a one-unit occurrence never crosses.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Any

from whoosh import query as wq
from whoosh.matching import IntersectionMatcher, NullMatcher, UnionMatcher
from whoosh.query.spans import Span, SpanQuery, SpanWrappingMatcher
from whoosh.util import make_binary_tree

#: One alternative of a group: its query, and whether it is a single unit (a unigram term).
Alternative = tuple[wq.Query, bool]


class SameSentence(SpanQuery):
    """Documents where every group matches inside one sentence (``ends`` mark sentence ends)."""

    def __init__(self, groups: list[list[Alternative]], ends: wq.Query) -> None:
        self.alternatives = [list(group) for group in groups]
        self.groups = [_any([q for q, _single in group]) for group in self.alternatives]
        self.ends = ends
        self.q = wq.And(self.groups)

    def __repr__(self) -> str:
        return f"SameSentence({self.groups!r}, {self.ends!r})"

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, SameSentence)
            and self.alternatives == other.alternatives
            and self.ends == other.ends
        )

    def __hash__(self) -> int:
        return hash((tuple(self.groups), self.ends))

    def is_leaf(self) -> bool:
        return False

    def children(self) -> list[wq.Query]:
        return self.groups

    def apply(self, fn: Any) -> SameSentence:
        return SameSentence(
            [[(fn(q), single) for q, single in group] for group in self.alternatives], self.ends
        )

    def estimate_size(self, ixreader: Any) -> int:
        return self.q.estimate_size(ixreader)

    def estimate_min_size(self, ixreader: Any) -> int:
        return self.q.estimate_min_size(ixreader)

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        groups = []
        for group in self.alternatives:
            alternatives = [(q.matcher(searcher, context), single) for q, single in group]
            alternatives = [(m, single) for m, single in alternatives if m.is_active()]
            if not alternatives:
                return NullMatcher()
            groups.append(alternatives)
        return SameSentenceMatcher(groups, self.ends.matcher(searcher, context))


def _any(queries: list[wq.Query]) -> wq.Query:
    return queries[0] if len(queries) == 1 else wq.Or(queries)


class SameSentenceMatcher(SpanWrappingMatcher):
    """Intersection of the groups, kept only where they share a sentence."""

    def __init__(self, groups: list[list[tuple[Any, bool]]], ends: Any) -> None:
        self.groups = groups
        self.ends = ends
        unions = [make_binary_tree(UnionMatcher, [m for m, _s in group]) for group in groups]
        super().__init__(make_binary_tree(IntersectionMatcher, unions))

    def copy(self) -> SameSentenceMatcher:
        # Copies must share nothing with the original: rebuild from copied alternatives.
        groups = [[(m.copy(), single) for m, single in group] for group in self.groups]
        return SameSentenceMatcher(groups, self.ends.copy())

    def replace(self, minquality: float = 0) -> Any:
        return self if self.is_active() else NullMatcher()

    def _sentence_ends(self, docnum: int) -> list[int]:
        ends = self.ends
        if not ends.is_active():
            return []
        if ends.id() < docnum:
            ends.skip_to(docnum)
        if ends.is_active() and ends.id() == docnum:
            return sorted(span.start for span in ends.spans())
        return []

    def _get_spans(self) -> list[Span]:
        docnum = self.id()
        stops = self._sentence_ends(docnum)
        shared: set[int] | None = None
        first = last = None
        for group in self.groups:
            sentences = set()
            for matcher, single in group:
                if not matcher.is_active() or matcher.id() != docnum:
                    continue
                for span in matcher.spans():
                    sentence = bisect_left(stops, span.start)
                    if single or sentence == bisect_right(stops, span.end):
                        sentences.add(sentence)
                        first = span.start if first is None else min(first, span.start)
                        last = span.end if last is None else max(last, span.end)
            shared = sentences if shared is None else shared & sentences
            if not shared:
                return []
        return [Span(first, last)] if shared else []
