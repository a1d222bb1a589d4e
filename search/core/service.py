"""Run a search: match, rank, count facets, page, and load what the page shows.

The backend returns every matching section with its score and facet values; ranking, grouping
by release, facet counting and paging happen here, the same for every engine, so the page,
the API, the feed and ``evaluate_search`` agree on what a query means.
"""

from __future__ import annotations

import heapq
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from operator import itemgetter

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from documents.models import Release, Section
from documents.script import Script
from search.core.highlight import highlight, snippet
from search.core.plan import Match
from search.core.region_cache import region_names, region_parents
from search.core.release_metadata import ISSUER_JOIN
from search.core.request import UNKNOWN_YEAR, Paging, Scope, SearchRequest, Sort
from search.core.shown_sections import load_sections
from search.engines import backend_for
from search.engines.base import Marks

FACETS = ("province", "region", "year", "kind", "issuer", "validity")
#: Issuers a facet lists at most: a library of regulations has hundreds of issuing bodies.
ISSUER_FACET_SIZE = 20
NATION_CODE = "000000"


class PageOutOfRange(ValueError):
    """The page asked for is past the last page."""

    def __init__(self, page: int, last: int) -> None:
        super().__init__(_("第 %(page)d 页不存在：共 %(last)d 页。") % {"page": page, "last": last})
        self.page = page
        self.last = last


@dataclass(frozen=True, slots=True)
class FacetValue:
    value: str
    label: str
    count: int
    releases: int


@dataclass(slots=True)
class SectionHit:
    """One matching section as shown: heading and snippet escaped, hits in ``<mark>``."""

    section: Section
    score: float
    heading: SafeString
    snippet: SafeString

    @property
    def url(self) -> str:
        return self.section.get_absolute_url()


@dataclass(slots=True)
class ReleaseGroup:
    """A release with its best matching sections."""

    release: Release
    title: SafeString
    hits: list[SectionHit]
    matched: int
    more_url: str = ""


@dataclass(slots=True)
class SearchPage:
    request: SearchRequest
    paging: Paging
    total: int = 0
    total_releases: int = 0
    page_count: int = 0
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    hits: list[SectionHit] = field(default_factory=list)
    groups: list[ReleaseGroup] = field(default_factory=list)
    took_ms: float = 0.0


def match(request: SearchRequest, using: str = "default") -> list[Match]:
    """Every matching section, best first (or newest first), before paging."""
    backend = backend_for(using)
    return rank(backend.match_sections(request), request.sort)


def rank(matches: list[Match], sort: Sort) -> list[Match]:
    """Relevance: a heading hit before a body hit, then score; newest: date, then position.

    One stable sort per key, least significant first, each on a C-level field getter: for
    thousands of matches several times faster than one sort on a tuple built per match.
    """
    if sort == Sort.NEWEST:
        keys = [("order", False), ("release", True), ("day", True)]
    else:
        keys = [("order", False), ("release", False), ("day", True), ("score", True)]
        keys.append(("heading_hit", True))
    ranked = list(matches)
    for name, descending in keys:
        ranked.sort(key=itemgetter(Match._fields.index(name)), reverse=descending)
    return ranked


def best(matches: list[Match], sort: Sort, count: int) -> list[Match]:
    """The first ``count`` of ``rank(matches, sort)``, without ranking them all.

    The leading sort keys pick a few more than ``count`` in one pass (``heapq.nlargest``); when
    the last one picked ranks below the ``count``-th, nothing left out can tie with or beat
    it, and ranking the few gives the same first ``count``. Otherwise (many ties) all are
    ranked. On the broadest searches (7,000 matches) a quarter of ``rank``'s time.
    """
    lead = _LEADING_KEYS[sort]
    picked = heapq.nlargest(count + _TIE_MARGIN, matches, key=lead)
    if len(picked) == len(matches) or (count and lead(picked[-1]) < lead(picked[count - 1])):
        return rank(picked, sort)[:count]
    return rank(matches, sort)[:count]


_TIE_MARGIN = 32
_LEADING_KEYS = {
    Sort.RELEVANCE: itemgetter(Match._fields.index("heading_hit"), Match._fields.index("score")),
    Sort.NEWEST: itemgetter(Match._fields.index("day"), Match._fields.index("release")),
}


def search_sections(
    request: SearchRequest,
    paging: Paging,
    script: Script | str = Script.ORIGINAL,
    using: str = "default",
) -> SearchPage:
    """One page of matching sections (the JSON API's view of a search)."""
    started = time.perf_counter()
    matches = backend_for(using).match_sections(request)
    page = SearchPage(request, paging, total=len(matches))
    page.total_releases = len({m.release for m in matches})
    page.facets = count_facets(matches)
    page.page_count = _pages(len(matches), paging)
    first = (paging.page - 1) * paging.page_size
    chosen = best(matches, request.sort, first + paging.page_size)[first:]
    sections = load_sections([m.section for m in chosen])
    marks = engine_marks(request, list(sections.values()))
    page.hits = [
        _hit(sections[m.section], m.score, request, script, marks)
        for m in chosen
        if m.section in sections
    ]
    page.took_ms = (time.perf_counter() - started) * 1000
    return page


def search_releases(
    request: SearchRequest,
    paging: Paging,
    script: Script | str = Script.ORIGINAL,
    per_release: int = 3,
) -> SearchPage:
    """One page of releases, each with its best sections (the search page's view).

    Searching within one release pages through all of its matching sections instead.
    """
    started = time.perf_counter()
    matches = match(request)
    grouped: dict[int, list[Match]] = defaultdict(list)
    for m in matches:
        grouped[m.release].append(m)
    page = SearchPage(request, paging, total=len(matches), total_releases=len(grouped))
    page.facets = count_facets(matches)
    matched = {rid: len(found) for rid, found in grouped.items()}
    if request.filters.release is not None:
        page.page_count = _pages(len(matches), paging)
        first = (paging.page - 1) * paging.page_size
        for rid in grouped:
            grouped[rid] = grouped[rid][first : first + paging.page_size]
        release_ids = list(grouped)
        per_release = paging.page_size
    else:
        page.page_count = _pages(len(grouped), paging)
        release_ids = list(grouped)[
            (paging.page - 1) * paging.page_size : paging.page * paging.page_size
        ]
    shown = [m for rid in release_ids for m in grouped[rid][:per_release]]
    sections = load_sections([m.section for m in shown])
    marks = engine_marks(request, list(sections.values()))
    phrases = request.query.positive
    for rid in release_ids:
        hits = [
            _hit(sections[m.section], m.score, request, script, marks)
            for m in grouped[rid][:per_release]
            if m.section in sections
        ]
        if not hits:
            continue
        release = hits[0].section.release
        title_phrases = phrases if request.scope == Scope.TITLE else ()
        page.groups.append(
            ReleaseGroup(
                release, highlight(release.title, title_phrases, script), hits, matched[rid]
            )
        )
    page.took_ms = (time.perf_counter() - started) * 1000
    return page


def _pages(count: int, paging: Paging) -> int:
    pages = max(1, -(-count // paging.page_size))
    if paging.page > pages:
        raise PageOutOfRange(paging.page, pages)
    return pages


def engine_marks(request: SearchRequest, sections: list[Section], using: str = "default") -> Marks:
    """The hits the search engine itself marked in ``sections``, if it marks them.

    A cluster (Elasticsearch) returns its highlights, mapped back to the text as written; the
    Whoosh backend leaves marking to ``search.core.highlight``, which applies the same unit rules.
    """
    return backend_for(using).highlight_sections(request, sections)


def _hit(
    section: Section,
    score: float,
    request: SearchRequest,
    script: Script | str,
    marks: Marks | None = None,
) -> SectionHit:
    phrases = request.query.positive if request.scope == Scope.FULLTEXT else ()
    heading_spans, text_spans = (marks or {}).get(section.pk, (None, None))
    return SectionHit(
        section=section,
        score=score,
        heading=highlight(section.heading, phrases, script, heading_spans),
        snippet=snippet(section.text, phrases, script, spans=text_spans),
    )


def count_facets(matches: list[Match]) -> dict[str, list[FacetValue]]:
    """Sections and releases per province, region, year, kind, issuer and validity, most first.

    Every facet is a property of the release, so sections are counted per release first (one
    C-level pass) and the facet values are then added up once per release. A joint release
    counts for each of its issuers; only the ``ISSUER_FACET_SIZE`` commonest issuers are kept.
    """
    releases_of = list(map(itemgetter(Match._fields.index("release")), matches))
    per_release = Counter(releases_of)
    one_match = dict(zip(releases_of, matches, strict=True))  # any match of each release
    representatives = [one_match[release] for release in per_release]
    counts = list(per_release.values())
    # A region value counts what filtering by it returns: it and everything below it.
    within = _regions_within({m.region for m in representatives if m.region})
    sections: dict[str, Counter[str]] = {name: Counter() for name in FACETS}
    releases: dict[str, Counter[str]] = {name: Counter() for name in FACETS}
    for name in FACETS:
        # Added up per distinct column value first (a few dozen), then spread over the
        # facet values each one counts for: not a facet lookup per release and facet.
        values = list(map(itemgetter(Match._fields.index(name)), representatives))
        value_releases = Counter(values)
        value_sections: dict[str, int] = dict.fromkeys(value_releases, 0)
        for value, count in zip(values, counts, strict=True):
            value_sections[value] += count
        for value, count in value_sections.items():
            if not value:
                continue
            for code in _facet_values(name, value, within):
                sections[name][code] += count
                releases[name][code] += value_releases[value]
    labels = _facet_labels(sections)
    facets = {}
    for name in FACETS:
        values = [
            FacetValue(value, labels[name].get(value, value), count, releases[name][value])
            for value, count in sections[name].items()
        ]
        if name == "year":
            values.sort(
                key=lambda v: (
                    v.value == UNKNOWN_YEAR,
                    -int(v.value or 0) if v.value.isdigit() else 0,
                )
            )
        else:
            values.sort(key=lambda v: (-v.releases, -v.count, v.value))
        if name == "issuer":
            values = values[:ISSUER_FACET_SIZE]
        facets[name] = values
    return facets


def _facet_values(name: str, value: str, within: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    """The facet values one release's column value counts for."""
    if name == "region":
        return within.get(value, ())
    if name == "issuer":
        return tuple(value.split(ISSUER_JOIN))
    return (value,)


def _regions_within(codes: set[str]) -> dict[str, tuple[str, ...]]:
    """For each region code, itself and those of its ancestors that are also in ``codes``.

    The nation is nobody's container here, as in the index (``filter_codes``).
    """
    parents = region_parents(codes)
    chains = {}
    for code in codes:
        chain, current = [], code
        while current:
            if current in codes:
                chain.append(current)
            current = parents.get(current)
        chains[code] = tuple(c for c in chain if c != NATION_CODE or c == code)
    return chains


def _facet_labels(sections: dict[str, Counter[str]]) -> dict[str, dict[str, str]]:
    codes = set(sections["province"]) | set(sections["region"])
    names = region_names(codes)
    kinds = {choice.value: str(choice.label) for choice in Release.KindChoices}
    validities = {choice.value: str(choice.label) for choice in Release.ValidityChoices}
    years = {y: (str(_("年份不详")) if y == UNKNOWN_YEAR else y) for y in sections["year"]}
    return {
        "province": names,
        "region": names,
        "year": years,
        "kind": kinds,
        "issuer": {},
        "validity": validities,
    }
