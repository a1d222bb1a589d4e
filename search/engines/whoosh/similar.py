"""More-like-this over the Whoosh index: sections sharing a section's distinctive words.

The index holds unit pairs, not words, so a section's key words are found with jieba and the
portal's policy-term dictionary, weighted by how often the section uses them and how rare
they are in the index (a word's document frequency is its rarest pair's, as for query
phrases). Every indexed section holding the pairs of a key word collects that word's weight;
the sum, damped by the section's length, ranks them. Words in nearly every section (发展,
工作) or in no other section carry no signal and are skipped.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

from search.core.analysis import index_terms, normalise, policy_words
from search.engines.base import Similar
from search.engines.whoosh.matching import segment_data, term_ids

#: Key words taken from the source section.
KEY_WORDS = 24
#: A word in more than this share of all sections says nothing about likeness.
MAX_SHARE = 0.2


def key_words(searcher: Any, text: str) -> list[tuple[tuple[str, ...], float]]:
    """The source's distinctive words as (their index terms, weight), best first."""
    total = max(1, searcher.doc_count())
    counts = Counter(w for w in policy_words(text) if len(w) >= 2)
    weighted = []
    for word, tf in counts.items():
        terms = tuple(sorted(index_terms(normalise(word))))
        if not terms:
            continue
        df = min(searcher.doc_frequency("text", term) for term in terms)
        if df <= 1 or df > total * MAX_SHARE:
            continue
        idf = math.log(1 + (total - df + 0.5) / (df + 0.5))
        weighted.append((terms, math.sqrt(tf) * idf * min(len(word), 4) / 2))
    weighted.sort(key=lambda item: -item[1])
    return weighted[:KEY_WORDS]


def more_like(path: str, searcher: Any, text: str, exclude_section: int) -> list[Similar]:
    """Published sections of the index sharing ``text``'s key words, best first."""
    words = key_words(searcher, text)
    if not words:
        return []
    found: list[Similar] = []
    for reader, _offset in searcher.reader().leaf_readers():
        if not reader.doc_count_all():
            continue
        data = segment_data(path, reader)
        scores: Counter[int] = Counter()
        for terms, weight in words:
            docs: set[int] | None = None
            for term in terms:
                ids = set(term_ids(reader, "text", term))
                docs = ids if docs is None else docs & ids
                if not docs:
                    break
            for doc in docs or ():
                scores[doc] += weight
        if reader.has_deletions():
            for doc in reader.deleted_docs_set:
                scores.pop(doc, None)
        status = data.values(reader, "status")
        sections = data.values(reader, "section")
        releases = data.values(reader, "release")
        regions = data.values(reader, "region")
        texts = data.texts(reader, "text")
        for doc, score in scores.items():
            if status[doc] != "published" or sections[doc] == exclude_section:
                continue
            damped = score / (1.0 + math.log1p(texts.length(doc) / 200))
            found.append(Similar(sections[doc], releases[doc], regions[doc], damped))
    found.sort(key=lambda s: -s.score)
    return found
