"""Sentence fingerprints: how an upload is recognised as (nearly) a release already stored.

The content hash only catches byte-for-byte the same text. The same release copied from another
site (different navigation or footer lines) or in the other script differs there, yet shares
almost every sentence. So each release keeps the hashes of its sentences, taken from the folded
text (NFKC, Traditional → Simplified, punctuation and spaces dropped); an upload whose sentences
are mostly found in one release is flagged as a near-duplicate of it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from documents.script import fold

MIN_SENTENCE_CHARS = 10
"""Shorter pieces (“谢谢。”, “下面请提问。”) recur across unrelated releases."""

_SENTENCE_END = re.compile(r"[。！？；!?;\n]+")
_NOT_WORD = re.compile(r"[\W_]+")


def sentence_hashes(text: str) -> set[int]:
    """Signed 64-bit hashes of the release's sentences, the same for either script."""
    hashes = set()
    for piece in _SENTENCE_END.split(fold(text)):
        core = _NOT_WORD.sub("", piece)
        if len(core) >= MIN_SENTENCE_CHARS:
            digest = hashlib.blake2b(core.encode("utf-8"), digest_size=8).digest()
            hashes.add(int.from_bytes(digest, "big", signed=True))
    return hashes


def chunked(values: Iterable[int], size: int = 500) -> Iterable[list[int]]:
    """Split a long ``IN`` list so no database hits its bound-parameter limit."""
    batch: list[int] = []
    for value in values:
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
