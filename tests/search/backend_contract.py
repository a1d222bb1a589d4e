"""What every search engine behind the portal must do, as one mixin run once per backend.

Each test asks the engine (through ``search.core.service``, as the page and the API do) and
compares with a scan of the database (``tests.search.scan``) over the real seeds and corpus:
the same sections for phrases in either script, single ideographs, letters and digits, groups
and exclusions, every filter, sentences, titles; the same facet counts; the marks on the text
as written; a release replaced and restored; a rebuild beside the live index. Each test checks
a promise ``search.engines.base.PortalBackend`` declares, through the methods it declares. A
subclass provides the ``engine`` fixture: the connection already filled with the session's data.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import pytest
from haystack import connections

from documents.models import Release, Section
from documents.script import Script
from search.core.fingerprint import index_fingerprint
from search.core.request import Paging
from search.core.service import count_facets, match, search_sections
from search.engines import backend_for
from search.engines.base import PortalBackend
from search.indexing.drift import index_drift
from search.indexing.rebuild import rebuild_all
from tests.search.scan import containing, expected, request, rows

QUERIES = [
    "营商环境",  # in every kind of release
    "營商環境",  # the same, typed in Traditional script
    "一网通办",
    "放管服",
    "税",  # one ideograph
    "RCEP",  # letters, any case
    "12345",  # digits: a hotline, a whole unit
    "5G",  # not inside 15G
    "2.5个小时",  # digits, a dot and ideographs
    "办成一件事",
]


@dataclass
class Engine:
    """One configured search connection, and what a test needs to write to it."""

    name: str
    alias: str = "default"

    @property
    def backend(self) -> Any:
        return connections[self.alias].get_backend()

    @property
    def index(self) -> Any:
        return connections[self.alias].get_unified_index().get_index(Section)

    def settle(self) -> None:
        """Let the next search see the last write (the Whoosh searcher cache is per process)."""
        from tests.search.scan import forget_searchers

        forget_searchers()


def ids(query: str, **params: str) -> set[int]:
    found = [m.section for m in match(request(q=query, **params))]
    assert len(found) == len(set(found)), "a section is listed twice"
    return set(found)


class SearchBackendContract:
    """Run against a backend by subclassing with an ``engine`` fixture."""

    pytestmark = pytest.mark.django_db

    def test_keeps_the_declared_contract(self, engine: Engine):
        backend = engine.backend
        assert isinstance(backend, PortalBackend)
        assert not type(backend).__abstractmethods__, "every declared method is written"
        assert backend_for(engine.alias) is backend
        assert backend.read_meta() == index_fingerprint()
        published = Section.objects.filter(release__status=Release.Status.PUBLISHED)
        versions = backend.document_versions()
        assert backend.document_count() == len(versions) == published.count()
        assert {section for section, _release, _version in versions} == set(
            published.values_list("pk", flat=True)
        )
        assert backend.describe_live()

    @pytest.mark.parametrize("query", QUERIES)
    def test_finds_exactly_the_sections_containing_the_phrase(self, engine: Engine, query: str):
        assert ids(query) == containing(query)

    def test_both_scripts_find_the_same_sections(self, engine: Engine, seeds):
        simplified = ids("营商环境")
        assert ids("營商環境") == simplified
        jinchang = set(seeds["000"].sections.values_list("pk", flat=True))
        assert simplified & jinchang, "the 金昌 seed is written in Traditional script"

    def test_groups_and_exclusions(self, engine: Engine):
        query = "营商环境 一网通办 OR 一件事 -疫情"
        assert ids(query) == expected(query) != set()

    def test_within_one_sentence(self, engine: Engine):
        query = "企业 开办"
        sentence = ids(query, within="sentence")
        assert sentence < ids(query) == expected(query)
        assert sentence, "some sections have both in one sentence"

    def test_region_year_kind_and_date_filters(self, engine: Engine, seeds):
        jinchang = seeds["000"]
        day = jinchang.published
        yyyymmdd = day.year * 10000 + day.month * 100 + day.day
        found = ids("营商环境", region=jinchang.region.code, year=str(day.year))
        assert found == ids("营商环境") & set(jinchang.sections.values_list("pk", flat=True))
        by_kind = ids("营商环境", kind=Release.KindChoices.WORK_REPORT)
        kinds = Section.objects.filter(pk__in=by_kind).values_list("release__kind", flat=True)
        assert by_kind and set(kinds) == {Release.KindChoices.WORK_REPORT}
        iso = day.isoformat()
        dated = ids("营商环境", **{"from": iso, "to": iso})
        assert dated == containing("营商环境", lambda row: row.day == yyyymmdd)

    def test_release_answers_and_speaker_filters(self, engine: Engine, seeds):
        jinchang = seeds["000"]
        in_release = ids("营商环境", release=str(jinchang.pk))
        assert in_release == ids("营商环境") & set(jinchang.sections.values_list("pk", flat=True))
        answers = ids("营商环境", answers="1")
        kinds = set(Section.objects.filter(pk__in=answers).values_list("kind", flat=True))
        assert answers and kinds == {Section.KindChoices.ANSWER}
        speaker = next(
            row.speaker for row in rows() if row.speaker.strip() and row.pk in answers
        ).split()[0]
        by_speaker = ids("营商环境", speaker=speaker)
        assert by_speaker == containing("营商环境", lambda row: speaker in row.speaker)

    def test_title_scope_finds_lead_sections_of_matching_titles(self, engine: Engine):
        found = ids("政府工作报告", scope="title")
        leads = Section.objects.filter(pk__in=found)
        assert found and all("政府工作报告" in s.release.title for s in leads)
        assert len({s.release_id for s in leads}) == len(found), "one section per release"

    def test_facets_count_what_the_filters_return(self, engine: Engine):
        matches = match(request(q="营商环境"))
        facets = count_facets(matches)
        years = Counter(
            str(d.year) if d else "unknown"
            for d in Section.objects.filter(pk__in=[m.section for m in matches]).values_list(
                "release__published", flat=True
            )
        )
        assert {f.value: f.count for f in facets["year"]} == dict(years)
        for value in facets["kind"][:2]:
            assert len(ids("营商环境", kind=value.value)) == value.count

    def test_heading_hits_rank_first(self, engine: Engine):
        ranked = match(request(q="营商环境"))
        flags = [m.heading_hit for m in ranked]
        assert any(flags) and flags == sorted(flags, reverse=True)

    def test_marks_fall_on_the_text_as_written(self, engine: Engine, seeds):
        jinchang = seeds["000"]
        page = search_sections(
            request(q="营商环境", release=str(jinchang.pk)), Paging(page_size=20)
        )
        assert page.hits
        for hit in page.hits:
            assert "<mark>營商環境</mark>" in hit.snippet + hit.heading
        shown = search_sections(
            request(q="营商环境", release=str(jinchang.pk)), Paging(page_size=20), Script.SIMPLIFIED
        )
        assert all("<mark>营商环境</mark>" in h.snippet + h.heading for h in shown.hits)

    def test_a_replaced_release_is_searchable_at_once(self, engine: Engine, seeds):
        release = seeds["001"]
        sections = list(
            engine.index.index_queryset().filter(release=release).select_related("release")
        )
        before = ids("营商环境")
        mine = before & {s.pk for s in sections}
        assert mine
        try:
            engine.backend.replace_releases(engine.index, [release.pk], [])
            engine.settle()
            assert ids("营商环境") == before - mine
            assert engine.backend.release_document_count(release.pk) == 0
        finally:
            engine.backend.replace_releases(engine.index, [release.pk], sections)
            engine.settle()
        assert ids("营商环境") == before
        assert engine.backend.release_document_count(release.pk) == len(sections)

    def test_rebuild_beside_the_live_index_keeps_every_answer(self, engine: Engine):
        before = {q: ids(q) for q in QUERIES[:4]}
        count = engine.backend.document_count()
        written = rebuild_all(engine.alias)
        engine.settle()
        assert written == count == engine.backend.document_count()
        assert {q: ids(q) for q in QUERIES[:4]} == before
        assert index_drift(engine.alias).total == 0

    def test_similar_sections_come_from_other_releases(self, engine: Engine, seeds):
        section = max(seeds["000"].sections.all(), key=lambda s: len(s.text))
        similar = engine.backend.similar_sections(section)
        assert similar and section.pk not in {s.section for s in similar}
        assert all(a.score >= b.score for a, b in pairwise(similar))
