"""Marks on what matched, in the text as written; nothing but ``<mark>`` left unescaped."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.conf import settings

from documents.script import Script
from search.core.highlight import SNIPPET_CHARS, find_spans, first_spans, highlight, snippet
from search.core.query import parse_query


def phrases(query: str):
    return parse_query(query).positive


def marked(html: str) -> list[str]:
    return re.findall(r"<mark>(.*?)</mark>", html)


def tags(html: str) -> set[str]:
    return set(re.findall(r"</?([a-zA-Z][^\s>/]*)", html))


@pytest.mark.parametrize(
    ("text", "query", "marks"),
    [
        ("全省優化營商環境提質增效年", "营商环境", ["營商環境"]),
        ("全省優化營商環境提質增效年", "營商環境", ["營商環境"]),
        ("ＧＤＰ增長５Ｇ和15G網絡", "gdp 5g", ["ＧＤＰ", "５Ｇ"]),  # not the 5G inside 15G
        ("辦理時間壓縮至2.5個小時，12.5個小時", "2.5个小时", ["2.5個小時"]),
        ("撥打１２３４５熱線或12345", "12345", ["１２３４５", "12345"]),
        ("推行「一網通辦」　一网通办", "一網通辦", ["一網通辦", "一网通办"]),
        ("營商  環境\n营商 环境", '"营商 环境"', ["營商  環境", "营商 环境"]),
        ("高效辦成一件事，辦成", "办成", ["辦成", "辦成"]),
    ],
)
def test_marks_fall_exactly_on_the_matches(text, query, marks):
    html = str(highlight(text, phrases(query)))
    assert marked(html) == marks
    assert re.sub(r"</?mark>", "", html) == text  # nothing else changed


def test_spans_are_offsets_into_the_original():
    text = "開通ＧＤＰ核算，營商環境"
    spans = find_spans(text, phrases("gdp 营商环境"))
    assert [text[s:e] for s, e in spans] == ["ＧＤＰ", "營商環境"]


def test_overlapping_phrases_merge_into_one_mark():
    html = str(highlight("优化营商环境", phrases("营商 商环境 OR 优化营")))
    assert marked(html) == ["优化营商环境"]


def test_excluded_phrases_are_not_marked():
    html = str(highlight("营商环境 金昌", parse_query("营商环境 -金昌").positive))
    assert marked(html) == ["营商环境"]


def test_no_phrases_no_marks():
    assert str(highlight("营商环境", ())) == "营商环境"
    assert find_spans("", phrases("营商")) == []


def test_html_in_the_text_is_escaped():
    text = '<script>alert("x")</script><b>營商環境</b> & <img src=x onerror=1>'
    html = str(highlight(text, phrases("营商环境")))
    assert "<script>" not in html and "<b>" not in html and "<img" not in html
    assert tags(html) == {"mark"}
    assert "&lt;script&gt;" in html and "&amp;" in html
    assert marked(html) == ["營商環境"]


def test_html_in_the_query_is_escaped_and_still_matched():
    text = "正文里写着<script>标签"
    html = str(highlight(text, phrases("<script>")))
    assert marked(html) == ["&lt;script&gt;"]
    assert "<script>" not in html and tags(html) == {"mark"}


def test_snippet_of_a_short_text_is_the_whole_text():
    html = str(snippet("短文本營商環境", phrases("营商环境")))
    assert html == "短文本<mark>營商環境</mark>"


def test_snippet_elides_both_ends_around_the_hit():
    text = "前文" * 200 + "營商環境" + "後文" * 200
    html = str(snippet(text, phrases("营商环境")))
    assert html.startswith("…") and html.endswith("…")
    assert marked(html) == ["營商環境"]
    body = re.sub(r"</?mark>", "", html)[1:-1]
    assert len(body) == SNIPPET_CHARS and body in text


def test_snippet_at_the_start_elides_only_the_end():
    text = "營商環境" + "後文" * 200
    html = str(snippet(text, phrases("营商环境")))
    assert html.startswith("<mark>營商環境</mark>") and html.endswith("…")


def test_snippet_without_hits_shows_the_beginning():
    text = "开头" + "x" * 500
    html = str(snippet(text, phrases("营商环境")))
    assert html.startswith("开头") and html.endswith("…") and "<mark>" not in html


def test_snippet_prefers_the_densest_cluster_of_hits():
    text = "营商" + "。" * 300 + "营商环境，营商环境，营商环境" + "。" * 300
    html = str(snippet(text, phrases("营商")))
    assert len(marked(html)) == 3


def test_snippet_escapes_markup_cut_by_the_window():
    text = "<b>" * 100 + "營商環境" + "<i>" * 100
    html = str(snippet(text, phrases("营商环境")))
    assert tags(html) == {"mark"}
    assert marked(html) == ["營商環境"]


def test_marks_survive_script_conversion():
    text = "全省優化營商環境"
    assert str(highlight(text, phrases("营商环境"), Script.SIMPLIFIED)) == (
        "全省优化<mark>营商环境</mark>"
    )
    assert str(highlight("优化营商环境", phrases("營商環境"), Script.TRADITIONAL)) == (
        "優化<mark>營商環境</mark>"
    )


def national_reports() -> list[str]:
    path = Path(settings.BASE_DIR) / "fixtures/corpora/national-government-work-reports.jsonl"
    return [json.loads(line)["content"] for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("query", ["营商环境", "乡村振兴 农民 收入", "人民 GDP", "不存在的词语"])
def test_a_long_sections_snippet_reads_only_until_each_phrase_has_a_hit(query):
    """Every span found is a real hit, the first hit of each phrase is among them, and the
    window is the one the whole text's hits give when they lie in what was read."""
    long_reports = [text for text in national_reports() if len(text) > 10_000]
    assert len(long_reports) > 40
    for text in long_reports[::8]:
        found = phrases(query)
        every = find_spans(text, found)
        first = first_spans(text, found, chunk=3000)
        assert set(first) <= set(every)
        for phrase in found:
            alone = find_spans(text, [phrase])
            if alone:
                assert any(s <= alone[0][0] and alone[0][1] <= e for s, e in first)
        read_to = max((e for _s, e in first), default=0)
        assert first == [span for span in every if span[1] <= read_to]


def test_short_texts_are_searched_whole():
    text = "全省優化營商環境。\n" * 50
    assert first_spans(text, phrases("营商环境"), chunk=4000) == find_spans(
        text, phrases("营商环境")
    )
