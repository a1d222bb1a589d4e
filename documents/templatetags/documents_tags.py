"""Template helpers for figures: how a figure reads, and section text with its figure sentences.

A figure links to its sentence, so the release page wraps every sentence that holds a figure
in an element with that id (``<span id="p3-s120">``); ``:target`` styling then shows the
reader which sentence the number came from, in whichever script the page is shown.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from documents import pinyin
from documents.comparison import figure_label as _figure_label
from documents.english import is_english
from documents.figures.measures import Measure
from documents.models import Figure
from documents.script import in_script
from documents.topics import thesaurus

register = template.Library()

_OPEN = "\ue000"
_CLOSE = "\ue001"
_PARAGRAPHS = re.compile(r"\n{2,}")


@register.filter
def measure_label(measure: Measure) -> str:
    """``{{ measure|measure_label }}``: the measure's name in the interface's language."""
    return measure.label_en if is_english() else measure.label


@register.filter
def measure_unit(measure: Measure) -> str:
    """``{{ measure|measure_unit }}``: the unit a measure is charted in, in English on the
    English pages where it has an English name (working days, 10,000 yuan)."""
    return measure.unit_en if is_english() and measure.unit_en else measure.base_unit


@register.filter
def conversion_rules(rules: list[tuple[str, str]]) -> str:
    """``{{ chart.rules|conversion_rules }}``: the conversions a chart used, in the
    interface's language, joined as the language joins a list."""
    if is_english():
        return "; ".join(english or chinese for chinese, english in rules)
    return "；".join(chinese for chinese, _ in rules)


@register.filter
def topic_name(topic: object, script: str) -> str:
    """``{{ topic|topic_name:script }}``: the thesaurus name, in English on the English pages
    where the thesaurus gives one, else in the reader's script."""
    return _topic_text(topic, "name", script)


@register.filter
def topic_description(topic: object, script: str) -> str:
    """``{{ topic|topic_description:script }}``, as ``topic_name``."""
    return _topic_text(topic, "description", script)


def _topic_text(topic: object, field: str, script: str) -> str:
    chinese = str(getattr(topic, field, "") or "")
    if is_english():
        entry = thesaurus().get(str(getattr(topic, "slug", "")))
        english = getattr(entry, f"{field}_en", "") if entry else ""
        if english:
            return english
    return in_script(chinese, script)


@register.filter
def pinyin_key(name: str) -> str:
    """``{{ region.name|pinyin_key }}``: the pinyin forms the region picker filters on."""
    return pinyin.search_key(name)


@register.filter
def figure_label(figure: Figure) -> str:
    """``{{ figure|figure_label }}``: the figure with its bound, as the sentence says it."""
    return _figure_label(figure)


@register.simple_tag
def section_text(text: str, figures: Iterable[Figure], anchor: str, script: str) -> SafeString:
    """The section's text as paragraphs, each figure sentence in a ``span`` with its id."""
    text = (text or "").replace(_OPEN, "").replace(_CLOSE, "")
    spans = sorted({(f.sentence_start, f.sentence_end) for f in figures})
    kept: list[tuple[int, int]] = []
    for start, end in spans:
        if 0 <= start < end <= len(text) and (not kept or start >= kept[-1][1]):
            kept.append((start, end))
    marked = text
    for start, end in reversed(kept):
        marked = marked[:start] + _OPEN + marked[start:end] + _CLOSE + marked[end:]
    shown = escape(in_script(marked, script))
    ids = iter(f"{anchor}-s{start}" for start, _end in kept)
    shown = re.sub(_OPEN, lambda _m: f'<span class="fig-sentence" id="{next(ids)}">', shown)
    shown = shown.replace(_CLOSE, "</span>")
    paragraphs = _PARAGRAPHS.split(shown.replace("\r\n", "\n").replace("\r", "\n").strip("\n"))
    html = "\n\n".join(f"<p>{p.replace(chr(10), '<br>')}</p>" for p in paragraphs)
    return mark_safe(html)  # noqa: S308 - every piece of text was escaped above
