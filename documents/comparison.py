"""Compare regions on one topic: their sections, their figures, charts where units agree.

A reader asks "how long does it take to open a business in 金昌 versus 张掖?"; the answer is a
column per region with what each release says on the topic (newest first, dated) and every
figure about it with the sentence it comes from, plus a bar chart for each unit that at least
two figures share. The same rows are exported as CSV.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from documents.charts import Bar, Chart, bar_chart
from documents.models import Figure, Region, Release, Section, Topic
from documents.script import fold
from documents.selectors import find_regions
from documents.topic_selectors import published_in, topic_figures, topic_sections
from documents.topics import thesaurus

#: At most this many regions side by side.
MAX_REGIONS = 6
#: At most this many charts (units), the ones most regions share first.
MAX_CHARTS = 4
_SEPARATORS = re.compile(r"[,，、;；\s]+")
#: Bounds written right after or before a figure, longest first (matched on folded text).
_TRAILING = ("以内", "之内", "以上", "以下", "左右", "内")
_LEADING = ("不超过", "超过", "不到", "约", "近", "仅")
_NUMBER = re.compile(r"-?\d+(\.\d+)?")
_SENTENCE = re.compile(r"[^。！？!?；;\n]*[。！？!?；;]?")


@dataclass(slots=True)
class ReleaseOnTopic:
    """One release of a region with its sections and figures on the topic."""

    release: Release
    sections: list[Section] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)


@dataclass(slots=True)
class RegionColumn:
    """A region's side of the comparison."""

    region: Region
    releases: list[ReleaseOnTopic] = field(default_factory=list)

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
    charts: list[Chart]
    notes: list[str]


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


def compare(topic: Topic, regions: list[Region], notes: list[str] | None = None) -> Comparison:
    """Each region's releases, sections and figures on ``topic``, and the charts."""
    columns = [_column(topic, region) for region in regions]
    return Comparison(topic, columns, _charts(columns), list(notes or []))


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


def _charts(columns: list[RegionColumn]) -> list[Chart]:
    by_unit: dict[str, list[tuple[RegionColumn, Figure]]] = defaultdict(list)
    for column in columns:
        for figure in column.figures:
            # A value something was reduced *from* is not where things stand: not charted.
            if not figure.after:
                by_unit[figure.unit].append((column, figure))
    ranked = sorted(
        (items for items in by_unit.values() if len(items) >= 2),
        key=lambda items: (-len({c.region.pk for c, _f in items}), -len(items)),
    )
    charts = []
    for items in ranked[:MAX_CHARTS]:
        bars = [
            Bar(
                label=column.region.name,
                detail=figure.subject or figure.sentence[:30],
                value=figure.value,
                text=figure_label(figure),
                url=figure.get_absolute_url(),
                group=column.region.name,
            )
            for column, figure in items
        ]
        charts.append(bar_chart(items[0][1].unit, bars))
    return charts


def figure_label(figure: Figure) -> str:
    """The figure with its bound exactly as the sentence writes it (``30個工作日以內``, ``约50%``).

    The bound is cut from the section's text around the figure, never rebuilt from the
    canonical qualifier, so what is shown is what the sentence says, in its own script.
    """
    text = figure.section.text if figure.section_id else ""
    if not text or text[figure.start : figure.end] != figure.text:
        return figure.text
    after = fold(text[figure.end : figure.end + 3])
    before = fold(text[max(0, figure.start - 3) : figure.start])
    end = figure.end + next((len(w) for w in _TRAILING if after.startswith(w)), 0)
    start = figure.start - next((len(w) for w in _LEADING if before.endswith(w)), 0)
    return text[start:end]


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
    "发布稿",
    "发布日期",
    "指标",
    "数值",
    "单位",
    "原文",
    "限定",
    "原值",
    "变为",
    "时期",
    "句子",
    "链接",
)


def comparison_csv(comparison: Comparison, base_url: str) -> str:
    """The figures table as CSV text, one row per figure (a BOM is the caller's business)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for column in comparison.columns:
        for entry in column.releases:
            release = entry.release
            for figure in entry.figures:
                writer.writerow(
                    _cell(value)
                    for value in [
                        column.region.name,
                        column.region.code,
                        release.title,
                        release.published.isoformat() if release.published else "",
                        figure.subject,
                        _plain_number(figure),
                        figure.unit,
                        figure.text,
                        figure.qualifier,
                        figure.before,
                        figure.after,
                        figure.period,
                        figure.sentence,
                        base_url + figure.get_absolute_url(),
                    ]
                )
    return out.getvalue()


def _plain_number(figure: Figure) -> str:
    return format(figure.value.normalize(), "f")


def _cell(value: str) -> str:
    """A text cell a spreadsheet will not run as a formula (``=``, ``+``, ``-``, ``@`` first)."""
    if value[:1] in {"=", "+", "-", "@", "\t", "\r"} and not _NUMBER.fullmatch(value):
        return "'" + value
    return value
