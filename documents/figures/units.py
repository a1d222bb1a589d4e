"""The units a figure may carry, with their canonical Simplified spelling and kind.

Only a number *immediately* followed by one of these units is a figure, so this table is the
extractor's main precision lever: a unit is listed only when a number in front of it almost
always states a quantity. 年 is absent (years), 月 is absent (dates; 个月 is listed), and 日 is a
duration only in the contexts the extractor checks. ``blocked`` lists the characters that, right
after the unit, turn it into part of another word (``5部门``, ``10项目``, ``1日元旦``).
Variants are matched on the folded (Simplified, half-width) text; the Traditional spellings are
listed too for lines the folding had to leave as written. 年 is listed for lengths of time
(连续3年, 用3年多时间) and checked like 日: a year (2023年) or a period (近三年) is never one.
"""

from __future__ import annotations

from dataclasses import dataclass

DURATION = "duration"
MONEY = "money"
PERCENT = "percent"
COUNT = "count"
OTHER = "other"


@dataclass(frozen=True, slots=True)
class Unit:
    """One unit: how it is shown, what it measures, how it may be written."""

    canonical: str
    kind: str
    variants: tuple[str, ...]
    scalable: bool = True  # takes 万 / 亿 / 万亿 … in front (万元, 1.5万件)
    blocked: str = ""  # next characters that make the unit part of another word
    date_like: bool = False  # 日: a duration only when the context says so
    needs_magnitude: bool = False  # 度 of electricity only as 万度 / 亿度 (30度 is heat, an angle)
    year_like: bool = False  # 年: a length of time only when the context says so


def _u(canonical: str, kind: str, *variants: str, scalable: bool = True, blocked: str = "") -> Unit:
    return Unit(canonical, kind, (canonical, *variants), scalable=scalable, blocked=blocked)


UNITS: tuple[Unit, ...] = (
    # durations
    _u(
        "小时",
        DURATION,
        "个小时",
        "小時",
        "個小時",
        "个钟头",
        "個鐘頭",
        "个多小时",
        "個多小時",
        scalable=False,
    ),
    _u("天", DURATION, scalable=False, blocked="津然下空气氣"),
    Unit("天", DURATION, ("日",), scalable=False, blocked="报報元常用益", date_like=True),
    _u(
        "个工作日",
        DURATION,
        "工作日",
        "個工作日",
        "个营业日",  # a business day (營業日) counts as a working day
        "個營業日",
        "营业日",
        scalable=False,
    ),
    _u("分钟", DURATION, "分鐘", scalable=False),
    _u("秒", DURATION, "秒钟", "秒鐘", scalable=False, blocked="杀殺懂级級表"),
    _u("个月", DURATION, "個月", "个多月", "個多月", scalable=False),  # 一个多月: 多 kept
    Unit("年", DURATION, ("年",), scalable=False, year_like=True),
    _u("个季度", DURATION, "個季度", scalable=False),
    _u(
        "周",
        DURATION,
        "週",
        "个星期",
        "個星期",
        scalable=False,
        blocked="年岁歲边邊末全期转轉到密围圍一二三四五六日刊报報",
    ),
    # percentages
    _u("%", PERCENT, "％", scalable=False),
    _u("‰", PERCENT, scalable=False),
    _u("个百分点", PERCENT, "个百分點", "個百分點", "百分点", "百分點", scalable=False),
    # money
    _u("元", MONEY, blocked="素旦首帅帥老宵"),
    _u("美元", MONEY),
    _u("欧元", MONEY, "歐元"),
    _u("港元", MONEY),
    # counts
    _u("个", COUNT, "個", blocked="人体體性案别別"),
    _u("项", COUNT, "項", blocked="目"),
    _u("件", COUNT),
    _u("户次", COUNT, "戶次"),
    _u("户", COUNT, "戶", blocked="籍口外型"),
    _u("家次", COUNT),
    _u("家", COUNT, blocked="庭属屬长長乡鄉园園具"),
    _u("人次", COUNT),
    _u("次", COUNT, blocked="性"),
    _u("人", COUNT, blocked="民类類工公"),
    _u("名", COUNT, blocked="单單称稱义義牌额額"),
    _u("条", COUNT, "條", blocked="件例款"),
    _u("场次", COUNT, "場次"),
    _u("场", COUNT, "場", blocked="所景地馆館合面"),
    _u("批次", COUNT),
    _u("轮次", COUNT, "輪次"),
    _u("期", COUNT, blocked="间間限末初待望货貨刊满滿内內中"),
    _u("列", COUNT, blocked="入为為车車出举舉表明席"),
    _u("处", COUNT, "處", blocked="理置罚罰长長室级級分于於在事"),
    _u("批", COUNT, blocked="准复復示评評"),
    _u("座", COUNT, blocked="谈談"),
    _u("所", COUNT, blocked="有在以属屬得谓謂"),
    _u("辆", COUNT, "輛"),
    _u("台", COUNT, "臺", blocked="阶階账賬湾灣南北中东東"),
    _u("套", COUNT, blocked="餐"),
    _u("部", COUNT, blocked="门門分署委长長位队隊件"),
    _u("位", COUNT, blocked="于於置数數居列"),
    _u("篇", COUNT),
    _u("份", COUNT, blocked="额額子"),
    _u("枚", COUNT),
    _u("种", COUNT, "種", blocked="植养養子"),
    _u("类", COUNT, "類", blocked="似型"),
    _u("宗", COUNT),
    _u("起", COUNT, blocked="草来來步诉訴到码碼"),
    _u("例", COUNT, blocked="如外"),
    _u("栋", COUNT, "棟"),
    _u("笔", COUNT, "筆"),
    _u("只", COUNT, "隻", blocked="有是要能"),
    _u("头", COUNT, "頭", blocked="部条條脑腦号號"),
    _u("株", COUNT),
    _u("棵", COUNT),
    _u("架", COUNT, blocked="构構"),
    _u("艘", COUNT),
    _u("剂次", COUNT, "劑次"),
    _u("剂", COUNT, "劑", blocked="量型"),
    _u("颗", COUNT, "顆", blocked="粒"),
    _u("瓶", COUNT, blocked="颈頸装裝子"),
    _u("碗", COUNT),
    _u("间", COUNT, "間", blocked="接断斷隔歇距"),
    _u("支", COUNT, blocked="持付出撑撐援柱部队隊线線"),
    _u("张", COUNT, "張", blocked="家贴貼"),
    _u("块", COUNT, "塊", blocked="地状狀"),
    _u("片", COUNT, blocked="区區面"),
    _u("层", COUNT, "層", blocked="级級次面楼樓"),
    _u("轮", COUNT, "輪", blocked="胎流换換回岗崗廓"),
    _u("趟", COUNT),
    _u("校", COUNT, blocked="区區园園长長友级級际際内內外车車服训訓庆慶方"),
    _u("本", COUNT, blocked="市级級地身质質次着著届屆期土科部区區省县縣单單人年月息金"),
    # area, length, weight, energy, ratios
    _u("平方公里", OTHER),
    _u("平方千米", OTHER),
    _u("平方米", OTHER, "平方公尺"),
    _u("立方米", OTHER, "立方公尺"),
    _u("亩", OTHER, "畝", blocked="产產均"),
    _u("公顷", OTHER, "公頃"),
    _u("公里", OTHER),
    _u("千米", OTHER),
    _u("厘米", OTHER, "公分"),
    _u("毫米", OTHER, "公厘"),
    _u("米", OTHER, "公尺"),
    _u("吨", OTHER, "噸", blocked="公"),
    _u("公吨", OTHER, "公噸"),  # a metric ton, as Taiwan's texts write it
    _u("公斤", OTHER),
    _u("坪", OTHER),  # Taiwan's area unit (3.3058 m²)
    _u("分贝", OTHER, "分貝"),
    _u("斤", OTHER),
    _u("担", OTHER, "擔"),
    _u("千瓦时", OTHER, "千瓦時", "千瓦小时", "千瓦小時"),
    Unit("度", OTHER, ("度",), needs_magnitude=True),
    _u("千瓦", OTHER, "瓩"),
    _u("兆瓦", OTHER),
    _u("倍", OTHER, scalable=False, blocked="券数數率"),  # 五倍券, 倍数
    _u("岁", OTHER, "歲", scalable=False, blocked="月"),
)

# Every spelling → its unit; the longest spelling wins where several match.
VARIANTS: dict[str, Unit] = {v: unit for unit in UNITS for v in unit.variants}
# Magnitude words between a number and a scalable unit (6.1万次, 3万亿元, 5千万吨).
MAGNITUDES: dict[str, str] = {
    "万亿": "万亿",
    "萬億": "万亿",
    "百万": "百万",
    "百萬": "百万",
    "千万": "千万",
    "千萬": "千万",
    "万": "万",
    "萬": "万",
    "亿": "亿",
    "億": "亿",
    "千": "千",
    "百": "百",
}
