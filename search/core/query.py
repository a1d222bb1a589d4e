"""The portal's query language, parsed into plain data every backend can translate.

Users type what they would grep for. Each whitespace-separated run is a phrase that must occur
as written (after normalisation); runs are ANDed. ``"…"`` (or “…”, 「…」, 『…』) quotes a phrase
with spaces, ``OR`` joins alternatives, ``NOT x`` or ``-x`` excludes, and ``key:value`` filters
(``region: province: year: kind: speaker: from: to: topic: issuer: docno: validity:``, also in
Chinese: ``发文机关:`` ``文号:`` ``时效性:``) narrow the results.
Nothing is a wildcard: ``*`` is just a character. Parsing never fails on odd input; what it had
to ignore is reported in ``notes`` so the page can say how the query was read.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from search.core.analysis import query_units, valid_unicode

#: Longer queries are refused: Whoosh's work grows with the number of terms.
MAX_QUERY_CHARS = 500
#: At most this many phrases (positive and excluded) in one query.
MAX_PHRASES = 24

FILTER_KEYS = {
    "region": "region",
    "地区": "region",
    "城市": "region",
    "province": "province",
    "省份": "province",
    "省": "province",
    "year": "year",
    "年份": "year",
    "年": "year",
    "kind": "kind",
    "类型": "kind",
    "類型": "kind",
    "speaker": "speaker",
    "发言人": "speaker",
    "發言人": "speaker",
    "from": "from",
    "to": "to",
    "topic": "topic",
    "主题": "topic",
    "主題": "topic",
    "issuer": "issuer",
    "发文机关": "issuer",
    "發文機關": "issuer",
    "docno": "docno",
    "文号": "docno",
    "文號": "docno",
    "发文字号": "docno",
    "發文字號": "docno",
    "validity": "validity",
    "时效性": "validity",
    "時效性": "validity",
    "效力": "validity",
}
_QUOTES = {'"': '"', "“": "”", "「": "」", "『": "』", "”": "”"}
_OR = {"OR", "|"}
_NOT = {"NOT"}
_AND = {"AND", "&"}


class QueryTooLong(ValueError):
    """The query is longer than ``MAX_QUERY_CHARS``."""


@dataclass(frozen=True, slots=True)
class Phrase:
    """A run the text must contain, as typed and as normalised units."""

    text: str
    units: tuple[str, ...]

    @property
    def normalised(self) -> str:
        return "".join(self.units)


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    """An AND of OR-groups of phrases, minus excluded phrases, plus filters from the text."""

    text: str = ""
    groups: tuple[tuple[Phrase, ...], ...] = ()
    excluded: tuple[Phrase, ...] = ()
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @property
    def positive(self) -> tuple[Phrase, ...]:
        """Every phrase that can make a section match (for highlighting and ranking)."""
        return tuple(p for group in self.groups for p in group)

    @property
    def has_terms(self) -> bool:
        return bool(self.groups)


@dataclass(slots=True)
class _Token:
    text: str
    quoted: bool = False
    negated: bool = False
    key: str = ""


def parse_query(text: str) -> ParsedQuery:
    """Read the query box; raises ``QueryTooLong`` only, everything else is read leniently."""
    text = valid_unicode(unicodedata.normalize("NFKC", text or "").strip())
    if len(text) > MAX_QUERY_CHARS:
        raise QueryTooLong(
            _("查询过长（%(length)d 个字符），最多 %(limit)d 个字符。")
            % {"length": len(text), "limit": MAX_QUERY_CHARS}
        )
    notes: list[str] = []
    tokens = _tokenize(text, notes)
    groups: list[list[Phrase]] = []
    excluded: list[Phrase] = []
    filters: dict[str, list[str]] = {}
    join_next = False
    negate_next = False
    count = 0
    for index, token in enumerate(tokens):
        if not token.quoted and not token.key:
            word = token.text
            if word in _OR:
                if groups and index + 1 < len(tokens) and not negate_next:
                    join_next = True
                else:
                    notes.append(_("忽略了位置不对的 OR。"))
                continue
            if word in _NOT:
                if index + 1 < len(tokens):
                    negate_next = True
                else:
                    notes.append(_("忽略了末尾的 NOT。"))
                continue
            if word in _AND:
                continue
        if token.key:
            if token.negated or negate_next:
                notes.append(
                    _("不支持排除筛选条件（-%(key)s:），已忽略；请在左侧去掉或改选条件。")
                    % {"key": token.key}
                )
            elif join_next:
                notes.append(_("OR 不能连接筛选条件，已按“并且”处理。"))
                filters.setdefault(token.key, []).append(token.text)
            elif token.text:
                filters.setdefault(token.key, []).append(token.text)
            else:
                notes.append(_("筛选条件 %(key)s: 缺少取值，已忽略。") % {"key": token.key})
            join_next = negate_next = False
            continue
        units = tuple(query_units(token.text))
        if not units:
            continue
        if count >= MAX_PHRASES:
            notes.append(_("最多使用 %(limit)d 个词，其余已忽略。") % {"limit": MAX_PHRASES})
            break
        count += 1
        phrase = Phrase(token.text.strip(), units)
        if token.negated or negate_next:
            excluded.append(phrase)
            if join_next:
                notes.append(_("OR 不能连接排除的词，已按“并且”处理。"))
        elif join_next and groups:
            groups[-1].append(phrase)
        else:
            groups.append([phrase])
        join_next = negate_next = False
    return ParsedQuery(
        text=text,
        groups=tuple(tuple(g) for g in groups),
        excluded=tuple(excluded),
        filters={k: tuple(v) for k, v in filters.items()},
        notes=tuple(dict.fromkeys(notes)),
    )


def _tokenize(text: str, notes: list[str]) -> list[_Token]:
    """Split on whitespace, keeping quoted runs whole and reading ``-`` and ``key:`` prefixes."""
    tokens: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        token = _Token("")
        if text[i] == "-" and i + 1 < n and not text[i + 1].isspace():
            token.negated = True
            i += 1
        key_end = _filter_key_end(text, i)
        if key_end:
            token.key = FILTER_KEYS[text[i : key_end - 1].lower()]
            i = key_end
        if i < n and text[i] in _QUOTES:
            closer = _QUOTES[text[i]]
            end = text.find(closer, i + 1)
            if end < 0:
                notes.append(_("引号没有配对，已把其后的全部内容当作一个短语。"))
                end = n
            token.text, token.quoted = text[i + 1 : end], True
            i = end + 1
        else:
            start = i
            while i < n and not text[i].isspace():
                i += 1
            token.text = text[start:i]
        if token.negated and not token.text and not token.key:
            continue
        tokens.append(token)
    return tokens


def _filter_key_end(text: str, start: int) -> int:
    """If a known ``key:`` starts at ``start``, the index just after the colon, else 0."""
    colon = text.find(":", start, start + 10)
    if colon <= start:
        return 0
    return colon + 1 if text[start:colon].lower() in FILTER_KEYS else 0
