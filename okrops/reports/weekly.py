"""The weekly digest: what moved in the seven days up to a date, rebuilt from git for any date.

For the week (as_of - 7 days, as_of]: the check-ins with their notes, by unit; the key results
that turned at risk or off track; those that went stale; initiatives' milestones done, slipped
or due next week; KPIs whose health changed; and the OKR changes merged (the semantic diff
between the two ends of the week). Both ends are read from git (:mod:`okrops.reports.snapshot`);
statuses, staleness and the diff come from :mod:`okrops.scoring`, :func:`okrops.record.history.staleness`
and :mod:`okrops.review.diff`: the same numbers as ``okrops status``, lint and the site.

Only public OKRs are in a digest unless asked for: it goes to issues, chats and the site.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Optional

from okrops import scoring
from okrops.model import Organisation
from okrops.record import gitlog, history
from okrops.record.history import CheckIn, shareable
from okrops.reports.message import Item, Message, Section
from okrops.reports.snapshot import Snapshots

ATTENTION = ("at-risk", "off-track")
_RANK = {"off-track": 2, "at-risk": 1}


@dataclass
class Moved:
    ref: str
    title: str
    unit: str
    previous: Optional[float]
    value: Optional[float]
    confidence: Optional[float]
    measure: str
    author: str
    day: date
    note: str
    edit: bool = False


@dataclass
class Turned:
    ref: str
    title: str
    unit: str
    before: str
    now: str
    note: str  # the latest note: red is a learning signal


@dataclass
class Stale:
    ref: str
    title: str
    unit: str
    last: Optional[date]


@dataclass
class MilestoneLine:
    unit: str
    initiative: str
    title: str
    due: date
    state: str  # done, slipped, due


@dataclass
class KpiLine:
    unit: str
    title: str
    before: str
    now: str
    value: Optional[float]
    measure: str


@dataclass
class Week:
    as_of: date
    start: date  # the day before the week's first day
    commit: Optional[str] = None
    unit_names: dict[str, str] = field(default_factory=dict)
    moved: list[Moved] = field(default_factory=list)
    turned: list[Turned] = field(default_factory=list)
    stale: list[Stale] = field(default_factory=list)
    milestones: list[MilestoneLine] = field(default_factory=list)
    kpis: list[KpiLine] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.moved or self.turned or self.stale or self.milestones or self.kpis or self.changes)


def _last_by(checkins: list[CheckIn], day: date) -> dict[str, date]:
    last: dict[str, date] = {}
    for c in checkins:
        if c.kind == "checkin" and c.day <= day and (c.ref not in last or c.day > last[c.ref]):
            last[c.ref] = c.day
    return last


def _running(org: Organisation, day: date):
    for objective in org.objectives.values():
        cycle = org.config.cycles.get(objective.cycle)
        if cycle is not None and cycle.start <= day <= cycle.end:
            yield objective, cycle


def _statuses(org: Optional[Organisation], day: date) -> dict[str, str]:
    if org is None:
        return {}
    return {k.ref: k.status for objective, _c in _running(org, day)
            for k in scoring.score_objective(org, objective, day).key_results}


def build(snapshots: Snapshots, checkins: list[CheckIn], as_of: date, include_private: bool = False) -> Week:
    """The digest of the week up to ``as_of`` (``checkins``: the whole history, e.g. from read_history)."""
    start = as_of - timedelta(days=7)
    now, then = snapshots.at(as_of), snapshots.at(start)
    week = Week(as_of, start, now.commit)
    org = now.org
    if org is None:
        return week
    week.unit_names = {slug: unit.name for slug, unit in org.units.items()
                       if include_private or not org.is_private_unit(slug)}
    if not include_private:  # notes written while private, or about a private change, stay out of the digest
        checkins = shareable(checkins, {r for r in org.key_results if not org.is_private_key_result(r)})

    def public(ref: str) -> bool:
        return ref in org.key_results and (include_private or not org.is_private_key_result(ref))

    notes: dict[str, str] = {}
    for c in checkins:
        if c.day > as_of:
            continue
        if c.note:
            notes[c.ref] = c.note
        if c.day > start and public(c.ref):
            kr = org.key_results[c.ref]
            week.moved.append(Moved(c.ref, kr.title, org.objective_of(kr).unit, c.previous, c.value, c.confidence,
                                    kr.measure_unit, c.author, c.day, c.note, c.kind != "checkin"))
    week.moved.sort(key=lambda m: (m.unit, m.day, m.ref))
    before, after = _statuses(then.org, start), _statuses(org, as_of)
    for ref, status in after.items():
        was = before.get(ref)
        if status in ATTENTION and was is not None and _RANK.get(status, 0) > _RANK.get(was, 0) and public(ref):
            kr = org.key_results[ref]
            week.turned.append(Turned(ref, kr.title, org.objective_of(kr).unit, was, status, notes.get(ref, "")))
    week.turned.sort(key=lambda t: (-_RANK[t.now], t.ref))
    _stale(week, org, then.org, checkins)
    _milestones(week, org, include_private)
    _kpis(week, org, then.org, include_private)
    _changes(week, then.org, org)
    return week


def _stale(week: Week, org: Organisation, old: Optional[Organisation], checkins: list[CheckIn]) -> None:
    now = history.staleness(org, week.as_of, _last_by(checkins, week.as_of))
    was = history.staleness(old, week.start, _last_by(checkins, week.start)) if old is not None else None
    for ref, last in sorted(now.key_results.items()) if now else []:
        if (was is not None and ref in was.key_results) or org.is_private_key_result(ref):
            continue
        kr = org.key_results[ref]
        week.stale.append(Stale(ref, kr.title, org.objective_of(kr).unit, last))


def _milestones(week: Week, org: Organisation, include_private: bool) -> None:
    for (unit, cycle_id), cycle_file in sorted(org.cycle_files.items()):
        cycle = org.config.cycles.get(cycle_id)
        if cycle is None or not (cycle.start <= week.as_of <= cycle.end):
            continue
        for initiative in cycle_file.initiatives:
            if not include_private and org.is_private_initiative(initiative):
                continue
            for m in initiative.milestones:
                if week.start < m.due <= week.as_of:
                    state = "done" if m.done else "slipped"
                elif week.as_of < m.due <= week.as_of + timedelta(days=7) and not m.done:
                    state = "due"
                else:
                    continue
                week.milestones.append(MilestoneLine(unit, initiative.title, m.title, m.due, state))


def _kpis(week: Week, org: Organisation, old: Optional[Organisation], include_private: bool) -> None:
    if old is None:
        return
    for slug, unit in org.units.items():
        if (not include_private and org.is_private_unit(slug)) or slug not in old.units:
            continue
        before = {k.id: k.health for k in old.units[slug].kpis}
        for kpi in unit.kpis:
            if kpi.id in before and before[kpi.id] != kpi.health:
                week.kpis.append(KpiLine(slug, kpi.title, before[kpi.id], kpi.health, kpi.current, kpi.measure_unit))


def _changes(week: Week, old: Optional[Organisation], new: Organisation) -> None:
    from okrops.review.diff import compare, format_value

    if old is None:
        return
    result = compare(old, new, week.as_of, str(week.start), str(week.as_of))
    for c in result.changes:
        if c.checkin or c.private:
            continue
        what = f"{c.kind.replace('_', ' ')} {c.action}"
        text = f"{what}: {c.title}" if c.title else what
        if c.field:
            text += f" ({c.field.replace('_', ' ')}: {format_value(c.old)} → {format_value(c.new)})"
        flags = "; ".join(f.label for f in c.flags)
        week.changes.append(f"{c.ref}\t{text}" + (f"\t{flags}" if flags else ""))


# --- the message ---------------------------------------------------------------------


def _num(value: Optional[float], measure: str = "") -> str:
    if value is None:
        return "–"
    return gitlog.format_number(value) + (f" {measure}" if measure else "")


def message(week: Week, site_url: str = "") -> Message:
    """The digest as a :class:`~okrops.reports.message.Message` (Markdown, Slack, Teams, the site)."""
    names = week.unit_names
    first = week.start + timedelta(days=1)
    units = sorted({m.unit for m in week.moved})
    intro = (f"{len(week.moved)} check-in(s) in {len(units)} unit(s); {len(week.turned)} key result(s) turned at risk "
             f"or off track; {len(week.stale)} went stale.")
    sections = []
    if week.moved:
        moved = Section("What moved")
        for unit in units:
            items = []
            for m in (m for m in week.moved if m.unit == unit):
                change = (f"{_num(m.previous)} → {_num(m.value, m.measure)}" if m.previous is not None
                          else _num(m.value, m.measure))
                if m.confidence is not None:
                    change += f", confidence {gitlog.format_number(m.confidence)}"
                who = f"{'edited' if m.edit else 'by'} {m.author} on {m.day}"
                items.append(Item(m.title, None, m.ref, f"{change}, {who}" + (f": {' '.join(m.note.split())}" if m.note else "")))
            moved.sub.append(Section(names.get(unit, unit), items=items))
        sections.append(moved)
    if week.turned:
        sections.append(Section("Turned at risk or off track", "Red is a learning signal: what the owners say.", items=[
            Item(t.title, None, t.ref, f"{names.get(t.unit, t.unit)}: {t.before} → {t.now}"
                 + (f"; latest note: {' '.join(t.note.split())}" if t.note else "; no note yet"))
            for t in week.turned]))
    if week.stale:
        sections.append(Section("Went stale", "No check-in within the cadence any more.", items=[
            Item(s.title, None, s.ref, f"{names.get(s.unit, s.unit)}: last check-in {s.last or 'never'}")
            for s in week.stale]))
    if week.milestones:
        label = {"done": "done", "slipped": "slipped (past its date, not done)", "due": "due next week"}
        sections.append(Section("Milestones", items=[
            Item(m.title, None, "", f"{m.initiative} ({names.get(m.unit, m.unit)}): {label[m.state]}, {m.due}")
            for m in week.milestones]))
    if week.kpis:
        sections.append(Section("KPIs that changed health", items=[
            Item(k.title, None, "", f"{names.get(k.unit, k.unit)}: {k.before} → {k.now} at {_num(k.value, k.measure)}")
            for k in week.kpis]))
    if week.changes:
        items = []
        for line in week.changes:
            ref, text, *flags = line.split("\t")
            items.append(Item(text, None, ref, f"flagged: {flags[0]}" if flags else ""))
        sections.append(Section("OKR changes merged", items=items))
    return Message(f"OKR week {first} to {week.as_of}", intro if not week.empty else "", sections,
                   empty="A quiet week: no check-ins, nothing turned red, nothing changed.")
