"""The benchmark's peers, each engine normalised and as shipped, against the substring truth.

The sections are the lines of the five real seed releases, each with its seed's year, region and
kind (``fixtures/seeds/README.md``); seed 000 is written in Traditional script, the others in
Simplified. Every comparison is with a truth that is checked to be non-empty, so a peer that
finds nothing cannot pass.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from quality.bench.peers import (
    Fts5Trigram,
    Fts5TrigramStock,
    JiebaWhoosh,
    JiebaWhooshStock,
    Peer,
    SubstringScan,
    XapianNgram,
    XapianNgramStock,
    answered,
    peers,
)
from quality.bench.queries import (
    BenchQuery,
    Row,
    UnsupportedQuery,
    load_queries,
    truth,
)
from search.core.analysis import normalise
from tests.conftest import seed_text

#: Seed → (year, region code, kind), as the seeds' README gives them (003 states no year).
SEEDS = {
    "000": (2024, "620300", "press_conference"),  # 金昌, Traditional script
    "001": (2024, "620700", "press_conference"),  # 张掖
    "002": (2021, "430300", "news"),  # 湘潭
    "003": (0, "370400", "news"),  # 枣庄
    "004": (2023, "150100", "work_report"),  # 呼和浩特
}
TRADITIONAL_SEED = 0

_NO_XAPIAN = pytest.mark.skipif(
    not XapianNgram.available(), reason="the xapian bindings are not installed"
)


def _param(cls: type[Peer]) -> object:
    marks = [_NO_XAPIAN] if issubclass(cls, XapianNgram) else []
    return pytest.param(cls, id=cls.name, marks=marks)


NORMALISED = [SubstringScan, Fts5Trigram, JiebaWhoosh, XapianNgram]
STOCK = [Fts5TrigramStock, JiebaWhooshStock, XapianNgramStock]

#: Queries every variant answers exactly: their sections are written alike in both scripts, or
#: the filter keeps to Simplified seeds (a phrase, OR, NOT, each filter, short and long phrases).
EVERY_VARIANT = [
    "招商",
    "民营企业",
    "深化改革",
    "民营企业 OR 信用修复",
    "就业 OR 证照分离",
    "营商 -环境",
    "招商 NOT 营商环境 year:2021",
    "营商环境 -招商 province:内蒙古",
    "营商环境 province:内蒙古",
    "改革 province:甘肃",
    "营商环境 year:2021",
    "营商环境 kind:work_report",
    "营商环境 OR 民营企业 province:山东",
    "营商环境 -政务 province:内蒙古",
]
#: Queries only the normalised variants answer exactly: a Traditional-script query, or
#: sections written in both scripts.
NORMALISED_ONLY = [
    "營商環境",
    "營商環境 province:甘肃",
    "营商环境 OR 营商环节",
    "营商环境 NOT 招商",
    "审批 -營商環境",
    "营商环境 region:金昌",
]


def seed_rows() -> list[Row]:
    rows: list[Row] = []
    for prefix, (year, region, kind) in SEEDS.items():
        for line in seed_text(prefix).splitlines():
            text = line.strip()
            if text:
                rows.append(
                    Row(len(rows) + 1, int(prefix), text, normalise(text), year, region, kind)
                )
    return rows


@pytest.fixture(scope="module")
def rows() -> list[Row]:
    return seed_rows()


@pytest.fixture(scope="module")
def built(rows) -> Iterator[dict[type[Peer], Peer]]:
    """Each peer built once for the module, on first use."""
    cache: dict[type[Peer], Peer] = {}
    yield cache
    for peer in cache.values():
        peer.close()


def _built(cache: dict[type[Peer], Peer], cls: type[Peer], rows: list[Row]) -> Peer:
    if cls not in cache:
        cache[cls] = cls()
        cache[cls].build(rows)
    return cache[cls]


@pytest.fixture(params=[_param(cls) for cls in NORMALISED + STOCK])
def peer(request, built, rows) -> Peer:
    return _built(built, request.param, rows)


@pytest.fixture(params=[_param(cls) for cls in NORMALISED])
def normalised_peer(request, built, rows) -> Peer:
    return _built(built, request.param, rows)


@pytest.fixture(params=[_param(cls) for cls in STOCK])
def stock_peer(request, built, rows) -> Peer:
    return _built(built, request.param, rows)


def _truth(text: str, rows: list[Row]) -> set[int]:
    found = truth(BenchQuery(text, "").parsed, rows)
    assert found, f"the truth of {text!r} is empty: the test would prove nothing"
    return found


@pytest.mark.parametrize("text", EVERY_VARIANT)
def test_peer_finds_exactly_the_substring_truth(peer, rows, text):
    query = BenchQuery(text, "")
    assert peer.excluded(query) is None
    assert peer.matches(query) == _truth(text, rows)


@pytest.mark.parametrize("text", NORMALISED_ONLY)
def test_normalised_peer_finds_either_script_exactly(normalised_peer, rows, text):
    assert normalised_peer.matches(BenchQuery(text, "")) == _truth(text, rows)


def test_stock_peer_finds_only_sections_written_in_the_script_typed(stock_peer, rows):
    expected = _truth("營商環境", rows)
    traditional = {r.section for r in rows if r.release == TRADITIONAL_SEED} & expected
    assert traditional and traditional != expected
    assert stock_peer.matches(BenchQuery("營商環境", "")) == traditional


def test_fts5_misses_as_shipped_what_only_normalisation_finds(built, rows):
    query = BenchQuery("营商环境", "")
    expected = _truth(query.text, rows)
    normalised = _built(built, Fts5Trigram, rows).matches(query)
    stock = _built(built, Fts5TrigramStock, rows).matches(query)
    assert normalised == expected
    missed = expected - stock
    assert missed and stock
    by_section = {r.section: r for r in rows}
    # Exactly the sections written in Traditional script: the same engine, the same phrase.
    assert all(by_section[s].release == TRADITIONAL_SEED for s in missed)
    assert all("營商環境" in by_section[s].raw for s in missed)


def test_fts5_finds_phrases_shorter_than_a_trigram_by_a_scan(built, rows):
    fts = _built(built, Fts5Trigram, rows)
    # The trigram index itself finds no two-character string …
    assert fts.db.execute("SELECT rowid FROM f WHERE f MATCH ?", ('"民生"',)).fetchall() == []
    # … so such a phrase, alone, in an OR group or excluded, is looked for in the text.
    for text in ("民生 OR 医保", "经济发展 -就业", "就业"):
        query = BenchQuery(text, "")
        assert fts.excluded(query) is None
        assert fts.matches(query) == _truth(text, rows)
        assert "instr(content, ?)" in fts.statement(query.parsed)[0]


def test_jieba_whoosh_misses_where_jieba_cuts_the_text_differently(built, rows):
    """Normalisation does not fix segmentation: 民生 inside a longer word is not found."""
    expected = _truth("民生", rows)
    found = _built(built, JiebaWhoosh, rows).matches(BenchQuery("民生", ""))
    assert found < expected


@pytest.mark.parametrize("cls", [JiebaWhoosh, JiebaWhooshStock])
@pytest.mark.parametrize("text", ["的", "营商环境 OR 和", "营商环境 -的"])
def test_jieba_whoosh_excludes_phrases_its_analyzer_drops(cls, text):
    reason = cls().excluded(BenchQuery(text, ""))  # asked before any index is built
    assert reason is not None
    assert "ChineseAnalyzer" in reason and text.split()[-1].lstrip("-") in reason


@_NO_XAPIAN
def test_xapian_excludes_a_phrase_without_terms():
    reason = XapianNgram().excluded(BenchQuery("营商环境 OR ，", ""))
    assert reason is not None and "no term" in reason
    assert XapianNgram().excluded(BenchQuery("营商环境 OR 营商环节", "")) is None


def test_answered_splits_queries_and_gives_the_reasons():
    queries = [BenchQuery("营商环境", ""), BenchQuery("的", ""), BenchQuery("和", "")]
    kept, reasons = answered(JiebaWhoosh(), queries)
    assert kept == queries[:1]
    assert set(reasons) == {"的", "和"} and all(reasons.values())
    assert answered(Fts5Trigram(), queries) == (queries, {})
    assert answered(SubstringScan(), queries) == (queries, {})


def test_each_engine_runs_normalised_and_as_shipped():
    found = peers()
    assert found[0].name == "substring_scan"
    engines = {p.engine for p in found[1:]}
    for engine in engines:
        variants = {p.name: p for p in found if p.engine == engine}
        assert set(variants) == {engine, f"{engine}_stock"}
        assert variants[engine].normalised and "normalised" in variants[engine].label
        stock = variants[f"{engine}_stock"]
        assert not stock.normalised and "as shipped" in stock.label
    assert {"fts5_trigram", "jieba_whoosh"} <= engines
    assert ("xapian_ngram" in engines) == XapianNgram.available()


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("营商环境 year:2020-2022", "one four-digit year"),
        ("营商环境 year:unknown", "one four-digit year"),
        ("营商环境 speaker:张三", "speaker:"),
        ("营商环境 from:2020", "from:"),
        ("营商环境 to:2021", "to:"),
        ("营商环境 topic:营商环境", "topic:"),
        ("营商环境 validity:current", "validity:"),
        ("营商环境 kind:新闻", "stored values"),
        ("营商环境 province:金昌", "no province"),
        ("营商环境 region:湘潭", "2 divisions"),
        ("营商环境 year:2020 year:2021", "more than once"),
        ("-营商环境", "no phrase"),
        ("营商环境 OR", "reinterpret"),
    ],
)
def test_truth_refuses_what_it_does_not_implement(rows, text, says):
    with pytest.raises(UnsupportedQuery, match=says):
        truth(BenchQuery(text, "").parsed, rows)


def test_loading_refuses_a_query_the_truth_cannot_judge(tmp_path):
    path = tmp_path / "queries.jsonl"
    lines = [{"q": "营商环境", "tag": "common"}, {"q": "营商环境 year:2019-2020", "tag": "filter"}]
    path.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in lines), "utf-8")
    with pytest.raises(UnsupportedQuery, match=r"queries\.jsonl:2: .*year:2019-2020"):
        load_queries(path)


def test_shipped_queries_use_or_not_and_every_filter_the_truth_knows():
    parsed = [q.parsed for q in load_queries()]
    assert any(len(group) > 1 for p in parsed for group in p.groups)
    assert any(p.excluded for p in parsed)
    used = {key for p in parsed for key in p.filters}
    assert used == {"year", "province", "region", "kind"}
