"""Segments' texts in mapped column files: the same texts back, the same counts on bytes.

Every server process maps these columns instead of decoding the library into its own memory,
so what they return must be exactly the index's normalised texts, and phrase counts on UTF-8
bytes must equal the counts on text, word boundaries included.
"""

from __future__ import annotations

import mmap

from whoosh.filedb.filestore import FileStorage, RamStorage

from search.core.analysis import normalise
from search.core.plan import PhraseCheck
from search.core.query import parse_query
from search.engines.whoosh.text_store import (
    MappedTextColumn,
    empty_texts,
    mapped_bytes,
    remove_legacy_folder,
)
from tests.conftest import seed_text

TEXTS = [normalise(seed_text("000")), "", None, "gdp增长5g基站15g", normalise("營商環境 RCEP")]


def write(storage, name: str, values: dict[int, bytes], count: int) -> None:
    """A column as Whoosh writes one: values for some documents, then ``finish``."""
    out = storage.create_file(name)
    writer = MappedTextColumn().writer(out)
    for doc, value in sorted(values.items()):
        writer.add(doc, value)
    writer.finish(count)
    out.close()


def read(storage, name: str, count: int):
    return MappedTextColumn().reader(storage.open_file(name), 0, storage.file_length(name), count)


def test_a_column_gives_back_every_text_and_its_length(tmp_path):
    storage = FileStorage(str(tmp_path))
    values = {d: t.encode("utf-8") for d, t in enumerate(TEXTS) if t is not None}
    write(storage, "seg.text.col", values, len(TEXTS))

    reader = read(storage, "seg.text.col", len(TEXTS))
    column = reader.texts
    expected = [t or "" for t in TEXTS]
    assert isinstance(column._map, mmap.mmap)  # mapped, not read into this process
    assert len(column) == len(expected)
    assert [column[d] for d in range(len(column))] == expected
    assert [column.length(d) for d in range(len(column))] == [len(t) for t in expected]
    assert column.total_chars == sum(map(len, expected))
    assert column.pick_raw([3, 0]) == [expected[3].encode(), expected[0].encode()]
    # What Whoosh copies when it merges segments: the bytes it was given.
    assert list(reader) == [t.encode("utf-8") for t in expected]
    assert reader[4] == expected[4].encode("utf-8")
    assert mapped_bytes(tmp_path) == (tmp_path / "seg.text.col").stat().st_size


def test_documents_after_the_last_value_are_empty(tmp_path):
    storage = FileStorage(str(tmp_path))
    write(storage, "c", {1: "第一段".encode()}, 4)
    column = read(storage, "c", 4).texts
    assert [column[d] for d in range(4)] == ["", "第一段", "", ""]


def test_an_in_memory_column_is_read_without_a_file():
    storage = RamStorage()
    write(storage, "c", {0: b"abc", 1: "中".encode()}, 2)
    column = read(storage, "c", 2).texts
    assert [column[0], column[1]] == ["abc", "中"]


def test_every_count_of_texts_reads_back_aligned(tmp_path):
    storage = FileStorage(str(tmp_path))
    for count in range(4):
        name = f"n{count}"
        write(storage, name, {n: f"第{n}段".encode() for n in range(count)}, count)
        column = read(storage, name, count).texts
        assert [column[d] for d in range(len(column))] == [f"第{n}段" for n in range(count)]
        assert (tmp_path / name).stat().st_size % 8 == 0
    assert [empty_texts(3)[d] for d in range(3)] == ["", "", ""]


def test_a_file_of_another_layout_is_refused(tmp_path):
    (tmp_path / "old").write_bytes(b"PTEXT02\n" + b"\0" * 16)
    storage = FileStorage(str(tmp_path))
    try:
        read(storage, "old", 0)
    except ValueError as error:
        assert "layout" in str(error)
    else:
        raise AssertionError("an old layout was read")
    assert mapped_bytes(tmp_path) == 0


def test_the_text_folder_of_earlier_versions_is_removed(tmp_path):
    legacy = tmp_path / ".index.texts"
    legacy.mkdir()
    (legacy / "seg.text").write_bytes(b"x")
    (tmp_path / ".index-1").mkdir()
    remove_legacy_folder(tmp_path / "index")
    assert sorted(p.name for p in tmp_path.iterdir()) == [".index-1"]


def check(query: str) -> PhraseCheck:
    (phrase,) = parse_query(query).positive
    return PhraseCheck.of(phrase)


def test_counts_on_bytes_equal_counts_on_text():
    texts = [t or "" for t in TEXTS]
    raw = [t.encode("utf-8") for t in texts]
    for query in ("营商环境", "營商環境", "5g", "gdp", "优化", "rcep", "环境"):
        phrase = check(query)
        assert phrase.counts_raw(raw) == phrase.counts(texts), query
        assert [phrase.found_raw(r) for r in raw] == [phrase.found(t) for t in texts], query
    assert check("5g").counts_raw(raw)[3] == 1  # not inside 15g


def test_a_merge_of_segments_keeps_every_text(tmp_path):
    """Whoosh copies a column through its reader when it merges segments: the texts of both
    segments, documents without a value included, come out in the merged one."""
    from whoosh.fields import ID, Schema
    from whoosh.filedb.filestore import FileStorage

    from search.engines.whoosh.fields import NormalisedColumn
    from search.engines.whoosh.writing import PortalCodec, PortalSegmentWriter

    schema = Schema(key=ID(sortable=True), body=NormalisedColumn())
    index = FileStorage(str(tmp_path)).create_index(schema)
    batches = [[("a", "營商環境"), ("b", None)], [("c", "一网通办"), ("d", "RCEP")]]
    for batch in batches:
        writer = PortalSegmentWriter(index, codec=PortalCodec())
        for key, body in batch:
            writer.add_document(key=key, **({"body": body} if body is not None else {}))
        writer.commit()
    writer = PortalSegmentWriter(index, codec=PortalCodec())
    writer.commit(optimize=True)
    assert len(index._segments()) == 1
    with index.reader() as reader:
        keys = list(reader.column_reader("key"))
        texts = reader.column_reader("body", translate=False).texts
        assert {k: texts[d] for d, k in enumerate(keys)} == {
            "a": "营商环境",
            "b": "",
            "c": "一网通办",
            "d": "rcep",
        }
