"""The Elasticsearch mapping, documents, queries and highlights, checked on their JSON.

These need no cluster: they pin down what the backend sends (built-in analysis only, text
normalised by the portal, the same filters as Whoosh) and how it reads answers back. Whether a
real cluster then finds what the database says it should is the backend contract
(``tests/search/test_backend_contract.py``), run when ``ELASTICSEARCH_URL`` is set.
"""

from __future__ import annotations

import json

import pytest
from haystack import connections

from documents.models import Section
from search.core.analysis import normalise, phrase_pattern, query_units
from search.core.fingerprint import index_fingerprint
from search.core.highlight import find_spans
from search.core.plan import PhraseCheck, build_plan
from search.core.query import Phrase
from search.core.section_text import section_content
from search.engines.elasticsearch import highlight as es_highlight
from search.engines.elasticsearch import query as es_query
from search.engines.elasticsearch.mapping import (
    KEYWORD_FIELDS,
    NUMBER_FIELDS,
    document,
    index_body,
    properties,
)
from tests.search.scan import request

pytestmark = pytest.mark.django_db

#: Analysis components Elasticsearch ships with (no plugin on the cluster).
BUILT_IN_ANALYZERS = {"cjk", "standard", "whitespace", "keyword", "simple"}
BUILT_IN_TOKENIZERS = {"pattern", "whitespace", "standard"}


def plan_json(**params: str) -> dict:
    plan = build_plan(request(**params))
    assert plan is not None
    return es_query.query(plan)


def phrases_in(clause: object) -> list[tuple[str, str]]:
    """Every (field, text) of a match_phrase anywhere in ``clause``."""
    found: list[tuple[str, str]] = []
    if isinstance(clause, dict):
        for key, value in clause.items():
            if key == "match_phrase":
                ((field, spec),) = value.items()
                found.append((field, spec["query"]))
            else:
                found.extend(phrases_in(value))
    elif isinstance(clause, list):
        for item in clause:
            found.extend(phrases_in(item))
    return found


# --- the index ---------------------------------------------------------------------------------


def test_index_uses_only_built_in_analysis_and_a_strict_mapping():
    body = index_body(shards=3, replicas=1, meta=index_fingerprint())
    json.dumps(body)  # plain JSON, sendable as is
    assert body["settings"]["index"]["number_of_shards"] == 3
    assert body["settings"]["index"]["number_of_replicas"] == 1
    analysis = body["settings"]["analysis"]
    assert {t["type"] for t in analysis["tokenizer"].values()} <= BUILT_IN_TOKENIZERS
    custom = set(analysis["analyzer"])
    mapping = body["mappings"]
    assert mapping["dynamic"] == "strict"
    assert mapping["_meta"] == index_fingerprint()
    for name in ("text", "title", "heading", "speaker"):
        field = mapping["properties"][name]
        assert field["analyzer"] == "cjk", "phrases of ideographs use the built-in bigrams"
        assert field["fields"]["units"]["analyzer"] == "portal_units"
    used = {
        spec.get("analyzer")
        for spec in [*mapping["properties"].values()]
        + [sub for f in mapping["properties"].values() for sub in f.get("fields", {}).values()]
        if spec.get("analyzer")
    }
    assert used <= BUILT_IN_ANALYZERS | custom
    assert mapping["properties"]["words"]["analyzer"] == "portal_words"


def test_unit_tokenizer_pattern_is_javas_form_of_the_portals_units():
    tokenizer = index_body(shards=1, replicas=0, meta={})["settings"]["analysis"]["tokenizer"]
    spec = tokenizer["portal_units"]
    # A run of letters, or a run of digits, below the CJK blocks is one unit (pm2.5 is pm, 2,
    # ., 5 as in ``split_units``); anything else is one character.
    assert spec["pattern"] == (
        r"[\p{L}\p{Nl}\p{No}&&[^\x{2E80}-\x{10FFFF}]]+|[\p{Nd}&&[^\x{2E80}-\x{10FFFF}]]+|."
    )
    assert spec["group"] == 0 and spec["flags"] == "DOTALL"


def test_keyword_and_number_columns_cover_what_search_filters_and_counts():
    fields = properties()
    for name in ("region", "province", "regions", "year", "kind", "status", "lead", "version"):
        assert fields[name] == {"type": "keyword"}
    for name in ("section", "release", "day", "order"):
        assert fields[name] == {"type": "long"}


# --- documents ---------------------------------------------------------------------------------


def test_documents_carry_normalised_text_words_and_typed_columns(seeds):
    index = connections["default"].get_unified_index().get_index(Section)
    jinchang = seeds["000"]  # written in Traditional script
    section = next(s for s in jinchang.sections.order_by("order") if "營商環境" in s.text)
    source = document(index.full_prepare(section))
    assert set(source) <= set(properties()), "the mapping is strict: no field it lacks"
    assert source["text"] == normalise(section_content(section))
    assert "营商环境" in source["text"] and "營商環境" not in source["text"]
    assert "营商环境" in source["words"].split(), "jieba's words, with the policy dictionary"
    assert source["section"] == section.pk and source["release"] == jinchang.pk
    assert isinstance(source["day"], int) and source["day"] // 10000 == jinchang.published.year
    assert source["region"] == jinchang.region.code
    assert jinchang.region.code in source["regions"]
    assert source["status"] == "published"
    assert source["id"] == f"documents.section.{section.pk}"
    for name in KEYWORD_FIELDS:
        assert name not in source or isinstance(source[name], str | list)
    for name in NUMBER_FIELDS:
        assert isinstance(source[name], int)


# --- queries ----------------------------------------------------------------------------------


def test_a_run_of_ideographs_is_a_bigram_phrase_in_either_script():
    simplified, traditional = plan_json(q="营商环境"), plan_json(q="營商環境")
    assert simplified == traditional
    assert phrases_in(simplified["bool"]["must"]) == [("text", "营商环境")]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("税", ("text.units", "税")),  # one ideograph: no bigram holds it alone
        ("5G网络", ("text.units", "5g网络")),  # a digit run and a letter run, bounded
        ("１２３４５热线", ("text.units", "12345热线")),  # full width folded by NFKC
        ("RCEP", ("text.units", "rcep")),
        ('"GDP 增长"', ("text.units", "gdp 增长")),  # a space inside a quoted phrase counts
    ],
)
def test_other_phrases_use_the_unit_field(query, expected):
    assert phrases_in(plan_json(q=query)["bool"]["must"]) == [expected]


def test_groups_alternatives_and_exclusions():
    body = plan_json(q="企业开办 一网通办 OR 一件事 -疫情")
    must = body["bool"]["must"]
    assert len(must) == 2
    assert all(g["bool"]["minimum_should_match"] == 1 for g in must)
    assert phrases_in(must[1]) == [("text", "一网通办"), ("text", "一件事")]
    assert phrases_in(body["bool"]["must_not"]) == [("text", "疫情")]


def test_filters_are_the_same_as_whooshs(seeds):
    jinchang = seeds["000"]
    body = plan_json(
        q="营商环境",
        region=jinchang.region.code,
        year=str(jinchang.published.year),
        kind=jinchang.kind,
        answers="1",
        **{"from": "2020-01-01"},
        to="2024-12-31",
        speaker="新闻发言人",
    )
    filters = body["bool"]["filter"]
    assert {"term": {"status": "published"}} in filters
    assert {"terms": {"regions": [jinchang.region.code]}} in filters
    assert {"terms": {"year": [str(jinchang.published.year)]}} in filters
    assert {"terms": {"kind": [jinchang.kind]}} in filters
    assert {"terms": {"section_kind": ["answer"]}} in filters
    assert {"range": {"day": {"gte": 20200101, "lte": 20241231}}} in filters
    assert phrases_in(filters) == [("speaker", "新闻发言人")]


def test_title_scope_searches_lead_sections_and_names_no_heading():
    body = plan_json(q="营商环境", scope="title")
    assert phrases_in(body["bool"]["must"]) == [("title", "营商环境")]
    assert {"terms": {"lead": ["1"]}} in body["bool"]["filter"]
    assert "should" not in body["bool"]


def test_heading_hits_are_a_named_clause():
    body = plan_json(q="营商环境")
    (named,) = body["bool"]["should"]
    assert named["bool"]["_name"] == es_query.HEADING_QUERY
    assert phrases_in(named) == [("heading", "营商环境")]


def test_every_match_is_paged_through_without_the_hit_window():
    plan = build_plan(request(q="营商环境"))
    first = es_query.search_body(plan)
    assert first["sort"] == [{"_score": "desc"}, {"section": "asc"}]
    assert first["_source"] is False and "search_after" not in first
    assert set(first["docvalue_fields"]) == set(es_query.MATCH_FIELDS)
    assert es_query.search_body(plan, [3.5, 17])["search_after"] == [3.5, 17]
    sentence = es_query.search_body(build_plan(request(q="企业 开办", within="sentence")))
    assert sentence["_source"] == ["text"], "sentences are checked on the text"


def test_a_hit_becomes_a_match_row():
    hit = {
        "_score": 7.25,
        "matched_queries": ["heading"],
        "fields": {
            "section": [12],
            "release": [3],
            "province": ["620000"],
            "region": ["620300"],
            "year": ["2024"],
            "kind": ["press_conference"],
            "day": [20240521],
            "order": [4],
        },
    }
    match = es_query.to_match(hit)
    assert match.section == 12 and match.release == 3 and match.score == 7.25
    assert match.heading_hit is True and match.region == "620300" and match.day == 20240521
    assert es_query.to_match({**hit, "matched_queries": []}).heading_hit is False


def test_more_like_this_leaves_the_section_out_and_reads_the_words_field():
    body = es_query.more_like_this_body(["营商环境", "一网通办"], exclude=9, size=50)
    mlt = body["query"]["bool"]["must"][0]["more_like_this"]
    assert mlt["fields"] == ["words"] and mlt["like"] == "营商环境 一网通办"
    assert body["query"]["bool"]["must_not"] == [{"term": {"section": 9}}]


# --- highlights back in the original script -----------------------------------------------------


def tagged(norm: str, needle: str) -> str:
    """``norm`` with every occurrence of ``needle`` wrapped in the tags, bigram by bigram, as
    the unified highlighter marks a phrase of bigrams."""
    pattern = phrase_pattern(query_units(needle))
    out, last = [], 0
    for found in pattern.finditer(norm):
        out.append(norm[last : found.start()])
        for ch in found.group():
            out.append(f"{es_highlight.PRE_TAG}{ch}{es_highlight.POST_TAG}")
        last = found.end()
    out.append(norm[last:])
    return "".join(out)


def test_tagged_spans_merge_neighbouring_marks():
    pre, post = es_highlight.PRE_TAG, es_highlight.POST_TAG
    fragment = f"提升{pre}营商{post}{pre}环境{post}水平，{pre}营商{post}"
    assert es_highlight.tagged_spans(fragment) == [(2, 6), (9, 11)]
    assert es_highlight.tagged_spans("no marks") == []


def test_marks_on_normalised_text_land_on_the_traditional_original(seeds):
    jinchang = seeds["000"]
    section = next(s for s in jinchang.sections.order_by("order") if "營商環境" in s.text)
    content = section_content(section)
    hit = {"highlight": {"text": [tagged(normalise(content), "营商环境")]}}
    spans = es_highlight.to_original(content, es_highlight.hit_spans(hit))
    phrase = Phrase("营商环境", tuple(query_units("营商环境")))
    assert spans == find_spans(content, [phrase]) != []
    assert {content[s:e] for s, e in spans} == {"營商環境"}
    heading, text = es_highlight.split_content(section.heading, section.text, spans)
    assert {section.text[s:e] for s, e in text} == {"營商環境"}
    assert text == find_spans(section.text, [phrase])
    assert all(section.heading[s:e] == "營商環境" for s, e in heading)


def test_split_content_puts_heading_and_body_spans_apart():
    heading, text = "  一、优化营商环境 ", "\n营商环境持续优化。"
    content = "一、优化营商环境\n营商环境持续优化。"
    spans = [(content.index("营商"), content.index("营商") + 4), (9, 13)]
    in_heading, in_text = es_highlight.split_content(heading, text, spans)
    assert [heading[s:e] for s, e in in_heading] == ["营商环境"]
    assert [text[s:e] for s, e in in_text] == ["营商环境"]


def test_highlight_request_marks_the_positive_phrases_of_the_shown_sections():
    checks = [PhraseCheck.of(Phrase("营商环境", tuple(query_units("营商环境"))))]
    body = es_highlight.highlight_body([4, 5], checks)
    assert body["query"] == {"terms": {"section": [4, 5]}}
    for name in es_highlight.HIGHLIGHT_FIELDS:
        options = body["highlight"]["fields"][name]
        assert options["number_of_fragments"] == 0
        assert phrases_in(options["highlight_query"]) == [("text", "营商环境")]
