"""Geometry for the server-rendered SVG bar charts (the template draws them; no chart service).

A chart is horizontal bars, one group per row, one bar per series, scaled to the largest value.
Each chart goes with a data table in the page as its text equivalent.
"""
from __future__ import annotations

from dataclasses import dataclass, field

LABEL_WIDTH = 220
VALUE_WIDTH = 90
BAR_HEIGHT = 18
BAR_GAP = 4
GROUP_GAP = 12
WIDTH = 640


@dataclass
class Bar:
    label: str
    series: int
    series_name: str
    value: float
    display: str
    x: float
    y: float
    width: float
    height: float = BAR_HEIGHT

    @property
    def text_y(self) -> float:
        return self.y + self.height * 0.72

    @property
    def value_x(self) -> float:
        return self.x + self.width + 6


@dataclass
class Chart:
    """What the `bar_chart` macro needs: bars, row labels and the drawing's size."""

    series: list[str]
    bars: list[Bar] = field(default_factory=list)
    labels: list[tuple[str, float]] = field(default_factory=list)  # (row label, y of its text)
    width: int = WIDTH
    height: int = 0
    label_x: int = LABEL_WIDTH - 8

    @property
    def empty(self) -> bool:
        return not self.bars


def _shorten(label: str, limit: int = 27) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def bar_chart(rows: list[tuple[str, list[float]]], series: list[str], fmt=lambda v: f"{v:g}") -> Chart:
    """Lay out `rows` (label, one value per series) as grouped horizontal bars."""
    chart = Chart(series=[str(s) for s in series])
    peak = max((v for _, values in rows for v in values), default=0) or 1
    room = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    y = 4.0
    for label, values in rows:
        group_top = y
        for index, value in enumerate(values):
            chart.bars.append(Bar(label=str(label), series=index, series_name=chart.series[index], value=value,
                                  display=fmt(value), x=LABEL_WIDTH, y=y, width=max(room * value / peak, 1 if value else 0)))
            y += BAR_HEIGHT + BAR_GAP
        group_height = y - BAR_GAP - group_top
        chart.labels.append((_shorten(str(label)), group_top + group_height / 2 + 5))
        y += GROUP_GAP - BAR_GAP
    chart.height = int(y + 4)
    return chart


def euro(value: float) -> str:
    """1234567 → '1.234.567 €' (German grouping)."""
    return f"{int(round(value)):,}".replace(",", ".") + " €"
