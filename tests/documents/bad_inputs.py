"""Bad upload files, built from real text, each with the message its uploader must read.

Shared by the admin upload tests and the import command tests: the same file must be refused
for the same reason wherever it comes in.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from documents.models import Release, Section, SentenceFingerprint
from tests.documents.test_formats import html_page, make_docx, make_pdf, seed_paragraphs


@dataclass(frozen=True)
class BadInput:
    name: str  # the uploaded file's name (its suffix chooses the reader)
    data: bytes
    message: str  # a regular expression the error message must match


def _encrypted_pdf() -> bytes:
    data = make_pdf(["Hello"], cjk=False)
    owner, user, file_id = "11" * 32, "22" * 32, "ab" * 16
    encrypt = (
        f"/Encrypt << /Filter /Standard /V 1 /R 2 /O <{owner}> /U <{user}> /P -4 >>"
        f" /ID [<{file_id}><{file_id}>]"
    ).encode()
    return data.replace(b"/Root 1 0 R >>", b"/Root 1 0 R " + encrypt + b" >>")


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("word/media/image1.bin", b"\0" * (30 * 1024 * 1024))
    return buffer.getvalue()


def _scripts_only_html() -> bytes:
    scripts = "\n".join(f"<script>var a{n} = '营商环境{n}';</script>" for n in range(50))
    return f"<html><head>{scripts}</head><body>{scripts}<nav>首页</nav></body></html>".encode()


def bad_inputs() -> list[BadInput]:
    """Every kind of bad file the issue names (plus a few mislabelled ones)."""
    paragraphs = seed_paragraphs("004", count=8)
    docx = make_docx(paragraphs)
    pdf = make_pdf([p[:30] for p in paragraphs[:3]])
    return [
        BadInput("empty.txt", b"", "文件为空"),
        BadInput("blank.txt", b" \r\n\t\n  \n", "文件为空"),
        BadInput(
            "binary.txt",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8,
            "二进制文件",
        ),
        BadInput("truncated.docx", docx[: len(docx) // 2], r"不是有效的 \.docx"),
        BadInput("truncated.pdf", pdf[:120], "已损坏或不完整"),
        BadInput("really-a-pdf.docx", pdf, r"不是有效的 \.docx"),
        BadInput("really-a-docx.pdf", docx, "这不是 PDF 文件"),
        BadInput(
            "really-a-png.html",
            b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)),
            "二进制文件|没有找到正文",
        ),
        BadInput("password.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096, "加密"),
        BadInput("password.pdf", _encrypted_pdf(), "已加密"),
        BadInput("bomb.docx", _zip_bomb(), "压缩炸弹"),
        BadInput("scan.pdf", make_pdf([], draw_only=True), "没有文字层"),
        BadInput("scripts.html", _scripts_only_html(), "没有找到正文文字"),
        BadInput("title-only.html", html_page(paragraphs[:1]).encode(), "没有正文|只有标题"),
        BadInput("garbled.txt", bytes(range(0x80, 0x100)) * 4, "无法识别文件编码"),
        BadInput("broken.jsonl", b'{"title": "x", "text": \n{not json}\n', "第 1 行|JSON"),
        BadInput("no-text.csv", "title,region\n标题,北京\n".encode(), "text|正文"),
    ]


def media_files() -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def index_files() -> dict[str, int]:
    root = Path(settings.HAYSTACK_CONNECTIONS["default"]["PATH"])
    return {p.name: p.stat().st_mtime_ns for p in root.iterdir()}


def snapshot() -> tuple:
    """What a refused file must leave unchanged: rows, stored files, index files."""
    return (
        Release.objects.count(),
        Section.objects.count(),
        SentenceFingerprint.objects.count(),
        media_files(),
        index_files(),
    )
