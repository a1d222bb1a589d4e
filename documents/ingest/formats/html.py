"""HTML pages → main text, without ever rendering the markup.

Government sites wrap each release in navigation, scripts and footers, and many still serve
GBK. The page's own ``<meta charset>`` is trusted when it names a real encoding that decodes
the bytes strictly; otherwise the project's detector decides. The main text comes from
trafilatura (a maintained boilerplate remover); when it finds nothing, a plain lxml walk that
drops script/style/nav/header/footer/aside is the fallback, so short pages are not lost.

Before either runs, the page's own metadata (meta tags, the 信息索引表, the ``来源：`` line) is
read into ``PageHints`` and its blocks are taken out of the tree (``page_meta``): they are
metadata, not the release's first paragraphs.
"""

from __future__ import annotations

import codecs
import copy
import re

import lxml.html
import trafilatura
from lxml import etree

from documents.ingest.decode import DecodedText, decode_bytes
from documents.ingest.errors import IngestError
from documents.ingest.formats._common import Extracted, clean_title, join_paragraphs
from documents.ingest.formats.page_meta import PageMeta, read_page_meta, strip_meta_lines
from documents.ingest.hints import NO_HINTS

_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE
)
# Characters XML (so lxml) cannot hold; never content in a page, but they reach us in scraped ones.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# lxml refuses a str that still carries an XML declaration with an encoding; the bytes are decoded.
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
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
    """Decode an HTML page and return its main text, paragraphs kept apart, and its hints."""
    decoded, warnings = _decode(data)
    markup = _XML_DECLARATION.sub("", _NOT_XML.sub("", decoded.text), count=1)
    root = _parse(markup)
    fallback_title = _page_title(root)
    page = read_page_meta(root) if root is not None else PageMeta(NO_HINTS)
    text = ""
    if root is not None:
        text = _with_trafilatura(copy.deepcopy(root)) or _walk(copy.deepcopy(root))
        text = strip_meta_lines(text)
    if not text:
        raise IngestError("网页中没有找到正文文字（只有脚本、样式、导航等内容）。")
    hints = page.with_title(text)
    return Extracted(
        text=text,
        format="html",
        encoding=_LABELS.get(decoded.encoding, decoded.encoding_label),
        title=hints.title or fallback_title,
        warnings=tuple(warnings),
        hints=hints,
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


def _without_boilerplate(root):
    """The parsed page minus scripts, styles, navigation, headers, footers and asides.

    trafilatura keeps some navigation when favouring recall, so those parts go first. Layout
    tables become plain blocks, or trafilatura would write a whole release as one table cell.
    """
    for element in list(root.iter(*_DROPPED, etree.Comment)):
        element.drop_tree()
    for table in list(root.iter("table")):
        _unwrap_layout_table(table)
    return root


def _unwrap_layout_table(table) -> None:
    """Turn a table used for page layout into divs; tables of data stay tables.

    Old portals (gov.cn's policy pages among them) place the content in a one-column table, or
    nest tables inside cells; a table of figures has several cells to a row and no tables inside.
    """
    rows = table.xpath("./tr | ./*[self::thead or self::tbody or self::tfoot]/tr")
    cells = [row.xpath("./td | ./th") for row in rows]
    nested = any(True for _ in table.iterdescendants("table"))
    if not nested and any(len(row) > 1 for row in cells):
        return
    for element in [table, *table.xpath("./thead | ./tbody | ./tfoot"), *rows]:
        element.tag = "div"
    for row in cells:
        for cell in row:
            cell.tag = "div"


def _with_trafilatura(root) -> str:
    root = _without_boilerplate(root)
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


def _walk(root) -> str:
    """Text of the page minus boilerplate elements, one paragraph per block element."""
    root = _without_boilerplate(root)
    for head in root.findall("head"):
        head.drop_tree()
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.lower() in _BLOCKS:
            element.text = "\n" + (element.text or "")
            element.tail = "\n" + (element.tail or "")
    return join_paragraphs(root.text_content().splitlines())


def _page_title(root) -> str:
    """The ``<title>`` when the page states no better one (often suffixed with the site name)."""
    if root is None:
        return ""
    for element in root.iter("title"):
        title = _without_site_name(clean_title(element.text_content()))
        if title:
            return title
    return ""


# ``标题_中国政府网``, ``标题 - 某某市人民政府``: the site's name after a separator.
_SITE_SUFFIX = re.compile(r"^(?P<title>.{4,}?)\s*(?:_|\||｜|\s-\s|\s—\s)\s*[^_|｜]{2,30}$")


def _without_site_name(title: str) -> str:
    match = _SITE_SUFFIX.match(title)
    return match.group("title").strip() if match else title
