"""Horizontal bar charts as plain geometry, drawn by a template as inline SVG.

The portal's Content-Security-Policy allows no inline script or style, and a chart of a dozen
figures needs neither: the server computes every row's place and every bar's length, the
template writes ``<rect>`` and ``<text>`` elements, and the stylesheet colours them — one colour
per region for the whole page, so a legend can say which is which. A region with no figure for
the chart's measure keeps its row, saying so, instead of disappearing.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

WIDTH = 720
LABEL_WIDTH = 250
VALUE_WIDTH = 190
ROW_HEIGHT = 26
BAR_HEIGHT = 18
TOP = 6


@dataclass(frozen=True, slots=True)
class Bar:
    """One row: the region (``group``) and what it says (``label``), the value drawn (in the
    measure's base unit), the value shown, its link. ``value is None``: the region has no
    figure for this measure."""

    label: str
    value: Decimal | None
    text: str
    url: str
    group: int
    title: str = ""


@dataclass(frozen=True, slots=True)
class DrawnBar:
    """A bar with its place: ``y`` of its row, ``length`` of the rectangle."""

    bar: Bar
    y: int
    length: int
    text_y: int
    value_x: int


@dataclass(frozen=True, slots=True)
class Chart:
    """Rows on one axis from zero to the largest value."""

    bars: tuple[DrawnBar, ...]
    width: int
    height: int
    label_width: int

    @property
    def bar_x(self) -> int:
        return self.label_width + 8


def bar_chart(bars: list[Bar]) -> Chart:
    """Lay out ``bars`` (in the order given) on one axis from zero to the largest value."""
    largest = max((bar.value for bar in bars if bar.value is not None), default=Decimal(0))
    room = WIDTH - LABEL_WIDTH - VALUE_WIDTH - 16
    drawn = []
    for row, bar in enumerate(bars):
        y = TOP + row * ROW_HEIGHT
        value = bar.value or Decimal(0)
        share = (value / largest) if largest > 0 else Decimal(0)
        length = max(2, int(share * room)) if value > 0 else 0
        drawn.append(
            DrawnBar(
                bar,
                y=y,
                length=length,
                text_y=y + BAR_HEIGHT - 4,
                value_x=LABEL_WIDTH + 8 + length + 6,
            )
        )
    return Chart(
        bars=tuple(drawn),
        width=WIDTH,
        height=TOP * 2 + len(bars) * ROW_HEIGHT,
        label_width=LABEL_WIDTH,
    )
