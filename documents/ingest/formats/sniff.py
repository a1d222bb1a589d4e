"""What an uploaded file is, read from its bytes — the file name is only a fallback.

Uploads arrive renamed, mislabelled or saved with whatever suffix a crawler or a browser chose,
so the reader is picked by the content's own signature (its "magic number"): ``%PDF-`` for
PDF, a zip holding ``word/document.xml`` for Word, the OLE signature for old ``.doc`` and
password-protected Office files, leading markup (``<!doctype html``, ``<html``, ``<head``,
``<body``, ``<meta`` … after a byte-order mark and whitespace) for HTML. Files that are
recognisably something else — images, executables, compressed archives, spreadsheets — are
refused at once with a message naming what they are, rather than fed to a reader that would
fail with a vaguer one.

How content and name are reconciled (``choose_reader``):

* Recognised content wins over a plain-text name: ``report.txt`` holding a PDF is read as a
  PDF, one holding an HTML page as HTML. A ``.txt`` name promises nothing about structure;
  exports and crawlers save everything under it.
* A name that claims a *different* document format than the content is refused, naming what
  the file really is (``.docx`` holding a PDF, ``.pdf`` holding text or a Word document): that
  is usually the wrong file picked, and the stored original is offered for download under its
  name, where it would reach readers as a broken file. Renaming it is the uploader's fix.
* Content no signature recognises goes to the reader its name asks for, whose own checks
  refuse it with the format's message (a ``.docx`` that is no zip, a ``.txt`` with NUL bytes).
* Text whose name says ``.html`` is read as HTML even without leading markup (fragments).
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from dataclasses import dataclass
from enum import StrEnum
from pathlib import PurePath

from documents.ingest.errors import IngestError


class Content(StrEnum):
    """What the bytes are, as far as their signature tells."""

    TEXT = "text"  # no signature and no NUL byte: plain text in some encoding
    HTML = "html"
    PDF = "pdf"
    DOCX = "docx"
    OLE = "ole"  # old .doc/.xls, or any password-protected Office file
    ZIP = "zip"  # a zip archive that is no Office document
    OTHER = "other"  # recognised, and not something a release can be read from
    UNKNOWN = "unknown"  # binary-looking bytes no signature matched


class Reader(StrEnum):
    """The readers an upload can go to."""

    TEXT = "text"
    HTML = "html"
    DOCX = "docx"
    PDF = "pdf"


@dataclass(frozen=True, slots=True)
class Sniffed:
    """The content kind and a Chinese name for it, fit for a message (``PNG 图片``)."""

    content: Content
    label: str


#: (signature at offset 0, what it is). Checked in order; longer, surer signatures first.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG 图片"),
    (b"\xff\xd8\xff", "JPEG 图片"),
    (b"GIF87a", "GIF 图片"),
    (b"GIF89a", "GIF 图片"),
    (b"II*\x00", "TIFF 图片"),
    (b"MM\x00*", "TIFF 图片"),
    (b"\x00\x00\x01\x00", "ICO 图标"),
    (b"\x7fELF", "ELF 可执行程序"),
    (b"\xfe\xed\xfa\xce", "Mach-O 可执行程序"),
    (b"\xfe\xed\xfa\xcf", "Mach-O 可执行程序"),
    (b"\xce\xfa\xed\xfe", "Mach-O 可执行程序"),
    (b"\xcf\xfa\xed\xfe", "Mach-O 可执行程序"),
    (b"\xca\xfe\xba\xbe", "Java 类文件或 Mach-O 程序"),
    (b"\x00asm", "WebAssembly 程序"),
    (b"\x1f\x8b", "gzip 压缩文件"),
    (b"\xfd7zXZ\x00", "xz 压缩文件"),
    (b"7z\xbc\xaf\x27\x1c", "7z 压缩包"),
    (b"Rar!\x1a\x07", "RAR 压缩包"),
    (b"\x28\xb5\x2f\xfd", "zstd 压缩文件"),
    (b"SQLite format 3\x00", "SQLite 数据库"),
    (b"{\\rtf", "RTF 文档（请在 Word 中另存为 .docx）"),
    (b"ID3", "MP3 音频"),
    (b"OggS", "Ogg 音视频"),
    (b"fLaC", "FLAC 音频"),
    (b"\x1aE\xdf\xa3", "Matroska/WebM 视频"),
)
_PDF = re.compile(rb"%PDF-\d")
_BZIP2 = re.compile(rb"BZh[1-9]1AY&SY")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_HTML_START = re.compile(
    r"(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title)[\s>/]",
    re.IGNORECASE | re.DOTALL,
)
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_SNIFF_BYTES = 4096

DOCUMENT_LABELS = {
    Content.PDF: "PDF 文档",
    Content.DOCX: "Word 文档（.docx）",
    Content.HTML: "网页（HTML）",
    Content.TEXT: "纯文本",
}
_SUFFIX_FOR = {Content.PDF: ".pdf", Content.DOCX: ".docx", Content.HTML: ".html"}
_HTML_SUFFIXES = frozenset({".html", ".htm"})


def sniff(data: bytes) -> Sniffed:
    """Classify ``data`` by its signature; never raises, never decompresses anything."""
    head = data[:_SNIFF_BYTES]
    if _PDF.search(data[:1024]):
        return Sniffed(Content.PDF, DOCUMENT_LABELS[Content.PDF])
    if head.startswith(_OLE):
        return Sniffed(Content.OLE, "加密的 Office 文档或旧版 .doc 文件")
    if head.startswith(_ZIP):
        return _sniff_zip(data)
    for signature, label in _SIGNATURES:
        if head.startswith(signature):
            return Sniffed(Content.OTHER, label)
    if _BZIP2.match(head):
        return Sniffed(Content.OTHER, "bzip2 压缩文件")
    if head[4:8] == b"ftyp":
        return Sniffed(Content.OTHER, "MP4/MOV 音视频")
    if head.startswith(b"RIFF") and head[8:12] in (b"WEBP", b"WAVE", b"AVI "):
        kind = {b"WEBP": "WebP 图片", b"WAVE": "WAV 音频", b"AVI ": "AVI 视频"}[head[8:12]]
        return Sniffed(Content.OTHER, kind)
    if head.startswith(b"MZ") and b"\x00" in head[:64]:
        return Sniffed(Content.OTHER, "Windows 可执行程序（.exe/.dll）")
    text = _leading_text(head)
    if text is None:
        return Sniffed(Content.UNKNOWN, "无法识别的二进制文件")
    if _HTML_START.match(text.lstrip("\ufeff \t\r\n\f")):
        return Sniffed(Content.HTML, DOCUMENT_LABELS[Content.HTML])
    return Sniffed(Content.TEXT, DOCUMENT_LABELS[Content.TEXT])


def _leading_text(head: bytes) -> str | None:
    """The start of the file as text, or None when it has NUL bytes (so is no plain text).

    UTF-16 files (with a byte-order mark) are full of NUL bytes and still text. Bytes that do
    not decode as UTF-8 are replaced here: this only looks for leading markup, which is ASCII
    in every encoding a release comes in.
    """
    if head.startswith(_UTF16_BOMS):
        return head.decode("utf-16", "replace")
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return head.decode("utf-32", "replace")
    if b"\x00" in head:
        return None
    return head.decode("utf-8", "replace")


def _sniff_zip(data: bytes) -> Sniffed:
    """A zip is Word when it holds ``word/document.xml``; only its directory is read."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except Exception:  # zipfile raises many kinds on hostile input; this is only a look
        # A truncated archive has no directory; its local headers still name the parts.
        names = {n.decode("ascii") for n in re.findall(rb"[\w\[\]]+/[\w./]+\.xml", data[:65536])}
    if "word/document.xml" in names:
        return Sniffed(Content.DOCX, DOCUMENT_LABELS[Content.DOCX])
    if "xl/workbook.xml" in names:
        return Sniffed(Content.OTHER, "Excel 表格（.xlsx）")
    if "ppt/presentation.xml" in names:
        return Sniffed(Content.OTHER, "PowerPoint 演示文稿（.pptx）")
    if data[30:38] == b"mimetype" and b"opendocument" in data[38:100]:
        return Sniffed(Content.OTHER, "OpenDocument 文档（请在 Word 中另存为 .docx）")
    return Sniffed(Content.ZIP, "ZIP 压缩包")


def choose_reader(data: bytes, filename: str) -> Reader:
    """The reader for an upload, by its content first (see the module docstring).

    Raises ``IngestError`` for an empty file, for content no reader takes (naming what it
    is), and for a name that claims another document format than the content has.
    """
    if not data or not data.strip():
        raise IngestError("文件为空（没有任何内容）。")
    found = sniff(data)
    claimed = _claimed(PurePath(filename).suffix.lower())
    if found.content is Content.OTHER or (
        found.content is Content.ZIP and claimed is not Content.DOCX
    ):
        raise IngestError(
            f"这是{found.label}（二进制文件），不是发布稿，无法读取："
            "请上传文本（.txt）、网页（.html）、Word（.docx）或 PDF 文件。"
        )
    if found.content in (Content.UNKNOWN, Content.ZIP):
        return _READER_FOR[claimed]  # the named reader refuses it in its own words
    if found.content is Content.OLE:
        return Reader.DOCX  # the Word reader explains what to do with .doc and encrypted files
    if claimed is Content.HTML and found.content is Content.TEXT:
        return Reader.HTML  # a page fragment without <html>: the name is believed
    if claimed is not Content.TEXT and claimed is not found.content:
        raise IngestError(_mismatch(claimed, found.content))
    return _READER_FOR[found.content]


_READER_FOR = {
    Content.TEXT: Reader.TEXT,
    Content.HTML: Reader.HTML,
    Content.PDF: Reader.PDF,
    Content.DOCX: Reader.DOCX,
}


def _claimed(suffix: str) -> Content:
    """The format a file name asks for; TEXT for .txt, for no suffix and for anything else."""
    if suffix in _HTML_SUFFIXES:
        return Content.HTML
    return {".pdf": Content.PDF, ".docx": Content.DOCX}.get(suffix, Content.TEXT)


def _mismatch(claimed: Content, actual: Content) -> str:
    """“Not a PDF: it is really …” in the words the format readers use for a bad file."""
    opening = {
        Content.PDF: "这不是 PDF 文件",
        Content.DOCX: "这不是有效的 .docx 文件",
        Content.HTML: "这不是网页（HTML）文件",
    }[claimed]
    rename = _SUFFIX_FOR.get(actual, ".txt")
    return (
        f"{opening}：文件名是 {_SUFFIX_FOR[claimed]}，内容其实是{DOCUMENT_LABELS[actual]}。"
        f"请确认选对了文件；如果没错，请把扩展名改为 {rename} 后重新上传。"
    )


def require_text(data: bytes, suffix: str) -> None:
    """Refuse a bulk file (``.csv``/``.jsonl``) whose bytes are a document or binary format.

    A bulk file is text by definition; decoding a PDF or a zip as one would only report a
    puzzling encoding error, or a row per line of garbage.
    """
    found = sniff(data)
    if found.content in (Content.TEXT, Content.HTML, Content.UNKNOWN):
        return  # text (or NUL bytes, which the decoder names as binary)
    raise IngestError(
        f"这个 {suffix or '批量'} 文件的内容其实是{found.label}，不是 CSV 或 JSON Lines 文本："
        "批量文件须为每行一篇的文本；单篇文档请直接上传。"
    )
