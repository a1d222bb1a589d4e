"""Hypothesis strategies for hostile input: any Unicode, any bytes, and near-miss documents.

Pure noise rarely reaches the interesting branches of a parser, so most strategies splice
real release lines (the seeds) with the markers the parsers look for (numbering, Q&A heads,
bylines, dates, markup) and with noise: the inputs that break parsers are the almost-valid ones.
"""

from __future__ import annotations

import codecs
import io
import zipfile
from functools import cache

from hypothesis import strategies as st

from tests.conftest import SEED_FILES

#: Every code point, lone surrogates and unassigned ones included.
ANY_CHAR = st.characters(exclude_categories=())
any_text = st.text(ANY_CHAR, max_size=200)
#: Characters a release can really hold (what a strict decoder or a browser can produce).
VALID_CHAR = st.characters(exclude_categories=("Cs",))

MARKERS = (
    "一、",
    "（一）",
    "(二)",
    "1.",
    "1、",
    "（1）",
    "①",
    "一是",
    "第一，",
    "●",
    "■",
    "记者问答",
    "答记者问：",
    "现场提问",
    "新华社记者提问：",
    "记者：",
    "问：",
    "答：",
    "提问：",
    "市发展改革委主任张三：",
    "副市长 李四：",
    "各位代表：",
    "同志们！",
    "来源：",
    "作者：",
    "责任编辑：",
    "（记者 王五）",
    "本报讯（记者 赵六）",
    "2024年5月6日",
    "2024-05-06 10:00",
    "9月3日",
    "2099年",
    "1899年",
    "0000年00月00日",
    "发布时间：",
    "【打印本页】",
    "返回顶部",
    "字号：大 中 小",
    "image001.jpg",
    "免责声明：",
    "国务院",
    "甘肃省",
    "张掖市",
    "朝阳区",
    "内蒙古自治区",
    "香港特别行政区",
    "吉林省吉林市",
    "政府工作报告",
    "新闻发布会",
    "：",
    ":",
    "。",
    "，",
    "——",
    "“",
    "”",
    "《",
    "》",
    "(",
    "）",
    "\u200b",
    "\ufeff",
    "\u3000",
    "\u00a0",
    "\u2028",
    "\x00",
    "\x0b",
    "\x1c",
    "\ud800",
    "\udfff",
    "𠀀",
    "ß",
    "ﬁ",
    "Ⅻ",
    "①②③",
    "ｶﾞ",
    "A\u0301",
    "\u0301",
    "發展",
    "臺灣",
    "萬",
)
SEPARATORS = ("\n", "\n\n", "\r\n", "\r", " ", "", "\t", "\u2029", "\n\n\n")


@cache
def seed_lines() -> tuple[str, ...]:
    """Every non-blank line of the seed releases, as written."""
    lines = []
    for path in SEED_FILES:
        lines.extend(line for line in path.read_text("utf-8").splitlines() if line.strip())
    return tuple(lines)


@st.composite
def release_text(draw: st.DrawFn, *, surrogates: bool = True) -> str:
    """Lines of real releases, markers and noise, joined by assorted line breaks."""
    alphabet = ANY_CHAR if surrogates else VALID_CHAR
    piece = st.one_of(
        st.sampled_from(seed_lines()),
        st.sampled_from(MARKERS if surrogates else [m for m in MARKERS if not _lone(m)]),
        st.text(alphabet, max_size=40),
        st.builds(
            lambda marker, line: marker + line,
            st.sampled_from(MARKERS[:30]),
            st.sampled_from(seed_lines()),
        ),
    )
    lines = draw(st.lists(piece, max_size=30))
    separators = draw(
        st.lists(st.sampled_from(SEPARATORS), min_size=len(lines), max_size=len(lines))
    )
    return "".join(line + sep for line, sep in zip(lines, separators, strict=True))


def _lone(text: str) -> bool:
    return any("\ud800" <= ch <= "\udfff" for ch in text)


ENCODINGS = ("utf-8", "utf-8-sig", "gb18030", "gbk", "big5", "cp950", "utf-16", "utf-32", "latin-1")


@st.composite
def encoded(draw: st.DrawFn, text: st.SearchStrategy[str]) -> bytes:
    """``text`` in some encoding (unencodable characters replaced), maybe damaged."""
    value = draw(text)
    encoding = draw(st.sampled_from(ENCODINGS))
    data = value.encode(encoding, "replace" if encoding != "utf-8" else "surrogatepass")
    return draw(damaged(data))


@st.composite
def damaged(draw: st.DrawFn, data: bytes) -> bytes:
    """``data`` as is, truncated, with bytes flipped, or with a BOM or junk glued on."""
    how = draw(st.sampled_from(("as-is", "truncate", "flip", "prefix", "suffix")))
    if how == "truncate" and data:
        return data[: draw(st.integers(0, len(data) - 1))]
    if how == "flip" and data:
        out = bytearray(data)
        for _ in range(draw(st.integers(1, 8))):
            out[draw(st.integers(0, len(out) - 1))] = draw(st.integers(0, 255))
        return bytes(out)
    if how == "prefix":
        boms = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE)
        return draw(st.one_of(st.sampled_from(boms), st.binary(max_size=8))) + data
    if how == "suffix":
        return data + draw(st.binary(max_size=16))
    return data


any_bytes = st.one_of(
    st.binary(max_size=400),
    encoded(release_text()),
    encoded(any_text),
)

HTML_PIECES = (
    "<!DOCTYPE html>",
    "<html>",
    "</html>",
    "<head>",
    "</head>",
    "<body>",
    "</body>",
    '<meta charset="gbk">',
    "<meta charset='x-unknown-42'>",
    '<meta charset="utf-16">',
    '<meta http-equiv="Content-Type" content="text/html; charset=big5">',
    "<title>",
    "</title>",
    "<h1>",
    "</h1>",
    "<p>",
    "</p>",
    "<br>",
    "<div>",
    "</div>",
    "<table><tr><td>",
    "</td></tr>",
    "<script>",
    "</script>",
    "<style>",
    "</style>",
    "<nav>",
    "</nav>",
    "<footer>",
    "<!--",
    "-->",
    "<![CDATA[",
    "]]>",
    "&#0;",
    "&#xD800;",
    "&#1114112;",
    "&amp;",
    "&nbsp;",
    "&",
    "<",
    ">",
    "<?xml version='1.0'?>",
    "<svg onload=alert(1)>",
    "<iframe src=x>",
    "<p <p <p",
    '"',
    "'",
    "<" * 50,
    "<div>" * 200,
)


@st.composite
def html_bytes(draw: st.DrawFn) -> bytes:
    """Markup soup around release lines, in one of the encodings pages are served in."""
    pieces = draw(
        st.lists(
            st.one_of(st.sampled_from(HTML_PIECES), st.sampled_from(seed_lines()), any_text),
            max_size=40,
        )
    )
    text = "".join(pieces)
    encoding = draw(st.sampled_from(("utf-8", "gb18030", "big5", "utf-16", "latin-1")))
    return draw(damaged(text.encode(encoding, "replace")))


ZIP_NAMES = (
    "word/document.xml",
    "[Content_Types].xml",
    "_rels/.rels",
    "word/_rels/document.xml.rels",
    "word/styles.xml",
    "docProps/core.xml",
    "../../etc/passwd",
    "/abs.xml",
    "word/",
    "",
)
XML_PIECES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">',
    "<w:body>",
    "</w:body>",
    "<w:p>",
    "</w:p>",
    "<w:r>",
    "<w:t>",
    "</w:t>",
    "</w:r>",
    "</w:document>",
    "<!DOCTYPE x [<!ENTITY a 'aaaa'><!ENTITY b '&a;&a;&a;&a;'>]>",
    "&b;",
    "<Types/>",
    "<Relationships/>",
    "\x00",
    "<<",
    "营商环境",
)


@st.composite
def zip_bytes(draw: st.DrawFn) -> bytes:
    """Zip archives with Word-like (or wrong) parts holding XML-like (or random) bytes."""
    buffer = io.BytesIO()
    method = draw(st.sampled_from((zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)))
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name in draw(st.lists(st.sampled_from(ZIP_NAMES), max_size=6, unique=True)):
            body = draw(
                st.one_of(
                    st.binary(max_size=200),
                    st.lists(st.sampled_from(XML_PIECES), max_size=20).map(
                        lambda parts: "".join(parts).encode()
                    ),
                )
            )
            archive.writestr(name or "noname", body)
    return draw(damaged(buffer.getvalue()))


@cache
def real_docx() -> bytes:
    from tests.documents.test_formats import make_docx, seed_paragraphs

    return make_docx(seed_paragraphs("002", count=5), title="标题")


@cache
def real_pdf() -> bytes:
    from tests.documents.test_formats import make_pdf, seed_paragraphs

    return make_pdf([p[:20] for p in seed_paragraphs("001", count=3)])


docx_bytes = st.one_of(
    zip_bytes(), st.binary(max_size=300), st.deferred(lambda: damaged(real_docx()))
)
pdf_bytes = st.one_of(
    st.binary(max_size=300).map(lambda tail: b"%PDF-1.4\n" + tail),
    st.deferred(lambda: damaged(real_pdf())),
)
