"""parse_eval's comparisons and command, on the in-repo labelled set only (no snapshots).

No accuracy threshold is asserted: the parser is being changed; these tests pin how it is
measured, not how well it does.
"""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from documents.corpus.labelled import LabelledDoc, read_jsonl, write_jsonl
from documents.corpus.scoring import (
    FIELDS,
    Parsed,
    doc_number_key,
    markdown_table,
    score,
    surviving,
    tally,
)


def _doc(**fields) -> LabelledDoc:
    return LabelledDoc(id="t-1", source="test", split="dev", **fields)


def _outcomes(doc, parsed, furniture=()):
    return {o.field: o for o in score(doc, parsed, furniture)}


@pytest.mark.parametrize(
    "written",
    [
        "国发〔2019〕5号",
        "国发[2019]5号",
        "国发（2019）5号",
        "国发(2019)5号",
        "国发［２０１９］５号",
        "国发 〔2019〕 5号",
    ],
)
def test_doc_numbers_match_across_bracket_styles_and_widths(written):
    assert doc_number_key(written) == doc_number_key("国发〔2019〕5号")
    assert doc_number_key(written) != doc_number_key("国发〔2019〕6号")


def test_empty_truth_is_not_scored():
    results = _outcomes(_doc(title="某某条例"), Parsed(title="某某条例"))
    assert set(results) == {"title", "sections"}
    assert results["title"].ok


def test_title_compares_after_nfkc_and_whitespace_but_not_script():
    doc = _doc(title="臺南市 優化營商環境（2024）")
    assert _outcomes(doc, Parsed(title="臺南市優化營商環境(2024)"))["title"].ok
    assert not _outcomes(doc, Parsed(title="台南市优化营商环境(2024)"))["title"].ok


def test_dates_compare_at_the_truths_precision():
    year = _doc(published="2024")
    assert _outcomes(year, Parsed(published="2024-03-05", published_precision="day"))[
        "published"
    ].ok
    day = _doc(published="2024-03-05")
    vague = Parsed(published="2024-01-01", published_precision="year")
    assert not _outcomes(day, vague)["published"].ok


def test_region_by_code_and_unrepresentable_places_expect_none():
    city = _doc(region="金昌市")
    assert _outcomes(city, Parsed(region_code="620300", region_name="金昌市"))["region"].ok
    assert not _outcomes(city, Parsed(region_code="620700", region_name="张掖市"))["region"].ok
    tainan = _doc(region="臺南市", province="臺灣")
    results = _outcomes(tainan, Parsed())
    assert results["region"].ok and results["province"].ok
    assert not _outcomes(tainan, Parsed(region_code="620300"))["region"].ok


def test_province_of_a_city_and_of_the_nation():
    assert _outcomes(_doc(province="甘肃省"), Parsed(region_code="620300"))["province"].ok
    assert _outcomes(_doc(province="全国"), Parsed(region_code="000000"))["province"].ok


def test_furniture_left_counts_only_lines_beyond_the_true_text():
    doc = _doc(title="某市条例", text="第一条 为了规范管理，制定本条例。")
    furniture = (("toolbar", "【打印】 【关闭】"), ("title_repeat", "某市条例"))
    clean = "某市条例\n第一条 为了规范管理，制定本条例。"
    assert surviving(doc, clean, furniture) == []
    assert surviving(doc, clean + "\n【打印】【关闭】\n某市条例", furniture) == [
        "【打印】 【关闭】",
        "某市条例",
    ]
    results = _outcomes(doc, Parsed(body=clean, sections=(("", "第一条"),)), furniture)
    assert results["furniture"].ok and results["sections"].ok


def test_a_section_that_is_only_furniture_fails():
    furniture = (("editor", "责任编辑：王磊"),)
    parsed = Parsed(body="x", sections=(("", "正文"), ("", "责任编辑：王磊")))
    assert not _outcomes(_doc(), parsed, furniture)["sections"].ok


def test_errors_fail_every_scored_field():
    results = _outcomes(_doc(title="某某", kind="news"), Parsed(error="没有正文"))
    assert not any(o.ok for o in results.values())


def test_tally_reports_n_and_accuracy_per_split():
    rows = [
        {"split": "dev", "field": "title", "ok": True},
        {"split": "dev", "field": "title", "ok": False},
        {"split": "test", "field": "kind", "ok": True},
    ]
    summary = tally(rows)
    assert summary["dev"]["title"] == {"n": 2, "ok": 1, "accuracy": 0.5}
    assert summary["all"]["title"]["n"] == 2 and summary["test"]["kind"]["accuracy"] == 1.0


def test_labelled_docs_round_trip_through_jsonl(tmp_path):
    doc = _doc(title="标题", kind="normative", published="2024-01-02", meta={"k": "v"})
    write_jsonl([doc], tmp_path / "truth.jsonl")
    assert list(read_jsonl(tmp_path / "truth.jsonl")) == [doc]
    with pytest.raises(ValueError):
        _doc(kind="nonsense")


def test_parse_eval_command_writes_json_and_prints_a_table(tmp_path):
    target = tmp_path / "eval.json"
    out = StringIO()
    call_command(
        "evaluate_parsing", "--repo-only", "--json", str(target), "--misses", "2", stdout=out
    )
    report = json.loads(target.read_text(encoding="utf-8"))
    dev = report["summary"]["dev"]
    for field in ("title", "region", "province", "published", "kind", "furniture", "sections"):
        assert dev[field]["n"] > 0
        assert 0.0 <= dev[field]["accuracy"] <= 1.0
    assert report["counts"]["split"] == {"dev": 77}
    assert report["wall_s"] >= 0
    printed = out.getvalue()
    assert "dev acc" in printed
    assert all(field in printed for field in FIELDS)


def test_markdown_table_states_each_target_and_whether_test_meets_it():
    summary = {
        "dev": {"title": {"n": 4, "ok": 4, "accuracy": 1.0}},
        "test": {"title": {"n": 4, "ok": 3, "accuracy": 0.75}},
    }
    rendered = markdown_table(summary)
    assert "| title | 100.0% (4) | 75.0% (4) | ≥ 0.97 not met |" in rendered


def test_the_in_repo_real_releases_parse_right_in_every_variant(tmp_path):
    """The seeds and the national reports, as uploaded (copied with furniture, saved pages,
    GB18030): the fields their sources state come out right. A regression floor, not a target."""
    target = tmp_path / "eval.json"
    call_command("evaluate_parsing", "--repo-only", "--json", str(target), stdout=StringIO())
    dev = json.loads(target.read_text(encoding="utf-8"))["summary"]["dev"]
    for field in ("title", "region", "province", "published", "kind", "furniture", "sections"):
        assert dev[field]["accuracy"] >= 0.97, (field, dev[field])
