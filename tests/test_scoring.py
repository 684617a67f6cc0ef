"""Progress, scores, expected progress and pace-based status."""

from __future__ import annotations

from datetime import date

import pytest

from okrops import scoring
from okrops.model import Cycle, KeyResult, Objective, ScoringSettings

Q4 = Cycle("2026-Q4", date(2026, 10, 1), date(2026, 12, 31))
SETTINGS = ScoringSettings()


def kr(**kw) -> KeyResult:
    data = dict(id="KR1", ref="u/2026-Q4/O1/KR1", title="t", objective_ref="u/2026-Q4/O1")
    data.update(kw)
    return KeyResult(**data)


def objective(type_: str = "committed") -> Objective:
    return Objective("O1", "u/2026-Q4/O1", "u", "2026-Q4", "t", type=type_)


@pytest.mark.parametrize("fields,expected", [
    (dict(baseline=100, target=200, current=150), 0.5),
    (dict(baseline=100, target=200, current=250), 1.5),
    (dict(baseline=100, target=200, current=50), -0.5),
    (dict(baseline=480, target=250, current=365, direction="decrease"), 0.5),
    (dict(baseline=480, target=250, current=600, direction="decrease"), pytest.approx(-0.5217, abs=1e-3)),
    (dict(target=10, current=4), 0.4),  # no baseline: measured from zero
    (dict(baseline=5, target=5, current=5), 1.0),
    (dict(baseline=5, target=5, current=4), 0.0),
    (dict(direction="range", range_min=10, range_max=20, current=15), 1.0),
    (dict(direction="range", range_min=10, range_max=20, current=25), 0.5),
    (dict(direction="range", range_min=10, range_max=20, current=0), 0.0),
    (dict(baseline=1, target=2), None),
    (dict(current=3), None),
])
def test_progress(fields, expected):
    assert scoring.progress(kr(**fields)) == expected


def test_score_is_clamped_and_rounded():
    assert scoring.score(kr(baseline=0, target=3, current=1)) == 0.33
    assert scoring.score(kr(baseline=0, target=1, current=7)) == 1.0
    assert scoring.score(kr(baseline=0, target=1, current=-2)) == 0.0
    assert scoring.score(kr(baseline=0, target=1)) is None


def test_elapsed_share():
    assert Q4.elapsed(date(2026, 9, 1)) == 0.0
    assert Q4.elapsed(date(2026, 10, 1)) == pytest.approx(1 / 92)
    assert Q4.elapsed(date(2026, 11, 15)) == pytest.approx(46 / 92)
    assert Q4.elapsed(date(2027, 2, 1)) == 1.0


@pytest.mark.parametrize("current,confidence,type_,expected", [
    (150, None, "committed", "on-track"),     # 0.5 progress at 0.5 elapsed
    (141, None, "committed", "on-track"),     # 0.09 behind: within at_risk_gap
    (135, None, "committed", "at-risk"),      # 0.15 behind
    (120, None, "committed", "off-track"),    # 0.3 behind
    (150, 0.45, "committed", "at-risk"),      # on pace but low confidence
    (150, 0.2, "committed", "off-track"),     # very low confidence
    (200, 0.2, "committed", "done"),          # reached, whatever the confidence
    (130, None, "aspirational", "on-track"),  # expected 0.5 * 0.7 = 0.35: 0.3 is within 0.1
    (120, None, "aspirational", "at-risk"),
    (None, 0.9, "committed", "no-data"),
])
def test_status_compares_progress_with_pace_and_confidence(current, confidence, type_, expected):
    today = date(2026, 11, 15)  # 46 of 92 days: 0.5 elapsed
    result = scoring.status(kr(baseline=100, target=200, current=current, confidence=confidence),
                            objective(type_), Q4, today, SETTINGS)
    assert result == expected


def test_status_before_the_cycle_starts():
    assert scoring.status(kr(baseline=0, target=1, current=0), objective(), Q4, date(2026, 9, 30), SETTINGS) == "not-started"


def test_settings_change_the_thresholds():
    strict = ScoringSettings(at_risk_gap=0.0, off_track_gap=0.05)
    assert scoring.status(kr(baseline=100, target=200, current=141), objective(), Q4, date(2026, 11, 15), strict) == "off-track"


def test_worst_status():
    assert scoring.worst(["done", "on-track", "at-risk"]) == "at-risk"
    assert scoring.worst(["on-track", "off-track", "no-data"]) == "off-track"
    assert scoring.worst([]) == "no-data"


def test_objective_and_unit_rollups_with_weights(standard_org):
    from okrops.validate import validate
    from tests.conftest import good_kr, good_objective

    standard_org.okrs_file("acme/eng/platform", "2026-Q4", [
        good_objective("O1", aligns_to={"parent": "eng/2026-Q4/O1"}, key_results=[
            good_kr("KR1", current=200),                 # score 1.0
            good_kr("KR2", current=100, weight=3),       # score 0.0, three times the weight
        ]),
        good_objective("O2", aligns_to={"parent": "eng/2026-Q4/O2"}, key_results=[good_kr("KR1", current=150)]),
        good_objective("O3", aligns_to={"parent": "eng/2026-Q4/O3"}, key_results=[{"id": "KR1", "title": "no data yet",
                                                                                   "baseline": 1, "target": 2}]),
    ])
    org = validate(standard_org.root).organisation
    today = date(2026, 11, 25)
    unit = scoring.score_unit(org, "platform", "2026-Q4", today)
    assert [o.score for o in unit.objectives] == [0.25, 0.5, None]
    assert unit.score == 0.38  # mean of the scored objectives
    # eng's own objectives all score 0.5; the roll-up averages every objective at and below eng.
    assert scoring.rollup(org, "eng", "2026-Q4", today) == round((0.5 * 3 + 0.25 + 0.5) / 5, 2)
