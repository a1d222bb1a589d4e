"""Mark what matched, in the text as written, with nothing but our own ``<mark>`` unescaped.

haystack's highlighter strips tags and then wraps raw text (stored XSS once a template adds
``|safe``) and splits on spaces, which Chinese does not have. Here the text is normalised
exactly as the index normalised it (``search.core.analysis``), the phrases are found with the same
unit rules the index applies, and each hit is mapped back to the original characters, so the
marks fall on what matched whichever script or width the release was written in.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from documents.script import Script, in_script
from search.core.analysis import normalise_with_offsets, phrase_pattern, valid_unicode
from search.core.query import Phrase

SNIPPET_CHARS = 160
#: Characters a snippet's search normalises at a time (``first_spans``).
SNIPPET_SCAN = 4000


def find_spans(text: str, phrases: Iterable[Phrase]) -> list[tuple[int, int]]:
    """Where the phrases occur in ``text``, as merged ``(start, end)`` offsets of the original."""
    if not text:
        return []
    norm, where = normalise_with_offsets(text)
    spans = []
    for phrase in phrases:
        if not phrase.units:
            continue
        for match in phrase_pattern(list(phrase.units)).finditer(norm):
            if match.end() > match.start():
                spans.append((where[match.start()], where[match.end() - 1] + 1))
    return merge_spans(spans)


def first_spans(
    text: str, phrases: Iterable[Phrase], chunk: int = SNIPPET_SCAN
) -> list[tuple[int, int]]:
    """``find_spans`` over as much of ``text`` as it takes for every phrase to occur once.

    A snippet shows one window; on a section of 50,000 characters, normalising all of it to
    find every hit cost more than the rest of a search. The text is read a chunk at a time,
    each cut just after a line break (no normalisation step crosses one: whitespace runs end
    there, words do not run over it), until each phrase has a hit or the text ends.
    """
    phrases = [p for p in phrases if p.units]
    if len(text) <= chunk or not phrases:
        return find_spans(text, phrases)
    spans: list[tuple[int, int]] = []
    missing = {p.units for p in phrases}
    start = 0
    while start < len(text) and missing:
        end = _cut_after_line_break(text, start + chunk)
        piece = text[start:end]
        norm, where = normalise_with_offsets(piece)
        for phrase in phrases:
            for match in phrase_pattern(list(phrase.units)).finditer(norm):
                if match.end() > match.start():
                    spans.append((start + where[match.start()], start + where[match.end() - 1] + 1))
                    missing.discard(phrase.units)
        start = end
    return merge_spans(spans)


def _cut_after_line_break(text: str, at: int) -> int:
    """The first place at or after ``at`` that follows a line break and precedes a non-space
    character (or the end of the text)."""
    while at < len(text):
        found = text.find("\n", at - 1)
        if found < 0:
            return len(text)
        at = found + 1
        if at < len(text) and not text[at].isspace():
            return at
        at += 1
    return len(text)


def merge_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted spans with touching or overlapping ones joined."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def render(text: str, spans: list[tuple[int, int]], script: Script | str = Script.ORIGINAL) -> str:
    """Escape ``text`` and wrap each span in ``<mark>``, converting the script piece by piece."""
    text = valid_unicode(text)  # same length: the spans still fit
    out: list[str] = []
    last = 0
    for start, end in spans:
        out.append(escape(in_script(text[last:start], script)))
        out.append(f"<mark>{escape(in_script(text[start:end], script))}</mark>")
        last = end
    out.append(escape(in_script(text[last:], script)))
    return "".join(out)


def highlight(
    text: str,
    phrases: Iterable[Phrase],
    script: Script | str = Script.ORIGINAL,
    spans: list[tuple[int, int]] | None = None,
) -> SafeString:
    """The whole ``text`` with every hit marked (for headings and titles).

    ``spans``, when the search engine marked the hits itself, replaces finding them here.
    """
    if spans is None:
        spans = find_spans(text, phrases)
    return mark_safe(render(text, spans, script))  # noqa: S308 - escaped


def snippet(
    text: str,
    phrases: Iterable[Phrase],
    script: Script | str = Script.ORIGINAL,
    width: int = SNIPPET_CHARS,
    spans: list[tuple[int, int]] | None = None,
) -> SafeString:
    """A window of ``text`` around its densest cluster of hits, hits marked and whole, ends
    elided."""
    if spans is None:
        spans = first_spans(text, phrases)
    if len(text) <= width:
        return mark_safe(render(text, spans, script))  # noqa: S308 - escaped
    start = _best_window(spans, width, len(text))
    end = min(len(text), start + width)
    # A window ends on a match boundary, never inside one (<mark>营</mark>…): a match it
    # would cut is taken whole.
    for s, e in spans:
        if s < start < e:
            start = s
        if s < end < e:
            end = e
    inside = [
        (max(s, start) - start, min(e, end) - start) for s, e in spans if e > start and s < end
    ]
    body = render(text[start:end], inside, script)
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return mark_safe(prefix + body + suffix)  # noqa: S308 - escaped


def _best_window(spans: list[tuple[int, int]], width: int, length: int) -> int:
    """Start of the window that holds the most hits, with some context before the first."""
    if not spans:
        return 0
    best_start, best_count = spans[0][0], 0
    for i, (first, _end) in enumerate(spans):
        count = sum(1 for s, e in spans[i:] if e <= first + width * 3 // 4)
        if count > best_count:
            best_start, best_count = first, count
    start = max(0, best_start - width // 4)
    return max(0, min(start, length - width))
