"""The history charts' value axis: "nice" tick values (1, 2, 2.5 or 5 × 10^n), and where they are drawn."""

from __future__ import annotations

import math
import random
import re
import sys
from datetime import date

import pytest

from okrops.site.charts import ChartSpec, Point, history_chart, nice_ticks, sparkline, step_decimals, tick_label

NICE = (1.0, 2.0, 2.5, 5.0)


def nice_step(ticks: list[float]) -> float:
    """The step between the ticks, if it is 1, 2, 2.5 or 5 × 10^n (within rounding); else fail."""
    measured = (ticks[-1] - ticks[0]) / (len(ticks) - 1)
    exponent = math.floor(math.log10(measured) + 1e-9)
    for mantissa in NICE + (10.0,):
        if math.isclose(measured, mantissa * 10 ** exponent, rel_tol=1e-6):
            return mantissa * 10 ** exponent
    raise AssertionError(f"not a nice step: {measured} between {ticks}")


@pytest.mark.parametrize("low, high, expected", [
    (231.6, 498.4, [250, 300, 350, 400, 450]),
    (0, 1, [0, 0.25, 0.5, 0.75, 1]),
    (-0.3, 0.2, [-0.3, -0.2, -0.1, 0, 0.1, 0.2]),
    (92, 108, [95, 100, 105]),
    (-10, -2, [-10, -8, -6, -4, -2]),
    (99.1, 99.9, [99.2, 99.4, 99.6, 99.8]),
    (1e6, 4.3e6, [1e6, 2e6, 3e6, 4e6]),
    (0.001, 0.0013, [0.001, 0.0011, 0.0012, 0.0013]),
    (5, 5, [4.5, 4.75, 5, 5.25, 5.5]),  # one value: widened by 10% each way
    (0, 0, [-1, -0.5, 0, 0.5, 1]),
])
def test_nice_ticks(low, high, expected):
    assert nice_ticks(low, high) == expected


@pytest.mark.parametrize("low, high", [(2, 1), (math.nan, 1), (0, math.inf)])
def test_nice_ticks_refuse_what_is_not_a_range(low, high):
    with pytest.raises(ValueError):
        nice_ticks(low, high)


def ranges(count: int, seed: int = 13):
    """Ranges of every magnitude: around zero, far from it, negative, narrow and wide."""
    rng = random.Random(seed)
    for _ in range(count):
        span = 10 ** rng.uniform(-5, 9)
        centre = rng.choice([0.0, 1.0, -1.0]) * 10 ** rng.uniform(-3, 9) * rng.random()
        low = centre - span * rng.random()
        if span > 1e-7 * abs(centre):  # a narrower range is below what the values' precision can show
            yield low, low + span


@pytest.mark.parametrize("seed", range(4))
def test_nice_ticks_are_multiples_of_a_nice_step_inside_the_range(seed):
    for low, high in ranges(500, seed):
        check_ticks(low, high)


def check_ticks(low: float, high: float) -> None:
    ticks = nice_ticks(low, high)
    assert 3 <= len(ticks) <= 6, ticks
    step = nice_step(ticks)
    tolerance = step * 1e-6 + 1e-9 * max(abs(low), abs(high))  # rounding of values far from zero
    for a, b in zip(ticks, ticks[1:]):
        assert abs(b - a - step) <= tolerance, ticks
    for tick in ticks:
        assert low - tolerance <= tick <= high + tolerance, (low, high, ticks)
        assert abs(tick - round(tick / step) * step) <= tolerance, (tick, step)
    labels = [tick_label(t, ticks) for t in ticks]
    assert len(set(labels)) == len(labels), labels  # the step's decimals tell every tick apart
    assert all(abs(float(label.replace(",", "")) - t) <= tolerance for label, t in zip(labels, ticks)), labels


@pytest.mark.parametrize("low, high", [(-sys.float_info.max, sys.float_info.max), (sys.float_info.max, sys.float_info.max),
                                       (-sys.float_info.max, -sys.float_info.max), (1e300, sys.float_info.max)])
def test_nice_ticks_of_the_largest_floats(low, high):
    ticks = nice_ticks(low, high)
    assert 3 <= len(ticks) <= 6 and all(math.isfinite(t) for t in ticks), ticks
    labels = [tick_label(t, ticks) for t in ticks]
    assert len(set(labels)) == len(labels) and all(len(label) < 12 for label in labels), labels  # "1.7e+308"


def test_a_chart_of_the_largest_floats_has_finite_coordinates():
    big = sys.float_info.max
    spec = ChartSpec(date(2026, 10, 1), date(2026, 12, 31), -big, big,
                     [Point(date(2026, 10, 7), big / 2), Point(date(2026, 11, 11), -big)], today=date(2026, 11, 25),
                     range_min=-big, range_max=big)
    chart, spark = history_chart(spec), sparkline(spec)
    numbers = re.findall(r"[-\d.e+]+|inf|nan", " ".join(
        [chart.grid, chart.line, spark.line] + [getattr(part, name) for part in (chart.target, chart.expected, spark.target)
                                                for name in ("x1", "y1", "x2", "y2")]
        + [getattr(chart.band, name) for name in ("y", "height")]))
    assert numbers and all(math.isfinite(float(n)) for n in numbers if n not in ("-", ".")), numbers
    assert [label.text for label in chart.value_labels] == ["-1e+308", "0", "1e+308"]


def test_tick_labels_show_the_decimals_the_step_needs():
    assert [tick_label(t, [0, 0.25]) for t in (0, 0.25, 1)] == ["0.00", "0.25", "1.00"]
    assert [tick_label(t, [0, 0.5]) for t in (0, 0.5)] == ["0.0", "0.5"]
    assert tick_label(1250, [1000, 1250]) == "1,250" and tick_label(2e6, [1e6, 2e6]) == "2,000,000"
    assert tick_label(-0.0, [0, 5]) == "0"  # never "-0"
    assert [step_decimals(s) for s in (0.0025, 0.025, 0.1, 0.5, 1, 2.5, 25, 5000)] == [4, 3, 1, 1, 0, 1, 0, 0]


def test_the_chart_draws_a_grid_line_and_a_label_at_each_nice_tick():
    spec = ChartSpec(date(2026, 10, 1), date(2026, 12, 31), 480.0, 250.0,
                     [Point(date(2026, 10, 7), 440.0), Point(date(2026, 11, 11), 330.0)], today=date(2026, 11, 25))
    chart = history_chart(spec)
    assert [label.text for label in chart.value_labels] == ["250", "300", "350", "400", "450"]
    lines = [float(y) for y in re.findall(r"M56 ([\d.]+)H636", chart.grid)]
    assert len(lines) == 5 and lines == sorted(lines, reverse=True)  # higher values higher up
    top, bottom = float(chart.frame.y), float(chart.frame.y) + float(chart.frame.height)
    assert all(top <= y <= bottom for y in lines)
    assert [float(label.y) - 4 for label in chart.value_labels] == lines  # each label on its line
    target = float(chart.target.y1)
    assert any(math.isclose(target, y, abs_tol=0.1) for y in lines)  # the target, 250, is a tick here
