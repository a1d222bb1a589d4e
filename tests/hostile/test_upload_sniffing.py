"""Uploads are read as what their bytes are, not what their names say.

``documents.ingest.formats.sniff`` decides: a ``.txt`` holding a PDF is read as a PDF; a name
that claims another document format than the content, and recognisable non-documents (images,
programs, archives), are refused with a message naming what the file really is. The same
decision holds in the admin upload and in ``manage.py import_releases``. Word archives are
still checked for zip bombs before anything is inflated, whatever their name.
"""

from __future__ import annotations

import codecs
import gzip
import io
import os
import zipfile
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from documents.ingest import IngestError
from documents.ingest.formats import extract_text
from documents.ingest.formats.docx import check_archive
from documents.ingest.formats.sniff import Content, Reader, choose_reader, sniff
from documents.ingest.records import iter_records
from documents.models import Release
from documents.services import parse_upload
from tests.documents.test_formats import html_page, make_docx, make_pdf
from tests.documents.test_upload import form_errors, upload

_MB = 1024 * 1024

#: A release nobody has imported yet, short enough for one PDF line per paragraph.
LINES = [
    "按内容识别文件类型测试稿甲乙丙",
    "",
    "这是一段用于检验按内容识别文件类型的正文。",
    "",
    "第二段正文说明上传文件的名称与内容不符。",
]


def pdf() -> bytes:
    return make_pdf(LINES)


def docx() -> bytes:
    return make_docx([line for line in LINES if line], title=LINES[0])


def html() -> bytes:
    return html_page([line for line in LINES if line]).encode("utf-8")


def text() -> bytes:
    return "\n\n".join(line for line in LINES if line).encode("utf-8")


def plain_zip(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names or ("readme.txt",):
            archive.writestr(name, "hello")
    return buffer.getvalue()


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256))
GIF = b"GIF89a\x01\x00\x01\x00" + bytes(range(256))
ELF = b"\x7fELF\x02\x01\x01" + bytes(64)
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + bytes(120)
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512)


# ---- what the bytes are ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "content", "label"),
    [
        (pdf(), Content.PDF, "PDF"),
        (b"\n\n   %PDF-1.7\n", Content.PDF, "PDF"),
        (docx(), Content.DOCX, "Word"),
        (OLE, Content.OLE, ".doc"),
        (plain_zip(), Content.ZIP, "ZIP"),
        (plain_zip("xl/workbook.xml"), Content.OTHER, "Excel"),
        (plain_zip("ppt/presentation.xml"), Content.OTHER, "PowerPoint"),
        (PNG, Content.OTHER, "PNG 图片"),
        (JPEG, Content.OTHER, "JPEG 图片"),
        (GIF, Content.OTHER, "GIF 图片"),
        (ELF, Content.OTHER, "ELF 可执行程序"),
        (EXE, Content.OTHER, "Windows 可执行程序"),
        (gzip.compress(b"hello"), Content.OTHER, "gzip"),
        (b"{\\rtf1\\ansi hello}", Content.OTHER, "RTF"),
        (html(), Content.HTML, "网页"),
        (b"<html><body><p>x</p></body></html>", Content.HTML, "网页"),
        (codecs.BOM_UTF8 + b" \r\n\t<!-- saved -->\n<HEAD><title>t</title>", Content.HTML, "网页"),
        ("<meta charset=gbk><p>营商环境</p>".encode("gb18030"), Content.HTML, "网页"),
        ("<!DOCTYPE html><p>营商</p>".encode("utf-16"), Content.HTML, "网页"),
        (text(), Content.TEXT, "纯文本"),
        ("营商环境".encode("gb18030"), Content.TEXT, "纯文本"),
        ("营商环境".encode("utf-16"), Content.TEXT, "纯文本"),
        (b"<p>a fragment, no page</p>", Content.TEXT, "纯文本"),
        (bytes(range(256)), Content.UNKNOWN, "二进制"),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_content_is_recognised_by_its_signature(data, content, label):
    found = sniff(data)
    assert found.content is content
    assert label in found.label


@pytest.mark.parametrize(
    ("name", "data", "reader"),
    [
        ("report.txt", pdf(), Reader.PDF),
        ("report.txt", docx(), Reader.DOCX),
        ("report.txt", html(), Reader.HTML),
        ("report", pdf(), Reader.PDF),
        ("REPORT.PDF", pdf(), Reader.PDF),
        ("page.htm", text(), Reader.HTML),  # a fragment: the name is believed
        ("page.html", html(), Reader.HTML),
        ("report.txt", text(), Reader.TEXT),
        ("archive.docx", plain_zip(), Reader.DOCX),  # its own check says what is missing
        ("old.txt", OLE, Reader.DOCX),  # the Word reader explains .doc and passwords
        ("noise.docx", bytes(range(256)), Reader.DOCX),  # unrecognised: the name decides
        ("noise.txt", bytes(range(256)), Reader.TEXT),
    ],
)
def test_the_content_chooses_the_reader(name, data, reader):
    assert choose_reader(data, name) is reader


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("release.pdf", text(), r"这不是 PDF 文件：.*内容其实是纯文本.*改为 \.txt"),
        ("release.pdf", docx(), r"这不是 PDF 文件：.*Word 文档（\.docx）.*改为 \.docx"),
        ("release.pdf", html(), r"这不是 PDF 文件：.*网页（HTML）.*改为 \.html"),
        ("release.docx", pdf(), r"这不是有效的 \.docx 文件：.*PDF 文档.*改为 \.pdf"),
        ("release.docx", text(), r"这不是有效的 \.docx 文件：.*纯文本"),
        ("page.html", pdf(), r"这不是网页（HTML）文件：.*PDF 文档"),
        ("photo.txt", PNG, r"这是PNG 图片（二进制文件），不是发布稿"),
        ("photo.html", JPEG, r"JPEG 图片（二进制文件）"),
        ("photo.pdf", GIF, r"GIF 图片（二进制文件）"),
        ("program.docx", ELF, r"ELF 可执行程序"),
        ("setup.txt", EXE, r"Windows 可执行程序"),
        ("backup.txt", gzip.compress(text()), r"gzip 压缩文件"),
        ("files.txt", plain_zip(), r"ZIP 压缩包"),
        ("sheet.docx", plain_zip("xl/workbook.xml"), r"Excel 表格"),
        ("empty.pdf", b" \n\t ", r"文件为空"),
    ],
)
def test_wrong_or_unreadable_content_is_refused_naming_what_it_is(name, data, message):
    with pytest.raises(IngestError, match=message):
        choose_reader(data, name)


def test_a_txt_that_is_really_a_pdf_is_extracted_and_parsed_as_one():
    extracted = extract_text(pdf(), "report.txt")
    assert extracted.format == "pdf"
    assert extracted.text.split("\n\n") == [line for line in LINES if line]
    upload = parse_upload(pdf(), "report.txt")
    assert upload.encoding == "pdf"
    assert upload.parsed.metadata.title == LINES[0]


def test_a_txt_that_is_really_a_word_document_is_parsed_as_one():
    upload = parse_upload(docx(), "report.txt")
    assert upload.encoding == "docx"
    assert LINES[2] in upload.parsed.body_text


def test_a_bulk_file_that_is_really_a_document_is_refused():
    with pytest.raises(IngestError, match=r"\.csv 文件的内容其实是PDF 文档"):
        list(iter_records(pdf(), ".csv"))
    with pytest.raises(IngestError, match=r"\.jsonl 文件的内容其实是ZIP 压缩包"):
        list(iter_records(plain_zip(), ".jsonl"))


# ---- zip bombs, whatever the name ------------------------------------------------------------


def _bomb(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_an_entry_of_60_mb_is_refused_before_it_is_inflated():
    bomb = _bomb({"word/media/zeros.bin": bytes(60 * _MB)})
    assert len(bomb) < _MB  # 60 MB of zeros deflate to about 60 KB
    with pytest.raises(IngestError, match=r"解压后有 60 MB，超过单个文件 50 MB 的上限"):
        check_archive(bomb)
    for name in ("bomb.docx", "bomb.txt", "bomb"):
        with pytest.raises(IngestError, match=r"超过单个文件 50 MB"):
            extract_text(bomb, name)


def test_an_implausible_compression_ratio_is_refused():
    bomb = _bomb({"word/media/zeros.bin": bytes(10 * _MB)})  # about 1000:1
    with pytest.raises(IngestError, match=r"压缩比超过 100 倍，疑似“压缩炸弹”"):
        extract_text(bomb, "looks-harmless.txt")


def test_too_much_in_total_is_refused_even_when_each_entry_looks_sane():
    """Five entries of 44.5 MB at about 85:1: each passes, together they pass 200 MB."""
    entry = os.urandom(512 * 1024) + bytes(44 * _MB)
    bomb = _bomb({f"word/media/part{n}.bin": entry for n in range(5)})
    with pytest.raises(IngestError, match=r"解压后共 222 MB，超过 200 MB 的上限"):
        extract_text(bomb, "parts.docx")


# ---- through the admin upload and the import command -----------------------------------------


def test_the_admin_previews_a_txt_upload_that_is_really_a_pdf(staff_client):
    before = Release.objects.count()
    response = upload(staff_client, "report.txt", pdf())
    assert response.status_code == 302, form_errors(response)
    preview = staff_client.get(response["Location"])
    assert preview.status_code == 200
    assert preview.context["upload"].encoding == "pdf"
    assert preview.context["form"]["title"].value() == LINES[0]
    assert Release.objects.count() == before


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("photo.txt", PNG, "PNG 图片（二进制文件）"),
        ("release.pdf", text(), "这不是 PDF 文件"),
        ("release.docx", pdf(), "内容其实是PDF 文档"),
        ("batch.csv", pdf(), "内容其实是PDF 文档"),
        ("bomb.txt", _bomb({"word/media/zeros.bin": bytes(60 * _MB)}), "超过单个文件 50 MB"),
    ],
)
def test_the_admin_refuses_content_that_is_not_what_it_claims(staff_client, name, data, message):
    before = Release.objects.count()
    response = upload(staff_client, name, data)
    assert response.status_code == 200
    errors = form_errors(response)
    assert message in errors and name in errors
    assert Release.objects.count() == before


@pytest.mark.django_db
def test_the_import_command_reads_files_by_their_content(tmp_path):
    (tmp_path / "a-report.txt").write_bytes(pdf())
    (tmp_path / "b-photo.txt").write_bytes(PNG)
    (tmp_path / "c-bulk.jsonl").write_bytes(plain_zip())
    before = Release.objects.count()
    out = StringIO()
    with pytest.raises(CommandError, match="2 file"):
        call_command("import_releases", "--dry-run", str(tmp_path), stdout=out)
    rows = out.getvalue().splitlines()
    report = next(row for row in rows if "a-report.txt" in row)
    assert report.startswith("would import") and LINES[0][:8] in report
    photo = next(row for row in rows if "b-photo.txt" in row)
    assert photo.startswith("failed") and "PNG 图片" in photo
    bulk = next(row for row in rows if "c-bulk.jsonl" in row)
    assert bulk.startswith("failed") and "内容其实是ZIP" in bulk  # the table cuts the rest
    assert Release.objects.count() == before
