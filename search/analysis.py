"""Text analysis for search: one normalisation and one segmentation for index, query and highlight.

Word segmentation alone cannot promise recall: when jieba cuts a document differently from the
query (``高效办成一件事`` vs ``高效 / 办成 / 一件 / 事``), the words never meet. So every text is
normalised once (NFKC, OpenCC Traditional→Simplified, case-folding, whitespace runs collapsed)
and read as a sequence of *units*: one unit per Chinese character or symbol, one per run of
letters and digits (``gdp``, ``5g``, ``12345``), one per whitespace run. The full-text field holds
every unit and every pair of neighbouring units at the unit's position, so a phrase of n ≥ 2
units is the Whoosh phrase of its n−1 pairs and matches exactly where the normalised text
contains it. jieba, with the portal's policy-term dictionary, cuts the same normalised text into
words for a second field that only sharpens ranking.

The tokenizers are pickled into the Whoosh index, so they are module-level classes without
state; the OpenCC converter and the jieba segmenter are built lazily, once per process.
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from collections.abc import Iterator
from functools import cache, lru_cache
from itertools import pairwise
from pathlib import Path

import jieba
from django.conf import settings
from whoosh.analysis import Token, Tokenizer

from documents.script import to_simplified

log = logging.getLogger(__name__)

SPACE = " "
NEWLINE = "\n"
#: Units that end a sentence (after NFKC, ！ and ？ are ! and ?); a line break ends one too.
SENTENCE_ENDS = frozenset("。!?" + NEWLINE)
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
#: The CJK blocks start here; letters and digits below it form multi-character word units.
_CJK_START = "\u2e80"


def is_word_char(ch: str) -> bool:
    """Letters and digits outside the CJK blocks join into one unit (``GDP``, ``5G``, ``2024``)."""
    return ch < _CJK_START and ch.isalnum()


@lru_cache(maxsize=65536)
def _nfkc(cluster: str) -> str:
    return unicodedata.normalize("NFKC", cluster)


@cache
def _casefold(ch: str) -> str:
    return ch.casefold()


def normalise(text: str) -> str:
    """The one form every comparison uses: what the index holds and what queries must match."""
    return normalise_with_offsets(text)[0]


@lru_cache(maxsize=8)
def normalise_with_offsets(text: str) -> tuple[str, list[int]]:
    """Normalise ``text`` and say, for each normalised character, where it came from.

    The offsets let the highlighter put its marks on the original text, whatever NFKC,
    OpenCC, case-folding or whitespace collapsing did to the length. The last few results
    are kept: one section's text feeds several fields in a row. Callers must not modify the
    returned list.
    """
    chars, origin = _nfkc_with_offsets(text)
    chars, origin = _simplified_with_offsets(chars, origin)
    out: list[str] = []
    where: list[int] = []
    space_run: list[str] = []
    space_at = 0
    for ch, at in zip(chars, origin, strict=True):
        if ch.isspace():
            if not space_run:
                space_at = at
            space_run.append(ch)
            continue
        if space_run:
            out.append(NEWLINE if _LINE_BREAKS.intersection(space_run) else SPACE)
            where.append(space_at)
            space_run = []
        for folded in _casefold(ch):
            out.append(folded)
            where.append(at)
    if space_run:
        out.append(NEWLINE if _LINE_BREAKS.intersection(space_run) else SPACE)
        where.append(space_at)
    return "".join(out), where


def _nfkc_with_offsets(text: str) -> tuple[str, list[int]]:
    if unicodedata.is_normalized("NFKC", text):
        return text, list(range(len(text)))
    out: list[str] = []
    where: list[int] = []
    start = 0
    for i in range(1, len(text) + 1):
        # A base character and the combining marks after it normalise together (u + ́ → ú).
        if i < len(text) and unicodedata.combining(text[i]):
            continue
        mapped = _nfkc(text[start:i])
        out.append(mapped)
        where.extend([start] * len(mapped))
        start = i
    return "".join(out), where


_HAN_RUN = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]+")


def _simplified_with_offsets(text: str, origin: list[int]) -> tuple[str, list[int]]:
    """OpenCC t2s on the whole text; where a phrase changes length, convert run by run."""
    converted = to_simplified(text)
    if len(converted) == len(text):
        return converted, origin
    out: list[str] = []
    where: list[int] = []
    last = 0
    for match in _HAN_RUN.finditer(text):
        out.append(text[last : match.start()])
        where.extend(origin[last : match.start()])
        run = match.group()
        simplified = to_simplified(run)
        if len(simplified) == len(run):
            out.append(simplified)
            where.extend(origin[match.start() : match.end()])
        else:
            for i, ch in enumerate(run):
                one = to_simplified(ch)
                out.append(one)
                where.extend([origin[match.start() + i]] * len(one))
        last = match.end()
    out.append(text[last:])
    where.extend(origin[last:])
    return "".join(out), where


def split_units(norm: str) -> list[str]:
    """Cut normalised text into units: word runs, and every other character on its own."""
    units: list[str] = []
    word_start = -1
    for i, ch in enumerate(norm):
        if is_word_char(ch):
            if word_start < 0:
                word_start = i
            continue
        if word_start >= 0:
            units.append(norm[word_start:i])
            word_start = -1
        units.append(ch)
    if word_start >= 0:
        units.append(norm[word_start:])
    return units


def query_units(text: str) -> list[str]:
    """The units of a query phrase, with surrounding whitespace dropped."""
    return split_units(normalise(text).strip())


def phrase_terms(units: list[str]) -> list[str]:
    """Index terms a phrase must match in order: its unit pairs, or its one unit."""
    if len(units) <= 1:
        return list(units)
    return [a + b for a, b in pairwise(units)]


def phrase_pattern(units: list[str]) -> re.Pattern[str]:
    """A regex finding the phrase in normalised text exactly where the index matches it.

    A word unit at either end must not continue into more letters or digits: ``5g`` is
    not found inside ``15g``, just as the index holds ``15g`` as one unit.
    """
    body = re.escape("".join(units))
    if units and is_word_char(units[0][0]):
        body = r"(?<![^\W_\u2e80-\U0010ffff])" + body
    if units and is_word_char(units[-1][-1]):
        body = body + r"(?![^\W_\u2e80-\U0010ffff])"
    return re.compile(body)


class _TermTokenizer(Tokenizer):
    """Whoosh's tokenizer protocol around ``terms()``: (text, position) pairs of one value."""

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: object,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for text, pos in self.terms(value, mode):
            token.text = text
            token.pos = start_pos + pos
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = text
            yield token

    def terms(self, value: str, mode: str) -> Iterator[tuple[str, int]]:
        raise NotImplementedError


class UnitTokenizer(_TermTokenizer):
    """Whoosh tokenizer for exact substring search: every unit and unit pair, by position.

    At query time (Whoosh's own query parser) it yields only the pairs, in order, so a parsed
    phrase needs no special casing; the portal's own query builder uses ``phrase_terms``.
    """

    def terms(self, value: str, mode: str) -> Iterator[tuple[str, int]]:
        units = split_units(normalise(value))
        if mode == "query":
            yield from (
                (t, p) for p, t in enumerate(phrase_terms([u for u in units if u != SPACE]))
            )
            return
        last = len(units) - 1
        for pos, unit in enumerate(units):
            if unit != SPACE:
                yield unit, pos
            if pos < last:
                yield unit + units[pos + 1], pos


class PolicyWordTokenizer(_TermTokenizer):
    """Whoosh tokenizer yielding jieba's words (policy terms kept whole), for ranking only."""

    def terms(self, value: str, mode: str) -> Iterator[tuple[str, int]]:
        for pos, word in enumerate(policy_words(value)):
            yield word, pos


def policy_words(text: str) -> list[str]:
    """jieba's words of the normalised text, without punctuation and whitespace."""
    return [w for w in segmenter().cut(normalise(text), HMM=False) if _is_content_word(w)]


def _is_content_word(word: str) -> bool:
    return any(ch.isalnum() for ch in word)


def policy_terms_path() -> Path:
    """Where the policy-term dictionary lives (``SEARCH_POLICY_TERMS`` setting)."""
    return Path(settings.SEARCH_POLICY_TERMS)


def read_policy_terms(path: Path | None = None) -> list[str]:
    """The dictionary's terms, normalised; blank lines and ``#`` comments are skipped."""
    path = path or policy_terms_path()
    terms = []
    for line in path.read_text(encoding="utf-8").splitlines():
        entry = line.split("#", 1)[0].strip()
        if entry:
            terms.append(normalise(entry.split()[0]))
    return terms


def policy_terms_digest() -> str:
    """A fingerprint of the dictionary: a changed dictionary means the index needs a rebuild."""
    return hashlib.sha256(policy_terms_path().read_bytes()).hexdigest()[:16]


@cache
def segmenter() -> jieba.Tokenizer:
    """jieba with the policy-term dictionary, built on first use in each process."""
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    for term in read_policy_terms():
        tokenizer.add_word(term)
        tokenizer.suggest_freq(term, tune=True)
    return tokenizer


def text_analyzer() -> UnitTokenizer:
    """Analyzer of the exact-match fields (full text, headings, titles, speakers)."""
    return UnitTokenizer()


def word_analyzer() -> PolicyWordTokenizer:
    """Analyzer of the ranking field of jieba words."""
    return PolicyWordTokenizer()
