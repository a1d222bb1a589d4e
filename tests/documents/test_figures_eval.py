"""``manage.py figures_eval`` scores the extractor against labelled sentences."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from quality.figures.evaluate import evaluate
from quality.figures.labelled import (
    LABELLED_PATH,
    LabelledFigure,
    LabelledSentence,
    read_labelled,
    resolve,
    write_labelled,
)

ROOT = Path(__file__).resolve().parents[2]
SENTENCE = "企业开办全流程2.5小时办结,累计为1899户企业免费刻制印章。"


def _row(figures, split="test", **extra) -> LabelledSentence:
    return LabelledSentence(
        id="t-1", source="seed", release="r", split=split, figures=tuple(figures), **extra
    )


def test_the_labelled_set_is_large_enough_and_split_by_release():
    rows = list(read_labelled(ROOT / LABELLED_PATH))
    assert sum(len(r.figures) for r in rows) >= 300
    splits: dict[str, set[str]] = {}
    for row in rows:
        splits.setdefault(row.release, set()).add(row.split)
    assert all(len(s) == 1 for s in splits.values()), "a release in both splits"
    assert {r.split for r in rows} == {"dev", "test"}
    for row in rows:
        for figure in row.figures:
            assert not row.sentence or figure.text in row.sentence, row.id


def test_a_right_label_matches_and_a_wrong_measure_does_not():
    right = [
        LabelledFigure("2.5小时", "2.5", "小时", "time_limit"),
        LabelledFigure("1899户", "1899", "户", "entities"),
    ]
    report = evaluate([_row(right, sentence=SENTENCE)])["test"]
    assert (report.triple.matched, report.triple.truth) == (2, 2)
    wrong = [right[0], LabelledFigure("1899户", "1899", "户", "count")]
    report = evaluate([_row(wrong, sentence=SENTENCE)])["test"]
    assert report.triple.matched == 1
    assert report.number.matched == 2  # the number was read right, its measure was not
    assert report.errors[0]["missed"] == ["1899户 (count)"]


def test_magnitude_words_do_not_make_two_figures():
    labels = [LabelledFigure("2.8677亿亩", "28677", "万亩", "other")]
    report = evaluate([_row(labels, sentence="耕地面积2.8677亿亩。")])["test"]
    assert report.triple.matched == 1


def test_real_corpus_sentences_are_stored_as_references(tmp_path):
    doc_text = "前言。办理时限压缩至3个工作日。"
    truth = tmp_path / "truth.jsonl"
    truth.write_text(json.dumps({"id": "govcn-1", "text": doc_text}, ensure_ascii=False) + "\n")
    start = doc_text.index("办理")
    row = _row(
        [LabelledFigure("3个工作日", "3", "个工作日", "time_limit")],
        sentence=doc_text[start:],
        doc="govcn-1",
        start=start,
        end=len(doc_text),
    )
    path = tmp_path / "labelled.jsonl"
    write_labelled([row], path)
    stored = json.loads(path.read_text())
    assert "sentence" not in stored and stored["sha1"]
    resolved, missing = resolve(read_labelled(path), truth)
    assert missing == [] and resolved[0].sentence == doc_text[start:]
    resolved, missing = resolve(read_labelled(path), tmp_path / "absent.jsonl")
    assert resolved == [] and "not in" in missing[0]


@pytest.mark.django_db
def test_the_command_prints_both_splits_and_the_targets(tmp_path):
    out = StringIO()
    scores = tmp_path / "scores.json"
    call_command("figures_eval", "--json", str(scores), stdout=out)
    text = out.getvalue()
    assert "dev:" in text and "test:" in text and "targets on test" in text
    data = json.loads(scores.read_text())
    assert 0 < data["test"]["triple"]["precision"] <= 1
    assert data["all"]["triple"]["truth"] >= 300


def test_the_command_refuses_a_broken_file(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x"}\n')
    with pytest.raises(CommandError, match="not a labelled sentence"):
        call_command("figures_eval", "--labels", str(bad), stdout=StringIO())


def test_the_dev_sample_of_a_test_only_source_reads_other_documents(tmp_path, monkeypatch):
    from quality.figures import sample as sampling

    monkeypatch.setattr(sampling, "REAL_SAMPLE", {"govcn": (4, 1), "tainan": (2, 1)})
    monkeypatch.setattr(sampling, "REAL_DEV_SAMPLE", {"govcn": (3, 1)})
    truth = tmp_path / "truth.jsonl"
    docs = [
        {"id": f"govcn-{n}", "source": "govcn", "split": "test", "text": f"共有{n + 2}个部门参加。"}
        for n in range(12)
    ] + [
        {"id": f"tainan-{n}", "source": "tainan", "split": "dev", "text": f"發{n + 5}萬元補助款。"}
        for n in range(3)
    ]
    truth.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), "utf-8")
    rows = sampling.real_sentences(truth)
    test = [r for r in rows if r.source == "govcn" and r.split == "test"]
    dev = [r for r in rows if r.source == "govcn" and r.split == "dev"]
    assert (len(test), len(dev)) == (4, 3)
    assert not {r.release for r in test} & {r.release for r in dev}
    assert [r.split for r in rows if r.source == "tainan"] == ["dev", "dev"]
    # The test sample is what it was without a dev sample: adding one reshuffles nothing.
    monkeypatch.setattr(sampling, "REAL_DEV_SAMPLE", {})
    alone = [r for r in sampling.real_sentences(truth) if r.split == "test"]
    assert alone == test
