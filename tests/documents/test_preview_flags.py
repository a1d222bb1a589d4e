"""The upload preview tells the truth: each doubt next to the field it is about.

A ``FieldFlag`` names one field of ``ReleaseMetadata``; the preview shows its message in that
field's row (title, kind, published, written, region, issuer, 文号 …), the kind's evidence by
the kind, and keeps only the warnings tied to no field in the general list. Real seed text
goes through the real upload, preview and bulk report; where a test needs particular flags,
the parse's metadata is replaced (the parser decides its flags on its own schedule).
"""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import date

import pytest

from documents import admin_upload, services
from documents.choices import Precision, Validity
from documents.ingest.metadata import FieldFlag, PublishedDate
from documents.models import Release
from tests.conftest import seed_text
from tests.documents.test_upload import form_values, preview_url, upload

pytestmark = pytest.mark.django_db

FLAGS = (
    FieldFlag("title", "标题取自导语，请核对。"),
    FieldFlag("kind", "类型依据不足：既像通知又像新闻报道。"),
    FieldFlag("doc_number", "文号年份与成文日期不一致。"),
    FieldFlag("written", "成文日期只有月份。"),
    FieldFlag("meeting", "会议日期取自副标题。"),
    FieldFlag("index_number", "索引号格式少见。"),  # no field of the form: general list
)
GENERAL = "正文中有一段重复。"


def new_release_text(extra: str = "") -> str:
    """Seed 004 about the other half of the year, ``extra`` in its first paragraph."""
    text = seed_text("004").replace("上半年", "下半年")
    return text.replace("请予审议。", f"请予审议。{extra}", 1)


def _with_metadata(monkeypatch, **changes) -> None:
    """Make the preview's parse carry ``changes`` (flags, the new fields) on the real text."""
    real = admin_upload.parse_upload

    def parse(data: bytes, filename: str, **kwargs):
        found = real(data, filename, **kwargs)
        meta = dataclasses.replace(found.parsed.metadata, **changes)
        parsed = dataclasses.replace(found.parsed, metadata=meta)
        return dataclasses.replace(found, parsed=parsed, warnings=changes.get("warnings", ()))

    monkeypatch.setattr(admin_upload, "parse_upload", parse)


def _rows(html: str) -> dict[str, str]:
    """Each form row of the preview by field name: its whole container, flags included."""
    chunks = re.split(r'(?=<div class="form-row )', html.split('id="preview-form"', 1)[1])
    rows = {}
    for chunk in chunks[1:]:
        name = re.match(r'<div class="form-row field-([a-z_]+)', chunk).group(1)
        rows[name] = chunk
    return rows


def _general(html: str) -> str:
    found = re.search(r'id="preview-warnings">(.*?)</div>', html, re.S)
    return found.group(1) if found else ""


def test_each_flag_sits_in_its_fields_row_and_nowhere_else(staff_client, monkeypatch):
    url = preview_url(upload(staff_client, "flags.txt", new_release_text().encode()))
    warnings = (*(flag.message for flag in FLAGS), GENERAL)
    _with_metadata(monkeypatch, flags=FLAGS, warnings=warnings)
    html = staff_client.get(url).content.decode()
    rows = _rows(html)
    for flag in FLAGS[:4]:
        assert flag.message in rows[flag.field], flag
        assert 'class="field-flags"' in rows[flag.field] and "flagged" in rows[flag.field][:80]
        others = [name for name, row in rows.items() if name != flag.field]
        assert all(flag.message not in rows[name] for name in others), flag
        assert flag.message not in _general(html)  # said once, by its field
    assert "flagged" not in rows["issuer"][:80] and "field-flags" not in rows["region"]
    meeting = re.search(r'<tr id="detected-meeting">(.*?)</tr>', html, re.S).group(1)
    assert "会议日期取自副标题" in meeting
    general = _general(html)
    assert GENERAL in general and "索引号格式少见" in general


def test_the_kinds_evidence_is_shown_by_the_kind(staff_client, monkeypatch):
    url = preview_url(upload(staff_client, "evidence.txt", new_release_text().encode()))
    _with_metadata(monkeypatch, kind_evidence="标题以“报告”结尾，副标题写明会议")
    rows = _rows(staff_client.get(url).content.decode())
    assert "标题以“报告”结尾，副标题写明会议" in rows["kind"]
    assert 'id="kind-evidence"' in rows["kind"]
    assert all("kind-evidence" not in row for name, row in rows.items() if name != "kind")


def test_a_real_parse_flags_the_region_by_the_region_field(staff_client):
    """Without any substitution: the parser's own doubt about the region, by the region."""
    text = (
        "关于进一步做好政务服务工作的通知\n\n各单位要按照要求，认真抓好落实，及时报送工作进展情况。"
    )
    html = staff_client.get(preview_url(upload(staff_client, "n.txt", text.encode()))).content
    rows = _rows(html.decode())
    assert "未能识别地区" in rows["region"]
    assert "未能识别地区" not in _general(html.decode())
    assert "正文很短" in _general(html.decode())  # about no one field


def test_the_new_fields_are_editable_in_the_preview_and_stored(staff_client, monkeypatch):
    url = preview_url(upload(staff_client, "fields.txt", new_release_text("补记。").encode()))
    _with_metadata(
        monkeypatch,
        issuer="呼和浩特市人民政府",
        doc_number="呼政发〔2023〕7号",
        written=PublishedDate(date(2023, 6, 27), Precision.DAY, "2023年6月27日"),
        validity=Validity.CURRENT,
        source_url="https://www.huhhot.gov.cn/zwgk/7.html",
        speaker="副市长 焦鸿",
        flags=(FieldFlag("issuer", "发文机关取自落款。"),),
    )
    page = staff_client.get(url)
    values = form_values(page)
    assert values["issuer"] == "呼和浩特市人民政府" and values["doc_number"] == "呼政发〔2023〕7号"
    assert values["written"] == date(2023, 6, 27) and values["written_precision"] == "day"
    assert values["validity"] == "current" and values["speaker"] == "副市长 焦鸿"
    assert values["source_url"] == "https://www.huhhot.gov.cn/zwgk/7.html"
    values.update(issuer="呼和浩特市人民政府办公室", written="2023-06-27", action="draft")
    response = staff_client.post(url, values)
    assert response.status_code == 302, response.content.decode()[:2000]
    release = Release.objects.get(doc_number="呼政发〔2023〕7号")
    assert release.issuer == "呼和浩特市人民政府办公室"
    assert (release.written, release.validity) == (date(2023, 6, 27), "current")
    assert release.source_url.endswith("/7.html") and release.speaker == "副市长 焦鸿"
    assert release.details["edited_fields"] == ["issuer"]
    assert release.details["flags"] == []  # the issuer was checked and corrected


def test_the_bulk_dry_run_counts_each_records_flags(staff_client, monkeypatch):
    real = services.parse_text

    def parse(text: str, **kwargs):
        parsed = real(text, **kwargs)
        flags = (
            tuple(FieldFlag("issuer", f"疑点{i}") for i in range(3))
            if "甲" in kwargs.get("title_hint", "")
            else ()
        )
        meta = dataclasses.replace(parsed.metadata, flags=flags)
        return dataclasses.replace(parsed, metadata=meta)

    monkeypatch.setattr(services, "parse_text", parse)
    rows = [
        {"title": "甲市营商环境报告", "text": new_release_text("甲。")},
        {"title": "乙市营商环境报告", "text": new_release_text("乙。")},
    ]
    data = "\n".join(json.dumps(row, ensure_ascii=False) for row in rows).encode()
    url = preview_url(upload(staff_client, "flags.jsonl", data))
    html = staff_client.get(url).content.decode()
    cells = re.findall(r'<td class="flag-count">(.*?)</td>', html, re.S)
    assert len(cells) == 2
    assert "⚠ 3" in cells[0] and "发文机关：疑点0" in cells[0]
    assert cells[1] == "—"
    assert "可导入 2 篇" in html
