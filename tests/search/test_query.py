"""The query language (``search.core.query.parse_query``): lenient, literal, and it says what it
did."""

from __future__ import annotations

import pytest

from search.core.query import MAX_PHRASES, MAX_QUERY_CHARS, QueryTooLong, parse_query


def groups(text: str) -> list[list[str]]:
    """The AND of OR-groups as normalised phrases."""
    return [[p.normalised for p in group] for group in parse_query(text).groups]


def excluded(text: str) -> list[str]:
    return [p.normalised for p in parse_query(text).excluded]


# --- phrases and AND ----------------------------------------------------------------------


def test_whitespace_runs_separate_phrases_that_are_all_required():
    assert groups("营商环境  一网通办\t\u3000高效办成一件事") == [
        ["营商环境"],
        ["一网通办"],
        ["高效办成一件事"],
    ]


def test_phrases_are_normalised_but_keep_what_was_typed():
    (phrase,) = parse_query("營商環境").positive
    assert phrase.text == "營商環境"
    assert phrase.normalised == "营商环境"
    assert phrase.units == ("营", "商", "环", "境")
    (latin,) = parse_query("ＧＤＰ").positive
    assert latin.units == ("gdp",)


def test_and_keyword_is_optional():
    assert groups("营商 AND 环境") == groups("营商 & 环境") == groups("营商 环境")
    assert parse_query("AND").has_terms is False


# --- quotes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ['"gdp 增长" 办成', "“gdp 增长” 办成", "「gdp 增长」 办成", "『gdp 增长』 办成"],
)
def test_quotes_keep_a_phrase_with_spaces(text):
    assert groups(text) == [["gdp 增长"], ["办成"]]
    assert parse_query(text).notes == ()


def test_a_quoted_space_between_ideographs_is_no_boundary():
    """As in the text (``合作备 忘录`` copied from a PDF), so in a quoted phrase."""
    assert groups('"营商 环境" 办成') == [["营商环境"], ["办成"]]


def test_quoted_operators_and_keys_are_just_text():
    assert groups('"OR" "NOT"') == [["or"], ["not"]]
    assert groups('"region:金昌"') == [["region:金昌"]]
    assert parse_query('"region:金昌"').filters == {}


def test_unbalanced_quote_takes_the_rest_as_one_phrase_and_says_so():
    parsed = parse_query('办成 "营商 环境')
    assert groups('办成 "营商 环境') == [["办成"], ["营商环境"]]
    assert any("引号没有配对" in note for note in parsed.notes)


def test_empty_quotes_are_ignored():
    assert groups('"" 营商') == [["营商"]]


# --- OR -----------------------------------------------------------------------------------


def test_or_joins_neighbours_into_one_group():
    assert groups("营商 OR 环境 通办") == [["营商", "环境"], ["通办"]]
    assert groups("一网通办 OR 跨省通办 OR 市域通办") == [["一网通办", "跨省通办", "市域通办"]]
    assert groups("一网通办 | 跨省通办") == [["一网通办", "跨省通办"]]


def test_lower_case_or_is_a_word():
    assert groups("营商 or 环境") == [["营商"], ["or"], ["环境"]]


@pytest.mark.parametrize(
    ("text", "left"), [("OR", []), ("OR 营商", [["营商"]]), ("营商 OR", [["营商"]])]
)
def test_lone_or_is_ignored_with_a_note(text, left):
    parsed = parse_query(text)
    assert groups(text) == left
    assert any("OR" in note for note in parsed.notes)


def test_or_cannot_join_an_exclusion():
    parsed = parse_query("营商 OR -环境")
    assert groups("营商 OR -环境") == [["营商"]]
    assert excluded("营商 OR -环境") == ["环境"]
    assert any("OR 不能连接排除的词" in note for note in parsed.notes)


# --- NOT and -x ---------------------------------------------------------------------------


def test_not_and_minus_exclude():
    assert groups("营商环境 NOT 金昌") == [["营商环境"]]
    assert excluded("营商环境 NOT 金昌") == ["金昌"]
    assert groups("营商环境 -金昌 -“张 掖”") == [["营商环境"]]
    assert excluded("营商环境 -金昌 -“张 掖”") == ["金昌", "张掖"]


def test_minus_inside_a_word_is_literal():
    assert groups("COVID-19") == [["covid-19"]]
    assert groups("疫情 -COVID-19") == [["疫情"]] and excluded("疫情 -COVID-19") == ["covid-19"]


def test_only_exclusions_leave_nothing_to_search():
    parsed = parse_query("NOT 营商")
    assert parsed.has_terms is False and excluded("NOT 营商") == ["营商"]


def test_trailing_not_is_ignored_with_a_note():
    parsed = parse_query("营商 NOT")
    assert groups("营商 NOT") == [["营商"]] and parsed.excluded == ()
    assert any("NOT" in note for note in parsed.notes)
    assert any("NOT" in note for note in parse_query("NOT").notes)


def test_lone_minus_is_a_literal_character():
    assert groups("-") == [["-"]]
    assert groups("营商 - 环境") == [["营商"], ["-"], ["环境"]]


# --- filters ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "filters"),
    [
        ("region:金昌 营商", {"region": ("金昌",)}),
        ("地区:金昌 营商", {"region": ("金昌",)}),
        ("城市:金昌 营商", {"region": ("金昌",)}),
        ("province:甘肃 营商", {"province": ("甘肃",)}),
        ("省份：甘肅 营商", {"province": ("甘肅",)}),
        ("省:甘肃 营商", {"province": ("甘肃",)}),
        ("年份：2024 营商", {"year": ("2024",)}),  # full-width colon
        ("年：２０２４ 营商", {"year": ("2024",)}),  # full-width digits in the query are folded
        ("year:2020-2024 营商", {"year": ("2020-2024",)}),
        ("kind:发布会 营商", {"kind": ("发布会",)}),
        ("類型:發布會 营商", {"kind": ("發布會",)}),
        ('speaker:"毛 财荣" 营商', {"speaker": ("毛 财荣",)}),
        ("发言人:毛财荣 营商", {"speaker": ("毛财荣",)}),
        ("from:2024-01 to:2024-06 营商", {"from": ("2024-01",), "to": ("2024-06",)}),
        ("Region:金昌 REGION:张掖 营商", {"region": ("金昌", "张掖")}),
    ],
)
def test_filters_are_read_from_the_query(text, filters):
    parsed = parse_query(text)
    assert parsed.filters == filters
    assert groups(text) == [["营商"]]
    assert parsed.notes == ()


def test_unknown_keys_and_colons_stay_in_the_phrase():
    assert groups("http://example.org") == [["http://example.org"]]
    assert groups("12:30 开会") == [["12:30"], ["开会"]]
    assert parse_query("城区:金昌").filters == {}


def test_filter_without_a_value_is_ignored_with_a_note():
    parsed = parse_query("营商 region:")
    assert parsed.filters == {} and groups("营商 region:") == [["营商"]]
    assert any("region" in note for note in parsed.notes)


def test_a_query_of_only_filters_has_no_terms():
    parsed = parse_query("地区:金昌 year:2024")
    assert parsed.has_terms is False
    assert parsed.filters == {"region": ("金昌",), "year": ("2024",)}


def test_a_negated_filter_is_not_silently_applied_as_a_positive_filter():
    parsed = parse_query("-region:金昌 营商")
    assert parsed.filters.get("region") != ("金昌",) or parsed.notes


@pytest.mark.parametrize(
    ("text", "expected"),
    [("NOT region:金昌 营商", [["营商"]]), ("营商 OR region:金昌 办成", [["营商"], ["办成"]])],
)
def test_an_operator_before_a_filter_does_not_jump_to_the_next_word(text, expected):
    assert groups(text) == expected


# --- literal characters and limits --------------------------------------------------------


@pytest.mark.parametrize("text", ["*", "营商*", "?", "营商~2", "title:营商", "(营商)"])
def test_nothing_is_a_wildcard_or_engine_syntax(text):
    parsed = parse_query(text)
    assert [p.text for p in parsed.positive] == [text]
    assert parsed.filters == {} and parsed.notes == ()


def test_too_long_query_raises():
    parse_query("税" * MAX_QUERY_CHARS)
    with pytest.raises(QueryTooLong, match=str(MAX_QUERY_CHARS)):
        parse_query("税" * (MAX_QUERY_CHARS + 1))
    with pytest.raises(QueryTooLong):
        parse_query("x" * 10_000)


def test_length_is_measured_after_trimming():
    assert parse_query("  " + "税" * MAX_QUERY_CHARS + "  ").has_terms


def test_phrase_cap_keeps_the_first_phrases_and_says_so():
    words = [f"词{i}" for i in range(MAX_PHRASES + 6)]
    parsed = parse_query(" ".join(words))
    assert [p.text for p in parsed.positive] == words[:MAX_PHRASES]
    assert any(str(MAX_PHRASES) in note for note in parsed.notes)
    exact = parse_query(" ".join(words[:MAX_PHRASES]))
    assert len(exact.positive) == MAX_PHRASES and exact.notes == ()


def test_exclusions_count_towards_the_cap():
    words = [f"词{i}" for i in range(MAX_PHRASES - 1)]
    parsed = parse_query(" ".join([*words, "-甲", "-乙"]))
    assert len(parsed.positive) + len(parsed.excluded) == MAX_PHRASES
    assert parsed.notes


def test_empty_and_blank_queries():
    for text in ("", "   ", "\u3000", None):
        parsed = parse_query(text)
        assert parsed.has_terms is False and parsed.notes == () and parsed.text == ""


def test_notes_are_not_repeated():
    parsed = parse_query("OR 营商 OR OR")
    assert len(parsed.notes) == len(set(parsed.notes)) == 1
