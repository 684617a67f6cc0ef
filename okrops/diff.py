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

import tempfile
from dataclasses import asdict, dataclass
from dataclasses import field as dc_field
from datetime import date
from pathlib import Path
from typing import Any, Optional

from okrops.model import UNKNOWN, KeyResult, Objective, Organisation, is_public
from okrops.safetext import json_dumps, markdown, markdown_code, terminal_line

MARKER = "<!-- okrops-diff -->"
FORMATS = ("markdown", "json", "text")

# flag id -> (level, short label)
FLAG_LABELS = {
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
              today: Optional[date] = None) -> Diff:
    """Diff the OKRs at ``base`` against ``head`` (None: the working tree).

    Without ``base``: the merge base of HEAD with the default branch.
    """
    from okrops import clock, gitrefs
    from okrops.repository import find_okrs_dir

    root, okrs_dir = find_okrs_dir(path)
    top = gitrefs.toplevel(okrs_dir)
    if top is None:
        raise gitrefs.GitError(f"{okrs_dir} is not in a git repository; okrops diff compares git refs")
    subdir = okrs_dir.resolve().relative_to(top).as_posix()
    if base is None:
        base_label = gitrefs.default_branch(top)
        base_commit = gitrefs.merge_base(top, base_label, "HEAD")
        base_name = f"merge base with {base_label} ({base_commit[:8]})"
    else:
        base_commit = gitrefs.verify(top, base)
        base_name = _label(base, base_commit)
    with tempfile.TemporaryDirectory(prefix="okrops-diff-") as tmp:
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
    from okrops import gitrefs

    dest.mkdir(parents=True)
    if not gitrefs.extract(top, commit, subdir, dest):
        return None, []
    return _load_dir(dest / subdir, f"commit {commit[:8]}")


def _load_dir(okrs_dir: Path, label: str) -> tuple[Optional[Organisation], list[str]]:
    from okrops.errors import RepositoryNotFound
    from okrops.repository import CONFIG_FILE, load

    if not (okrs_dir / CONFIG_FILE).is_file():
        return None, []
    try:
        result = load(okrs_dir)
    except RepositoryNotFound:
        return None, []
    notes = []
    if result.organisation is None:
        notes.append(f"okrs/{CONFIG_FILE} does not load in {label}; run okrops validate there to see why")
    else:
        for broken in sorted(result.organisation.broken_files):
            notes.append(f"{broken} does not load in {label} (run okrops validate); its changes are not shown")
    return result.organisation, notes


# --- comparing -------------------------------------------------------------------


def _fmt(value: Any) -> str:
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
    for change in changes:
        change.private = any(_private_in(org, change) for org in (old, new) if org is not None)
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
        return f"stay within {_fmt(kr.range_min)}..{_fmt(kr.range_max)}{unit}"
    if kr.target is None:
        return "no target"
    return f"{_fmt(kr.baseline)} → {_fmt(kr.target)}{unit}"


def _compare_kr(a: KeyResult, b: KeyResult, objective: Objective, started: bool, changes: list[Change]) -> None:
    from okrops.lint.key_results import TASK_VERBS, _starts_with_task_verb

    for name in _KR_FIELDS:
        if name == "range":
            x, y = (a.range_min, a.range_max), (b.range_min, b.range_max)
            if x == y:
                continue
            x = None if x == (None, None) else f"{_fmt(x[0])}..{_fmt(x[1])}"
            y = None if y == (None, None) else f"{_fmt(y[0])}..{_fmt(y[1])}"
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
                flags.append(Flag("target-lowered", level, f"target of {b.ref} made easier ({_fmt(x)} → {_fmt(y)}) {when}"))
        if name == "baseline" and started and x is not None:
            flags.append(Flag("baseline-moved", "warning", f"baseline of {b.ref} moved ({_fmt(x)} → {_fmt(y)}) "
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


# --- rendering --------------------------------------------------------------------

_KIND_LABEL = {"objective": "Objective", "key_result": "Key result", "unit": "Unit", "cycle": "Cycle",
               "strategy": "Strategy", "initiative": "Initiative", "config": "Configuration", "kpi": "KPI"}
_FIELD_LABEL = {"measure_unit": "unit of measure", "data_source": "data source", "strategies": "strategies",
                "parent": "parent", "healthy": "healthy band", "warning": "warning band"}


def render(result: Diff, output_format: str, show_private: bool = False) -> str:
    """``output_format`` is markdown, json or text; only markdown withholds private text (see render_markdown)."""
    if output_format == "json":
        return json_dumps(result.as_dict(), indent=2, default=str)
    if output_format == "markdown":
        return render_markdown(result, show_private)
    return render_text(result)


def _summary_words(result: Diff) -> str:
    counts = result.counts()
    singular = {"objectives": "objective", "key results": "key result", "check-ins": "check-in"}
    parts = []
    for label, n in counts.items():
        if n:
            noun = next((k for k in singular if label.startswith(k)), "")
            parts.append(f"{n} {label if n != 1 or not noun else singular[noun] + label[len(noun):]}")
    other = sum(1 for c in result.changes if c.kind not in ("objective", "key_result"))
    if other:
        parts.append(f"{other} other change{'s' if other != 1 else ''}")
    return ", ".join(parts) if parts else "no OKR changes"


def _describe(c: Change) -> str:
    label = _FIELD_LABEL.get(c.field, c.field)
    if c.field == "title":
        return f"reworded: “{_fmt(c.old)}” → “{_fmt(c.new)}”"
    return f"{label}: {_fmt(c.old)} → {_fmt(c.new)}"


def render_text(result: Diff) -> str:
    """One line per change for a terminal; user text is folded onto its line, controls shown visibly."""
    lines = [f"OKR changes from {result.base} to {result.head}: {_summary_words(result)}"]
    for note in result.notes:
        lines.append(f"note: {note}")
    symbol = {"added": "+", "removed": "-", "changed": "~"}
    for c in result.changes:
        kind = _KIND_LABEL.get(c.kind, c.kind).lower()
        if c.action == "changed":
            text = f"{symbol[c.action]} {kind} {c.ref} {_describe(c)}"
        else:
            detail = f" ({_fmt(c.new if c.action == 'added' else c.old)})" if (c.new or c.old) and c.kind == "key_result" else ""
            text = f"{symbol[c.action]} {kind} {c.ref}: {c.title}{detail}"
        lines.append(text + (" (private)" if c.private else ""))
        for f in c.flags:
            lines.append(f"    {'!' if f.level == 'warning' else 'i'} {f.label}: {f.message}")
    return "\n".join(terminal_line(line) for line in lines)


def _md(text: Any) -> str:
    return markdown(_fmt(text))


LOCK = "🔒"


def render_markdown(result: Diff, show_private: bool = False) -> str:
    """A pull-request comment: a one-line summary, what needs attention, then the changes by unit and cycle.

    Changes about private OKRs carry a lock and "(private)". Unless ``show_private``, they
    are listed without their titles, texts and values (the comment may be read by more
    people than the files): the reference, what kind of change, and which fields.
    """
    withhold = not show_private
    lines = [MARKER, "## OKR changes", ""]
    lines.append(f"**{_md(_summary_words(result))}** · comparing {_md(result.head)} with {_md(result.base)}")
    lines.append("")
    for note in result.notes:
        lines.append(f"> [!NOTE]\n> {_md(note)}\n")
    private = sum(1 for c in result.changes if c.private)
    if private:
        lines.append(_private_note(private, withhold))
    flagged = result.flags
    if flagged:
        lines += ["### ⚠️ For reviewers", ""]
        for c, f in flagged:
            icon = "⚠️" if f.level == "warning" else "ℹ️"
            message = "details withheld" if c.private and withhold else _md(f.message)
            lines.append(f"- {icon} **{_md(f.label)}** · {markdown_code(c.ref)}{_lock(c)}: {message}")
        lines.append("")
    if not result.changes:
        lines.append("No objectives, key results or settings changed.")
        return "\n".join(lines) + "\n"
    general = [c for c in result.changes if c.kind not in ("objective", "key_result", "initiative")]
    if general:
        lines += ["### Organisation", ""]
        lines += _private_lines([c for c in general if c.private]) if withhold else []
        for c in general:
            if not (c.private and withhold):
                lines.append(_md_line(c))
        lines.append("")
    groups: dict[tuple[str, str], list[Change]] = {}
    for c in result.changes:
        if c.kind in ("objective", "key_result", "initiative"):
            groups.setdefault((c.unit, c.cycle), []).append(c)
    for (unit, cycle), items in groups.items():
        lines += [f"### {_md(unit)} · {_md(cycle)}{' ' + LOCK if all(i.private for i in items) else ''}", ""]
        hidden = [i for i in items if i.private and withhold]
        shown = [i for i in items if not (i.private and withhold)]
        lines += _private_lines(hidden)
        lines += _md_lines([i for i in shown if not i.checkin])
        lines += _checkin_table([i for i in shown if i.checkin])
        lines.append("")
    lines.append("<sub>Generated by `okrops diff`. Scores and status are derived; only the YAML is reviewed.</sub>")
    return "\n".join(lines) + "\n"


def _private_note(count: int, withhold: bool) -> str:
    what = f"{count} change{'s' if count != 1 else ''} concern{'s' if count == 1 else ''} private OKRs"
    if withhold:
        return (f"> {LOCK} {what}: they are marked {LOCK} and listed without their titles, texts or values, because "
                "this comment may be read by people who cannot read the files. `okrops diff --show-private` shows "
                "them.\n")
    return (f"> {LOCK} {what}, shown in full (`--show-private`) and marked {LOCK}: post this comment only where "
            "everyone may read them.\n")


def _lock(c: Change) -> str:
    return f" {LOCK} (private)" if c.private else ""


def _private_lines(items: list[Change]) -> list[str]:
    """One line per private entity: what kind of change and which fields, no titles, texts or values."""
    order: list[tuple[str, str]] = []
    what: dict[tuple[str, str], list[str]] = {}
    warned: set[tuple[str, str]] = set()
    for c in items:
        key = (c.kind, c.ref)
        if key not in what:
            order.append(key)
            what[key] = []
        word = c.action if c.action != "changed" else _FIELD_LABEL.get(c.field, c.field)
        if word not in what[key]:
            what[key].append(word)
        if any(f.level == "warning" for f in c.flags):
            warned.add(key)
    lines = []
    for kind, ref in order:
        short = ref.split("/", 2)[-1] if kind in ("objective", "key_result", "initiative") else ref
        indent = "  " if kind == "key_result" else ""
        words = what[(kind, ref)]
        summary = words[0] if words[0] in ("added", "removed") else "changed: " + ", ".join(_md(w) for w in words)
        warn = " ⚠️" if (kind, ref) in warned else ""
        lines.append(f"{indent}- {LOCK} {_KIND_LABEL.get(kind, kind)} **{_md(short)}** (private) {summary}{warn}")
    return lines


def _checkin_table(checkins: list[Change]) -> list[str]:
    if not checkins:
        return []
    count = len({c.ref for c in checkins})
    lines = ["", f"<details><summary>Check-ins: {count} key result{'s' if count != 1 else ''} updated</summary>", "",
             "| Key result | | Before | After |", "|---|---|---:|---:|"]
    for c in checkins:
        lines.append(f"| {markdown_code(c.ref.split('/', 2)[-1])} {_md(c.title)}{_lock(c)} | {_md(c.field)} | {_md(c.old)} | "
                     f"{_md(c.new)} |")
    return lines + ["", "</details>"]


def _md_lines(items: list[Change]) -> list[str]:
    """One line per added, removed or reworded entity; other changes of one entity share a line."""
    lines: list[str] = []
    grouped: dict[tuple[str, str], list[Change]] = {}
    order: list[object] = []
    for c in items:
        if c.action == "changed" and c.field != "title":
            key = (c.kind, c.ref)
            if key not in grouped:
                grouped[key] = []
                order.append(key)
            grouped[key].append(c)
        else:
            order.append(c)
    for entry in order:
        if isinstance(entry, Change):
            lines.append(_md_line(entry))
            continue
        changes = grouped[entry]
        first = changes[0]
        short = first.ref.split("/", 2)[-1]
        kind = _KIND_LABEL.get(first.kind, first.kind)
        indent = "  " if first.kind == "key_result" else ""
        warn = " ⚠️" if any(f.level == "warning" for c in changes for f in c.flags) else ""
        parts = [f"{_md(_FIELD_LABEL.get(c.field, c.field))} {_md(c.old)} → **{_md(c.new)}**" for c in changes]
        lines.append(f"{indent}- 🔁 {kind} **{_md(short)}**{_lock(first)} {'; '.join(parts)}{warn} · _{_md(first.title)}_")
    return lines


def _md_line(c: Change) -> str:
    short = c.ref.split("/", 2)[-1] if c.kind in ("objective", "key_result", "initiative") else c.ref
    kind = _KIND_LABEL.get(c.kind, c.kind)
    indent = "  " if c.kind == "key_result" else ""
    warn = (" ⚠️" if any(f.level == "warning" for f in c.flags) else "") + _lock(c)
    if c.action == "added":
        extra = f" ({_md(c.new)})" if c.kind == "key_result" and c.new else ""
        return f"{indent}- ➕ {kind} **{_md(short)}** added: {_md(c.title)}{extra}{warn}"
    if c.action == "removed":
        return f"{indent}- ➖ {kind} **{_md(short)}** removed: ~~{_md(c.title)}~~{warn}"
    if c.field == "title":
        return f"{indent}- ✏️ {kind} **{_md(short)}** reworded: ~~{_md(c.old)}~~ → {_md(c.new)}{warn}"
    label = _FIELD_LABEL.get(c.field, c.field)
    return f"{indent}- 🔁 {kind} **{_md(short)}** {_md(label)}: {_md(c.old)} → **{_md(c.new)}**{warn}"
