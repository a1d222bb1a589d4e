"""Measures and unit conversion of figures, on sentences of the seed releases."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from documents.figures import extract_figures
from documents.figures.measures import BY_CODE, canonical_unit, convert, split_magnitude

SEEDS = Path(__file__).resolve().parents[2] / "fixtures" / "seeds"


def _seed(prefix: str) -> str:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def _figure(text: str, written: str):
    found = [f for f in extract_figures(text) if f.text == written]
    assert found, f"{written} not extracted"
    return found[0]


@pytest.mark.parametrize(
    ("value", "unit", "measure", "expected", "base"),
    [
        ("2.5", "小时", "time_limit", "0.3125", "工作日"),
        ("0.5", "天", "time_limit", "0.5", "工作日"),
        ("2", "个工作日", "time_limit", "2", "工作日"),
        ("30", "分钟", "time_limit", "0.0625", "工作日"),
        ("1", "个月", "time_limit", "20.833333", "工作日"),
        ("24", "小时", "duration", "1", "天"),
        ("5", "个工作日", "duration", "7", "天"),
        ("98.51", "万元", "cost", "98.51", "万元"),
        ("2.8", "亿元", "money", "28000", "万元"),
        ("80", "元", "cost", "0.008", "万元"),
        ("7000", "万美元", "money", "7000", "万美元"),
        ("5", "‰", "rate", "0.5", "%"),
        ("1.5", "万户", "entities", "15000", "户"),
        ("3", "项", "materials", "3", "份"),
        ("12", "件", "count", "12", "件"),
    ],
)
def test_convert_to_the_base_unit(value, unit, measure, expected, base):
    converted = convert(Decimal(value), unit, measure)
    assert converted is not None
    assert (converted.value, converted.unit) == (Decimal(expected), base)


def test_a_conversion_says_what_it_assumed():
    assert "8 小时" in convert(Decimal("2.5"), "小时", "time_limit").rule
    assert "工作日计算" in convert(Decimal(1), "天", "time_limit").rule
    assert convert(Decimal(2), "个工作日", "time_limit").rule == ""


@pytest.mark.parametrize(
    ("value", "unit", "measure", "english"),
    [
        ("2.5", "小时", "time_limit", "1 hour = 0.125 working day (8-hour working day)"),
        ("1", "个月", "time_limit", "1 month = 20.83 working days (250 working days a year ÷ 12)"),
        ("2", "个工作日", "duration", "1 working day = 1.4 days (5 working days a week)"),
        ("3", "亿元", "money", "1 亿元 = 100,000,000 yuan = 10,000 × 10,000 yuan"),
        ("1.5", "万户", "entities", "1 万户 = 10,000 户 (万 = 10⁴)"),
        ("5", "‰", "rate", "1 ‰ (per mille) = 0.1 %"),
    ],
)
def test_a_conversion_is_stated_in_english_too(value, unit, measure, english):
    converted = convert(Decimal(value), unit, measure)
    assert converted.rule and converted.rule_en == english


def test_no_conversion_means_no_rule_in_either_language():
    for value, unit, measure in (
        ("98.51", "万元", "cost"),
        ("3", "%", "rate"),
        ("4", "份", "materials"),
    ):
        converted = convert(Decimal(value), unit, measure)
        assert (converted.rule, converted.rule_en) == ("", "")


def test_points_and_percent_never_convert_into_each_other():
    assert convert(Decimal(2), "个百分点", "change") is None
    assert convert(Decimal(2), "%", "points") is None
    assert convert(Decimal(3), "亩", "other") is None


def test_units_as_written_compare_with_the_extractors():
    assert canonical_unit("個小時") == "小时"
    assert canonical_unit("日") == "天"
    assert canonical_unit("萬元") == "万元"
    assert split_magnitude("万亿元") == (Decimal(10) ** 12, "元")


def test_business_startup_times_of_the_seed_cities_are_one_measure():
    """The acceptance figures of issue 20: four cities, one duration measure."""
    jinchang = _figure(_seed("000"), "2.5小時")
    zhangye = _figure(_seed("001"), "0.5天")
    zaozhuang = _figure(_seed("003"), "一日")
    xiangtan = _figure(_seed("002"), "2个工作日")
    for figure in (jinchang, zhangye, zaozhuang, xiangtan):
        assert figure.measure == "time_limit" and figure.certain, figure
    assert (
        convert(jinchang.value, jinchang.unit, "time_limit").value
        < convert(zhangye.value, zhangye.unit, "time_limit").value
    )


def test_the_counted_noun_decides_the_measure():
    text = _seed("003")
    steps = _figure(text, "2个")
    assert steps.measure == "steps"
    assert steps.subject == "全市企业开办全流程"  # not its last step, 涉税办理
    businesses = _figure(_seed("000"), "1899戶")
    assert (businesses.measure, businesses.subject) == ("entities", "企業")


def test_a_clause_with_its_own_figure_lends_no_head():
    figure = _figure(_seed("000"), "2個工作日")
    assert figure.measure == "time_limit"
    assert "環節" not in figure.subject


@pytest.mark.parametrize(
    ("sentence", "written", "measure"),
    [
        ("全市新设立各类经营主体同比增长7.1%达到14.77万户。", "7.1%", "change"),
        ("全市新设立各类经营主体同比增长7.1%达到14.77万户。", "14.77万户", "entities"),
        ("政务服务事项网办率达到95%。", "95%", "rate"),
        ("申报材料精简39.96%,压缩时限39.89%。", "39.96%", "change"),
        ("化学需氧量、二氧化硫排放量分别下降9.66%和13.14%。", "13.14%", "change"),
        ("减免电费10995.64万元。", "10995.64万元", "cost"),
        ("投入促消费资金6000多万元。", "6000多万元", "money"),
        ("选派1406名党员干部担任企业复工复产防疫联络员。", "1406名", "count"),
        ("提供24小时不打烊服务。", "24小时", "duration"),
        ("连续3年组织开展活动。", "3年", "duration"),
        # a deadline for an office's act (a regulation; the gazette, Traditional)
        ("应当在六十日内将处理情况回复投诉人。", "六十日", "time_limit"),
        ("衛生署應於接獲通報後七日內，再以網路傳輸通報內政部；", "七日", "time_limit"),
        # a day count before 内 that is not an office's act stays a length of time
        ("消费者可在30天内无理由退货。", "30天", "duration"),
        # 營利事業: Taiwan's word for businesses
        ("公示送達名冊所列旨揭2家營利事業應為送達之處所不明", "2家", "entities"),
    ],
)
def test_measures_of_typical_sentences(sentence, written, measure):
    assert _figure(sentence, written).measure == measure


def test_every_measure_has_a_base_unit_and_a_name():
    for measure in BY_CODE.values():
        assert measure.label and measure.label_en
        assert measure.base_unit or measure.code == "other"
