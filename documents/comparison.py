"""Compare regions on one topic: their sections, their figures per measure, a glance table.

A reader asks "how long does it take to open a business in 金昌 versus 张掖?"; the answer is a
column per region with what each release says on the topic (newest first, dated), one chart per
measure with every region in it (``documents.measure_charts``: 2.5 小时, 0.5 天 and 2 个工作日 on
one axis of working days), and an "at a glance" table of each region's headline figures. The
same rows are exported as CSV. One region can be compared with itself over the years
(``over=year``): its releases of each year form a column.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from documents.figures.extract import RANGE
from documents.figures.measures import BY_CODE, Measure
from documents.measure_charts import (
    GlanceRow,
    MeasureChart,
    by_measure,
    chartable,
    glance,
    measure_charts,
)
from documents.models import Figure, Region, Release, Section, Topic
from documents.script import fold
from documents.selectors import find_regions
from documents.spreadsheet import text_cell
from documents.topic_selectors import published_in, topic_figures, topic_sections
from documents.topics import thesaurus

#: At most this many regions (or years) side by side: one colour each on the page.
MAX_REGIONS = 6
_SEPARATORS = re.compile(r"[,，、;；\s]+")
#: Bounds written right after or before a figure, longest first (matched on folded text).
_TRAILING = ("以内", "之内", "以上", "以下", "左右", "内")
_LEADING = ("不超过", "超过", "不到", "约", "近", "仅")
_SENTENCE = re.compile(r"[^。！？!?；;\n]*[。！？!?；;]?")


@dataclass(slots=True)
class ReleaseOnTopic:
    """One release of a region with its sections and figures on the topic."""

    release: Release
    sections: list[Section] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)

    @property
    def listed_figures(self) -> list[Figure]:
        """The figures as a list shows them: a range once (``merge_ranges``)."""
        return merge_ranges(self.figures)


@dataclass(slots=True)
class RegionColumn:
    """A region's side of the comparison (or one year of it), with its colour on the page."""

    region: Region
    releases: list[ReleaseOnTopic] = field(default_factory=list)
    colour: int = 0
    year: int | None = None

    @property
    def label(self) -> str:
        return f"{self.region.name} {self.year}" if self.year else self.region.name

    @property
    def figures(self) -> list[Figure]:
        return [f for r in self.releases for f in r.figures]

    @property
    def section_count(self) -> int:
        return sum(len(r.sections) for r in self.releases)


@dataclass(slots=True)
class Comparison:
    """Everything the compare page and its CSV show."""

    topic: Topic
    columns: list[RegionColumn]
    charts: list[MeasureChart]
    glance_measures: list[Measure]
    glance_rows: list[GlanceRow]
    notes: list[str]

    @property
    def over_time(self) -> bool:
        return any(c.year for c in self.columns)

    def in_glance(self, figure: Figure) -> bool:
        return any(
            cell is not None and figure in cell.sources
            for row in self.glance_rows
            for cell in row.cells
        )


def read_regions(value: str) -> tuple[list[Region], list[str]]:
    """The regions named in ``regions=`` (names in either script, or codes), with notes.

    A name several divisions share is taken as the one with published releases, so that
    ``朝阳区`` finds the district the portal has documents for.
    """
    regions: list[Region] = []
    notes: list[str] = []
    names = [n for n in _SEPARATORS.split(value or "") if n]
    for name in names[: MAX_REGIONS * 2]:
        found = find_regions(name)
        if not found:
            notes.append(_("没有找到地区 “%(name)s”。") % {"name": name[:40]})
            continue
        with_releases = [r for r in found if published_in(r).exists()]
        chosen = (with_releases or found)[0]
        if len(with_releases) > 1:
            notes.append(
                _("“%(name)s” 对应多个地区，已选 %(chosen)s。")
                % {"name": name[:40], "chosen": chosen.place_label}
            )
        if chosen not in regions:
            regions.append(chosen)
    if len(regions) > MAX_REGIONS:
        notes.append(_("最多并列比较 %(n)d 个地区，其余已略去。") % {"n": MAX_REGIONS})
        regions = regions[:MAX_REGIONS]
    return regions, notes


def compare(
    topic: Topic, regions: list[Region], notes: list[str] | None = None, *, over_time: bool = False
) -> Comparison:
    """Each region's releases, sections and figures on ``topic``, the charts and the glance
    table; with ``over_time`` and one region, a column per year of its releases."""
    notes = list(notes or [])
    if over_time and len(regions) == 1:
        columns = _columns_by_year(topic, regions[0])
        if len(columns) > MAX_REGIONS:
            notes.append(_("只比较最近 %(n)d 年。") % {"n": MAX_REGIONS})
            columns = columns[:MAX_REGIONS]
        columns.reverse()  # oldest first, as a reader reads a time series
    else:
        columns = [_column(topic, region) for region in regions]
    for colour, column in enumerate(columns):
        column.colour = colour
    per_region = [by_measure(column.figures) for column in columns]
    glance_measures, glance_rows = glance(columns, per_region)
    return Comparison(
        topic,
        columns,
        measure_charts(columns, per_region),
        glance_measures,
        glance_rows,
        notes,
    )


def _column(topic: Topic, region: Region) -> RegionColumn:
    by_release: dict[int, ReleaseOnTopic] = {}
    for section in topic_sections(topic, region):
        entry = by_release.setdefault(section.release_id, ReleaseOnTopic(section.release))
        entry.sections.append(section)
    for figure in topic_figures(topic, region):
        entry = by_release.setdefault(figure.release_id, ReleaseOnTopic(figure.release))
        entry.figures.append(figure)
    releases = sorted(
        by_release.values(),
        key=lambda r: (r.release.published is not None, r.release.published, r.release.created),
        reverse=True,
    )
    return RegionColumn(region, releases)


def _columns_by_year(topic: Topic, region: Region) -> list[RegionColumn]:
    """The region's column cut by the year its releases were published, newest year first;
    releases without a known date are left out (and said so by the page's year list)."""
    whole = _column(topic, region)
    years: dict[int, RegionColumn] = {}
    for entry in whole.releases:
        if entry.release.published is None:
            continue
        year = entry.release.published.year
        years.setdefault(year, RegionColumn(region, year=year)).releases.append(entry)
    return [years[y] for y in sorted(years, reverse=True)]


def figure_label(figure: Figure) -> str:
    """The figure with its bound exactly as the sentence writes it (``30個工作日以內``, ``约50%``;
    a range's upper end that ``merge_ranges`` kept: the whole range, ``3-5个工作日``).

    The bound is cut from the section's text around the figure, never rebuilt from the
    canonical qualifier, so what is shown is what the sentence says, in its own script.
    """
    text = figure.section.text if figure.section_id else ""
    if not text or text[figure.start : figure.end] != figure.text:
        return figure.text
    first = getattr(figure, "range_start", figure.start)
    after = fold(text[figure.end : figure.end + 3])
    before = fold(text[max(0, first - 3) : first])
    end = figure.end + next((len(w) for w in _TRAILING if after.startswith(w)), 0)
    start = first - next((len(w) for w in _LEADING if before.endswith(w)), 0)
    return text[start:end]


def merge_ranges(figures: list[Figure]) -> list[Figure]:
    """``figures`` with each range shown once: its lower end dropped, its upper end labelled
    with the whole range (``3-5个工作日``, not ``3`` and ``5个工作日``).

    Both ends stay stored figures (the CSV and the labelled yardstick count each); a list
    shows the range as the sentence writes it.
    """
    shown: list[Figure] = []
    for figure in figures:
        previous = shown[-1] if shown else None
        if (
            previous is not None
            and RANGE in figure.qualifier.split()
            and RANGE in previous.qualifier.split()
            and previous.section_id == figure.section_id
            and 0 <= figure.start - previous.end <= 3
        ):
            figure.range_start = previous.start
            shown[-1] = figure
        else:
            shown.append(figure)
    return shown


def topic_sentences(section: Section, topic: Topic) -> list[list[tuple[str, bool]]]:
    """The sentences of a section that mention the topic, cut into (text, is_term) pieces."""
    mentions = [m for m in thesaurus().mentions(section.text) if m.slug == topic.slug]
    sentences = []
    for match in _SENTENCE.finditer(section.text):
        start, end = match.span()
        inside = [m for m in mentions if start <= m.start and m.end <= end]
        if not inside or not match.group().strip():
            continue
        pieces: list[tuple[str, bool]] = []
        cursor = start
        for m in inside:
            if m.start < cursor:
                continue
            pieces.append((section.text[cursor : m.start], False))
            pieces.append((section.text[m.start : m.end], True))
            cursor = m.end
        pieces.append((section.text[cursor:end], False))
        sentences.append([(text.strip("\n"), marked) for text, marked in pieces if text])
    return sentences


CSV_COLUMNS = (
    "地区",
    "区划代码",
    "年份",
    "发布稿",
    "发布日期",
    "度量",
    "指标",
    "数值",
    "单位",
    "原文",
    "限定",
    "原值",
    "变为",
    "时期",
    "换算值",
    "换算单位",
    "换算说明",
    "画入图表",
    "列入一览",
    "句子",
    "链接",
)


def comparison_csv(comparison: Comparison, base_url: str) -> str:
    """The figures as CSV text, one row per figure with its measure and converted value; the
    figures the charts and the glance table show are marked (a BOM is the caller's business)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for column in comparison.columns:
        for entry in column.releases:
            release = entry.release
            for figure in entry.figures:
                converted = chartable(figure)
                measure = BY_CODE.get(figure.measure)
                writer.writerow(
                    text_cell(value)
                    for value in [
                        column.region.name,
                        column.region.code,
                        str(column.year or ""),
                        release.title,
                        release.published.isoformat() if release.published else "",
                        measure.label if measure else "",
                        figure.subject,
                        _plain_number(figure.value),
                        figure.unit,
                        figure.text,
                        figure.qualifier,
                        figure.before,
                        figure.after,
                        figure.period,
                        _plain_number(converted.value) if converted else "",
                        converted.unit if converted else "",
                        converted.rule if converted else "",
                        "是" if converted else "否",
                        "是" if comparison.in_glance(figure) else "否",
                        figure.sentence,
                        base_url + figure.get_absolute_url(),
                    ]
                )
    return out.getvalue()


def _plain_number(value) -> str:
    return format(value.normalize(), "f")
