"""Region names in pinyin, so that ``Jinchang``, ``jinchang`` and ``jc`` find 金昌市.

Readers of the English interface, and anyone without a Chinese keyboard at hand, type place
names in pinyin. ``pypinyin`` (a maintained package with the readings of place names) gives the
syllables; a name is matched without tones, spaces or its administrative suffix (市, 县, 自治州),
and by its initials.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

from documents.gazetteer import short_name

_ASCII_NAME = re.compile(r"[A-Za-z][A-Za-z' \-]{0,40}")


def is_pinyin_query(value: str) -> bool:
    """Latin letters only (with spaces, hyphens, apostrophes): a pinyin name, not a code."""
    return bool(_ASCII_NAME.fullmatch(value.strip()))


def normalise_pinyin(value: str) -> str:
    """``Jin-chang Shi`` → ``jinchangshi``."""
    return re.sub(r"[^a-z]", "", value.lower())


@lru_cache(maxsize=8192)
def name_forms(name: str) -> tuple[str, ...]:
    """The pinyin forms a name is found by: full (``jinchangshi``), without its suffix
    (``jinchang``) and the initials of either (``jcs``, ``jc``)."""
    forms: list[str] = []
    for part in (name, short_name(name)):
        if not part:
            continue
        syllables = lazy_pinyin(part, style=Style.NORMAL, errors="ignore")
        forms.append("".join(syllables).lower())
        forms.append("".join(s[0] for s in syllables if s).lower())
    return tuple(dict.fromkeys(f for f in forms if f))


def sort_key(name: str) -> tuple[str, str]:
    """Order names as a Chinese index does, by their pinyin (then by the characters)."""
    return (" ".join(lazy_pinyin(name, style=Style.TONE3, errors="ignore")), name)


def search_key(name: str) -> str:
    """Every form of a name, space-separated: the picker filters on it as the reader types."""
    return " ".join(name_forms(name))


def matches(name: str, query: str) -> bool:
    """Whether pinyin ``query`` names ``name``: a whole form, or the start of the full one."""
    wanted = normalise_pinyin(query)
    if len(wanted) < 2:
        return False
    forms = name_forms(name)
    return wanted in forms or any(f.startswith(wanted) for f in forms[:1] if len(wanted) >= 4)
