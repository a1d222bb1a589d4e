"""The figures of a comparison, per measure: charts with every region in them, and a glance table.

A reader comparing 企业开办 across cities wants one answer per question: how long it takes
(办理时限), how many steps, what it costs. Each figure a region's releases state on the topic is
put under its measure (``documents.figures.measures``) and converted to the measure's base unit,
so 2.5 小时, 0.5 天 and 2 个工作日 stand on one axis, each shown as written beside the
converted value, with the conversion said once under the chart. Only figures whose measure the
text states (``certain``) are charted, and not the old side of a change when the new side is a
figure too (由5个压减至2个 charts 2 个). One statement written twice — a paragraph repeated, a
lead restating the body — is one bar with both sentences.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from documents.charts import Bar, Chart, bar_chart
from documents.figures.measures import BY_CODE, KEY_MEASURES, MEASURES, Converted, Measure, convert
from documents.models import Figure

_NUMERALS = frozenset("一二两三四五六七八九十半")
#: At most this many bars per region and measure (the newest releases' first).
BARS_PER_REGION = 3
#: At most this many measure charts, key measures first.
MAX_CHARTS = 6
#: Measures never charted: "other counts" and physical quantities are not one question.
UNCHARTED = frozenset(("count", "other"))
#: Measures in the glance table, at most.
GLANCE_MEASURES = 5


@dataclass(slots=True)
class Charted:
    """A figure as a comparison shows it: converted, with every sentence that states it."""

    figure: Figure
    converted: Converted
    also: list[Figure] = field(default_factory=list)  # the same statement elsewhere

    @property
    def sources(self) -> list[Figure]:
        return [self.figure, *self.also]

    @property
    def converted_text(self) -> str:
        """``0.31 工作日`` — "" when no conversion was needed (2 个工作日, 98.51 万元)."""
        if not self.converted.rule:
            return ""
        return f"{_number(self.converted.value)} {self.converted.unit}"


@dataclass(slots=True)
class MeasureRow:
    """One region's figures for one measure ([] when its releases state none)."""

    column: object  # comparison.RegionColumn
    charted: list[Charted]


@dataclass(slots=True)
class MeasureChart:
    """A measure, every region's row, the bars, and the conversions used."""

    measure: Measure
    rows: list[MeasureRow]
    chart: Chart
    rules: list[tuple[str, str]]  # each conversion used, in Chinese and in English

    @property
    def regions_with_data(self) -> int:
        return sum(1 for row in self.rows if row.charted)


@dataclass(slots=True)
class GlanceRow:
    """One region across the key measures: its headline figure for each (or None)."""

    column: object
    cells: list[Charted | None]


def chartable(figure: Figure) -> Converted | None:
    """The figure in its measure's base unit, if a comparison may chart it."""
    if not figure.certain or not figure.measure:
        return None
    if figure.after and _is_figure_text(figure.after):
        return None  # 由5个压减至2个: the 2 个 is charted, not the 5 个
    return convert(figure.value, figure.unit, figure.measure)


def by_measure(figures: Iterable[Figure]) -> dict[str, list[Charted]]:
    """A region's chartable figures per measure, one entry per statement, in the order given."""
    grouped: dict[str, list[Charted]] = {}
    for figure in figures:
        converted = chartable(figure)
        if converted is None:
            continue
        entries = grouped.setdefault(figure.measure, [])
        same = next((e for e in entries if _same_statement(e, converted)), None)
        if same is not None:
            same.also.append(figure)
            if figure.after and not same.figure.after:
                same.figure, same.also[-1] = figure, same.figure  # keep the one that says more
        else:
            entries.append(Charted(figure, converted))
    return grouped


PerRegion = list[dict[str, list[Charted]]]


def measure_charts(columns: Sequence, per_region: PerRegion) -> list[MeasureChart]:
    """One chart per measure, every region in each: the key measures any region states, the
    others two regions state, key measures first."""
    order = [*KEY_MEASURES, *(m.code for m in MEASURES if m.code not in KEY_MEASURES)]
    charts = []
    for code in order:
        regions = sum(1 for grouped in per_region if code in grouped)
        if code in UNCHARTED or not regions:
            continue
        if code not in KEY_MEASURES and regions < 2:
            continue  # a secondary measure only one region states compares nothing
        measure = BY_CODE[code]
        rows = [
            MeasureRow(column, grouped.get(code, [])[:BARS_PER_REGION])
            for column, grouped in zip(columns, per_region, strict=True)
        ]
        bars: list[Bar] = []
        rules: list[tuple[str, str]] = []
        for index, row in enumerate(rows):
            name = row.column.label
            if not row.charted:
                bars.append(Bar(name, None, "", "", index))
                continue
            for entry in row.charted:
                figure = entry.figure
                rule = (entry.converted.rule, entry.converted.rule_en)
                if rule[0] and rule not in rules:
                    rules.append(rule)
                shown = figure.text + (f" → {figure.after}" if figure.after else "")
                value_text = f"{entry.converted_text}（{shown}）" if entry.converted_text else shown
                bars.append(
                    Bar(
                        label=f"{name} · {figure.subject}" if figure.subject else name,
                        value=entry.converted.value,
                        text=value_text,
                        url=figure.get_absolute_url(),
                        group=index,
                        title=figure.sentence,
                    )
                )
        charts.append(MeasureChart(measure, rows, bar_chart(bars), rules))
    return charts[:MAX_CHARTS]


def glance(columns: Sequence, per_region: PerRegion) -> tuple[list[Measure], list[GlanceRow]]:
    """The key measures some region states, and each region's headline figure for each."""
    present = {code for grouped in per_region for code in grouped}
    measures = [BY_CODE[code] for code in KEY_MEASURES if code in present][:GLANCE_MEASURES]
    rows = [
        GlanceRow(column, [(grouped.get(m.code) or [None])[0] for m in measures])
        for column, grouped in zip(columns, per_region, strict=True)
    ]
    return measures, rows


def _same_statement(entry: Charted, converted: Converted) -> bool:
    """The same figure stated again: the same value in the same unit."""
    return entry.converted.value == converted.value and entry.converted.unit == converted.unit


def _is_figure_text(text: str) -> bool:
    return any(ch.isdigit() for ch in text) or any(
        ch in "一二两三四五六七八九十半" for ch in text[:3]
    )


def _number(value: Decimal) -> str:
    """At most two decimals, no trailing zeros: 0.3125 → 0.31, 2.00 → 2."""
    rounded = value.quantize(Decimal("0.01")) if value < 1000 else value.quantize(Decimal(1))
    text = format(rounded.normalize(), "f")
    return text if rounded != 0 or value == 0 else format(value.normalize(), "f")
