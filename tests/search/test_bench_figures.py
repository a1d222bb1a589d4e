"""The benchmark figures in the docs come from the runs' JSON, and workers start warm.

``run_benchmark --render`` rewrites only the marked blocks, names each run's corpus, date and
machine, and refuses a page that lost its markers; ``warm_up`` loads the columns a search reads
before a worker serves, so its first query does not pay for them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from quality.bench.figures import (
    peers_table,
    render,
    replace_block,
    scaling_table,
    sizing_table,
    summary_table,
)


def run(releases: int, p95: float) -> dict:
    """A stored run as ``quality.bench.run`` writes it (the keys the tables read)."""
    return {
        "releases_requested": releases,
        "date": "2026-12-06 15:00 UTC",
        "commit": "abc1234",
        "machine": {"cpus": 2, "cpu": "Test CPU", "python": "3.11.7", "memory_gb": 24.0},
        "corpus": {"releases": releases, "sections": releases * 27, "chars": releases * 15_000},
        "corpus_origin": {
            "chars": releases * 15_000,
            "real_chars": 1_100_000,
            "generated_chars": releases * 15_000 - 1_100_000,
            "unique_share": 0.97,
        },
        "text_bytes": releases * 45_000,
        "index_bytes": releases * 90_000,
        "import_s": 100.0,
        "import_chars_per_s": 150_000,
        "rebuild_s": 80.0,
        "api_ms": {"p50": 9.0, "p95": p95, "max": 120.0},
        "page_ms": {"p50": 20.0, "p95": 55.0, "max": 90.0},
        "publish_to_searchable_s": 0.3,
        "first_query_ms": 40.0,
        "warm_up_s": 2.0,
        "server_rss_mb": 380.0,
        "workers_rss_mb": {"processes": 5, "rss_sum": 1600.0, "pss_sum": 1400.0},
        "recall": 1.0,
        "peers": {
            "substring_scan": {
                "label": "substring scan",
                "p50_ms": 30.0,
                "p95_ms": 45.0,
                "recall": 1.0,
            },
            "xapian_ngram": {
                "label": "Xapian (normalised)",
                "p50_ms": 3.0,
                "p95_ms": 20.0,
                "recall": 1.0,
                "excluded": {"税": "one character"},
            },
        },
    }


def test_summary_names_corpus_date_and_machine_and_holds_figures_to_the_targets():
    text = summary_table(run(1000, 28.0))
    assert "1.1 M real + 13.9 M generated characters, 97% unique" in text
    assert "measured 2026-12-06 15:00 UTC at commit abc1234 on 2 CPUs (Test CPU)" in text
    assert (
        "| API p50 / p95 / max (snippets, facets) | 9.0 / 28.0 / 120.0 ms "
        "| p50 ≤ 10, p95 ≤ 30, max ≤ 150 |"
    ) in text
    assert "| 4 workers + master (PSS summed; RSS summed) | 1,400.0 MB; 1,600.0 MB |" in text


def test_ten_times_runs_are_held_to_the_ten_times_targets():
    assert "| p50 ≤ 20, p95 ≤ 80 |" in summary_table(run(10000, 70.0))


def test_peers_table_counts_the_queries_a_peer_left_out():
    lines = peers_table(run(1000, 28.0)).splitlines()
    assert lines[2].startswith("| portal (HTTP API") and lines[-1].endswith("| 1 |")


def test_scaling_table_puts_sizes_side_by_side():
    text = scaling_table({1000: run(1000, 28.0), 10000: run(10000, 70.0)})
    assert text.splitlines()[0] == "| figure | 1× | 10× |"
    assert "| API p50 / p95 / max | 9.0 / 28.0 / 120.0 ms | 9.0 / 70.0 / 120.0 ms |" in text


def test_render_rewrites_only_the_marked_blocks(tmp_path):
    bench = tmp_path / "bench"
    (bench / "runs").mkdir(parents=True)
    (bench / "runs" / "1000.json").write_text(json.dumps(run(1000, 28.0)), encoding="utf-8")
    (tmp_path / "docs").mkdir()
    readme = tmp_path / "README.md"
    readme.write_text(
        "before\n<!-- bench:summary -->\nold\n<!-- /bench:summary -->\nmiddle\n"
        "<!-- bench:peers -->\nold\n<!-- /bench:peers -->\nafter\n",
        encoding="utf-8",
    )
    scaling = tmp_path / "docs" / "scaling.md"
    scaling.write_text(
        "<!-- bench:scaling -->\n<!-- /bench:scaling -->\n"
        "<!-- bench:sizing -->\n<!-- /bench:sizing -->\n",
        encoding="utf-8",
    )

    assert render(bench, tmp_path) == [readme, scaling]

    text = readme.read_text(encoding="utf-8")
    assert text.startswith("before\n<!-- bench:summary -->\n1,000 releases")
    assert "old" not in text and "\nmiddle\n" in text and text.endswith("after\n")
    assert render(bench, tmp_path) == []  # nothing new to write


def test_sizing_is_labelled_an_extrapolation_from_the_largest_run():
    text = sizing_table({1000: run(1000, 28.0), 10000: run(10000, 70.0)})
    assert text.startswith("Extrapolated linearly from the 10× run (150 M characters, ×10.0)")
    assert "| characters | 1.50 G (15,000 a release, as in the run) |" in text
    assert "PSS" not in text  # memory does not grow linearly: not extrapolated


def test_a_page_without_its_markers_is_refused():
    with pytest.raises(ValueError, match="no <!-- bench:summary -->"):
        replace_block("no markers here", "summary", "table")


def test_render_needs_a_one_times_run(tmp_path):
    with pytest.raises(ValueError, match="no 1× run"):
        render(tmp_path, Path(tmp_path))


@pytest.mark.django_db
def test_warm_up_loads_the_columns_before_the_first_search(seeds):
    from haystack import connections

    from search.core.warmup import warm_up
    from search.engines.whoosh import matching
    from tests.search.scan import forget_searchers

    forget_searchers()
    assert not matching._segments
    assert warm_up() >= 0
    loaded = list(matching._segments.values())
    assert loaded, "the segments' columns are loaded"
    assert all(data.text_chars.get("text") is not None for data in loaded)
    assert connections["default"].get_backend().searcher() is not None


@pytest.mark.django_db
def test_warm_up_answers_one_search_so_the_first_reader_does_not_build_its_caches(seeds):
    from search.core import region_cache
    from search.core.warmup import WARM_QUERY, warm_up
    from tests.search.scan import forget_searchers

    forget_searchers()
    region_cache.forget_regions()
    warm_up()
    seed_regions = {release.region.code for release in seeds.values() if WARM_QUERY in release.text}
    assert seed_regions, "the warm-up word is in the seed releases"
    assert seed_regions <= set(region_cache._regions), "facet regions were looked up once"


@pytest.mark.django_db
def test_a_warm_up_whose_search_fails_is_logged_and_the_worker_still_starts(
    seeds, monkeypatch, caplog
):
    from django.db import OperationalError

    from search.core import warmup

    def broken(*_args, **_kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(warmup, "search_sections", broken)
    with caplog.at_level("WARNING", logger="search.core.warmup"):
        assert warmup.warm_up() >= 0
    assert "search warm-up skipped: database is locked" in caplog.text
