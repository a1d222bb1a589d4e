"""Find the sections a request means: candidates from the index's postings, then an exact check.

The index answers "which sections hold every unit pair of this phrase"
(``search.engines.whoosh.fields`` keeps only that in its postings). Whether the pairs stand in a
row, how often, inside one sentence, and whether the heading holds the phrase is then decided on the
section's normalised text, which the index keeps in a column and this module loads once per segment
and process (segments never change, only their deletion lists). Every step is a set operation or a
C-level string search, so a query costs in proportion to its candidate sections, not to the index:
Whoosh's pure-Python phrase matcher, which decoded positions for every candidate, is not used.

The meaning of a match is the one the evaluation oracle states (``quality.evaluation``):
``phrase_pattern`` on normalised text, sentences as ``split_sentences`` cuts them.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable
from itertools import accumulate
from operator import add, and_, itemgetter, or_, truediv
from typing import Any

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound

from search.core.plan import MATCH_COLUMNS, Match, PhraseCheck, Plan, in_one_sentence
from search.engines.whoosh import text_store
from search.engines.whoosh.text_store import TextColumn

#: BM25's saturation and length normalisation, applied to whole phrases.
K1 = 1.2
B = 0.75
#: Terms of one phrase intersected at most; the exact check settles the rest.
MAX_TERMS = 3
#: Below this many candidates another posting list costs more than checking the texts.
FEW_CANDIDATES = 64
#: A further term is read only if it has at most this many documents per candidate so far.
PRUNE_RATIO = 4
#: Columns read as whole numbers.
NUMBER_COLUMNS = ("section", "release", "day", "order")


# -- per-segment data ----------------------------------------------------------------------------


class SegmentData:
    """One segment's columns, read on first use.

    Keyword and number columns are Python tuples (they drop out of the garbage collector's
    sight after its first pass; lists of that size made every full collection, triggered by a
    busy query, walk all of them). Texts are mapped from the segment's text column files
    (``text_store``), shared by every process, so a phrase check is a C-level search on bytes
    instead of a decompression, and no process holds a decoded copy of the library.
    """

    def __init__(self, path: str, segment_id: str, doc_count: int) -> None:
        self.path = path
        self.segment_id = segment_id
        self.doc_count = doc_count
        self._columns: dict[str, Any] = {}
        self._unpublished: frozenset[int] | None = None
        self.text_chars: dict[str, int] = {}

    def values(self, reader: Any, name: str) -> tuple[Any, ...]:
        """A keyword or number column; ``""`` / ``0`` where a document has none."""
        column = self._columns.get(name)
        if column is None:
            column = self._columns[name] = _read_column(reader, name, self.doc_count)
        return column

    def unpublished(self, reader: Any) -> frozenset[int]:
        """The segment's documents that are not published (drafts, withdrawn): usually none."""
        if self._unpublished is None:
            status = self.values(reader, "status")
            self._unpublished = frozenset(
                d for d, value in enumerate(status) if value != "published"
            )
        return self._unpublished

    def texts(self, reader: Any, name: str) -> TextColumn:
        """A text column's normalised texts, mapped from the segment's column file."""
        column = self._columns.get(name)
        if column is None:
            if reader.has_column(name):
                column = reader.column_reader(name, translate=False).texts
            else:
                column = text_store.empty_texts(self.doc_count)
            self._columns[name] = column
            self.text_chars[name] = column.total_chars
        return column


def _read_column(reader: Any, name: str, count: int) -> tuple[Any, ...]:
    """A column as a tuple, each distinct value one shared object.

    The column reader makes a new object per section: a region code or a kind repeated over
    a hundred thousand sections cost a hundred thousand strings in every process.
    """
    number = name in NUMBER_COLUMNS
    if not reader.has_column(name):
        return (0 if number else "",) * count
    values = reader.column_reader(name)
    shared: dict[Any, Any] = {}
    if number:
        return tuple(shared.setdefault(n, n) for n in (int(v or 0) for v in values))
    return tuple(shared.setdefault(v, v) for v in (v or "" for v in values))


#: Per index path and segment id: the segment's loaded columns.
_segments: dict[tuple[str, str], SegmentData] = {}
_segments_lock = threading.Lock()


def segment_data(path: str, reader: Any) -> SegmentData:
    """This process's loaded columns of the segment ``reader`` reads."""
    key = (path, reader.segment().segment_id())
    with _segments_lock:
        data = _segments.get(key)
        if data is None:
            data = _segments[key] = SegmentData(path, key[1], reader.doc_count_all())
        return data


def keep_segments(path: str, segment_ids: Iterable[str]) -> None:
    """Forget loaded segments of ``path`` that the index no longer has (after a merge)."""
    keep = set(segment_ids)
    with _segments_lock:
        for key in [k for k in _segments if k[0] == path and k[1] not in keep]:
            del _segments[key]


def forget(path: str | None = None) -> None:
    """Drop loaded segments (of one index, or all)."""
    with _segments_lock:
        for key in [k for k in _segments if path is None or k[0] == path]:
            del _segments[key]


# -- matching ------------------------------------------------------------------------------------


def match(path: str, searcher: Any, plan: Plan) -> list[Match]:
    """Every section matching ``plan`` in the index ``searcher`` reads, with its score."""
    leaves = [
        (reader, segment_data(path, reader))
        for reader, _offset in searcher.reader().leaf_readers()
        if reader.doc_count_all()
    ]
    if not leaves:
        return []
    field = plan.field
    total_docs = sum(data.doc_count for _reader, data in leaves)
    for reader, data in leaves:
        data.texts(reader, field)
    total_chars = sum(data.text_chars[field] for _reader, data in leaves)
    average = max(1.0, total_chars / total_docs)
    checks = {check for group in plan.groups for check in group}
    idf = {check: _idf(searcher, field, check, total_docs) for check in checks}
    matches: list[Match] = []
    for reader, data in leaves:
        matches.extend(_match_leaf(reader, data, plan, idf, average))
    return matches


def _idf(searcher: Any, field: str, check: PhraseCheck, docs: int) -> float:
    """BM25's idf with the phrase's rarest term standing in for its document frequency."""
    df = min((searcher.doc_frequency(field, term) for term in check.terms), default=0)
    return math.log(1 + (docs - df + 0.5) / (df + 0.5))


def _match_leaf(
    reader: Any,
    data: SegmentData,
    plan: Plan,
    idf: dict[PhraseCheck, float],
    average: float,
) -> list[Match]:
    field = plan.field
    candidates: set[int] = set()
    if not plan.groups:  # filters alone: every document is a candidate
        candidates = set(range(reader.doc_count_all()))
    # Groups with index terms first: a group without any would make every document a candidate.
    ordered = sorted(plan.groups, key=lambda g: (not all(c.terms for c in g), len(g)))
    for i, group in enumerate(ordered):
        found: set[int] = set()
        for check in group:
            found |= _phrase_candidates(reader, field, check, limit=candidates if i else None)
        candidates = candidates & found if i else found
        if not candidates:
            return []
    for name, values in plan.keywords:
        allowed: set[int] = set()
        for value in values:
            allowed.update(term_ids(reader, name, value))
        candidates &= allowed
        if not candidates:
            return []
    if reader.has_deletions():
        candidates -= reader.deleted_docs_set
    docs = _passing_filters(reader, data, plan, sorted(candidates))
    texts = data.texts(reader, field)
    if plan.excluded:
        docs = [d for d in docs if not any(c.found_raw(texts.raw(d)) for c in plan.excluded)]
    docs, scores = _scores(docs, texts, plan, idf, average)
    if not docs:
        return []
    hits: list[bool] = [False] * len(docs)
    if plan.headings:
        headings = data.texts(reader, "heading").pick_raw(docs)
        for check in plan.headings:
            hits = list(map(or_, hits, map(bool, check.counts_raw(headings))))
    pick = _picker(docs)
    columns = [pick(data.values(reader, name)) for name in MATCH_COLUMNS]
    section, release, province, region, year, kind, day, order, issuer, validity = columns
    rows = zip(
        section,
        release,
        scores,
        hits,
        province,
        region,
        year,
        kind,
        day,
        order,
        issuer,
        validity,
        strict=True,
    )
    return list(map(Match._make, rows))


def _picker(docs: list[int]) -> Any:
    """A function taking the ``docs`` entries of a column, as a tuple (C speed)."""
    if len(docs) == 1:
        return lambda column: (column[docs[0]],)
    return itemgetter(*docs)


def _passing_filters(reader: Any, data: SegmentData, plan: Plan, docs: list[int]) -> list[int]:
    """The documents that are published and pass the date and speaker filters."""
    unpublished = data.unpublished(reader)
    if unpublished:
        docs = [d for d in docs if d not in unpublished]
    if plan.day_from or plan.day_to:
        days = data.values(reader, "day")
        low, high = plan.day_from or 1, plan.day_to
        docs = [d for d in docs if low <= days[d] and (high is None or days[d] <= high)]
    if plan.speakers:
        speakers = data.texts(reader, "speaker")
        docs = [d for d in docs if any(c.found_raw(speakers.raw(d)) for c in plan.speakers)]
    return docs


def _scores(
    docs: list[int],
    texts: TextColumn,
    plan: Plan,
    idf: dict[PhraseCheck, float],
    average: float,
) -> tuple[list[int], list[float]]:
    """The documents where every group has a phrase (in one sentence, if asked), with their
    BM25 over the phrases found: ``idf · n(k1+1) / (n + k1(1 − b + b·len/avg))``."""
    if not docs:
        return [], []
    chosen = texts.pick_raw(docs)
    base, per_char = K1 * (1 - B), K1 * B / average
    # Element-wise arithmetic as C-level maps over bound float methods: no Python frame per
    # candidate (thousands on a broad search).
    norms = list(map(base.__add__, map(per_char.__mul__, _picker(docs)(texts.lengths))))
    if len(plan.groups) == 1 and len(plan.groups[0]) == 1:  # one phrase: the common query
        (check,) = plan.groups[0]
        weight = idf[check] * (K1 + 1)
        counts = check.counts_raw(chosen)
        if not all(counts):  # candidates without the phrase (those of a longer phrase)
            kept = [i for i, n in enumerate(counts) if n]
            docs, counts, norms = (
                [docs[i] for i in kept],
                [counts[i] for i in kept],
                [norms[i] for i in kept],
            )
        return docs, _bm25(weight, counts, norms)
    scores = [0.0] * len(docs)
    keep = [True] * len(docs)
    for group in plan.groups:
        matched = [False] * len(docs)
        for check in group:
            counts = check.counts_raw(chosen)
            # A document without the phrase adds 0.0: the same sum as skipping it.
            scores = list(map(add, scores, _bm25(idf[check] * (K1 + 1), counts, norms)))
            matched = list(map(or_, matched, map(bool, counts)))
        keep = list(map(and_, keep, matched))
    if plan.same_sentence:
        keep = [
            k and in_one_sentence(t.decode("utf-8"), plan.groups)
            for k, t in zip(keep, chosen, strict=True)
        ]
    kept = [i for i, k in enumerate(keep) if k]
    return [docs[i] for i in kept], [scores[i] for i in kept]


def _bm25(weight: float, counts: list[int], norms: list[float]) -> list[float]:
    """``weight · n / (n + norm)`` for each document, as C-level maps."""
    return list(map(truediv, map(weight.__mul__, counts), map(add, counts, norms)))


def _phrase_candidates(
    reader: Any, field: str, check: PhraseCheck, *, limit: set[int] | None
) -> set[int]:
    """Documents holding the phrase's rarest terms (a superset of those holding the phrase).

    A phrase without index terms (one ideograph, punctuation) has every document as candidate.
    Terms are read rarest first, and only while one can still pay for itself: a posting costs
    a small fraction of checking a candidate's text, but the unit pairs of one phrase occur
    together (nearly every section with 济发 has 经济 and 发展), so a term many times more
    common than the candidates so far removes few of them. ``limit`` (the candidates of the
    request's other groups) counts as terms already read.
    """
    if not check.terms:
        return set(limit) if limit is not None else set(range(reader.doc_count_all()))
    frequencies = sorted((reader.doc_frequency(field, term), term) for term in check.terms)
    if frequencies[0][0] == 0:
        return set()
    found = set(limit) if limit is not None else None
    for used, (df, term) in enumerate(frequencies):
        if used >= MAX_TERMS or (found is not None and len(found) <= FEW_CANDIDATES):
            break
        if found is not None and df > PRUNE_RATIO * len(found):
            break
        ids = term_ids(reader, field, term)
        if found is None:
            found = set(ids)
        else:
            found.intersection_update(ids)
        if not found:
            break
    return found or set()


def term_ids(reader: Any, field: str, text: str) -> list[int]:
    """Every document (deleted ones too) with ``text`` in ``field``, in order.

    Whoosh's matchers step through postings one call per document; its on-disk blocks hold
    the ids as one delta-coded tuple, read here a block at a time.
    """
    try:
        matcher = reader.postings(field, text)
    except TermNotFound:
        return []
    if isinstance(matcher, FilterMatcher):  # the deletion filter: the caller applies deletions
        matcher = matcher.child
    if not isinstance(matcher, W3LeafMatcher) or getattr(matcher, "_byteids", True):
        return list(matcher.all_ids())
    ids: list[int] = []
    while matcher.is_active():
        matcher._read_data()
        ids.extend(accumulate(matcher._data[0]))
        matcher._next_block()
    return ids
