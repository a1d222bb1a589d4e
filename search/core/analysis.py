"""Text analysis for search: one normalisation and one segmentation for index, query and highlight.

Word segmentation alone cannot promise recall: when jieba cuts a document differently from the
query (``高效办成一件事`` vs ``高效 / 办成 / 一件 / 事``), the words never meet. So every text is
normalised once (invisible format characters dropped, NFKC, OpenCC Traditional→Simplified,
case-folding, whitespace runs collapsed, and dropped between two ideographs or an ideograph and
a digit: ``合作备 忘录`` copied from a PDF is ``合作备忘录``) and read as a sequence of *units*: one
unit per Chinese character or symbol, one per run of letters (``gdp``, ``pm``) and one per run
of digits (``2024``, ``5``), one per whitespace run. The full-text field holds
every unit and every pair of neighbouring units, so the sections holding all n−1 pairs of a
phrase of n ≥ 2 units are its candidates, and the normalised text (kept beside the postings)
says exactly where it occurs (``search.engines.whoosh.matching``). jieba, with the portal's
policy-term dictionary, cuts queries into words only to suggest broader searches when nothing was
found.

The tokenizers are pickled into the Whoosh index, so they are module-level classes without
state; the OpenCC converter and the jieba segmenter are built lazily, once per process.
"""

from __future__ import annotations

import hashlib
import logging
import operator
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from functools import cache, lru_cache
from itertools import pairwise
from pathlib import Path
from typing import overload

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
    """Letters and digits outside the CJK blocks form runs (``GDP``, ``2024``): a run of
    letters is one unit, a run of digits another (``5G`` is ``5`` + ``g``, ``PM2.5`` is
    ``pm`` + ``2`` + ``.`` + ``5``)."""
    return ch < _CJK_START and ch.isalnum()


#: Characters that change nothing a reader sees, but would hide a match between two others:
#: soft hyphen, zero-width space / joiners, word joiner, bidi marks and isolates, the byte
#: order mark, variation selectors and tags. Dropped in the one normalisation.
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f"
    "\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0"
    "\U000e0000-\U000e0fff]"
)
#: Ideographs (and the CJK symbols and compatibility blocks) on either side of a space that is
#: not a word boundary.
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"


@lru_cache(maxsize=65536)
def _nfkc(cluster: str) -> str:
    return unicodedata.normalize("NFKC", cluster)


@cache
def _casefold(ch: str) -> str:
    return ch.casefold()


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def valid_unicode(text: str) -> str:
    """``text`` with lone surrogates (which OpenCC cannot encode) replaced by U+FFFD.

    No request, decoded file or database row holds one, but a caller's own string may; the
    length is kept, so offsets into ``text`` stay right.
    """
    return _LONE_SURROGATE.sub("\ufffd", text) if _LONE_SURROGATE.search(text) else text


def normalise(text: str) -> str:
    """The one form every comparison uses: what the index holds and what queries must match."""
    return normalise_with_offsets(text)[0]


@lru_cache(maxsize=8)
def normalise_with_offsets(text: str) -> tuple[str, Sequence[int]]:
    """Normalise ``text`` and say, for each normalised character, where it came from.

    The offsets let the highlighter put its marks on the original text, whatever NFKC,
    OpenCC, case-folding or whitespace collapsing did to the length. The last few results
    are kept: one section's text feeds several fields in a row. The offsets are a read-only
    sequence (a list, or ``Offsets`` when only whitespace moved characters).

    Work is done run by run (whitespace runs, then the text between them), so the common case,
    where case-folding keeps the length, costs a few C-level calls per run, not a Python step
    per character.
    """
    visible, kept = _drop_invisible(text)
    chars, origin = _nfkc_with_offsets(visible)
    if kept is not None:
        origin = [kept[i] for i in origin]
    chars, origin = _simplified_with_offsets(chars, origin)
    folded = chars.casefold()
    if len(folded) == len(chars):  # the usual case: folding kept every character's place
        return _collapse_spaces(folded, origin)
    out: list[str] = []
    where: list[int] = []
    last = 0
    for space in _SPACE_RUN.finditer(chars):
        _fold_into(chars, origin, last, space.start(), out, where)
        run = space.group()
        line_break = bool(_LINE_BREAKS.intersection(run))
        if line_break or not _joins(chars, space.start(), space.end()):
            out.append(NEWLINE if line_break else SPACE)
            where.append(origin[space.start()])
        last = space.end()
    _fold_into(chars, origin, last, len(chars), out, where)
    return "".join(out), where


_SPACE_RUN = re.compile(r"\s+")
#: Whitespace runs that may not stay as they are: a single line break always does.
_ODD_SPACE = re.compile(r"\s{2,}|[^\S\n]")
_HAN_CHAR = re.compile(f"[{_HAN}]")


def _collapse_spaces(chars: str, origin: list[int] | range) -> tuple[str, Sequence[int]]:
    """Collapse ``chars``' whitespace runs as ``normalise_with_offsets`` states, offsets kept.

    Only runs that change are visited; the lone line breaks between paragraphs, most of a
    Chinese text's whitespace, are copied with the text around them. When nothing before
    changed a character's place (``origin`` is ``range(len(chars))``), the offsets are kept
    as the few places where they jump (``Offsets``), not as a number per character.
    """
    identity = isinstance(origin, range) and origin.start == 0 and origin.step == 1
    out: list[str] = []
    where: list[int] = []
    starts, origins = [0], [0]
    last = length = 0
    for space in _ODD_SPACE.finditer(chars):
        start, end = space.span()
        out.append(chars[last:start])
        length += start - last
        if not identity:
            where.extend(origin[last:start])
        line_break = bool(_LINE_BREAKS.intersection(space.group()))
        if line_break or not _joins(chars, start, end):
            out.append(NEWLINE if line_break else SPACE)
            length += 1
            if not identity:
                where.append(origin[start])
        last = end
        starts.append(length)
        origins.append(end)
    out.append(chars[last:])
    length += len(chars) - last
    if identity:
        return "".join(out), Offsets(starts, origins, length)
    where.extend(origin[last:])
    return "".join(out), where


class Offsets(Sequence[int]):
    """Offsets that run in step with the text between a few jumps: ``self[i]`` is
    ``origins[k] + i - starts[k]`` for the last ``starts[k] <= i``."""

    __slots__ = ("_length", "_origins", "_starts")

    def __init__(self, starts: list[int], origins: list[int], length: int) -> None:
        self._starts = starts
        self._origins = origins
        self._length = length

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, index: int) -> int: ...
    @overload
    def __getitem__(self, index: slice) -> list[int]: ...
    def __getitem__(self, index: int | slice) -> int | list[int]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._length))]
        if index < 0:
            index += self._length
        if not 0 <= index < self._length:
            raise IndexError("offset index out of range")
        k = bisect_right(self._starts, index) - 1
        return self._origins[k] + index - self._starts[k]


def _joins(chars: str, start: int, end: int) -> bool:
    """Whether the space ``chars[start:end]`` stands inside a word, not between two: between
    two ideographs, or an ideograph and a digit (``合作备 忘录``, ``1610 项``, ``第 3 条``). Text
    copied from PDFs and web pages carries such spaces; Chinese writes none between words."""
    if start == 0 or end >= len(chars):
        return False
    before, after = chars[start - 1], chars[end]
    han_before, han_after = bool(_HAN_CHAR.match(before)), bool(_HAN_CHAR.match(after))
    if han_before and han_after:
        return True
    return (han_before and after.isdigit()) or (before.isdigit() and han_after)


def _drop_invisible(text: str) -> tuple[str, list[int] | None]:
    """``text`` without invisible format characters, and where each kept character stood
    (``None``: nothing dropped)."""
    if not _INVISIBLE.search(text):
        return text, None
    kept = [i for i, ch in enumerate(text) if not _INVISIBLE.match(ch)]
    return "".join(text[i] for i in kept), kept


def _fold_into(
    chars: str, origin: list[int], start: int, end: int, out: list[str], where: list[int]
) -> None:
    """Case-fold ``chars[start:end]`` onto ``out``, its offsets onto ``where``."""
    if start >= end:
        return
    run = chars[start:end]
    folded = run.casefold()
    if len(folded) == len(run):
        out.append(folded)
        where.extend(origin[start:end])
        return
    for i, ch in enumerate(run):  # ß → ss and the like: offsets per character
        for one in _casefold(ch):
            out.append(one)
            where.append(origin[start + i])


#: Characters outside ASCII and the unified ideographs, which NFKC leaves alone and which are
#: no combining marks: only these can change, so only these are looked at one by one.
_NFKC_MAY_CHANGE = re.compile(
    "[^\x00-\x7f\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0002f7ff\U00030000-\U0003ffff]"
)


def _nfkc_with_offsets(text: str) -> tuple[str, list[int] | range]:
    """NFKC with offsets; only the characters NFKC changes (and their clusters) are visited.

    A base character and the combining marks after it normalise together (u + ́ → ú). Chinese
    text changes mostly in its full-width punctuation, a handful of distinct characters, so a
    regex of exactly those finds the places to map and the rest is copied in slices.
    """
    if unicodedata.is_normalized("NFKC", text):
        return text, range(len(text))
    distinct = set(_NFKC_MAY_CHANGE.findall(text))
    combining = [ch for ch in distinct if unicodedata.combining(ch)]
    mapped = {ch: _nfkc(ch) for ch in distinct if _nfkc(ch) != ch}
    if not combining and all(len(to) == 1 for to in mapped.values()):
        # The usual Chinese case (full-width punctuation and digits, a few distinct
        # characters): a C-level replace per character, and every character stays where it
        # was (``str.translate`` looks each of the text's characters up in a dict instead).
        for ch, to in mapped.items():
            text = text.replace(ch, to)
        return text, range(len(text))
    marks = "".join(re.escape(ch) for ch in combining)
    changed = "".join(re.escape(ch) for ch in mapped)
    alternatives = [f"[^{marks}][{marks}]+", rf"\A[{marks}]+"] if marks else []
    if changed:
        alternatives.append(f"[{changed}]")
    out: list[str] = []
    where: list[int] = []
    last = 0
    for found in re.finditer("|".join(alternatives), text, re.DOTALL):
        start = found.start()
        out.append(text[last:start])
        where.extend(range(last, start))
        mapped = _nfkc(found.group())
        out.append(mapped)
        where.extend([start] * len(mapped))
        last = found.end()
    out.append(text[last:])
    where.extend(range(last, len(text)))
    return "".join(out), where


_HAN_RUN = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]+")


def _simplified_with_offsets(text: str, origin: list[int] | range) -> tuple[str, list[int] | range]:
    """OpenCC t2s on the whole text; where a phrase changes length, convert run by run."""
    try:
        converted = to_simplified(text)
    except UnicodeEncodeError:  # lone surrogates: checked only when they are there
        text = valid_unicode(text)
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


_SENTENCE = re.compile(
    "[^{ends}]*[{ends}]|[^{ends}]+".format(ends="".join(re.escape(c) for c in SENTENCE_ENDS))
)


def split_sentences(norm: str) -> list[str]:
    """Sentences of normalised text; each keeps the ``。!?`` or line break that ends it."""
    return _SENTENCE.findall(norm)


_UNIT = re.compile(r"[^\W\d_\u2e80-\U0010ffff]+|\d+|.", re.DOTALL)


def split_units(norm: str) -> list[str]:
    """Cut normalised text into units: word runs, and every other character on its own."""
    return _UNIT.findall(norm)


def query_units(text: str) -> list[str]:
    """The units of a query phrase, with surrounding whitespace dropped."""
    return split_units(normalise(text).strip())


#: Runs of letters, digits and ideographs: the stretches of text whose unit pairs are indexed.
_INDEXED_RUN = re.compile(r"[^\W_]+")
_WORD_RUN = re.compile(r"[^\W\d_\u2e80-\U0010ffff]+|\d+")


def index_terms(norm: str) -> set[str]:
    """The terms normalised text is indexed by: its unit pairs and its word units.

    Only pairs of two letter, digit or ideograph units are kept (not pairs with punctuation or
    whitespace, which queries rarely hold), and single units only when they are word runs
    (``gdp``, ``12345``): a single ideograph is in a large share of all sections, so a
    one-character query checks every text instead (``search.engines.whoosh.matching``). Half the
    postings of "every unit and pair", and the same answers.
    """
    found = set(_WORD_RUN.findall(norm))
    for run in _INDEXED_RUN.findall(norm):
        units = _UNIT.findall(run)
        found.update(map(operator.add, units, units[1:]))
    return found


def phrase_terms(units: list[str]) -> list[str]:
    """Index terms every text containing the phrase holds (none: every text is a candidate).

    Each pair of neighbouring letter, digit or ideograph units, then each word unit; a text
    where ``phrase_pattern`` finds the phrase has all of them in ``index_terms``.
    """
    terms = [a + b for a, b in pairwise(units) if a[0].isalnum() and b[0].isalnum()]
    terms += [unit for unit in units if is_word_char(unit[0])]
    return list(dict.fromkeys(terms))


def phrase_pattern(units: list[str]) -> re.Pattern[str]:
    """A regex finding the phrase in normalised text exactly where the index matches it.

    A unit of letters or digits at either end must not continue into more of the same: ``53项``
    is not found inside ``353项`` nor ``gdp`` inside ``xgdp``, while ``2.5`` is found in
    ``pm2.5`` and ``5g`` in ``5g网络`` — the index holds the same units.
    """
    body = re.escape("".join(units))
    if units and is_word_char(units[0][0]):
        body = (_NOT_AFTER_DIGIT if units[0][0].isdigit() else _NOT_AFTER_LETTER) + body
    if units and is_word_char(units[-1][-1]):
        body += _NOT_BEFORE_DIGIT if units[-1][-1].isdigit() else _NOT_BEFORE_LETTER
    return re.compile(body)


_LETTER = r"[^\W\d_\u2e80-\U0010ffff]"
_NOT_AFTER_LETTER = f"(?<!{_LETTER})"
_NOT_BEFORE_LETTER = f"(?!{_LETTER})"
_NOT_AFTER_DIGIT = r"(?<!\d)"
_NOT_BEFORE_DIGIT = r"(?!\d)"


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
    """Whoosh tokenizer for exact substring search: the ``index_terms`` of a text.

    Positions are only the terms' order: the postings hold no positions. At query time
    (Whoosh's own query parser) it yields the phrase's ``phrase_terms``; the portal's own
    search builds its candidates from ``phrase_terms`` directly.
    """

    def terms(self, value: str, mode: str) -> Iterator[tuple[str, int]]:
        if mode == "query":
            units = [u for u in split_units(normalise(value)) if u != SPACE]
            yield from ((t, p) for p, t in enumerate(phrase_terms(units)))
            return
        yield from ((t, p) for p, t in enumerate(sorted(self.term_set(value))))

    def term_set(self, value: str) -> set[str]:
        """The distinct terms of a document, as ``search.engines.whoosh.fields`` indexes them."""
        return index_terms(normalise(value))


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
