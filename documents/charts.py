"""Horizontal bar charts as plain geometry, drawn by a template as inline SVG.

The portal's Content-Security-Policy allows no inline script or style, and a chart of a dozen
figures needs neither: the server computes every bar's place and length, the template writes
``<rect>`` and ``<text>`` elements, and the stylesheet colours them. Only figures with the same
unit share a chart: 2.5 小时 and 0.5 天 are not drawn on one axis, since a "day" in these
documents may be a working day.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

WIDTH = 720
LABEL_WIDTH = 300
VALUE_WIDTH = 110
ROW_HEIGHT = 28
BAR_HEIGHT = 18
TOP = 8


@dataclass(frozen=True, slots=True)
class Bar:
    """One figure: who and what (label), the value drawn, the figure as written, its link."""

    label: str
    detail: str
    value: Decimal
    text: str
    url: str
    group: str


@dataclass(frozen=True, slots=True)
class DrawnBar:
    """A bar with its place: ``y`` of its row, ``length`` of the rectangle."""

    bar: Bar
    y: int
    length: int
    text_y: int
    value_x: int
    group_index: int


@dataclass(frozen=True, slots=True)
class Chart:
    """Bars sharing one unit, scaled to the largest value."""

    unit: str
    bars: tuple[DrawnBar, ...]
    width: int
    height: int
    label_width: int

    @property
    def bar_x(self) -> int:
        return self.label_width + 8


def bar_chart(unit: str, bars: list[Bar]) -> Chart:
    """Lay out ``bars`` (in the order given) on one axis from zero to the largest value."""
    largest = max((bar.value for bar in bars), default=Decimal(0))
    room = WIDTH - LABEL_WIDTH - VALUE_WIDTH - 16
    groups = tuple(dict.fromkeys(bar.group for bar in bars))
    drawn = []
    for row, bar in enumerate(bars):
        y = TOP + row * ROW_HEIGHT
        share = (bar.value / largest) if largest > 0 else Decimal(0)
        length = max(2, int(share * room)) if bar.value > 0 else 0
        drawn.append(
            DrawnBar(
                bar,
                y=y,
                length=length,
                text_y=y + BAR_HEIGHT - 4,
                value_x=LABEL_WIDTH + 8 + length + 6,
                group_index=groups.index(bar.group),
            )
        )
    return Chart(
        unit=unit,
        bars=tuple(drawn),
        width=WIDTH,
        height=TOP * 2 + len(bars) * ROW_HEIGHT,
        label_width=LABEL_WIDTH,
    )
