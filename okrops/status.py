"""Where the organisation stands: plain rows for ``okrops status`` and other tools."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Iterable, Optional

from okrops import alignment, references, scoring
from okrops.errors import UnknownReference
from okrops.model import Activity, Cycle, Organisation


@dataclass
class KeyResultRow:
    ref: str
    title: str
    baseline: Optional[float]
    target: Optional[float]
    current: Optional[float]
    measure_unit: str
    progress: Optional[float]
    score: Optional[float]
    expected: float
    confidence: Optional[float]
    status: str
    last_checkin: Optional[str] = None
    stale: bool = False
    zone: Optional[str] = None  # commit-target-stretch: fail, commit, target or stretch
    level: Optional[str] = None  # an ordinal key result: the level reached


@dataclass
class ObjectiveRow:
    ref: str
    title: str
    type: str
    visibility: str
    score: Optional[float]
    status: str
    key_results: list[KeyResultRow] = field(default_factory=list)
    zone: Optional[str] = None
    aligned: Optional[float] = None  # its own score with every objective aligned below it (okrops.alignment's rule)
    below: int = 0  # objectives aligned below it, directly or through others, counted in ``aligned``
    parents: list[dict] = field(default_factory=list)  # {"ref", "share"}: the share of its progress each parent counts


@dataclass
class UnitRow:
    unit: str
    name: str
    depth: int
    cycle: str
    visibility: str
    score: Optional[float]  # this unit's own objectives
    rollup: Optional[float]  # this unit and every unit below it
    expected: float
    confidence: Optional[float]
    objectives: int
    key_results: int
    statuses: dict[str, int]
    stale: int = 0
    objective_rows: list[ObjectiveRow] = field(default_factory=list)
    private_objectives: int = 0  # private objectives counted in ``score`` (the site leaves them out)
    private_in_rollup: int = 0  # private objectives (and those of private units) counted in ``rollup``
    style: str = "fraction"  # how its scores read: fraction, percent or commit-target-stretch
    zone: Optional[str] = None  # commit-target-stretch: the zone of its objectives

    @property
    def flags(self) -> list[str]:
        flags = []
        for status in ("off-track", "at-risk", "no-data"):
            if self.statuses.get(status):
                flags.append(f"{self.statuses[status]} {status}")
        if self.stale:
            flags.append(f"{self.stale} stale")
        if self.visibility == "private":
            flags.append("private")
        elif self.private_objectives:
            flags.append(f"incl. {self.private_objectives} private")
        return flags


@dataclass
class StatusReport:
    organisation: str
    today: str
    cycles: list[dict]
    units: list[UnitRow]

    def as_dict(self) -> dict:
        data = asdict(self)
        for unit_data, unit in zip(data["units"], self.units):
            unit_data["flags"] = unit.flags
        return data


def select_cycles(org: Organisation, today: date, cycle: Optional[str]) -> list[Cycle]:
    if cycle:
        if cycle not in org.config.cycles:
            raise UnknownReference(references.unknown_cycle(org, cycle))
        return [org.config.cycles[cycle]]
    running = [c for c in org.cycles_in_use() if c.start <= today <= c.end]
    if running:
        return running
    current = org.current_cycle(today)
    return [current] if current else []


def build(
    org: Organisation,
    today: date,
    unit: Optional[str] = None,
    cycle: Optional[str] = None,
    detail: bool = False,
    last_checkins: Optional[dict[str, date]] = None,
    include_private: bool = True,
) -> StatusReport:
    if unit is not None and unit not in org.units:
        raise UnknownReference(references.unknown_unit(org, unit))
    cycles = select_cycles(org, today, cycle)
    figures = alignment.rollups(org, today, include_private)
    rows: list[UnitRow] = []
    for member, depth in org.walk(unit):
        if not include_private and org.is_private_unit(member.slug):
            continue
        for c in cycles:
            if (member.slug, c.id) not in org.cycle_files and not _has_below(org, member.slug, c.id):
                continue
            rows.append(_unit_row(org, figures, member.slug, depth, c, today, detail, last_checkins))
    return StatusReport(
        org.config.organisation,
        today.isoformat(),
        [{"id": c.id, "name": c.label, "start": c.start.isoformat(), "end": c.end.isoformat(),
          "elapsed": round(c.elapsed(today), 2)} for c in cycles],
        rows,
    )


def _has_below(org: Organisation, slug: str, cycle: str) -> bool:
    return any((u.slug, cycle) in org.cycle_files for u, _ in org.walk(slug))


def is_stale(org: Organisation, kr_ref: str, cycle: Cycle, today: date, last_checkins: Optional[dict[str, date]]) -> bool:
    """No check-in within the cadence, counted from the last check-in, else from when the key result appeared
    or the cycle started, whichever is later (okrops.model.Activity)."""
    if last_checkins is None:
        return False
    return Activity.of(org, last_checkins).is_stale(kr_ref, cycle, today, org.cadence_days(kr_ref.split("/")[0]))


def _unit_row(org, figures: alignment.Rollups, slug, depth, cycle, today, detail, last_checkins) -> UnitRow:
    """One unit's row; every score and roll-up comes from ``figures`` (okrops.alignment.rollups)."""
    unit = org.units[slug]
    include_private = figures.include_private
    objectives = [o for o in org.objectives_of(slug, cycle.id) if figures.counts(o)]
    scored_objectives = [figures.score(o.ref) for o in objectives]
    statuses = {s: 0 for s in scoring.STATUSES}
    for scored in scored_objectives:
        for kscore in scored.key_results:
            statuses[kscore.status] += 1
    krs = [kr for o in objectives for kr in o.key_results]
    confidences = [kr.confidence for kr in krs if kr.confidence is not None]
    stale = sum(1 for kr in krs if is_stale(org, kr.ref, cycle, today, last_checkins))
    row = UnitRow(
        unit=slug,
        name=unit.name,
        depth=depth,
        cycle=cycle.id,
        visibility="private" if org.is_private_unit(slug) else "public",
        score=figures.unit_score(slug, cycle.id),
        rollup=figures.unit_rollup(slug, cycle.id),
        expected=round(cycle.elapsed(today), 2),
        confidence=round(sum(confidences) / len(confidences), 2) if confidences else None,
        objectives=len(objectives),
        key_results=len(krs),
        statuses={k: v for k, v in statuses.items() if v},
        stale=stale,
        private_objectives=sum(1 for o in objectives if o.visibility == "private"),
        private_in_rollup=_private_in_rollup(org, slug, cycle.id) if include_private else 0,
        style=scoring.style_of(org, slug),
    )
    if row.style == "commit-target-stretch":
        row.zone = scoring.mean_zone([(o.zone, 1.0) for o in scored_objectives])
    if detail:
        for objective, scored in zip(objectives, scored_objectives):
            orow = ObjectiveRow(objective.ref, objective.title, objective.type, objective.visibility, scored.score, scored.status,
                                zone=scored.zone if row.style == "commit-target-stretch" else None,
                                aligned=figures.aligned(objective.ref), below=figures.count_below(objective.ref),
                                parents=[{"ref": ref, "share": share} for ref, share in figures.parent_shares(objective)])
            for kr, kscore in zip(objective.key_results, scored.key_results):
                last = last_checkins.get(kr.ref) if last_checkins else None
                orow.key_results.append(KeyResultRow(
                    kr.ref, kr.title, kr.baseline if kr.direction != "range" else kr.range_min,
                    kr.target if kr.direction != "range" else kr.range_max, kr.current, kr.measure_unit,
                    kscore.progress, kscore.score, kscore.expected, kr.confidence, kscore.status,
                    last.isoformat() if last else None, is_stale(org, kr.ref, cycle, today, last_checkins),
                    kscore.zone if row.style == "commit-target-stretch" else None,
                    kr.ordinal.reached if kr.ordinal is not None else None))
            row.objective_rows.append(orow)
    return row


def _private_in_rollup(org: Organisation, slug: str, cycle: str) -> int:
    """Objectives the site leaves out of a unit's roll-up: private ones, and all of private units below."""
    return sum(1 for member, _depth in org.walk(slug) for o in org.objectives_of(member.slug, cycle)
               if o.visibility == "private" or org.is_private_unit(member.slug))


def flatten_key_results(report: StatusReport) -> Iterable[tuple[UnitRow, ObjectiveRow, KeyResultRow]]:
    for unit in report.units:
        for objective in unit.objective_rows:
            for kr in objective.key_results:
                yield unit, objective, kr
