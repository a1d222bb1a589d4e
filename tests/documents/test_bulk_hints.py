"""Bulk rows state a release's metadata in columns; those become ``PageHints``.

Exports name the columns in Chinese (发文机关, 发文字号, 成文日期 …), in English
(``issuer``, ``document_number``, ``written_date`` …) or after a database schema
(``release_office``, ``release_number``, ``release_time``); every name reads the same, and the
columns read before (title, text, region, date) still fill their own fields.
"""

from __future__ import annotations

import csv
import io
import json

import pytest

from documents.ingest import parse_text
from documents.ingest.hints import PageHints
from documents.ingest.records import iter_records

TEXT = (
    "各市、县人民政府：\n\n为进一步优化营商环境，激发市场主体活力，现就有关事项通知如下。\n\n"
    "一、压缩审批时限。\n\n二、降低经营成本。"
)
EXPECTED = PageHints(
    title="某省关于进一步优化营商环境的通知",
    subtitle="2024年修订版",
    published="2024-01-02",
    written="2023-12-28",
    source="某某日报",
    issuer="某省人民政府办公厅",
    doc_number="某政办发〔2024〕1号",
    region="甘肃省张掖市",
    url="https://www.example.gov.cn/art_1.html",
    subject="市场监管",
    index_no="11330000/2024-00001",
    validity="现行有效",
    category="规范性文件",
)

CHINESE = {
    "标题": EXPECTED.title,
    "副标题": EXPECTED.subtitle,
    "正文": TEXT,
    "发布日期": EXPECTED.published,
    "成文日期": EXPECTED.written,
    "来源": EXPECTED.source,
    "发文机关": EXPECTED.issuer,
    "发文字号": EXPECTED.doc_number,
    "地区": EXPECTED.region,
    "链接": EXPECTED.url,
    "主题分类": EXPECTED.subject,
    "索引号": EXPECTED.index_no,
    "时效性": EXPECTED.validity,
    "类别": EXPECTED.category,
}
ENGLISH = {
    "Title": EXPECTED.title,
    "subtitle": EXPECTED.subtitle,
    "content": TEXT,
    "publish_date": EXPECTED.published,
    "written_date": EXPECTED.written,
    "source": EXPECTED.source,
    "office": EXPECTED.issuer,
    "Document_Number": EXPECTED.doc_number,
    "region": EXPECTED.region,
    "url": EXPECTED.url,
    "subject": EXPECTED.subject,
    "index_no": EXPECTED.index_no,
    "status": EXPECTED.validity,
    "kind": EXPECTED.category,
}


def as_jsonl(*rows: dict) -> bytes:
    return "\n".join(json.dumps(row, ensure_ascii=False) for row in rows).encode("utf-8")


def as_csv(*rows: dict) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


@pytest.mark.parametrize("row", [CHINESE, ENGLISH], ids=["chinese", "english"])
@pytest.mark.parametrize(("suffix", "encode"), [(".jsonl", as_jsonl), (".csv", as_csv)])
def test_columns_become_hints(row, suffix, encode):
    (record,) = iter_records(encode(row), suffix)
    assert record.error == ""
    assert record.hints == EXPECTED
    # The columns read before keep their meaning.
    assert (record.title, record.region, record.date) == (
        EXPECTED.title,
        EXPECTED.region,
        EXPECTED.published,
    )
    assert record.source in (EXPECTED.url, EXPECTED.source)


@pytest.mark.parametrize(
    ("column", "field"),
    [
        ("发布机关", "issuer"),
        ("制定机关", "issuer"),
        ("發文機關", "issuer"),
        ("release_office", "issuer"),
        ("文号", "doc_number"),
        ("文號", "doc_number"),
        ("release_number", "doc_number"),
        ("written", "written"),
        ("release_time", "published"),
        ("效力", "validity"),
        ("validity", "validity"),
        ("分类", "category"),
        ("category", "category"),
    ],
)
def test_each_column_name_fills_its_hint(column, field):
    (record,) = iter_records(as_jsonl({"text": TEXT, column: "甲乙丙"}), ".jsonl")
    assert getattr(record.hints, field) == "甲乙丙"


def test_a_workflow_status_is_not_a_validity():
    (record,) = iter_records(as_jsonl({"text": TEXT, "status": "未处理"}), ".jsonl")
    assert record.hints.validity == ""


def test_a_web_address_in_source_is_the_url_not_the_outlet():
    row = {"text": TEXT, "source": "http://www.gov.cn/zhengce/content/2019-02/15/content_1.htm"}
    (record,) = iter_records(as_jsonl(row), ".jsonl")
    assert record.source == row["source"]
    assert (record.hints.source, record.hints.url) == ("", row["source"])
    (record,) = iter_records(as_jsonl({**row, "来源": "新华社"}), ".jsonl")
    assert (record.hints.source, record.hints.url) == ("新华社", row["source"])


def test_rows_without_the_new_columns_have_only_what_they_state():
    (record,) = iter_records(as_jsonl({"title": "通知", "text": TEXT, "date": "2024"}), ".jsonl")
    assert record.hints == PageHints(title="通知")
    assert record.date == "2024"


def test_hints_reach_the_pipeline():
    (record,) = iter_records(as_jsonl(CHINESE), ".jsonl")
    parsed = parse_text(
        record.text,
        title_hint=record.title,
        region_hint=record.region,
        date_hint=record.date,
        hints=record.hints,
    )
    assert parsed.body_text
