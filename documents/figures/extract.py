"""Quantitative statements ("figures") in policy text: ``审批时限压减至30个工作日以内``.

A figure is a number written immediately before a unit from :mod:`documents.figures.units`,
read together with what its sentence says about it: the bound or approximation around it
(以内, 以上, 约, 余), what it measures (the subject), the time it refers to (the period) and,
for a change such as ``由53项精简至37项``, the other end of the change.

Figures are shown to readers as facts about a city, so precision comes before recall: when a
number could be an ordinal (第十五场), a date (6月19日), a year, a phone number, a range end
(3-5个工作日), a slogan in quotes (“一个工作日”), a set phrase (一件事, 一次办) or a size class
(亿元以上项目), it is left out. Rules match on a folded twin of the text (half-width,
Simplified, same length) and every string handed back is cut from the original at the same
offsets, so a Traditional release gives Traditional figures.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, replace
from decimal import Decimal
from itertools import pairwise

from documents.figures.measures import Reading, measure_of
from documents.figures.numerals import DIGITS, NUMERAL_CHARS, parse_chinese_number
from documents.figures.units import COUNT, DURATION, MAGNITUDES, PERCENT, VARIANTS, Unit
from documents.script import to_simplified


@dataclass(frozen=True, slots=True)
class Figure:
    """One quantitative statement, located in the text it came from (see the module doc)."""

    value: Decimal
    unit: str
    kind: str
    text: str
    start: int
    end: int
    qualifier: str
    subject: str
    period: str
    sentence: str
    sentence_start: int
    sentence_end: int
    before: str
    after: str
    measure: str  # a code of ``documents.figures.measures.MEASURES``
    certain: bool  # the text said what the figure measures (else its unit's fallback)


def _words(spaced: str) -> tuple[str, ...]:
    """A word list, longest first, so that 不超过 is tried before 超过."""
    return tuple(sorted(spaced.split(), key=len, reverse=True))


# --- what a number looks like, and what may follow it ------------------------------------------

_CN = NUMERAL_CHARS
#: Words after which a bare magnitude is a number: 突破万亿元, 近百人次, 上千家, 上亿人.
_BARE_AFTER = (
    "突破",
    "超过",
    "迈上",
    "跨越",
    "达到",
    "稳定在",
    "保持在",
    "过",
    "超",
    "逾",
    "达",
    "近",
    "上",
)
_BARE_LOOKBEHIND = "|".join(f"(?<={word})" for word in _BARE_AFTER)
#: A bare magnitude's value and the magnitude word its unit keeps.
_BARE_VALUES = {
    "万亿": (Decimal(1), "万亿"),
    "千亿": (Decimal(1000), "亿"),
    "百亿": (Decimal(100), "亿"),
    "亿": (Decimal(1), "亿"),
    "百": (Decimal(100), ""),
    "千": (Decimal(1000), ""),
}
_CANDIDATE = re.compile(
    rf"(?P<pct>百分之|千分之)(?P<pctnum>[{_CN}]+)"
    # 突破万亿元, 近百人次, 上千家: a round magnitude after a word of approximation
    rf"|(?P<bare>(?:{_BARE_LOOKBEHIND})(?:万亿|千亿|百亿|亿|百|千)(?![\d万亿千百]))"
    # 1万5千颗, 2亿3000万元, 2万5,000元: a number written in pieces, read as one
    r"|(?P<pieces>(?<![\d.,·])\d{1,4}(?:万\d{1,4}千|亿\d{1,4}万|万(?:\d,\d{3}|\d{4}))(?![\d,]))"
    # 19·5％ in old reports; 7 4 7 7 2 亿元, digits spaced out by an old report's typesetting
    r"|(?P<ar>(?<![\d.·])(?:\d(?: \d){2,}(?![\d.·])|\d \d(?= ?[万亿])"
    r"|(?:\d{1,3}(?:,\d{3}(?!\d))+|\d+)(?:[.·]\d+)?))"
    rf"|(?P<cn>[{_CN}]+)"
    r"|(?P<half>半)"
)
_TAIL = re.compile(
    r"(?P<q1>余|餘|多)?"
    rf"(?:(?P<m1>{'|'.join(_words(' '.join(MAGNITUDES)))})(?P<q2>余|餘|多)?(?P<m2>亿|億)?)?"
    rf"(?P<unit>{'|'.join(re.escape(v) for v in _words(' '.join(VARIANTS)))})"
)
_BIG = frozenset("万萬亿億")
_LATIN = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_BAD_BEFORE = frozenset("第每-−+×*/#_@=〕]】")  # ordinals, rates, codes, formulas, 〔2023〕15号
_ORDINAL_LIST = re.compile(r"第[\d一二三四五六七八九十]+(?:[、,][\d一二三四五六七八九十]+)*[、,]$")
_BAD_AFTER = frozenset("级級/半")  # 百万吨级, 元/吨, 十三斤半
_RANGE_MARKS = frozenset("-—–~～至到")
#: The qualifier of either end of a range (3-5个工作日): listed, never charted alone.
RANGE = "区间"
_AR_DIGITS = frozenset("0123456789.,")
#: Before the first of two values joined by 至 / 到, a change rather than a range.
_FROM_MARKS = frozenset("由从自")
_CN_DIGITS = frozenset(_CN)
_BOUNDARY = frozenset(",，.;:!?、。)”’」』 \t\r\n")
_DONE_AFTER = _words("以内 之内 办结 办理 办完 完成 内 即 可")
_DAY_DONE_AFTER = _words("以内 之内 内 办结 办完 完成 即办")
_DAY_VERBS = _words(
    "压缩至 压缩到 压缩为 缩短至 缩短到 缩短为 压减至 压减到 缩减至 控制在 减至 降至 压至 缩至 "
    "用时 仅用 仅需 只需 需要 需 用了 历时 耗时 不超过 超过 平均"
)
#: Words before a day count that make it time elapsed, as the law writes its periods.
_ELAPSED_BEFORE = _words("经过 經過 经 經 满 滿 逾 届满 屆滿")
_YEAR_VERBS = _words("连续 用了 再用 用 历时 为期 满 持续 长达 免征 延长至 延长到 缩短至 花了")
_YEAR_AFTER = _words("多时间 时间 的时间 以内 之内 内")
#: Verbs before a one-character count that make it the clause's answer (有两次, 共三项).
#: The rest of a clause that introduces a list: a short noun, then a colon.
_LIST_AHEAD = re.compile(r"[^\W\d_]{0,6}[:：]")
_LIST_BELOW = frozenset(("以下", "如下", "下列"))
_STATING_VERBS = _words("有 共 计 达 分 共有 共计 累计 合计 总计 达到 分为 涉及 包括")
#: 点 before a one-character numeral: the decimals of a longer one (八点一倍).
_SINGLE_BAD_BEFORE = frozenset("每前后同这那当某哪第上下头末整个一二三四五六七八九十两多点點")
_VAGUE_BEFORE = frozenset("几数若")
_PRE_QUALIFIERS = {
    word: canonical
    for canonical, words in (
        ("不超过", "不超过 不高于 不多于"),
        ("超过", "超过 逾 超"),
        ("约", "大约 约"),
        ("近", "将近 接近 近"),
        ("仅", "仅用了 只用了 仅用 只用 仅"),
        ("不到", "不到 不足"),
        ("至少", "至少 不低于 不少于"),
    )
    for word in words.split()
}
_PRE_QUALIFIER_ORDER = _words(" ".join(_PRE_QUALIFIERS))
# Characters that, before 约 / 近 / 超 / 仅, make a word of them (节约, 最近, 赶超, 不仅).
_PRE_QUALIFIER_WORDS = {
    "约": frozenset(
        "节签制预合履公条违集简特邀相践租缔守失解毁赴隐婉誓契盟和规立续如爽要订定成聘协密"
    ),
    "近": frozenset("最附临靠贴亲就邻远"),
    "超": frozenset("赶高"),
    "仅": frozenset("不"),
}
_POST_QUALIFIERS = {"以上": "以上", "以下": "以下", "以内": "以内", "之内": "以内", "左右": "左右"}
_POST_QUALIFIERS["上下"] = "左右"
_INNER = {"余": "余", "餘": "余", "多": "多"}

# --- time expressions (the period) --------------------------------------------------------------

_N = r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})"  # a month, a day
_NY = r"(?:\d{1,2}|[一二两三四五六七八九十]{1,3})"  # a count of years
_PART = r"前三季度|前两季度|第?[一二三四]季度|上半年|下半年|全年"  # part of a year
_PERIOD = re.compile(
    rf"(?:截至|截止到|截止|自|从)?(?:\d{{4}}[-—~至到])?(?:\d{{4}}|[零〇○一二三四五六七八九]{{4}})年"
    rf"(?:{_N}(?:[-—~至到]{_N})?月份?(?:{_N}日)?)?(?:{_PART}|年底|年末|年初|底|末|初)?(?:以来)?"
    rf"|(?:截至|截止)?(?:今年|去年|上年|本年|当年|前年)"
    rf"(?:以来|同期|{_PART}|底|末|初|{_N}(?:[-—~至到]{_N})?月份?)?"
    rf"|{_N}[-—~至到]{_N}月份?"
    rf"|{_N}月(?:{_N}日|份|以来|底|末|初|起)"
    rf"|(?:近|过去|前){_NY}年(?:来|以来|间|内)?|{_NY}年(?:来|以来|间)"
    rf"|前{_N}个月"
    r"|[“\"]?(?:十[一二三四五]|[一二三四五六七八九])五[”\"]?(?:时期|期间|以来|末|初)"
    r"|截至目前|截止目前|目前|近年来|近几年|年初以来|上半年|下半年|前三季度|第[一二三四]季度|全年"
)
# 比上年增长, 较2019年, 与去年同期相比: a year there is the baseline of a comparison.
_BASELINE_BEFORE = frozenset("比较与同和于")
# Between two figures of one list (9.66%和13.14%, 50%、75%): they measure the same thing.
_LIST_JOIN = re.compile(r"\s*(?:和|及|与|、|,|，|以及)?\s*")

_SENTENCE_END = re.compile(r"[。!?;\n\r][”’」』)]*")
#: A bound (以上, 小于 …) in a clause that ends in 者 is one condition of a class.
_BOUND_BEFORE = re.compile(
    r"(?:小于|大于|低于|高于|少于|多于|不足|超过|未满|未达|不超过|不少于|不低于|不高于|不多于)$"
)
_CONDITION_CLAUSE = re.compile(r"[^。!?;:\n\r者]{0,40}者(?=[\s,)。!?;:”’」』]|$)")
_QUOTE_MARK = re.compile(r"[“”‘’「」『』\"《》\n]")
_OPENERS = frozenset("“‘「『")
_CLOSERS = "”’」』》"
_CLAUSE_ENDS = ",，。;；:：!！?？\n"

# --- folding -------------------------------------------------------------------------------------

# Full-width ASCII → half-width (２７，２０３元 is 27,203元 in the older reports).
_HALF_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def _fold(text: str) -> str:
    """Half-width and Simplified, keeping every character at its offset.

    Not full NFKC: that turns ``①`` into ``1`` (gluing it to the next number) and ``…`` into
    three characters. Lines that OpenCC would lengthen stay as written; the unit table lists
    Traditional variants for them.
    """
    half = text.translate(_HALF_WIDTH)
    folded = to_simplified(half)
    if len(folded) == len(half):
        return folded
    lines = half.splitlines(keepends=True)
    return "".join(f if len(f := to_simplified(line)) == len(line) else line for line in lines)


# --- entry point ---------------------------------------------------------------------------------


@dataclass(slots=True)
class _Draft:
    value: Decimal
    unit: str
    kind: str
    start: int
    end: int
    pre_start: int  # start of a qualifier written before the number (else == start)
    qual_end: int  # end of a qualifier written after the figure (else == end)
    qualifiers: list[str]
    sentence: tuple[int, int]
    subject: str = ""
    period: str = ""
    before: str = ""
    after: str = ""
    #: The lower end of a range whose number has no unit of its own (the 3 of 3-5个工作日):
    #: its span, and whether this draft is that end (read as its upper end is).
    range_low: tuple[int, int] | None = None
    is_range_low: bool = False


def extract_figures(text: str) -> list[Figure]:
    """Every figure in ``text``, in text order.

    Takes a whole release or a single sentence alike and consults nothing else, so the same
    text always gives the same figures and every offset indexes ``text`` itself: readers are
    shown ``text[start:end]`` highlighted inside ``text[sentence_start:sentence_end]``.
    """
    if not text:
        return []
    doc = _Doc(text)
    drafts = []
    for m in _CANDIDATE.finditer(doc.f):
        d = doc.candidate(m)
        if d is not None:
            if d.range_low is not None:
                drafts.append(doc.range_low_end(d))
            drafts.append(d)
    group: list[_Draft] = []
    for d in drafts:
        if group and group[0].sentence != d.sentence:
            doc.describe(group)
            group = []
        group.append(d)
    doc.describe(group)
    readings: list[Reading] = []
    for i, d in enumerate(drafts):
        prev = drafts[i - 1] if i else None
        listed = (
            prev is not None
            and prev.sentence == d.sentence
            and prev.kind == d.kind
            and _LIST_JOIN.fullmatch(doc.f[prev.qual_end : d.pre_start]) is not None
        )
        readings.append(doc.reading(d, readings[-1] if listed else None))
    for i, d in enumerate(drafts):
        if d.is_range_low:  # 3-5个工作日: the 3 measures what the 5 does
            readings[i] = readings[i + 1]
    return [
        Figure(
            value=d.value,
            unit=d.unit,
            kind=d.kind,
            text=text[d.start : d.end],
            start=d.start,
            end=d.end,
            qualifier=" ".join(d.qualifiers),
            subject=d.subject or _counted_noun(text, d, reading),
            period=d.period,
            sentence=text[d.sentence[0] : d.sentence[1]],
            sentence_start=d.sentence[0],
            sentence_end=d.sentence[1],
            before=d.before,
            after=d.after,
            measure=reading.measure,
            # A range is not one value: its ends are listed with their sentence, not charted.
            certain=reading.certain and RANGE not in d.qualifiers,
        )
        for d, reading in zip(drafts, readings, strict=True)
    ]


# --- the document: candidates and the indexes the rules consult ----------------------------------


class _Doc:
    """One input text, its folded twin, its sentences, quoted spans and time expressions."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.f = f = _fold(text)
        self.sentences = _sentences(text, f)
        self.sentence_starts = [s for s, _ in self.sentences]
        self.quotes, self.titles = _quoted_spans(f)
        self.periods = [
            m.span()
            for m in _PERIOD.finditer(f)
            if not (m.start() and f[m.start() - 1] in _BASELINE_BEFORE)
        ]
        self.period_starts = [s for s, _ in self.periods]

    def candidate(self, m: re.Match[str]) -> _Draft | None:
        """A draft figure for one number-like match, or ``None`` when it is not a figure."""
        f, start = self.f, m.start()
        chinese = m.group("ar") is None and not m.group("pieces") and not m.group("bare")
        if m.group("pct"):
            value = parse_chinese_number(m.group("pctnum"))
            unit = VARIANTS["%" if m.group("pct") == "百分之" else "‰"]
            num_end = end = m.end()
            canonical, inner, written = unit.canonical, "", 2
        elif m.group("pieces") or m.group("bare"):
            if m.group("bare"):
                value, magnitude = _BARE_VALUES[m.group("bare")]
            else:
                value, magnitude = _pieces_value(m.group("pieces"))
            tail = _TAIL.match(f, m.end())
            if tail is None or tail.group("m1") or tail.group("m2"):
                return None
            unit, num_end, end = VARIANTS[tail.group("unit")], m.end(), tail.end()
            if magnitude and not unit.scalable:
                return None
            canonical, inner, written = magnitude + unit.canonical, tail.group("q1") or "", 2
        else:
            number, num_end = m.group(), m.end()
            tail = None
            while number and tail is None:
                while m.group("cn") and number and number[-1] in _BIG:  # 三千万元: 三千 + 万元
                    number, num_end = number[:-1], num_end - 1
                tail = _TAIL.match(f, num_end) if number else None
                if tail is None and m.group("cn") and number[-1:] in ("千", "百"):
                    number, num_end = number[:-1], num_end - 1  # 四十万千瓦: 四十 + 万千瓦
                else:
                    break
            if tail is None and not chinese and f[num_end : num_end + 1] == " ":
                tail = _TAIL.match(f, num_end + 1)  # 政务服务事项 1610 项: spaced out
            if tail is None:
                return None
            unit, end = VARIANTS[tail.group("unit")], tail.end()
            m1, m2 = tail.group("m1") or "", tail.group("m2") or ""
            magnitude = MAGNITUDES.get(m1 + m2, "")
            if m2 and not magnitude:
                magnitude = MAGNITUDES[m1] + "亿"  # 千亿, 百亿
            if (magnitude and not unit.scalable) or (unit.needs_magnitude and not magnitude):
                return None  # 3万小时; 30度 (heat or an angle; 8.8亿度 is electricity)
            value = _number_value(m, number)
            if value is not None and chinese and magnitude and _BIG & set(number):
                value, magnitude = _rescale(number + m1)  # 二亿八千六百七十七万亩
            if value is not None and magnitude[:1] in ("百", "千"):
                value *= 100 if magnitude[0] == "百" else 1000  # 5千多户 → 5000户, 3百万 → 300万
                magnitude = magnitude[1:]
            if value is not None and unit.kind == COUNT and not magnitude and not _whole(value):
                return None  # 每万人口发明专利拥有量5.53件: an average, not a count
            canonical = magnitude + unit.canonical
            inner = tail.group("q1") or tail.group("q2") or ""
            if "多" in tail.group("unit"):  # 一个多月, 两个多小时: more than the number
                inner = "多"
            written = num_end - start + (len(m1) if chinese else 0)
        low = self._range_low(start, num_end, end)
        if value is None or not self._fits(m, num_end, end, unit, chinese, written, low):
            return None
        if (chinese and _inside(self.quotes, start)) or _inside(self.titles, start):
            return None  # “一个工作日”, 《快审快办二十条举措》
        if self._overlaps_period(start, end):
            return None  # 前10个月
        pre, pre_start = _pre_qualifier(f, start)
        post, qual_end = _post_qualifier(f, end, unit)
        if (
            post in ("以上", "以下")
            and _is_han(f[qual_end : qual_end + 1])
            and unit.kind != PERCENT  # 80%以上产业链项目: a share of them, a statement
            and not (post == "以下" and f[max(0, start - 2) : start] == "以上")
        ):
            # 5亿元以上项目, 3岁以下婴幼儿: a size class, not a statement. The upper bound of a
            # stated range is one (处1000元以上5000元以下的罚款: the fine is from 1000 to 5000).
            return None
        if f[qual_end : qual_end + 1] == "者":
            return None  # 停留二十四小時以上者, 含碳量0.6%及以上者: a condition, not a statement
        bound = post in ("以上", "以下") or _BOUND_BEFORE.search(f, max(0, start - 3), start)
        if bound and _CONDITION_CLAUSE.match(f, qual_end):
            return None  # 直徑小於42公厘,以重量計含碳量0.6%及以上者: conditions of one class
        changed_from = start > 0 and f[start - 1] in _FROM_MARKS  # 由53项至37项
        in_range = low is not None or (self._range_high(end, f[num_end:end]) and not changed_from)
        return _Draft(
            value=value,
            unit=canonical,
            kind=unit.kind,
            start=start,
            end=end,
            pre_start=pre_start,
            qual_end=qual_end,
            qualifiers=[
                q for q in (pre, _INNER.get(inner, ""), post, RANGE if in_range else "") if q
            ],
            sentence=self.sentence_of(start),
            range_low=low if low is not None and low[1] == self._range_mark(start)[0] else None,
        )

    def range_low_end(self, upper: _Draft) -> _Draft:
        """The unit-less lower end of ``upper``'s range (the 3 of 3-5个工作日), in its unit."""
        start, end = upper.range_low or (0, 0)
        return replace(
            upper,
            value=_plain_value(self.f[start:end]),
            start=start,
            end=end,
            pre_start=start,
            qual_end=end,
            qualifiers=[RANGE],
            range_low=None,
            is_range_low=True,
        )

    def _fits(
        self,
        m: re.Match[str],
        num_end: int,
        end: int,
        unit: Unit,
        chinese: bool,
        written: int,
        low: tuple[int, int] | None,
    ) -> bool:
        """The context checks: ordinals, glued letters, ranges, dates, set phrases (``low``: the
        lower end's span when the figure ends a range)."""
        f, start = self.f, m.start()
        # The upper end of a range (3-5个工作日) is read in the context of the whole range.
        at = low[0] if low is not None else start
        prev = f[at - 1] if at else ""
        nxt = f[end] if end < len(f) else ""
        spaced_prev = f[at - 2] if prev == " " and at >= 2 else prev  # 第 3 项
        if prev in _BAD_BEFORE or spaced_prev in _BAD_BEFORE or prev in _LATIN or nxt in _BAD_AFTER:
            return False  # 第1批, 每46小时, A1号, 〔2023〕15号, 百万吨级
        if nxt in _LATIN and unit.kind != COUNT:
            return False  # 5米K…: a code; a count may name a Latin noun (1剂BNT疫苗, 3个App)
        if prev in "、," and _ORDINAL_LIST.search(f, max(0, start - 12), start):
            return False  # 第1、2剂: the second of a list of ordinals
        if nxt and (
            nxt in unit.blocked
            or (nxt == "-" and f[end + 1 : end + 2].isdigit() and not self._range_high(end))
        ):
            return False  # 5部门, 10项目, 3号-1 (5%-8%: a range)
        if prev in " 万亿千百" and start >= 2 and f[start - 2].isdigit():
            return False  # 1 8 5 8 亿美元, 1万6千户: a number written in pieces
        if (
            not chinese
            and f[num_end : num_end + 1] == "-"
            and f[num_end + 1 : num_end + 2].isdigit()
        ):
            return False  # 0931-8213456
        if (prev == "前" and unit.canonical in ("名", "位")) or (chinese and prev in _VAGUE_BEFORE):
            return False  # 前3名 (a rank), 几十个, 数十万人
        if prev == "新" and unit.canonical == "条":
            return False  # 新36条: a policy's nickname
        if unit.date_like and not self._day_duration(start, end):
            return False
        if unit.year_like and not self._year_duration(m, start, end):
            return False
        if chinese and written < 2:
            count = parse_chinese_number(f[start]) if unit.kind == COUNT else None
            if (
                count is not None
                and count >= 2
                and (  # one (一件事) is never counted
                    self._totals_a_list(start, count)  # 政策供给、行政审批、用地保障等三个环节
                    or self._stated_count(start, end)  # 震感强烈的有两次。
                    or self._announces_a_list(start, end)  # 必须把握三条原则：, 从以下四个方面发力
                )
            ):
                return True
            if unit.canonical == "倍" and prev not in _SINGLE_BAD_BEFORE:
                # 以三倍计算: a multiple is never a set phrase; but 三、四倍 is a guess
                return not (prev in "、," and at >= 2 and f[at - 2] in _CN_DIGITS)
            # 接获通报后七日内: a limit counted from an event, not 此后三天
            deadline = prev == "后" and f.startswith(("内", "以内", "之内"), end)
            if unit.kind != DURATION or (prev in _SINGLE_BAD_BEFORE and not deadline):
                return False  # 一件事, 一次办, 两个维护, 每一天, 一个半小时
            if (
                nxt
                and nxt not in _BOUNDARY
                and not (
                    unit.year_like
                    or f.startswith(_DONE_AFTER, end)
                    or f.startswith(_YEAR_AFTER, end)
                )
            ):
                return False  # 一日三餐
        return True

    def _stated_count(self, start: int, end: int) -> bool:
        """A one-character count (two to nine) that a clause states as its answer: after a
        verb of having or totalling, and ending the clause (有两次。, 共三项, 分两批,). Set
        phrases run on into a noun (有两个特点, 两个维护) or start with 一 (有一次, 一件事)."""
        f = self.f
        nxt = f[end] if end < len(f) else ""
        return (
            bool(nxt) and nxt in _BOUNDARY and f[max(0, start - 2) : start].endswith(_STATING_VERBS)
        )

    def _announces_a_list(self, start: int, end: int) -> bool:
        """A one-character count (two to nine) that announces the enumeration after it: its
        short noun ends the clause with a colon (把握三条原则：), or 以下 / 如下 / 下列 comes
        before it (从以下四个方面发力). The items that follow are what it counts."""
        f = self.f
        return bool(_LIST_AHEAD.match(f, end)) or f[max(0, start - 2) : start] in _LIST_BELOW

    def _totals_a_list(self, start: int, count: int) -> bool:
        """A one-character count that totals the list right before it in its clause.

        Documents sum up an enumeration with its count: 甲、乙、丙等三项机制, “甲”“乙”两项,
        《甲》《乙》两项标准. When the clause before the numeral lists exactly as many items as
        it says (separated by 、, or as quoted or titled names), the count is a figure; other
        one-character counts (一件事, 两个维护, 三个一批) are set phrases and are not.
        """
        f = self.f
        clause_start = max(f.rfind(mark, 0, start) for mark in _CLAUSE_ENDS) + 1
        clause = f[clause_start:start].removesuffix("等")
        if not clause or not (_is_han(clause[-1]) or clause[-1] in _CLOSERS):
            return False
        if "、" in clause:
            items = clause.count("、") + 1
        else:
            items = sum(clause.count(mark) for mark in _CLOSERS)
        return items == count

    def _range_mark(self, start: int) -> tuple[int, int]:
        """Where the range mark right before ``start`` is (3-5, 3 至 5), else (-1, -1)."""
        f = self.f
        at = start
        while at and f[at - 1] == " ":
            at -= 1
        if at and f[at - 1] in _RANGE_MARKS:
            mark = at - 1
            while mark and f[mark - 1] == " ":
                mark -= 1
            return mark, at
        return -1, -1

    def _range_low(self, start: int, num_end: int, end: int) -> tuple[int, int] | None:
        """The span of the lower end's number when this figure ends a range (the 3 of
        3-5个工作日; the 6 of 6个月至12个月, its unit written twice), else ``None``."""
        f = self.f
        mark, _ = self._range_mark(start)
        if mark < 0:
            return None
        low_end = mark
        tail = f[num_end:end]
        if tail and f[max(0, low_end - len(tail)) : low_end] == tail:
            low_end -= len(tail)
        low_start = low_end
        digits = _CN_DIGITS if low_end and f[low_end - 1] in _CN else _AR_DIGITS
        while low_start and f[low_start - 1] in digits:
            low_start -= 1
        while low_start < low_end and not (f[low_start].isdigit() or f[low_start] in _CN):
            low_start += 1  # ,5 → 5
        if low_start == low_end or (low_start and f[low_start - 1] in _FROM_MARKS):
            return None  # 由53项至37项, 从5天到3天: a change from one value to another
        if _plain_value(f[low_start:low_end]) is None:
            return None
        return low_start, low_end

    def _range_high(self, end: int, tail: str = "") -> bool:
        """A range's upper end, in this figure's unit (``tail``) when given, follows this
        figure (6个月至12个月, 5%-8%)."""
        f = self.f
        at = end
        while at < len(f) and f[at] == " ":
            at += 1
        if at >= len(f) or f[at] not in _RANGE_MARKS:
            return False
        at += 1
        while at < len(f) and f[at] == " ":
            at += 1
        digits = _CN_DIGITS if at < len(f) and f[at] in _CN else _AR_DIGITS
        number_end = at
        while number_end < len(f) and f[number_end] in digits:
            number_end += 1
        return number_end > at and f.startswith(tail, number_end)

    def _day_duration(self, start: int, end: int) -> bool:
        """日 counts as days only in 3日内 / 一日办结 / 经20日 shapes, never after a month
        (6月19日)."""
        f = self.f
        if start and f[start - 1] in "月号日至到于":
            return False
        if f[max(0, start - 2) : start].endswith(_ELAPSED_BEFORE):
            return True  # 自刊登之日起，经20日发生效力; 满三十日无异议; 已逾一百二十日
        if f.startswith(_DAY_DONE_AFTER, end):
            return True
        if end < len(f) and f[end] not in _BOUNDARY:
            return False
        return f[max(0, start - 4) : start].endswith(_DAY_VERBS)

    def _year_duration(self, m: re.Match[str], start: int, end: int) -> bool:
        """年 counts years only after 连续 / 用 / 为期 … or before 时间 / 以内: 连续3年, 用3年多
        时间, 两年内; never a calendar year (2023年, 二〇二三年) or a period (近三年, 三年来)."""
        number = m.group("ar") or ""
        if len(number) >= 3 or (not number and len(m.group()) > 2):
            return False
        f = self.f
        if f[max(0, start - 3) : start].endswith(_YEAR_VERBS):
            return True
        return f.startswith(_YEAR_AFTER, end)

    def _overlaps_period(self, start: int, end: int) -> bool:
        i = bisect_right(self.period_starts, end - 1) - 1
        return i >= 0 and self.periods[i][1] > start

    def sentence_of(self, pos: int) -> tuple[int, int]:
        return self.sentences[max(bisect_right(self.sentence_starts, pos) - 1, 0)]

    def describe(self, group: list[_Draft]) -> None:
        """Fill period, subject and before/after for the figures of one sentence."""
        for i, d in enumerate(group):
            d.period = self._period(d)
            d.subject = _subject(self, d, group[:i])
        for a, b in pairwise(group):
            _link_change(self, a, b)
        for d in group:
            if not d.after:
                _link_basis(self, d, group)

    def reading(self, d: _Draft, listed_with: Reading | None) -> Reading:
        """What ``d`` measures, from its subject, its clause and the words right after it."""
        f = self.f
        return measure_of(
            d.unit,
            d.kind,
            to_simplified(d.subject),
            f[d.sentence[0] : d.pre_start],
            f[d.end : min(d.end + 12, d.sentence[1])],
            listed_with,
        )

    def _period(self, d: _Draft) -> str:
        """The nearest time expression before the figure in its sentence, else the first after."""
        ss, se = d.sentence
        i = bisect_right(self.period_starts, d.start) - 1
        while i >= 0 and self.periods[i][0] >= ss:
            ps, pe = self.periods[i]
            if pe <= d.pre_start:
                return self.text[ps:pe]
            i -= 1
        j = bisect_right(self.period_starts, d.end - 1)
        if j < len(self.periods) and self.periods[j][1] <= se:
            return self.text[self.periods[j][0] : self.periods[j][1]]
        return ""

    def pieces(self, a: int, b: int) -> tuple[str, str]:
        """Original and folded text of ``[a, b)`` with the time expressions in it cut out."""
        orig, fold = [], []
        pos = a
        i = max(bisect_right(self.period_starts, a) - 1, 0)
        while i < len(self.periods) and self.periods[i][0] < b:
            ps, pe = self.periods[i]
            if pe > pos:
                orig.append(self.text[pos : max(ps, pos)])
                fold.append(self.f[pos : max(ps, pos)])
                pos = min(pe, b)
            i += 1
        orig.append(self.text[pos:b])
        fold.append(self.f[pos:b])
        return "".join(orig), "".join(fold)


def _counted_noun(text: str, d: _Draft, reading: Reading) -> str:
    """What a count without a subject counts, as the words after it say (1899户企业 → 企业)."""
    return _strip_ends(text[d.end : d.end + reading.noun], text[d.end : d.end + reading.noun])[0]


def _plain_value(written: str) -> Decimal | None:
    """A number written alone (3, 1.5, 5,000, 三十), as the lower end of a range."""
    if written[:1].isdigit():
        try:
            return Decimal(written.replace(",", ""))
        except ArithmeticError:
            return None
    return parse_chinese_number(written)


def _number_value(m: re.Match[str], number: str) -> Decimal | None:
    """The number as written, or ``None`` for codes, years and vague numerals."""
    if m.group("ar") is not None:
        if any(len(run) >= 7 for run in re.split(r"[.·]", number.replace(" ", ""))[0].split(",")):
            return None  # phone numbers, codes, serials
        return Decimal(number.replace(",", "").replace(" ", "").replace("·", "."))
    if m.group("half"):
        return Decimal("0.5")
    if len(number) >= 2 and all(ch in DIGITS for ch in number):
        return None  # 一九八四, 三四, 一二: years and approximations
    if not any(ch in DIGITS or ch == "十" for ch in number):
        return None  # 百万, 千家万户
    return parse_chinese_number(number)


def _pieces_value(written: str) -> tuple[Decimal, str]:
    """1万5千 → (1.5, 万), 2亿3000万 → (2.3, 亿), 2万5,000 → (2.5, 万): the number in its
    leading magnitude."""
    high, big, rest, small = re.fullmatch(r"(\d+)([万亿])([\d,]+)([千万]?)", written).groups()
    rest = rest.replace(",", "")
    if big == "万":
        return Decimal(high) + Decimal(rest) / (10 if small else 10**4), "万"
    return Decimal(high) + Decimal(rest) / 10**4, "亿"


def _rescale(numeral: str) -> tuple[Decimal | None, str]:
    """二亿八千六百七十七万 → (2.8677, 亿): a mixed numeral in its largest magnitude."""
    total = parse_chinese_number(numeral)
    if total is None:
        return None, ""
    if total >= 10**8:
        return total / Decimal(10**8), "亿"
    return total / Decimal(10**4), "万"


def _sentences(text: str, folded: str) -> list[tuple[int, int]]:
    """Whitespace-stripped sentence spans: up to 。！？；, a line break, or the end."""
    ends = [m.end() for m in _SENTENCE_END.finditer(folded)]
    if not ends or ends[-1] < len(text):
        ends.append(len(text))
    spans, pos = [], 0
    for end in ends:
        a, b = pos, end
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        spans.append((a, b))
        pos = end
    return spans


def _quoted_spans(folded: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Spans inside quotation marks and inside 《书名号》; both close at a line break."""
    quotes: list[tuple[int, int]] = []
    titles: list[tuple[int, int]] = []
    depth = opened = title_depth = title_opened = 0
    ascii_open = False
    for m in _QUOTE_MARK.finditer(folded):
        ch, pos = m.group(), m.start()
        if ch == "\n":
            if depth or ascii_open:
                quotes.append((opened, pos))
            if title_depth:
                titles.append((title_opened, pos))
            depth, ascii_open, title_depth = 0, False, 0
        elif ch == "《":
            title_opened = pos if not title_depth else title_opened
            title_depth += 1
        elif ch == "》":
            if title_depth == 1:
                titles.append((title_opened, pos))
            title_depth = max(title_depth - 1, 0)
        elif ch in _OPENERS or (ch == '"' and not ascii_open):
            opened = pos if not (depth or ascii_open) else opened
            if ch == '"':
                ascii_open = True
            else:
                depth += 1
        else:  # a closing mark
            if ch == '"':
                ascii_open = False
            else:
                depth = max(depth - 1, 0)
            if not (depth or ascii_open):
                quotes.append((opened, pos))
    if depth or ascii_open:
        quotes.append((opened, len(folded)))
    if title_depth:
        titles.append((title_opened, len(folded)))
    return sorted(quotes), sorted(titles)


def _inside(spans: list[tuple[int, int]], pos: int) -> bool:
    i = bisect_right(spans, (pos, float("inf"))) - 1
    return i >= 0 and spans[i][0] <= pos < spans[i][1]


def _whole(value: Decimal) -> bool:
    """A whole number (``value % 1`` fails on a number longer than the decimal context)."""
    return value == value.to_integral_value()


def _is_han(ch: str) -> bool:
    return bool(ch) and "\u4e00" <= ch <= "\u9fff"


def _pre_qualifier(f: str, start: int) -> tuple[str, int]:
    """约 / 近 / 超过 / 不超过 / 仅 … written right before the number, and where it starts."""
    left = f[max(0, start - 4) : start]
    for word in _PRE_QUALIFIER_ORDER:
        if left.endswith(word):
            at = start - len(word)
            if at and f[at - 1] in _PRE_QUALIFIER_WORDS.get(word, ()):
                continue  # 节约, 最近, 赶超, 不仅
            return _PRE_QUALIFIERS[word], at
    return "", start


def _post_qualifier(f: str, end: int, unit: Unit) -> tuple[str, int]:
    """以上 / 以内 / 左右 … right after the unit; 以下 and 内 after a duration mean 以内."""
    word = f[end : end + 2]
    duration = unit.kind == DURATION
    if f[end : end + 1] in ("及", "或") and f[end + 1 : end + 3] in ("以上", "以下"):
        return _POST_QUALIFIERS[f[end + 1 : end + 3]], end + 3  # 3家及以上, 5人或以下
    if word in _POST_QUALIFIERS:
        return ("以内" if duration and word == "以下" else _POST_QUALIFIERS[word]), end + 2
    if duration and word.startswith("内"):
        return "以内", end + 1
    return "", end


# --- subject -------------------------------------------------------------------------------------

_LEADING = _words(
    "与此同时 同时 其中 此外 另外 通过 并且 已经 先后 预计 推动 推进 促进 由于 尽管 对于 为期 "
    "当日 当天 我们 把 将 对 在 并 且 而 已 还 为 使 让 由 从 另 也 又"
)
_LEADING_KEEP = frozenset(
    _words(
        "对外 对口 对象 对接 对比 对话 在线 在建 在库 在册 在岗 在校 在职 在园 在营 在途 在用 "
        "在审 并购 并网 并联 使用 为民 从业 将来 还款 还贷 由此 让利 而立"
    )
)
_LIST_MARKER = re.compile(
    r"^(?:[(（][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,3}是|\d{1,2}[.、](?!\d))"
)
_TRAILING = _words(
    "延长至 延长到 放宽至 放宽到 调整为 调整至 下调至 上调至 削减至 压降至 优化至 优化为 "
    "简化至 简化为 下降至 下降到 提速至 缩小至 控制到 压减至 压缩至 缩短至 缩减至 精简至 "
    "压减到 压缩到 缩短到 缩短为 压缩为 精简为 缩减为 减少为 压至 缩至 降至 降低至 降低到 "
    "降到 减少到 减少至 减至 提高到 提高至 提升至 提升到 增加到 增加至 增至 增长到 增长至 "
    "上升到 上升至 扩大到 扩大至 达到了 达到 已达 达 实现了 实现 做到了 做到 只占 仅占 占 "
    "现有 在 为 是 有 共有 仅 仅用了 仅用 只用了 只用 用时仅 仅需 只需 控制在 不超过 超过 "
    "不到 不足 至少 累计 共 共计 合计 总计 约 大约 近 将近 接近 逾 超 由 从 至 到 已 已经 均 "
    "都 分别 分别为 可 即 需 平均 高达 多达 就 也 的 连续 再 又 了 和 及 以及"
)
# Two-character words whose last character is not a particle to strip (行为, 人均 …).
_TRAILING_KEEP = frozenset(
    _words(
        "行为 作为 成为 认为 存在 现在 所在 实在 正在 内在 外在 总是 就是 还是 或是 但是 拥有 "
        "所有 国有 私有 没有 具有 到达 发达 表达 通达 附近 最近 临近 截至 直至 以至 乃至 冬至 "
        "夏至 报到 迟到 周到 收到 自由 理由 经由 服从 跟从 而已 人均 年均 户均 亩均 日均 月均 "
        "许可 认可 不可 立即 随即 必需 急需 总共 公共 不仅 目的 有的 为了 除了 总和 缓和 "
        "平和 温和 饱和 调和 普及 涉及 危及 波及 惠及 遍及 顾及 触及 提及"
    )
)
# Left alone, these say what kind of measure it is but not of what: borrow a head for them.
_GENERIC = frozenset(
    _words(
        "时间 时限 用时 周期 耗时 办理时间 办理时限 办理周期 全流程 全程 同比增长 同比增加 "
        "同比下降 同比减少 同比提高 同比 增长 增加 下降 减少 提高 增速 增幅 降幅 比上年增长 "
        "比上年下降 比去年增长 比上年同期增长 占比 其中 分别 分别增长 分别下降 共 累计 合计 总计 "
        "平均 年均增长 平均每年增长 提速 压缩 压减 缩短"
    )
)
_NOTHING = frozenset(_words("等 比 较 其 各 全 达 占"))
_HEAD_STOP = re.compile(
    r"实现|推行|开展|完成|达到|合并为|合并|压缩|压减|缩短|缩减|精简|提速|做到|获得|突破|同比|增长"
    r"|增加(?!值)|下降|减少|提高|提升|降低|降至|压至|缩至|(?<![自理经])由|从(?!业)"
    r"|以(?![上下内来及外后前往])|\d"
)
_CLAUSE_MARKS = ",，:"
_MEASURE_WORDS = re.compile(r"环节|材料|时限|时间|用时|次数|费用|成本|事项|比例|比重|率$")
_MERGED_INTO = re.compile(r"(?:合并|整合|归并|精简|简化|压减|压缩|减少|优化)(?:为|成)")
_AND = ("和", "及", "与")
_END_PUNCT = frozenset(" \t\u3000,，、:;●■◆▲·—-")
_OPEN_MARKS = "“‘「『(《【"
_CLOSE_MARKS = "”’」』)》】"
_SUBJECT_MAX = 30
_HEAD_WHOLE_MAX = 10  # a clause with no verb to stop at is taken whole only when this short


def _subject(doc: _Doc, d: _Draft, earlier: list[_Draft]) -> str:
    """What the figure measures: the words before it in its clause, cleaned.

    ``审批时限压减至30个工作日`` gives 审批时限. When nothing useful is left (办理时间 alone, or
    nothing at all) the head of the clause before lends its noun phrase: ``企业设立登记实现全程网办,
    办理时间压至2个工作日内`` gives ``企业设立登记 办理时间``. A count followed by its noun
    (``1899户企业``) borrows nothing: the clause before is about something else.
    """
    f = doc.f
    ss = d.sentence[0]
    clause_start = max(ss, *(f.rfind(ch, ss, d.pre_start) + 1 for ch in _CLAUSE_MARKS))
    item_start = max(clause_start, f.rfind("、", ss, d.pre_start) + 1)
    seg_start = item_start
    previous = earlier[-1] if earlier else None
    follows = previous is not None and previous.qual_end > item_start
    if follows:
        seg_start = previous.qual_end
        if seg_start >= d.pre_start or f[seg_start : d.pre_start].endswith(_AND):
            return previous.subject  # 6.1万余次7.5万件, 485个…和60个: one subject
    merged = _MERGED_INTO.search(f, clause_start, d.pre_start)
    if merged and not follows:
        # 把企业开办全流程合并为营业执照申领、……、涉税办理2个环节: the process, not its last step.
        head = _head(doc, clause_start, merged.start(), earlier, need_verb=False)
        if head:
            return _short(head)
    subject, subject_fold = _trim(*doc.pieces(seg_start, d.pre_start))
    if follows and 0 < len(subject) <= 2 and previous.subject:
        return _short(f"{previous.subject} {subject}")  # 连续25个月保持30%以上
    if subject_fold in _NOTHING:
        subject = subject_fold = ""
    nxt = f[d.qual_end : d.qual_end + 1]
    attributive = (_is_han(nxt) and nxt != "了") or (bool(nxt) and nxt in _OPEN_MARKS)
    if attributive and 0 < len(subject) <= 2:
        return ""  # 建立24小时运营的…, 设立10亿元基金: a bare verb says nothing
    if subject and subject_fold not in _GENERIC:
        return _short(subject)
    if attributive and d.kind not in (DURATION, PERCENT):
        return subject  # 1899户企业: the counted noun follows; the clause before is elsewhere
    # The clause's head: before the list item (…、B10项), or before the figure this one follows
    # (经营主体同比增长7.1%达到14.77万户).
    head_end = d.pre_start if follows and item_start == clause_start else item_start
    head = _head(doc, clause_start, head_end, earlier, need_verb=True)
    if not head and clause_start > ss:
        end = clause_start - 1
        prev_start = max(ss, *(f.rfind(ch, ss, end) + 1 for ch in _CLAUSE_MARKS))
        # 企业开办全流程合并为…2个环节，全程网办、一日办结: the same process lends its head. A
        # clause whose figure names a measure (环节优化至2个) is another statement, not a head.
        stated = [e for e in earlier if prev_start <= e.start < end]
        if not stated or not _MEASURE_WORDS.search(to_simplified(stated[-1].subject)):
            head = _head(doc, prev_start, end, earlier, need_verb=False)
    return _short(f"{head} {subject}".strip())


def _short(s: str) -> str:
    return s[-_SUBJECT_MAX:].strip() if len(s) > _SUBJECT_MAX else s


def _head(doc: _Doc, a: int, b: int, earlier: list[_Draft], *, need_verb: bool) -> str:
    """The noun phrase a clause opens with: its text up to the first verb or number."""
    if a >= b:
        return ""
    figure = min((e.pre_start for e in earlier if a <= e.start < b), default=b)
    orig, fold = _strip_leading(*_strip_ends(*doc.pieces(a, figure)))
    stop = _HEAD_STOP.search(fold)
    if stop is None:
        whole, whole_fold = _trim(orig, fold)
        if figure < b:
            return whole  # 全市新开办各类企业7529户: the figure ends the noun phrase
        short = len(whole_fold) <= _HEAD_WHOLE_MAX and "、" not in whole_fold
        return whole if short and not need_verb else ""
    head = _trim(orig[: stop.start()], fold[: stop.start()])[0]
    if head and len(head) <= 2 and stop.group() == "实现":
        # 全市实现地区生产总值351.96亿元: 全市 alone says nothing, keep what was achieved.
        rest = _HEAD_STOP.search(fold, stop.end())
        cut = rest.start() if rest else len(fold)
        head += _trim(orig[stop.end() : cut], fold[stop.end() : cut])[0]
    return head


def _trim(orig: str, fold: str) -> tuple[str, str]:
    """Strip punctuation, list markers, leading connectives and trailing verbs, in step."""
    while True:
        size = len(fold)
        orig, fold = _strip_ends(orig, fold)
        marker = _LIST_MARKER.match(fold)
        if marker:
            orig, fold = orig[marker.end() :], fold[marker.end() :]
        orig, fold = _strip_trailing(*_strip_leading(orig, fold))
        if len(fold) == size:
            return orig, fold


def _strip_ends(orig: str, fold: str) -> tuple[str, str]:
    """Drop punctuation at both ends, and quote marks left without their partner."""
    while fold:
        first, last = fold[0], fold[-1]
        if (
            first in _END_PUNCT
            or first in _CLOSE_MARKS
            or (first in _OPEN_MARKS and _CLOSE_MARKS[_OPEN_MARKS.index(first)] not in fold)
        ):
            orig, fold = orig[1:], fold[1:]
        elif (
            last in _END_PUNCT
            or last in _OPEN_MARKS
            or (last in _CLOSE_MARKS and _OPEN_MARKS[_CLOSE_MARKS.index(last)] not in fold)
        ):
            orig, fold = orig[:-1], fold[:-1]
        else:
            break
    return orig, fold


def _strip_leading(orig: str, fold: str) -> tuple[str, str]:
    for word in _LEADING:
        if fold.startswith(word) and fold[:2] not in _LEADING_KEEP:
            return orig[len(word) :], fold[len(word) :]
    return orig, fold


def _strip_trailing(orig: str, fold: str) -> tuple[str, str]:
    for word in _TRAILING:
        if fold.endswith(word) and not (len(word) == 1 and fold[-2:] in _TRAILING_KEEP):
            return orig[: -len(word)], fold[: -len(word)]
    return orig, fold


# --- changes: 由53项精简至37项, 在2.5个小时的基础上实现即来即办 -----------------------------------

_CHANGE_FROM = re.compile(r"(?:由|从)(?:原来的|原先的|过去的|以前的|此前的|原)?$")
_CHANGE_VIA = re.compile(r"[^,，;:、。]{0,8}?(?:至|到|为|成)")
_BASIS = "的基础上"
_BASIS_LEAD = _words(
    "再 进一步 又 继续 全面 实现了 实现 压缩至 缩短至 压减至 减至 降至 提升至 提高到 提速"
)
_AFTER_MAX = 20


def _link_change(doc: _Doc, a: _Draft, b: _Draft) -> None:
    """由/从 A …至/到/为 B: each end names the other, and B measures what A measures."""
    f = doc.f
    if a.kind != b.kind or not _CHANGE_FROM.search(f[max(0, a.pre_start - 6) : a.pre_start]):
        return
    if _CHANGE_VIA.fullmatch(f[a.qual_end : b.pre_start]):
        a.after = doc.text[b.start : b.end]
        b.before = doc.text[a.start : a.end]
        b.subject = a.subject


def _link_basis(doc: _Doc, a: _Draft, group: list[_Draft]) -> None:
    """在A的基础上 …: what A became, a later figure or the words that follow."""
    f = doc.f
    if not f.startswith(_BASIS, a.qual_end):
        return
    start = a.qual_end + len(_BASIS)
    se = a.sentence[1]
    end = min((i for i in (f.find(ch, start, se) for ch in ",，;:。") if i >= 0), default=se)
    for b in group:
        if start <= b.start < end:
            a.after = doc.text[b.start : b.end]
            b.before = b.before or doc.text[a.start : a.end]
            return
    orig, fold = doc.text[start:end], f[start:end]
    while word := next((w for w in _BASIS_LEAD if fold.startswith(w) and fold != w), ""):
        orig, fold = orig[len(word) :], fold[len(word) :]
    a.after = _strip_ends(orig, fold)[0][:_AFTER_MAX]
