"""Lines a site prints around every document, learnt from the documents of one bulk file.

A portal's export repeats its own furniture — the site's name, a slogan, a column, a notice
about the page — at the head or foot of every record, in words no list could foresee. Read
together, the records give it away: a short line found at the edge of many of them is the
site's, not the document's. Numbered headings, salutations (``各位代表：``) and title-shaped
lines (``政府工作报告``) repeat too, by genre, and are never taken.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

from documents.ingest import patterns as pt
from documents.script import fold

#: How many lines at each edge of a record are looked at: furniture sits at the edges.
EDGE_LINES = 8
#: A repeated line must be in at least this many records and this share of them.
MIN_RECORDS = 3
MIN_SHARE = 0.3
_MAX_LENGTH = 40


def line_key(line: str) -> str:
    """The form lines are compared in: folded, without any whitespace."""
    return re.sub(r"\s+", "", fold(unicodedata.normalize("NFKC", line)))


def edge_indices(lines: list[str]) -> list[int]:
    """Positions of the non-empty lines at the head and the foot of a record."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    return filled[:EDGE_LINES] + filled[EDGE_LINES:][-EDGE_LINES:]


def edge_lines(text: str) -> list[str]:
    """The non-empty lines at the head and the foot of a record."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return [lines[i].strip() for i in edge_indices(lines)]


def repeated_lines(texts: Iterable[str]) -> frozenset[str]:
    """Keys of the edge lines that most records of one file share and that could be furniture."""
    counts: Counter[str] = Counter()
    records = 0
    for text in texts:
        records += 1
        counts.update({line_key(line) for line in edge_lines(text) if _may_be_furniture(line)})
    if records < MIN_RECORDS:
        return frozenset()
    needed = max(MIN_RECORDS, MIN_SHARE * records)
    return frozenset(key for key, count in counts.items() if count >= needed)


def _may_be_furniture(line: str) -> bool:
    key = fold(line).strip()
    if not key or len(key) > _MAX_LENGTH or key[-1] in "。；;：:，,":
        return False
    if pt.numbering_of(key) or pt.SALUTATION.match(key) or pt.TITLE_ENDING.search(key):
        return False
    return not pt.SENTENCE_END.search(key)
