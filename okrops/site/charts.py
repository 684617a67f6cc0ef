"""Key result history charts as inline SVG, drawn at build time.

No JavaScript: the chart is an ``<svg role="img">`` with a text description,
hover tooltips are SVG ``<title>`` elements, and a table of the same numbers
sits next to it on the page. Colours come from CSS classes in okrops.css (with
plain attribute fallbacks), so the charts follow the light and dark schemes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Optional, Sequence

from okrops.site.html import esc, number


@dataclass
class Point:
    day: date
    value: float
    label: str = ""  # tooltip text (already plain text; escaped when drawn)


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


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _bounds(spec: ChartSpec) -> tuple[float, float]:
    values = [p.value for p in spec.points]
    for v in (spec.baseline, spec.target, spec.range_min, spec.range_max):
        if v is not None:
            values.append(v)
    if not values:
        return 0.0, 1.0
    low, high = min(values), max(values)
    if high == low:
        pad = abs(high) * 0.1 or 1.0
    else:
        pad = (high - low) * 0.08
    return low - pad, high + pad


def _nice(value: float) -> str:
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.0f}"
    return f"{value:.2f}".rstrip("0").rstrip(".")


def expected_points(spec: ChartSpec) -> Optional[tuple[tuple[date, float], tuple[date, float]]]:
    if spec.baseline is None or spec.target is None:
        return None
    end_value = spec.baseline + (spec.target - spec.baseline) * spec.expected_share
    return (spec.start, spec.baseline), (spec.end, end_value)


def history_chart(spec: ChartSpec, width: int = 720, height: int = 260) -> str:
    """The full chart for a key result page."""
    left, right, top, bottom = 56, 84, 16, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    low, high = _bounds(spec)
    days = max(1, (spec.end - spec.start).days)

    def x(day: date) -> float:
        offset = min(max((day - spec.start).days, 0), days)
        return left + plot_w * offset / days

    def y(value: float) -> float:
        return top + plot_h * (1 - (value - low) / (high - low))

    parts: list[str] = []
    desc = _describe(spec)
    parts.append(f'<svg class="okr-chart" viewBox="0 0 {width} {height}" role="img" '
                 f'aria-label="{esc(desc)}" xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMidYMid meet">')
    parts.append(f"<title>{esc(desc)}</title>")
    # Range band.
    if spec.range_min is not None and spec.range_max is not None:
        y1, y2 = y(spec.range_max), y(spec.range_min)
        parts.append(f'<rect class="okr-chart__band" x="{left}" y="{y1:.1f}" width="{plot_w}" height="{max(1.0, y2 - y1):.1f}" fill="#2e7d3222"/>')
    # Horizontal grid with value labels; weekly ticks with a label every other week (every week on
    # short cycles). One path per set of lines keeps the page small.
    grid = []
    for i in range(5):
        value = low + (high - low) * i / 4
        yy = y(value)
        grid.append(f"M{left} {yy:.1f}H{left + plot_w}")
        parts.append(f'<text class="okr-chart__axis" x="{left - 6}" y="{yy + 4:.1f}" text-anchor="end">{esc(_nice(value))}</text>')
    parts.append(f'<path class="okr-chart__grid" d="{"".join(grid)}" stroke="#ccc"/>')
    step = 7 if days <= 56 else 14 if days <= 120 else 28 if days <= 200 else 56
    ticks = []
    day = spec.start
    while day <= spec.end:
        xx = x(day)
        ticks.append(f"M{xx:.1f} {top}V{top + plot_h}")
        if (day - spec.start).days % step == 0:
            parts.append(f'<text class="okr-chart__axis" x="{xx:.1f}" y="{height - 12}" text-anchor="middle">{day.strftime("%b %-d")}</text>')
        day += timedelta(days=7)
    parts.append(f'<path class="okr-chart__tick" d="{"".join(ticks)}" stroke="#eee"/>')
    # Expected progress and target lines, labelled at the right; labels that would overlap move apart.
    expected = expected_points(spec)
    target_y = y(spec.target) if spec.target is not None else None
    expected_y = y(expected[1][1]) if expected is not None else None
    target_label, expected_label = (target_y or 0) + 4, (expected_y or 0) + 4
    if target_y is not None and expected_y is not None and abs(target_y - expected_y) < 14:
        upper, lower = min(target_y, expected_y) - 3, max(target_y, expected_y) + 11
        target_label, expected_label = (upper, lower) if target_y <= expected_y else (lower, upper)
    if expected is not None:
        (d1, v1), (d2, v2) = expected
        parts.append(f'<line class="okr-chart__expected" x1="{x(d1):.1f}" y1="{y(v1):.1f}" x2="{x(d2):.1f}" y2="{y(v2):.1f}" '
                     f'stroke="#888" stroke-dasharray="2 4"><title>expected progress</title></line>')
        parts.append(f'<text class="okr-chart__label okr-chart__label--expected" x="{left + plot_w + 6}" y="{expected_label:.1f}">expected</text>')
    if spec.target is not None:
        parts.append(f'<line class="okr-chart__target" x1="{left}" x2="{left + plot_w}" y1="{target_y:.1f}" y2="{target_y:.1f}" '
                     f'stroke="#2e7d32" stroke-dasharray="6 4"><title>target {esc(_fmt(spec.target))}</title></line>')
        parts.append(f'<text class="okr-chart__label okr-chart__label--target" x="{left + plot_w + 6}" y="{target_label:.1f}">target</text>')
    # Today.
    if spec.today is not None and spec.start <= spec.today <= spec.end:
        xx = x(spec.today)
        parts.append(f'<line class="okr-chart__today" x1="{xx:.1f}" x2="{xx:.1f}" y1="{top}" y2="{top + plot_h}" stroke="#999"/>')
        parts.append(f'<text class="okr-chart__axis" x="{xx:.1f}" y="{top + 10}" text-anchor="middle">today</text>')
    # The values.
    pts = sorted(spec.points, key=lambda p: p.day)
    if pts:
        coords = " ".join(f"{x(p.day):.1f},{y(p.value):.1f}" for p in pts)
        parts.append(f'<polyline class="okr-chart__line" points="{coords}" fill="none" stroke="#3f51b5" stroke-width="2.5"/>')
        for p in pts:
            tip = p.label or f"{p.day.isoformat()}: {_fmt(p.value)}"
            parts.append(f'<circle class="okr-chart__point" cx="{x(p.day):.1f}" cy="{y(p.value):.1f}" r="4" fill="#3f51b5">'
                         f"<title>{esc(tip)}</title></circle>")
    # Frame.
    parts.append(f'<rect class="okr-chart__frame" x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#bbb"/>')
    parts.append("</svg>")
    return "".join(parts)


def sparkline(spec: ChartSpec, width: int = 120, height: int = 28) -> str:
    """A small trend line for tables: values, with the target as a dashed line."""
    low, high = _bounds(spec)
    days = max(1, (spec.end - spec.start).days)
    pad = 3

    def x(day: date) -> float:
        offset = min(max((day - spec.start).days, 0), days)
        return pad + (width - 2 * pad) * offset / days

    def y(value: float) -> float:
        return pad + (height - 2 * pad) * (1 - (value - low) / (high - low))

    pts = sorted(spec.points, key=lambda p: p.day)
    label = esc(_describe(spec, short=True))
    out = [f'<svg class="okr-spark" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
           f'aria-label="{label}" xmlns="http://www.w3.org/2000/svg">']
    if spec.target is not None:
        yy = y(spec.target)
        out.append(f'<line class="okr-chart__target" x1="{pad}" x2="{width - pad}" y1="{yy:.1f}" y2="{yy:.1f}" stroke="#2e7d32" stroke-dasharray="3 3"/>')
    if pts:
        coords = " ".join(f"{x(p.day):.1f},{y(p.value):.1f}" for p in pts)
        out.append(f'<polyline class="okr-chart__line" points="{coords}" fill="none" stroke="#3f51b5" stroke-width="1.8"/>')
        last = pts[-1]
        out.append(f'<circle class="okr-chart__point" cx="{x(last.day):.1f}" cy="{y(last.value):.1f}" r="2.5" fill="#3f51b5"/>')
    out.append("</svg>")
    return "".join(out)


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
    return ("Trend: " if short else (spec.title + ": " if spec.title else "History: ")) + text


__all__ = ["ChartSpec", "Point", "history_chart", "sparkline", "expected_points", "number"]
