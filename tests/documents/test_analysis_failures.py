"""A rule that breaks on one sentence, or a record that breaks the parser, loses nothing else.

Figure and topic rules meet text they were not written for (a number longer than Decimal's
context once stopped a 10,000-release import). The section it happens in keeps no figures and
is named to the editor; the release, its other sections and the file's other records are
stored and searchable.
"""

from __future__ import annotations

import json

import pytest

from documents import section_analysis
from documents.admin import doubts_of
from documents.models import Figure, Release, Section
from documents.section_analysis import FAILED_KEY, analyse_release
from documents.services import Outcome, import_records
from tests.conftest import corpus_records

pytestmark = pytest.mark.django_db


def _three_reports() -> tuple[bytes, list[dict]]:
    """Three national reports as a bulk file, taken out of the test database (which holds the
    corpus) so they are imported anew, not caught as duplicates."""
    records = [r for r in corpus_records() if r["year"] in ("2019", "2021", "2022")][:3]
    Release.objects.filter(title__in=[r["title"] for r in records]).delete()
    data = "\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n"
    return data.encode("utf-8"), records


def _a_sentence_of(record: dict) -> str:
    """A long line from the middle of a report: it belongs to one of its sections only."""
    lines = [line for line in record["content"].splitlines() if len(line) > 80]
    return lines[len(lines) // 2][:30]


def test_a_section_whose_figures_raise_is_skipped_and_named(monkeypatch):
    data, records = _three_reports()
    trigger = _a_sentence_of(records[1])
    real = section_analysis.extract_figures

    def breaks_on_one_sentence(text):
        if trigger in text:
            raise ArithmeticError("a rule met a number it was not written for")
        return real(text)

    monkeypatch.setattr(section_analysis, "extract_figures", breaks_on_one_sentence)
    results = import_records(data, filename="reports.jsonl", publish=True)

    assert [r.outcome for r in results] == [Outcome.IMPORTED] * 3
    broken = results[1].release
    broken.refresh_from_db()
    failed = broken.details[FAILED_KEY]
    section = Section.objects.get(release=broken, text__contains=trigger)
    assert failed == [section.anchor]
    assert not Figure.objects.filter(section=section).exists()
    assert not section.topics.exists()
    # The release's other sections keep their figures; so do the other records.
    assert Figure.objects.filter(release=broken).exclude(section=section).count() > 20
    for other in (results[0].release, results[2].release):
        assert Figure.objects.filter(release=other).count() > 20
        assert FAILED_KEY not in Release.objects.get(pk=other.pk).details
    # The editor is told where, in the import's result and in the release's doubts.
    assert any(f"#{section.anchor}" in w for w in results[1].warnings)
    assert any(f"#{section.anchor}" in line for line in doubts_of(broken))
    assert not any(FAILED_KEY in w for w in results[0].warnings)

    # Once the rule is fixed, analysing again gives the section its figures and clears the note.
    monkeypatch.setattr(section_analysis, "extract_figures", real)
    analyse_release(broken)
    broken.refresh_from_db()
    assert FAILED_KEY not in broken.details
    assert doubts_of(broken) == [line for line in doubts_of(broken) if "#" not in line]
    assert section.topics.exists() or Figure.objects.filter(section=section).exists()


def test_a_record_that_breaks_the_parser_fails_alone(monkeypatch):
    from documents import services

    data, records = _three_reports()
    before = Release.objects.count()
    real = services.parse_text

    def breaks_on_the_second(text, **hints):
        if text == records[1]["content"]:
            raise RecursionError("maximum recursion depth exceeded")
        return real(text, **hints)

    monkeypatch.setattr(services, "parse_text", breaks_on_the_second)
    results = import_records(data, filename="reports.jsonl", publish=True)

    assert [r.outcome for r in results] == [Outcome.IMPORTED, Outcome.FAILED, Outcome.IMPORTED]
    assert "第 2 行" in results[1].message and "RecursionError" in results[1].message
    assert Release.objects.count() == before + 2
