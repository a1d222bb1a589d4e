"""Segments' texts in shared mapped files: the same texts back, the same counts on bytes.

Every server process maps these files instead of decoding the library into its own memory,
so what they return must be exactly the index's normalised texts, and phrase counts on UTF-8
bytes must equal the counts on text, word boundaries included.
"""

from __future__ import annotations

from search.core.analysis import normalise
from search.core.plan import PhraseCheck
from search.core.query import parse_query
from search.engines.whoosh.text_store import (
    TextColumn,
    column_path,
    open_column,
    prune,
    store_folder,
    write_column,
)
from tests.conftest import seed_text

TEXTS = [normalise(seed_text("000")), "", None, "gdp增长5g基站15g", normalise("營商環境 RCEP")]


def test_a_column_gives_back_every_text_and_its_length(tmp_path):
    path = tmp_path / "seg.text"
    write_column(path, (t.encode("utf-8") if t is not None else None for t in TEXTS))
    column = TextColumn(path)
    expected = [t or "" for t in TEXTS]
    assert len(column) == len(expected)
    assert [column[d] for d in range(len(column))] == expected
    assert [column.length(d) for d in range(len(column))] == [len(t) for t in expected]
    assert column.total_chars == sum(map(len, expected))
    assert column.pick_raw([3, 0]) == [expected[3].encode(), expected[0].encode()]
    assert [p.name for p in tmp_path.iterdir()] == ["seg.text"]  # no temporary file left


def test_a_column_is_written_once_and_old_segments_are_pruned(tmp_path):
    index = tmp_path / "index"
    calls = []

    def values():
        calls.append(1)
        return [b"abc", b"\xe4\xb8\xad"]

    first = open_column(index, "seg_a", "text", values)
    again = open_column(index, "seg_a", "text", values)
    assert calls == [1] and again[1] == first[1] == "中"
    open_column(index, "seg_b", "text", values)
    assert column_path(index, "seg_a", "text").parent == store_folder(index)

    prune(index, keep={"seg_b"})

    assert sorted(p.name for p in store_folder(index).iterdir()) == ["seg_b.text"]
    assert first[0] == "abc"  # a mapped column stays readable after its file is gone


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


def test_every_count_of_texts_reads_back_aligned(tmp_path):
    for count in range(4):
        path = tmp_path / f"n{count}"
        write_column(path, [f"第{n}段".encode() for n in range(count)])
        column = TextColumn(path)
        assert [column[d] for d in range(len(column))] == [f"第{n}段" for n in range(count)]
        assert path.stat().st_size % 8 == 0


def test_a_file_of_another_layout_is_written_again(tmp_path):
    index = tmp_path / "index"
    path = column_path(index, "seg", "text")
    path.parent.mkdir(parents=True)
    path.write_bytes(b"PTEXT01\n" + b"\0" * 16)
    assert open_column(index, "seg", "text", lambda: [b"abc"])[0] == "abc"
