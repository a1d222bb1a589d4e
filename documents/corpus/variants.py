"""The copies of a release that staff actually upload, each with the furniture it carries.

* ``original`` — the document as its source holds it (the seed file, the saved gov.cn or gazette
  page, or title + text), no furniture added;
* ``copied`` — page text copied from a portal with its furniture (UTF-8 ``.txt``);
* ``saved`` — a saved HTML page: navigation, breadcrumb, toolbar, related links, footer, and one
  of several ways pages state their metadata (``ArticleTitle``/``PubDate``/``ContentSource``
  metas, ``og:`` tags, Dublin Core, a gov.cn 信息索引表 table, or nothing);
* ``legacy`` — a copy in the legacy encoding of its script: GB18030 for Simplified text, Big5 for
  Traditional text Big5 can hold (cp950 when only Microsoft's extension can, else no such copy).

Everything is seeded from the document id, so a build is reproducible; each variant records the
furniture lines it injected (``(family, line)``) and what its markup states (``stated``).
"""

from __future__ import annotations

import hashlib
import random
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from documents.corpus import furniture as fu
from documents.corpus.labelled import LabelledDoc

Lines = list[tuple[str, str]]


@dataclass(frozen=True, slots=True)
class Variant:
    """One uploadable file made from a labelled document."""

    doc_id: str
    name: str  # original / copied / saved / legacy
    format: str  # "txt" or "html"
    encoding: str  # how ``data`` is encoded
    data: bytes
    text: str  # ``data`` decoded: the page text or markup as written
    furniture: tuple[tuple[str, str], ...] = ()  # (family, line) injected into the page
    stated: dict[str, dict[str, str]] = field(default_factory=dict)  # metas / index table

    @property
    def filename(self) -> str:
        return f"{self.name}.{self.format}"

    def record(self, path: str) -> dict:
        """The ``variants.jsonl`` line for this variant stored at ``path``."""
        return {
            "file": path,
            "doc_id": self.doc_id,
            "variant": self.name,
            "format": self.format,
            "encoding": self.encoding,
            "furniture": [list(item) for item in self.furniture],
            "stated": self.stated,
        }


def rng_for(doc_id: str, purpose: str) -> random.Random:
    """A generator seeded by the document and the variant, never by the run."""
    digest = hashlib.sha256(f"{doc_id}:{purpose}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))  # noqa: S311 - not for secrets


def make_variants(doc: LabelledDoc, root: Path | None = None) -> list[Variant]:
    """All variants of ``doc`` (``root`` is the repository, for documents that are files)."""
    variants = [original(doc, root), copied(doc), saved(doc)]
    legacy_copy = legacy(doc)
    if legacy_copy is not None:
        variants.append(legacy_copy)
    return variants


def original(doc: LabelledDoc, root: Path | None = None) -> Variant:
    if doc.file:
        data = ((root or Path.cwd()) / doc.file).read_bytes()
        return Variant(doc.id, "original", "txt", "utf-8", data, data.decode("utf-8-sig"))
    page = doc.meta.get("original_html", "")
    if page:
        markup = (
            '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
            f"<title>{escape(doc.title)}</title></head>\n<body>\n{page}\n</body></html>\n"
        )
        return Variant(doc.id, "original", "html", "utf-8", markup.encode(), markup)
    text = "\n".join([*_title_lines(doc), *_body(doc)]) + "\n"
    return Variant(doc.id, "original", "txt", "utf-8", text.encode(), text)


def copied(doc: LabelledDoc) -> Variant:
    text, furniture = page_text(doc, rng_for(doc.id, "copied"))
    return Variant(doc.id, "copied", "txt", "utf-8", text.encode(), text, tuple(furniture))


def legacy(doc: LabelledDoc) -> Variant | None:
    text, furniture = page_text(doc, rng_for(doc.id, "legacy"))
    text = text.replace("\n", "\r\n")  # legacy files come from Windows editors
    for encoding in _legacy_encodings(doc):
        try:
            data = text.encode(encoding)
        except UnicodeEncodeError:
            continue
        return Variant(doc.id, "legacy", "txt", encoding, data, text, tuple(furniture))
    return None


def _legacy_encodings(doc: LabelledDoc) -> tuple[str, ...]:
    return ("big5", "cp950") if doc.script == "traditional" else ("gb18030",)


# --- Copied page text ----------------------------------------------------------------------------


def page_text(doc: LabelledDoc, rng: random.Random) -> tuple[str, Lines]:
    """Title and body with furniture around and inside them, as a copy from a portal looks."""
    site = fu.site_for(
        rng, traditional=doc.script == "traditional", region=doc.region, province=doc.province
    )
    furniture: Lines = []

    def put(family: str, lines: list[str]) -> list[str]:
        furniture.extend((family, line) for line in lines)
        return lines

    head: list[str] = []
    if rng.random() < 0.8:
        head += put("breadcrumb", fu.breadcrumb(rng, site))
    top = _header_blocks(rng, site, doc, put)
    before_title = top[:1] if rng.random() < 0.2 else []
    after_title = top[len(before_title) :]
    body = _with_photo_credits(rng, site, doc, _body(doc), put)
    indent = rng.choice(["", "", "\u3000\u3000", "  "])
    tail: list[str] = []
    for family, chance, make in _tail_blocks(site, doc):
        if rng.random() < chance:
            tail += put(family, make(rng))
    lines = [
        *head,
        *(line for block in before_title for line in block),
        *_title_lines(doc),
        *(line for block in after_title for line in block),
        *(indent + line for line in body),
        *tail,
    ]
    separator = rng.choice(["\n", "\n", "\n\n"])
    return separator.join(lines) + "\n", furniture


def _header_blocks(rng: random.Random, site: fu.Site, doc: LabelledDoc, put) -> list[list[str]]:
    makers = [
        ("dateline", lambda: fu.dateline(rng, site, doc.published)),
        ("toolbar", lambda: fu.toolbar(rng, site)),
        ("share", lambda: fu.share(rng, site)),
        ("source_next_line", lambda: fu.source_next_line(rng, site)),
    ]
    rng.shuffle(makers)
    blocks = [put(family, make()) for family, make in makers if rng.random() < 0.5]
    if not blocks:
        family, make = makers[0]
        blocks = [put(family, make())]
    return blocks


def _tail_blocks(site: fu.Site, doc: LabelledDoc) -> list[tuple[str, float, Callable]]:
    blocks = [
        ("editor", 0.6, lambda rng: fu.editor(rng, site)),
        ("attachments", 0.35, lambda rng: fu.attachments(rng, site)),
        ("links", 0.35, lambda rng: fu.links(rng, site)),
        ("share", 0.3, lambda rng: fu.share(rng, site)),
        ("hash", 0.5, lambda rng: fu.link_hash(rng, site)),
        ("toolbar", 0.25, lambda rng: fu.toolbar(rng, site)),
        ("title_repeat", 0.4 if doc.title else 0.0, lambda rng: [doc.title]),
        ("footer", 0.75, lambda rng: fu.footer(rng, site)),
    ]
    return blocks


def _with_photo_credits(
    rng: random.Random, site: fu.Site, doc: LabelledDoc, body: list[str], put
) -> list[str]:
    chance = 0.7 if doc.kind in ("news", "press_conference") else 0.3
    if len(body) < 3 or rng.random() >= chance:
        return body
    out = list(body)
    for _ in range(rng.randint(1, 2)):
        at = rng.randint(1, len(out) - 1)
        out[at:at] = put("photo_credit", fu.photo_credit(rng, site))
    return out


def _body(doc: LabelledDoc) -> list[str]:
    return [line.strip() for line in doc.text.splitlines() if line.strip()]


def squeeze(text: str) -> str:
    """NFKC with all whitespace removed: how titles and furniture lines are compared."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _title_lines(doc: LabelledDoc) -> list[str]:
    """The title line a page shows above the body, unless the body already opens with it."""
    if not doc.title:
        return []
    opening = squeeze("".join(_body(doc)[:4]))
    return [] if opening.startswith(squeeze(doc.title)) else [doc.title]


# --- Saved HTML page -----------------------------------------------------------------------------

_META_STYLES_S = ("article_meta", "og", "index_table", "none")
_META_STYLES_T = ("article_meta", "og", "dc", "none")


def saved(doc: LabelledDoc) -> Variant:
    rng = rng_for(doc.id, "saved")
    traditional = doc.script == "traditional"
    site = fu.site_for(rng, traditional=traditional, region=doc.region, province=doc.province)
    furniture: Lines = []

    def put(family: str, lines: list[str]) -> list[str]:
        furniture.extend((family, line) for line in lines)
        return lines

    style = rng.choice(_META_STYLES_T if traditional else _META_STYLES_S)
    metas, stated = _metas(rng, doc, site, style)
    semantic = rng.random() < 0.5
    nav_tag, foot_tag = ("nav", "footer") if semantic else ("div", "div")
    nav_items = "".join(
        f'<li><a href="/{i}/">{escape(t)}</a></li>'
        for i, t in enumerate(put("nav", fu.nav(rng, site)))
    )
    crumb = put("breadcrumb", fu.breadcrumb(rng, site))[0]
    info = put("dateline", fu.dateline(rng, site, doc.published))[0]
    tools = put("toolbar", fu.toolbar(rng, site))[0]
    body = _with_photo_credits(rng, site, doc, _body(doc), put)
    paragraphs = "\n".join(f"<p>{escape(line)}</p>" for line in body)
    title = "".join(f"<h1>{escape(t)}</h1>" for t in _title_lines(doc))
    after = []
    for family, chance, make in _tail_blocks(site, doc):
        if family != "footer" and rng.random() < chance:
            after.append(
                f'<div class="{family}">'
                + "".join(f"<p>{escape(x)}</p>" for x in put(family, make(rng)))
                + "</div>"
            )
    foot = "".join(f"<p>{escape(x)}</p>" for x in put("footer", fu.footer(rng, site)))
    table = _index_table(stated.get("index_table", {}))
    markup = f"""<!DOCTYPE html>
<html lang="{"zh-Hant" if traditional else "zh-CN"}"><head>
<meta charset="{{charset}}">
<title>{escape(doc.title or site.owner)}_{escape(site.owner)}</title>
{metas}
<link rel="stylesheet" href="/css/style.css"><script src="/js/jquery.min.js"></script>
</head><body>
<{nav_tag} class="nav"><div class="logo">{escape(site.owner)}</div><ul>{nav_items}</ul></{nav_tag}>
<div class="crumb">{escape(crumb)}</div>
{table}
<div class="article">
{title}
<div class="info">{escape(info)}</div>
<div class="tools">{escape(tools)}</div>
<div class="content" id="zoom">
{paragraphs}
</div>
{"".join(after)}
</div>
<{foot_tag} class="footer">{foot}</{foot_tag}>
<script>var _hmt = _hmt || []; window.onload = function () {{ share.init(); }};</script>
</body></html>
"""
    charset, encoding = _html_encoding(rng, doc, markup)
    markup = markup.replace("{charset}", charset)
    data = markup.encode(encoding)
    return Variant(doc.id, "saved", "html", encoding, data, markup, tuple(furniture), stated)


def _html_encoding(rng: random.Random, doc: LabelledDoc, markup: str) -> tuple[str, str]:
    """(declared charset, codec): most pages are UTF-8, older ones GBK or Big5."""
    if rng.random() < 0.6:
        return "utf-8", "utf-8"
    options = (
        [("big5", "big5"), ("big5", "cp950")]
        if doc.script == "traditional"
        else [("gb2312", "gb18030"), ("gbk", "gb18030"), ("GB18030", "gb18030")]
    )
    for charset, codec in options:
        try:
            markup.encode(codec)
        except UnicodeEncodeError:
            continue
        return charset, codec
    return "utf-8", "utf-8"


def _metas(
    rng: random.Random, doc: LabelledDoc, site: fu.Site, style: str
) -> tuple[str, dict[str, dict[str, str]]]:
    published = doc.published if len(doc.published) == 10 else ""
    if style == "article_meta":
        tags = {
            "ArticleTitle": doc.title,
            "PubDate": f"{published} 09:30" if published else "",
            "ContentSource": site.outlet,
        }
    elif style == "og":
        tags = {"og:title": doc.title, "og:site_name": site.owner, "og:type": "article"}
    elif style == "dc":
        tags = {"DC.Title": doc.title, "DC.Date": published, "DC.Publisher": site.owner}
    elif style == "index_table":
        return "", {"index_table": _index_values(rng, doc)}
    else:
        return "", {}
    tags = {k: v for k, v in tags.items() if v}
    attr = "property" if style == "og" else "name"
    html = "\n".join(f'<meta {attr}="{k}" content="{escape(v)}">' for k, v in tags.items())
    return html, {"meta": tags}


def _index_values(rng: random.Random, doc: LabelledDoc) -> dict[str, str]:
    def cn(day: str) -> str:
        if len(day) != 10:
            return ""
        return f"{day[:4]}年{day[5:7]}月{day[8:]}日" if rng.random() < 0.7 else day

    year = (doc.published or doc.written or "2020")[:4]
    values = {
        "索引号": doc.meta.get("index_no")
        or f"{rng.randint(10**8, 10**9 - 1):09d}/{year}-{rng.randint(1, 999):05d}",
        "主题分类": doc.meta.get("subject", ""),
        "发文机关": doc.issuer,
        "成文日期": cn(doc.written),
        "标题": doc.title,
        "发文字号": doc.doc_number,
        "发布日期": cn(doc.published),
    }
    return values


def _index_table(values: dict[str, str]) -> str:
    if not values:
        return ""
    order = list(values.items())
    rows = []
    pairs = [order[0:2], order[2:4], order[4:5], order[5:7]]
    for pair in pairs:
        span = ' colspan="3"' if len(pair) == 1 else ""
        cells = "".join(
            f"<td><b>{escape(label)}：</b></td><td{span}>{escape(value)}</td>"
            for label, value in pair
        )
        rows.append(f"<tr>{cells}</tr>")
    return f'<table class="bd1">\n<tbody>{"".join(rows)}</tbody>\n</table>'
