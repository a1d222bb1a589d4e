"""National government work reports parse into their own outline (beyond the five seeds).

The corpus was exported from a wiki: paragraphs are separated by blank lines and broken
mid-sentence where links were, early years are in Traditional script, and resolutions are a
single paragraph. These are the conditions of many real uploads.
"""

from __future__ import annotations

from datetime import date

import pytest

from documents.choices import Kind, Precision
from documents.ingest import parse_text
from tests.conftest import corpus_records

RECORDS = corpus_records()
REPORTS = {int(r["year"]): r for r in RECORDS if r["year"] is not None}


def _parse(record):
    return parse_text(record["content"], title_hint=record["title"])


@pytest.mark.parametrize(
    "year", [2025, 2024, 2023, 2022, 2021, 2019, 2018, 2009, 1998, 1984, 1957, 1954]
)
def test_every_report_is_national_work_report(year):
    meta = _parse(REPORTS[year]).metadata
    assert meta.region is not None and meta.region.name == "全国"
    assert meta.kind == Kind.WORK_REPORT
    assert meta.title == REPORTS[year]["title"]
    assert meta.published.value is not None and meta.published.value.year == year


@pytest.mark.parametrize(
    ("year", "day"),
    [
        (2024, date(2024, 3, 5)),
        (2023, date(2023, 3, 5)),
        (2021, date(2021, 3, 5)),
        (1957, date(1957, 6, 26)),
    ],
)
def test_dated_subtitle_gives_the_exact_day(year, day):
    meta = _parse(REPORTS[year]).metadata
    assert meta.published.value == day
    assert meta.published.precision == Precision.DAY


def test_a_title_without_a_day_gives_only_the_year():
    published = _parse(REPORTS[2025]).metadata.published
    assert published.precision == Precision.YEAR
    assert published.value.year == 2025


@pytest.mark.parametrize(
    ("year", "top_headings"),
    [
        (
            2025,
            [
                "一、2024年工作回顾",
                "二、2025年经济社会发展总体要求和政策取向",
                "三、2025年政府工作任务",
            ],
        ),
        (
            2024,
            [
                "一、2023年工作回顾",
                "二、2024年经济社会发展总体要求和政策取向",
                "三、2024年政府工作任务",
            ],
        ),
        (
            2018,
            [
                "一、过去五年工作回顾",
                "二、2018年经济社会发展总体要求和政策取向",
                "三、对2018年政府工作的建议",
            ],
        ),
        (2009, ["一、2008年工作回顾", "二、2009年工作总体部署", "三、2009年主要任务"]),
        (
            1957,
            [
                "一、关于社会主义革命",
                "二、关于社会主义建设",
                "三、关于人民生活",
                "四、关于国家基本制度",
                "五、关于国内外团结",
            ],
        ),
        (1984, ["关于国内建设", "关于外交工作"]),
    ],
)
def test_top_level_outline(year, top_headings):
    sections = _parse(REPORTS[year]).sections
    assert [s.heading for s in sections if s.level == 1 and s.heading] == top_headings


def test_numbered_subheadings_nest_under_their_part():
    sections = _parse(REPORTS[2024]).sections
    tasks = [s for s in sections if s.heading.startswith("（") and s.level == 2]
    assert len(tasks) == 10
    assert tasks[0].heading == "（一）大力推进现代化产业体系建设，加快发展新质生产力"
    assert all(s.anchor.startswith("s5-") for s in tasks)


def test_enumerated_points_under_the_review_part():
    sections = _parse(REPORTS[2024]).sections
    points = [s for s in sections if s.kind == "point" and s.anchor.startswith("s2-")]
    assert [p.heading[:2] for p in points] == ["一是", "二是", "三是", "四是", "五是", "六是"]
    assert points[2].heading == "三是深化改革扩大开放，持续改善营商环境"


def test_wiki_line_breaks_inside_sentences_are_joined():
    release = _parse(REPORTS[2021])
    text = release.body_text
    assert "今年预期目标设定为6%以上" in text
    assert not any(s.heading == "经济增速是综合性指标，今年预期目标设定" for s in release.sections)
    text_1998 = _parse(REPORTS[1998]).body_text
    assert "联合国《经济、社会与文化权利国际公约》，并且正在研究加入《" in text_1998


def test_traditional_script_report_parses_and_keeps_its_script():
    release = _parse(REPORTS[1954])
    assert "憲法" in release.body_text
    assert len(release.sections) >= 10


def test_resolutions_are_normative_documents_not_work_reports():
    resolutions = [r for r in RECORDS if r["year"] is None]
    assert len(resolutions) == 20
    for record in resolutions:
        meta = _parse(record).metadata
        assert meta.kind == Kind.NORMATIVE, record["title"]
        assert "决议" in meta.kind_evidence
        assert meta.region.name == "全国"


def test_whole_corpus_parses_without_loss():
    for record in RECORDS:
        release = _parse(record)
        assert release.sections, record["title"]
        kept = sum(len(s.text) + len(s.heading) for s in release.sections)
        assert kept >= 0.9 * len(record["content"].replace("\n", "").replace("\u3000", "")) - 500


def test_wiki_licence_boilerplate_is_not_part_of_any_report():
    """Wikisource's licence template and community note are page furniture, not the report."""
    for record in RECORDS:
        body = _parse(record).body_text
        assert "Public domain" not in body and "维基文库社群" not in body, record["title"]
