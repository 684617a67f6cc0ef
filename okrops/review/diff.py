"""Semantic diff of the OKRs between two git refs.

:func:`diff_refs` loads the organisation at a base ref and at a head ref (or
the working tree) and :func:`compare` returns plain data: a :class:`Diff` with
one :class:`Change` per thing that changed, in OKR terms (an objective added,
a key result's target moved, a check-in value updated), and :class:`Flag`\\ s
for what reviewers should look at: goalposts moved mid-cycle, a key result
turned into a task, an objective unlinked from strategy, a private OKR made
public, an OKR dropped mid-cycle. Renderers turn it into Markdown (a pull
request comment), JSON or text.

Every change knows whether it is about something private (a private objective, an
objective of a private unit or of one whose unit.yaml cannot be read, an initiative
that moves only private key results), on either side of the diff. A pull-request
comment may be read more widely than the files, so the Markdown marks those changes
with a lock and, unless asked to show them, lists only that they changed: no titles,
texts or values.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from dataclasses import field as dc_field
from datetime import date
from pathlib import Path
from typing import Any, Optional

from okrops import dependencies
from okrops.model import UNKNOWN, KeyResult, Objective, Organisation, is_public

MARKER = "<!-- okrops-diff -->"
FORMATS = ("markdown", "json", "text")

# flag id -> (level, short label)
FLAG_LABELS = {
    "new-dependency": "new dependency",
    "target-lowered": "target lowered",
    "baseline-moved": "baseline moved",
    "range-widened": "range widened",
    "kr-became-task": "key result turned into a task",
    "kr-no-longer-measurable": "key result no longer measurable",
    "unlinked-from-strategy": "unlinked from strategy",
    "no-longer-aligned": "no longer aligned",
    "made-public": "private made public",
    "made-aspirational": "committed made aspirational",
    "removed-mid-cycle": "dropped mid-cycle",
    "cycle-dates-changed": "cycle dates changed",
    "kpi-health": "KPI needs attention",
}


@dataclass
class Flag:
    id: str
    level: str  # "warning" or "notice"
    message: str

    @property
    def label(self) -> str:
        return FLAG_LABELS.get(self.id, self.id)


@dataclass
class Change:
    """One semantic change. ``action`` is added, removed or changed; ``field`` is set for changed."""

    action: str
    kind: str  # objective, key_result, unit, cycle, strategy, initiative, config
    ref: str
    title: str = ""
    field: str = ""
    old: Any = None
    new: Any = None
    file: str = ""
    unit: str = ""
    cycle: str = ""
    flags: list[Flag] = dc_field(default_factory=list)
    private: bool = False  # about something private at the base or at the head

    @property
    def checkin(self) -> bool:
        return self.kind == "key_result" and self.field in ("current", "confidence")


@dataclass
class Diff:
    base: str
    head: str
    changes: list[Change] = dc_field(default_factory=list)
    notes: list[str] = dc_field(default_factory=list)

    @property
    def flags(self) -> list[tuple[Change, Flag]]:
        return [(c, f) for c in self.changes for f in c.flags]

    @property
    def empty(self) -> bool:
        return not self.changes and not self.notes

    def counts(self) -> dict[str, int]:
        result = {"objectives added": 0, "objectives removed": 0, "objectives changed": 0,
                  "key results added": 0, "key results removed": 0, "key results changed": 0, "check-ins": 0}
        changed_objectives, changed_krs, checkins = set(), set(), set()
        for c in self.changes:
            if c.kind == "objective" and c.action in ("added", "removed"):
                result[f"objectives {c.action}"] += 1
            elif c.kind == "key_result" and c.action in ("added", "removed"):
                result[f"key results {c.action}"] += 1
            elif c.checkin:
                checkins.add(c.ref)
            elif c.kind == "objective":
                changed_objectives.add(c.ref)
            elif c.kind == "key_result":
                changed_krs.add(c.ref)
        result["objectives changed"] = len(changed_objectives)
        result["key results changed"] = len(changed_krs)
        result["check-ins"] = len(checkins)
        return result

    def as_dict(self) -> dict:
        return {
            "base": self.base,
            "head": self.head,
            "counts": self.counts(),
            "flags": [{"ref": c.ref, "id": f.id, "level": f.level, "message": f.message, "file": c.file}
                      for c, f in self.flags],
            "changes": [
                {**{k: v for k, v in asdict(c).items() if k != "flags"}, "flags": [f.id for f in c.flags]}
                for c in self.changes
            ],
            "notes": list(self.notes),
        }


# --- loading at refs -----------------------------------------------------------


def diff_refs(path: Optional[str] = None, base: Optional[str] = None, head: Optional[str] = None,
              today: Optional[date] = None, as_of: Optional[str] = None) -> Diff:
    """Diff the OKRs at ``base`` against ``head`` (None: the working tree).

    Without ``base``: the merge base of HEAD with the default branch; with ``as_of`` (a date
    or a ref, see :mod:`okrops.record.snapshot`) instead, the OKRs as they stood then.
    """
    from okrops import clock
    from okrops.errors import UsageError
    from okrops.record import gitrefs, snapshot

    _root, okrs_dir, top, subdir = snapshot.repository_paths(path)
    if as_of is not None:
        if base is not None:
            raise UsageError("give either a BASE ref or --as-of, not both (--as-of is the base)")
        then = snapshot.resolve(top, as_of)
        base_commit, base_name = then.commit, then.label
    elif base is None:
        base_label = gitrefs.default_branch(top)
        base_commit = gitrefs.merge_base(top, base_label, "HEAD")
        base_name = f"merge base with {base_label} ({base_commit[:8]})"
    else:
        base_commit = gitrefs.verify(top, base)
        base_name = _label(base, base_commit)
    with snapshot.scratch("okrops-diff-") as tmp:
        old, old_notes = _load_at(top, base_commit, subdir, Path(tmp) / "base")
        if head is None:
            new, new_notes = _load_dir(okrs_dir, "the working tree")
            head_name = "working tree"
        else:
            head_commit = gitrefs.verify(top, head)
            new, new_notes = _load_at(top, head_commit, subdir, Path(tmp) / "head")
            head_name = _label(head, head_commit)
    result = compare(old, new, today or clock.today(), base_name, head_name)
    result.notes[:0] = old_notes + new_notes
    return result


def _label(ref: str, commit: str) -> str:
    return commit[:8] if commit.startswith(ref.lower()) else f"{ref} ({commit[:8]})"


def _load_at(top: Path, commit: str, subdir: str, dest: Path) -> tuple[Optional[Organisation], list[str]]:
    from okrops.record.snapshot import load_at

    result = load_at(top, commit, subdir, dest)
    return (None, []) if result is None else _loaded(result, f"commit {commit[:8]}")


def _load_dir(okrs_dir: Path, label: str) -> tuple[Optional[Organisation], list[str]]:
    from okrops.errors import RepositoryNotFound
    from okrops.repository import CONFIG_FILE, load

    if not (okrs_dir / CONFIG_FILE).is_file():
        return None, []
    try:
        return _loaded(load(okrs_dir), label)
    except RepositoryNotFound:
        return None, []


def _loaded(result, label: str) -> tuple[Optional[Organisation], list[str]]:
    from okrops.repository import CONFIG_FILE

    notes = []
    if result.organisation is None:
        notes.append(f"okrs/{CONFIG_FILE} does not load in {label}; run okrops validate there to see why")
    else:
        for broken in sorted(result.organisation.broken_files):
            notes.append(f"{broken} does not load in {label} (run okrops validate); its changes are not shown")
    return result.organisation, notes


# --- comparing -------------------------------------------------------------------


def format_value(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value) or "none"
    return str(value)


def _broken_scope(org: Optional[Organisation]) -> set[str]:
    return set(org.broken_files) if org is not None else set()


def compare(old: Optional[Organisation], new: Optional[Organisation], today: date,
            base: str = "base", head: str = "head") -> Diff:
    """Every semantic change from ``old`` to ``new`` (None: no OKR repository on that side)."""
    result = Diff(base, head)
    if old is None and new is None:
        return result
    broken = _broken_scope(old) | _broken_scope(new)
    old_objectives = {r: o for r, o in (old.objectives.items() if old else []) if o.source.file not in broken}
    new_objectives = {r: o for r, o in (new.objectives.items() if new else []) if o.source.file not in broken}
    cycles = dict(old.config.cycles) if old else {}
    if new:
        cycles.update(new.config.cycles)

    def started(cycle_id: str) -> bool:
        cycle = cycles.get(cycle_id)
        return cycle is not None and cycle.start <= today

    def running(cycle_id: str) -> bool:
        cycle = cycles.get(cycle_id)
        return cycle is not None and cycle.start <= today <= cycle.end

    changes = result.changes
    _compare_config(old, new, today, changes)
    _compare_units(old, new, broken, changes)
    _compare_strategies(old, new, changes)
    for ref in _ordered(old_objectives, new_objectives):
        before, after = old_objectives.get(ref), new_objectives.get(ref)
        if before is None and after is not None:
            changes.append(Change("added", "objective", ref, after.title, file=after.source.file,
                                  unit=after.unit, cycle=after.cycle))
            for kr in after.key_results:
                changes.append(Change("added", "key_result", kr.ref, kr.title, file=after.source.file,
                                      unit=after.unit, cycle=after.cycle, new=_kr_summary(kr)))
        elif after is None and before is not None:
            change = Change("removed", "objective", ref, before.title, file=before.source.file,
                            unit=before.unit, cycle=before.cycle)
            if running(before.cycle):
                change.flags.append(Flag("removed-mid-cycle", "warning",
                                         f"objective {ref} was removed while {before.cycle} is running: close it with "
                                         "a reflection (okrops cycle close) instead of deleting it"))
            changes.append(change)
        elif before is not None and after is not None:
            _compare_objective(before, after, started(after.cycle), running(after.cycle), changes)
    _compare_initiatives(old, new, broken, changes)
    _compare_dependencies(old, new, broken, changes)
    for change in changes:
        change.private = change.private or any(_private_in(org, change) for org in (old, new) if org is not None)
    return result


def _private_in(org: Organisation, change: Change) -> bool:
    """True when ``change`` is about something private in ``org`` (False when ``org`` does not hold it)."""
    if change.kind == "objective":
        objective = org.objectives.get(change.ref)
        return objective is not None and org.is_private_objective(objective)
    if change.kind == "key_result":
        return change.ref in org.key_results and org.is_private_key_result(change.ref)
    if change.kind == "initiative":
        cycle_file = org.cycle_files.get((change.unit, change.cycle))
        found = [i for i in (cycle_file.initiatives if cycle_file else []) if i.ref == change.ref]
        return bool(found) and org.is_private_initiative(found[0])
    if change.kind in ("unit", "kpi"):
        return change.unit in org.units and org.is_private_unit(change.unit)
    return False


def _ordered(old: dict, new: dict) -> list[str]:
    refs = list(old)
    refs += [r for r in new if r not in old]
    return sorted(refs, key=lambda r: tuple(r.split("/")))


def _compare_config(old, new, today, changes) -> None:
    if old is None or new is None:
        if new is not None and old is None:
            changes.append(Change("added", "config", "okrops.yaml", new.config.organisation, file=new.config.source.file))
        return
    file = new.config.source.file
    if old.config.organisation != new.config.organisation:
        changes.append(Change("changed", "config", "okrops.yaml", field="organisation",
                              old=old.config.organisation, new=new.config.organisation, file=file))
    for cid in sorted(set(old.config.cycles) | set(new.config.cycles)):
        a, b = old.config.cycles.get(cid), new.config.cycles.get(cid)
        if a is None:
            changes.append(Change("added", "cycle", cid, b.label, new=f"{b.start} to {b.end}", file=file))
        elif b is None:
            changes.append(Change("removed", "cycle", cid, a.label, old=f"{a.start} to {a.end}", file=file))
        elif (a.start, a.end) != (b.start, b.end):
            change = Change("changed", "cycle", cid, b.label, field="dates", old=f"{a.start} to {a.end}",
                            new=f"{b.start} to {b.end}", file=file)
            if a.start <= today:
                change.flags.append(Flag("cycle-dates-changed", "warning",
                                         f"cycle {cid} changed its dates after it started: expected progress "
                                         "and staleness of every OKR in it change too"))
            changes.append(change)


def _compare_units(old, new, broken, changes) -> None:
    old_units = old.units if old else {}
    new_units = new.units if new else {}
    for slug in sorted(set(old_units) | set(new_units)):
        a, b = old_units.get(slug), new_units.get(slug)
        if a is None:
            changes.append(Change("added", "unit", slug, b.name, file=b.source.file, unit=slug,
                                  new=", ".join(b.maintainers) or None))
            continue
        if b is None:
            changes.append(Change("removed", "unit", slug, a.name, file=a.source.file, unit=slug))
            continue
        if a.source.file in broken or b.source.file in broken:
            if a.visibility == UNKNOWN and is_public(b.visibility) and not new.is_private_unit(slug):
                changes.append(Change("changed", "unit", slug, b.name, field="visibility", old=a.visibility,
                                      new=b.visibility, file=b.source.file, unit=slug, flags=[Flag(
                                          "made-public", "warning", f"unit {slug} could not be read before, so it "
                                          "counted as private; now it is public: its OKRs, and those of the units "
                                          "below it, will appear on the site")]))
            continue
        for name, x, y in (("name", a.name, b.name), ("kind", a.kind, b.kind), ("folder", a.folder, b.folder),
                           ("maintainers", a.maintainers, b.maintainers), ("visibility", a.visibility, b.visibility)):
            if x != y:
                change = Change("changed", "unit", slug, b.name, field=name, old=x, new=y, file=b.source.file, unit=slug)
                if name == "visibility" and x == "private" and y == "public":
                    change.flags.append(Flag("made-public", "warning",
                                             f"unit {slug} was private and is now public: its OKRs, and those of "
                                             "the units below it, will appear on the site"))
                changes.append(change)
        _compare_kpis(a, b, changes)


def _compare_dependencies(old, new, broken, changes) -> None:
    """Each dependency new at the head, naming the providing unit's maintainers (who confirm it by approving)."""
    if new is None:
        return
    before = {e.key for e in dependencies.edges(old)} if old is not None else set()
    for edge in dependencies.edges(new):
        if edge.key in before or edge.source.file in broken:
            continue
        objective = new.objectives.get("/".join(edge.dependent.split("/")[:3]))
        provider = new.units.get(edge.provider_unit)
        who = ", ".join(provider.maintainers) if provider is not None and provider.maintainers else "none listed"
        agreed = dependencies.accepted_in_file(new, edge)
        message = (f"new dependency on {edge.provider} ({edge.provider_unit}; maintainers: {who})"
                   + (f": {edge.note}" if edge.note else "")
                   + ("; accepted in its provides:" if agreed else "; an approval from one of them confirms it"))
        change = Change("changed", "key_result" if edge.dependent in new.key_results else "objective", edge.dependent,
                        field="depends_on", new=edge.provider, file=edge.source.file, unit=edge.dependent_unit,
                        cycle=objective.cycle if objective else "")
        change.flags.append(Flag("new-dependency", "notice", message))
        if new.is_private_key_result(edge.provider) and edge.provider not in new.objectives or \
                edge.provider in new.objectives and new.is_private_objective(new.objectives[edge.provider]):
            change.private = True
        changes.append(change)


def _band_text(band) -> Optional[str]:
    if band is None:
        return None
    low = "" if band.min is None else f"{band.min:g}"
    high = "" if band.max is None else f"{band.max:g}"
    return f"{low}..{high}"


def _compare_kpis(a, b, changes) -> None:
    """KPIs (run metrics) of one unit: added, removed, value and thresholds changed."""
    old_kpis = {k.id: k for k in a.kpis}
    new_kpis = {k.id: k for k in b.kpis}
    for kid in _ordered(old_kpis, new_kpis):
        x, y = old_kpis.get(kid), new_kpis.get(kid)
        ref = f"{b.slug}/{kid}"
        if x is None:
            changes.append(Change("added", "kpi", ref, y.title, file=y.source.file, unit=b.slug))
            continue
        if y is None:
            changes.append(Change("removed", "kpi", ref, x.title, file=x.source.file, unit=b.slug))
            continue
        for name, before, after in (("title", x.title, y.title), ("measure_unit", x.measure_unit, y.measure_unit),
                                    ("current", x.current, y.current),
                                    ("healthy", _band_text(x.healthy), _band_text(y.healthy)),
                                    ("warning", _band_text(x.warning), _band_text(y.warning)),
                                    ("data_source", x.data_source, y.data_source)):
            if before != after:
                change = Change("changed", "kpi", ref, y.title, field=name, old=before, new=after,
                                file=y.source.file, unit=b.slug)
                if name == "current" and x.health != y.health and y.health in ("amber", "red"):
                    change.flags.append(Flag("kpi-health", "notice",
                                             f"KPI {ref} went from {x.health} to {y.health}: a health metric "
                                             "needs attention (it is not an OKR, but it may need one)"))
                changes.append(change)


def _compare_strategies(old, new, changes) -> None:
    a = old.strategy.strategies if old else {}
    b = new.strategy.strategies if new else {}
    for sid in sorted(set(a) | set(b)):
        x, y = a.get(sid), b.get(sid)
        if x is None:
            changes.append(Change("added", "strategy", sid, y.title, file=y.source.file))
        elif y is None:
            changes.append(Change("removed", "strategy", sid, x.title, file=x.source.file))
        elif x.title != y.title:
            changes.append(Change("changed", "strategy", sid, y.title, field="title", old=x.title, new=y.title,
                                  file=y.source.file))


def _compare_initiatives(old, new, broken, changes) -> None:
    def collect(org):
        result = {}
        for cf in (org.cycle_files.values() if org else []):
            if cf.source.file in broken:
                continue
            for initiative in cf.initiatives:
                result[initiative.ref] = (cf, initiative)
        return result

    a, b = collect(old), collect(new)
    for ref in _ordered(a, b):
        x, y = a.get(ref), b.get(ref)
        if x is None:
            cf, i = y
            changes.append(Change("added", "initiative", ref, i.title, file=cf.source.file, unit=cf.unit, cycle=cf.cycle))
        elif y is None:
            cf, i = x
            changes.append(Change("removed", "initiative", ref, i.title, file=cf.source.file, unit=cf.unit, cycle=cf.cycle))
        else:
            cf, i = y
            j = x[1]
            for name in ("title", "key_results"):
                if getattr(j, name) != getattr(i, name):
                    changes.append(Change("changed", "initiative", ref, i.title, field=name, old=getattr(j, name),
                                          new=getattr(i, name), file=cf.source.file, unit=cf.unit, cycle=cf.cycle))
            done_before = sum(1 for m in j.milestones if m.done)
            done_after = sum(1 for m in i.milestones if m.done)
            if (len(j.milestones), done_before) != (len(i.milestones), done_after):
                changes.append(Change("changed", "initiative", ref, i.title, field="milestones",
                                      old=f"{done_before}/{len(j.milestones)} done",
                                      new=f"{done_after}/{len(i.milestones)} done",
                                      file=cf.source.file, unit=cf.unit, cycle=cf.cycle))


_OBJECTIVE_FIELDS = ("title", "why", "type", "owner", "visibility", "strategies", "parent")


def _compare_objective(a: Objective, b: Objective, started: bool, running: bool, changes: list[Change]) -> None:
    def add(field_name, old_value, new_value, flags=()):
        changes.append(Change("changed", "objective", b.ref, b.title, field=field_name, old=old_value, new=new_value,
                              file=b.source.file, unit=b.unit, cycle=b.cycle, flags=list(flags)))

    for name in _OBJECTIVE_FIELDS:
        x, y = getattr(a, name), getattr(b, name)
        if x == y:
            continue
        flags = []
        if name == "visibility" and x == "private" and y == "public":
            flags.append(Flag("made-public", "warning", f"objective {b.ref} was private and is now public: "
                              "it will appear on the site"))
        if name == "type" and x == "committed" and y == "aspirational" and started:
            flags.append(Flag("made-aspirational", "warning", f"objective {b.ref} turned from committed to aspirational "
                              "mid-cycle: about 0.7 now counts as success instead of 1.0"))
        if name == "strategies":
            dropped = [s for s in x if s not in y]
            if dropped and not y and not b.parent:
                pass  # reported once below as no-longer-aligned
            elif dropped:
                flags.append(Flag("unlinked-from-strategy", "notice", f"objective {b.ref} no longer serves "
                                  f"strategy {', '.join(dropped)}"))
        if name in ("strategies", "parent") and (a.strategies or a.parent) and not (b.strategies or b.parent) \
                and (name == "strategies" or not a.strategies):
            flags.append(Flag("no-longer-aligned", "warning", f"objective {b.ref} is now linked to no strategy and "
                              "no parent: nobody can see why it matters"))
        add(name, x, y, flags)
    before = [(link.ref, link.weight) for link in a.parents]
    after = [(link.ref, link.weight) for link in b.parents]
    if before != after and (len(before) > 1 or len(after) > 1):
        add("parents", ", ".join(_parent_text(r, w) for r, w in before) or None,
            ", ".join(_parent_text(r, w) for r, w in after) or None)
    ra, rb = a.reflection, b.reflection
    if (ra and (ra.decision, ra.score, ra.learnings)) != (rb and (rb.decision, rb.score, rb.learnings)):
        add("reflection", _reflection_text(ra), _reflection_text(rb))
    old_krs = {kr.id: kr for kr in a.key_results}
    new_krs = {kr.id: kr for kr in b.key_results}
    for kr_id in list(old_krs) + [k for k in new_krs if k not in old_krs]:
        x, y = old_krs.get(kr_id), new_krs.get(kr_id)
        if x is None:
            changes.append(Change("added", "key_result", y.ref, y.title, file=b.source.file, unit=b.unit,
                                  cycle=b.cycle, new=_kr_summary(y)))
        elif y is None:
            change = Change("removed", "key_result", x.ref, x.title, file=b.source.file, unit=b.unit,
                            cycle=b.cycle, old=_kr_summary(x))
            if running:
                change.flags.append(Flag("removed-mid-cycle", "warning", f"key result {x.ref} was removed while "
                                         f"{b.cycle} is running: record what was learned instead of deleting it"))
            changes.append(change)
        else:
            _compare_kr(x, y, b, started, changes)


def _parent_text(ref: str, weight) -> str:
    return ref if weight is None else f"{ref} ({weight:g})"


def _reflection_text(reflection) -> Optional[str]:
    if reflection is None:
        return None
    score = f" at {reflection.score:g}" if reflection.score is not None else ""
    return f"{reflection.decision}{score}"


_KR_FIELDS = ("title", "metric", "measure_unit", "direction", "baseline", "target", "range", "data_source", "weight",
              "current", "confidence")


def _kr_summary(kr: KeyResult) -> str:
    unit = f" {kr.measure_unit}" if kr.measure_unit else ""
    if kr.direction == "range":
        return f"stay within {format_value(kr.range_min)}..{format_value(kr.range_max)}{unit}"
    if kr.target is None:
        return "no target"
    return f"{format_value(kr.baseline)} → {format_value(kr.target)}{unit}"


def _compare_kr(a: KeyResult, b: KeyResult, objective: Objective, started: bool, changes: list[Change]) -> None:
    from okrops.lint.key_results import TASK_VERBS, _starts_with_task_verb

    for name in _KR_FIELDS:
        if name == "range":
            x, y = (a.range_min, a.range_max), (b.range_min, b.range_max)
            if x == y:
                continue
            x = None if x == (None, None) else f"{format_value(x[0])}..{format_value(x[1])}"
            y = None if y == (None, None) else f"{format_value(y[0])}..{format_value(y[1])}"
        else:
            x, y = getattr(a, name), getattr(b, name)
            if x == y:
                continue
        flags: list[Flag] = []
        when = "mid-cycle: moving the goalposts" if started else "before the cycle started"
        level = "warning" if started else "notice"
        if name == "target" and x is not None and y is not None and b.direction != "range":
            easier = y < x if b.direction == "increase" else y > x
            if easier:
                flags.append(Flag("target-lowered", level, f"target of {b.ref} made easier ({format_value(x)} → {format_value(y)}) {when}"))
        if name == "baseline" and started and x is not None:
            flags.append(Flag("baseline-moved", "warning", f"baseline of {b.ref} moved ({format_value(x)} → {format_value(y)}) "
                              f"{when}; progress is measured from it"))
        if name == "range" and x is not None and y is not None:
            if (b.range_min or 0) < (a.range_min or 0) or (b.range_max or 0) > (a.range_max or 0):
                flags.append(Flag("range-widened", level, f"range of {b.ref} widened ({x} → {y}) {when}"))
        if name == "title":
            verb_before = _starts_with_task_verb(a.title, TASK_VERBS)
            verb_after = _starts_with_task_verb(b.title, TASK_VERBS)
            if verb_after and not verb_before:
                flags.append(Flag("kr-became-task", "warning", f"key result {b.ref} now reads as a task "
                                  f"('{verb_after} ...'): key results measure outcomes, work belongs in initiatives"))
        if name == "target" and x is not None and y is None and b.direction != "range":
            flags.append(Flag("kr-no-longer-measurable", "warning", f"key result {b.ref} lost its target: nothing "
                              "says any more when it is achieved"))
        changes.append(Change("changed", "key_result", b.ref, b.title, field=name, old=x, new=y, file=objective.source.file,
                              unit=objective.unit, cycle=objective.cycle, flags=flags))
