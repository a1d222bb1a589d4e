"""HTML pages → main text, without ever rendering the markup.

Government sites wrap each release in navigation, scripts and footers, and many still serve
GBK. The page's own ``<meta charset>`` is trusted when it names a real encoding that decodes
the bytes strictly; otherwise the project's detector decides. The main text comes from
trafilatura (a maintained boilerplate remover); when it finds nothing, a plain lxml walk that
drops script/style/nav/header/footer/aside is the fallback, so short pages are not lost.
"""

from __future__ import annotations

import codecs
import re

import lxml.html
import trafilatura
from lxml import etree

from documents.ingest.decode import DecodedText, decode_bytes
from documents.ingest.errors import IngestError
from documents.ingest.formats._common import Extracted, clean_title, join_paragraphs

_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE
)
# Characters XML (so lxml) cannot hold; never content in a page, but they reach us in scraped ones.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Pages that declare GBK/GB2312 routinely use characters only GB18030 (their superset) has.
_SUPERSETS = {"gbk": "gb18030", "gb2312": "gb18030", "big5": "cp950"}
_LABELS = {"gb18030": "GB18030", "cp950": "Big5", "utf-8": "UTF-8", "big5hkscs": "Big5-HKSCS"}
_DROPPED = ("script", "style", "noscript", "template", "nav", "header", "footer", "aside")
_BLOCKS = frozenset(
    {"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr", "td"}
    | {"th", "section", "article", "main", "blockquote", "pre", "dd", "dt", "dl", "br", "hr"}
    | {"caption", "figcaption", "address", "center"}
)


def extract_html(data: bytes) -> Extracted:
    """Decode an HTML page and return its main text, paragraphs kept apart."""
    decoded, warnings = _decode(data)
    markup = _NOT_XML.sub("", decoded.text)
    title = _title(markup)
    text = _with_trafilatura(markup) or _walk(markup)
    if not text:
        raise IngestError("网页中没有找到正文文字（只有脚本、样式、导航等内容）。")
    return Extracted(
        text=text,
        format="html",
        encoding=_LABELS.get(decoded.encoding, decoded.encoding_label),
        title=title,
        warnings=tuple(warnings),
    )


def _decode(data: bytes) -> tuple[DecodedText, list[str]]:
    """A byte-order mark first, then a valid ``<meta charset>``, then detection."""
    warnings: list[str] = []
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode_bytes(data), warnings
    match = _META_CHARSET.search(data[:4096])
    if match:
        declared = match.group(1).decode("ascii", "replace").lower()
        try:
            name = codecs.lookup(declared).name
        except LookupError:
            warnings.append(f"网页声明的编码“{declared}”无法识别，已自动判断编码。")
        else:
            name = _SUPERSETS.get(name, name)
            try:
                return DecodedText(data.decode(name), name, "meta", True), warnings
            except UnicodeDecodeError:
                warnings.append(f"网页声明的编码“{declared}”与内容不符，已自动判断编码。")
    decoded = decode_bytes(data)
    if not decoded.confident:
        warnings.append(f"编码判断把握不大（按 {decoded.encoding_label} 读取），请核对文字。")
    return decoded, warnings


def _without_boilerplate(markup: str):
    """The parsed page minus scripts, styles, navigation, headers, footers and asides.

    trafilatura keeps some navigation when favouring recall, so those parts go first.
    """
    root = _parse(markup)
    if root is None:
        return None
    for element in list(root.iter(*_DROPPED, etree.Comment)):
        element.drop_tree()
    return root


def _with_trafilatura(markup: str) -> str:
    root = _without_boilerplate(markup)
    if root is None:
        return ""
    text = trafilatura.extract(
        root,
        output_format="txt",
        favor_recall=True,
        include_tables=True,
        include_comments=False,
        include_images=False,
        include_links=False,
        with_metadata=False,
    )
    return join_paragraphs((text or "").splitlines())


def _parse(markup: str):
    try:
        return lxml.html.document_fromstring(markup)
    except (etree.ParserError, ValueError):
        return None


def _walk(markup: str) -> str:
    """Text of the page minus boilerplate elements, one paragraph per block element."""
    root = _without_boilerplate(markup)
    if root is None:
        return ""
    for head in root.findall("head"):
        head.drop_tree()
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.lower() in _BLOCKS:
            element.text = "\n" + (element.text or "")
            element.tail = "\n" + (element.tail or "")
    return join_paragraphs(root.text_content().splitlines())


def _title(markup: str) -> str:
    """The first ``<h1>``, else the ``<title>`` — what the page says it is called."""
    root = _parse(markup)
    if root is None:
        return ""
    for path in ("//h1", "//title"):
        for element in root.xpath(path):
            title = clean_title(element.text_content())
            if title:
                return title
    return ""
