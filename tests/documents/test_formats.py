"""HTML, DOCX and PDF extraction on real inputs built here from the seed releases.

Each bad input asserts its own message, because those messages are what an uploader reads.
No database is involved.
"""

from __future__ import annotations

import html
import io
import struct
import time
import zipfile
import zlib

import docx
import pytest

from documents.ingest.errors import IngestError
from documents.ingest.formats import EXTRACTABLE_SUFFIXES, Extracted, extract_text
from documents.ingest.formats.pdf import extract_pdf
from tests.conftest import seed_text


def seed_paragraphs(prefix: str, count: int = 4) -> list[str]:
    lines = [line.strip() for line in seed_text(prefix).splitlines() if line.strip()]
    return lines[:count]


def html_page(paragraphs: list[str], *, charset: str = "utf-8") -> str:
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs[1:])
    return f"""<!DOCTYPE html>
<html><head><meta charset="{charset}"><title>{html.escape(paragraphs[0])}_政府网站</title>
<script>var tracker = "SCRIPT_JUNK";</script><style>.x {{ color: red }}</style></head>
<body>
<nav><a href="/">NAV_JUNK 首页</a> <a href="/zwgk">政务公开</a></nav>
<header>HEADER_JUNK 市人民政府</header>
<div class="content"><h1>{html.escape(paragraphs[0])}</h1>
{body}
<script>document.write("INLINE_SCRIPT_JUNK")</script>
</div>
<aside>ASIDE_JUNK 相关链接</aside>
<footer>FOOTER_JUNK 版权所有 主办单位</footer>
</body></html>"""


def make_pdf(
    lines: list[str], *, cjk: bool = True, draw_only: bool = False, deflated: bytes = b""
) -> bytes:
    """A minimal one-page PDF written by hand; CJK text uses the predefined STSong-Light
    font with the UniGB-UCS2-H CMap, so no font file has to be embedded."""
    if draw_only:
        content = b"0 0 1 RG 2 w 100 100 200 150 re S"
    else:
        parts = [b"BT /F1 12 Tf 14 TL 50 780 Td"]
        for line in lines:
            if not line:
                parts.append(b"T*")
            elif cjk:
                parts.append(b"<" + line.encode("utf-16-be").hex().upper().encode() + b"> Tj T*")
            else:
                parts.append(b"(" + line.encode("latin-1") + b") Tj T*")
        parts.append(b"ET")
        content = b"\n".join(parts)
    if cjk:
        font = (
            b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H"
            b" /DescendantFonts [6 0 R] >>"
        )
    else:
        font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]"
        b" /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        (
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(deflated) + deflated
            if deflated
            else b"<< /Length %d >>\nstream\n" % len(content) + content
        )
        + b"\nendstream",
        font,
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light"
        b" /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >>"
        b" /FontDescriptor 7 0 R >>",
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 4"
        b" /FontBBox [0 -200 1000 900] /ItalicAngle 0 /Ascent 880 /Descent -120"
        b" /CapHeight 880 /StemV 80 >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def make_docx(paragraphs: list[str], *, title: str = "") -> bytes:
    document = docx.Document()
    document.core_properties.title = title
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "指标"
    table.cell(0, 1).text = "数值"
    table.cell(1, 0).text = "新增市场主体"
    table.cell(1, 1).text = "1.2万户"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# ---- HTML -------------------------------------------------------------------------------


def test_html_keeps_paragraphs_and_drops_junk():
    paragraphs = seed_paragraphs("000")
    result = extract_text(html_page(paragraphs).encode("utf-8"), "release.html")
    assert isinstance(result, Extracted)
    assert result.format == "html"
    assert result.encoding == "UTF-8"
    assert result.title == paragraphs[0]
    for junk in ("SCRIPT_JUNK", "NAV_JUNK", "HEADER_JUNK", "ASIDE_JUNK", "FOOTER_JUNK", "color"):
        assert junk not in result.text
    assert "<" not in result.text
    kept = result.text.split("\n\n")
    for paragraph in paragraphs[1:]:
        assert paragraph in kept


def test_html_gbk_with_meta_charset():
    paragraphs = seed_paragraphs("001")
    data = html_page(paragraphs, charset="gbk").encode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    result = extract_text(data, "release.htm")
    assert result.encoding == "GB18030"
    assert result.warnings == ()
    for paragraph in paragraphs[1:]:
        assert paragraph in result.text


def test_html_wrong_meta_charset_falls_back_to_detection():
    paragraphs = seed_paragraphs("002")
    data = html_page(paragraphs, charset="no-such-charset").encode("utf-8")
    result = extract_text(data, "release.html")
    assert result.encoding == "UTF-8"
    assert any("无法识别" in warning for warning in result.warnings)
    assert paragraphs[1] in result.text


def test_html_only_scripts():
    data = b"<html><head><script>alert('x')</script></head><body><script>1</script></body></html>"
    with pytest.raises(IngestError, match="网页中没有找到正文文字"):
        extract_text(data, "page.html")


# ---- DOCX -------------------------------------------------------------------------------


def test_docx_paragraphs_tables_and_title():
    paragraphs = seed_paragraphs("003", count=6)
    result = extract_text(make_docx(paragraphs, title="测试标题"), "release.docx")
    assert result.format == "docx"
    assert result.encoding == ""
    assert result.title == "测试标题"
    kept = result.text.split("\n\n")
    assert kept[: len(paragraphs)] == paragraphs
    assert "新增市场主体 | 1.2万户" in kept


def test_docx_random_binary():
    data = bytes(range(256)) * 20
    with pytest.raises(IngestError, match=r"不是有效的 \.docx 文件"):
        extract_text(data, "random.docx")


def test_docx_zip_bomb():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("word/media/bomb.bin", b"\0" * (20 * 1024 * 1024))
    with pytest.raises(IngestError, match="压缩炸弹"):
        extract_text(buffer.getvalue(), "bomb.docx")


def _zip_by_hand(members: list[tuple[str, bytes, bytes, int, int]]) -> bytes:
    """A zip whose headers say what the caller says: (name, raw deflated bytes, content for the
    CRC, declared size, method). How a hostile file forges a member's size."""
    out, central = bytearray(), bytearray()
    for name, raw, crc_of, declared, method in members:
        offset = len(out)
        crc = zlib.crc32(crc_of)
        encoded = name.encode()
        fields = (20, 0, method, 0, 0, crc, len(raw), declared, len(encoded), 0)
        out += b"PK\x03\x04" + struct.pack("<5H3L2H", *fields) + encoded + raw
        central += (
            b"PK\x01\x02"
            + struct.pack("<6H3L5HLL", 20, *fields[:-1], 0, 0, 0, 0, 0, offset)
            + encoded
        )
    end = struct.pack("<4H2LH", 0, 0, len(members), len(members), len(central), len(out), 0)
    return bytes(out + central + b"PK\x05\x06" + end)


def _deflated(content: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(content) + compressor.flush()


def _real_docx_members() -> dict[str, bytes]:
    document = docx.Document()
    document.add_paragraph("营商环境")
    buffer = io.BytesIO()
    document.save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _forged(document_xml: bytes, declared_from: bytes) -> bytes:
    members = []
    for name, content in _real_docx_members().items():
        if name == "word/document.xml":
            raw = _deflated(document_xml)
            members.append((name, raw, declared_from, len(declared_from), 8))
        else:
            members.append((name, _deflated(content), content, len(content), 8))
    return _zip_by_hand(members)


def test_docx_forged_size_bomb_is_measured_by_its_bytes():
    """Issue 22: document.xml declared as 1 MiB (with that MiB's CRC) inflates to 300 MiB.
    The headers pass the directory check; the bytes do not, and quickly."""
    zeros = b"\0" * (300 * 1024 * 1024)
    data = _forged(zeros, declared_from=zeros[: 1024 * 1024])
    assert len(data) < 2 * 1024 * 1024
    started = time.monotonic()
    with pytest.raises(IngestError, match=r"超过 50 MB 的上限（按实际解压出的字节计"):
        extract_text(data, "forged.docx")
    assert time.monotonic() - started < 5


def test_docx_member_larger_than_declared_is_refused_as_forged():
    real = _real_docx_members()["word/document.xml"]
    data = _forged(real + b" " * 5000, declared_from=real)
    with pytest.raises(IngestError, match=r"声明的大小.*与实际解压出的"):
        extract_text(data, "forged.docx")


def test_docx_read_from_measured_members_keeps_its_text():
    real = _real_docx_members()["word/document.xml"]
    data = _forged(real, declared_from=real)
    assert extract_text(data, "honest.docx").text == "营商环境"


def test_docx_too_many_entries():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        for number in range(2001):
            archive.writestr(f"x/{number}.xml", "")
    with pytest.raises(IngestError, match="超过上限 2000 个"):
        extract_text(buffer.getvalue(), "many.docx")


def test_docx_zip_without_document_xml():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(IngestError, match=r"没有 word/document\.xml"):
        extract_text(buffer.getvalue(), "not-word.docx")


def test_docx_ole_magic():
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
    with pytest.raises(IngestError, match=r"加密.*旧版 \.doc"):
        extract_text(data, "secret.docx")


# ---- PDF --------------------------------------------------------------------------------


def test_pdf_chinese_text():
    paragraphs = seed_paragraphs("004", count=3)
    # Keep lines short enough for one PDF line each; a blank line separates paragraphs.
    lines = [p[:30] for p in paragraphs]
    spaced = [item for line in lines for item in (line, "")]
    result = extract_text(make_pdf(spaced), "release.pdf")
    assert result.format == "pdf"
    assert result.text.split("\n\n") == lines


def test_pdf_ascii_text():
    result = extract_text(make_pdf(["Hello policy", "", "Second paragraph"], cjk=False), "a.pdf")
    assert result.text == "Hello policy\n\nSecond paragraph"


def test_pdf_without_text_layer():
    with pytest.raises(IngestError, match=r"没有文字层.*OCR"):
        extract_text(make_pdf([], draw_only=True), "scan.pdf")


def test_pdf_truncated():
    data = make_pdf(["Hello"], cjk=False)[:60]
    with pytest.raises(IngestError, match="已损坏或不完整"):
        extract_text(data, "broken.pdf")


def test_pdf_not_a_pdf():
    with pytest.raises(IngestError, match="这不是 PDF 文件"):
        extract_text(b"just some text", "fake.pdf")


def test_pdf_timeout_is_reported():
    with pytest.raises(IngestError, match=r"超过 0\.001 秒"):
        extract_pdf(make_pdf(["Hello"], cjk=False), time_limit=0.001)


def test_pdf_memory_limit_is_reported():
    """A content stream that inflates to 256 MB (a "PDF bomb") hits the child's limit."""
    bomb = zlib.compress(b" " * (256 * 1024 * 1024), 9)
    with pytest.raises(IngestError, match=r"超出内存上限"):
        extract_pdf(make_pdf([], deflated=bomb), memory_limit=128 * 1024 * 1024)


# ---- dispatch ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["empty.html", "empty.docx", "empty.pdf"])
def test_empty_file(name):
    with pytest.raises(IngestError, match="文件为空"):
        extract_text(b"", name)


def test_unsupported_suffix():
    assert {".html", ".htm", ".docx", ".pdf"} == EXTRACTABLE_SUFFIXES
    with pytest.raises(IngestError, match="不支持的文件类型"):
        extract_text(b"data", "notes.odt")


def test_the_forged_size_bomb_is_refused_within_100_mb_of_memory(tmp_path):
    """Issue 22's measure: the 1 GiB forged member, refused by a process whose peak memory
    (``ru_maxrss``) rises by less than 100 MB over what it had before the upload was read."""
    import subprocess
    import sys

    zeros = b"\0" * (1024 * 1024 * 1024)
    path = tmp_path / "forged.docx"
    path.write_bytes(_forged(zeros, declared_from=zeros[: 1024 * 1024]))
    del zeros
    script = (
        "import resource, sys, django, os\n"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'tests.settings')\n"
        "django.setup()\n"
        "from documents.ingest import IngestError\n"
        "from documents.ingest.formats import extract_text\n"
        f"data = open({str(path)!r}, 'rb').read()\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "try:\n"
        "    extract_text(data, 'forged.docx')\n"
        "except IngestError as exc:\n"
        "    message = str(exc)\n"
        "else:\n"
        "    message = 'accepted'\n"
        "after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "print((after - before) // 1024, message)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    rise_mb, message = done.stdout.strip().split(" ", 1)
    assert "超过 50 MB 的上限" in message, message
    assert int(rise_mb) < 100, f"peak memory rose by {rise_mb} MB"
    print(f"forged-size bomb: peak memory +{rise_mb} MB")  # noqa: T201 - shown with -s
