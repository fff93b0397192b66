"""Geometry for the small server-rendered SVG charts: pure functions, no Django.

Every function takes plain numbers and returns shapes (coordinates in the SVG's own
``viewBox`` units) that a template draws; nothing here knows about models or requests.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

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


# -- The scorecard: means on the score scale ------------------------------------------------


@dataclass(frozen=True)
class ScoreBar:
    """One row: its label above a bar (``width`` of the plot, 0 without a value) and its text
    beside it. ``y`` is the top of the row."""

    label: str
    value: Decimal | None
    y: int
    width: float
    text: str

    @property
    def label_y(self) -> int:
        return self.y + 11

    @property
    def bar_y(self) -> int:
        return self.y + 15

    @property
    def text_y(self) -> int:
        return self.y + 25

    @property
    def text_x(self) -> float:
        return round(self.width + 6, 1)


@dataclass(frozen=True)
class ScoreChart:
    """Horizontal bars on a score scale, for ``templates/includes/score_bars.html``."""

    id: str
    title: str
    desc: str
    bars: list[ScoreBar]
    height: int
    # Layout constants, read by the template.
    width: int = 420
    plot_x: int = 0
    plot_width: int = 340
    row_height: int = 36
    ticks: list[tuple[float, str]] = field(default_factory=list)

    @property
    def axis_y(self) -> int:
        return self.height - 22

    @property
    def tick_label_y(self) -> int:
        return self.height - 6


def score_bars(
    rows: Sequence[tuple[str, Decimal | None]],
    *,
    chart_id: str,
    title: str,
    summary: str,
    scale: Sequence[tuple[int, str]],
    missing: str,
    empty: str,
) -> ScoreChart:
    """One bar per (label, value) row on the scale's (value, label) ticks (0 up to the largest
    value, which fills the plot); a row without a value has no bar and says ``missing``. The
    description is ``summary`` and every row's label and text (``empty`` without rows)."""
    plot_width, row_height, top = 340, 36, 4
    maximum = max(value for value, _label in scale)
    bars = []
    for i, (label, value) in enumerate(rows):
        width = 0.0 if value is None else round(float(value) / maximum * plot_width, 1)
        text = missing if value is None else f"{value}"
        bars.append(
            ScoreBar(label=label, value=value, y=top + i * row_height, width=width, text=text)
        )
    ticks = [(round(s / maximum * plot_width, 1), label) for s, label in scale]
    described = "; ".join(f"{b.label}: {b.text}" for b in bars) or empty
    return ScoreChart(
        id=chart_id,
        title=title,
        desc=f"{summary} {described}.",
        bars=bars,
        height=top + len(rows) * row_height + 22,
        ticks=ticks,
    )


# -- The measures pages: intervals (a forest plot) and a scatter ---------------------------


@dataclass(frozen=True)
class IntervalRow:
    """One estimate with its 95% interval: a dot on a line, beside its label (on the left).

    ``x``/``low_x``/``high_x`` are None when there is no estimate (the label says why)."""

    label: str
    text: str
    top: float
    x: float | None
    low_x: float | None
    high_x: float | None
    flagged: bool = False
    height: float = 24

    @property
    def label_y(self) -> float:
        """Baseline of the label, level with the interval."""
        return round(self.top + self.height / 2 + 4, 2)

    @property
    def line_y(self) -> float:
        return round(self.top + self.height / 2, 2)


@dataclass(frozen=True)
class IntervalChart:
    width: float
    height: float
    rows: list[IntervalRow]
    ticks: list[tuple[float, str]]  # (x, label) along the bottom axis
    reference_x: float | None  # a vertical line: the threshold, or zero
    axis_y: float
    plot_x: float  # where the plot starts (the labels sit left of it)

    @property
    def view_box(self) -> str:
        return f"0 0 {_fmt(self.width)} {_fmt(self.height)}"

    @property
    def tick_label_y(self) -> float:
        return round(self.axis_y + 14, 2)

    @property
    def missing_x(self) -> float:
        return round(self.plot_x + 4, 2)


def interval_chart(
    rows: Sequence[tuple[str, float | None, float | None, float | None, str, bool]],
    *,
    low: float,
    high: float,
    ticks: Sequence[float],
    reference: float | None = None,
    width: float = 640,
    label_width: float = 200,
    row_height: float = 24,
    margin: float = 8,
) -> IntervalChart:
    """Rows of (label, estimate, interval low, interval high, text, flagged) on one scale from
    ``low`` to ``high`` (values beyond it sit on its edge), with ``ticks`` and a reference
    line. Labels take the left ``label_width``; each row is ``row_height`` tall."""
    span = high - low
    plot_x = label_width + margin

    def x_of(value: float | None) -> float | None:
        if value is None:
            return None
        clamped = min(max(value, low), high)
        return round(plot_x + (width - plot_x - margin) * (clamped - low) / span, 2)

    chart_rows = [
        IntervalRow(
            label=label,
            text=text,
            top=i * row_height,
            x=x_of(value),
            low_x=x_of(lo) if value is not None else None,
            high_x=x_of(hi) if value is not None else None,
            flagged=flagged,
            height=row_height,
        )
        for i, (label, value, lo, hi, text, flagged) in enumerate(rows)
    ]
    axis_y = round(len(rows) * row_height + 4, 2)
    return IntervalChart(
        width=width,
        height=round(axis_y + 20, 2),
        rows=chart_rows,
        ticks=[(x_of(t) or 0.0, _fmt(t)) for t in ticks],
        reference_x=x_of(reference),
        axis_y=axis_y,
        plot_x=plot_x,
    )


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str
    flagged: bool = False


@dataclass(frozen=True)
class Scatter:
    width: float
    height: float
    points: list[Point]
    line: str  # polyline points "x,y x,y" (empty: none)
    x_ticks: list[tuple[float, str]]
    y_ticks: list[tuple[float, str]]
    left: float
    bottom: float

    @property
    def view_box(self) -> str:
        return f"0 0 {_fmt(self.width)} {_fmt(self.height)}"

    @property
    def right(self) -> float:
        return self.width

    @property
    def y_label_x(self) -> float:
        return round(self.left - 4, 2)

    @property
    def x_label_y(self) -> float:
        return round(self.bottom + 14, 2)


def scatter(
    points: Sequence[tuple[float, float, str, bool]],
    *,
    x_range: tuple[float, float],
    y_range: tuple[float, float],
    x_ticks: Sequence[float],
    y_ticks: Sequence[float],
    line: Sequence[tuple[float, float]] = (),
    width: float = 480,
    height: float = 260,
    left: float = 34,
    bottom_margin: float = 20,
    spread: float = 0.0,
) -> Scatter:
    """(x, y, label, flagged) points on a plot; y grows upwards; values beyond a range sit on
    its edge. ``spread`` (in x units) fans out points that share an x, in their given order,
    so equal x values stay readable; ``line`` is drawn through its points (e.g. a fit)."""
    plot_w, plot_h = width - left - 6, height - bottom_margin - 6
    (x0, x1), (y0, y1) = x_range, y_range

    def sx(x: float) -> float:
        return round(left + plot_w * (min(max(x, x0), x1) - x0) / (x1 - x0), 2)

    def sy(y: float) -> float:
        return round(6 + plot_h * (1 - (min(max(y, y0), y1) - y0) / (y1 - y0)), 2)

    same_x: dict[float, int] = {}
    for x, *_ in points:
        same_x[x] = same_x.get(x, 0) + 1
    seen: dict[float, int] = {}
    placed = []
    for x, y, label, flagged in points:
        k, n = seen.get(x, 0), same_x[x]
        seen[x] = k + 1
        offset = spread * ((k + 0.5) / n - 0.5) if n > 1 else 0.0
        placed.append(Point(x=sx(x + offset), y=sy(y), label=label, flagged=flagged))
    return Scatter(
        width=width,
        height=height,
        points=placed,
        line=" ".join(f"{_fmt(sx(x))},{_fmt(sy(y))}" for x, y in line),
        x_ticks=[(sx(t), _fmt(t)) for t in x_ticks],
        y_ticks=[(sy(t), _fmt(t)) for t in y_ticks],
        left=left,
        bottom=round(6 + plot_h, 2),
    )
