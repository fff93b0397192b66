"""Geometry for the small server-rendered SVG charts: pure functions, no Django.

Every function takes plain numbers and returns shapes (coordinates in the SVG's own
``viewBox`` units) that a template draws; nothing here knows about models or requests.
"""

from collections.abc import Sequence
from dataclasses import dataclass

DIFFICULTY_MAX = 5


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: float

    @property
    def label_y(self) -> float:
        """Baseline of a label written just above the bar."""
        return round(self.y - 3, 2)

    @property
    def centre_x(self) -> float:
        return round(self.x + self.width / 2, 2)


@dataclass(frozen=True)
class Chart:
    width: float
    height: float
    bars: list[Bar]
    line: str = ""  # polyline points "x,y x,y ..." (empty when not drawn)

    @property
    def view_box(self) -> str:
        return f"0 0 {_fmt(self.width)} {_fmt(self.height)}"


def _fmt(value: float) -> str:
    """A coordinate as short text: 12.0 -> "12", 12.345 -> "12.35"."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def difficulty_ramp(
    difficulties: Sequence[int],
    *,
    width: float = 240,
    height: float = 64,
    gap: float = 2,
    maximum: int = DIFFICULTY_MAX,
) -> Chart:
    """One vertical bar per question, in order, its height the difficulty (1..maximum).

    Bars share the width evenly (with ``gap`` between them) and stand on the bottom edge;
    the line joins the tops of the bars' centres so the ramp reads at a glance.
    """
    n = len(difficulties)
    if n == 0:
        return Chart(width=width, height=height, bars=[])
    gap = gap if n > 1 else 0
    bar_width = max((width - gap * (n - 1)) / n, 0.5)
    bars = []
    points = []
    for i, difficulty in enumerate(difficulties):
        value = min(max(int(difficulty), 0), maximum)
        bar_height = height * value / maximum
        x = i * (bar_width + gap)
        y = height - bar_height
        bars.append(
            Bar(
                x=round(x, 2),
                y=round(y, 2),
                width=round(bar_width, 2),
                height=round(bar_height, 2),
                label=str(i + 1),
                value=value,
            )
        )
        points.append(f"{_fmt(x + bar_width / 2)},{_fmt(y)}")
    return Chart(width=width, height=height, bars=bars, line=" ".join(points) if n > 1 else "")


def ramp_shape(difficulties: Sequence[int]) -> str:
    """A few words on how difficulty moves along the session, for the chart's text."""
    values = list(difficulties)
    if len(values) < 2:
        return "Too few questions for a ramp."
    if all(a <= b for a, b in zip(values, values[1:], strict=False)):
        if values[0] == values[-1]:
            return "Flat: every question has the same difficulty."
        return "Rising: difficulty never drops from one question to the next."
    drops = sum(1 for a, b in zip(values, values[1:], strict=False) if b < a)
    first_half = values[: len(values) // 2]
    second_half = values[len(values) // 2 :]
    trend = (
        "rising overall"
        if sum(second_half) / len(second_half) > sum(first_half) / len(first_half)
        else "not rising overall"
    )
    return f"Uneven: difficulty drops {drops} time{'s' if drops != 1 else ''}, {trend}."


def horizontal_bars(
    rows: Sequence[tuple[str, float]],
    *,
    width: float = 240,
    bar_height: float = 10,
    label_height: float = 14,
    gap: float = 6,
) -> Chart:
    """One horizontal bar per (label, value) row, each under its label, scaled to the largest.

    ``Bar.y`` is the top of the bar; the template writes the label at ``y - 3`` (its baseline)
    so each row takes ``label_height + bar_height + gap``.
    """
    if not rows:
        return Chart(width=width, height=0, bars=[])
    largest = max(value for _label, value in rows) or 1
    row_height = label_height + bar_height + gap
    bars = [
        Bar(
            x=0,
            y=round(i * row_height + label_height, 2),
            width=round(max(width * value / largest, 1 if value else 0), 2),
            height=bar_height,
            label=label,
            value=value,
        )
        for i, (label, value) in enumerate(rows)
    ]
    return Chart(width=width, height=round(len(rows) * row_height - gap, 2), bars=bars)
