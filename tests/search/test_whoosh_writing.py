"""Term entries stay small, read back exactly, and survive a segment merge.

On unique text most unit pairs occur in a handful of sections, so each term's entry is most of
the index; Whoosh's fixed 23-byte header and a pickled posting list cost some fifty bytes a term.
"""

from __future__ import annotations

import pickle

from whoosh.codec.whoosh3 import W3TermInfo
from whoosh.fields import ID, KEYWORD, Schema
from whoosh.filedb.filestore import RamStorage
from whoosh.filedb.structfile import BufferFile

from search.engines.whoosh.terms import CompactTermInfo
from search.engines.whoosh.writing import PortalCodec, PortalSegmentWriter


def entry(ids, weights, values, *, inline=True) -> CompactTermInfo:
    """An entry as Whoosh's posting writer fills one."""
    info = CompactTermInfo()
    info._weight, info._df = float(sum(weights)), len(ids)
    info._minlength, info._maxlength, info._maxweight = 3, 40, max(weights)
    info._minid, info._maxid = ids[0], ids[-1]
    if inline:
        info.set_inline(ids, weights, values)
    else:
        info.set_extent(123_456_789, 4_321)
    return info


def same(a: W3TermInfo, b: W3TermInfo) -> bool:
    keys = ("_weight", "_df", "_minlength", "_maxlength", "_maxweight", "_minid", "_maxid")
    return all(getattr(a, k) == getattr(b, k) for k in keys) and (
        a.inlined_postings() == b.inlined_postings() if a.is_inlined() else a.extent() == b.extent()
    )


def test_an_inlined_entry_keeps_neither_empty_values_nor_unit_weights():
    info = entry([3, 7, 9], [1.0, 1.0, 1.0], [b"", b"", b""])
    assert info.inlined_postings() == ((3, 7, 9), (), ())
    whoosh = W3TermInfo()
    whoosh.__dict__.update(info.__dict__)
    pickled = 23 + len(pickle.dumps(info.inlined_postings(), 2))
    assert len(info.to_bytes()) <= 7 < pickled - 30 == len(whoosh.to_bytes()) - 30


def test_every_kind_of_entry_reads_back_as_written():
    cases = [
        entry([3, 7, 9], [1.0, 1.0, 1.0], [b"", b"", b""]),
        entry([0], [1.0], [b""]),
        entry([5, 70_000, 4_000_000], [2.0, 1.5, 2.0], [b"", b"", b""]),  # a boosted field
        entry([1, 2], [1.0, 3.0], [b"\x01\x02", b""]),  # a format with values
        entry([10, 999_999], [1.0, 1.0], [b"", b""], inline=False),
        entry([10, 20], [2.0, 2.0], [b"", b""], inline=False),
    ]
    for info in cases:
        data = info.to_bytes()
        back = CompactTermInfo.from_bytes(data)
        assert same(back, info), info.__dict__
        stored = BufferFile(b"xx" + data + b"\xff" * 70)  # entries follow one another
        assert CompactTermInfo.read_doc_freq(stored, 2) == info.doc_frequency()


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
    writer.commit(optimize=True)  # merges both segments
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
    with index.reader() as reader:
        assert reader.doc_frequency("words", "甲乙") == 3
        assert reader.term_info("words", "丙丁").doc_frequency() == 2


def test_a_merge_with_deletions_and_new_documents_keeps_every_live_posting_in_order():
    """Merged segments' postings are streamed, not re-sorted: long posting lists (in the
    postings file), short ones (in the entry), deleted documents and the merging writer's own
    new documents must all come out as a fresh index of the live documents would have them."""
    schema = Schema(key=ID(stored=True, unique=True), words=KEYWORD)
    index = RamStorage().create_index(schema)
    words = ["甲乙", "丙丁", "戊己", "庚辛"]
    live: dict[str, set[str]] = {}

    def text(n: int) -> str:
        return " ".join(w for i, w in enumerate(words) if n % (i + 2) == 0) or "壬癸"

    for first in (0, 40, 80):  # three segments of 40 documents
        writer = PortalSegmentWriter(index, codec=PortalCodec())
        for n in range(first, first + 40):
            writer.add_document(key=str(n), words=text(n))
            live[str(n)] = set(text(n).split())
        writer.commit(merge=False)
    writer = PortalSegmentWriter(index, codec=PortalCodec())
    for n in range(45, 75, 3):  # deletions in two of the segments
        writer.delete_by_term("key", str(n))
        del live[str(n)]
    for n in range(200, 212):  # and new documents in the merging writer
        writer.add_document(key=str(n), words=text(n) + " 子丑")
        live[str(n)] = set(text(n).split()) | {"子丑"}
    writer.commit(optimize=True)
    assert len(index._segments()) == 1
    with index.searcher() as searcher:
        reader = searcher.reader()
        assert reader.doc_count_all() == len(live) and not reader.has_deletions()
        for word in [*words, "壬癸", "子丑"]:
            ids = list(reader.postings("words", word).all_ids())
            assert ids == sorted(ids)
            found = sorted(searcher.stored_fields(d)["key"] for d in ids)
            assert found == sorted(k for k, w in live.items() if word in w), word
            assert reader.doc_frequency("words", word) == len(found)
        assert reader.doc_frequency("words", "甲乙") > 8  # a list in the postings file


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
