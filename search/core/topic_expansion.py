"""Topics in a search: the ``topic:`` filter and the "include synonyms" switch.

A topic of the thesaurus (``fixtures/topics.yaml``) is its terms, so ``topic:企业开办`` asks for
sections containing any of them: one more AND-group of phrases, checked exactly like typed
phrases (the same sections the import tagged, highlighted where the term stands). With
synonyms switched on, a typed phrase that is a thesaurus term is widened to all terms of its
topic. Either way the page lists what was added, so a reader sees why a section matched.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.utils.translation import gettext as _

from documents.topics import Topic, thesaurus
from search.core.analysis import query_units
from search.core.query import ParsedQuery, Phrase


class UnknownTopic(ValueError):
    """A ``topic`` value that names no topic of the thesaurus."""


@dataclass(frozen=True, slots=True)
class Expansion:
    """What a topic added to a search: from which word or filter, which topic, which terms."""

    source: str
    slug: str
    name: str
    terms: tuple[str, ...]
    is_filter: bool


def phrase(term: str) -> Phrase:
    """A thesaurus term as a query phrase."""
    return Phrase(term, tuple(query_units(term)))


def find_topic(value: str) -> Topic | None:
    """The topic a user means by a slug, a name or any of its terms (either script)."""
    return thesaurus().find(value)


def with_topics(
    parsed: ParsedQuery, topic_values: list[str], synonyms: bool
) -> tuple[ParsedQuery, tuple[Expansion, ...], dict[str, str]]:
    """``parsed`` with topic filters as groups and, if asked, typed terms widened."""
    groups = [list(group) for group in parsed.groups]
    expansions: list[Expansion] = []
    labels: dict[str, str] = {}
    if synonyms:
        for group in groups:
            for typed in list(group):
                topic = thesaurus().topic_of_term(typed.text)
                if topic is None:
                    continue
                have = {p.normalised for p in group}
                added = [t for t in topic.expansion if phrase(t).normalised not in have]
                if added:
                    group.extend(phrase(t) for t in added)
                    expansions.append(
                        Expansion(typed.text, topic.slug, topic.name, tuple(added), False)
                    )
    for value in topic_values:
        topic = find_topic(value)
        if topic is None:
            raise UnknownTopic(
                _("没有找到主题 “%(value)s”；可用的主题见“主题”页。") % {"value": value[:40]}
            )
        labels[value] = _("主题：%(name)s") % {"name": topic.name}
        groups.append([phrase(t) for t in topic.expansion])
        expansions.append(Expansion(value, topic.slug, topic.name, topic.expansion, True))
    widened = replace(parsed, groups=tuple(tuple(g) for g in groups))
    return widened, tuple(expansions), labels


def describe_expansions(expansions: tuple[Expansion, ...]) -> list[str]:
    """One sentence per expansion, for the page's "how the query was read"."""
    lines = []
    for e in expansions:
        terms = _(" 或 ").join(f"「{t}」" for t in e.terms)
        if e.is_filter:
            lines.append(
                _("主题「%(name)s」：段落须含有 %(terms)s 之一。")
                % {"name": e.name, "terms": terms}
            )
        else:
            lines.append(
                _("已扩展同义词（主题「%(name)s」）：「%(source)s」也匹配 %(terms)s。")
                % {"name": e.name, "source": e.source, "terms": terms}
            )
    return lines
