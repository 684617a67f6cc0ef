"""Plain view objects: what each generated page shows, ready for its template.

:class:`okrops.site.pages.Site` builds them from the public, scored view of the
organisation (:class:`okrops.site.view.SiteView`, already filtered for privacy); the
templates in ``templates/`` decide the markup. Every field holds plain text, numbers,
addresses or other view objects, never HTML: the templates escape whatever they print.
Values are formatted for reading (``480 ms``, ``2026-11-11``), except shares from 0 to 1
(scores, progress, time elapsed), which the templates show as percentages (``|pct``);
addresses are relative to the page they appear on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from okrops.site.charts import HistoryChart, Sparkline, Trend

STATUS_ORDER = ("off-track", "at-risk", "on-track", "done", "no-data", "no-data-yet", "not-started")


# -- pieces ------------------------------------------------------------------------------------


@dataclass
class Ref:
    """A link to a page of the site, plain text when it has no page, or "(private)"."""

    text: str = ""
    href: Optional[str] = None
    context: str = ""  # shown muted before the link: "Platform · O1/KR1"
    private: bool = False


PRIVATE = Ref(private=True)


@dataclass
class Bar:
    """A progress bar: a share from 0 to 1, with the share expected by now."""

    value: Optional[float]
    expected: Optional[float] = None
    label: str = "progress"

    @property
    def tone(self) -> str:
        if self.value is None:
            return "none"
        if self.expected is None or self.value >= self.expected - 0.1:
            return "good"
        return "warn" if self.value >= self.expected - 0.25 else "bad"

    @property
    def width(self) -> str:
        return f"{max(0.0, min(1.0, self.value or 0.0)) * 100:.0f}"

    @property
    def expected_left(self) -> str:
        return f"{max(0.0, min(1.0, self.expected or 0.0)) * 100:.0f}"



@dataclass
class Confidence:
    """How sure the owners are of reaching the target, from 0 to 1."""

    value: float

    @property
    def text(self) -> str:
        return f"{self.value:.1f}"

    @property
    def tone(self) -> str:
        return "good" if self.value >= 0.7 else "warn" if self.value >= 0.5 else "bad"


def confidence(value: Optional[float]) -> Optional[Confidence]:
    return None if value is None else Confidence(value)


def status_counts(statuses: dict[str, int]) -> list[tuple[str, int]]:
    """(status, count) of the statuses that occur, worst first."""
    return [(s, statuses[s]) for s in STATUS_ORDER if statuses.get(s)]


@dataclass
class CycleLine:
    label: str
    span: str  # "Oct 1 – Dec 31, 2026"
    starts_in: Optional[int] = None  # days, for a cycle still to come
    ended: bool = False
    week: int = 0  # of a running cycle: week 8 of 14, 57% elapsed
    weeks: int = 0
    elapsed: float = 0.0


@dataclass
class ScoredRef:
    """An objective in a list: its link, score and status."""

    ref: Ref
    score: Optional[float]
    status: str
    aligned: Optional[float] = None  # with the objectives aligned below it, when any (okrops.alignment.rollups)


@dataclass
class AlignedScore:
    """An objective's aligned score: its own with every objective aligned below it, each counted once."""

    bar: Bar
    below: int  # objectives counted below it, directly or through others


@dataclass
class LastCheckin:
    day: Optional[str]  # None: no check-in
    author: str = ""
    stale: bool = False
    history_known: bool = True  # without any history, "none yet" would mislead


@dataclass
class KrNumbers:
    """Baseline → current → target as text (``keep min – max`` for a range)."""

    direction: str
    current: str
    baseline: str = ""
    target: str = ""
    range_min: str = ""
    range_max: str = ""

    @property
    def is_range(self) -> bool:
        return self.direction == "range"


@dataclass
class KrRow:
    """A key result in a table (a card on narrow screens)."""

    title: str
    href: str
    numbers: KrNumbers
    bar: Bar
    trend: Sparkline
    confidence: Optional[Confidence]
    status: str
    last: LastCheckin
    anchor: Optional[str] = None  # rows of an objective's own table
    kr_id: Optional[str] = None
    unit: Optional[Ref] = None  # rows from all over the organisation: where they belong
    path: str = ""  # "O1/KR1", with ``unit``
    shared_with: list[Ref] = field(default_factory=list)  # a shared key result: its public contributors
    zone: Optional[str] = None  # commit-target-stretch units: fail, commit, target or stretch
    checkin_href: Optional[str] = None  # the prefilled check-in form (rows of a unit page, with a repository address)


@dataclass
class CheckinRow:
    day: str
    change: str  # "380 → 360 ms"
    edit: bool  # a value edited by hand, not a check-in
    confidence: Optional[Confidence]
    author: str
    note: str
    commit: str  # abbreviated
    commit_href: Optional[str] = None
    kr: Optional[Ref] = None  # in feeds of many key results
    kr_place: str = ""  # "Platform · O1/KR1"


@dataclass
class UnitRow:
    unit: Ref
    kind: str
    bar: Bar
    statuses: list[tuple[str, int]]
    indent: int = 0


@dataclass
class Provenance:
    """Where a number comes from (its source:) and, for a collected value, by what, when and in which commit."""

    source: str  # "http: GET https://status.example.com/api $.uptime"
    collected: str = ""  # "collected by http at 2026-11-30 21:40 UTC", when the current value was collected
    commit: str = ""  # abbreviated
    commit_href: Optional[str] = None


@dataclass
class KpiRow:
    title: str
    current: str
    bands: list[str]
    health: str
    source: str
    provenance: Optional[Provenance] = None
    spark: Optional[Sparkline] = None  # the KPI's checked-in values, when it has some
    last: Optional[LastCheckin] = None  # its last check-in, when it has one


@dataclass
class UnitListRow:
    unit: Ref  # links to units/<slug>/ when the unit has OKRs on the site
    kind: str
    parent: Optional[Ref]  # the unit above, None at the top
    depth: int


@dataclass
class CycleRow:
    cycle: Ref
    dates: str
    state: str
    objectives: int
    bar: Bar


@dataclass
class Reflection:
    decision: str
    score: Optional[float]
    learnings: str


@dataclass
class StrategyLink:
    ref: Ref
    direct: bool


@dataclass
class ObjectiveView:
    anchor: str
    id: str
    title: str
    type: str
    aspirational: bool
    status: str
    bar: Bar
    why: str = ""
    parent: Optional[Ref] = None
    strategies: list[StrategyLink] = field(default_factory=list)
    owner: Optional[Ref] = None
    children: list[ScoredRef] = field(default_factory=list)
    krs: list[KrRow] = field(default_factory=list)
    reflection: Optional[Reflection] = None
    parents: list[Ref] = field(default_factory=list)  # every parent (``parent`` is the first)
    zone: Optional[str] = None  # commit-target-stretch units: the objective's zone
    aligned: Optional[AlignedScore] = None  # when objectives align below it
    shares: list[Optional[float]] = field(default_factory=list)  # with several parents: each one's share (None: private)


@dataclass
class Milestone:
    title: str
    due: str
    state: str  # done, late, open


@dataclass
class ExternalLink:
    text: str
    href: Optional[str]  # None: not an http(s) address, shown as text


@dataclass
class EvidenceRow:
    """A commit or merged pull request that names a key result or initiative."""

    day: str
    title: str
    author: str
    repository: str
    commit: str  # abbreviated
    href: Optional[str] = None
    pull_request: str = ""  # "#12"


@dataclass
class InitiativeView:
    anchor: str
    id: str
    title: str
    description: str
    moves: list[Ref]
    milestones: list[Milestone]
    links: list[ExternalLink]
    evidence: list[EvidenceRow] = field(default_factory=list)


# -- pages -------------------------------------------------------------------------------------


@dataclass
class HomeCycle:
    """The home page's part about the current cycle."""

    line: CycleLine
    score: Bar
    kr_count: int
    statuses: list[tuple[str, int]]
    mean_confidence: str
    attention: list[KrRow]
    attention_count: int
    stale: list[KrRow]
    stale_count: int
    cadence_days: int
    shown_limit: int
    also_running: list[tuple[Ref, Optional[float]]]
    units: list[UnitRow]
    recent: list[CheckinRow]


@dataclass
class HomePage:
    title: str
    description: str
    alignment_href: str
    activity_href: str
    cycle: Optional[HomeCycle]


@dataclass
class StrategyView:
    anchor: str
    title: str
    horizon: str
    description: str
    direct: list[ScoredRef]
    inherited: list[ScoredRef]
    inherited_more: int


@dataclass
class StrategyPage:
    vision: str
    mission: str
    running: list[str]
    strategies: list[StrategyView]
    unaligned: list[Ref]
    unaligned_count: int


@dataclass
class TreeObjective:
    ref: Ref
    score: Optional[float]
    parent: Optional[Ref] = None  # "↑ Unit O1", or private
    parents: list[Ref] = field(default_factory=list)  # every parent, when there are several
    home: Optional[Ref] = None  # listed under a parent outside its own unit: the unit it lives in
    aligned: Optional[float] = None  # with the objectives aligned below it, when any


@dataclass
class TreeNode:
    anchor: str
    unit: Ref
    kind: str
    other_cycle: str
    bar: Bar
    objectives: list[TreeObjective]
    unit_count: int
    open: bool
    children: list["TreeNode"] = field(default_factory=list)
    # Objectives of units elsewhere in the tree that align to this unit's objectives (a second parent).
    aligned_here: list[TreeObjective] = field(default_factory=list)


@dataclass
class ActivityDay:
    anchor: str
    heading: str
    rows: list[CheckinRow]


@dataclass
class CyclePage:
    label: str
    line: CycleLine
    score: Optional[float]
    units: list[UnitRow]
    review_href: Optional[str] = None  # the print-ready review of the cycle


@dataclass
class UnitCard:
    score: Bar
    rollup: Optional[Bar]  # with the units below, when it has any
    kr_count: int
    statuses: list[tuple[str, int]]
    maintainers: list[str]


@dataclass
class UnitPage:
    crumbs: list[Ref]
    name: str
    kind: str
    description: str
    cycle_label: str
    tabs: list[Ref]  # the cycles, newest first; the current page's has no href
    line: CycleLine
    card: UnitCard
    objectives: list[ObjectiveView]
    initiatives: list[InitiativeView]
    kpis: list[KpiRow]
    units_below: list[UnitRow]
    source: Optional[ExternalLink] = None
    shared: list[KrRow] = field(default_factory=list)  # other units' key results this unit contributes to
    dependencies: list["DependencyRow"] = field(default_factory=list)  # both ways, public ends only


@dataclass
class DependencyRow:
    """A dependency on a unit page: this unit's side, the other unit's side, and whether it is agreed."""

    needs: bool  # True: this unit depends on ``other``; False: ``other`` depends on this unit
    own: Ref
    other: Ref
    note: str
    confirmed: bool


@dataclass
class UnitIndexPage:
    crumbs: list[Ref]
    name: str
    kind: str
    description: str
    cycles: list[tuple[Ref, bool]]  # (link, current?)


@dataclass
class KrDetails:
    metric: str
    data_source: str
    direction: str
    weight: Optional[str]
    initiatives: list[Ref]
    provenance: Optional[Provenance] = None


@dataclass
class TargetChangeRow:
    """A target, baseline or range bound that changed: when it reached the main line, and who."""

    day: str
    field: str  # target, baseline, range min, range max
    old: str
    new: str
    commit: str  # abbreviated
    commit_href: Optional[str]
    author: str
    merged_by: str = ""
    pull_request: str = ""  # "#7"
    pull_href: Optional[str] = None


@dataclass
class KrPage:
    crumbs: list[Ref]
    path: str  # "O1/KR1"
    title: str
    objective: Ref
    unit_name: str
    cycle_label: str
    bar: Bar
    status: str
    numbers: KrNumbers
    confidence: Optional[Confidence]
    last: LastCheckin
    chart: HistoryChart
    details: KrDetails
    checkins: list[CheckinRow]
    target_changes: list[TargetChangeRow] = field(default_factory=list)
    confidence_chart: Optional[HistoryChart] = None
    forecast: str = ""  # the forecast in words, labelled as one
    evidence: list[EvidenceRow] = field(default_factory=list)
    checkin_href: Optional[str] = None  # the prefilled check-in form, when the site knows the repository


@dataclass
class HealthRow:
    label: str
    cells: list[str]  # one per cycle
    trend: Optional[Trend]


@dataclass
class HealthGroup:
    title: str  # System, Behaviour, Outcome
    anchor: str
    rows: list[HealthRow]


@dataclass
class HealthUnitRow:
    unit: Ref
    cycle: str  # the latest cycle measured
    cells: list[str]
    trends: list[Optional[Trend]]
    signals: list[str]


@dataclass
class HealthPage:
    cycles: list[str]  # labels, oldest first
    groups: list[HealthGroup]
    signals: list[str]
    unit_columns: list[str]
    units: list[HealthUnitRow]


@dataclass
class WeekItem:
    text: str
    ref: str  # a key result reference, or ""
    detail: str
    href: Optional[str] = None  # the key result's page


@dataclass
class WeekSection:
    heading: str
    lead: str
    items: list[WeekItem]
    sub: list["WeekSection"]


@dataclass
class WeekPage:
    """The weekly digest (okrops report week) of one week, with links to the other weeks."""

    heading: str
    intro: str
    sections: list[WeekSection]
    weeks: list[Ref]  # this week and the ones before it, newest first; the shown one has no href
    empty: str


@dataclass
class ReviewNote:
    day: str
    author: str
    note: str


@dataclass
class ReviewKr:
    ref: Ref
    path: str  # the key result's reference
    status: str
    bar: Bar
    notes: list[ReviewNote]
    chart: HistoryChart


@dataclass
class ReviewObjective:
    ref: Ref
    path: str
    bar: Bar
    status: str
    decision: str
    learnings: str


@dataclass
class ReviewConfidence:
    ref: Ref
    path: str
    first: float
    now: float


@dataclass
class ReviewUnit:
    unit: Ref
    bar: Bar  # score against expected
    rollup: Optional[float]
    statuses: list[tuple[str, int]]
    objectives: list[ReviewObjective]
    red: list[ReviewKr]
    confidence: list[ReviewConfidence]


@dataclass
class ReviewPage:
    """okrops report review of one cycle, print-ready: one unit per printed page."""

    cycle_label: str
    as_of: str
    closed: bool
    units: list[ReviewUnit]
