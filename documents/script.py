"""Simplified ⇄ Traditional conversion (OpenCC), and the folded form used for matching.

Releases are stored as written. Readers may ask for either script, and every rule that
recognises words in a release (metadata keys, Q&A markers, region names) must work on both,
so rules match against ``fold(text)``: NFKC-normalised, Traditional converted to Simplified.
Converters are built once per process, lazily.
"""

from __future__ import annotations

import unicodedata
from enum import StrEnum
from functools import cache

import opencc


class Script(StrEnum):
    """How a reader wants text shown."""

    ORIGINAL = "orig"
    SIMPLIFIED = "hans"
    TRADITIONAL = "hant"


@cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    """Traditional → Simplified (OpenCC t2s); Simplified text passes through unchanged."""
    return _converter("t2s").convert(text) if text else text


def to_traditional(text: str) -> str:
    """Simplified → Traditional (OpenCC s2t)."""
    return _converter("s2t").convert(text) if text else text


def in_script(text: str, script: Script | str) -> str:
    """Show ``text`` in the requested script; ORIGINAL leaves it as written."""
    if script == Script.SIMPLIFIED:
        return to_simplified(text)
    if script == Script.TRADITIONAL:
        return to_traditional(text)
    return text


def fold(text: str) -> str:
    """The form rules match against: NFKC, then Traditional → Simplified."""
    return to_simplified(unicodedata.normalize("NFKC", text))


def fold_aligned(text: str) -> str:
    """``fold(text)`` when it keeps every character in place, else ``text`` unchanged.

    Rules match on the folded twin and cut values from the original at the same offsets,
    which is only sound while both have the same length.
    """
    folded = fold(text)
    return folded if len(folded) == len(text) else text


def traditional_share(text: str) -> float:
    """Share of Han characters that change under t2s: near 0 for Simplified text."""
    han = [ch for ch in text if "\u4e00" <= ch <= "\u9fff"]
    if not han:
        return 0.0
    sample = "".join(han[:5000])
    simplified = to_simplified(sample)
    if len(simplified) != len(sample):
        return 0.0
    changed = sum(a != b for a, b in zip(sample, simplified, strict=True))
    return changed / len(sample)
