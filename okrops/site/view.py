"""What the site may show: the public part of an organisation, scored, with its history.

Everything the page builders read comes from :class:`SiteView`. Private units
(and every unit below one) and private objectives are removed here, once, so no
page builder can leak them by accident; references that point at removed
objects stay unresolved and are shown as "(private)".

Privacy fails closed: only what says ``visibility: public`` (or says nothing, in a
file that reads cleanly) is public. A unit whose unit.yaml is missing or cannot be
read is of unknown visibility and is private with everything below it; a cycle file
that cannot be read shows nothing. :func:`withheld` lists what was kept out for that
reason, so the build can refuse (or, when asked for a partial build, say why).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Optional

from okrops import alignment, dependencies, scoring
from okrops.findings import Finding, Severity
from okrops.record.history import CheckIn, shareable
from okrops.model import Cycle, CycleFile, Initiative, KeyResult, Objective, Organisation, Unit, Unreadable

ATTENTION = ("off-track", "at-risk")


def public_view(org: Organisation) -> Organisation:
    """A copy of ``org`` with only what is certainly public.

    Left out: private units and units of unknown visibility, with every unit below them;
    private objectives; initiatives whose key results are all private (the others keep
    their public key results only); cycle files left with nothing public in them.
    """
    units: dict[str, Unit] = {}
    for slug, unit in org.units.items():
        if org.is_private_unit(slug):
            continue
        units[slug] = replace(unit, children=[c for c in unit.children if not org.is_private_unit(c)])
    objectives: dict[str, Objective] = {}
    key_results: dict[str, KeyResult] = {}
    kept: dict[tuple[str, str], list[Objective]] = {}
    for key, cycle_file in org.cycle_files.items():
        if cycle_file.unit not in units:
            continue
        kept[key] = [o for o in cycle_file.objectives if not org.is_private_objective(o)]
        for objective in kept[key]:
            objectives[objective.ref] = objective
            for kr in objective.key_results:
                key_results[kr.ref] = kr
    cycle_files: dict[tuple[str, str], CycleFile] = {}
    for key, public_objectives in kept.items():
        cycle_file = org.cycle_files[key]
        initiatives = [_public_initiative(i, key_results) for i in cycle_file.initiatives
                       if not org.is_private_initiative(i)]
        if public_objectives or initiatives:
            cycle_files[key] = replace(cycle_file, objectives=public_objectives, initiatives=initiatives)
    return Organisation(
        root=org.root,
        okrs_dir=org.okrs_dir,
        config=org.config,
        strategy=org.strategy,
        units=units,
        cycle_files=cycle_files,
        objectives=objectives,
        key_results=key_results,
        broken_files=set(),
        activity=org.activity,
        record_at=org.record_at,
        tagged_cycles=dict(org.tagged_cycles),
    )


def _public_initiative(initiative: Initiative, public_krs: dict[str, KeyResult]) -> Initiative:
    return replace(initiative, key_results=[r for r in initiative.key_results if r in public_krs])


def withheld(org: Organisation) -> list[Unreadable]:
    """What could not be read for certain and might have been public: it is kept off the site.

    Something unreadable inside a unit that is private anyway changes nothing on the site
    and is not listed.
    """
    return [u for u in org.unreadable if u.unit is None or not org.is_private_unit(u.unit)]


def explain_withheld(parts: list[Unreadable], findings: list[Finding]) -> list[str]:
    """One line per withheld part: the file and line of its first error, the error, and what is kept out."""
    first: dict[str, Finding] = {}
    for finding in sorted(findings, key=lambda f: (f.severity != Severity.ERROR, f.line)):
        first.setdefault(finding.file, finding)
    lines = []
    for part in parts:
        finding = first.get(part.path)
        where = f"{part.path}:{finding.line}" if finding is not None and finding.line else part.path
        why = finding.message if finding is not None else "cannot be read"
        lines.append(f"{where}: {why} (kept off the site: {part.holds})")
    return lines


@dataclass
class KrInfo:
    kr: KeyResult
    objective: Objective
    score: scoring.KeyResultScore
    history: list[CheckIn] = field(default_factory=list)

    @property
    def last(self) -> Optional[CheckIn]:
        return self.history[-1] if self.history else None


@dataclass
class UnitCycle:
    """One unit's standing in one cycle."""

    unit: Unit
    cycle: Cycle
    score: Optional[float]  # the unit's own objectives
    rollup: Optional[float]  # the unit and every unit below it
    objectives: list[tuple[Objective, scoring.ObjectiveScore]]
    statuses: dict[str, int]


class SiteView:
    """The public, scored organisation as of ``today``, with its check-in history."""

    def __init__(self, org: Organisation, today: date, history: list[CheckIn],
                 kpi_history: Optional[dict[str, list[CheckIn]]] = None, collected: Optional[dict] = None):
        self.full = org
        self.org = public_view(org)
        self.today = today
        self.config = org.config
        self.current: Optional[Cycle] = self.org.current_cycle(today) or org.current_cycle(today)
        self.cycles: list[Cycle] = self.org.cycles_in_use()
        if self.current is not None and self.current.id not in {c.id for c in self.cycles}:
            self.cycles.append(self.current)
            self.cycles.sort(key=lambda c: (c.start, -c.days))
        # History of public key results only, oldest first.
        # A note written while its objective or unit was private stays private, even under a reused reference.
        self.history: list[CheckIn] = shareable(history, self.org.key_results)
        self.history.sort(key=lambda c: c.when)
        self.known_history = bool(history) or org.activity is not None  # commits without check-ins are history
        by_ref: dict[str, list[CheckIn]] = {}
        for checkin in self.history:
            by_ref.setdefault(checkin.ref, []).append(checkin)
        self.krs: dict[str, KrInfo] = {}
        # Every score and roll-up on the site comes from okrops.alignment.rollups, as in okrops status.
        self.rollups = alignment.rollups(self.org, today)
        self.objective_scores: dict[str, scoring.ObjectiveScore] = self.rollups.objective_scores
        for objective in self.org.objectives.values():
            scored = self.objective_scores[objective.ref]
            for kr, kscore in zip(objective.key_results, scored.key_results):
                self.krs[kr.ref] = KrInfo(kr, objective, kscore, by_ref.get(kr.ref, []))
        # Objectives that name each objective (or one of its key results) as their parent.
        self.children_of: dict[str, list[Objective]] = {}
        for objective in self.org.objectives.values():
            for target in self.parent_objectives(objective):
                self.children_of.setdefault(target.ref, []).append(objective)
        # Dependencies with both ends public, and which of them the providing unit confirmed.
        from okrops.review.approvals import approved_dependencies

        approved = approved_dependencies(self.full) if any(o.depends_on or any(k.depends_on for k in o.key_results)
                                                             for o in self.org.objectives.values()) else set()
        self.dependencies = [(edge, dependencies.confirmed(self.full, edge, approved))
                             for edge in dependencies.edges(self.org) if dependencies.exists(self.org, edge.provider)]
        # Key results shared with each unit (it contributes; another unit owns and checks them in).
        self.shared_with: dict[str, list[str]] = {}
        for kr in self.org.key_results.values():
            for unit in kr.contributors:
                self.shared_with.setdefault(unit, []).append(kr.ref)
        self._unit_cycles: dict[tuple[str, str], UnitCycle] = {}
        for cycle in self.cycles:
            self._score_cycle(cycle)
        # KPIs of public units only; their notes stay off the site (a unit may have been private when one was written).
        self.kpi_history: dict[str, list[CheckIn]] = {
            ref: [replace(c, note="") for c in checkins] for ref, checkins in (kpi_history or {}).items()
            if ref.split("/")[0] in self.org.units}
        self._collected = collected or {}  # ref -> okrops.collect.provenance.Collected (claims, checked below)

    # -- lookups -------------------------------------------------------------
    def parent_objective(self, objective: Objective) -> Optional[Objective]:
        """The first parent's objective (None when there is none, or it is not public)."""
        return alignment.resolve(self.org, objective.parent) if objective.parent else None

    def parent_objectives(self, objective: Objective) -> list[Objective]:
        """Every public parent's objective, each once, in the order written."""
        found: list[Objective] = []
        for ref in objective.parent_refs:
            target = alignment.resolve(self.org, ref)
            if target is not None and target.ref != objective.ref and target not in found:
                found.append(target)
        return found

    def unit_cycle(self, slug: str, cycle: str) -> UnitCycle:
        return self._unit_cycles[(slug, cycle)]

    def cycles_of(self, slug: str) -> list[Cycle]:
        """Cycles this unit has a page for: the current one, and every one it has OKRs in."""
        return [c for c in self.cycles if (self.current and c.id == self.current.id) or (slug, c.id) in self.org.cycle_files]

    def home_cycle(self, slug: str) -> Cycle:
        """The cycle a link to a unit points at: the current one."""
        assert self.current is not None
        return self.current

    def walk(self):
        return self.org.walk()

    def effective_strategies(self, objective: Objective) -> list[tuple[str, bool]]:
        """(strategy id, direct?) for the objective's own strategies and those it inherits through parents."""
        result: dict[str, bool] = {s: True for s in objective.strategies}
        seen = {objective.ref}
        queue = self.parent_objectives(objective)
        while queue:  # breadth first through every parent; each objective once, so loops end
            current = queue.pop(0)
            if current.ref in seen:
                continue
            seen.add(current.ref)
            for s in current.strategies:
                result.setdefault(s, False)
            queue.extend(self.parent_objectives(current))
        return list(result.items())

    def attention(self, cycle: Cycle) -> list[KrInfo]:
        """Off-track and at-risk key results of a cycle, worst first."""
        found = [k for k in self.krs.values() if k.objective.cycle == cycle.id and k.score.status in ATTENTION]
        found.sort(key=lambda k: (k.score.status != "off-track", (k.score.progress or 0) - k.score.expected, k.kr.ref))
        return found

    def stale(self, cycle: Cycle) -> list[KrInfo]:
        """Key results of a running cycle with no check-in for longer than the cadence; empty without history."""
        if not self.known_history or not (cycle.start <= self.today <= cycle.end):
            return []
        result = []
        for k in self.krs.values():
            if k.objective.cycle != cycle.id:
                continue
            if (self.today - self._since(k, cycle)).days > self.org.cadence_days(k.objective.unit):
                result.append(k)
        result.sort(key=lambda k: (self._since(k, cycle), k.kr.ref))
        return result

    def is_stale(self, info: KrInfo) -> bool:
        cycle = self.config.cycles[info.objective.cycle]
        if not self.known_history or not (cycle.start <= self.today <= cycle.end):
            return False
        return (self.today - self._since(info, cycle)).days > self.org.cadence_days(info.objective.unit)

    def _since(self, info: KrInfo, cycle: Cycle) -> date:
        """The day staleness counts from: the last public check-in, else when the key result appeared or the
        cycle started, whichever is later (see okrops.model.Activity)."""
        appeared = self.org.activity.appeared.get(info.kr.ref) if self.org.activity else None
        return max(d for d in (cycle.start, info.last.day if info.last else None, appeared) if d is not None)

    def collected(self, ref: str, last: Optional[CheckIn]):
        """How the current value of a public key result or KPI was collected, when its last verified check-in
        is the collecting commit (a later check-in or edit replaced the collected value otherwise)."""
        found = self._collected.get(ref)
        public = ref in self.krs or ref in self.kpi_history
        if found is None or last is None or not public or last.commit != found.commit or last.kind != "checkin":
            return None
        return found

    def kpi_stale(self, ref: str) -> bool:
        """A KPI checked in before, but not for longer than the cadence."""
        checkins = self.kpi_history.get(ref)
        return bool(checkins) and (self.today - checkins[-1].day).days > self.config.cadence_days

    def org_score(self, cycle: Cycle) -> Optional[float]:
        return self.rollups.organisation(cycle.id)

    def aligned(self, objective: Objective) -> Optional[float]:
        """The objective's aligned score when something aligns below it (None otherwise: it is its own score)."""
        return self.rollups.aligned(objective.ref) if self.rollups.has_below(objective.ref) else None

    # -- scoring -------------------------------------------------------------
    def _score_cycle(self, cycle: Cycle) -> None:
        """Each unit's standing in ``cycle``, its scores read from the roll-ups."""
        for unit, _depth in self.org.walk():
            pairs = [(o, self.objective_scores[o.ref]) for o in self.org.objectives_of(unit.slug, cycle.id)]
            statuses: dict[str, int] = {}
            for _o, s in pairs:
                for k in s.key_results:
                    statuses[k.status] = statuses.get(k.status, 0) + 1
            self._unit_cycles[(unit.slug, cycle.id)] = UnitCycle(
                unit, cycle, self.rollups.unit_score(unit.slug, cycle.id), self.rollups.unit_rollup(unit.slug, cycle.id),
                pairs, statuses)
