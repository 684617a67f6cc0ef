"""Progress, scores, roll-ups and pace-based status.

* A key result's **progress** is how far ``current`` has moved from ``baseline``
  towards ``target`` (1.0 = target reached; it may go below 0 or above 1).
  With ``direction: range`` it is 1.0 inside the range and falls off with the
  distance outside it, one range-width away being 0.
* Its **score** is progress clamped to 0.0 .. 1.0. Objective scores are the
  weighted mean of their key results; a unit's score is the mean of its
  objectives'.
* **Expected progress** is the elapsed share of the cycle; for aspirational
  objectives it is scaled by ``scoring.aspirational_target`` (0.7), since
  about 0.7 is a good result for a stretch goal.
* An **ordinal** key result (named ``levels``) progresses by levels: how many it has climbed
  from ``baseline_level`` (default the first) towards ``target_level`` (default the last).
* **Scoring styles** (``scoring.style`` in okrops.yaml, overridable per unit in unit.yaml for it
  and the units below): ``fraction`` shows scores as 0.0 .. 1.0 (the default, and what files
  written before styles existed mean), ``percent`` as 0 % .. 100 %; ``commit-target-stretch``
  adds a **zone** to each key result: ``fail`` below its ``commit`` value, ``commit`` from there,
  ``target`` from the target, ``stretch`` from its ``stretch`` value (without a commit or stretch
  value those zones are skipped). The score behind every style is the same progress towards the
  target, so roll-ups do not change with the style: unit and organisation scores are means of
  the same numbers. An objective's zone is the weighted mean of its key results' zones counted
  fail 0, commit 1, target 2, stretch 3, rounded down; a unit's is the same over its objectives.
* **Status** compares progress with expected progress and confidence:
  ``on-track``, ``at-risk``, ``off-track``; ``done`` once the target is reached,
  ``no-data`` without a current value or a target, ``not-started`` before the
  cycle begins, ``no-data-yet`` for a key result that has had no check-in yet
  while a cadence has not passed since it appeared (or the cycle started): a
  new key result is not off track before anyone could check in on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Optional

from okrops import numbers
from okrops.model import Cycle, KeyResult, Objective, Organisation, ScoringSettings

STATUSES = ("done", "on-track", "at-risk", "off-track", "no-data", "no-data-yet", "not-started")
_SEVERITY = {"off-track": 3, "at-risk": 2, "no-data": 1, "on-track": 0, "done": 0, "not-started": 0, "no-data-yet": 0}


def progress(kr: KeyResult) -> Optional[float]:
    """Raw progress of a key result, or None when it cannot be measured yet.

    Differences are taken of halves: a difference of two finite numbers can
    overflow (1.7e308 - -1.7e308), half of it cannot, and the ratio is the same.
    The ratio is held to ``numbers.RATIO_LIMIT`` either way (a huge value over a tiny span would
    overflow), so every reader can multiply it.
    """
    if kr.ordinal is not None:
        return _ordinal_progress(kr)
    if not numbers.is_finite(kr.current):
        return None
    current = kr.current / 2
    if kr.direction == "range":
        if not (numbers.is_finite(kr.range_min) and numbers.is_finite(kr.range_max)):
            return None
        low, high = kr.range_min / 2, kr.range_max / 2
        if low <= current <= high:
            return 1.0
        width = (high - low) or max(abs(high), 0.5)
        distance = (low - current) if current < low else (current - high)
        return numbers.bounded_ratio(max(0.0, 1.0 - distance / width))
    if not numbers.is_finite(kr.target):
        return None
    baseline = kr.baseline / 2 if numbers.is_finite(kr.baseline) else 0.0
    target = kr.target / 2
    span = target - baseline
    if span == 0:
        reached = current >= target if kr.direction != "decrease" else current <= target
        return 1.0 if reached else 0.0
    return numbers.bounded_ratio((current - baseline) / span)


def _ordinal_progress(kr: KeyResult) -> Optional[float]:
    ordinal = kr.ordinal
    assert ordinal is not None
    reached = ordinal.index(ordinal.reached)
    if reached is None:
        return None
    start = ordinal.index(ordinal.baseline, 0)
    end = ordinal.index(ordinal.target, len(ordinal.levels) - 1)
    if end == start:
        return 1.0 if reached >= end else 0.0
    return (reached - start) / (end - start)


ZONES = ("fail", "commit", "target", "stretch")
STYLES = ("fraction", "percent", "commit-target-stretch")


def _threshold(kr: KeyResult, value: Optional[float]) -> Optional[float]:
    """The progress at which ``value`` (commit or stretch) is reached."""
    if value is None or not numbers.is_finite(kr.target):
        return None
    baseline = kr.baseline / 2 if numbers.is_finite(kr.baseline) else 0.0
    span = kr.target / 2 - baseline
    return numbers.bounded_ratio((value / 2 - baseline) / span) if span else None


def zone(kr: KeyResult) -> Optional[str]:
    """fail, commit, target or stretch; None without a measured value (or for a range)."""
    raw = progress(kr)
    if raw is None or kr.direction == "range":
        return None
    if kr.ordinal is not None:
        ordinal = kr.ordinal
        reached = ordinal.index(ordinal.reached)
        commit, stretch = ordinal.index(ordinal.commit), ordinal.index(ordinal.stretch)
        target = ordinal.index(ordinal.target, len(ordinal.levels) - 1)
        if stretch is not None and reached >= stretch:
            return "stretch"
        if reached >= target:
            return "target"
        return "commit" if commit is not None and reached >= commit else "fail"
    stretch, commit = _threshold(kr, kr.stretch), _threshold(kr, kr.commit)
    if stretch is not None and raw >= stretch:
        return "stretch"
    if raw >= 1.0:
        return "target"
    return "commit" if commit is not None and raw >= commit else "fail"


def mean_zone(zones: list[tuple[Optional[str], float]]) -> Optional[str]:
    """The weighted mean of zones (fail 0 .. stretch 3), rounded down; None without any."""
    known = [(ZONES.index(z), w) for z, w in zones if z is not None and numbers.is_finite(w) and w > 0]
    heaviest = max((w for _z, w in known), default=0)
    known = [(z, w / heaviest) for z, w in known]  # relative to the heaviest, as in score_objective: no overflow
    total = sum(w for _z, w in known)
    if not total:
        return None
    return ZONES[int(sum(z * w for z, w in known) / total + 1e-9)]


def style_of(org: Organisation, unit: str) -> str:
    """The scoring style of ``unit``: its own, else the nearest unit above's, else the organisation's."""
    for slug in [unit, *org.ancestors(unit)]:
        found = org.units.get(slug)
        if found is not None and found.scoring_style:
            return found.scoring_style
    return org.config.scoring.style


def format_score(value: Optional[float], style: str) -> str:
    """A score as its style writes it: 0.70 (fraction, commit-target-stretch) or 70% (percent)."""
    if value is None:
        return "-"
    return f"{value * 100:.0f}%" if style == "percent" else f"{value:.2f}"


def clamp(value: float) -> float:
    return 0.0 if value < 0 else 1.0 if value > 1 else value


def score(kr: KeyResult) -> Optional[float]:
    raw = progress(kr)
    return None if raw is None else round(clamp(raw), 2)


def expected_progress(objective: Objective, cycle: Cycle, today: date, settings: ScoringSettings) -> float:
    share = cycle.elapsed(today)
    return share * settings.aspirational_target if objective.aspirational else share


def status(kr: KeyResult, objective: Objective, cycle: Cycle, today: date, settings: ScoringSettings) -> str:
    if today < cycle.start:
        return "not-started"
    raw = progress(kr)
    if raw is None:
        return "no-data"
    if raw >= 1.0:
        return "done"
    gap = expected_progress(objective, cycle, today, settings) - raw
    confidence = kr.confidence
    if gap > settings.off_track_gap or (confidence is not None and confidence < settings.very_low_confidence):
        return "off-track"
    if gap > settings.at_risk_gap or (confidence is not None and confidence < settings.low_confidence):
        return "at-risk"
    return "on-track"


def _status(org: Organisation, kr: KeyResult, objective: Objective, cycle: Cycle, today: date) -> str:
    """:func:`status`, or ``no-data-yet`` while a key result awaits its first check-in (see org.activity)."""
    found = status(kr, objective, cycle, today, org.config.scoring)
    if found in ("done", "not-started") or org.activity is None:
        return found
    if org.activity.awaiting_first(kr.ref, cycle, today, org.config.cadence_days):
        return "no-data-yet"
    return found


def worst(statuses: list[str]) -> str:
    if not statuses:
        return "no-data"
    return max(statuses, key=lambda s: _SEVERITY.get(s, 0))


@dataclass
class KeyResultScore:
    ref: str
    progress: Optional[float]
    score: Optional[float]
    expected: float
    status: str
    confidence: Optional[float]
    zone: Optional[str] = None  # fail, commit, target or stretch (see the module's rule)


@dataclass
class ObjectiveScore:
    ref: str
    score: Optional[float]
    expected: float
    status: str
    key_results: list[KeyResultScore] = field(default_factory=list)
    zone: Optional[str] = None


@dataclass
class UnitScore:
    unit: str
    cycle: str
    score: Optional[float]
    objectives: list[ObjectiveScore] = field(default_factory=list)

    @property
    def status_counts(self) -> dict[str, int]:
        counts = {s: 0 for s in STATUSES}
        for objective in self.objectives:
            for kr in objective.key_results:
                counts[kr.status] += 1
        return counts


def score_objective(org: Organisation, objective: Objective, today: date) -> ObjectiveScore:
    cycle = org.config.cycles[objective.cycle]
    settings = org.config.scoring
    expected = round(expected_progress(objective, cycle, today, settings), 2)
    krs = []
    for kr in objective.key_results:
        krs.append(KeyResultScore(kr.ref, None if progress(kr) is None else round(progress(kr), 3), score(kr), expected,
                                  _status(org, kr, objective, cycle, today), kr.confidence, zone(kr)))
    weighted = [(s.score, kr.weight) for s, kr in zip(krs, objective.key_results)
                if s.score is not None and numbers.is_finite(kr.weight) and kr.weight > 0]
    heaviest = max((w for _, w in weighted), default=0)
    # Weights relative to the heaviest: the same mean, and a sum of huge weights cannot overflow.
    weighted = [(s, w / heaviest) for s, w in weighted] if heaviest else []
    total = sum(w for _, w in weighted)
    value = round(sum(s * w for s, w in weighted) / total, 2) if total else None
    return ObjectiveScore(objective.ref, value, expected, worst([k.status for k in krs]) if krs else "no-data", krs,
                          mean_zone([(s.zone, kr.weight) for s, kr in zip(krs, objective.key_results)]))


def score_unit(org: Organisation, unit: str, cycle: str, today: date, include_private: bool = True) -> UnitScore:
    objectives = [
        score_objective(org, o, today)
        for o in org.objectives_of(unit, cycle)
        if include_private or not org.is_private_objective(o)
    ]
    values = [o.score for o in objectives if o.score is not None]
    return UnitScore(unit, cycle, round(sum(values) / len(values), 2) if values else None, objectives)


def rollup(org: Organisation, unit: str, cycle: str, today: date, include_private: bool = True) -> Optional[float]:
    """Mean score of the objectives of ``unit`` and every unit below it in ``cycle``.

    One figure of :func:`okrops.alignment.rollups`, which computes them all at once (status and the site use it).
    """
    from okrops.alignment import rollups

    return rollups(org, today, include_private).unit_rollup(unit, cycle)
