"""What a figure measures, and its value in that measure's base unit.

Comparing cities means comparing like with like: 金昌's 2.5 小时, 张掖's 0.5 天 and
湘潭's 2 个工作日 answer one question (how long does opening a business take?), and 金昌's
two 万元 savings answer another. A figure's *measure* (办理时限, 环节数, 材料数 …) is read
from how Chinese official prose states each kind of quantity — the noun the counting word
counts (``3个环节``, ``1899户企业``), the verb before a percentage (``增长8%`` is a change,
``达到95%`` a level), the words of the figure's subject and clause (``办结``, ``费用``,
``跑动``) — never from a list of the seed releases' sentences. A figure whose measure is only
the fallback of its unit's kind (a count with nothing saying what it counts) is marked
*uncertain*: it is listed with its sentence but not charted.

Conversions are stated with their source (``docs/figures-labelling.md``): administrative time
limits are counted in working days (《行政许可法》第八十二条), a working day has eight hours
(《国务院关于职工工作时间的规定》第三条) and a month 20.83 working days (劳社部发〔2008〕3号).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from documents.figures.units import COUNT, DURATION, MONEY, PERCENT, VARIANTS


@dataclass(frozen=True, slots=True)
class Measure:
    """One measure: its code, its name, the unit its figures are converted to."""

    code: str
    label: str
    label_en: str
    base_unit: str
    kind: str
    unit_en: str = ""  # the base unit as the English pages name it


MEASURES: tuple[Measure, ...] = (
    Measure("time_limit", "办理时限", "Processing time", "工作日", DURATION, "working days"),
    Measure("duration", "其他时长", "Other duration", "天", DURATION, "days"),
    Measure("steps", "环节数", "Steps", "个", COUNT, "steps"),
    Measure("materials", "材料数", "Documents required", "份", COUNT, "documents"),
    Measure("visits", "跑动次数", "Visits in person", "次", COUNT, "visits"),
    Measure("items", "事项数", "Services and items", "项", COUNT, "items"),
    Measure("entities", "市场主体数", "Businesses", "户", COUNT, "businesses"),
    Measure("count", "其他数量", "Other count", "个", COUNT, ""),
    Measure("cost", "费用与减负", "Costs and savings", "万元", MONEY, "10,000 yuan"),
    Measure("money", "金额", "Amount of money", "万元", MONEY, "10,000 yuan"),
    Measure("rate", "比率", "Rate", "%", PERCENT, "%"),
    Measure("change", "增减幅", "Change", "%", PERCENT, "%"),
    Measure(
        "points",
        "百分点变化",
        "Change in percentage points",
        "个百分点",
        PERCENT,
        "percentage points",
    ),
    Measure("other", "其他", "Other", "", "other", ""),
)
BY_CODE: dict[str, Measure] = {m.code: m for m in MEASURES}
#: The measures a comparison charts first, in this order.
KEY_MEASURES = ("time_limit", "steps", "materials", "visits", "cost", "items")

# --- what a figure measures -----------------------------------------------------------------------

_BUSINESS_WORDS = (
    r"企业|市场主体|经营主体|个体工商户|个体户|商户|公司|营利事业|纳税人|银行|金融机构|小微|民营|外资|"
    r"外商"
)
# The noun a count counts, written right after the figure (3个环节, 12份材料, 1899户企业).
_COUNTED = (
    ("steps", re.compile(r"^(?:办理)?(?:环节|步骤)")),
    ("materials", re.compile(r"^(?:申请|申报|办事|纸质|证明)?(?:材料|要件|表单|表格)")),
    ("visits", re.compile(r"^(?:跑动|跑)")),
    (
        "items",
        re.compile(r"^(?:[^，,。；;、\d]{0,10}(?:事项|清单|行政权力|便民服务)|“[^”]{0,8}一件事”)"),
    ),
)
#: Counting words that count businesses when the text says they are businesses; the business
#: noun may follow them a few words on (18家三个“500强”企业), but not a person's (企业家).
_BUSINESS_UNITS = frozenset(("户", "家", "户次"))
_BUSINESS_AFTER = re.compile(rf"^[^，,。；;、]{{0,10}}?(?:{_BUSINESS_WORDS})(?!家)")
_BUSINESS_RIGHT_AFTER = re.compile(rf"^(?:“[^”]{{1,6}}”)?(?:{_BUSINESS_WORDS})(?!家)")
# What the figure's subject says it counts.
_SUBJECT = (
    ("steps", re.compile(r"环节|步骤")),
    ("materials", re.compile(r"材料|要件|表单")),
    ("visits", re.compile(r"跑动|跑腿|跑一次|跑次数|到现场")),
    ("items", re.compile(r"事项|许可|证照|手续|清单|行政权力")),
)
_ITEM_UNITS = frozenset(("项", "个", "件"))
_BUSINESSES = re.compile(_BUSINESS_WORDS)
_COST = re.compile(
    r"费用|收费|税费|规费|保险费|社保费|电费|水费|气费|网费|资费|租金|服务费|手续费|成本|节省|节约|节支|"
    r"省下|减免|减税|降费|退税|返还|缓缴|免收|免征|免除|减负|让利|票价|价格|原价|单价|全票|门票|税收优惠"
)
_TIME_LIMIT = re.compile(
    r"办结|办理|办成|办完|办好|审批|审查|审核|核准|开办|时限|时效|用时|耗时|时间|压缩|缩短|压减|提速|即办|"
    r"完成|受理|登记|发放|出证|领证|拿证|注册|验收|立案|全程|周期|天数|到账|放款|获得|接入|通电|通水|"
    r"通气|过户|不动产|施工许可|纳税|出口|通关|响应|答复|回复|办件|开工"
)
_OTHER_DURATION = re.compile(
    r"不打烊|全天候|为期|有效期|连续|每天|每日|每周|每月|服务时间|延时|期限内"
)
#: Words of a change (精简39.96%, 提速80%, 涨幅3.5%) and of a level (网办率达到95%).
_CHANGE_WORDS = re.compile(
    r"增长|增加|下降|减少|提高|提升|降低|上升|回落|涨幅|增幅|降幅|增速|减幅|精简|压缩|压减|缩短|提速|"
    r"下调|上调|扩大|缩小|优惠|节约|节省|减少了|增长了|下降了"
)
_LEVEL_WORDS = re.compile(r"率|占比|比例|比重|覆盖|满意度|达到|达|为|占|保持在|稳定在|至|到")
_CHANGE_AFTER = re.compile(r"^(?:以上|左右|多)?(?:的)?(?:增长|增速|增幅|降幅|涨幅|的速度)")
_HOUSEHOLDS = re.compile(r"^(?:农户|农民|居民|家庭|贫困|脱贫|困难|群众|职工|人)")
#: Right after a duration: a limit the work is done within.
_WITHIN = ("以内", "之内", "内办", "内完", "办结", "即可", "即办")
#: A deadline in days or hours for an office's act (七日内通报, 六十日内将处理情况回复) is how
#: long the work may take; 近7日内新增 or 30天内无理由退货 is not, nor is 3年内调整到位 (a
#: programme's length, not a procedure's).
_DEADLINE_UNITS = frozenset(("日", "天", "个工作日", "工作日", "小时", "个小时", "分钟"))
_DEADLINE_ACTS = re.compile(r"通报|报送|上报|作出|告知|送达|答复|回复|处理|核发|公布|反馈")


@dataclass(frozen=True, slots=True)
class Reading:
    """A figure's measure and whether the text said so (else the unit's fallback)."""

    measure: str
    certain: bool
    noun: int = 0  # characters right after the figure naming what it counts (企业 in 1899户企业)


def measure_of(
    unit: str, kind: str, subject: str, before: str, after: str, listed_with: Reading | None = None
) -> Reading:
    """The measure of one figure.

    ``unit`` and ``kind`` are the extractor's (``万元``, ``money``); ``subject`` what it measures;
    ``before`` its clause up to the figure and ``after`` the text right after it (both folded
    to Simplified). ``listed_with`` is the reading of the figure this one is listed with
    (``分别下降9.66%和13.14%``): the same measure. The rules follow how the genre states each
    quantity; the uncertain fallbacks are ``duration``, ``money``, ``rate`` and ``count``.
    """
    if listed_with is not None:
        return listed_with
    base = _base_unit(unit)
    context = f"{subject} {before[-16:]}"
    if kind == DURATION:
        if _OTHER_DURATION.search(before[-8:] + after[:6]):
            return Reading("duration", True)
        if (
            _TIME_LIMIT.search(context)
            or _TIME_LIMIT.search(after[:6])
            or after[:2] in _WITHIN
            or (
                after[:1] == "内"
                and unit in _DEADLINE_UNITS
                and _DEADLINE_ACTS.search(re.split(r"[。；;]", after[:14])[0]) is not None
            )
        ):
            return Reading("time_limit", True)
        return Reading("duration", False)
    if kind == MONEY:
        if _COST.search(context) or _COST.search(after[:4]):
            return Reading("cost", True)
        return Reading("money", bool(subject))
    if kind == PERCENT:
        return _percent(base, before, after)
    if kind == COUNT:
        return _count(base, subject, before, after)
    return Reading("other", True)


def _percent(base: str, before: str, after: str) -> Reading:
    """个百分点 is a change in points; % a change when the last word before it (or the word
    after it) is one of change, a level when it is a level word or a verb ending in 至/到."""
    if base == "个百分点":
        return Reading("points", True)
    clause = re.split(r"[，,；;：:]", before)[-1][-12:]
    change = [m.end() for m in _CHANGE_WORDS.finditer(clause)]
    level = [m.end() for m in _LEVEL_WORDS.finditer(clause)]
    if change and (not level or change[-1] >= level[-1]):
        return Reading("change", True)
    if _CHANGE_AFTER.match(after):
        return Reading("change", True)
    return Reading("rate", bool(level))


def _count(base: str, subject: str, before: str, after: str) -> Reading:
    """The noun after the count says what it counts; else its subject, for the key measures."""
    for code, pattern in _COUNTED:
        found = pattern.match(after)
        if found and (code != "visits" or base == "次"):
            return Reading(code, True, found.end())
    context = f"{subject} {before[-12:]}"
    if base in _BUSINESS_UNITS and not _HOUSEHOLDS.match(after):
        found = _BUSINESS_AFTER.match(after)
        if found or _BUSINESSES.search(context):
            return Reading("entities", True, found.end() if found else 0)
    elif base == "个" and (found := _BUSINESS_RIGHT_AFTER.match(after)):
        return Reading("entities", True, found.end())  # 1060个“四上”企业
    for code, pattern in _SUBJECT:
        if not pattern.search(subject):
            continue
        if code == "visits" and base != "次":
            continue
        if code == "items" and base not in _ITEM_UNITS:
            continue
        return Reading(code, True)
    return Reading("count", bool(subject))


# --- conversion to the base unit ------------------------------------------------------------------

_MAGNITUDE = (("万亿", Decimal(10) ** 12), ("亿", Decimal(10) ** 8), ("万", Decimal(10) ** 4))
#: unit → (working days per unit, the rule in Chinese, the rule in English)
_WORKING_DAYS = {
    "秒": (
        Decimal(1) / 28800,
        "1 秒 = 1/28800 工作日（每个工作日 8 小时）",
        "1 second = 1/28800 working day (8-hour working day)",
    ),
    "分钟": (
        Decimal(1) / 480,
        "1 分钟 = 1/480 工作日（每个工作日 8 小时）",
        "1 minute = 1/480 working day (8-hour working day)",
    ),
    "小时": (
        Decimal("0.125"),
        "1 小时 = 0.125 工作日（每个工作日 8 小时）",
        "1 hour = 0.125 working day (8-hour working day)",
    ),
    "天": (
        Decimal(1),
        "1 天 = 1 工作日（行政许可期限以工作日计算）",
        "1 day = 1 working day (licensing time limits are counted in working days)",
    ),
    "个工作日": (Decimal(1), "", ""),
    "个月": (
        Decimal(250) / 12,
        "1 个月 = 20.83 工作日（全年 250 个工作日 ÷ 12）",
        "1 month = 20.83 working days (250 working days a year ÷ 12)",
    ),
    "个季度": (Decimal("62.5"), "1 个季度 = 62.5 工作日", "1 quarter = 62.5 working days"),
    "周": (Decimal(5), "1 周 = 5 工作日", "1 week = 5 working days"),
    "年": (Decimal(250), "1 年 = 250 工作日", "1 year = 250 working days"),
}
#: unit → (calendar days per unit, the rule in Chinese, the rule in English)
_CALENDAR_DAYS = {
    "秒": (Decimal(1) / 86400, "1 秒 = 1/86400 天", "1 second = 1/86400 day"),
    "分钟": (Decimal(1) / 1440, "1 分钟 = 1/1440 天", "1 minute = 1/1440 day"),
    "小时": (Decimal(1) / 24, "1 小时 = 1/24 天", "1 hour = 1/24 day"),
    "天": (Decimal(1), "", ""),
    "个工作日": (
        Decimal("1.4"),
        "1 个工作日 = 1.4 天（每周 5 个工作日）",
        "1 working day = 1.4 days (5 working days a week)",
    ),
    "个月": (Decimal("30.44"), "1 个月 = 30.44 天", "1 month = 30.44 days"),
    "个季度": (Decimal("91.31"), "1 个季度 = 91.31 天", "1 quarter = 91.31 days"),
    "周": (Decimal(7), "1 周 = 7 天", "1 week = 7 days"),
    "年": (Decimal("365.25"), "1 年 = 365.25 天", "1 year = 365.25 days"),
}
_YUAN = {"元": Decimal(1), "美元": Decimal(1), "欧元": Decimal(1), "港元": Decimal(1)}
_CURRENCY_EN = {"元": "yuan", "美元": "US dollars", "欧元": "euros", "港元": "Hong Kong dollars"}
_MAGNITUDE_EN = {"万亿": "万亿 = 10¹²", "亿": "亿 = 10⁸", "万": "万 = 10⁴"}


@dataclass(frozen=True, slots=True)
class Converted:
    """A value in its measure's base unit, and the conversion used ("" when none was needed),
    stated in Chinese and in English."""

    value: Decimal
    unit: str
    rule: str
    rule_en: str = ""

    def __post_init__(self) -> None:
        # 1/480 of a working day does not end: six decimals, as the database keeps figures.
        object.__setattr__(self, "value", _rounded(self.value))


def split_magnitude(unit: str) -> tuple[Decimal, str]:
    """``万元`` → (10000, ``元``); ``个工作日`` → (1, ``个工作日``)."""
    for word, factor in _MAGNITUDE:
        if unit.startswith(word) and unit[len(word) :] in VARIANTS:
            return factor, VARIANTS[unit[len(word) :]].canonical
    if unit in VARIANTS:
        return Decimal(1), VARIANTS[unit].canonical
    return Decimal(1), unit


def _base_unit(unit: str) -> str:
    return split_magnitude(unit)[1]


def canonical_unit(unit: str) -> str:
    """A unit as written (``個小時``, ``日``, ``萬元``) in the extractor's spelling
    (``小时``, ``天``, ``万元``), so that labels and extractions compare."""
    unit = unit.replace("萬", "万").replace("億", "亿")
    factor, base = split_magnitude(unit)
    prefix = next((w for w, f in _MAGNITUDE if f == factor), "") if factor != 1 else ""
    return prefix + base


def convert(value: Decimal, unit: str, measure: str) -> Converted | None:
    """``value`` ``unit`` in ``measure``'s base unit; ``None`` where no conversion holds."""
    factor, base = split_magnitude(unit)
    amount = value * factor
    if measure == "time_limit" and base in _WORKING_DAYS:
        rate, rule, rule_en = _WORKING_DAYS[base]
        return Converted(amount * rate, "工作日", rule, rule_en)
    if measure == "duration" and base in _CALENDAR_DAYS:
        rate, rule, rule_en = _CALENDAR_DAYS[base]
        return Converted(amount * rate, "天", rule, rule_en)
    if measure in ("cost", "money") and base in _YUAN:
        currency = base[:-1]  # "" for 元, 美 for 美元
        if unit == f"万{base}":
            return Converted(amount / 10**4, f"万{currency}元", "")
        share = _plain(factor / 10**4)
        rule = f"1 {unit} = {share} 万{base}"
        currency_en = _CURRENCY_EN[base]
        rule_en = f"1 {unit} = {_plain(factor)} {currency_en} = {share} × 10,000 {currency_en}"
        return Converted(amount / 10**4, f"万{currency}元", rule, rule_en)
    if measure in ("rate", "change"):
        if base == "%":
            return Converted(amount, "%", "")
        if base == "‰":
            return Converted(amount / 10, "%", "1 ‰ = 0.1 %", "1 ‰ (per mille) = 0.1 %")
        return None
    if measure == "points":
        return Converted(amount, "个百分点", "") if base == "个百分点" else None
    if BY_CODE.get(measure, BY_CODE["other"]).kind == COUNT:
        # A key measure says what is counted, so 个, 项 and 份 count alike; "other counts" keep
        # their own counting word (人, 件, 个).
        target = base if measure == "count" else BY_CODE[measure].base_unit
        if factor == 1:
            return Converted(amount, target, "")
        rule = f"1 {unit} = {_plain(factor)} {base}"
        word = unit[: -len(base)] if base and unit.endswith(base) else ""
        rule_en = f"{rule} ({_MAGNITUDE_EN[word]})" if word in _MAGNITUDE_EN else rule
        return Converted(amount, target, rule, rule_en)
    return None


def _rounded(number: Decimal) -> Decimal:
    return number.quantize(Decimal("0.000001")).normalize()


def _plain(number: Decimal) -> str:
    """A number without exponent or trailing zeros, thousands separated (10,000)."""
    return format(number.normalize(), ",f")
