"""Search quality evaluation: the engine's matches against an oracle that never reads the index.

The engine takes candidates from the index's unit-pair postings, checks them against the
normalised text the index keeps in a column, and filters by index fields: the term rules, the
columns, the deletions and the filters are each a place where a result can be lost or gained
without anyone noticing. The oracle restates what a query *means* in the plainest
terms available and computes it by scanning the database:

* a section is relevant iff its normalised content (heading, line break, text) contains the
  normalised phrase, where "contains" is ``phrase_pattern`` (the shared definition, including
  the rule that ``5g`` is not inside ``15g``);
* every OR-group needs one contained phrase, no excluded phrase may be contained;
* filters are applied with the ORM to releases and sections, not to index fields.

What engine and oracle share, exactly:

* ``normalise`` — the one normalisation (the agreed meaning of "the same text");
* ``split_sentences`` — the agreed meaning of a sentence (``within=sentence``);
* for queries that use the query language (OR, NOT, ``-``, parentheses, ``field:value``,
  topics), the engine's parsed request — its phrases, filters and region resolution — and
  ``phrase_pattern``, the shared statement of "contains" with its word-run boundaries.

A plain query — words separated by spaces, phrases in quotes, nothing else — shares even less:
the oracle splits it on spaces itself (``plain_phrases``), normalises each word, builds each
section's content from its heading and text itself, and scans with its own substring rule
(``independent_contains``: ``str.find``, then the boundary of a digit or letter run checked by
hand). A bug in the query parser, in the function that builds the indexed text or in the
pattern compiler shows there as a disagreement. The index terms, the stored texts and the
index's filter columns are never shared, so a disagreement points at the index or the query
translation. Recall and precision per query are then exact, not estimated: the oracle lists
every relevant section.

Queries come from a JSONL file, one object a line: URL parameters as the search page reads
them (``q``, ``within``, ``scope``, ``region`` …), plus three reserved keys that are not
parameters: ``note`` (why the query is there), ``tag`` (its family, for per-family summaries)
and ``expect`` (``{"min": n}`` / ``{"max": n}`` bounds on the oracle's relevant count, so a
query meant to hit many sections cannot silently turn into one that tests nothing).
"""

from __future__ import annotations

import json
import math
import re
import statistics
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Min
from django.utils import translation

from documents.models import Region, Release, Section
from search.core.analysis import normalise, phrase_pattern, split_sentences
from search.core.query import ParsedQuery, Phrase, QueryTooLong
from search.core.release_metadata import doc_number_key, issuer_parts
from search.core.request import (
    UNKNOWN_YEAR,
    BadSearchParameter,
    Filters,
    Scope,
    SearchRequest,
    Within,
    build_request,
)
from search.core.service import match

#: Keys of a query line that describe the query instead of being search parameters.
RESERVED_KEYS = frozenset({"note", "tag", "expect"})
#: How often each query is run; the median wall time is reported.
DEFAULT_RUNS = 3


# -- the queries file --------------------------------------------------------------------------


class QueryFileError(ValueError):
    """A queries file that cannot be used; the message names the file and, if any, the line."""


@dataclass(frozen=True, slots=True)
class EvalQuery:
    """One line of the queries file: search parameters plus what the line says about itself."""

    line: int
    params: dict[str, list[str]]
    source: str = "<queries>"
    note: str = ""
    tag: str = ""
    expect_min: int | None = None
    expect_max: int | None = None

    @property
    def where(self) -> str:
        """``file:line``, for messages."""
        return f"{self.source}:{self.line}"

    @property
    def label(self) -> str:
        """The query as a person would read it: ``q`` first, then ``key=value`` parameters."""
        parts = [" ".join(self.params.get("q", []))]
        parts += [f"{k}={v}" for k, values in self.params.items() if k != "q" for v in values]
        return "  ".join(p for p in parts if p)


def load_queries(path: Path) -> list[EvalQuery]:
    """Read and check a JSONL queries file; blank lines are skipped, anything else must parse."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise QueryFileError(f"{path}: no such file") from None
    except UnicodeDecodeError as exc:
        raise QueryFileError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise QueryFileError(f"{path}: cannot read ({exc.strerror or exc})") from None
    queries = [
        parse_query_line(line, number, path)
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip()
    ]
    if not queries:
        raise QueryFileError(f"{path}: no queries (expected one JSON object per line)")
    return queries


def parse_query_line(text: str, line: int, path: Path | str = "<queries>") -> EvalQuery:
    """One query line; every problem is a ``QueryFileError`` naming ``path:line``."""
    where = f"{path}:{line}"
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise QueryFileError(f"{where}: not valid JSON ({exc.msg}, column {exc.colno})") from None
    if not isinstance(data, dict):
        raise QueryFileError(f"{where}: expected a JSON object, got {type(data).__name__}")
    params: dict[str, list[str]] = {}
    for key, value in data.items():
        if key in RESERVED_KEYS:
            continue
        values = value if isinstance(value, list) else [value]
        if not values or not all(isinstance(v, str | int | float) for v in values):
            raise QueryFileError(
                f"{where}: parameter {key!r} must be a string, a number or a list of them"
            )
        params[key] = [_param_text(v) for v in values]
    if not params.get("q"):
        raise QueryFileError(f'{where}: missing the query text "q"')
    note, tag = data.get("note", ""), data.get("tag", "")
    if not isinstance(note, str) or not isinstance(tag, str):
        raise QueryFileError(f'{where}: "note" and "tag" must be strings')
    expect_min, expect_max = _expectation(data.get("expect"), where)
    return EvalQuery(line, params, str(path), note, tag, expect_min, expect_max)


def _param_text(value: str | int | float) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def _expectation(value: Any, where: str) -> tuple[int | None, int | None]:
    if value is None:
        return None, None
    bounds = {"min", "max"}
    if not isinstance(value, dict) or not value or set(value) - bounds:
        raise QueryFileError(f'{where}: "expect" must be an object with "min" and/or "max"')
    for key, bound in value.items():
        if not isinstance(bound, int) or isinstance(bound, bool) or bound < 0:
            raise QueryFileError(f'{where}: "expect.{key}" must be a whole number ≥ 0')
    return value.get("min"), value.get("max")


def build_requests(queries: Sequence[EvalQuery]) -> list[SearchRequest]:
    """Validate every query's parameters as the search page would, before anything runs.

    Parameters are read in the portal's default language: some values (kind names such as
    ``新闻发布会``) are matched against translated labels, and an evaluation must not depend on
    which UI language a previous request left active in this thread.
    """
    requests = []
    with translation.override(settings.LANGUAGE_CODE):
        for query in queries:
            try:
                request, _paging = build_request(query.params)
            except (BadSearchParameter, QueryTooLong) as exc:
                raise QueryFileError(f"{query.where}: {exc}") from None
            requests.append(request)
    return requests


# -- the oracle --------------------------------------------------------------------------------


@lru_cache(maxsize=1024)
def _pattern(units: tuple[str, ...]) -> re.Pattern[str]:
    return phrase_pattern(list(units))


#: What makes a query more than words and quoted phrases: operators, signs, brackets, fields.
_QUERY_LANGUAGE = re.compile(
    r"(?:^|\s)(?:OR|AND|NOT)(?=\s|$)|[|&()（）]|(?:^|\s)[-−]|[\w\u4e00-\u9fff]+[:：]"
)
_QUOTED = re.compile(r'"([^"]*)"|“([^”]*)”|「([^」]*)」|『([^』]*)』')


def plain_phrases(text: str) -> list[str] | None:
    """The normalised phrases of a plain query — split on spaces, a quoted phrase kept whole —
    or ``None`` when the query uses the query language (then the engine's parse is used)."""
    if _QUERY_LANGUAGE.search(text) or text.count('"') % 2:
        return None
    phrases = []
    for found in _QUOTED.finditer(text):
        phrases.append(next(g for g in found.groups() if g is not None))
    rest = _QUOTED.sub(" ", text)
    phrases.extend(rest.split())
    normalised = [normalise(p).strip() for p in phrases]
    return [p for p in normalised if p] or None


def _run_class(ch: str) -> str:
    """``d`` for a digit, ``l`` for a letter outside the CJK blocks, ``""`` for anything else."""
    if ch.isdigit():
        return "d"
    if ch.isalpha() and ord(ch) < 0x2E80:
        return "l"
    return ""


def independent_contains(text: str, phrase: str) -> bool:
    """Whether normalised ``text`` holds normalised ``phrase`` where a reader would say so: a
    run of digits or letters at either end of the phrase does not continue in the text
    (``53项`` is not in ``353项``, ``2.5`` is in ``pm2.5``). Written apart from
    ``phrase_pattern``."""
    first, last = _run_class(phrase[0]), _run_class(phrase[-1])
    at = text.find(phrase)
    while at >= 0:
        end = at + len(phrase)
        before_ok = not first or at == 0 or _run_class(text[at - 1]) != first
        after_ok = not last or end == len(text) or _run_class(text[end]) != last
        if before_ok and after_ok:
            return True
        at = text.find(phrase, at + 1)
    return False


def plain_satisfies(phrases: list[str], norm: str, *, within_sentence: bool = False) -> bool:
    """``satisfies`` for a plain query: every phrase is contained (in one sentence, if asked)."""
    if not all(independent_contains(norm, p) for p in phrases):
        return False
    if not within_sentence or len(phrases) < 2:
        return True
    return any(
        all(independent_contains(sentence, p) for p in phrases)
        for sentence in split_sentences(norm)
    )


def contains(text: str, phrase: Phrase) -> bool:
    """Whether normalised ``text`` contains the phrase (the agreed meaning of a match)."""
    return _pattern(phrase.units).search(text) is not None


def satisfies(query: ParsedQuery, norm: str, *, within_sentence: bool = False) -> bool:
    """Whether normalised content matches the query's groups and avoids its excluded phrases.

    A query without positive phrases matches nothing: a search needs something to look for.
    """
    groups = query.groups
    if not groups or any(contains(norm, p) for p in query.excluded):
        return False
    if not all(any(contains(norm, p) for p in group) for group in groups):
        return False
    if not within_sentence or len(groups) < 2:
        return True
    return any(
        all(any(contains(sentence, p) for p in group) for group in groups)
        for sentence in split_sentences(norm)
    )


class Oracle:
    """Relevant sections by scanning the database; normalised texts are cached per instance.

    One instance serves one evaluation run: it assumes the database does not change meanwhile.
    """

    def __init__(self) -> None:
        self._content: dict[int, str] = {}
        self._speaker: dict[int, str] = {}
        self._title: dict[int, str] = {}

    def relevant(self, request: SearchRequest) -> frozenset[int]:
        """Ids of the sections that should match ``request``."""
        if not request.searchable:
            return frozenset()
        releases = self._releases(request.filters)
        if not releases:
            return frozenset()
        sections = Section.objects.filter(release_id__in=releases)
        if request.filters.answers_only:
            sections = sections.filter(kind=Section.KindChoices.ANSWER)
        rows = list(sections.values_list("pk", "release_id", "order"))
        if request.scope == Scope.TITLE:
            first = dict(
                Section.objects.filter(release_id__in=releases)
                .values("release_id")
                .annotate(first=Min("order"))
                .values_list("release_id", "first")
            )
            rows = [row for row in rows if row[2] == first[row[1]]]
        if request.filters.speakers:
            speakers = self._speakers([pk for pk, _, _ in rows])
            rows = [
                row
                for row in rows
                if any(contains(speakers[row[0]], p) for p in request.filters.speakers)
            ]
        sentence = request.within == Within.SENTENCE
        if request.scope == Scope.TITLE:
            titles = self._titles(list(releases))
            if not request.query.has_terms:
                return frozenset(
                    pk
                    for pk, release, _ in rows
                    if not any(contains(titles[release], p) for p in request.query.excluded)
                )
            return frozenset(
                pk
                for pk, release, _ in rows
                if satisfies(request.query, titles[release], within_sentence=sentence)
            )
        contents = self._contents([pk for pk, _, _ in rows])
        if not request.query.has_terms:  # filters alone list every section they allow
            excluded = request.query.excluded
            return frozenset(
                pk for pk, _, _ in rows if not any(contains(contents[pk], p) for p in excluded)
            )
        plain = plain_phrases(request.query.text)
        if plain is not None:
            return frozenset(
                pk
                for pk, _, _ in rows
                if plain_satisfies(plain, contents[pk], within_sentence=sentence)
            )
        return frozenset(
            pk
            for pk, _, _ in rows
            if satisfies(request.query, contents[pk], within_sentence=sentence)
        )

    def _releases(self, f: Filters) -> set[int]:
        """Ids of published releases passing the release-level filters."""
        releases = Release.objects.filter(status=Release.Status.PUBLISHED)
        for codes in (f.provinces, f.regions):
            if codes:
                releases = releases.filter(region_id__in=_regions_under(codes))
        if f.years:
            known = [int(y) for y in f.years if y != UNKNOWN_YEAR]
            years = Release.objects.filter(published__year__in=known)
            if UNKNOWN_YEAR in f.years:
                years = years | Release.objects.filter(published__isnull=True)
            releases = releases.filter(pk__in=years.values("pk"))
        if f.kinds:
            releases = releases.filter(kind__in=f.kinds)
        if f.validities:
            releases = releases.filter(validity__in=f.validities)
        if f.issuers:
            wanted = set(f.issuers)
            stated = releases.exclude(issuer="").values_list("pk", "issuer")
            releases = releases.filter(
                pk__in=[pk for pk, issuer in stated if wanted & set(issuer_parts(issuer))]
            )
        if f.doc_numbers:
            wanted = set(f.doc_numbers)
            stated = releases.exclude(doc_number="").values_list("pk", "doc_number")
            releases = releases.filter(
                pk__in=[pk for pk, number in stated if _number_matches(wanted, number)]
            )
        if f.release is not None:
            releases = releases.filter(pk=f.release)
        if f.day_from is None and f.day_to is None:
            return set(releases.values_list("pk", flat=True))
        low = f.day_from if f.day_from is not None else -math.inf
        high = f.day_to if f.day_to is not None else math.inf
        return {
            pk
            for pk, day in releases.filter(published__isnull=False).values_list("pk", "published")
            if low <= day.year * 10000 + day.month * 100 + day.day <= high
        }

    def _contents(self, ids: list[int]) -> dict[int, str]:
        missing = [pk for pk in ids if pk not in self._content]
        for start in range(0, len(missing), 500):
            chunk = Section.objects.filter(pk__in=missing[start : start + 500])
            for pk, heading, text in chunk.values_list("pk", "heading", "text"):
                # Built here, not by the indexer's ``section_content``: heading, then body.
                content = "\n".join(part for part in (heading.strip(), text.strip()) if part)
                self._content[pk] = normalise(content)
        return self._content

    def _speakers(self, ids: list[int]) -> dict[int, str]:
        missing = [pk for pk in ids if pk not in self._speaker]
        for start in range(0, len(missing), 500):
            chunk = Section.objects.filter(pk__in=missing[start : start + 500])
            for pk, speaker, title in chunk.values_list("pk", "speaker", "speaker_title"):
                self._speaker[pk] = normalise(f"{speaker} {title}")
        return self._speaker

    def _titles(self, ids: list[int]) -> dict[int, str]:
        missing = [pk for pk in ids if pk not in self._title]
        rows = Release.objects.filter(pk__in=missing).values_list("pk", "title", "subtitle")
        for pk, title, subtitle in rows:
            self._title[pk] = normalise(f"{title}\n{subtitle}" if subtitle else title)
        return self._title


def _regions_under(codes: Iterable[str]) -> set[int]:
    """Ids of the regions with one of ``codes``, and of every region below them.

    Walking down from the named regions is the same as asking, for each release, whether its
    region or an ancestor has the code; it needs no assumption about code prefixes or depth.
    """
    found = set(Region.objects.filter(code__in=list(codes)).values_list("pk", flat=True))
    # The nation is a level of government, not a container: 全国 means central releases.
    frontier = set(
        Region.objects.filter(pk__in=found)
        .exclude(level=Region.LevelChoices.NATION)
        .values_list("pk", flat=True)
    )
    while frontier:
        children = set(Region.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        frontier = children - found
        found |= frontier
    return found


# -- running -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QueryResult:
    """One query's outcome: what should match, what the engine returned, and how fast."""

    query: EvalQuery
    relevant: frozenset[int]
    returned: tuple[int, ...]
    latency_ms: float

    @property
    def returned_set(self) -> frozenset[int]:
        return frozenset(self.returned)

    @property
    def missing(self) -> frozenset[int]:
        """Relevant sections the engine did not return (lost recall)."""
        return self.relevant - self.returned_set

    @property
    def unexpected(self) -> frozenset[int]:
        """Sections the engine returned that are not relevant (lost precision)."""
        return self.returned_set - self.relevant

    @property
    def duplicates(self) -> int:
        """Sections the engine returned more than once (each should appear once)."""
        return len(self.returned) - len(self.returned_set)

    @property
    def recall(self) -> float:
        """Share of relevant sections returned; 1.0 when nothing is relevant."""
        if not self.relevant:
            return 1.0
        return len(self.relevant & self.returned_set) / len(self.relevant)

    @property
    def precision(self) -> float:
        """Share of returned sections that are relevant; 1.0 when nothing was returned."""
        if not self.returned_set:
            return 1.0
        return len(self.relevant & self.returned_set) / len(self.returned_set)

    @property
    def expectation_error(self) -> str:
        """Why the relevant count breaks the line's ``expect`` bounds, or ``""``."""
        count, low, high = len(self.relevant), self.query.expect_min, self.query.expect_max
        if low is not None and count < low:
            return f"expected at least {low} relevant sections, the oracle found {count}"
        if high is not None and count > high:
            return f"expected at most {high} relevant sections, the oracle found {count}"
        return ""

    def passes(self, threshold: float) -> bool:
        return self.recall >= threshold and self.precision >= threshold

    def as_dict(self) -> dict[str, Any]:
        return {
            "line": self.query.line,
            "query": self.query.label,
            "params": self.query.params,
            "tag": self.query.tag,
            "note": self.query.note,
            "relevant": len(self.relevant),
            "returned": len(self.returned_set),
            "recall": self.recall,
            "precision": self.precision,
            "latency_ms": round(self.latency_ms, 3),
            "missing": sorted(self.missing),
            "unexpected": sorted(self.unexpected),
            "duplicates": self.duplicates,
            "expectation_error": self.expectation_error,
        }


@dataclass(frozen=True, slots=True)
class Summary:
    """Aggregates over a set of results: macro averages and latency percentiles."""

    queries: int
    recall: float
    precision: float
    perfect: int
    p50_ms: float
    p95_ms: float
    max_ms: float

    @classmethod
    def of(cls, results: Sequence[QueryResult]) -> Summary:
        if not results:
            return cls(0, 1.0, 1.0, 0, 0.0, 0.0, 0.0)
        latencies = sorted(r.latency_ms for r in results)
        return cls(
            queries=len(results),
            recall=statistics.fmean(r.recall for r in results),
            precision=statistics.fmean(r.precision for r in results),
            perfect=sum(r.passes(1.0) for r in results),
            p50_ms=percentile(latencies, 50),
            p95_ms=percentile(latencies, 95),
            max_ms=latencies[-1],
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "queries": self.queries,
            "recall": self.recall,
            "precision": self.precision,
            "perfect": self.perfect,
            "p50_ms": round(self.p50_ms, 3),
            "p95_ms": round(self.p95_ms, 3),
            "max_ms": round(self.max_ms, 3),
        }


@dataclass(frozen=True, slots=True)
class Evaluation:
    """Every query's result, with the overall and per-tag summaries."""

    results: tuple[QueryResult, ...]
    summary: Summary = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "summary", Summary.of(self.results))

    def by_tag(self) -> dict[str, Summary]:
        """Summaries per ``tag`` (untagged queries under ``""``), in first-seen order."""
        tags: dict[str, list[QueryResult]] = {}
        for result in self.results:
            tags.setdefault(result.query.tag, []).append(result)
        return {tag: Summary.of(results) for tag, results in tags.items()}

    def failures(self, threshold: float) -> list[QueryResult]:
        return [r for r in self.results if not r.passes(threshold)]

    def as_dict(self) -> dict[str, Any]:
        return {
            "summary": self.summary.as_dict(),
            "tags": {tag: s.as_dict() for tag, s in self.by_tag().items()},
            "queries": [r.as_dict() for r in self.results],
        }


def percentile(sorted_values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile of already sorted values (an observed value, never interpolated)."""
    if not sorted_values:
        return 0.0
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def timed_match(request: SearchRequest, runs: int = DEFAULT_RUNS) -> tuple[tuple[int, ...], float]:
    """The engine's section ids (in rank order) and the median wall time of ``match``, in ms."""
    times = []
    ids: tuple[int, ...] = ()
    for _ in range(max(1, runs)):
        started = time.perf_counter()
        matches = match(request)
        times.append((time.perf_counter() - started) * 1000)
        ids = tuple(m.section for m in matches)
    return ids, statistics.median(times)


def evaluate(
    queries: Sequence[EvalQuery],
    *,
    runs: int = DEFAULT_RUNS,
    oracle: Oracle | None = None,
) -> Evaluation:
    """Run every query through the engine and the oracle; raises ``QueryFileError`` first if any
    query's parameters are invalid."""
    requests = build_requests(queries)
    oracle = oracle or Oracle()
    results = []
    for query, request in zip(queries, requests, strict=True):
        returned, latency = timed_match(request, runs)
        results.append(QueryResult(query, oracle.relevant(request), returned, latency))
    return Evaluation(tuple(results))


def evaluate_file(path: Path, *, runs: int = DEFAULT_RUNS) -> Evaluation:
    """``load_queries`` then ``evaluate``."""
    return evaluate(load_queries(path), runs=runs)


def _number_matches(wanted: set[str], number: str) -> bool:
    """What a 文号 filter means, stated apart from the index's keywords: the whole number, or
    its start up to the bracket that opens its year, or through the one that closes it."""
    key = doc_number_key(number)
    return any(
        key == value
        or (key.startswith(value) and (value.endswith("〕") or key[len(value)] == "〔"))
        for value in wanted
    )
