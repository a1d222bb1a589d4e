"""The benchmark's parts: a corpus that does not collapse, a truth that never misses, honest peers.

The full run (``make bench``) takes minutes and prints numbers; these check, on small inputs
from the real seeds, that what it measures is measured right.
"""

from __future__ import annotations

import json

import pytest

from documents.gazetteer import lookup
from documents.ingest import parse_text
from documents.ingest.metadata import parse_date
from quality.bench.corpus import build_rows, write_corpus
from quality.bench.peers import Fts5Trigram, Fts5TrigramStock, JiebaWhooshStock, SubstringScan
from quality.bench.queries import BenchQuery, Row, truth
from quality.bench.report import growth, table
from quality.bench.timing import percentiles
from search.core.analysis import normalise
from tests.conftest import seed_text


def test_corpus_copies_differ_and_carry_real_regions_and_dates():
    rows = list(build_rows(releases=80, min_chars=0))
    assert len(rows) == 80
    assert len({parse_text(r["text"]).content_hash for r in rows[:80:7]}) == len(rows[:80:7])
    for row in rows[:10]:
        assert lookup(row["region"]) is not None
        assert parse_date(row["date"]) is not None
    assert list(build_rows(releases=5, min_chars=0)) == rows[:5]  # deterministic


def test_corpus_reaches_the_character_floor():
    rows = list(build_rows(releases=10, min_chars=2_000_000))  # scaled: 2 M × 10/1000
    assert sum(len(r["text"]) for r in rows) >= 20_000


def test_corpus_files_stay_within_the_import_size_limit(tmp_path, settings):
    settings.PORTAL_MAX_UPLOAD_BYTES = 600_000
    corpus = write_corpus(tmp_path, 20)
    files, count, chars = corpus.files, corpus.releases, corpus.chars
    assert len(files) > 1
    assert all(f.stat().st_size <= 600_000 for f in files)
    rows = [json.loads(line) for f in files for line in f.read_text(encoding="utf-8").splitlines()]
    assert rows == list(build_rows(releases=20))
    assert count == len(rows) and chars == sum(len(r["text"]) for r in rows)


def test_percentiles():
    figures = percentiles([float(n) for n in range(1, 101)])
    assert figures == {"p50": 50.0, "p95": 95.0, "max": 100.0}


def _rows() -> list[Row]:
    texts = {1: seed_text("000"), 2: seed_text("004"), 3: "市场监管局发布通知。"}
    years = {1: 2024, 2: 2023, 3: 2020}
    regions = {1: "620300", 2: "150100", 3: "620700"}
    return [
        Row(n, n, text, normalise(text), years[n], regions[n], "news") for n, text in texts.items()
    ]


def test_truth_folds_script_and_applies_filters():
    rows = _rows()
    assert truth(BenchQuery("营商环境", "").parsed, rows) == {1, 2}
    assert truth(BenchQuery("營商環境", "").parsed, rows) == {1, 2}
    assert truth(BenchQuery("营商环境 year:2023", "").parsed, rows) == {2}
    assert truth(BenchQuery("营商环境 province:甘肃", "").parsed, rows) == {1}


def test_peers_answer_as_their_recipes_do():
    rows = _rows()
    traditional = BenchQuery("營商環境", "")
    two_chars = BenchQuery("监管", "")
    scan = SubstringScan()
    scan.build(rows)
    assert scan.matches(traditional) == {1, 2}
    fts, fts_stock, stock = Fts5Trigram(), Fts5TrigramStock(), JiebaWhooshStock()
    for peer in (fts, fts_stock, stock):
        peer.build(rows)
    try:
        assert fts.matches(traditional) == {1, 2}  # fed the normalised text and query
        assert fts_stock.matches(traditional) == {1}  # only the text written in Traditional
        assert fts.matches(two_chars) == truth(two_chars.parsed, rows) == {1, 2, 3}  # a scan
        assert stock.matches(BenchQuery("营商环境", "")) == {2}  # the Simplified text only
    finally:
        for peer in (fts, fts_stock, stock):
            peer.close()


def _results(chars: int, p50: float, scan: float) -> dict:
    peer = {
        "label": "substring scan",
        "build_s": 0.0,
        "p50_ms": scan,
        "p95_ms": scan,
        "max_ms": scan,
        "recall": 1.0,
    }
    return {
        "releases_requested": 1000,
        "corpus": {"releases": 10, "sections": 100, "chars": chars},
        "text_bytes": chars * 3,
        "index_bytes": chars * 6,
        "import_s": 1.0,
        "import_chars_per_s": 200_000,
        "import_rss_mb": 100.0,
        "rebuild_s": 2.0,
        "api_ms": {"p50": p50, "p95": p50 * 2, "max": p50 * 3},
        "page_ms": {"p50": p50, "p95": p50 * 2, "max": p50 * 3},
        "publish_to_searchable_s": 1.0,
        "server_rss_mb": 200.0,
        "first_query_ms": 50.0,
        "warm_up_s": 1.5,
        "workers_rss_mb": {"processes": 5, "rss_sum": 900.0, "pss_sum": 700.0},
        "recall": 1.0,
        "api_slowest": [["营商环境", p50]],
        "missed_queries": [],
        "peers": {"substring_scan": peer},
    }


def test_report_marks_targets_and_growth():
    text = table(_results(1000, 30.0, 5.0))
    assert "MISS (<= 10)" in text and "ok  (>= 150000)" in text  # the 1× targets
    assert "first query of a new worker" in text and "ok  (<= 100)" in text
    ten_times = _results(1000, 30.0, 5.0) | {"releases_requested": 10000}
    assert "MISS (<= 20)" in table(ten_times)  # the 10× target for the median
    title, p50, p95 = growth(_results(1000, 10.0, 5.0), _results(3000, 12.0, 15.0))
    assert "from 1,000 to 3,000 characters (×3.0)" in title
    assert "portal 10.0 → 12.0 ms (×1.20)" in p50 and "scan 5.0 → 15.0 ms (×3.00)" in p50
    # ours ∝ size^0.166, the scan ∝ size: they meet at 1,000 × 2^(1/0.834) ≈ 2,296 characters
    assert "the index is faster beyond about 2,29" in p50
    assert "p95: portal 20.0 → 24.0 ms" in p95
    assert "size^0.17 vs size^1.00" in p50
    _title, faster, _ = growth(_results(1000, 4.0, 5.0), _results(3000, 12.0, 15.0))
    assert "faster at both sizes but grows as fast as the scan" in faster
    _title, slower, _ = growth(_results(1000, 10.0, 5.0), _results(3000, 40.0, 15.0))
    assert "does not catch up" in slower


def test_bench_peers_can_be_narrowed_by_name():
    from quality.bench.peers import peers

    assert [p.name for p in peers("substring_scan")] == ["substring_scan"]
    assert peers("none") == []
    assert [p.name for p in peers("all")][:5] == [
        "substring_scan",
        "fts5_trigram",
        "fts5_trigram_stock",
        "jieba_whoosh",
        "jieba_whoosh_stock",
    ]
    assert [p.name for p in peers("fts5_trigram_stock, substring_scan")] == [
        "substring_scan",
        "fts5_trigram_stock",
    ]
    with pytest.raises(ValueError, match="unknown peer nope"):
        peers("substring_scan,nope")


def test_growth_says_when_a_run_has_no_scan_figures():
    small, large = _results(1_000_000, 10.0, 20.0), _results(3_000_000, 14.0, 60.0)
    large["peers"] = {}
    lines = growth(small, large)
    assert "BENCH_PEERS left it out" in lines[-1]


def test_load_test_refuses_bad_arguments():
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--publishers must be at least 1"):
        call_command("run_load_test", "--publishers", "0")
    with pytest.raises(CommandError, match="must be a postgres:// URL"):
        call_command("run_load_test", "--database-url", "mysql://x/y")
