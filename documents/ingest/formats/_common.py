"""What every format extractor returns, kept apart so the extractors need not import each other."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from documents.ingest.hints import NO_HINTS, PageHints

_SPACES = re.compile(r"[ \t\u00a0\u3000]+")


@dataclass(frozen=True, slots=True)
class Extracted:
    """Plain text taken out of an uploaded document, ready for ``parse_text``.

    ``text`` holds paragraphs separated by blank lines; ``encoding`` is a human label
    (``"GB18030"``) for formats that carry one, else ``""``; ``title`` is the title the
    document declares about itself (``""`` when none), to be used only as a hint;
    ``hints`` holds the rest of what the document states about itself (an HTML page's meta
    tags and 信息索引表).
    """

    text: str
    format: str
    encoding: str = ""
    title: str = ""
    warnings: tuple[str, ...] = ()
    hints: PageHints = NO_HINTS


def join_paragraphs(paragraphs: Iterable[str]) -> str:
    """Strip each paragraph's lines, drop empty ones, and separate paragraphs by a blank line."""
    kept = []
    for paragraph in paragraphs:
        lines = [_SPACES.sub(" ", line).strip() for line in paragraph.splitlines()]
        text = "\n".join(line for line in lines if line)
        if text:
            kept.append(text)
    return "\n\n".join(kept)


def clean_title(title: str | None) -> str:
    """One line, no runs of spaces; ``""`` for a missing title."""
    return _SPACES.sub(" ", " ".join((title or "").split())).strip()
