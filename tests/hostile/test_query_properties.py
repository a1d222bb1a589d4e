"""The query language and its analysis, fed anything: a result or the layer's own error, quickly.

``parse_query`` may refuse only with ``QueryTooLong``; ``build_request`` only with
``BadSearchParameter`` or ``QueryTooLong``; a search only with ``PageOutOfRange``. The analysis
functions must keep their promises on any text (offsets that point into the original, units that
rebuild the text, index terms that cover every phrase the exact check would find), and the
highlighter must never let markup through. Inputs that once broke a function stay as examples.
"""

from __future__ import annotations

import re

import pytest
from django.http import QueryDict
from hypothesis import example, given, settings
from hypothesis import strategies as st

from documents.script import Script
from search.core.analysis import (
    index_terms,
    normalise,
    normalise_with_offsets,
    phrase_pattern,
    phrase_terms,
    query_units,
    split_sentences,
    split_units,
)
from search.core.explain import describe
from search.core.highlight import highlight, snippet
from search.core.plan import Plan, build_plan
from search.core.query import FILTER_KEYS, MAX_PHRASES, ParsedQuery, QueryTooLong, parse_query
from search.core.request import BadSearchParameter, SearchRequest, build_request
from search.core.service import PageOutOfRange, search_releases, search_sections
from tests.hostile.strategies import ANY_CHAR, any_text, release_text, seed_lines

QUERY_PIECES = (
    "OR",
    "|",
    "NOT",
    "AND",
    "&",
    "-",
    "--",
    '"',
    "“",
    "”",
    "「",
    "」",
    "『",
    "』",
    " ",
    "  ",
    "\t",
    "region:",
    "地区:",
    "城市：",
    "province:",
    "省:",
    "year:",
    "年份:",
    "kind:",
    "类型:",
    "speaker:",
    "发言人:",
    "from:",
    "to:",
    "-region:",
    "REGION:",
    "region:region:",
    ":",
    "::",
    "营商环境",
    "一网通办",
    "高效办成一件事",
    "GDP",
    "5G",
    "12345",
    "*",
    "?",
    "\\",
    "%",
    "_",
    "<mark>",
    "</mark>",
    "<script>alert(1)</script>",
    "&amp;",
    "發展",
    "ｇｄｐ",
    "ß",
    "\ud800",
    "\u200b",
    "\x00",
    "\u0301",
    "金昌",
    "620300",
    "press_conference",
    "新闻",
    "unknown",
    "2024",
    "2020-2024",
    "2024-06-30",
    "2024-13-45",
    "0000",
    "x" * 600,
)
query_text = st.one_of(
    any_text,
    st.lists(
        st.one_of(
            st.sampled_from(QUERY_PIECES), st.sampled_from(seed_lines()).map(lambda s: s[:12])
        ),
        max_size=40,
    ).map("".join),
)

PARAM_NAMES = (
    "q",
    "region",
    "province",
    "year",
    "kind",
    "speaker",
    "from",
    "to",
    "release",
    "answers",
    "scope",
    "within",
    "sort",
    "page",
    "page_size",
    "script",
    "format",
    "",
    "q[]",
    "Q",
)
PARAM_VALUES = (
    "",
    "0",
    "1",
    "-1",
    "2",
    "10",
    "100",
    "101",
    "1000",
    "1001",
    "99999999999999999999",
    "9" * 5000,
    "1e3",
    "1.5",
    "0x10",
    "²",
    "①",
    "١٢",
    "１２",
    " 3 ",
    "true",
    "yes",
    "maybe",
    "newest",
    "relevance",
    "NEWEST",
    "title",
    "fulltext",
    "sentence",
    "section",
    "unknown",
    "不详",
    "2024",
    "2020-2024",
    "2024-2020",
    "1800-2200",
    "2024-06",
    "2024年6月",
    "2024-02-30",
    "甘肃",
    "张掖市",
    "金昌",
    "620300",
    "000000",
    "朝阳区",
    "臺灣",
    "香港",
    "news",
    "新闻",
    "发布会",
)
param_value = st.one_of(st.sampled_from(PARAM_VALUES), query_text)
params = st.dictionaries(
    st.one_of(st.sampled_from(PARAM_NAMES), st.text(ANY_CHAR, max_size=8)),
    st.lists(param_value, min_size=1, max_size=3),
    max_size=8,
)
REFUSALS = (BadSearchParameter, QueryTooLong)


# ---- the query language ----------------------------------------------------------------------


@given(query_text)
@settings(max_examples=400)
@example("营商\ud800环境")
@example("\u0301")
@example('region:"' + "甘" * 20)
def test_parse_query_reads_anything_or_says_it_is_too_long(text):
    try:
        parsed = parse_query(text)
    except QueryTooLong as exc:
        assert str(exc)
        return
    assert isinstance(parsed, ParsedQuery)
    assert len(parsed.positive) + len(parsed.excluded) <= MAX_PHRASES
    assert all(phrase.units and all(phrase.units) for phrase in parsed.positive)
    assert all(phrase.units for phrase in parsed.excluded)
    assert set(parsed.filters) <= set(FILTER_KEYS.values())


@pytest.mark.django_db
@given(params)
@settings(max_examples=300)
@example({"release": ["²"]})
@example({"release": ["9" * 5000]})
@example({"speaker": ["\u0301"], "q": ["营商环境"]})
@example({"region": ["\ud800"], "kind": ["\udc00"]})
def test_build_request_validates_any_parameters(values):
    try:
        request, paging = build_request(values)
    except REFUSALS as exc:
        assert str(exc)
        return
    assert isinstance(request, SearchRequest)
    assert 1 <= paging.page <= 1000 and 1 <= paging.page_size <= 100
    plan = build_plan(request)
    assert plan is None or isinstance(plan, Plan)
    assert all(isinstance(line, str) for line in describe(request))


@pytest.mark.django_db
@given(st.binary(max_size=200))
@settings(max_examples=200)
@example(b"q=%FF%FE&page=%ED%A0%80&region=%C0%AF")
@example(b"q=%00&q=&&&=&sort=%E2%80%AE")
def test_any_query_string_becomes_a_request_or_a_refusal(raw):
    query = QueryDict(raw, encoding="utf-8")
    try:
        build_request({key: query.getlist(key) for key in query})
    except REFUSALS as exc:
        assert str(exc)


@pytest.mark.django_db
@given(params)
@settings(max_examples=60, deadline=5000)
@example({"q": ["营商环境"], "page": ["1000"]})
@example({"q": ["的"], "page_size": ["100"], "within": ["sentence"]})
def test_a_search_returns_a_page_or_says_the_page_is_out_of_range(values):
    try:
        request, paging = build_request(values)
    except REFUSALS:
        return
    if not request.query.has_terms:
        return
    for run in (search_sections, search_releases):
        try:
            page = run(request, paging, Script.TRADITIONAL)
        except PageOutOfRange as exc:
            assert exc.page > exc.last >= 1
            continue
        assert page.total >= 0


# ---- analysis --------------------------------------------------------------------------------

texts = st.one_of(any_text, release_text())


@given(texts)
@settings(max_examples=400)
@example("\ud800")
@example("ß\u0301ﬁ發\u3000\u2028ǅ")
@example("\u0301\u0301a")
def test_offsets_point_into_the_original_in_order(text):
    norm, where = normalise_with_offsets(text)
    assert len(where) == len(norm)
    assert all(0 <= offset < len(text) for offset in where)
    assert list(where) == sorted(where)


@given(texts)
@settings(max_examples=300)
def test_units_and_sentences_rebuild_the_normalised_text(text):
    norm = normalise(text)
    assert "".join(split_units(norm)) == norm
    assert "".join(split_sentences(norm)) == norm
    assert all(query_units(text))


@given(texts, st.data())
@settings(max_examples=300)
@example("国务院关于GDP 5G", None)
def test_index_terms_cover_every_phrase_the_exact_check_finds(text, data):
    norm = normalise(text)
    if data is None:
        start, end = 0, len(norm)
    else:
        start = data.draw(st.integers(0, len(norm)))
        end = data.draw(st.integers(start, len(norm)))
    units = query_units(norm[start:end])
    if not units or not phrase_pattern(units).search(norm):
        return
    assert set(phrase_terms(units)) <= index_terms(norm)


_TAG = re.compile(r"</?mark>")


@given(texts, st.lists(query_text, max_size=4), st.sampled_from(list(Script)))
@settings(max_examples=300)
@example("<script>营商环境</script>", ["营商"], Script.TRADITIONAL)
@example("營商\ud800環境", ["营商"], Script.SIMPLIFIED)
def test_highlights_escape_everything_but_their_marks(text, queries, script):
    phrases = []
    for query in queries:
        try:
            phrases.extend(parse_query(query).positive)
        except QueryTooLong:
            continue
    for rendered in (highlight(text, phrases, script), snippet(text, phrases, script, width=40)):
        assert "<" not in _TAG.sub("", rendered)
        assert rendered.count("<mark>") == rendered.count("</mark>")
