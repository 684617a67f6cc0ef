"""Check-in history read from git.

Interface shared by lint (staleness), status, the site and ``okrops history``.
The implementation reads ``git log`` in one pass (see issue: check-ins as commits).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Optional

from okrops import gitlog
from okrops.errors import UnknownReference
from okrops.model import Organisation


@dataclass
class CheckIn:
    """One recorded value of one key result."""

    ref: str  # key result reference, e.g. platform/2026-Q4/O1/KR2
    value: Optional[float]
    confidence: Optional[float]
    note: str
    author: str
    email: str
    when: datetime  # commit author date, timezone-aware
    commit: str  # full sha
    kind: str = "checkin"  # "checkin": a check-in commit with trailers; "edit": a value changed by hand in a reviewed change
    previous: Optional[float] = None

    @property
    def day(self) -> date:
        return self.when.date()


def read_history(org: Organisation, since: Optional[date] = None) -> list[CheckIn]:
    """Every check-in of every key result, oldest first. Empty when the repository has no git history."""
    import gc

    collecting = gc.isenabled()
    gc.disable()  # 100,000s of small objects without cycles
    try:
        entries = gitlog.read_entries(org.root, org.okrs_dir, make=CheckIn)
        if not entries:
            return []
        if since is not None:
            entries = [c for c in entries if c.when.date() >= since]
        # git log lists newest first: reversed, the list is in commit order (nearly sorted by date) and
        # each commit's key results in the order written; a stable sort by date keeps both for ties.
        entries.reverse()
        entries.sort(key=_when)
        return entries
    finally:
        if collecting:
            gc.enable()


def _when(checkin: CheckIn) -> datetime:
    return checkin.when


def last_checkins(org: Organisation) -> Optional[dict[str, date]]:
    """Key result reference -> date of its last check-in; None when there is no history to read.

    A repository without a single commit (say, just made by ``okrops init``) has no history
    yet: its OKRs are brand new, not stale.
    """
    entries = gitlog.read_entries(org.root, org.okrs_dir, make=_ref_and_time)
    if entries is None or (not entries and not gitlog.has_commits(org.root)):
        return None
    newest: dict[str, datetime] = {}
    for ref, when in entries:
        known = newest.get(ref)
        if known is None or when > known:
            newest[ref] = when
    return {ref: when.date() for ref, when in newest.items()}


def _ref_and_time(ref, value, confidence, note, author, email, when, sha, kind, previous):
    return ref, when


def select(org: Organisation, history: list[CheckIn], target: Optional[str]) -> list[CheckIn]:
    """The check-ins of one key result, objective, unit and the units below it, or unit and cycle.

    ``target`` is a key result or objective reference (``platform/2026-Q4/O1/KR2``,
    ``platform/2026-Q4/O1``), a unit (``platform``) or a unit and cycle
    (``platform/2026-Q4``); None selects everything.
    """
    if not target:
        return history
    target = target.strip().strip("/")
    parts = target.split("/")
    if len(parts) == 1:
        if target not in org.units:
            raise UnknownReference(f"unknown unit {target!r}; units: {', '.join(sorted(org.units)) or 'none'}")
        units = {u.slug for u, _depth in org.walk(target)}
        return [c for c in history if c.ref.split("/", 1)[0] in units]
    known = (target in org.key_results or target in org.objectives or
             (parts[0] in org.units and len(parts) == 2) or any(c.ref == target for c in history))
    if not known:
        raise UnknownReference(
            f"unknown reference {target!r}: give a key result (unit/cycle/objective/kr), an objective "
            "(unit/cycle/objective), a unit and cycle (unit/cycle) or a unit")
    prefix = target + "/"
    return [c for c in history if c.ref == target or c.ref.startswith(prefix)]


@dataclass
class Staleness:
    """Key results and units with no check-in within the cadence in their running cycle."""

    today: date
    cadence_days: int
    key_results: dict[str, Optional[date]] = field(default_factory=dict)  # stale ref -> last check-in
    units: list[str] = field(default_factory=list)  # units whose every key result is stale


def staleness(org: Organisation, today: date, last: Optional[dict[str, date]] = None) -> Optional[Staleness]:
    """Stale key results and units on ``today``; None when there is no history to judge by."""
    from okrops.status import is_stale

    if last is None:
        last = last_checkins(org)
        if last is None:
            return None
    result = Staleness(today, org.config.cadence_days)
    per_unit: dict[str, list[bool]] = {}
    for kr in org.key_results.values():
        objective = org.objective_of(kr)
        cycle = org.config.cycles.get(objective.cycle)
        if cycle is None or not (cycle.start <= today <= cycle.end):
            continue
        stale = is_stale(org, kr.ref, cycle, today, last)
        per_unit.setdefault(objective.unit, []).append(stale)
        if stale:
            result.key_results[kr.ref] = last.get(kr.ref)
    result.units = sorted(u for u, flags in per_unit.items() if flags and all(flags))
    return result
