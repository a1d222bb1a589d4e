"""One normalisation and one segmentation for index, query and highlight (``search.core.analysis``).

No database: these are the rules every other search test relies on.
"""

from __future__ import annotations

import random
import re
import unicodedata

import pytest

from documents.script import to_simplified
from search.core.analysis import (
    NEWLINE,
    SPACE,
    Offsets,
    UnitTokenizer,
    index_terms,
    normalise,
    normalise_with_offsets,
    phrase_pattern,
    phrase_terms,
    policy_words,
    query_units,
    read_policy_terms,
    split_units,
)
from search.core.query import parse_query

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
        ("gdp  增长", "gdp 增长"),
        ("gdp\t\u3000 增长", "gdp 增长"),  # ideographic space is whitespace after NFKC
        ("gdp\u00a0增长", "gdp 增长"),
        ("营商 \n \n环境", "营商\n环境"),  # a run holding a line break becomes one newline
        ("营商\r\n环境", "营商\n环境"),
        ("营商\u2028环境", "营商\n环境"),
        ("  营商环境\n\n", " 营商环境\n"),  # runs at either end collapse but are not stripped
    ],
)
def test_normalise_collapses_whitespace_runs(text, expected):
    assert normalise(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("合作备 忘录", "合作备忘录"),  # copied from a PDF: not a word boundary
        ("营商\u3000\u3000环境", "营商环境"),
        ("1610 项", "1610项"),
        ("第 3 条", "第3条"),
        ("GDP 增长", "gdp 增长"),  # a letter-Han space stays
        ("营商\n环境", "营商\n环境"),  # a line break stays
    ],
)
def test_a_space_inside_a_chinese_word_is_dropped(text, expected):
    assert normalise(text) == expected


@pytest.mark.parametrize(
    "invisible",
    ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200e", "\u202a", "\ufe0f"],
)
def test_invisible_characters_never_hide_a_match(invisible):
    assert normalise(f"营商{invisible}环境") == "营商环境"
    _norm, where = normalise_with_offsets(f"营商{invisible}环境")
    assert where == [0, 1, 3, 4]  # offsets still point into the text as written


def test_letters_and_digits_are_separate_units():
    assert split_units("pm2.5浓度") == ["pm", "2", ".", "5", "浓", "度"]
    assert split_units("5g网络") == ["5", "g", "网", "络"]
    assert phrase_pattern(["2", ".", "5"]).search("pm2.5浓度")
    assert not phrase_pattern(["53", "项"]).search("353项")  # a digit run matches whole
    assert not phrase_pattern(["5", "g"]).search("15g")
    assert not phrase_pattern(["gdp"]).search("xgdp")


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
    text = "ＧＤＰ 營商\u3000\u3000環\u200b境\r\n\n㍿ﬁ"
    norm, where = normalise_with_offsets(text)
    assert norm == "gdp 营商环境\n株式会社fi"
    assert len(where) == len(norm)
    assert list(where) == [0, 1, 2, 3, 4, 5, 8, 10, 11, 14, 14, 14, 14, 15, 15]
    assert where == sorted(where)


def _offsets_char_by_char(text: str) -> tuple[str, list[int]]:
    """The plainest statement of ``normalise_with_offsets``: one character (cluster) at a time."""
    chars: list[tuple[str, int]] = []
    start = 0
    for i in range(1, len(text) + 1):
        if i < len(text) and unicodedata.combining(text[i]):
            continue
        cluster = unicodedata.normalize("NFKC", text[start:i])
        simplified = to_simplified(cluster)
        if len(simplified) == len(cluster):
            cluster = simplified
        chars += [(folded, start) for ch in cluster for folded in ch.casefold()]
        start = i
    out: list[str] = []
    where: list[int] = []
    in_space_run = False
    for ch, at in chars:
        if not ch.isspace():
            out.append(ch)
            where.append(at)
        elif in_space_run:  # one unit per whitespace run, a line break if the run has one
            if ch in LINE_BREAKS:
                out[-1] = NEWLINE
        else:
            out.append(NEWLINE if ch in LINE_BREAKS else SPACE)
            where.append(at)
        in_space_run = ch.isspace()

    # A space between two ideographs, or an ideograph and a digit, is no word boundary.
    def han(c: str) -> bool:
        return "\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff"

    for i in range(len(out) - 2, 0, -1):
        a, b = out[i - 1], out[i + 1]
        if out[i] == SPACE and ((han(a) and (han(b) or b.isdigit())) or (a.isdigit() and han(b))):
            del out[i], where[i]
    return "".join(out), where


LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


@pytest.mark.parametrize("seed", range(3))
def test_offsets_agree_with_a_character_by_character_normalisation(seed):
    rng = random.Random(seed)
    alphabet = "营商環境，（）：ＡＢｃ１２e\u0301u\u0308 \u3000\nﬁ①㍿ßİ\t"
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 25)))
        norm, where = normalise_with_offsets(text)
        assert norm == normalise(text)
        if unicodedata.is_normalized("NFKC", text):
            continue  # nothing composes: every character keeps its own offset
        assert (norm, list(where)) == _offsets_char_by_char(text), text


@pytest.mark.parametrize("seed", range(3))
def test_offsets_of_plain_chinese_text_agree_and_are_kept_as_jumps(seed):
    """Full-width punctuation and whitespace only, the usual release: no character changes its
    place before the whitespace runs, so the offsets are kept as the few places they jump."""
    rng = random.Random(seed)
    alphabet = "营商環境優化，。（）：；１２ＡＢ \u3000\n\n\t\r"
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40)))
        norm, where = normalise_with_offsets(text)
        assert isinstance(where, Offsets)
        assert (norm, list(where)) == _offsets_char_by_char(text), text
        assert where[-1] == list(where)[-1] if len(where) else True
        assert where[1:4] == list(where)[1:4]


def test_offsets_of_a_long_release_point_at_its_characters():
    text = "（一）优化营商环境。\n\n  二、深化“放管服”改革，\u3000推进一网通办。\n" * 500
    norm, where = normalise_with_offsets(text)
    assert len(where) == len(norm) < len(text)
    for found in re.finditer("一网通办", norm):
        assert text[where[found.start()] : where[found.end() - 1] + 1] == "一网通办"
    with pytest.raises(IndexError):
        where[len(norm)]


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
        ("gdp增长5g", ["gdp", "增", "长", "5", "g"]),  # letters and digits: separate runs
        ("拨打12345热线", ["拨", "打", "12345", "热", "线"]),
        ("2.5个小时", ["2", ".", "5", "个", "小", "时"]),
        ("营商 环境", ["营", "商", "环", "境"]),  # no word boundary between ideographs
        ("gdp 增长", ["gdp", " ", "增", "长"]),
        ("a_b", ["a", "_", "b"]),  # the underscore is not a word character
        ("c919大飞机", ["c", "919", "大", "飞", "机"]),
        ("“放管服”", ["“", "放", "管", "服", "”"]),
    ],
)
def test_split_units_word_runs_and_one_unit_per_cjk_character(text, units):
    assert split_units(normalise(text)) == units


def test_query_units_normalise_and_strip():
    assert query_units("  ＧＤＰ增長  ") == ["gdp", "增", "长"]
    assert query_units("   ") == []


def test_phrase_terms_are_letter_digit_ideograph_pairs_and_word_units():
    assert phrase_terms(["营", "商", "环", "境"]) == ["营商", "商环", "环境"]
    assert phrase_terms(["gdp", "增", "长"]) == ["gdp增", "增长", "gdp"]
    assert phrase_terms(["5g"]) == ["5g"]
    assert phrase_terms(["税"]) == []  # one ideograph: every text is a candidate
    assert phrase_terms(["税", ",", "费"]) == []  # no pair of two indexed units
    assert phrase_terms(["减", "税", " ", "降", "费"]) == ["减税", "降费"]
    assert phrase_terms([]) == []


# --- index terms --------------------------------------------------------------------------


def test_index_terms_are_pairs_within_runs_and_word_units():
    assert index_terms(normalise("營商環境，ＧＤＰ增长 拨打12345热线。")) == {
        "营商",
        "商环",
        "环境",
        "gdp",
        "gdp增",
        "增长",
        "长拨",  # 增长 拨打: the space between ideographs is not a boundary
        "拨打",
        "打12345",
        "12345",
        "12345热",
        "热线",
    }


def test_unit_tokenizer_yields_the_index_terms():
    tokenizer = UnitTokenizer()
    text = "营商环境 GDP"
    tokens = [t.text for t in tokenizer(text)]
    assert set(tokens) == tokenizer.term_set(text) == {"营商", "商环", "环境", "gdp"}
    assert [t.text for t in tokenizer("營商環境", mode="query")] == ["营商", "商环", "环境"]


ALPHABET = "营商环境优化改革税费减降,。 \n!?（）gdpGDP5g１２345_ß"


@pytest.mark.parametrize("seed", range(4))
def test_a_text_containing_a_phrase_holds_every_term_of_the_phrase(seed):
    # The candidates from the index must include every text the exact check would accept.
    rng = random.Random(seed)
    for _ in range(2000):
        text = normalise("".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 30))))
        start = rng.randrange(len(text))
        units = query_units(text[start : start + rng.randint(1, 8)])
        if not units or phrase_pattern(units).search(text) is None:
            continue
        assert set(phrase_terms(units)) <= index_terms(text), (text, units)


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
