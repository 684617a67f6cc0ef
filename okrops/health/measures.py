"""Practice health: is the OKR practice getting better, cycle after cycle?

Measured from the files and their git history, for each unit and for the organisation, per
cycle, in three groups (OKR practice measures success at all three levels):

- **system**: how the OKRs are written. Alignment coverage (objectives linked to a strategy
  or a parent), the share of key results that are outcomes rather than tasks or KPIs (lint's
  judgement of their shape), and lint findings (warnings and errors) in the cycle's files.
- **behaviour**: how they are lived. Check-in rhythm (the share of the weeks so far in which
  each key result got a check-in), and what the reflections decided: carried over, rewritten,
  dropped, done.
- **outcome**: what came of them, for finished cycles. The key results' scores, committed
  and aspirational apart: many aspirational ones at 1.0 suggest sandbagging, many committed
  ones below 0.3 suggest over-reach.

A unit's figures cover its own cycle files; the organisation's cover every unit given.
Everything here is plain data; :mod:`okrops.health.report` renders it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Iterable, Optional

from okrops import scoring
from okrops.model import Cycle, CycleFile, Organisation

FULL = 1.0  # a key result at (or above) its target
LOW = 0.3  # a key result that moved little
SANDBAGGING_SHARE = 0.5  # aspirational key results at 1.0 above this share: targets too easy?
OVERREACH_SHARE = 0.3  # committed key results below 0.3 above this share: too much promised?
GROUPS = ("system", "behaviour", "outcome")


@dataclass
class CycleHealth:
    """One unit's (or the organisation's) practice in one cycle."""

    cycle: str
    label: str
    state: str  # upcoming, running, finished
    objectives: int = 0
    key_results: int = 0
    # system
    aligned: Optional[float] = None  # share of objectives linked to a strategy or a parent
    outcomes: Optional[float] = None  # share of key results that are outcomes (not tasks, not KPIs)
    tasks: int = 0
    kpis: int = 0
    findings: Optional[int] = None  # lint warnings and errors in the cycle's files (None: not measured)
    # behaviour
    rhythm: Optional[float] = None  # share of (key result, week so far) with a check-in
    decisions: dict[str, int] = field(default_factory=dict)  # done, carry-over, rewrite, drop
    # outcome (finished cycles)
    committed: list[float] = field(default_factory=list)  # key result scores
    aspirational: list[float] = field(default_factory=list)
    signals: list[str] = field(default_factory=list)

    def mean(self, which: str) -> Optional[float]:
        values = getattr(self, which)
        return round(sum(values) / len(values), 2) if values else None

    def share(self, which: str, test) -> Optional[float]:
        values = getattr(self, which)
        return round(sum(1 for v in values if test(v)) / len(values), 2) if values else None

    def as_dict(self) -> dict:
        data = asdict(self)
        data.update(committed_mean=self.mean("committed"), aspirational_mean=self.mean("aspirational"),
                    aspirational_full=self.share("aspirational", lambda v: v >= FULL),
                    committed_low=self.share("committed", lambda v: v < LOW))
        return data


@dataclass
class ScopeHealth:
    scope: str  # a unit's slug, or "" for the organisation
    name: str
    cycles: list[CycleHealth] = field(default_factory=list)


@dataclass
class HealthReport:
    today: date
    organisation: ScopeHealth
    units: list[ScopeHealth] = field(default_factory=list)

    def as_dict(self) -> dict:
        def scope(s: ScopeHealth) -> dict:
            return {"unit": s.scope or None, "name": s.name, "cycles": [c.as_dict() for c in s.cycles]}

        return {"today": self.today.isoformat(), "organisation": scope(self.organisation),
                "units": [scope(u) for u in self.units]}


def measure(org: Organisation, today: date, history: Iterable, findings: Optional[Iterable] = None,
            cycle: Optional[str] = None, units: Optional[list[str]] = None, shapes=None) -> HealthReport:
    """The health of ``units`` (default: every unit) and of the organisation, per cycle in use.

    ``history`` holds the verified check-ins (okrops.record.history.CheckIn); ``findings`` lint's
    findings (only warnings and errors count; None: not measured); ``shapes(kr, unit)`` says whether a key result is
    a task or a KPI (default: lint's judgement).
    """
    from okrops.findings import Severity

    if shapes is None:
        from okrops.lint import LintContext

        shapes = LintContext(org, today).kr_shape
    cycles = [c for c in sorted(org.config.cycles.values(), key=lambda c: (c.start, -c.days))
              if (cycle is None or c.id == cycle) and any(k[1] == c.id for k in org.cycle_files)]
    slugs = units if units is not None else [u.slug for u, _d in org.walk()]
    weeks = _checkin_weeks(history, org)
    by_file: Optional[dict[str, int]] = None if findings is None else {}
    for finding in findings or ():
        if finding.severity >= Severity.WARNING:
            by_file[finding.file] = by_file.get(finding.file, 0) + 1
    report = HealthReport(today, ScopeHealth("", org.config.organisation))
    for c in cycles:
        files = [org.cycle_files[(s, c.id)] for s in slugs if (s, c.id) in org.cycle_files]
        report.organisation.cycles.append(_cycle_health(org, c, files, today, weeks, by_file, shapes))
    for slug in slugs:
        scope = ScopeHealth(slug, org.units[slug].name)
        for c in cycles:
            if (slug, c.id) in org.cycle_files:
                scope.cycles.append(_cycle_health(org, c, [org.cycle_files[(slug, c.id)]], today, weeks, by_file, shapes))
        if scope.cycles:
            report.units.append(scope)
    return report


def _checkin_weeks(history: Iterable, org: Organisation) -> dict[str, set[int]]:
    """Key result -> the weeks of its cycle (0, 1, ...) in which it got a verified check-in."""
    weeks: dict[str, set[int]] = {}
    for c in history:
        if c.kind != "checkin" or c.ref not in org.key_results:
            continue
        cycle = org.config.cycles.get(c.ref.split("/")[1])
        if cycle is not None and cycle.start <= c.day <= cycle.end:
            weeks.setdefault(c.ref, set()).add((c.day - cycle.start).days // 7)
    return weeks


def _cycle_health(org: Organisation, cycle: Cycle, files: list[CycleFile], today: date,
                  weeks: dict[str, set[int]], by_file: Optional[dict[str, int]], shapes) -> CycleHealth:
    state = "upcoming" if today < cycle.start else "finished" if today > cycle.end else "running"
    health = CycleHealth(cycle.id, cycle.label, state)
    objectives = [o for f in files for o in f.objectives]
    krs = [(kr, o) for o in objectives for kr in o.key_results]
    health.objectives, health.key_results = len(objectives), len(krs)
    if by_file is not None:
        health.findings = sum(by_file.get(f.source.file, 0) for f in files)
    if objectives:
        health.aligned = round(sum(1 for o in objectives if o.parent or o.strategies) / len(objectives), 2)
    for kr, objective in krs:
        shape = shapes(kr, objective.unit)
        health.tasks += 1 if shape.task else 0
        health.kpis += 1 if shape.kpi and not shape.task else 0
    if krs:
        health.outcomes = round(1 - (health.tasks + health.kpis) / len(krs), 2)
    for objective in objectives:
        if objective.reflection is not None:
            decision = objective.reflection.decision
            health.decisions[decision] = health.decisions.get(decision, 0) + 1
    if state != "upcoming" and krs:
        elapsed = (min(today, cycle.end) - cycle.start).days // 7 + 1
        hit = sum(len({w for w in weeks.get(kr.ref, ()) if w < elapsed}) for kr, _o in krs)
        health.rhythm = round(hit / (len(krs) * elapsed), 2)
    if state == "finished":
        for kr, objective in krs:
            value = scoring.score(kr)
            if value is not None:
                (health.aspirational if objective.aspirational else health.committed).append(round(value, 2))
        _signals(health)
    return health


def _signals(health: CycleHealth) -> None:
    full = health.share("aspirational", lambda v: v >= FULL)
    low = health.share("committed", lambda v: v < LOW)
    if full is not None and full > SANDBAGGING_SHARE:
        health.signals.append(f"{full:.0%} of aspirational key results reached 1.0: targets may be too easy "
                              "(sandbagging); aim for about 0.7")
    if low is not None and low > OVERREACH_SHARE:
        health.signals.append(f"{low:.0%} of committed key results scored below {LOW}: over-reach, or "
                              "commitments that were really aspirations")
