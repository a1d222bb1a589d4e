"""Raw text → the release's own paragraphs, with web-page furniture set aside.

Releases arrive copied from web pages: download buttons, font-size widgets, "back to top"
links, image file names with their captions, site disclaimers, and lines of page metadata
(date, source, author, editor). This stage keeps the document's paragraphs, drops the
furniture, and keeps what is metadata (captions, bylines, datelines) for the next stage.
Rules describe how such pages are built, not any one site.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from documents.ingest import patterns as pt
from documents.ingest.errors import require_unicode
from documents.ingest.furniture import Family, classify
from documents.ingest.issuers import ORGAN
from documents.ingest.site_lines import edge_indices, line_key
from documents.script import fold_aligned

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACE = " \t\u3000\u00a0\u2002\u2003\u2009\u202f"

# Words that, alone or together on a line, are page widgets rather than content.
_WIDGET = re.compile(
    r"""^(?:
        立即下载|点击下载|下载(?:附件|全文|文档)?|点击查看全文|查看全文|阅读全文|展开全文|全文阅读
        |回首页|返回首页|首页|返回|返\s*回|回顶部|返回顶部|顶部|TOP|top|Top
        |打印(?:本页|此页|文章)?|关闭(?:窗口|本页|页面)?|收藏(?:本页)?|纠错|我要纠错
        |分享(?:到|至)?|扫一扫|手机扫一扫|扫一扫在手机打开当前页|用手机扫描二维码|二维码
        |微信|微博|QQ空间|QQ好友|朋友圈|新浪微博|腾讯微博
        |字号|字体|大|中|小|默认|特大|超大|增大|减小|A\+|A-|A
        |上一篇|下一篇|上一条|下一条|相关阅读|相关新闻|相关链接|相关文章|延伸阅读|推荐阅读
        |网站地图|联系我们|无障碍|无障碍浏览|长者模式|关怀版|适老化|English
        |【|】|\||/|·
    )[:：]?$""",
    re.VERBOSE,
)
_WIDGET_PREFIX = re.compile(
    r"^(?:浏览次数|阅读次数|访问量|点击数|点击量|阅读量|浏览量|浏览人次|访问人次|点阅次数|点阅|人气|"
    r"当前位置|您的位置|您现在的位置|"
    r"上一篇|下一篇|分享到|分享至|字号|字体)[:：]"
)
_DATE_TOKEN = re.compile(
    r"^(?:\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?|\d{1,2}:\d{2}(?::\d{2})?|"
    r"(?:发布|发表|更新|成文|印发|发稿|公开|生成)?(?:时间|日期)[:：].*)$"
)
_KEY_NAMES = (
    r"来源|稿源|信息来源|文章来源|新闻来源|资料来源|照片来源|图片来源|出处|作者|撰稿|撰文|文|文字|图文|记者|通讯员|"
    r"责任编辑|责编|编辑|网络编辑|值班编辑|审核|审校|校对|主编|编审|终审|初审|复审|摄影|图|供图|"
    r"发布机构|发布单位|发布者|发布人|信息提供|供稿|提供单位|发稿单位|承办单位|发布机关|"
    r"发文机关|发文单位|制定机关|发文字号|发文文号|文号|发文日期|成文日期|印发日期"
)
_KEY_VALUE = re.compile(rf"^[(（\[【]?\s*({_KEY_NAMES})\s*[:：]\s*(.+?)\s*[)）\]】]?$")
# A key whose value the page put on the next line (``来源：`` ⏎ ``某某日报``).
_KEY_ONLY = re.compile(
    rf"^[(（\[【]?\s*({_KEY_NAMES}|发布时间|发布日期|时间|日期)\s*[:：]?\s*[)）\]】]?$"
)
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+")
_MARKUP_COMMENT = re.compile(r"^<!--.*-->$")
_BYLINE = re.compile(r"^[(（]\s*(记者|通讯员|实习生|本报记者|特约记者)\s+([^()（）]{2,40})[)）]$")
_TRAILING_BYLINE = re.compile(r"[(（]\s*(记者|通讯员|本报记者)\s+([^()（）]{2,30})[)）]\s*$")
_LEAD_BYLINE = re.compile(
    r"^(?P<outlet>[^\s，,。(（]{2,20}?)(?:讯|电)\s*[(（]\s*(?:记者|通讯员)\s*(?P<who>[^()（）]{2,30})[)）]"
)
_IMAGE_NAME = re.compile(r"^\S.{0,120}?\.(?:jpe?g|png|gif|bmp|webp|tiff?|svg)$", re.IGNORECASE)
_DISCLAIMER = re.compile(
    r"^[(（【]?\s*(?:免责声明|版权声明|特别声明|郑重声明|声明[:：]|本网站?(?:转载|转自|所载)|"
    r"本文(?:转载|转自|来源于网络)|转载请注明|凡本网注明|如涉及作品内容、版权|本作品(?:来自|是|在|采用|依据)|"
    r"注[:：]\s*\S{0,12}(?:维基|wiki))",
    re.IGNORECASE,
)
# Licence templates of wiki exports, flattened to words: "Public domain Public domain false false".
_LICENCE_LINE = re.compile(
    r"^(?:(?:public\s+domain|pd-\S+|cc[- ]by(?:[- ][a-z]{2})*(?:[- ][\d.]+)?|gfdl|true|false)"
    r"\s*)+$",
    re.IGNORECASE,
)
_ROLES = {
    "来源": "source",
    "稿源": "source",
    "信息来源": "source",
    "文章来源": "source",
    "出处": "source",
    "新闻来源": "source",
    "资料来源": "source",
    "照片来源": "caption",
    "图片来源": "caption",
    "发布机构": "source",
    "发布单位": "source",
    "发布者": "source",
    "发稿单位": "source",
    "承办单位": "source",
    "发布机关": "issuer",
    "发文机关": "issuer",
    "发文单位": "issuer",
    "制定机关": "issuer",
    "发文字号": "doc_number",
    "发文文号": "doc_number",
    "文号": "doc_number",
    "发文日期": "written",
    "成文日期": "written",
    "印发日期": "written",
    "发布人": "source",
    "信息提供": "source",
    "供稿": "source",
    "提供单位": "source",
    "文字": "author",
    "图文": "author",
    "网络编辑": "editor",
    "值班编辑": "editor",
    "终审": "editor",
    "初审": "editor",
    "复审": "editor",
    "作者": "author",
    "撰稿": "author",
    "撰文": "author",
    "文": "author",
    "记者": "author",
    "通讯员": "author",
    "责任编辑": "editor",
    "责编": "editor",
    "编辑": "editor",
    "审核": "editor",
    "审校": "editor",
    "校对": "editor",
    "主编": "editor",
    "编审": "editor",
    "摄影": "photo",
    "图": "photo",
    "供图": "photo",
}
_TERMINAL = "。！？!?…；;：:”」』）)"
_OPENING_PUNCT = "，,。、；;：:）)》」』”？！?!"
_OPEN_ENDINGS = "《“「『（(【〔，,、"
_CAPTION_MAX = 80


@dataclass(frozen=True, slots=True)
class CleanedText:
    """The document's paragraphs and the page metadata found around them."""

    paragraphs: tuple[str, ...]
    captions: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    editors: tuple[str, ...] = ()
    datelines: tuple[str, ...] = ()
    removed: tuple[str, ...] = field(default=(), repr=False)
    # An official document's own fields printed as lines (发文机关：, 发文字号：, 发文日期：).
    issuers: tuple[str, ...] = ()
    doc_numbers: tuple[str, ...] = ()
    written: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """Paragraphs one per line: the canonical stored form of a release's body."""
        return "\n".join(self.paragraphs)


def normalise_line(line: str) -> str:
    """Strip invisible characters and edge whitespace (including ideographic spaces)."""
    return line.translate(_INVISIBLE).strip(_SPACE + "\r\n")


def clean_text(raw: str, site_lines: frozenset[str] = frozenset()) -> CleanedText:
    """Split raw text into paragraphs, set aside furniture and metadata lines.

    ``site_lines`` are keys (``site_lines.line_key``) of lines the release's site prints around
    every document, learnt from a bulk file; they go wherever they stand at the edges.
    """
    require_unicode(raw)
    state = _Collector()
    raw_lines = raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if site_lines:
        raw_lines = _without_site_lines(raw_lines, site_lines, state)
    # A line holding only invisible characters (a stray zero-width space) is no paragraph
    # break: drop it so the lines around it can still join.
    lines = [
        None if line is None else _without_markup(normalise_line(line))
        for line in raw_lines
        if line is None or not _only_invisible(line)
    ]
    for block in _join_soft_wraps(_drop_furniture(lines, state)):
        state.add_paragraph(block)
    state.finish()
    return state.result()


class _Collector:
    """Accumulates paragraphs and metadata while lines are classified."""

    def __init__(self) -> None:
        self.paragraphs: list[str] = []
        self.meta: dict[str, list[str]] = {
            "caption": [],
            "source": [],
            "author": [],
            "editor": [],
            "dateline": [],
            "photo": [],
            "issuer": [],
            "doc_number": [],
            "written": [],
        }
        self.removed: list[str] = []

    def note(self, role: str, value: str) -> None:
        value = value.strip(_SPACE)
        if value and value not in self.meta[role]:
            self.meta[role].append(value)

    def add_paragraph(self, text: str) -> None:
        if self.paragraphs and _same(self.paragraphs[-1], text):
            self.removed.append(text)  # a paragraph repeated back-to-back
            return
        if len(self.paragraphs) <= 3 and self.paragraphs and _same(self.paragraphs[0], text):
            self.removed.append(text)  # the title repeated under the page header
            return
        self.paragraphs.append(text)

    def finish(self) -> None:
        if self.paragraphs:
            first = self.paragraphs[0]
            match = _LEAD_BYLINE.match(fold_aligned(first))
            if match:
                self.note("source", first[match.start("outlet") : match.end("outlet")])
                self.note("author", first[match.start("who") : match.end("who")])
            last = self.paragraphs[-1]
            trailing = _TRAILING_BYLINE.search(fold_aligned(last))
            if trailing and trailing.start() > 0:
                self.note("author", trailing.group(2))
                self.paragraphs[-1] = last[: trailing.start()].rstrip(_SPACE)

    def result(self) -> CleanedText:
        return CleanedText(
            paragraphs=tuple(p for p in self.paragraphs if p),
            captions=tuple(self.meta["caption"]),
            sources=tuple(self.meta["source"]),
            authors=tuple(self.meta["author"]),
            editors=tuple(self.meta["editor"]),
            datelines=tuple(self.meta["dateline"]),
            removed=tuple(self.removed),
            issuers=tuple(self.meta["issuer"]),
            doc_numbers=tuple(self.meta["doc_number"]),
            written=tuple(self.meta["written"]),
        )


def _without_site_lines(
    lines: list[str], site_lines: frozenset[str], state: _Collector
) -> list[str | None]:
    """Blank the edge lines the site repeats around every record (same edges as counted)."""
    kept: list[str | None] = list(lines)
    for i in edge_indices(lines):
        if line_key(lines[i]) in site_lines:
            state.removed.append(lines[i].strip())
            kept[i] = None
    return kept


def _without_markup(line: str) -> str:
    """Markdown heading marks and markup comments are layout, not words (a ``.md`` upload)."""
    if _MARKUP_COMMENT.match(line):
        return ""
    return _MARKDOWN_HEADING.sub("", line)


def _drop_furniture(lines: list[str | None], state: _Collector) -> list[str | None]:
    """Return lines with furniture replaced by ``None``; metadata goes to ``state``.

    ``None`` ends a paragraph like a blank line but is not one: a page whose furniture is
    taken out must not look like a document written with blank lines between paragraphs.
    """
    kept: list[str] = []
    expect_caption = False
    in_disclaimer = False
    pending_key = ""
    for line in lines:
        if line is None:  # taken out already (a site line)
            kept.append(None)
            continue
        if not line:
            kept.append("")  # a blank line of the document's own
            in_disclaimer = False
            continue
        folded = fold_aligned(line)
        if pending_key:
            key, pending_key = pending_key, ""
            if _is_short_value(line) and len(line) <= 30 and not _looks_like_date_key(key):
                state.note(_ROLES.get(key, "source"), line)
                kept.append(None)
                continue
            if _looks_like_date_key(key) and _DATE_TOKEN.match(folded.split()[0]):
                state.note("dateline", line)
                kept.append(None)
                continue
        key_only = _KEY_ONLY.match(folded)
        if key_only:
            state.removed.append(line)
            pending_key = key_only.group(1)
            kept.append(None)
            continue
        family = classify(folded)
        if family is Family.CREDIT:
            state.note("caption", line)
            kept.append(None)
            continue
        if family is not None:
            state.removed.append(line)
            kept.append(None)
            continue
        if in_disclaimer or _DISCLAIMER.match(folded) or _LICENCE_LINE.match(line):
            # The disclaimer runs to the next blank line; an editor's line under it still counts.
            if not (in_disclaimer and _take_metadata_line(line, folded, state)):
                state.removed.append(line)
            in_disclaimer = True
            kept.append(None)
            continue
        if _IMAGE_NAME.match(line):
            state.removed.append(line)
            expect_caption = True
            kept.append(None)
            continue
        if expect_caption:
            expect_caption = False
            if len(line) <= _CAPTION_MAX and not _is_widget_line(folded):
                state.note("caption", line)
                kept.append(None)
                continue
        if _is_signature_date(folded, kept) or not _take_metadata_line(line, folded, state):
            kept.append(line)
        else:
            kept.append(None)
    return kept


_SIGNATURE_DATE = re.compile(r"^[(（]?\s*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*[)）]?$")


def _is_signature_date(folded: str, kept: list[str]) -> bool:
    """The date under an issuer's name that closes a document (成文日期): content, not page data."""
    previous = next((line for line in reversed(kept) if line), "")
    return bool(_SIGNATURE_DATE.match(folded)) and bool(ORGAN.match(fold_aligned(previous)))


def _take_metadata_line(line: str, folded: str, state: _Collector) -> bool:
    """Recognise widget, dateline, byline and key:value lines; record what they carry.

    Patterns are tested on the folded line (so Traditional pages match too); values are
    cut from the line as written.
    """
    if _is_widget_line(folded):
        state.removed.append(line)
        return True
    byline = _BYLINE.match(folded)
    if byline:
        state.note("author", line[byline.start(2) : byline.end(2)])
        return True
    if len(line) > 120:
        return False
    line, folded = _without_widget_groups(line, folded)
    if not folded.strip():
        state.removed.append(line)
        return True
    line, folded = _split_run_on_keys(line, folded)
    tokens = list(zip(_tokens(line), _tokens(folded), strict=False))
    if not tokens:
        return False
    roles: list[tuple[str, str]] = []
    for token, folded_token in tokens:
        kv = _KEY_VALUE.match(folded_token)
        if _EMPTY_KEY.match(folded_token):
            roles.append(("widget", token))  # ``作者：`` with nothing after it
        elif kv and _is_short_value(kv.group(2)):
            roles.append((_ROLES.get(kv.group(1), "source"), token[kv.start(2) : kv.end(2)]))
        elif _DATE_TOKEN.match(folded_token):
            roles.append(("dateline", token))
        elif _WIDGET.match(folded_token) or _WIDGET_PREFIX.match(folded_token):
            roles.append(("widget", token))
        else:
            return False
    if all(role == "widget" for role, _ in roles):
        state.removed.append(line)
        return True
    dates = [value for role, value in roles if role == "dateline"]
    if dates:
        state.note("dateline", " ".join(dates))
    for role, value in roles:
        if role not in {"dateline", "widget"}:
            state.note(role, value)
    return True


_RUN_ON_KEYS = sorted(
    {
        *_KEY_NAMES.split("|"),
        *(
            f"{verb}{noun}"
            for verb in ("", "发布", "发稿", "更新", "成文", "公开")
            for noun in ("时间", "日期")
        ),
        "浏览次数",
        "点击数",
        "浏览人次",
    },
    key=len,
    reverse=True,
)  # longest first, so 信息来源 is one key and not 信息 + 来源
_NEXT_KEY = re.compile(rf"((?:{'|'.join(_RUN_ON_KEYS)})[:：])")
_EMPTY_KEY = re.compile(rf"^({_KEY_NAMES})[:：]$")
_BRACKET_GROUP = re.compile(r"[\[【]([^\[\]【】]{0,40})[\]】]")


def _without_widget_groups(line: str, folded: str) -> tuple[str, str]:
    """Take out bracketed controls (``[ 打印 ]``, ``【字体：大 中 小】``) from a page-info line.

    Both forms are cut at the same offsets while the folded twin keeps the line's length.
    """
    if len(line) != len(folded):
        return line, folded
    spans = [
        m.span()
        for m in _BRACKET_GROUP.finditer(folded)
        if _is_widget_line(m.group(1)) or re.fullmatch(r"[\s#]*", m.group(1))
    ]
    for start, end in reversed(spans):
        line = line[:start] + " " + line[end:]
        folded = folded[:start] + " " + folded[end:]
    return line, folded


def _looks_like_date_key(key: str) -> bool:
    return key in {"发布时间", "发布日期", "时间", "日期"}


def _only_invisible(line: str) -> bool:
    return bool(line.strip(_SPACE)) and not normalise_line(line)


def _is_short_value(value: str) -> bool:
    """A byline value is a name or an outlet, not a sentence (``记者:请问……`` is a question)."""
    return len(value) <= 30 and not any(ch in value for ch in "，,。？?！!；;")


def _is_widget_line(line: str) -> bool:
    compact = re.sub(r"\s+", "", line)
    if _WIDGET.match(compact) or (_WIDGET_PREFIX.match(compact) and len(compact) <= 40):
        return True
    parts = [p for p in re.split(r"[\s【】\[\]|｜/]+", line) if p]
    return bool(parts) and all(_WIDGET.match(p) for p in parts)


def _tokens(line: str) -> list[str]:
    """Split a page-info line into tokens, keeping 'key: value' pairs together."""
    line = re.sub(r"([:：])\s+", r"\1", line)
    return [t for t in re.split(r"[\s|｜]+", line) if t]


def _split_run_on_keys(line: str, folded: str) -> tuple[str, str]:
    """A space before each key run on to the previous value, in both twins at the same place."""
    if len(line) != len(folded):
        return line, folded
    for match in reversed(list(_NEXT_KEY.finditer(folded))):
        at = match.start(1)
        if at == 0 or folded[at - 1].isspace() or not re.search(r"[:：]", folded[:at]):
            continue  # the line's first key (编辑 inside 责任编辑:) is not run on to anything
        line, folded = f"{line[:at]} {line[at:]}", f"{folded[:at]} {folded[at:]}"
    return line, folded


def _join_soft_wraps(lines: list[str | None]) -> list[str]:
    """Rebuild paragraphs from lines.

    Documents separated by blank lines (most lines followed by one) wrap paragraphs softly
    inside a block, so a line that does not end a sentence runs on into the next. Documents
    written one paragraph per line keep every line, except where the break falls inside a
    sentence: after an opening bracket or a comma, or before closing punctuation.
    """
    blocks: list[list[str]] = [[]]
    written_blocks = 0  # blocks the document's own blank lines make (removed lines make none)
    in_block = False
    for line in lines:
        if line:
            blocks[-1].append(line)
            written_blocks += not in_block
            in_block = True
        else:
            if blocks[-1]:
                blocks.append([])
            in_block = in_block and line is None
    blocks = [b for b in blocks if b]
    if not blocks:
        return []
    lines_total = sum(len(b) for b in blocks)
    blank_separated = written_blocks >= 3 and written_blocks >= 0.4 * lines_total
    paragraphs: list[str] = []
    for block in blocks:
        current = block[0]
        for line in block[1:]:
            continues = (
                line[0] in _OPENING_PUNCT
                or current[-1] in _OPEN_ENDINGS
                or (blank_separated and current[-1] not in _TERMINAL)
            ) and not pt.SALUTATION.match(fold_aligned(line))  # ``各位代表：`` stands alone
            if continues:
                current = _glue(current, line)
            else:
                paragraphs.append(current)
                current = line
        paragraphs.append(current)
    return paragraphs


def _glue(left: str, right: str) -> str:
    """Join two fragments; a space only where two Latin letters or digits would touch."""
    if left[-1].isascii() and left[-1].isalnum() and right[0].isascii() and right[0].isalnum():
        return f"{left} {right}"
    return left + right


def _same(a: str, b: str) -> bool:
    return _squash(a) == _squash(b)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
