"""What a search request means, restated for the engines: phrase checks, filters, the match.

Every engine answers the same ``Plan`` (Whoosh from its postings and columns, Elasticsearch as
JSON queries) and returns the same ``Match`` rows, so ranking, facets and paging in
``search.core.service`` never depend on the engine. ``PhraseCheck`` is the exact test a
candidate section must pass: the meaning the evaluation oracle states (``quality.evaluation``),
``phrase_pattern`` on normalised text, sentences as ``split_sentences`` cuts them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from search.core.analysis import is_word_char, phrase_pattern, phrase_terms, split_sentences
from search.core.query import Phrase
from search.core.request import Scope, SearchRequest, Within

#: Columns every match carries (what ranking, grouping and facets read), in ``Match`` order.
MATCH_COLUMNS = (
    "section",
    "release",
    "province",
    "region",
    "year",
    "kind",
    "day",
    "order",
    "issuer",
    "validity",
)


class Match(NamedTuple):
    """One matching section with what sorting, grouping and facets need."""

    section: int
    release: int
    score: float
    heading_hit: bool
    province: str
    region: str
    year: str
    kind: str
    day: int
    order: int
    issuer: str = ""  # the issuing bodies, joined by ``search.core.release_metadata.ISSUER_JOIN``
    validity: str = ""


@dataclass(frozen=True, slots=True)
class PhraseCheck:
    """One phrase: the index terms that nominate candidates and the exact test on text."""

    terms: tuple[str, ...]
    needle: str
    pattern: re.Pattern[str] | None  # only when a word unit at an end needs its boundary
    raw_needle: bytes = b""  # the needle in UTF-8, for texts kept as bytes

    @classmethod
    def of(cls, phrase: Phrase) -> PhraseCheck:
        units = list(phrase.units)
        bounded = is_word_char(units[0][0]) or is_word_char(units[-1][-1])
        needle = "".join(units)
        return cls(
            tuple(phrase_terms(units)),
            needle,
            phrase_pattern(units) if bounded else None,
            needle.encode("utf-8"),
        )

    def count(self, text: str) -> int:
        """How many times the phrase occurs in normalised ``text``."""
        if self.pattern is None:
            return text.count(self.needle)
        return sum(1 for _ in self.pattern.finditer(text))

    def counts(self, texts: list[str]) -> list[int]:
        """``count`` of each text, without a Python call per text in the common case."""
        if self.pattern is None:
            needle = self.needle
            return [text.count(needle) for text in texts]
        return list(map(self.count, texts))

    def found(self, text: str) -> bool:
        if self.pattern is None:
            return self.needle in text
        return self.pattern.search(text) is not None

    def counts_raw(self, texts: list[bytes]) -> list[int]:
        """``counts`` of UTF-8 texts: on the bytes where no word boundary needs checking (a
        UTF-8 byte match is a character match), else on the decoded text."""
        if self.pattern is None:
            needle = self.raw_needle
            return [text.count(needle) for text in texts]
        return [self.count(text.decode("utf-8")) for text in texts]

    def found_raw(self, text: bytes) -> bool:
        """``found`` on a UTF-8 text."""
        if self.pattern is None:
            return self.raw_needle in text
        return self.pattern.search(text.decode("utf-8")) is not None


@dataclass(frozen=True, slots=True)
class Plan:
    """A request restated for this module: phrase checks per group, filters, scoring field."""

    field: str
    groups: tuple[tuple[PhraseCheck, ...], ...]
    excluded: tuple[PhraseCheck, ...]
    headings: tuple[PhraseCheck, ...]
    same_sentence: bool
    keywords: tuple[tuple[str, tuple[str, ...]], ...]
    speakers: tuple[PhraseCheck, ...]
    day_from: int | None
    day_to: int | None


def build_plan(request: SearchRequest) -> Plan | None:
    """The checks for ``request``; ``None`` when it has neither a phrase nor a filter. With
    filters alone there are no phrase groups: every section the filters allow matches."""
    parsed = request.query
    if not request.searchable:
        return None
    f = request.filters
    keywords = [
        (name, tuple(values))
        for name, values in (
            ("province", f.provinces),
            ("regions", f.regions),
            ("year", f.years),
            ("kind", f.kinds),
            ("issuers", f.issuers),
            ("doc_numbers", f.doc_numbers),
            ("validity", f.validities),
        )
        if values
    ]
    if f.release is not None:
        keywords.append(("release", (str(f.release),)))
    if f.answers_only:
        keywords.append(("section_kind", ("answer",)))
    title = request.scope == Scope.TITLE
    if title:
        keywords.append(("lead", ("1",)))
    groups = tuple(tuple(PhraseCheck.of(p) for p in group) for group in parsed.groups)
    return Plan(
        field="title" if title else "text",
        groups=groups,
        excluded=tuple(PhraseCheck.of(p) for p in parsed.excluded),
        headings=() if title else tuple(PhraseCheck.of(p) for p in parsed.positive),
        same_sentence=request.within == Within.SENTENCE and len(groups) > 1,
        keywords=tuple(keywords),
        speakers=tuple(PhraseCheck.of(p) for p in f.speakers),
        day_from=f.day_from,
        day_to=f.day_to,
    )


def in_one_sentence(text: str, groups: tuple[tuple[PhraseCheck, ...], ...]) -> bool:
    """Whether one sentence of ``text`` holds a phrase of every group."""
    return any(
        all(any(c.found(sentence) for c in group) for group in groups)
        for sentence in split_sentences(text)
    )
