"""The review of a cycle: for the monthly review and the end of the cycle, for one unit or the organisation.

Per unit (the one asked for and every unit below it): its score against the expected progress
(the rows of :func:`okrops.status.build`: the numbers ``okrops status`` prints), the objectives with their scores,
the red key results (off track, at risk) with their notes, since red is a learning signal and
the notes say what was learned, the confidence movement since the cycle's first check-in, and
the reflections and decisions once the cycle is closed. Public OKRs only unless asked for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Optional

from okrops import references, status
from okrops.errors import UsageError
from okrops.model import Organisation
from okrops.record import gitlog
from okrops.record.history import CheckIn, shareable
from okrops.reports.message import Item, Message, Section

RED = ("off-track", "at-risk")
CONFIDENCE_MOVE = 0.1  # a change in confidence worth showing
NOTES = 3  # the latest notes shown for a red key result


@dataclass
class RedKr:
    ref: str
    title: str
    status: str
    progress: Optional[float]
    expected: float
    confidence: Optional[float]
    notes: list[tuple[date, str, str]]  # (day, author, note), newest first


@dataclass
class ConfidenceMove:
    ref: str
    title: str
    first: float
    now: float


@dataclass
class ObjectiveLine:
    ref: str
    title: str
    score: Optional[float]
    status: str
    decision: str = ""
    reflection_score: Optional[float] = None
    learnings: str = ""


@dataclass
class UnitReview:
    slug: str
    name: str
    score: Optional[float]
    rollup: Optional[float]
    expected: float
    statuses: dict[str, int]
    objectives: list[ObjectiveLine] = field(default_factory=list)
    red: list[RedKr] = field(default_factory=list)
    confidence: list[ConfidenceMove] = field(default_factory=list)


@dataclass
class Review:
    cycle: str
    cycle_label: str
    as_of: date
    closed: bool  # the cycle has ended
    units: list[UnitReview] = field(default_factory=list)


def build(org: Organisation, checkins: list[CheckIn], cycle_id: str, as_of: date, unit: Optional[str] = None,
          include_private: bool = False) -> Review:
    cycle = org.config.cycles.get(cycle_id)
    if cycle is None:
        raise UsageError(references.unknown_cycle(org, cycle_id))
    if unit is not None and unit not in org.units:
        raise UsageError(references.unknown_unit(org, unit))
    review = Review(cycle_id, cycle.label, as_of, as_of > cycle.end)
    if not include_private:  # notes written while private, or about a private change, stay out of a shared review
        checkins = shareable(checkins, {r for r in org.key_results if not org.is_private_key_result(r)})
    by_ref: dict[str, list[CheckIn]] = {}
    for c in checkins:
        if c.day <= as_of:
            by_ref.setdefault(c.ref, []).append(c)
    # the rows okrops status prints: the same scores, expected progress and statuses
    report = status.build(org, as_of, unit, cycle_id, detail=True, include_private=include_private)
    for row in report.units:
        if not row.objective_rows:
            continue
        entry = UnitReview(row.unit, row.name, row.score, row.rollup, row.expected, dict(row.statuses))
        for orow in row.objective_rows:
            objective = org.objectives[orow.ref]
            if not include_private and org.is_private_objective(objective):
                continue
            line = ObjectiveLine(orow.ref, orow.title, orow.score, orow.status)
            if objective.reflection:
                line.decision = objective.reflection.decision
                line.reflection_score = objective.reflection.score
                line.learnings = objective.reflection.learnings or ""
            entry.objectives.append(line)
            for kr in orow.key_results:
                if not include_private and org.is_private_key_result(kr.ref):
                    continue
                mine = by_ref.get(kr.ref, [])
                if kr.status in RED:
                    notes = [(c.day, c.author, c.note) for c in reversed(mine) if c.note][:NOTES]
                    entry.red.append(RedKr(kr.ref, kr.title, kr.status, kr.progress, kr.expected, kr.confidence, notes))
                first = next((c.confidence for c in mine if c.confidence is not None and c.day >= cycle.start), None)
                if first is not None and kr.confidence is not None and abs(kr.confidence - first) >= CONFIDENCE_MOVE:
                    entry.confidence.append(ConfidenceMove(kr.ref, kr.title, first, kr.confidence))
        entry.red.sort(key=lambda r: (r.status != "off-track", r.ref))
        review.units.append(entry)
    return review


def _pct(value: Optional[float]) -> str:
    return "–" if value is None else f"{round(value * 100)}%"


def message(review: Review) -> Message:
    sections = []
    for u in review.units:
        counts = ", ".join(f"{n} {s}" for s, n in u.statuses.items())
        lead = f"Score {_pct(u.score)} against {_pct(u.expected)} expected" + (
            f"; with the units below it {_pct(u.rollup)}" if u.rollup != u.score else "") + f". Key results: {counts}."
        section = Section(f"{u.name} ({u.slug})", lead)
        section.sub.append(Section("Objectives", items=[
            Item(o.title, None, o.ref, f"score {_pct(o.score)}, {o.status}"
                 + (f"; decision: {o.decision}" + (f", learnings: {o.learnings}" if o.learnings else "") if o.decision else ""))
            for o in u.objectives]))
        if u.red:
            section.sub.append(Section("Red key results: what the notes say", "Red is a learning signal, not blame.", items=[
                Item(r.title, None, r.ref, f"{r.status}, progress {_pct(r.progress)} against {_pct(r.expected)}"
                     + (f", confidence {gitlog.format_number(r.confidence)}" if r.confidence is not None else "")
                     + ("; " + " / ".join(f"{d} {a}: {' '.join(n.split())}" for d, a, n in r.notes) if r.notes
                        else "; no notes yet"))
                for r in u.red]))
        if u.confidence:
            section.sub.append(Section("Confidence movement", items=[
                Item(m.title, None, m.ref, f"{gitlog.format_number(m.first)} → {gitlog.format_number(m.now)}")
                for m in u.confidence]))
        sections.append(section)
    state = "closed" if review.closed else f"as of {review.as_of}"
    return Message(f"Review of {review.cycle_label} ({state})", "", sections,
                   empty="No OKRs in this cycle for these units.")
