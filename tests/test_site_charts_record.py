"""The record's charts: target steps, change markers, the forecast, confidence and trends (okrops.site.charts)."""

from __future__ import annotations

import math
import re
from datetime import date

import pytest

from okrops.site.charts import (ChartSpec, Point, confidence_chart, forecast, history_chart, sparkline, trend)

START, END = date(2026, 10, 1), date(2026, 12, 31)


def _spec(**extra) -> ChartSpec:
    points = [Point(date(2026, 10, 1), 30), Point(date(2026, 10, 12), 40), Point(date(2026, 10, 19), 45),
              Point(date(2026, 10, 26), 50)]
    return ChartSpec(START, END, 30, 65, points, today=date(2026, 10, 28), **extra)


def _ys(path: str) -> list[float]:
    return [float(y) for y in re.findall(r"[ML][\d.]+ ([\d.]+)", path)]


def test_target_steps_replace_the_flat_target_line_and_step_at_the_change():
    spec = _spec(target_steps=[(START, 70.0), (date(2026, 10, 9), 65.0)],
                 changes=[Point(date(2026, 10, 9), 0, "2026-10-09: target 70 → 65 (Bob)")])
    chart = history_chart(spec)
    assert chart.target is None and chart.target_steps.startswith("M56")
    first, second = _ys(chart.target_steps)
    assert first < second  # 70 is drawn above 65
    assert len(chart.changes) == 1 and float(chart.changes[0].y) == pytest.approx(second, abs=0.1)
    assert chart.changes[0].title == "2026-10-09: target 70 → 65 (Bob)"
    plain = history_chart(_spec())
    assert plain.target is not None and plain.target_steps == "" and plain.changes == []


def test_forecast_is_a_least_squares_line_to_the_end_of_the_cycle():
    points = [Point(date(2026, 10, d), v) for d, v in ((5, 10), (12, 20), (19, 30))]
    f = forecast(points, END, date(2026, 10, 20))
    days = (END - date(2026, 10, 19)).days
    assert f is not None and f.points == 3 and f.start_value == pytest.approx(30)
    assert f.value == pytest.approx(30 + days * 10 / 7)
    assert forecast(points[:2], END, date(2026, 10, 20)) is None  # too few values
    assert forecast(points, END, END) is None  # the cycle is over
    assert forecast([Point(date(2026, 10, 5), v) for v in (1, 2, 3)], END, date(2026, 10, 6)) is None  # one day
    recent = forecast([Point(date(2026, 10, 1 + d), 100 if d < 3 else d) for d in range(10)], END, date(2026, 10, 11),
                      recent=6)
    assert recent is not None and recent.points == 6 and recent.value > 9  # only the last six


def test_the_forecast_is_drawn_and_the_axis_includes_it_but_not_the_sparkline():
    f = forecast([Point(date(2026, 10, d), v) for d, v in ((5, 10), (12, 20), (19, 30))], END, date(2026, 10, 20))
    spec = _spec(forecast=f)
    chart = history_chart(spec)
    assert chart.forecast is not None and "forecast: about" in chart.forecast.title
    assert float(chart.forecast.y2) >= 16  # inside the plot: the value axis grew to hold it
    assert sparkline(spec).line == sparkline(_spec()).line


def test_confidence_chart_on_a_fixed_axis():
    chart = confidence_chart(START, END, [Point(date(2026, 10, 5), 0.4), Point(date(2026, 10, 12), 0.6)],
                             date(2026, 10, 20), "Confidence in <b>x</b>")
    assert chart.kind == "confidence" and [label.text for label in chart.value_labels][0] == "0.00"
    assert chart.value_labels[-1].text == "1.00" and chart.target is None and chart.expected is None
    assert chart.description.startswith("Confidence in <b>x</b>")  # plain text: the template escapes it


def test_trends_of_shares_and_counts():
    t = trend([0.5, None, 1.0], ["Q1", "Q2", "Q3"], "aligned")
    assert t is not None and len(t.dots) == 2 and "Q1: 50%" in t.description and "Q2" not in t.description
    ys = [float(d.y) for d in t.dots]
    assert ys[1] < ys[0]  # higher is drawn higher
    assert trend([0.5], ["Q1"], "aligned") is None and trend([None, None], ["a", "b"], "x") is None
    counts = trend([3.0, 12.0], ["a", "b"], "findings", share=False)
    assert counts is not None and "b: 12" in counts.description
    assert trend([math.inf, 1.0, 2.0], ["a", "b", "c"], "x", share=False).description.count(":") == 3


def _range_spec(**extra) -> ChartSpec:
    return ChartSpec(START, END, None, None, [Point(date(2026, 10, 12), 190)], today=date(2026, 10, 28),
                     range_min=20, range_max=180, measure="ms", **extra)


def test_range_steps_draw_the_band_as_steps_with_markers_on_its_top_and_say_how_it_moved():
    steps = [(START, 0.0, 250.0), (date(2026, 10, 9), 0.0, 200.0), (date(2026, 11, 2), 20.0, 180.0)]
    spec = _range_spec(range_steps=steps, changes=[Point(date(2026, 10, 9), 0, "range max 250 → 200"),
                                                   Point(date(2026, 11, 2), 0, "range min 0 → 20")])
    chart = history_chart(spec)
    assert chart.band is None and chart.band_steps.startswith("M56.0 ") and chart.band_steps.endswith("Z")
    corners = re.findall(r"[HV]([\d.]+)", chart.band_steps)
    x9, x33 = f"{56 + 580 * 8 / 91:.1f}", f"{56 + 580 * 32 / 91:.1f}"
    assert corners[0] == x9 and corners[2] == x33 and corners[4] == "636.0"  # the top steps at the change days
    assert corners[6] == x33 and corners[8] == x9 and corners[10] == "56.0"  # and the bottom back
    assert [d.y for d in chart.changes] == [corners[1], corners[3]]  # on the band's top (max 200, then 180)
    assert "keep between 20 and 180 ms; the range moved from 0–250 to 0–200 ms on 2026-10-09, then from 0–200 to " \
           "20–180 ms on 2026-11-02" in chart.description
    assert "moved" not in sparkline(spec).description


def test_a_range_key_result_without_changes_keeps_its_flat_band():
    plain = history_chart(_range_spec())
    assert plain.band is not None and plain.band_steps == "" and "moved" not in plain.description
    assert history_chart(_range_spec(range_steps=[(START, 20.0, 180.0)])) == plain  # one state is no change
