"""``TermPool`` hands the segment writer exactly the postings Whoosh's ``PostingPool`` would.

Whoosh's pool is the reference: the same postings, added in the same order, come out of both in
the same order, whether they stay in memory or spill to run files, with unusual weights and
values, and with document numbers that arrive out of order.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh.filedb.filestore import FileStorage
from whoosh.writing import PostingPool

from search.engines.whoosh.pool import TermPool

FIELDS = ("heading", "text", "title")
TERMS = [t.encode("utf-8") for t in ("营商", "商环", "环境", "政务", "服务", "a", "一网")]


@st.composite
def postings(draw):
    """Unique (field, term, document) postings, mostly in document order as a writer adds them,
    some out of order; weights and values mostly the field's usual ones."""
    docs = draw(st.integers(min_value=1, max_value=25))
    items = []
    for doc in range(docs):
        for field in FIELDS:
            for term in draw(st.sets(st.sampled_from(TERMS), max_size=4)):
                unusual = draw(st.integers(0, 9)) == 0
                weight = 2.0 if unusual and draw(st.booleans()) else 1.0 + FIELDS.index(field)
                value = b"v" if unusual and weight != 2.0 else b""
                items.append((field, term, doc, weight, value))
    late = draw(st.lists(st.sampled_from(items), max_size=3, unique=True)) if items else []
    for item in late:  # the same posting moved to the end: its document number comes late
        items.remove(item)
        items.append(item)
    return items


def _drained(pool, items):
    for item in items:
        pool.add(item)
    try:
        return list(pool.iter_postings())
    finally:
        pool.cleanup()


@settings(max_examples=120, deadline=None)
@given(items=postings(), spill=st.booleans())
def test_the_same_postings_in_the_same_order_as_whoosh(tmp_path_factory, items, spill):
    folder = tmp_path_factory.mktemp("pool")
    storage = FileStorage(str(folder))
    limitmb = 0 if spill else 64  # 0: every posting spills a run of its own
    expected = _drained(PostingPool(storage, None, limitmb=limitmb), items)
    got = _drained(TermPool(storage, None, limitmb=limitmb), items)
    assert got == expected
    assert list(folder.iterdir()) == [], "run files are deleted"


def test_runs_are_written_when_the_limit_is_passed_and_read_back_in_order(tmp_path):
    storage = FileStorage(str(tmp_path))
    pool = TermPool(storage, None, limitmb=0)
    for doc in range(3):
        pool.add(("text", "营商".encode(), doc, 1.0, b""))
    assert len(pool.runs) == 3
    assert [p[2] for p in pool.iter_postings()] == [0, 1, 2]
    pool.cleanup()
    assert pool.runs == [] and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("limitmb", [0, 64])
def test_an_unusual_posting_keeps_its_weight_and_value(tmp_path, limitmb):
    pool = TermPool(FileStorage(str(tmp_path)), None, limitmb=limitmb)
    pool.add(("text", b"a", 0, 1.0, b""))
    pool.add(("text", b"a", 1, 3.0, b"v"))
    pool.add(("text", b"a", 2, 1.0, b""))
    assert list(pool.iter_postings()) == [
        ("text", b"a", 0, 1.0, b""),
        ("text", b"a", 1, 3.0, b"v"),
        ("text", b"a", 2, 1.0, b""),
    ]
    pool.cleanup()
