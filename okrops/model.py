"""The OKR repository as plain, typed data.

Nothing here reads files or prints: :mod:`okrops.repository` builds these
objects from YAML, and everything else (validation, lint, scoring, reports,
the site) reads them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Optional

from okrops.findings import DocPath
from okrops.numbers import finite_or_none, is_finite

PUBLIC = "public"
PRIVATE = "private"
# The visibility of a unit whose unit.yaml is missing or cannot be read: nobody can say it is
# public, so it is treated as private (with everything below it) until the file is fixed.
UNKNOWN = "unknown"


def is_public(visibility: str) -> bool:
    """Only what says ``public``, exactly, is public: anything else (private, unknown, a typo) is not."""
    return visibility == PUBLIC


@dataclass(frozen=True)
class Source:
    """Where an entity was written: file relative to the repository root, and key path in it."""

    file: str
    path: DocPath = ()

    def child(self, *parts: str | int) -> "Source":
        return Source(self.file, self.path + tuple(parts))


@dataclass
class Cycle:
    id: str
    start: date
    end: date
    name: str = ""

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def contains(self, other: "Cycle") -> bool:
        return self.start <= other.start and other.end <= self.end

    def elapsed(self, today: date) -> float:
        """Share of the cycle that has passed on ``today``, 0.0 to 1.0."""
        if today < self.start:
            return 0.0
        if today >= self.end:
            return 1.0
        return ((today - self.start).days + 1) / self.days

    @property
    def label(self) -> str:
        return self.name or self.id


@dataclass
class ScoringSettings:
    style: str = "fraction"  # fraction, percent or commit-target-stretch (see okrops.scoring)
    aspirational_target: float = 0.7
    at_risk_gap: float = 0.1
    off_track_gap: float = 0.25
    low_confidence: float = 0.5
    very_low_confidence: float = 0.3


@dataclass
class Config:
    organisation: str
    cycles: dict[str, Cycle]
    cadence_days: int = 7
    scoring: ScoringSettings = field(default_factory=ScoringSettings)
    lint_rules: dict = field(default_factory=dict)
    lint: dict = field(default_factory=dict)  # the whole lint: mapping (language, profile, rules)
    site: dict = field(default_factory=dict)
    evidence: dict = field(default_factory=dict)  # where evidence is read from (okrops.record.evidence)
    checkins: dict = field(default_factory=dict)  # the whole checkins: mapping (cadence_days, from_issues)
    rhythm: dict = field(default_factory=dict)  # when reminders and the digest go out
    source: Source = Source("okrs/okrops.yaml")
    collect: dict = field(default_factory=dict)  # okrops collect settings (commands, jobs)
    includes: list["Include"] = field(default_factory=list)


@dataclass
class Include:
    """Another OKR repository whose units belong to this organisation (``include:`` in okrops.yaml)."""

    path: Optional[str] = None  # a local folder, relative to the repository root
    git: Optional[str] = None  # a git URL, fetched into the cache by okrops fetch
    ref: Optional[str] = None
    under: Optional[str] = None  # the unit its top units attach under
    index: int = 0  # position in include:, for findings


@dataclass
class Strategy:
    id: str
    title: str
    description: str = ""
    horizon_from: Optional[int] = None
    horizon_to: Optional[int] = None
    source: Source = Source("")


@dataclass
class StrategyMap:
    vision: str = ""
    mission: str = ""
    strategies: dict[str, Strategy] = field(default_factory=dict)
    source: Optional[Source] = None


def _finite_fields(entity: object, *names: str) -> None:
    """The model guard: a number that is not finite (validate reports it) is treated as missing."""
    for name in names:
        value = getattr(entity, name)
        if value is not None and not is_finite(value):
            setattr(entity, name, None)


@dataclass
class Band:
    min: Optional[float] = None
    max: Optional[float] = None

    def __post_init__(self) -> None:
        _finite_fields(self, "min", "max")

    def contains(self, value: float) -> bool:
        return (self.min is None or value >= self.min) and (self.max is None or value <= self.max)


KPI_MARK = "kpi"  # the middle part of a KPI reference, <unit>/kpi/<id>


def kpi_ref(unit: str, kpi_id: str) -> str:
    return f"{unit}/{KPI_MARK}/{kpi_id}"


def is_kpi_ref(ref: str) -> bool:
    """``platform/kpi/uptime`` (three parts, the middle one ``kpi``); a key result's has four."""
    parts = ref.split("/")
    return len(parts) == 3 and parts[1] == KPI_MARK and all(parts)


@dataclass
class Kpi:
    id: str
    title: str
    measure_unit: str = ""
    current: Optional[float] = None
    healthy: Optional[Band] = None
    warning: Optional[Band] = None
    data_source: str = ""
    source: Source = Source("")
    unit: str = ""  # the unit's slug
    metric_source: Optional[dict] = None  # source: as written (where okrops collect fetches the value)

    def __post_init__(self) -> None:
        _finite_fields(self, "current")

    @property
    def ref(self) -> str:
        """Its reference in check-ins: ``<unit>/kpi/<id>``, e.g. ``platform/kpi/uptime``."""
        return kpi_ref(self.unit, self.id)

    @property
    def health(self) -> str:
        """green, amber or red against the thresholds; unknown without a value or a healthy band."""
        if self.current is None or self.healthy is None:
            return "unknown"
        if self.healthy.contains(self.current):
            return "green"
        if self.warning is not None and self.warning.contains(self.current):
            return "amber"
        return "red"


@dataclass
class Unit:
    """One organisation unit. ``slug`` is its folder name and its id in references."""

    slug: str
    folder: str  # relative to the okrs/ directory, e.g. acme/engineering/platform
    name: str
    kind: str = ""
    description: str = ""
    maintainers: list[str] = field(default_factory=list)
    visibility: str = "public"
    parent: Optional[str] = None
    children: list[str] = field(default_factory=list)
    kpis: list[Kpi] = field(default_factory=list)
    lint_rules: dict = field(default_factory=dict)
    lint: dict = field(default_factory=dict)  # the whole lint: mapping (language, profile, rules)
    cadence_days: Optional[int] = None  # checkins.cadence_days of unit.yaml, when set
    source: Source = Source("")
    scoring_style: Optional[str] = None  # this unit's and those below it; None: as the unit above
    provides: list[str] = field(default_factory=list)  # accepted dependencies: the dependents' references

    @property
    def depth(self) -> int:
        return self.folder.count("/")

    @property
    def is_private(self) -> bool:
        """Private, or of unknown visibility (the unit alone; see :meth:`Organisation.is_private_unit`)."""
        return not is_public(self.visibility)


@dataclass
class KeyResult:
    id: str
    ref: str
    title: str
    objective_ref: str
    metric: str = ""
    measure_unit: str = ""
    direction: str = "increase"
    baseline: Optional[float] = None
    target: Optional[float] = None
    range_min: Optional[float] = None
    range_max: Optional[float] = None
    current: Optional[float] = None
    confidence: Optional[float] = None
    data_source: str = ""
    weight: float = 1.0
    extensions: dict = field(default_factory=dict)  # x- keys, kept for tools and lint
    source: Source = Source("")
    # Units that move this key result with its owner; it counts once, in its owner's objective.
    contributors: list[str] = field(default_factory=list)
    commit: Optional[float] = None  # commit-target-stretch: the committed value, between baseline and target
    stretch: Optional[float] = None  # commit-target-stretch: beyond the target
    ordinal: Optional["Ordinal"] = None  # named levels instead of numbers
    depends_on: list["Dependency"] = field(default_factory=list)
    metric_source: Optional[dict] = None  # source: as written (where okrops collect fetches the value)

    def __post_init__(self) -> None:
        _finite_fields(self, "baseline", "target", "range_min", "range_max", "current", "confidence", "commit", "stretch")
        if finite_or_none(self.weight) is None:
            self.weight = 1.0

    @property
    def measurable(self) -> bool:
        if self.ordinal is not None:
            return True
        if self.direction == "range":
            return self.range_min is not None and self.range_max is not None
        return self.target is not None


@dataclass
class Ordinal:
    """An ordinal key result: ordered named levels, the one reached, and the ones that matter."""

    levels: list[str]
    reached: Optional[str] = None
    baseline: Optional[str] = None  # default: the first level
    target: Optional[str] = None  # default: the last level
    commit: Optional[str] = None
    stretch: Optional[str] = None

    def index(self, name: Optional[str], default: Optional[int] = None) -> Optional[int]:
        return self.levels.index(name) if name in self.levels else default


@dataclass
class Dependency:
    """An objective or key result of another unit that this one depends on (``depends_on``)."""

    ref: str
    note: str = ""
    path: DocPath = ()  # key path of the reference, from the depending entity


@dataclass
class ParentLink:
    """One parent an objective aligns to: a reference, its share of the objective's progress, and why."""

    ref: str
    weight: Optional[float] = None  # None: an equal share of what the weighted parents leave
    reason: str = ""
    path: DocPath = ()  # key path of the reference in its file (for findings)

    def __post_init__(self) -> None:
        _finite_fields(self, "weight")


@dataclass
class Reflection:
    decision: str
    score: Optional[float] = None
    learnings: str = ""

    def __post_init__(self) -> None:
        _finite_fields(self, "score")


@dataclass
class Objective:
    id: str
    ref: str
    unit: str
    cycle: str
    title: str
    why: str = ""
    type: str = "committed"
    owner: Optional[str] = None
    visibility: str = "public"
    strategies: list[str] = field(default_factory=list)
    parent: Optional[str] = None
    key_results: list[KeyResult] = field(default_factory=list)
    reflection: Optional[Reflection] = None
    extensions: dict = field(default_factory=dict)  # x- keys, kept for tools and lint
    source: Source = Source("")
    # Every parent, in the order written; ``parent`` is the first one's reference (one-parent code).
    parents: list[ParentLink] = field(default_factory=list)
    depends_on: list["Dependency"] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.parent and not self.parents:
            self.parents = [ParentLink(self.parent, path=("aligns_to", "parent"))]
        elif self.parents and not self.parent:
            self.parent = self.parents[0].ref

    @property
    def parent_refs(self) -> list[str]:
        return [link.ref for link in self.parents]

    @property
    def aspirational(self) -> bool:
        return self.type == "aspirational"

    @property
    def is_private(self) -> bool:
        """Private, or of unknown visibility (the objective alone, not its unit)."""
        return not is_public(self.visibility)


@dataclass
class Milestone:
    title: str
    due: date
    done: bool = False


@dataclass
class Initiative:
    id: str
    ref: str
    title: str
    description: str = ""
    key_results: list[str] = field(default_factory=list)  # full key result references
    links: list[str] = field(default_factory=list)
    milestones: list[Milestone] = field(default_factory=list)
    source: Source = Source("")


@dataclass
class CycleFile:
    """One unit's OKRs for one cycle (``<unit folder>/<cycle>.yaml``)."""

    unit: str
    cycle: str
    objectives: list[Objective] = field(default_factory=list)
    initiatives: list[Initiative] = field(default_factory=list)
    source: Source = Source("")


@dataclass
class Unreadable:
    """A file or folder holding OKRs that could not be read (a schema error, a refused name or link)."""

    path: str  # relative to the repository root
    holds: str  # what it would hold, e.g. "unit platform and everything below it"
    unit: Optional[str] = None  # the unit it belongs to; for a unit's own file, the unit above it


@dataclass
class Activity:
    """What git says about each key result: the day of its last check-in and the day it appeared.

    Filled in by :func:`okrops.record.history.activity`; the core reads it to judge staleness and
    whether a key result is still waiting for its first check-in.
    """

    last: dict[str, date] = field(default_factory=dict)  # key result ref -> day of its last check-in
    appeared: dict[str, date] = field(default_factory=dict)  # ref -> day of the commit that added it (latest)

    @staticmethod
    def of(org: "Organisation", last_checkins: dict[str, date]) -> "Activity":
        """The organisation's activity when ``last_checkins`` came from it, else one of the check-ins alone."""
        if org.activity is not None and org.activity.last is last_checkins:
            return org.activity
        return Activity(last_checkins)

    def since(self, ref: str, cycle: "Cycle") -> date:
        """The day staleness counts from: the last check-in, else when the key result appeared or the cycle
        started, whichever is later (a new organisation or a key result added mid-cycle starts fresh)."""
        days = [cycle.start, self.last.get(ref), self.appeared.get(ref)]
        return max(d for d in days if d is not None)

    def is_stale(self, ref: str, cycle: "Cycle", today: date, cadence_days: int) -> bool:
        """No check-in within the cadence while the cycle runs."""
        if not (cycle.start <= today <= cycle.end):
            return False
        return (today - self.since(ref, cycle)).days > cadence_days

    def awaiting_first(self, ref: str, cycle: "Cycle", today: date, cadence_days: int) -> bool:
        """Never checked in, and a cadence has not yet passed since it appeared (or the cycle started)."""
        return ref not in self.last and (today - self.since(ref, cycle)).days <= cadence_days


@dataclass
class Organisation:
    """A loaded OKR repository."""

    root: str  # absolute path of the repository root
    okrs_dir: str  # absolute path of the okrs/ directory
    config: Config
    strategy: StrategyMap
    units: dict[str, Unit] = field(default_factory=dict)
    cycle_files: dict[tuple[str, str], CycleFile] = field(default_factory=dict)
    objectives: dict[str, Objective] = field(default_factory=dict)
    key_results: dict[str, KeyResult] = field(default_factory=dict)
    broken_files: set[str] = field(default_factory=set)
    # Files and folders that hold OKRs okrops could not read for certain: their visibility is
    # unknown, so what they hold is private (see okrops.site.view).
    unreadable: list["Unreadable"] = field(default_factory=list)
    # Check-in dates and appearances from git, when a command read them (okrops.record.history.activity).
    activity: Optional[Activity] = None
    # Included repositories that were read: their root folder (absolute) -> the Include.
    included: dict[str, "Include"] = field(default_factory=dict)
    # Set when the files were read as they stood at a commit (okrops.record.snapshot): the
    # repository root and okrs/ folder whose git history is the record, and that commit.
    # None: the files are the working tree's and the history is HEAD's.
    record_at: Optional[tuple[str, str, str]] = None
    # Cycles the site shows as their okrs/<cycle> tag left them (okrops.site.pastcycles): cycle id -> tagged commit.
    tagged_cycles: dict[str, str] = field(default_factory=dict)

    # -- navigation ---------------------------------------------------------
    def roots(self) -> list[Unit]:
        return [u for u in self.units.values() if u.parent is None]

    def walk(self, start: Optional[str] = None):
        """Units depth-first in folder order, with their depth below ``start``."""
        starts = [self.units[start]] if start else sorted(self.roots(), key=lambda u: u.folder)
        stack = [(u, 0) for u in reversed(starts)]
        while stack:
            unit, depth = stack.pop()
            yield unit, depth
            children = sorted((self.units[c] for c in unit.children), key=lambda u: u.folder, reverse=True)
            stack.extend((c, depth + 1) for c in children)

    def ancestors(self, slug: str) -> list[str]:
        result = []
        current = self.units[slug].parent if slug in self.units else None
        while current is not None and current not in result:
            result.append(current)
            current = self.units[current].parent
        return result

    def cadence_days(self, slug: str) -> int:
        """Days between expected check-ins in unit ``slug``: its own, the nearest unit above's, or the organisation's."""
        for name in [slug, *self.ancestors(slug)]:
            unit = self.units.get(name)
            if unit is not None and unit.cadence_days is not None:
                return unit.cadence_days
        return self.config.cadence_days

    def is_private_unit(self, slug: str) -> bool:
        """True if the unit or any unit above it is private or of unknown visibility, or is not known at all."""
        seen: set[str] = set()
        current: Optional[str] = slug
        while current is not None:
            unit = self.units.get(current)
            if unit is None or unit.is_private or current in seen:
                return True
            seen.add(current)
            current = unit.parent
        return False

    def is_private_objective(self, objective: Objective) -> bool:
        """True if the objective, or its unit or any unit above, is private or of unknown visibility."""
        return objective.is_private or self.is_private_unit(objective.unit)

    def is_private_key_result(self, ref: str) -> bool:
        """True unless ``ref`` is a key result of a public objective in a public unit."""
        kr = self.key_results.get(ref)
        objective = self.objectives.get(kr.objective_ref) if kr is not None else None
        return objective is None or self.is_private_objective(objective)

    def is_private_initiative(self, initiative: Initiative) -> bool:
        """An initiative is as private as its unit, and private when every key result it moves is.

        One that names no key result is as public as its unit.
        """
        unit = initiative.ref.split("/", 1)[0]
        if self.is_private_unit(unit):
            return True
        return bool(initiative.key_results) and all(self.is_private_key_result(r) for r in initiative.key_results)

    def objectives_of(self, unit: str, cycle: str) -> list[Objective]:
        cycle_file = self.cycle_files.get((unit, cycle))
        return cycle_file.objectives if cycle_file else []

    def objectives_in(self, cycle: str) -> list[Objective]:
        return [o for o in self.objectives.values() if o.cycle == cycle]

    def cycles_in_use(self) -> list[Cycle]:
        used = {c for (_u, c) in self.cycle_files}
        return sorted((self.config.cycles[c] for c in used if c in self.config.cycles), key=lambda c: (c.start, -c.days))

    def current_cycle(self, today: date) -> Optional[Cycle]:
        """The shortest cycle in use that contains ``today``; else the latest one that started."""
        used = self.cycles_in_use() or sorted(self.config.cycles.values(), key=lambda c: c.start)
        running = [c for c in used if c.start <= today <= c.end]
        if running:
            return min(running, key=lambda c: (c.days, c.start))
        started = [c for c in used if c.start <= today]
        if started:
            return max(started, key=lambda c: (c.end, -c.days))
        return min(used, key=lambda c: c.start) if used else None

    def objective_of(self, kr: KeyResult) -> Objective:
        return self.objectives[kr.objective_ref]
