"""The genre's metadata (发文机关, 文号, 成文日期, 时效性, 原文链接, 报告人) wherever a user looks.

Releases are built from real seed text: the parse of a seed, with the new ``ReleaseMetadata``
fields set by ``dataclasses.replace`` (the parser fills them on its own schedule), is stored
through ``store_release`` and then read back through the admin, the API, the release page and
the Atom feed with Django's test client.
"""

from __future__ import annotations

import dataclasses
import json
import re
import sqlite3
from contextlib import closing
from datetime import date
from xml.etree import ElementTree

import pytest

from documents import services
from documents.doc_numbers import normalise_doc_number
from documents.ingest import ParsedRelease, parse_text
from documents.ingest.metadata import (
    UNKNOWN_DATE,
    FieldFlag,
    Kind,
    Precision,
    PublishedDate,
    Validity,
)
from documents.models import Release
from documents.services import import_records, reparse_release, store_release
from tests.conftest import seed_text
from tests.documents.test_admin import change_form_data
from tests.portal.test_backup import Instance

ATOM = "http://www.w3.org/2005/Atom"
ISSUER = "测试市人民政府办公室"
DOC_NUMBER = "测政办发〔2024〕3号"


def new_text(extra: str = "") -> str:
    """Seed 004 (呼和浩特's report) about the other half of the year: not in the database.

    ``extra`` goes into the first paragraph of the report (the file ends with a disclaimer
    the cleaner drops, and whatever follows it with it), to make further distinct texts.
    """
    text = seed_text("004").replace("上半年", "下半年")
    return text.replace("请予审议。", f"请予审议。{extra}", 1)


#: The new fields as a parse that found none of them leaves them.
UNKNOWN = {
    "issuer": "",
    "doc_number": "",
    "written": UNKNOWN_DATE,
    "meeting": UNKNOWN_DATE,
    "validity": Validity.UNKNOWN,
    "source_url": "",
    "speaker": "",
    "kind_evidence": "",
    "flags": (),
}


def parsed_with(text: str | None = None, **changes) -> ParsedRelease:
    """A real parse whose metadata carries ``changes`` and nothing else of the genre's fields.

    Whatever the parser finds by itself is reset to unknown first, so each test says exactly
    which fields are known.
    """
    parsed = parse_text(text or new_text())
    meta = dataclasses.replace(parsed.metadata, **{**UNKNOWN, **changes})
    return dataclasses.replace(parsed, metadata=meta)


GENRE = {
    "issuer": ISSUER,
    "doc_number": DOC_NUMBER,
    "written": PublishedDate(date(2024, 3, 5), Precision.DAY, "2024年3月5日"),
    "meeting": PublishedDate(date(2023, 6, 27), Precision.DAY, "2023年6月27日"),
    "validity": Validity.CURRENT,
    "source_url": "https://www.example.gov.cn/zwgk/2024/0305.html",
    "speaker": "副市长 焦鸿",
    "kind": Kind.NORMATIVE,
    "kind_evidence": "标题以“通知”结尾，有文号",
    "flags": (FieldFlag("doc_number", "文号中的年份与成文日期不一致，请核对。"),),
}


def store(parsed: ParsedRelease, **kwargs) -> Release:
    kwargs.setdefault("publish", True)
    return store_release(parsed, original=b"x", filename="genre.txt", **kwargs)


def test_doc_numbers_compare_whatever_their_brackets_widths_and_script():
    key = normalise_doc_number("国办发〔2024〕3号")
    for spelling in (
        "国办发[2024]3号",
        "国办发(2024)3号",
        "国办发（2024）3号",
        "国办发［2024］3号",
        "国办发【2024】3号",
        "國辦發〔２０２４〕３號",
        " 国办发 〔2024〕 3号 ",
    ):
        assert normalise_doc_number(spelling) == key, spelling
    assert normalise_doc_number("国办发〔2024〕13号") != key
    assert normalise_doc_number("") == ""


# ---- the schema ---------------------------------------------------------------------------


def test_the_migration_adds_the_fields_and_keeps_existing_releases(tmp_path):
    """0003 → 0004 on a database of its own, with a release stored before the change."""
    Instance(tmp_path).manage("migrate", "--noinput", "documents", "0003")
    with closing(sqlite3.connect(tmp_path / "portal.sqlite3")) as db, db:
        db.execute(
            "INSERT INTO documents_release (title, subtitle, kind, published_precision,"
            " published_text, source, author, editor, text, content_hash, original,"
            " original_name, original_encoding, details, status, index_error,"
            " analysis_version, created, updated) VALUES ('旧稿', '', 'news', 'unknown',"
            " '', '', '', '', '正文', 'h', '', '', '', '{}', 'draft', '', '',"
            " '2024-01-01', '2024-01-01')"
        )
    Instance(tmp_path).manage("migrate", "--noinput", "documents", "0004")
    with closing(sqlite3.connect(tmp_path / "portal.sqlite3")) as db:
        rows = db.execute(
            "SELECT title, issuer, doc_number, written, written_precision, validity, source_url,"
            " speaker, kind FROM documents_release"
        ).fetchall()
        indexes = [row[1] for row in db.execute("PRAGMA index_list(documents_release)")]
        indexed = {
            column
            for index in indexes
            for (_seq, _cid, column) in db.execute(f"PRAGMA index_info('{index}')")
        }
    assert rows == [("旧稿", "", "", None, "unknown", "", "", "", "news")]
    assert "doc_number" in indexed


# ---- the write path -----------------------------------------------------------------------


@pytest.mark.django_db
def test_store_release_writes_every_new_field():
    release = store(parsed_with(**GENRE))
    release.refresh_from_db()
    assert (release.issuer, release.doc_number) == (ISSUER, DOC_NUMBER)
    assert (release.written, release.written_precision) == (date(2024, 3, 5), "day")
    assert release.validity == "current" and release.get_validity_display() == "现行有效"
    assert release.source_url == GENRE["source_url"]
    assert release.speaker == "副市长 焦鸿"
    assert release.kind == "normative" and release.get_kind_display() == "规范性文件"
    details = release.details
    assert details["kind_evidence"] == GENRE["kind_evidence"]
    assert details["meeting"] == {
        "value": "2023-06-27",
        "precision": "day",
        "text": "2023年6月27日",
    }
    assert details["flags"] == [
        {"field": "doc_number", "message": "文号中的年份与成文日期不一致，请核对。"}
    ]


@pytest.mark.django_db
def test_unknown_fields_are_stored_as_unknown_and_unsafe_links_are_not_kept():
    release = store(parsed_with(source_url="javascript:alert(1)"))
    release.refresh_from_db()
    assert (release.issuer, release.doc_number, release.speaker, release.validity) == ("",) * 4
    assert (release.written, release.written_precision) == (None, "unknown")
    assert release.source_url == "" and release.source_link == ""
    assert release.details["meeting"] == {"value": None, "precision": "unknown", "text": ""}
    assert release.details["flags"] == []


@pytest.mark.django_db
def test_a_bulk_records_web_address_is_the_source_url_other_text_stays_the_source():
    url = "https://www.example.gov.cn/" + "%E6%94%BF" * 40  # longer than ``source`` holds
    rows = [
        {"title": "某市营商环境工作报告", "url": url, "text": new_text("甲。")},
        {"title": "某市营商环境工作报告", "source": "某某日报", "text": new_text("乙。")},
    ]
    data = "\n".join(json.dumps(row, ensure_ascii=False) for row in rows).encode()
    first, second = (r.release for r in import_records(data, filename="b.jsonl"))
    assert first.source_url == url and url not in first.source
    assert second.source == "某某日报" and second.source_url == ""


@pytest.mark.django_db
def test_corrections_win_are_remembered_and_answer_their_flags():
    release = store(
        parsed_with(**GENRE),
        edits={"doc_number": "测政办发〔2024〕4号", "issuer": ISSUER, "status": "published"},
    )
    release.refresh_from_db()
    assert release.doc_number == "测政办发〔2024〕4号"
    assert release.details["edited_fields"] == ["doc_number"]  # the issuer was not changed
    assert release.details["flags"] == []


@pytest.mark.django_db
def test_reparse_fills_unknown_fields_keeps_known_ones_and_a_persons_clearing(monkeypatch):
    release = store(parsed_with(), publish=False)
    Release.objects.filter(pk=release.pk).update(doc_number="人工〔2024〕1号")
    release.refresh_from_db()
    release.details["edited_fields"] = ["speaker"]  # a person emptied it on purpose
    release.save()
    reparsed = parsed_with(**GENRE)
    monkeypatch.setattr(services, "_parse_original", lambda data, name: (reparsed, ""))
    result = reparse_release(release)
    assert result.outcome is services.Outcome.IMPORTED, result.message
    release.refresh_from_db()
    assert release.doc_number == "人工〔2024〕1号"  # known: kept, as title and kind are
    assert release.issuer == ISSUER and release.validity == "current"  # unknown: filled
    assert (release.written, release.written_precision) == (date(2024, 3, 5), "day")
    assert release.speaker == ""  # cleared by a person: stays cleared
    assert release.details["kind_evidence"] == GENRE["kind_evidence"]
    assert release.details["flags"][0]["field"] == "doc_number"


# ---- admin --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_admin_change_page_edits_the_new_fields(staff_client):
    release = store(parsed_with(**GENRE))
    url = f"/admin/documents/release/{release.pk}/change/"
    page = staff_client.get(url)
    html = page.content.decode()
    fieldset = re.search(r"<fieldset[^>]*>\s*<h2[^>]*>文件信息</h2>(.*?)</fieldset>", html, re.S)
    assert fieldset, "the 文件信息 group is missing"
    for name in ("issuer", "doc_number", "written", "written_precision", "validity", "source_url"):
        assert f'name="{name}"' in fieldset.group(1), name
    data = change_form_data(staff_client, release)
    data.update(issuer="另一机关", validity="repealed", written="2024-03", doc_number="")
    refused = staff_client.post(url, data)
    assert refused.status_code == 200 and "written" in refused.context["adminform"].form.errors
    data.update(written="2024-03-01", written_precision="month")
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    release.refresh_from_db()
    assert (release.issuer, release.validity, release.doc_number) == ("另一机关", "repealed", "")
    assert (release.written, release.written_precision) == (date(2024, 3, 1), "month")
    assert {"issuer", "validity", "doc_number"} <= set(release.details["edited_fields"])
    assert release.details["flags"] == []  # the 文号 was corrected


@pytest.mark.django_db
def test_admin_list_filters_searches_and_shows_doubts(staff_client):
    flagged = store(parsed_with(**GENRE))
    clean = store(
        parsed_with(new_text("补记。"), issuer=ISSUER, validity=Validity.REPEALED, warnings=())
    )
    Release.objects.filter(pk=clean.pk).update(
        details={**clean.details, "warnings": [], "flags": []}
    )
    changelist = "/admin/documents/release/"

    def listed(**params) -> set[int]:
        response = staff_client.get(changelist, params)
        assert response.status_code == 200
        return {r.pk for r in response.context["cl"].result_list}

    assert listed(validity="current") >= {flagged.pk} and clean.pk not in listed(validity="current")
    assert listed(issuer=ISSUER) == {flagged.pk, clean.pk}
    assert listed(kind="normative") >= {flagged.pk}
    assert listed(q="测政办发") == {flagged.pk}
    assert listed(q=ISSUER) == {flagged.pk, clean.pk}
    assert flagged.pk in listed(doubts="yes") and clean.pk not in listed(doubts="yes")
    assert clean.pk in listed(doubts="no") and flagged.pk not in listed(doubts="no")
    html = staff_client.get(changelist, {"issuer": ISSUER}).content.decode()
    assert f"{ISSUER} (2)" in html  # the issuer filter lists it, with its count
    cell = re.search(r'<span class="release-doubts" title="([^"]*)">⚠ (\d+)</span>', html)
    assert cell and "文号中的年份与成文日期不一致" in cell.group(1)
    assert int(cell.group(2)) == len(flagged.details["warnings"]) + 1


# ---- API ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_api_returns_the_new_fields(client):
    release = store(parsed_with(**GENRE))
    listed = client.get("/api/releases", {"issuer": ISSUER}).json()["results"]
    assert [r["id"] for r in listed] == [release.pk]
    detail = client.get(f"/api/releases/{release.pk}").json()
    for data in (listed[0], detail):
        assert data["issuer"] == ISSUER and data["doc_number"] == DOC_NUMBER
        assert data["written"] == "2024-03-05" and data["written_precision"] == "day"
        assert data["validity"] == "current" and data["kind"] == "normative"
        assert data["source_url"] == GENRE["source_url"] and data["speaker"] == "副市长 焦鸿"
    bare = client.get(f"/api/releases/{store(parsed_with(new_text('丙。'))).pk}").json()
    assert bare["written"] is None and bare["written_precision"] == "unknown"
    assert bare["issuer"] == bare["doc_number"] == bare["source_url"] == ""


@pytest.mark.django_db
@pytest.mark.parametrize(
    "asked",
    ["测政办发〔2024〕3号", "测政办发[2024]3号", "测政办发(2024)3号", "测政办发（２０２４）３号"],
)
def test_api_doc_number_filter_ignores_bracket_style(client, asked):
    release = store(parsed_with(**GENRE))
    store(parsed_with(new_text("丁。"), doc_number="测政办发〔2024〕13号"))
    data = client.get("/api/releases", {"doc_number": asked}).json()
    assert [r["id"] for r in data["results"]] == [release.pk]


@pytest.mark.django_db
def test_api_filters_by_validity_and_the_new_kinds(client):
    release = store(parsed_with(**GENRE))
    other = store(parsed_with(new_text("戊。"), kind=Kind.INTERPRETATION))
    ids = {
        r["id"]
        for r in client.get("/api/releases?validity=current&page_size=100").json()["results"]
    }
    assert release.pk in ids and other.pk not in ids
    kinds = client.get("/api/releases?kind=interpretation&page_size=100").json()["results"]
    assert other.pk in {r["id"] for r in kinds} and {r["kind"] for r in kinds} == {"interpretation"}
    for bad in ("validity=forever", "kind=law"):
        response = client.get(f"/api/releases?{bad}")
        assert response.status_code == 400 and "one of" in response.json()["error"]


# ---- release page -------------------------------------------------------------------------


def _facts(html: str) -> str:
    return re.search(r'<dl class="facts">(.*?)</dl>', html, re.S).group(1)


@pytest.mark.django_db
def test_release_page_shows_the_facts_only_when_known(client):
    release = store(parsed_with(**GENRE))
    facts = _facts(client.get(release.get_absolute_url()).content.decode())
    for shown in ("发文机关", ISSUER, "文号", DOC_NUMBER, "成文日期", "2024年3月5日", "发布日期"):
        assert shown in facts, shown
    assert "时效性" in facts and "现行有效" in facts and "副市长 焦鸿" in facts
    link = re.search(r'<a class="source-url" href="([^"]+)" rel="([^"]+)"', facts)
    assert link.group(1) == GENRE["source_url"] and link.group(2) == "noopener nofollow"
    page = client.get(release.get_absolute_url()).content.decode()
    assert '<p class="kind kind-normative">规范性文件' in page
    listing = client.get(release.region.get_absolute_url()).content.decode()
    assert f'<span class="doc-number">{DOC_NUMBER}</span>' in listing
    bare = store(parsed_with(new_text("己。"), source_url="javascript:alert(1)"))
    facts = _facts(client.get(bare.get_absolute_url()).content.decode())
    assert "发布日期" in facts
    for hidden in ("发文机关", "文号", "成文日期", "时效性", "原文链接", "报告人", "javascript"):
        assert hidden not in facts, hidden


@pytest.mark.django_db
def test_release_page_shows_month_precision_and_traditional_script(client):
    written = PublishedDate(date(2024, 3, 1), Precision.MONTH, "2024年3月")
    release = store(parsed_with(**{**GENRE, "written": written, "kind": Kind.INTERPRETATION}))
    page = client.get(release.get_absolute_url(), {"script": "hant"}).content.decode()
    facts = _facts(page)
    assert "2024年3月<" in facts and "2024-03" in facts
    assert "測試市人民政府辦公室" in facts and "現行有效" in facts and "副市長 焦鴻" in facts
    assert "政策解讀" in page


# ---- Atom ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_atom_entries_carry_kind_issuer_doc_number_and_written_date(client):
    release = store(parsed_with(**GENRE))
    root = ElementTree.fromstring(client.get("/feeds/releases/").content)  # noqa: S314
    entry = next(
        e
        for e in root.findall(f"{{{ATOM}}}entry")
        if e.find(f"{{{ATOM}}}link").get("href").endswith(release.get_absolute_url())
    )
    assert [c.get("term") for c in entry.findall(f"{{{ATOM}}}category")] == [
        "规范性文件",
        "现行有效",
    ]
    assert entry.find(f"{{{ATOM}}}author/{{{ATOM}}}name").text == ISSUER
    summary = entry.find(f"{{{ATOM}}}summary").text
    assert f"文号：{DOC_NUMBER}" in summary and "成文日期：2024年3月5日" in summary
