"""One normalisation and one segmentation for index, query and highlight (``search.analysis``).

No database: these are the rules every other search test relies on.
"""

from __future__ import annotations

import unicodedata
from itertools import pairwise

import pytest

from search.analysis import (
    NEWLINE,
    SPACE,
    UnitTokenizer,
    normalise,
    normalise_with_offsets,
    phrase_pattern,
    phrase_terms,
    policy_words,
    query_units,
    read_policy_terms,
    split_units,
)
from search.query import parse_query

# --- normalise ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ＧＤＰ增长５Ｇ", "gdp增长5g"),  # full-width letters and digits → half-width, lower case
        ("１２３４５热线", "12345热线"),
        ("（一）", "(一)"),  # full-width brackets are NFKC-folded too
        ("營商環境", "营商环境"),  # Traditional → Simplified
        ("毛財榮", "毛财荣"),
        ("PM2.5 and RCEP", "pm2.5 and rcep"),
        ("Straße", "strasse"),  # case-folding, not just lower-casing
        ("㍿", "株式会社"),  # compatibility characters expand
    ],
)
def test_normalise_folds_width_script_and_case(text, expected):
    assert normalise(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("营商  环境", "营商 环境"),
        ("营商\t\u3000 环境", "营商 环境"),  # ideographic space is whitespace after NFKC
        ("营商\u00a0环境", "营商 环境"),
        ("营商 \n \n环境", "营商\n环境"),  # a run holding a line break becomes one newline
        ("营商\r\n环境", "营商\n环境"),
        ("营商\u2028环境", "营商\n环境"),
        ("  营商环境\n\n", " 营商环境\n"),  # runs at either end collapse but are not stripped
    ],
)
def test_normalise_collapses_whitespace_runs(text, expected):
    assert normalise(text) == expected


def test_normalise_is_idempotent_and_script_blind():
    mixed = "全省優化營商環境提質增效年，ＧＤＰ增長 5%"
    once = normalise(mixed)
    assert normalise(once) == once
    assert normalise("全省优化营商环境提质增效年,GDP增长 5%") == once


def test_normalise_composes_combining_marks_like_nfkc():
    decomposed = "fu\u0301"  # pinyin fú typed with a combining acute accent
    assert normalise(decomposed) == unicodedata.normalize("NFKC", decomposed).casefold() == "fú"
    (phrase,) = parse_query(decomposed).positive
    assert phrase_pattern(list(phrase.units)).search(normalise(f"福字读作{decomposed}。"))


# --- normalise_with_offsets ---------------------------------------------------------------


def test_offsets_map_each_normalised_character_to_its_origin():
    text = "ＧＤＰ 營商\u3000\u3000環境\r\n\n㍿ﬁ"
    norm, where = normalise_with_offsets(text)
    assert norm == "gdp 营商 环境\n株式会社fi"
    assert len(where) == len(norm)
    assert where == [0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 13, 13, 13, 13, 14, 14]
    assert where == sorted(where)


@pytest.mark.parametrize(
    ("text", "query", "original"),
    [
        ("全省優化營商環境提質增效年", "营商环境", "營商環境"),
        ("办理时限压缩至２．５个小时以内", "2.5个小时", "２．５个小时"),
        ("開通ＧＤＰ核算與５Ｇ基站", "gdp", "ＧＤＰ"),
        ("「一網通辦」　改革", "一网通办", "一網通辦"),
        ("營商  環境", '"营商 环境"', "營商  環境"),  # a collapsed run maps back whole
    ],
)
def test_offsets_recover_the_original_text_of_a_match(text, query, original):
    norm, where = normalise_with_offsets(text)
    (phrase,) = parse_query(query).positive
    found = phrase_pattern(list(phrase.units)).search(norm)
    assert found is not None
    start, end = where[found.start()], where[found.end() - 1] + 1
    assert text[start:end] == original


# --- units --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "units"),
    [
        ("gdp增长5g", ["gdp", "增", "长", "5g"]),
        ("拨打12345热线", ["拨", "打", "12345", "热", "线"]),
        ("2.5个小时", ["2", ".", "5", "个", "小", "时"]),
        ("营商 环境", ["营", "商", " ", "环", "境"]),
        ("a_b", ["a", "_", "b"]),  # the underscore is not a word character
        ("c919大飞机", ["c919", "大", "飞", "机"]),
        ("“放管服”", ["“", "放", "管", "服", "”"]),
    ],
)
def test_split_units_word_runs_and_one_unit_per_cjk_character(text, units):
    assert split_units(normalise(text)) == units


def test_query_units_normalise_and_strip():
    assert query_units("  ＧＤＰ增長  ") == ["gdp", "增", "长"]
    assert query_units("   ") == []


def test_phrase_terms_are_neighbouring_pairs():
    assert phrase_terms(["营", "商", "环", "境"]) == ["营商", "商环", "环境"]
    assert phrase_terms(["gdp", "增", "长"]) == ["gdp增", "增长"]
    assert phrase_terms(["税"]) == ["税"]
    assert phrase_terms([]) == []


# --- UnitTokenizer ------------------------------------------------------------------------


def _tokens(text: str, **kwargs: object) -> list[tuple[str, int]]:
    return [(t.text, t.pos) for t in UnitTokenizer()(text, positions=True, **kwargs)]


def test_unit_tokenizer_emits_units_and_pairs_at_unit_positions():
    assert _tokens("營商環境 GDP") == [
        ("营", 0),
        ("营商", 0),
        ("商", 1),
        ("商环", 1),
        ("环", 2),
        ("环境", 2),
        ("境", 3),
        ("境 ", 3),
        (" gdp", 4),  # the space unit keeps its position but is not a token by itself
        ("gdp", 5),
    ]


def test_unit_tokenizer_positions_are_unit_indexes_not_character_offsets():
    # A word run is many characters but one unit: "12345" occupies position 2 only, so the
    # next unit is at 3 (jieba's ChineseTokenizer used character offsets as positions, which
    # broke phrase queries after every multi-character word).
    text = "拨打12345热线，ＧＤＰ增长"
    units = split_units(normalise(text))
    singles = [(t, p) for t, p in _tokens(text) if t in units and t != SPACE]
    assert [p for _, p in singles] == list(range(len(units)))
    assert [t for t, _ in singles] == units
    pairs = [(t, p) for t, p in _tokens(text) if (t, p) not in singles]
    assert pairs == [(a + b, i) for i, (a, b) in enumerate(pairwise(units))]


def test_unit_tokenizer_respects_start_pos():
    assert _tokens("营商", start_pos=10) == [("营", 10), ("营商", 10), ("商", 11)]


def test_unit_tokenizer_query_mode_yields_only_the_phrase_pairs():
    assert _tokens("營商環境", mode="query") == [("营商", 0), ("商环", 1), ("环境", 2)]
    assert _tokens("税", mode="query") == [("税", 0)]


def test_newline_is_a_unit_so_sentences_can_be_bounded():
    tokens = _tokens("一。\n二")
    assert ("。", 1) in tokens and (NEWLINE, 2) in tokens and ("二", 3) in tokens


# --- phrase_pattern -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "text", "found"),
    [
        ("5g", "建成5g基站", True),
        ("5g", "建成15g基站", False),  # 5g is not inside the unit 15g
        ("5g", "5gs", False),
        ("5G", "５Ｇ网络", True),
        ("2.5个小时", "压缩至2.5个小时", True),
        ("2.5个小时", "压缩至12.5个小时", False),
        ("12345", "12345热线", True),
        ("12345", "123456热线", False),
        ("gdp", "GDP增长", True),
        ("gdp", "gdpr规则", False),
        ("营商环境", "优化营商环境工作", True),  # CJK has no word boundaries to respect
        ("办成", "高效办成一件事", True),
        ("c919", "国产c919大飞机", True),
        ("c919", "国产c9190", False),
        ("a", "a_b", True),  # the underscore separates word units
    ],
)
def test_phrase_pattern_respects_word_unit_boundaries(query, text, found):
    pattern = phrase_pattern(query_units(query))
    assert (pattern.search(normalise(text)) is not None) is found


def test_phrase_pattern_agrees_with_unit_pairs_of_the_index():
    # The pattern must find a phrase exactly where the index holds all its pairs in a row.
    for query, text in [("5g", "15g"), ("2.5个小时", "12.5个小时"), ("营商", "营商环境")]:
        units = query_units(query)
        doc_units = split_units(normalise(text))
        doc_pairs = phrase_terms(doc_units) if len(units) > 1 else doc_units
        terms = phrase_terms(units)
        in_index = any(
            doc_pairs[i : i + len(terms)] == terms for i in range(len(doc_pairs) - len(terms) + 1)
        )
        assert in_index is (phrase_pattern(units).search(normalise(text)) is not None)


# --- policy words -------------------------------------------------------------------------

POLICY_TERMS = [
    "高效办成一件事",
    "一网通办",
    "营商环境",
    "放管服",
    "专精特新",
    "证照分离",
    "接诉即办",
]


def test_policy_terms_are_in_the_dictionary():
    assert set(POLICY_TERMS) <= set(read_policy_terms())


@pytest.mark.parametrize(
    ("sentence", "term"),
    [
        ("扎实推进高效办成一件事改革", "高效办成一件事"),
        ("深化一网通办，推动跨省通办", "一网通办"),
        ("持续改善营商环境", "营商环境"),
        ("深化放管服，激发活力", "放管服"),
        ("培育专精特新企业", "专精特新"),
        ("全面推开证照分离", "证照分离"),
        ("推行接诉即办机制", "接诉即办"),
        ("推進高效辦成一件事", "高效办成一件事"),  # Traditional input, same words
    ],
)
def test_policy_words_keep_dictionary_terms_whole(sentence, term):
    assert term in policy_words(sentence)


def test_policy_words_drop_punctuation_and_whitespace():
    words = policy_words("“一网通办”， 营商环境！")
    assert words == ["一网通办", "营商环境"]
