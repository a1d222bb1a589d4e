"""Rare terms' postings stored in the term entry stay small, and survive a segment merge.

On unique text most unit pairs occur in a handful of sections, so each term's entry is most of
the index; an empty value per posting pickled into it cost some thirty bytes a term.
"""

from __future__ import annotations

import pickle

from whoosh.fields import ID, KEYWORD, Schema
from whoosh.filedb.filestore import RamStorage

from search.engines.whoosh.writing import PortalCodec, PortalSegmentWriter, _InlineTermInfo


def test_an_inlined_entry_keeps_neither_empty_values_nor_unit_weights():
    entry = _InlineTermInfo()
    entry.set_inline([3, 7, 9], [1.0, 1.0, 1.0], [b"", b"", b""])
    assert entry.inlined_postings() == ((3, 7, 9), (), ())
    with_values = pickle.dumps(((3, 7, 9), (), (b"", b"", b"")), 2)
    assert len(entry.to_bytes()) < 23 + len(with_values) - 25


def test_a_merge_copies_inlined_postings_whose_values_were_left_out():
    schema = Schema(key=ID(stored=True), words=KEYWORD)
    index = RamStorage().create_index(schema)
    for batch in (["甲乙 丙丁", "甲乙"], ["丙丁 戊己", "甲乙 戊己"]):
        writer = PortalSegmentWriter(index, codec=PortalCodec())
        for number, words in enumerate(batch):
            writer.add_document(key=f"{len(batch)}-{number}-{words}", words=words)
        writer.commit()
    assert len(index._segments()) == 2
    writer = PortalSegmentWriter(index, codec=PortalCodec())
    writer.commit(optimize=True)  # merges both segments through the posting pool
    assert len(index._segments()) == 1
    with index.searcher() as searcher:
        found = {
            word: sorted(
                searcher.stored_fields(d)["key"]
                for d in searcher.reader().postings("words", word).all_ids()
            )
            for word in ("甲乙", "丙丁", "戊己")
        }
    assert {word: len(keys) for word, keys in found.items()} == {"甲乙": 3, "丙丁": 2, "戊己": 2}


def test_segments_are_plain_files_that_every_worker_reads_through_the_page_cache(db, seeds):
    """Whoosh copies a compound segment's parts into each process's memory (``BytesIO``)."""
    from haystack import connections

    from search.engines.whoosh.storage import live_dir
    from search.indexing.rebuild import rebuild_all
    from search.indexing.sync import sync_releases

    rebuild_all(procs=1)
    sync_releases([seeds["000"].pk])
    folder = live_dir(connections["default"].get_backend().path)
    assert not list(folder.glob("*.seg")), "no compound segment"
    assert list(folder.glob("*.trm")), "term dictionaries as plain files"
