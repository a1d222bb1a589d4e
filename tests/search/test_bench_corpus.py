"""The benchmark corpus: real text once, then generated text that reads like it and never repeats.

The model is fitted here on a small real set (the seeds and two national reports) so the tests
stay fast; ``make bench`` fits it on every real text there is.
"""

from __future__ import annotations

import json
import random

import pytest

from documents.ingest.records import iter_records
from documents.near_duplicates import find_near_duplicates
from documents.script import traditional_share
from documents.services import Outcome, import_records
from quality.bench import corpus
from quality.bench.corpus import CorpusFiles, SentenceTally, rows_with_origin, write_corpus
from quality.bench.textgen import CharModel, Doc, Generator
from tests.conftest import SEED_FILES, corpus_records


def _real() -> list[Doc]:
    reports = [Doc(r["title"], r["content"]) for r in corpus_records()[:2]]
    return reports + [Doc("", path.read_text(encoding="utf-8")) for path in SEED_FILES]


@pytest.fixture(scope="module")
def generated() -> list[Doc]:
    generator = Generator(_real(), seed=11)
    return [generator.document(n) for n in range(50)]


@pytest.fixture
def small_real(monkeypatch) -> list[Doc]:
    docs = _real()
    monkeypatch.setattr(corpus, "real_docs", lambda: list(docs))
    return docs


def _ideograph_share(texts: list[str]) -> float:
    chars = "".join(texts)
    return sum("\u4e00" <= ch <= "\u9fff" for ch in chars) / len(chars)


def test_a_seed_gives_the_same_documents_in_any_order():
    first = Generator(_real(), seed=3)
    second = Generator(_real(), seed=3)
    assert [first.document(n) for n in (0, 1, 2)] == [second.document(n) for n in (2, 1, 0)][::-1]
    assert Generator(_real(), seed=4).document(0) != first.document(0)


def test_generated_text_has_the_real_script_mix_and_paragraphs(generated):
    real = _ideograph_share([d.text for d in _real()])
    assert abs(_ideograph_share([d.text for d in generated]) - real) < 0.10
    shares = [traditional_share(d.text) for d in generated]
    assert all(s < 0.05 or s > 0.15 for s in shares)  # each document in one script
    assert any(s > 0.15 for s in shares) and any(s < 0.05 for s in shares)  # as the real set
    assert sum("\n" in d.text for d in generated) >= 45
    assert all(6 <= len(d.title) <= 80 and "\n" not in d.title for d in generated)


def test_generated_documents_differ_and_repeat_few_sentences(generated):
    assert len({d.text for d in generated}) == len(generated)
    tally = SentenceTally()
    unique = sum(tally.add(d.text) for d in generated)
    assert unique / sum(len(d.text) for d in generated) >= 0.9


def test_the_tally_counts_a_repeated_sentence_once():
    tally = SentenceTally()
    text = "第一句话在这里。第二句话也在这里！\n"
    assert tally.add(text) == len(text)
    assert tally.add(text) == 0
    assert tally.add(text + "新的一句。") == len("新的一句。")


def test_the_model_backs_off_from_a_context_it_never_saw():
    model = CharModel("各位代表：\n现在，我代表国务院，向大会报告政府工作。\n" * 5)
    rng = random.Random(1)
    assert model.run_after("ＸＹＺ未见过", rng)
    assert len(model.generate(0, 30, rng)) >= 30


def test_real_texts_come_first_each_once(small_real):
    rows = list(rows_with_origin(releases=len(small_real) + 3, min_chars=0))
    origins = [real for _row, real in rows]
    assert origins == [True] * len(small_real) + [False] * 3
    assert [row["text"] for row, _ in rows[: len(small_real)]] == [d.text for d in small_real]
    assert all(row["text"] not in {d.text for d in small_real} for row, _ in rows[-3:])


def test_write_corpus_counts_real_and_generated_text(tmp_path, small_real):
    files = write_corpus(tmp_path, releases=12, min_chars=10_000_000)  # 120,000 characters
    assert isinstance(files, CorpusFiles)
    records = [r for f in files.files for r in iter_records(f.read_bytes(), f.suffix)]
    assert len(records) == files.releases >= 12
    assert not [r.error for r in records if r.error]
    assert all(r.text.strip() and len(r.title) <= 300 for r in records)
    assert files.chars == files.real_chars + files.generated_chars >= 120_000
    assert files.real_chars == sum(len(d.text) for d in small_real)
    assert files.generated_chars > 0
    assert files.unique_share > 0.9


@pytest.mark.django_db
def test_generated_rows_import_and_are_not_near_duplicates(small_real):
    rows = [row for row, _real in rows_with_origin(releases=5, min_chars=0, real=False)]
    data = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    results = import_records(data.encode("utf-8"), filename="generated.jsonl", publish=False)
    assert [r.outcome for r in results] == [Outcome.IMPORTED] * 5, [r.message for r in results]
    for result in results:
        assert find_near_duplicates(result.release.text, exclude=result.release.pk) == []
