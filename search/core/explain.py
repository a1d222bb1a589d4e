"""Say in words how a query was read, and what to try when nothing matched.

A reader who sees why a section matched (or why nothing did) trusts the results and can fix
the query: the phrases it became after normalisation, how they combine, which filters and
scopes apply, and anything the parser had to ignore.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from search.core.analysis import policy_words
from search.core.query import Phrase
from search.core.request import URL_FILTERS, Scope, SearchRequest, Within
from search.core.topic_expansion import describe_expansions


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A link to a broader search, with the reason to try it."""

    label: str
    params: dict[str, list[str]]


def _quote(phrase: Phrase) -> str:
    return f"「{phrase.normalised}」"


def describe(request: SearchRequest) -> list[str]:
    """Sentences describing what the search looks for."""
    parsed = request.query
    lines: list[str] = []
    if parsed.groups:
        parts = [(_(" 或 ")).join(_quote(p) for p in group) for group in parsed.groups]
        where = _("标题") if request.scope == Scope.TITLE else _("段落（小标题和正文）")
        joined = _(" 并且 ").join(f"（{p}）" if " " in p else p for p in parts)
        lines.append(
            _("查找%(where)s中含有 %(terms)s 的内容。") % {"where": where, "terms": joined}
        )
    if parsed.excluded:
        lines.append(
            _("排除含有 %(terms)s 的段落。") % {"terms": "、".join(map(_quote, parsed.excluded))}
        )
    changed = [p for p in (*parsed.positive, *parsed.excluded) if p.normalised != p.text.lower()]
    if changed:
        pairs = "、".join(f"「{p.text}」→{_quote(p)}" for p in changed)
        lines.append(
            _("已统一字形：%(pairs)s（简繁体、全角半角、大小写视为相同）。") % {"pairs": pairs}
        )
    if request.within == Within.SENTENCE and len(parsed.groups) > 1:
        lines.append(_("所有词须出现在同一句话中。"))
    if request.filters.answers_only:
        lines.append(_("只搜答问中的回答。"))
    for key, values in parsed.filters.items():
        shown = "、".join(request.labels.get(v, v) for v in values)
        lines.append(_("查询中的筛选 %(key)s：%(values)s。") % {"key": key, "values": shown})
    lines.extend(describe_expansions(request.expansions))
    lines.extend(parsed.notes)
    lines.extend(request.notes)
    return lines


def suggestions(request: SearchRequest, params: dict[str, list[str]]) -> list[Suggestion]:
    """Broader searches worth offering when a search found nothing."""
    found: list[Suggestion] = []
    base = {k: list(v) for k, v in params.items() if k != "page"}
    if any(k in base for k in (*URL_FILTERS, "answers")):
        only_query = {k: v for k, v in base.items() if k in {"q", "scope", "within", "sort"}}
        found.append(Suggestion(_("去掉所有筛选条件"), only_query))
    if request.within == Within.SENTENCE:
        found.append(Suggestion(_("改为同一段落内"), {**base, "within": ["section"]}))
    if request.scope == Scope.TITLE:
        found.append(Suggestion(_("改为搜全文"), {**base, "scope": ["fulltext"]}))
    groups = request.query.groups
    if len(groups) > 1:
        any_of = " OR ".join(_query_text(p) for group in groups for p in group)
        found.append(Suggestion(_("任一词出现即可"), {**base, "q": [any_of]}))
    for group in groups:
        for phrase in group:
            words = [w for w in policy_words(phrase.text) if len(w) > 1]
            if len(words) > 1:
                split = " ".join(words)
                found.append(
                    Suggestion(
                        _("把「%(phrase)s」拆成词：%(words)s")
                        % {"phrase": phrase.text, "words": split},
                        {**base, "q": [request.query.text.replace(phrase.text, split, 1)]},
                    )
                )
    return found


def _query_text(phrase: Phrase) -> str:
    return f'"{phrase.text}"' if any(ch.isspace() for ch in phrase.text) else phrase.text
