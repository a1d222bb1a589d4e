"""The engine finds every section that contains the query, on the real seeds and corpus.

Each result set is compared with a scan of the database (``tests.search.scan``): normalise the
section's heading + text and look for the normalised phrase. No mocks: this is the Whoosh index
filled by the after-commit signal processor during the session set-up.
"""

from __future__ import annotations

import re
from collections import Counter
from itertools import pairwise

import pytest

from documents.models import Release, Section
from search.core.analysis import SENTENCE_ENDS, normalise, phrase_pattern, query_units
from search.core.query import parse_query
from search.core.request import Paging
from search.core.service import match, search_sections
from search.engines.whoosh import matching
from tests.search.scan import committing, containing, expected, forget_searchers, request, rows

pytestmark = pytest.mark.django_db


def ids(query: str, **params: str) -> list[int]:
    return [m.section for m in match(request(q=query, **params))]


def found(query: str, **params: str) -> set[int]:
    result = ids(query, **params)
    assert len(result) == len(set(result)), "a section is listed twice"
    return set(result)


def releases_of(section_ids: set[int]) -> set[int]:
    return set(Section.objects.filter(pk__in=section_ids).values_list("release_id", flat=True))


# --- script, width and case -----------------------------------------------------------------


def test_traditional_and_simplified_queries_find_the_same_sections(seeds):
    traditional = ids("營商環境")
    simplified = ids("营商环境")
    assert set(traditional) == set(simplified) == containing("营商环境")
    jinchang = set(seeds["000"].sections.values_list("pk", flat=True))
    assert jinchang & set(simplified), "the 金昌 seed (written in Traditional) must be found"
    assert releases_of(set(simplified)) >= {seeds["000"].pk, seeds["001"].pk, seeds["004"].pk}


def test_width_and_case_do_not_matter():
    assert found("ＲＣＥＰ") == found("rcep") == found("Rcep") == containing("RCEP") != set()
    assert found("１２３４５") == found("12345") == containing("12345") != set()


# --- the traps of word segmentation -------------------------------------------------------


@pytest.mark.parametrize(
    "phrase",
    [
        "高效办成一件事",
        "呼和浩特",
        "市域通办",
        "办成",
        "通办",
        "一网通办",
        "放管服",
        "专精特新",
        "证照分离",
        "接诉即办",
        "跨省通办",
        "金昌",
        "营商环境",
        "毛财荣",
    ],
)
def test_every_section_containing_the_phrase_is_found(phrase):
    truth = containing(phrase)
    assert truth, f"{phrase} occurs in the documents"
    assert found(phrase) == truth


def test_single_character():
    truth = containing("税")
    assert len(truth) > 100
    assert found("税") == truth


@pytest.mark.parametrize("phrase", ["12345", "2.5个小时", "5G", "C919", "PM2.5", "100%", "（一）"])
def test_latin_numbers_and_symbols(phrase):
    truth = containing(phrase)
    assert truth, f"{phrase} occurs in the documents"
    assert found(phrase) == truth


def test_word_units_are_not_matched_inside_longer_runs():
    # "2.5个小时" must not match "12.5个小时"; "5g" must not match "15g" or "5gs".
    for section in found("2.5个小时"):
        content = next(r.content for r in rows() if r.pk == section)
        assert re.search(r"(?<![0-9])2\.5个小时", content)
    assert found("5") < {r.pk for r in rows() if "5" in r.content}


def test_gdp_is_matched_as_written_in_the_documents():
    # The real documents say 国内生产总值, never "GDP": the engine must agree with the scan
    # (nothing), and not match pieces of other Latin words.
    assert containing("GDP") == set()
    assert found("GDP") == found("ｇｄｐ") == set()


def test_literal_star_and_question_mark():
    assert found("*") == containing("*")
    assert found("?") == containing("?")
    assert found("营商环境*") == containing("营商环境*") == set()


def test_phrase_with_a_space_matches_only_that_spacing():
    assert found('"Public domain"') == containing("Public domain")


@pytest.mark.parametrize(
    "query",
    [
        "营商环境",
        "高效办成一件事",
        "一网通办 营商环境",
        "营商环境 OR 跨省通办 企业",
        "企业 -营商环境",
    ],
)
def test_reading_fewer_postings_never_loses_a_match(monkeypatch, query):
    # How many of a phrase's terms are read is a cost decision only: the exact check on the
    # texts settles every candidate, so each setting must give the scan's answer. The session
    # library is small, so the cut-off below which no more terms are read is lowered to 0
    # for the choice to be made at all.
    monkeypatch.setattr(matching, "FEW_CANDIDATES", 0)
    read: list[int] = []  # the length of each posting list read
    term_ids = matching.term_ids
    monkeypatch.setattr(
        matching, "term_ids", lambda *args: read.append(len(ids := term_ids(*args))) or ids
    )
    postings_read = {}
    for ratio in (1e9, 4, 1, 0.01):
        monkeypatch.setattr(matching, "PRUNE_RATIO", ratio)
        read.clear()
        forget_searchers()
        assert found(query) == expected(query) != set(), ratio
        postings_read[ratio] = sum(read)
    # Each lower ratio reads no more postings, and the lowest fewer than reading them all (a
    # single one-term phrase, 企业, has nothing to leave out).
    ratios = sorted(postings_read, reverse=True)
    assert all(postings_read[a] >= postings_read[b] for a, b in pairwise(ratios))
    if query != "企业 -营商环境":
        assert postings_read[0.01] < postings_read[1e9]


# --- AND, OR, NOT -------------------------------------------------------------------------


def test_words_are_anded():
    both = found("营商环境 一网通办")
    assert both == containing("营商环境") & containing("一网通办") != set()


def test_or_is_a_union():
    assert found("一网通办 OR 跨省通办") == containing("一网通办") | containing("跨省通办")
    assert found("一网通办 OR 跨省通办 市域通办") == expected("一网通办 OR 跨省通办 市域通办")


def test_not_and_minus_exclude(seeds):
    jinchang = set(seeds["000"].sections.values_list("pk", flat=True))
    without = found("营商环境 -金昌")
    assert without == containing("营商环境") - containing("金昌")
    assert found("营商环境 NOT 金昌") == without
    assert without < found("营商环境")
    assert not (without & containing("金昌")) and (found("营商环境") & jinchang)


# --- filters ------------------------------------------------------------------------------


def _release_ids(**lookup: object) -> set[int]:
    return set(Release.objects.filter(status="published", **lookup).values_list("pk", flat=True))


@pytest.mark.parametrize(
    ("params", "lookup"),
    [
        ({"region": "金昌"}, {"region__code": "620300"}),
        ({"region": "金昌市"}, {"region__code": "620300"}),
        ({"province": "甘肅"}, {"region__parent__code": "620000"}),
        ({"region": "内蒙古"}, {"region__parent__code": "150000"}),
        ({"year": "2024"}, {"published__year": 2024}),
        ({"year": "2021-2022"}, {"published__year__in": [2021, 2022]}),
        ({"year": "unknown"}, {"published__isnull": True}),
        ({"kind": "新闻报道"}, {"kind": "news"}),
        ({"kind": "工作报告"}, {"kind": "work_report"}),
        ({"from": "2024-01", "to": "2024-06"}, {"published__range": ("2024-01-01", "2024-06-30")}),
        ({"to": "2021"}, {"published__lte": "2021-12-31"}),
    ],
)
def test_filters_narrow_to_the_matching_releases(params, lookup):
    allowed = _release_ids(**lookup)
    assert allowed
    truth = containing("营商环境", lambda row: row.release in allowed)
    assert truth, "the example must find something"
    assert found("营商环境", **params) == truth


def test_filter_in_the_query_text_equals_the_parameter():
    assert found("营商环境 地区:金昌") == found("营商环境", region="金昌")
    assert found("营商环境 年份：2024") == found("营商环境", year="2024")


def test_region_of_a_province_includes_its_cities(seeds):
    gansu = releases_of(found("营商环境", region="甘肃省"))
    assert gansu == {seeds["000"].pk, seeds["001"].pk}
    assert found("营商环境", region="甘肃") == found("营商环境", province="甘肃")


def test_release_filter(seeds):
    release = seeds["004"]
    mine = set(release.sections.values_list("pk", flat=True))
    assert found("营商环境", release=str(release.pk)) == containing("营商环境") & mine != set()


def test_speaker_filter(seeds):
    truth = containing("营商环境", lambda row: "毛财荣" in row.speaker)
    assert truth
    assert found("营商环境", speaker="毛財榮") == found("营商环境", speaker="毛财荣") == truth
    assert releases_of(truth) == {seeds["000"].pk}


def test_answers_only(seeds):
    truth = containing("营商环境", lambda row: row.kind == "answer")
    assert truth and truth < containing("营商环境")
    assert found("营商环境", answers="1") == truth
    kinds = set(Section.objects.filter(pk__in=truth).values_list("kind", flat=True))
    assert kinds == {"answer"}


def test_unknown_region_matches_nothing():
    assert found("营商环境", region="火星") == set()


# --- scopes -------------------------------------------------------------------------------


@pytest.mark.parametrize("phrase", ["营商环境", "政府工作报告", "金昌", "專場", "决议"])
def test_title_scope_returns_the_first_section_of_each_release_with_the_phrase(phrase):
    pattern = phrase_pattern(query_units(phrase))
    releases = Release.objects.filter(status="published")
    titled = {r.pk for r in releases if pattern.search(normalise("\n".join([r.title, r.subtitle])))}
    assert titled
    hits = match(request(q=phrase, scope="title"))
    assert Counter(m.release for m in hits) == Counter(titled)  # one section per release
    first = {r.release: r.pk for r in reversed(rows())}  # rows are in release, order order
    assert {m.section for m in hits} == {first[rid] for rid in titled}


def test_within_sentence_is_stricter_than_within_section():
    query = "营商 通办"
    section = found(query)
    sentence = found(query, within="sentence")
    assert section == expected(query)
    assert sentence < section and sentence

    ends = "[" + re.escape("".join(sorted(SENTENCE_ENDS))) + "]"
    by_sentence = {
        row.pk
        for row in rows()
        if any("营商" in s and "通办" in s for s in re.split(ends, row.content))
    }
    assert sentence == by_sentence


@pytest.mark.parametrize("query", ["企业 税", "改革 开放", "营商环境 OR 一网通办 企业"])
def test_within_sentence_agrees_with_a_sentence_scan(query):
    ends = "[" + re.escape("".join(sorted(SENTENCE_ENDS))) + "]"
    groups = [[phrase_pattern(list(p.units)) for p in g] for g in parse_query(query).groups]
    truth = {
        row.pk
        for row in rows()
        if any(
            all(any(p.search(s) for p in group) for group in groups)
            for s in re.split(ends, row.content)
        )
    }
    assert found(query, within="sentence") == truth


# --- ordering -----------------------------------------------------------------------------


def test_newest_sorts_by_release_date_then_position():
    hits = match(request(q="营商环境", sort="newest"))
    days = {r.pk: (r.day, r.release, r.order) for r in rows()}
    keys = [days[m.section] for m in hits]
    assert [k[0] for k in keys] == sorted((k[0] for k in keys), reverse=True)
    assert keys[-1][0] == 0  # the undated release (枣庄) comes last
    assert {m.section for m in hits} == containing("营商环境")
    for a, b in pairwise(keys):
        if a[:2] == b[:2]:
            assert a[2] < b[2]  # within a release, document order


def test_heading_hits_rank_above_body_hits():
    hits = match(request(q="营商环境"))
    truth = {r.pk for r in rows() if "营商环境" in r.heading}
    assert truth and truth < {m.section for m in hits}
    flags = [m.section in truth for m in hits]
    assert flags == sorted(flags, reverse=True)  # every heading hit before every body hit
    assert [m.heading_hit for m in hits] == flags


def test_relevance_is_deterministic():
    assert ids("改革 开放") == ids("改革 开放")


# --- paging over the same matches ---------------------------------------------------------


def test_search_sections_pages_through_all_matches():
    search = request(q="营商环境")
    everything = [m.section for m in match(search)]
    seen = []
    page = search_sections(search, Paging(1, 25))
    assert page.total == len(everything) and page.page_count == -(-len(everything) // 25)
    for number in range(1, page.page_count + 1):
        seen += [hit.section.pk for hit in search_sections(search, Paging(number, 25)).hits]
    assert seen == everything


# --- visibility ---------------------------------------------------------------------------


def test_only_published_releases_are_searchable(seeds, django_capture_on_commit_callbacks):
    release = seeds["000"]
    mine = set(release.sections.values_list("pk", flat=True))
    assert found("金昌") & mine
    forget_searchers()  # see test_signals: a refreshed searcher can keep deleted sections
    try:
        with committing(django_capture_on_commit_callbacks) as callbacks:
            release.status = Release.Status.DRAFT
            release.save()
        assert len(callbacks) == 1
        forget_searchers()
        assert not (found("金昌") & mine)
        assert found("金昌") == containing("金昌") - mine
        assert found("營商環境", region="金昌") == set()
    finally:
        with committing(django_capture_on_commit_callbacks):
            release.status = Release.Status.PUBLISHED
            release.save()
        forget_searchers()
    assert found("金昌") == containing("金昌")
    assert found("營商環境") == containing("营商环境")
