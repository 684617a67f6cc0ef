"""Key result history charts: the geometry of the inline SVG drawn at build time.

This module computes where everything goes (plain numbers and text); the markup is in
the templates ``partials/chart.html`` and ``partials/sparkline.html``, which escape every
value like any other. No JavaScript: the chart is an ``<svg role="img">`` with a text
description, hover tooltips are SVG ``<title>`` elements, and a table of the same numbers
sits next to it on the page. Colours come from CSS classes in okrops.css (with plain
attribute fallbacks), so the charts follow the light and dark schemes.

The value axis is labelled at "nice" values (multiples of 1, 2, 2.5 or 5 × 10^n, see
:func:`nice_ticks`); the time axis has weekly ticks.
"""

from __future__ import annotations

import functools
import math
import sys
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Optional, Sequence

NICE_MANTISSAS = (1.0, 2.0, 2.5, 5.0)
MIN_TICKS, MAX_TICKS, IDEAL_TICKS = 3, 6, 5


@dataclass
class Point:
    day: date
    value: float
    label: str = ""  # tooltip text (plain text; the template escapes it)


@dataclass
class ChartSpec:
    start: date
    end: date
    baseline: Optional[float]
    target: Optional[float]
    points: Sequence[Point]
    today: Optional[date] = None
    expected_share: float = 1.0  # expected progress at the end of the cycle (0.7 for aspirational)
    range_min: Optional[float] = None
    range_max: Optional[float] = None
    measure: str = ""
    title: str = ""
    # Target and baseline as they changed: (day it took effect, value), oldest first, the first
    # from the cycle's start (okrops.record.targets); empty when they never changed.
    target_steps: Sequence[tuple[date, float]] = ()
    baseline_steps: Sequence[tuple[date, float]] = ()
    # A range key result's band as it changed: (day it took effect, min, max), oldest first, the
    # first from the cycle's start; empty when the range never changed.
    range_steps: Sequence[tuple[date, float, float]] = ()
    changes: Sequence[Point] = ()  # one marker per change, on the target line (or the band's top), with what changed
    forecast: Optional["Forecast"] = None
    fixed: Optional[tuple[float, float]] = None  # the value axis from .. to (confidence: 0 to 1)


@dataclass(frozen=True)
class Forecast:
    """Where a straight line through the recent values lands at the end of the cycle (not a promise)."""

    start: date  # the last value's day
    start_value: float
    end: date
    value: float
    points: int  # how many values the line was fitted to


def forecast(points: Sequence[Point], end: date, today: date, recent: int = 6) -> Optional[Forecast]:
    """A least-squares line through the last ``recent`` values, extended to ``end``.

    None unless the cycle is still running and there are at least three values on two or
    more days.
    """
    pts = sorted(points, key=lambda p: p.day)[-recent:]
    if len(pts) < 3 or today >= end or pts[-1].day >= end or len({p.day for p in pts}) < 2:
        return None
    xs = [float(p.day.toordinal()) for p in pts]
    ys = [p.value for p in pts]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx
    at_end = my + slope * (end.toordinal() - mx)
    at_last = my + slope * (xs[-1] - mx)
    if not (math.isfinite(at_end) and math.isfinite(at_last)):
        return None
    return Forecast(pts[-1].day, at_last, end, at_end, len(pts))


# -- nice ticks ------------------------------------------------------------------------------


def nice_steps_around(half_span: float) -> list[float]:
    """Candidate steps (1, 2, 2.5, 5 × 10^n) from about span/20 to about span, smallest first.

    Given half the span, which stays finite for any two finite numbers.
    """
    top = math.floor(math.log10(half_span) + math.log10(2))
    steps = (m * 10.0 ** e for e in range(top - 2, top + 1) for m in NICE_MANTISSAS)
    return [step for step in steps if math.isfinite(step)]


def step_decimals(step: float) -> int:
    """Decimals that show every multiple of ``step`` exactly: 0 for 5 or 20, 1 for 0.5, 2 for 0.25."""
    exponent = math.floor(math.log10(step) + 1e-9)
    mantissa = step / 10.0 ** exponent
    extra = 1 if abs(mantissa - 2.5) < 1e-6 else 0
    return max(0, extra - exponent)


def nice_ticks(low: float, high: float) -> list[float]:
    """Axis values between ``low`` and ``high``: every multiple of one step of 1, 2, 2.5 or 5 × 10^n.

    The step gives between 3 and 6 ticks inside the range (5 where it can); the values are
    rounded to the step's decimals, so 0.1 + 0.2 is 0.3. An empty or reversed range raises
    ValueError; a range of one value is widened by 10% each way (1 around zero). Any finite
    range works, up to the largest floats.
    """
    if not (math.isfinite(low) and math.isfinite(high)) or high < low:
        raise ValueError(f"not a range: {low!r} to {high!r}")
    if high == low:
        pad = abs(high) * 0.1 or 1.0
        low, high = max(low - pad, -sys.float_info.max), min(high + pad, sys.float_info.max)
    best: Optional[tuple[tuple[int, float], float, int, int]] = None
    for step in nice_steps_around(high / 2 - low / 2):
        first, last = math.ceil(low / step - 1e-9), math.floor(high / step + 1e-9)
        count = last - first + 1
        if count < 2:
            continue
        outside = 0 if MIN_TICKS <= count <= MAX_TICKS else 1
        rank = (outside * 100 + abs(count - IDEAL_TICKS), -step)
        if best is None or rank < best[0]:
            best = (rank, step, first, last)
    assert best is not None  # the smallest candidate step is at most span / 20
    _rank, step, first, last = best
    decimals = step_decimals(step)
    return [round(k * step, decimals) + 0.0 for k in range(first, last + 1)]


def tick_label(value: float, ticks: Sequence[float]) -> str:
    """A tick's label: as many decimals as the step needs, thousands separated ("1,250", "0.25").

    Beyond a trillion, in scientific notation ("2.5e+15").
    """
    if max(abs(t) for t in ticks) >= 1e15:
        return f"{value + 0.0:.4g}"
    decimals = step_decimals(ticks[1] - ticks[0]) if len(ticks) > 1 else 0
    return f"{value + 0.0:,.{decimals}f}"


# -- geometry ------------------------------------------------------------------------------


def _fmt(value: float) -> str:
    if abs(value) >= 1e15:
        return f"{value:.4g}"
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _c(value: float) -> str:
    """A coordinate as written in the SVG."""
    return f"{value:.1f}"


def _bounds(spec: ChartSpec) -> tuple[float, float]:
    if spec.fixed is not None:
        return spec.fixed
    values = [p.value for p in spec.points]
    for v in (spec.baseline, spec.target, spec.range_min, spec.range_max):
        if v is not None:
            values.append(v)
    values += [v for _d, v in (*spec.target_steps, *spec.baseline_steps)]
    values += [v for _d, *bounds in spec.range_steps for v in bounds]
    if spec.forecast is not None:
        values += [spec.forecast.start_value, spec.forecast.value]
    if not values:
        return 0.0, 1.0
    low, high = min(values), max(values)
    if high == low:
        pad = abs(high) * 0.1 or 1.0
    else:
        pad = (high / 2 - low / 2) * 0.16  # 8% of the span, which may be beyond the largest float
    return max(low - pad, -sys.float_info.max), min(high + pad, sys.float_info.max)


def expected_points(spec: ChartSpec) -> Optional[tuple[tuple[date, float], tuple[date, float]]]:
    if spec.baseline is None or spec.target is None:
        return None
    share, span = spec.expected_share, spec.target - spec.baseline
    # Weighted instead where the difference overflows (values near the largest float).
    end_value = spec.baseline + span * share if math.isfinite(span) else spec.baseline * (1 - share) + spec.target * share
    return (spec.start, spec.baseline), (spec.end, end_value)


@dataclass
class Label:
    x: str
    y: str
    text: str


@dataclass
class Line:
    x1: str
    y1: str
    x2: str
    y2: str
    title: str = ""


@dataclass
class Dot:
    x: str
    y: str
    title: str = ""


@dataclass
class Box:
    x: str
    y: str
    width: str
    height: str


@dataclass
class HistoryChart:
    """Everything ``partials/chart.html`` draws, in SVG user units (numbers as text)."""

    width: int
    height: int
    description: str
    frame: Box
    grid: str  # one path for the horizontal lines at the value ticks
    value_labels: list[Label]
    weeks: str  # one path for the weekly ticks
    day_labels: list[Label]
    label_x: str  # where the "target" and "expected" labels start, right of the plot
    band: Optional[Box] = None  # the range to keep, for range key results
    band_steps: str = ""  # closed path of the range to keep as it changed (then ``band`` is None)
    expected: Optional[Line] = None
    expected_label_y: str = ""
    target: Optional[Line] = None
    target_label_y: str = ""
    today: Optional[Line] = None
    today_label: Optional[Label] = None
    line: str = ""  # polyline points of the values
    dots: list[Dot] = field(default_factory=list)
    target_steps: str = ""  # path of the target as it changed (then ``target`` is None)
    baseline_steps: str = ""  # path of the baseline as it changed
    changes: list[Dot] = field(default_factory=list)  # a marker where the target, baseline or range changed
    forecast: Optional[Line] = None
    forecast_label_y: str = ""
    kind: str = "value"  # "value" or "confidence"


@dataclass
class Sparkline:
    width: int
    height: int
    description: str
    target: Optional[Line] = None
    line: str = ""
    last: Optional[Dot] = None


class _Scale:
    """Maps days and values to SVG coordinates inside a plot box."""

    def __init__(self, spec: ChartSpec, low: float, high: float, left: float, top: float, width: float, height: float):
        self.start, self.days = spec.start, max(1, (spec.end - spec.start).days)
        self.low, self.high = low, high
        self.left, self.top, self.width, self.height = left, top, width, height

    def x(self, day: date) -> float:
        offset = min(max((day - self.start).days, 0), self.days)
        return self.left + self.width * offset / self.days

    def y(self, value: float) -> float:
        # Halves first: the difference of two finite numbers may not be finite.
        return self.top + self.height * (1 - (value / 2 - self.low / 2) / (self.high / 2 - self.low / 2))


def history_chart(spec: ChartSpec, width: int = 720, height: int = 260) -> HistoryChart:
    """The full chart for a key result page."""
    left, right, top, bottom = 56, 84, 16, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    low, high = _bounds(spec)
    s = _Scale(spec, low, high, left, top, plot_w, plot_h)
    try:
        ticks = nice_ticks(low, high)
    except (ValueError, OverflowError):  # values near the float limit: no axis can be drawn, the line still is
        ticks = []
    chart = HistoryChart(
        width, height, _describe(spec), Box(str(left), str(top), str(plot_w), str(plot_h)),
        grid="".join(f"M{left} {_c(s.y(v))}H{left + plot_w}" for v in ticks),
        value_labels=[Label(str(left - 6), _c(s.y(v) + 4), tick_label(v, ticks)) for v in ticks],
        weeks="", day_labels=[], label_x=str(left + plot_w + 6))
    if spec.range_min is not None and spec.range_max is not None:
        y1, y2 = s.y(spec.range_max), s.y(spec.range_min)
        chart.band = Box(str(left), _c(y1), str(plot_w), _c(max(1.0, y2 - y1)))
    chart.weeks, chart.day_labels = _time_axis(spec.start, spec.end, left, top, plot_w, plot_h, height)
    _reference_lines(chart, spec, s)
    if spec.today is not None and spec.start <= spec.today <= spec.end:
        xx = _c(s.x(spec.today))
        chart.today = Line(xx, str(top), xx, str(top + plot_h))
        chart.today_label = Label(xx, str(top + 10), "today")
    pts = sorted(spec.points, key=lambda p: p.day)
    chart.line = " ".join(f"{_c(s.x(p.day))},{_c(s.y(p.value))}" for p in pts)
    chart.dots = [Dot(_c(s.x(p.day)), _c(s.y(p.value)), p.label or f"{p.day.isoformat()}: {_fmt(p.value)}") for p in pts]
    _steps(chart, spec, s)
    if spec.forecast is not None:
        f = spec.forecast
        chart.forecast = Line(_c(s.x(f.start)), _c(s.y(f.start_value)), _c(s.x(f.end)), _c(s.y(f.value)),
                              f"forecast: about {_fmt(f.value)} on {f.end.isoformat()} at the current pace")
        chart.forecast_label_y = _c(s.y(f.value) + 4)
    return chart


def confidence_chart(start: date, end: date, points: Sequence[Point], today: Optional[date] = None,
                     title: str = "Confidence") -> HistoryChart:
    """A small chart of the confidence at each check-in, on a fixed 0 to 1 axis."""
    spec = ChartSpec(start, end, None, None, points, today=today, fixed=(0.0, 1.0), title=title)
    chart = history_chart(spec, height=150)
    chart.kind = "confidence"
    return chart


@dataclass
class Trend:
    """A small chart of one measure cycle over cycle (``partials/record.html``)."""

    width: int
    height: int
    description: str
    line: str = ""
    dots: list[Dot] = field(default_factory=list)


def trend(values: Sequence[Optional[float]], labels: Sequence[str], title: str, share: bool = True,
          width: int = 140, height: int = 36) -> Optional[Trend]:
    """Values per cycle, oldest first (None: not measured), on 0 to 1 for shares or 0 to the largest value.

    None when fewer than two cycles have a value.
    """
    known = [(i, v) for i, v in enumerate(values) if v is not None and math.isfinite(v)]
    if len(known) < 2:
        return None
    pad = 5
    top = 1.0 if share else max(max(v for _i, v in known), 1.0)
    step = (width - 2 * pad) / max(1, len(values) - 1)

    def y(value: float) -> float:
        return pad + (height - 2 * pad) * (1 - min(max(value / top, 0.0), 1.0))

    shown = [f"{labels[i]}: {v:.0%}" if share else f"{labels[i]}: {_fmt(v)}" for i, v in known]
    chart = Trend(width, height, f"{title}, cycle over cycle: " + ", ".join(shown))
    chart.line = " ".join(f"{_c(pad + i * step)},{_c(y(v))}" for i, v in known)
    chart.dots = [Dot(_c(pad + i * step), _c(y(v)), text) for (i, v), text in zip(known, shown)]
    return chart


def _step_path(steps: Sequence[tuple[date, float]], s: "_Scale", end: date) -> str:
    """A step line: each value level from the day it took effect to the next change (or the end)."""
    parts = []
    for index, (day, value) in enumerate(steps):
        until = steps[index + 1][0] if index + 1 < len(steps) else end
        yy = _c(s.y(value))
        parts.append(f"{'M' if not parts else 'L'}{_c(s.x(day))} {yy}H{_c(s.x(until))}")
    return "".join(parts)


def _band_path(steps: Sequence[tuple[date, float, float]], s: "_Scale", end: date) -> str:
    """The range to keep as one closed area: its top (max) in steps left to right, its bottom (min) back."""
    until = [day for day, _low, _high in steps[1:]] + [end]
    parts = [f"M{_c(s.x(steps[0][0]))} {_c(s.y(steps[0][2]))}"]
    parts += [f"{'V' + _c(s.y(high)) if index else ''}H{_c(s.x(until[index]))}"
              for index, (_day, _low, high) in enumerate(steps)]
    parts += [f"V{_c(s.y(low))}H{_c(s.x(day))}" for day, low, _high in reversed(steps)]
    return "".join(parts) + "Z"


def _steps(chart: HistoryChart, spec: ChartSpec, s: "_Scale") -> None:
    """Target, baseline and range changes drawn as steps at the days they took effect, with a marker each."""
    if len(spec.range_steps) > 1:
        chart.band_steps = _band_path(spec.range_steps, s, spec.end)
        chart.band = None
    if len(spec.target_steps) > 1:
        chart.target_steps = _step_path(spec.target_steps, s, spec.end)
        chart.target = None
        target_y = s.y(spec.target_steps[-1][1])
        if spec.target_steps[-1][1] != spec.target:  # else the label already sits right of the last step
            chart.target_label_y = _c(target_y + 4)
        if spec.target_steps[-1][1] != spec.target and chart.expected is not None:  # labels that would overlap move apart
            expected_y = float(chart.expected_label_y) - 4
            if abs(target_y - expected_y) < 14:
                upper, lower = min(target_y, expected_y) - 3, max(target_y, expected_y) + 11
                target_label, expected_label = (upper, lower) if target_y <= expected_y else (lower, upper)
                chart.target_label_y, chart.expected_label_y = _c(target_label), _c(expected_label)
    if len(spec.baseline_steps) > 1:
        chart.baseline_steps = _step_path(spec.baseline_steps, s, spec.end)
    level = spec.target_steps[-1][1] if spec.target_steps else spec.target
    for change in spec.changes:
        at = next((v for d, v in reversed(spec.target_steps) if d <= change.day), level)
        if spec.range_steps:  # a range key result: on the band's top edge that day
            at = next((high for d, _low, high in reversed(spec.range_steps) if d <= change.day), spec.range_steps[0][2])
        yy = s.y(at) if at is not None else s.top
        chart.changes.append(Dot(_c(s.x(change.day)), _c(yy), change.label))


@functools.lru_cache(maxsize=64)
def _time_axis(start: date, end: date, left: int, top: int, width: int, height: int,
               chart_height: int) -> tuple[str, list[Label]]:
    """Weekly ticks (one path) and their labels, every other week (every week on short cycles, less often on long ones).

    The same for every key result of a cycle, so computed once per cycle.
    """
    days = max(1, (end - start).days)
    step = 7 if days <= 56 else 14 if days <= 120 else 28 if days <= 200 else 56
    ticks, labels = [], []
    day = start
    while day <= end:
        xx = _c(left + width * min((day - start).days, days) / days)
        ticks.append(f"M{xx} {top}V{top + height}")
        if (day - start).days % step == 0:
            labels.append(Label(xx, str(chart_height - 12), day.strftime("%b %-d")))
        day += timedelta(days=7)
    return "".join(ticks), labels


def _reference_lines(chart: HistoryChart, spec: ChartSpec, s: _Scale) -> None:
    """Expected progress and target lines, labelled at the right; labels that would overlap move apart."""
    expected = expected_points(spec)
    target_y = s.y(spec.target) if spec.target is not None else None
    expected_y = s.y(expected[1][1]) if expected is not None else None
    target_label, expected_label = (target_y or 0) + 4, (expected_y or 0) + 4
    if target_y is not None and expected_y is not None and abs(target_y - expected_y) < 14:
        upper, lower = min(target_y, expected_y) - 3, max(target_y, expected_y) + 11
        target_label, expected_label = (upper, lower) if target_y <= expected_y else (lower, upper)
    if expected is not None:
        (d1, v1), (d2, v2) = expected
        chart.expected = Line(_c(s.x(d1)), _c(s.y(v1)), _c(s.x(d2)), _c(s.y(v2)), "expected progress")
        chart.expected_label_y = _c(expected_label)
    if spec.target is not None and target_y is not None:
        right = str(s.left + s.width)
        chart.target = Line(str(s.left), _c(target_y), right, _c(target_y), f"target {_fmt(spec.target)}")
        chart.target_label_y = _c(target_label)


def sparkline(spec: ChartSpec, width: int = 120, height: int = 28) -> Sparkline:
    """A small trend line for tables: values, with the target as a dashed line."""
    pad = 3
    low, high = _bounds(replace(spec, forecast=None, target_steps=(), baseline_steps=(), range_steps=()))  # the values and today's target
    s = _Scale(spec, low, high, pad, pad, width - 2 * pad, height - 2 * pad)
    spark = Sparkline(width, height, _describe(spec, short=True))
    if spec.target is not None:
        yy = _c(s.y(spec.target))
        spark.target = Line(str(pad), yy, str(width - pad), yy)
    pts = sorted(spec.points, key=lambda p: p.day)
    if pts:
        spark.line = " ".join(f"{_c(s.x(p.day))},{_c(s.y(p.value))}" for p in pts)
        spark.last = Dot(_c(s.x(pts[-1].day)), _c(s.y(pts[-1].value)))
    return spark


def _describe(spec: ChartSpec, short: bool = False) -> str:
    pts = sorted(spec.points, key=lambda p: p.day)
    measure = f" {spec.measure}" if spec.measure else ""
    if not pts:
        text = "No values recorded yet"
    else:
        first, last = pts[0], pts[-1]
        text = f"From {_fmt(first.value)}{measure} on {first.day.isoformat()} to {_fmt(last.value)}{measure} on {last.day.isoformat()}"
        if not short:
            text += f", {len(pts)} data points"
    if spec.target is not None:
        text += f"; target {_fmt(spec.target)}{measure}"
    elif spec.range_min is not None and spec.range_max is not None:
        text += f"; keep between {_fmt(spec.range_min)} and {_fmt(spec.range_max)}{measure}"
        if not short:
            text += _describe_range_steps(spec.range_steps, measure)
    return ("Trend: " if short else (spec.title + ": " if spec.title else "History: ")) + text


def _describe_range_steps(steps: Sequence[tuple[date, float, float]], measure: str) -> str:
    """How the range to keep moved: "; the range moved from 0–250 to 0–200 ms on 2026-10-09"."""
    moves = [f"from {_fmt(a_low)}–{_fmt(a_high)} to {_fmt(b_low)}–{_fmt(b_high)}{measure} on {day.isoformat()}"
             for (_d, a_low, a_high), (day, b_low, b_high) in zip(steps, steps[1:])]
    return f"; the range moved {', then '.join(moves)}" if moves else ""


__all__ = ["ChartSpec", "Forecast", "HistoryChart", "Trend", "confidence_chart", "forecast", "trend", "Point", "Sparkline", "expected_points", "history_chart", "nice_ticks",
           "sparkline", "tick_label"]
