"""Check-in history read from git.

Interface shared by lint (staleness), status, the site and ``okrops history``.
What counts is verified against the files (see :mod:`okrops.record.historyread`): a
trailer whose commit did not change that key result to that value is
*unverified* and left out, except from :func:`read_unverified`.

Entries that cannot be read at all (a value that is not a finite number, a
malformed reference, an unreadable date) are skipped with a warning naming the
commit. Warnings go through one channel, :func:`report`: by default to stderr,
once per process; the site passes its MkDocs logger.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Callable, Iterable, Optional

from okrops import references
from okrops.record import gitlog
from okrops.errors import UnknownReference
from okrops.model import Activity, Organisation


@dataclass(slots=True)
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
    private: bool = False  # its objective, unit or a unit above was private (or unreadable) when it was written
    verified: bool = True  # False: a trailer the commit's file change does not bear out (see ``reason``)
    reason: str = ""
    level: Optional[str] = None  # an ordinal key result: the level reached (``value`` is its position in levels)
    previous_level: Optional[str] = None

    @property
    def day(self) -> date:
        return self.when.date()


@dataclass(frozen=True)
class Skipped:
    """An entry that was skipped: which commit, and why."""

    commit: str
    subject: str
    message: str

    def text(self) -> str:
        return f"skipped in commit {self.commit[:10]} ({_short(self.subject, 60)}): {_short(self.message, 300)}"


@dataclass
class History:
    checkins: list[CheckIn] = field(default_factory=list)  # verified check-ins and hand edits, oldest first
    unverified: list[CheckIn] = field(default_factory=list)  # oldest first
    warnings: list[Skipped] = field(default_factory=list)


# --- the warnings channel ---------------------------------------------------------

Sink = Callable[[str], None]
_reported: set[tuple] = set()


def _stderr(text: str) -> None:
    sys.stderr.write(f"okrops: warning: {text}\n")


def report(warnings: list[Skipped], sink: Optional[Sink] = None, where: str = "") -> None:
    """Send warnings to ``sink`` (default: stderr, each one once per process and repository)."""
    for warning in warnings:
        if sink is not None:
            sink(warning.text())
            continue
        key = (where, warning)
        if key not in _reported:
            _reported.add(key)
            _stderr(warning.text())


def _short(text: str, limit: int) -> str:
    """``text`` on one line of a terminal, at most about ``limit`` characters."""
    from okrops.safetext import terminal_line

    return terminal_line(text[:limit] + "..." if len(text) > limit else text)


# --- reading -----------------------------------------------------------------------


def record_source(org: Organisation) -> tuple[str, str, str]:
    """(repository root, okrs folder, revision) whose history is ``org``'s record.

    The working tree's organisation has HEAD's history; one read as it stood at a commit
    (:mod:`okrops.record.snapshot`) has the history up to that commit.
    """
    if org.record_at is not None:
        return org.record_at
    return org.root, org.okrs_dir, "HEAD"


def read(org: Organisation, since: Optional[date] = None, unverified: bool = True) -> Optional[History]:
    """Verified check-ins, unverified ones (unless ``unverified`` is False) and warnings, oldest first.

    None outside git.
    """
    from okrops.record import historycache

    rows = historycache.read_rows(*record_source(org))
    if rows is None:
        return None
    return from_rows(rows, since, unverified)


def from_rows(rows, since: Optional[date] = None, unverified: bool = True) -> History:
    """The history in ``rows`` (:class:`okrops.record.historyread.Rows`), as :func:`read` returns it."""
    return History(_build(rows.checkins, since), _build(rows.unverified, since) if unverified else [],
                   [Skipped(*w) for w in rows.warnings])


def _build(rows: list, since: Optional[date]) -> list[CheckIn]:
    import gc

    collecting = gc.isenabled()
    gc.disable()  # 100,000s of small objects without cycles
    try:
        fromiso = datetime.fromisoformat
        result = []
        append = result.append
        last_text, last_when = None, None
        for row in rows:
            text = row[6]
            if text != last_text:
                last_text, last_when = text, fromiso(text)
            if since is not None and last_when.date() < since:
                continue
            append(CheckIn(row[0], row[1], row[2], row[3], row[4], row[5], last_when, *row[7:]))
        # git log lists newest first: reversed, the list is in commit order (nearly sorted by date) and
        # each commit's key results in the order written; a stable sort by date keeps both for ties.
        result.reverse()
        result.sort(key=_when)
        return result
    finally:
        if collecting:
            gc.enable()


def read_history(org: Organisation, since: Optional[date] = None, warn: Optional[Sink] = None) -> list[CheckIn]:
    """Every verified check-in and hand edit of every key result, oldest first; empty without git history.

    Skipped entries are reported through :func:`report` with ``warn`` as the sink.
    """
    found = read(org, since, unverified=False)
    if found is None:
        return []
    report(found.warnings, warn, org.root)
    return found.checkins


def read_unverified(org: Organisation, since: Optional[date] = None, warn: Optional[Sink] = None) -> list[CheckIn]:
    """Trailer entries that their commits do not bear out, oldest first, each with its ``reason``."""
    found = read(org, since)
    if found is None:
        return []
    report(found.warnings, warn, org.root)
    return found.unverified


def shareable(history: list[CheckIn], public_refs) -> list[CheckIn]:
    """The check-ins that readers who may not see private OKRs may see (the site, digests, reviews).

    Only check-ins of the key results in ``public_refs`` (a set or mapping of references) are
    kept. A note written while its objective or unit was private (or unreadable) stays private,
    even when the reference was reused by a public objective since. A value edited by hand has
    its commit's subject as its note; when that commit also changed a key result that is not
    public, the subject may well be about it, so that note is left out too. The values,
    authors and commits stay.
    """
    mixed = {c.commit for c in history if c.ref not in public_refs}
    return [replace(c, note="") if c.note and (c.private or (c.kind != "checkin" and c.commit in mixed)) else c
            for c in history if c.ref in public_refs]


def _when(checkin: CheckIn) -> datetime:
    return checkin.when


def last_checkins(org: Organisation, warn: Optional[Sink] = None) -> Optional[dict[str, date]]:
    """Key result reference -> date of its last verified check-in; None when there is no history to read.

    A repository without a single commit (say, just made by ``okrops init``) has no history
    yet: its OKRs are brand new, not stale. Also records :func:`activity` on ``org``.
    """
    found = activity(org, warn)
    return None if found is None else found.last


def activity(org: Organisation, warn: Optional[Sink] = None) -> Optional[Activity]:
    """The day of each key result's last check-in and of the commit that added it, set on ``org.activity`` (so
    scores and staleness count from when each key result appeared); None when there is no history to read."""
    from okrops.record import historycache

    rows = historycache.read_rows(*record_source(org))
    if rows is None or (not rows.checkins and not gitlog.has_commits(record_source(org)[0])):
        org.activity = None
        return None
    report([Skipped(*w) for w in rows.warnings], warn, org.root)
    org.activity = Activity(_newest(rows.checkins, 0, 6), _newest(rows.appeared, 0, 1))
    return org.activity


def _newest(rows: list, ref_field: int, when_field: int) -> dict[str, date]:
    """ref -> the day of its newest row (rows come newest commit first, nearly always in date order)."""
    newest: dict[str, str] = {}
    for row in rows:
        ref, when = row[ref_field], row[when_field]
        known = newest.get(ref)
        if known is None:
            newest[ref] = when  # newest commit first: the first one seen is the newest, nearly always
        elif when != known and datetime.fromisoformat(when) > datetime.fromisoformat(known):
            newest[ref] = when
    return {ref: datetime.fromisoformat(when).date() for ref, when in newest.items()}


def select(org: Organisation, history: list[CheckIn], target: Optional[str]) -> list[CheckIn]:
    """The check-ins of one key result, objective, unit and the units below it, or unit and cycle.

    ``target`` is a key result or objective reference (``platform/2026-Q4/O1/KR2``,
    ``platform/2026-Q4/O1``), a unit (``platform``) or a unit and cycle
    (``platform/2026-Q4``); None selects everything.
    """
    keep = selector(org, target, (c.ref for c in history))
    return history if keep is None else [c for c in history if keep(c.ref)]


def selector(org: Organisation, target: Optional[str], refs: Iterable[str]) -> Optional[Callable[[str], bool]]:
    """Whether :func:`select` keeps a check-in, by its reference; None: every one.

    ``refs`` are the references of the check-ins to select from (a reference no key result
    has any more is known by its check-ins). An unknown ``target`` is an UnknownReference.
    """
    if not target:
        return None
    target = target.strip().strip("/")
    parts = target.split("/")
    if len(parts) == 1:
        if target not in org.units:
            raise UnknownReference(references.unknown_unit(org, target))
        units = {u.slug for u, _depth in org.walk(target)}
        return lambda ref: ref.split("/", 1)[0] in units
    known = (target in org.key_results or target in org.objectives or
             (parts[0] in org.units and len(parts) == 2) or any(ref == target for ref in refs))
    if not known:
        raise UnknownReference(references.unknown_reference(org, target, "reference") +
                               "; give a key result (unit/cycle/objective/kr), an objective (unit/cycle/objective), "
                               "a unit and cycle (unit/cycle) or a unit")
    prefix = target + "/"
    return lambda ref: ref == target or ref.startswith(prefix)


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

