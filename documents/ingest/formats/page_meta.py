"""What an HTML page states about itself, read from the markup before any text heuristic.

Government CMSes publish a release's metadata three ways, and all three beat guessing from the
text:

- ``<meta>`` tags: ``ArticleTitle``, ``PubDate``, ``ContentSource``, ``Author``, ``ColumnName``
  (the TRS/Hanweb family used by most portals), Open Graph (``og:title``, ``og:url``,
  ``article:published_time``) and ``<link rel="canonical">``;
- gov.cn's 信息索引表 and the provincial variants of it: label/value pairs (``索 引 号：`` |
  ``000014349/2019-00007``) laid out as table cells, ``dt``/``dd`` or list items, labels spaced
  out (``发 文 字 号``), in either script, with either colon;
- the furniture line over the content (``2024-01-02 10:00 来源：新华社 【字体：大 中 小】``).

Those blocks are metadata, not sections, so :func:`read_page_meta` takes them out of the tree
it reads, and :func:`strip_meta_lines` removes what a text extractor still lets through. A block
is recognised by its shape — short, made of known labels with their values, nothing else — never
by a site's class names alone; a single ``来源：`` pair counts only above the content or in an
element whose class or id says it holds page information.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields, replace
from typing import NamedTuple

from lxml import etree

from documents.ingest.formats._common import clean_title
from documents.ingest.furniture import is_widget_row
from documents.ingest.hints import PageHints
from documents.script import fold, fold_aligned


def _labels(words: str, name: str) -> dict[str, str]:
    return dict.fromkeys(words.split(), name)


#: Labels of metadata pairs (folded, unspaced) → the ``PageHints`` field they fill; ``""`` marks
#: a label we recognise (so its row is metadata and is removed) but whose value we do not keep.
LABELS: dict[str, str] = {
    **_labels("索引号 信息索引号 索引", "index_no"),
    **_labels("主题分类 信息分类 主题类别", "subject"),
    **_labels(
        "发文机关 发布机构 发文单位 发布机关 发文机构 制发机关 发布单位 制定机关 制发单位 成文单位",
        "issuer",
    ),
    **_labels("成文日期 生成日期 成文时间 印发日期 发文日期", "written"),
    **_labels("标题 文件名称 名称 文件标题", "title"),
    **_labels("发文字号 文号 发文文号 文件编号 发文号", "doc_number"),
    **_labels("发布日期 公开日期 发布时间 公布日期 发表时间", "published"),
    **_labels("更新日期 更新时间 最后更新 最后更新日期", "updated"),
    **_labels("有效性 时效性 效力状态 效力 时效 有效状态", "validity"),
    **_labels("信息来源 来源 文章来源 稿件来源 消息来源 资讯来源 资料来源", "source"),
    **_labels("作者 撰稿", "author"),
    **_labels("责任编辑 编辑 责编", "editor"),
    **_labels("体裁分类 信息类别 所属栏目 栏目 文种", "category"),
    **_labels(
        "主题词 关键词 关键字 公开方式 公开范围 公开形式 组配分类 实施日期 施行日期 废止日期 "
        "失效日期 统一编号 登记号 公开主体 浏览次数 点击数 阅读次数 访问次数 字号 字体 "
        # Page counters, as mainland and Taiwan sites label them (點閱次數, 瀏覽人次).
        "点击量 阅读量 浏览量 访问量 点阅次数 点阅数 浏览人次 访问人次 人气",
        "",
    ),
}

_LABEL_ALT = "|".join(
    r"\s*".join(map(re.escape, label)) for label in sorted(LABELS, key=len, reverse=True)
)
# A chunk that is only a label (its value is in the next cell): ``索 引 号：``, ``【文号】``.
_LABEL_ONLY = re.compile(rf"^\s*[\[【(]?\s*(?P<label>{_LABEL_ALT})\s*(?P<mark>[\]】)]?\s*:?)\s*$")
# A label with its value after it, several to a line: ``发布时间：2024-01-02 来源：新华社``.
_LABEL_INLINE = re.compile(rf"[\[【]?\s*(?P<label>{_LABEL_ALT})\s*(?:[\]】]\s*:?|:)")
# An unlabelled date on the furniture line (``2024-01-02 10:00 来源：…``) is the publication date.
_BARE_DATE = re.compile(
    r"^\s*\d{4}\s*[-/.年]\s*\d{1,2}(?:\s*[-/.月]\s*\d{1,2}\s*日?)?"
    r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?\s*$"
)
_VALUE_LEAD = re.compile(r"^[\s:：|｜丨】\]]+")
_VALUE_TAIL = re.compile(r"[\s|｜丨【\[(（]+$")

#: A block of several pairs may hold this many characters the pairs do not explain (stray
#: words like 扫一扫); more, and it is content that happens to contain a label.
UNCLAIMED_MAX = 20
#: Metadata blocks are short: gov.cn's 信息索引表 with a long title is ~300 characters.
BLOCK_MAX = 1500
#: A single ``来源：…`` pair stands alone on a line this short.
SINGLE_MAX = 100
#: A value longer than this is prose, not a stated field.
VALUE_MAX = 200
#: Paragraphs of more than this many characters are content: single pairs above the first are
#: page furniture.
CONTENT_MIN = 50
#: How many leading paragraphs of extracted text may hold a lone furniture pair.
TOP_PARAGRAPHS = 6

_INFO_CLASS = re.compile(r"info|source|date|time|author|editor|laiyuan|meta|xxgk", re.IGNORECASE)
_SKIPPED = frozenset({"script", "style", "noscript", "template", "head", "title", "meta", "link"})
_BREAKS = frozenset(
    {"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tbody", "thead"}
    | {"tr", "td", "th", "section", "article", "main", "header", "footer", "aside", "nav"}
    | {"blockquote", "pre", "dd", "dt", "dl", "br", "hr", "caption", "center", "address"}
)
_NOT_TITLES = ("nav", "footer", "aside")

# <meta> names (lowercase) in order of preference for each field; titles are chosen apart.
_META_FIELDS: dict[str, tuple[str, ...]] = {
    "published": ("pubdate", "article:published_time", "publishdate", "publishdatetime"),
    "source": ("contentsource", "sitename", "og:site_name"),
    "author": ("author", "article:author"),
    "category": ("columnname", "columntype", "article:section"),
    "url": ("og:url",),
}
_META_TITLES = ("articletitle", "og:title")


@dataclass(frozen=True, slots=True)
class PageMeta:
    """What the page states: hints (title still open) and the titles it offers, best first."""

    hints: PageHints
    titles: tuple[str, ...] = ()

    def with_title(self, text: str) -> PageHints:
        """The hints with the title chosen against the extracted ``text``."""
        return replace(self.hints, title=choose_title(self.titles, text))


class _Pair(NamedTuple):
    key: str  # the label as folded and unspaced; "" for an unlabelled date
    name: str  # the PageHints field, "" for a label whose value is not kept
    value: str
    marked: bool  # the label carried a colon or brackets


@dataclass(slots=True)
class _Reading:
    """Pairs read from a run of text chunks, and how much text they did not explain."""

    pairs: list[_Pair] = field(default_factory=list)
    unclaimed: int = 0

    def is_block(self) -> bool:
        """Several labelled values and nothing else: an index table or a furniture line.

        A header row of a table of documents (发布日期 | 文号 | 标题) has labels but no values.
        """
        labels = {pair.key for pair in self.pairs if pair.key}
        filled = sum(1 for pair in self.pairs if pair.key and pair.value)
        return len(labels) >= 2 and filled >= 2 and self.unclaimed <= UNCLAIMED_MAX

    def is_single(self) -> bool:
        """One pair with a colon (``来源：某某日报``), perhaps a bare date, and nothing else."""
        labelled = [pair for pair in self.pairs if pair.key]
        if len(labelled) != 1 or self.unclaimed:
            return False
        return labelled[0].marked and len(labelled[0].value) <= SINGLE_MAX


def read_page_meta(root: etree._Element) -> PageMeta:
    """Read the page's own metadata and remove its metadata blocks from ``root`` (in place)."""
    meta = _meta_tags(root)
    titles: list[str] = []
    found: dict[str, str] = {}
    for element, reading in _metadata_blocks(root):
        for pair in reading.pairs:
            if pair.name and pair.value and pair.name not in found:
                found[pair.name] = pair.value
        _drop(element)
    if found.get("title"):
        titles.append(found.pop("title"))
    titles += [meta[name] for name in _META_TITLES if meta.get(name)]
    titles += _headings(root)
    stated = {name: _first(meta, names) for name, names in _META_FIELDS.items()}
    canonical = _canonical(root)
    if canonical:
        stated["url"] = canonical
    hints = PageHints(**{f.name: found.get(f.name, "") for f in fields(PageHints)})
    hints = hints.merged(PageHints(**{k: v for k, v in stated.items() if v}))
    return PageMeta(hints, tuple(dict.fromkeys(t for t in titles if t)))


def choose_title(candidates: Iterable[str], text: str) -> str:
    """The stated title that opens the text, else the most authoritative one.

    Candidates come best first (信息索引表 标题, ArticleTitle, og:title, ``<h1>``). When they
    disagree the one the text itself starts with wins; a candidate that is part of a better
    one (a site name in a logo ``<h1>``) is never chosen over it.
    """
    kept: list[str] = []
    for candidate in candidates:
        squeezed = _squeeze(candidate)
        if len(squeezed) < 4 or any(squeezed in _squeeze(k) for k in kept):
            continue
        kept.append(candidate)
    if not kept:
        return ""
    opening = _squeeze(text[:3000])
    for candidate in kept:
        if _squeeze(candidate) in opening:
            return candidate
    return kept[0]


def strip_meta_lines(text: str) -> str:
    """``text`` without the index-table rows and furniture pairs an extractor kept.

    Text extractors write table rows as cells joined by ``|``; a line that reads as a metadata
    block goes wherever it is, a lone ``来源：…`` pair only among the first paragraphs.
    """
    paragraphs = []
    for number, paragraph in enumerate(text.split("\n\n")):
        top = number < TOP_PARAGRAPHS
        lines = [line for line in paragraph.split("\n") if not _is_meta_line(line, top=top)]
        if lines:
            paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


def _is_meta_line(line: str, *, top: bool) -> bool:
    reading = _read(re.split(r"\s*[|｜]\s*", line))
    return reading.is_block() or (top and reading.is_single())


# ---- metadata blocks in the tree ---------------------------------------------------------------


def _metadata_blocks(root: etree._Element) -> Iterator[tuple[etree._Element, _Reading]]:
    """The outermost elements that hold only metadata pairs, in document order."""
    body = root.find("body")
    if body is None:
        body = root
    content_at = _first_content_position(body)
    stack = [body]
    position = {id(e): n for n, e in enumerate(body.iter())}
    while stack:
        element = stack.pop()
        if element is not body and len(element.text_content()) <= BLOCK_MAX:
            reading = _read(_chunks(element))
            single = reading.is_single() and (
                position.get(id(element), 0) < content_at or _says_info(element)
            )
            if reading.pairs and (reading.is_block() or single):
                yield element, reading
                continue
        stack.extend(
            child
            for child in reversed(element)
            if isinstance(child.tag, str) and child.tag not in _SKIPPED
        )


def _first_content_position(body: etree._Element) -> int:
    """Document position of the first element carrying a paragraph of content."""
    for number, element in enumerate(body.iter()):
        if not isinstance(element.tag, str) or element.tag in _SKIPPED:
            continue
        for piece in (element.text, element.tail):
            if piece and len(piece.strip()) >= CONTENT_MIN:
                return number
    return 1 << 30


def _says_info(element: etree._Element) -> bool:
    for node in (element, *element.iterancestors()):
        label = f"{node.get('class', '')} {node.get('id', '')}"
        if _INFO_CLASS.search(label):
            return True
    return False


def _chunks(element: etree._Element) -> Iterator[str]:
    """The element's text as cells: one chunk per block or cell, inline markup kept together."""
    if not any(
        isinstance(d.tag, str) and (d.tag in _BREAKS or d.tag in _SKIPPED)
        for d in element.iterdescendants()
    ):
        yield element.text_content()
        return
    if element.text:
        yield element.text
    for child in element:
        if isinstance(child.tag, str) and child.tag not in _SKIPPED:
            yield from _chunks(child)
        if child.tail:
            yield child.tail


def _read(chunks: Iterable[str]) -> _Reading:
    """Pair labels with values: in the same chunk after a colon, or in the next chunk."""
    reading = _Reading()
    pending: _Pair | None = None  # a label whose value is in the next chunk
    for raw in chunks:
        chunk = " ".join(raw.split())
        if not chunk or is_widget_row(fold(chunk)):
            continue
        folded = fold_aligned(chunk)
        only = _LABEL_ONLY.match(folded)
        if only:
            if pending:
                reading.pairs.append(pending)
            key = _key(only.group("label"))
            pending = _Pair(key, LABELS[key], "", bool(only.group("mark").strip()))
            continue
        inline = list(_LABEL_INLINE.finditer(folded))
        if pending and not (inline and inline[0].start() == 0):
            reading.pairs.append(pending._replace(value=_value(chunk)))
            pending = None
            continue
        if pending:
            reading.pairs.append(pending)
            pending = None
        if not inline:
            _unlabelled(reading, chunk)
            continue
        _unlabelled(reading, chunk[: inline[0].start()])
        ends = [m.start() for m in inline[1:]] + [len(chunk)]
        for match, end in zip(inline, ends, strict=True):
            key = _key(match.group("label"))
            reading.pairs.append(_Pair(key, LABELS[key], _value(chunk[match.end() : end]), True))
    if pending:
        reading.pairs.append(pending)
    return reading


def _unlabelled(reading: _Reading, text: str) -> None:
    """Text outside any pair: a bare date is the publication date, the rest is unexplained."""
    text = text.strip(" 【】[]|｜丨")
    if not text:
        return
    if _BARE_DATE.match(text):
        reading.pairs.append(_Pair("", "published", text, False))
    else:
        reading.unclaimed += len(text)


def _key(label: str) -> str:
    return re.sub(r"\s+", "", label)


def _value(text: str) -> str:
    value = _VALUE_TAIL.sub("", _VALUE_LEAD.sub("", " ".join(text.split())))
    return value if len(value) <= VALUE_MAX else ""


def _drop(element: etree._Element) -> None:
    """Remove a metadata block, keeping the text that follows it."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    element.tail = None
    previous = element.getprevious()
    if tail and tail.strip():
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


# ---- meta tags and headings --------------------------------------------------------------------


def _meta_tags(root: etree._Element) -> dict[str, str]:
    """``<meta>`` name/property (lowercase) → content, first occurrence kept."""
    found: dict[str, str] = {}
    for meta in root.iter("meta"):
        name = (meta.get("name") or meta.get("property") or meta.get("itemprop") or "").strip()
        content = " ".join((meta.get("content") or "").split())
        if name and content:
            found.setdefault(name.lower(), content)
    return found


def _first(meta: dict[str, str], names: tuple[str, ...]) -> str:
    return next((meta[name] for name in names if meta.get(name)), "")


def _canonical(root: etree._Element) -> str:
    for link in root.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        if "canonical" in rel and (link.get("href") or "").strip():
            return link.get("href").strip()
    return ""


def _headings(root: etree._Element) -> list[str]:
    """Text of the ``<h1>`` elements outside navigation, footers and asides."""
    titles = []
    for heading in root.iter("h1"):
        if any(a.tag in _NOT_TITLES for a in heading.iterancestors()):
            continue
        title = clean_title(heading.text_content())
        if title:
            titles.append(title)
    return titles


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
