"""The genre's metadata read from how official documents are written: 文号, 发文机关, 成文日期,
kind with its evidence, validity as the source states it, and a report's meeting and speaker."""

from __future__ import annotations

from datetime import date

import pytest

from documents.choices import Kind, Validity
from documents.ingest import parse_text
from documents.ingest.genre import detect_kind
from documents.ingest.hints import PageHints
from documents.ingest.issuers import (
    doc_number_in,
    issuer_from_adoption,
    issuer_from_title,
    signature,
    tidy_doc_number,
    validity_from,
)
from tests.conftest import seed_bytes

NOTICE = """某某市人民政府办公室关于印发某某市进一步优化营商环境若干措施的通知
某政办发〔2024〕12号
各县（区）人民政府，市政府各部门：
《某某市进一步优化营商环境若干措施》已经市政府同意，现印发给你们，请认真贯彻执行。
某某市人民政府办公室
2024年3月1日
（此件公开发布）"""


@pytest.mark.parametrize(
    ("line", "number"),
    [
        ("国办发〔2024〕3号", "国办发〔2024〕3号"),
        ("甘政办发[2024]12号", "甘政办发〔2024〕12号"),
        ("湘政发（2023） 5号", "湘政发〔2023〕5号"),
        ("（京政发〔2020〕第7号）", "京政发〔2020〕第7号"),
        ("上海市人民政府令第12号", "上海市人民政府令第12号"),
        ("院臺規字第1130012345號", "院臺規字第1130012345號"),
    ],
)
def test_document_numbers_in_any_bracket_style(line, number):
    assert tidy_doc_number(doc_number_in(line)) == number


def test_a_notice_yields_number_issuer_written_date_and_kind():
    meta = parse_text(NOTICE).metadata
    assert meta.title.startswith("某某市人民政府办公室关于印发")
    assert meta.doc_number == "某政办发〔2024〕12号"
    assert meta.issuer == "某某市人民政府办公室"
    assert meta.written.value == date(2024, 3, 1)
    assert meta.kind == Kind.NORMATIVE
    assert "通知" in meta.kind_evidence


def test_issuer_opens_the_title_only_before_guanyu():
    assert issuer_from_title("国务院办公厅关于进一步优化营商环境的意见") == "国务院办公厅"
    assert issuer_from_title("优化营商环境条例") == ""


def test_adopting_standing_committee_is_the_issuer_of_a_local_regulation():
    line = "2021年7月27日 德州市第十八届人民代表大会常务委员会第四十二次会议通过"
    assert issuer_from_adoption([line]) == "德州市人民代表大会常务委员会"


def test_signature_block_gives_issuer_and_date():
    assert signature(["正文。", "某某省发展和改革委员会", "2024年5月6日"]) == (
        "某某省发展和改革委员会",
        "2024年5月6日",
    )
    assert signature(["正文。", "这是一句话。"]) == ("", "")


@pytest.mark.parametrize(
    ("text", "validity"),
    [
        ("现行有效", Validity.CURRENT),
        ("已修改", Validity.AMENDED),
        ("已废止", Validity.REPEALED),
        ("失效", Validity.REPEALED),
        ("尚未生效", Validity.NOT_YET),
        ("", Validity.UNKNOWN),
    ],
)
def test_validity_is_what_the_source_says(text, validity):
    assert validity_from(text) == validity


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("上海市优化营商环境条例", Kind.REGULATION),
        ("某某市政府投资项目管理办法（试行）", Kind.REGULATION),
        ("某某省人民政府关于印发某某省优化营商环境实施办法的通知", Kind.NORMATIVE),
        ("关于进一步优化营商环境更好服务市场主体的实施意见", Kind.NORMATIVE),
        ("《某某市优化营商环境条例》解读", Kind.INTERPRETATION),
        ("某某市出台优化营商环境若干措施", Kind.OTHER),
        ("2024年某某市政府工作报告", Kind.WORK_REPORT),
    ],
)
def test_kind_from_the_form_the_title_names(title, kind):
    guess = detect_kind(
        title,
        title_derived=False,
        subtitle="",
        has_qa=False,
        has_doc_number=False,
        news_signs=False,
        hints=PageHints(),
    )
    assert guess.kind == kind
    assert guess.evidence


def test_a_story_about_a_document_with_a_byline_is_news():
    guess = detect_kind(
        "某某市出台优化营商环境若干措施",
        title_derived=False,
        subtitle="",
        has_qa=False,
        has_doc_number=False,
        news_signs=True,
        hints=PageHints(),
    )
    assert guess.kind == Kind.NEWS


def test_page_category_decides_only_what_the_shape_cannot_and_is_flagged():
    parsed = parse_text(
        "某某市营商环境建设有关情况\n\n今年以来，全市持续优化营商环境，取得积极成效。"
    )
    assert parsed.metadata.kind == Kind.OTHER
    assert any(f.field == "kind" for f in parsed.metadata.flags)
    hinted = parse_text(
        "某某市营商环境建设有关情况\n\n今年以来，全市持续优化营商环境，取得积极成效。",
        hints=PageHints(category="政策解读"),
    )
    assert hinted.metadata.kind == Kind.INTERPRETATION


def test_page_hints_win_over_the_text():
    hints = PageHints(
        issuer="国务院办公厅",
        doc_number="国办发[2024]3号",
        written="2024-01-05",
        published="2024年1月10日",
        validity="现行有效",
        url="https://www.gov.cn/zhengce/content/202401/content_1.htm",
    )
    meta = parse_text(NOTICE, hints=hints).metadata
    assert meta.issuer == "国务院办公厅"
    assert meta.doc_number == "国办发〔2024〕3号"
    assert meta.written.value == date(2024, 1, 5)
    assert meta.published.value == date(2024, 1, 10)
    assert meta.validity == Validity.CURRENT
    assert meta.source_url.startswith("https://www.gov.cn/")


def test_report_date_line_under_the_title_dates_a_page_without_one():
    text = (
        "某某省2026年政府工作报告\n"
        "（2026年1月27日在某某省第十四届人民代表大会第四次会议上）\n"
        "省长 某某某\n"
        "各位代表：\n"
        "现在，我代表省人民政府，向大会报告工作，请予审议。\n"
    )
    meta = parse_text(text).metadata
    assert meta.kind == Kind.WORK_REPORT
    assert meta.published.value == date(2026, 1, 27)
    assert meta.meeting.value == date(2026, 1, 27)
    assert meta.speaker == "省长 某某某"


def test_hohhot_seed_keeps_its_speaker_and_meeting():
    meta = parse_text(seed_bytes("004").decode("utf-8")).metadata
    assert meta.meeting.value == date(2023, 6, 27)
    assert meta.speaker.endswith("焦鸿")


def test_an_official_documents_printed_fields_are_read_in_either_script():
    text = (
        "修正「公務人員出國案件處理要點」\n"
        "發文機關：行政院\n"
        "發文字號：院授人培字第1130012345號\n"
        "發文日期：中華民國113年5月6日\n"
        "主旨：修正「公務人員出國案件處理要點」，並自即日生效。\n"
        "依據：行政院113年5月1日院會決議。\n"
    )
    parsed = parse_text(text)
    meta = parsed.metadata
    assert meta.issuer == "行政院"
    assert meta.doc_number == "院授人培字第1130012345號"
    assert meta.written.value == date(2024, 5, 6)  # 民国113年
    assert meta.kind == Kind.NORMATIVE
    assert "發文機關" not in parsed.body_text and "主旨" in parsed.body_text
