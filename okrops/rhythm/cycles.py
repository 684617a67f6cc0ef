"""The cycle rhythm: ``okrops cycle close`` and ``okrops cycle open``.

Closing a cycle adds a ``reflection`` to every objective that has none: the
final score (from its key results), the learnings when given, and a decision
(``done``, ``carry-over``, ``rewrite`` or ``drop``), suggested from the score
unless chosen. The change is meant to be reviewed in a pull request, where the
team writes its learnings and settles the decisions.

Opening the next cycle turns those decisions into the next cycle's files:
carried-over objectives continue with their key results starting from where
they ended (the old ``current`` becomes the new ``baseline``); objectives to
rewrite come back as drafts marked ``x-rewrite-of`` with the learnings next to
them, so a failed OKR is rewritten, never silently abandoned. ``done`` and
``drop`` end there. Opening refuses while objectives have no reflection.

Both write on the round-trip path: existing files keep every other byte.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable, Optional

from okrops.rhythm.authoring import (
    AuthoringError,
    _append,
    _context,
    _write,
    check_schema,
    dump_new,
    kr_entry,
    load_for_edit,
    move_trailing,
    next_id,
    objective_entry,
)
from okrops import references
from okrops.errors import UnknownReference, UsageError
from okrops.model import Cycle, Objective, Organisation
from okrops.numbers import format_number
from okrops.safetext import check_text, yaml_comment, yaml_text

DECISIONS = ("done", "carry-over", "rewrite", "drop")
CARRIED = ("carry-over", "rewrite")


@dataclass
class Reflected:
    ref: str
    score: Optional[float]
    decision: str
    suggested: bool  # True: okrops chose the decision from the score


@dataclass
class CloseResult:
    cycle: str
    ends: Optional[date] = None
    next: Optional[str] = None  # the cycle to open next, when okrops.yaml has one
    reflected: list[Reflected] = field(default_factory=list)
    already: list[str] = field(default_factory=list)  # objectives that had a reflection
    files: list[Path] = field(default_factory=list)


@dataclass
class Carried:
    old_ref: str
    new_ref: str
    decision: str
    key_results: int = 0
    retitle: list[str] = field(default_factory=list)  # key results (or milestones) flagged to rewrite


@dataclass
class OpenResult:
    cycle: str
    source: str
    carried: list[Carried] = field(default_factory=list)
    ended: list[tuple[str, str]] = field(default_factory=list)  # (ref, decision) of done and dropped objectives
    created: list[Path] = field(default_factory=list)
    updated: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    initiatives: list[Carried] = field(default_factory=list)  # initiatives that continue with their key results
    units: dict[str, list[str]] = field(default_factory=dict)  # per unit of the source cycle: what was written


def suggest(score: Optional[float], aspirational: bool, aspirational_target: float = 0.7) -> str:
    """The default decision for a final score: done when achieved, rewrite when far off, else carry over."""
    if score is None:
        return "rewrite"
    if score >= (aspirational_target if aspirational else 1.0):
        return "done"
    if score >= (0.3 if aspirational else 0.4):
        return "carry-over"
    return "rewrite"


def _objectives(org: Organisation, cycle: str, units: Optional[list[str]]) -> list[Objective]:
    result = []
    for (unit, cycle_id), cycle_file in sorted(org.cycle_files.items()):
        if cycle_id == cycle and (not units or unit in units):
            result.extend(cycle_file.objectives)
    return result


def _refuse_broken(org: Organisation, cycle: str) -> None:
    broken = sorted(f for f in org.broken_files if f.endswith(f"/{cycle}.yaml"))
    if broken:
        raise AuthoringError(f"{broken[0]} has errors, so its objectives cannot be reflected on or continued; "
                             "run okrops validate, fix it, then try again")


def _check_ended(cycle: Cycle, today: date, confirm_early: Optional[Callable[[Cycle, int], bool]]) -> None:
    """Refuse to close a cycle that has not ended unless ``confirm_early`` says yes."""
    if today > cycle.end:
        return
    days = (cycle.end - today).days
    if confirm_early is not None and confirm_early(cycle, days):
        return
    left = "today is its last day" if days == 0 else f"{days} day{'s' if days != 1 else ''} from {today}"
    raise UsageError(f"{cycle.id} ends on {cycle.end} ({left}); nothing was closed. Close it early with --early, "
                     "or run this again after it has ended")


def next_cycle(org: Organisation, cycle: str) -> Optional[str]:
    """The cycle that starts first after ``cycle`` ends, of the most similar length (the one to open next)."""
    old = org.config.cycles[cycle]
    after = [c for c in org.config.cycles.values() if c.start > old.end]
    if not after:
        return None
    first = min(c.start for c in after)
    return min((c for c in after if c.start == first), key=lambda c: (abs(c.days - old.days), c.id)).id


def _check_refs(given: dict[str, str], known: set[str], what: str) -> None:
    unknown = [r for r in given if r not in known]
    if unknown:
        raise UnknownReference(f"{what} for {unknown[0]!r}, which is not an objective of this cycle"
                               + references.did_you_mean(unknown[0], known))


def close_cycle(cycle: str, path: Optional[str] = None, decisions: Optional[dict[str, str]] = None,
                learnings: Optional[dict[str, str]] = None, units: Optional[list[str]] = None,
                today: Optional[date] = None, confirm_early: Optional[Callable[[Cycle, int], bool]] = None) -> CloseResult:
    """Add a reflection to every objective of ``cycle`` (optionally only some units') that has none.

    Before the cycle has ended, ``confirm_early(cycle, days_left)`` must say yes (the CLI asks, or --early);
    without it, closing early is refused, naming the day the cycle ends.
    """
    from ruamel.yaml.comments import CommentedMap

    from okrops import clock, scoring
    from okrops.yamlio import dump_roundtrip

    decisions, learnings = dict(decisions or {}), dict(learnings or {})
    root, okrs_dir, org = _context(path)
    if cycle not in org.config.cycles:
        raise UnknownReference(references.unknown_cycle(org, cycle))
    for unit in units or []:
        if unit not in org.units:
            raise UnknownReference(references.unknown_unit(org, unit))
    for ref, decision in decisions.items():
        if decision not in DECISIONS:
            raise UsageError(f"decision {decision!r} for {ref} is not one of: {', '.join(DECISIONS)}")
    for ref, text in learnings.items():
        check_text(text, f"learnings for {ref}")
    _refuse_broken(org, cycle)
    objectives = _objectives(org, cycle, units)
    known = {o.ref for o in objectives}
    _check_refs(decisions, known, "a decision was given")
    _check_refs(learnings, known, "learnings were given")
    when = today or clock.today()
    _check_ended(org.config.cycles[cycle], when, confirm_early)
    result = CloseResult(cycle, org.config.cycles[cycle].end, next_cycle(org, cycle))
    by_file: dict[str, list[Objective]] = {}
    for objective in objectives:
        if objective.reflection is not None:
            result.already.append(objective.ref)
            continue
        by_file.setdefault(objective.source.file, []).append(objective)
    texts: dict[Path, str] = {}
    for rel, todo in by_file.items():
        file = Path(org.root) / rel
        _text, document = load_for_edit(file)
        items = {str(o.get("id")): o for o in document.get("objectives") or [] if hasattr(o, "get")}
        for objective in todo:
            item = items[objective.id]
            score = scoring.score_objective(org, objective, when).score
            decision = decisions.get(objective.ref)
            suggested = decision is None
            if decision is None:
                decision = suggest(score, objective.aspirational, org.config.scoring.aspirational_target)
            reflection = CommentedMap()
            if score is not None:
                reflection["score"] = score
            if learnings.get(objective.ref):
                reflection["learnings"] = yaml_text(learnings[objective.ref])
            reflection["decision"] = decision
            previous = list(item.values())[-1] if len(item) else None
            keys = list(item.keys())
            item["reflection"] = reflection
            if previous is not None and keys:
                move_trailing(_wrap(item, keys[-1]), reflection)
            if not learnings.get(objective.ref):
                shown = "no score (no data)" if score is None else f"scored {score:g}"
                note = (f"{cycle} reflection: {shown}; decision {'suggested by okrops' if suggested else 'chosen'}. "
                        "Add learnings: what did we learn? and check the decision (done, carry-over, rewrite, drop).")
                item.yaml_set_comment_before_after_key("reflection", before=yaml_comment(note), indent=_indent(item))
            result.reflected.append(Reflected(objective.ref, score, decision, suggested))
        check_schema("okrs", document, file)
        texts[file] = dump_roundtrip(document)
    for file, text in texts.items():
        _write(file, text)
        result.files.append(file)
    return result


class _wrap:
    """A one-key view of ``mapping`` so move_trailing looks at the value of ``key`` (the old last key)."""

    def __init__(self, mapping, key):
        self._mapping, self._key = mapping, key
        self.ca = mapping.ca

    def keys(self):
        return [self._key]

    def __len__(self):
        return 1

    def __getitem__(self, key):
        return self._mapping[key]


def _indent(item) -> int:
    """Column of the keys of a list item in okrops' layout (lists of objectives sit at column 2)."""
    try:
        return item.lc.col
    except AttributeError:  # pragma: no cover
        return 4


# --- open ---------------------------------------------------------------------------


def previous_cycle(org: Organisation, cycle: str) -> Optional[str]:
    """The cycle in use that ended last before ``cycle`` starts, of the most similar length."""
    new = org.config.cycles[cycle]
    used = {c for (_u, c) in org.cycle_files}
    before = [org.config.cycles[c] for c in used if c in org.config.cycles and org.config.cycles[c].end < new.start]
    if not before:
        return None
    latest = max(c.end for c in before)
    candidates = [c for c in before if c.end == latest]
    return min(candidates, key=lambda c: (abs(c.days - new.days), c.id)).id


def open_cycle(cycle: str, path: Optional[str] = None, source: Optional[str] = None,
               units: Optional[list[str]] = None) -> OpenResult:
    """Create the OKR files of ``cycle`` from the reflections of the cycle before it."""
    from okrops.yamlio import dump_roundtrip

    root, okrs_dir, org = _context(path)
    source = _source_cycle(org, cycle, source)
    objectives = _objectives(org, source, units)
    _refuse_unreflected(objectives, source, cycle)
    result = OpenResult(cycle, source)
    plans: dict[str, list[Objective]] = {}
    for objective in objectives:
        if objective.reflection.decision in CARRIED:
            plans.setdefault(objective.unit, []).append(objective)
        else:
            result.ended.append((objective.ref, objective.reflection.decision))
    documents, new_ids, skipped = _place(org, okrs_dir, cycle, plans, result)
    for unit, carried in plans.items():
        file, document, created = documents[unit]
        for objective in carried:
            if objective.ref not in skipped:
                _write_objective(org, objective, new_ids, document, result)
        _carry_initiatives(org, unit, source, cycle, document, new_ids, result)
        if not any(c.new_ref.startswith(f"{unit}/") for c in result.carried):
            continue
        check_schema("okrs", document, file)
        text = dump_new(root, file, "okrs", document) if created else dump_roundtrip(document)
        _write(file, text)
        (result.created if created else result.updated).append(file)
    result.units = _per_unit(org, source, units, result)
    return result


def _source_cycle(org: Organisation, cycle: str, source: Optional[str]) -> str:
    """The cycle to continue from (given, or the one before ``cycle``), checked."""
    if cycle not in org.config.cycles:
        raise UnknownReference(references.unknown_cycle(org, cycle) + "; to add it: "
                               f"okrops new cycle {cycle} --start YYYY-MM-DD --end YYYY-MM-DD")
    source = source or previous_cycle(org, cycle)
    if source is None:
        raise UsageError(f"no cycle with OKRs ends before {cycle} starts; name the cycle to continue from with --from")
    if source not in org.config.cycles:
        raise UnknownReference(references.unknown_cycle(org, source))
    if source == cycle:
        raise UsageError("a cycle cannot continue from itself")
    _refuse_broken(org, source)
    return source


def _refuse_unreflected(objectives: list[Objective], source: str, cycle: str) -> None:
    open_ones = [o.ref for o in objectives if o.reflection is None]
    if open_ones:
        shown = ", ".join(open_ones[:5]) + (f" and {len(open_ones) - 5} more" if len(open_ones) > 5 else "")
        raise AuthoringError(f"{len(open_ones)} objective{'s' if len(open_ones) != 1 else ''} of {source} "
                             f"{'have' if len(open_ones) != 1 else 'has'} no reflection yet ({shown}): run "
                             f"'okrops cycle close {source}', review the decisions, merge, then open {cycle}")


def _place(org: Organisation, okrs_dir: Path, cycle: str, plans: dict[str, list[Objective]], result: OpenResult):
    """Each unit's new (or existing) file, and the id each continuing objective gets in it.

    Returns (unit -> (file, document, created?), old objective ref -> new ref, objectives already there).
    """
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    documents: dict[str, tuple[Path, object, bool]] = {}
    new_ids: dict[str, str] = {}
    skipped: set[str] = set()
    for unit, carried in plans.items():
        file = okrs_dir / org.units[unit].folder / f"{cycle}.yaml"
        if file.exists():
            _text, document = load_for_edit(file)
            if document.get("objectives") is None:
                document["objectives"] = CommentedSeq()
        else:
            document = CommentedMap()
            document["objectives"] = CommentedSeq()
        existing = [o for o in document["objectives"] if hasattr(o, "get")]
        taken = [str(o.get("id")) for o in existing]
        origins = {str(o.get("x-carried-from") or o.get("x-rewrite-of")) for o in existing}
        for objective in carried:
            if objective.ref in origins:
                skipped.add(objective.ref)
                result.notes.append(f"{objective.ref} is already in {file.name}; left as it is")
                continue
            new_id = objective.id if objective.id not in taken else next_id("O", taken)
            taken.append(new_id)
            new_ids[objective.ref] = f"{unit}/{cycle}/{new_id}"
        documents[unit] = (file, document, not file.exists())
    return documents, new_ids, skipped


def _write_objective(org: Organisation, objective: Objective, new_ids: dict[str, str], document,
                     result: OpenResult) -> None:
    """Append the continuing objective, its key results ready to check in, and say what to rewrite."""
    new_ref = new_ids[objective.ref]
    new_cycle = org.config.cycles[result.cycle]
    parent = _parent_for(org, objective.parent, new_cycle, new_ids)
    if objective.parent and parent is None:
        result.notes.append(f"{new_ref}: dropped the parent {objective.parent}, which does not continue into "
                            f"{result.cycle}; align it to a {result.cycle} objective")
    decision = objective.reflection.decision
    marker = "x-carried-from" if decision == "carry-over" else "x-rewrite-of"
    stale_titles = [kr.id for kr in objective.key_results if states_old_numbers(kr)]
    key_results = [_kr_next(kr, kr.id in stale_titles) for kr in objective.key_results]
    entry = objective_entry(new_ref.rsplit("/", 1)[1], objective.title, objective.why or None,
                            objective.type if objective.type != "committed" else None,
                            objective.owner, objective.visibility if objective.visibility != "public" else None,
                            objective.strategies, parent, key_results, extra=[(marker, objective.ref)])
    for index, kr in enumerate(objective.key_results):
        if kr.id in stale_titles:
            entry["key_results"].yaml_set_comment_before_after_key(index, before=yaml_comment(
                f"REWRITE the title: it states the numbers of {result.source}; this key result now starts at "
                f"{format_number(kr.current)} (okrops lint reports it until the title changes)"), indent=6)
    _append(document["objectives"], entry)
    reflection = objective.reflection
    score = "no score" if reflection.score is None else f"scored {reflection.score:g}"
    if decision == "rewrite":
        text = (f"REWRITE before merging: {objective.ref} {score} and is to be rewritten; okrops lint fails until it "
                "differs from the original. "
                + (f"Learnings: {' '.join(reflection.learnings.split())}" if reflection.learnings else
                   "Write down what was learned and a better objective."))
    else:
        text = f"Carried over from {objective.ref} ({score}); baselines and current values start where it ended."
    document["objectives"].yaml_set_comment_before_after_key(
        len(document["objectives"]) - 1, before=yaml_comment(text), indent=2)
    result.carried.append(Carried(objective.ref, new_ref, decision, len(key_results), stale_titles))


def states_old_numbers(kr) -> bool:
    """Does the title state the starting number, which the next cycle changes (it starts at ``current``)?"""
    import re

    if kr.direction == "range" or kr.current is None or kr.baseline is None or kr.current == kr.baseline:
        return False
    numbers = {n.replace(",", "") for n in re.findall(r"\d[\d,]*(?:\.\d+)?", kr.title)}
    return format_number(kr.baseline) in numbers


def _per_unit(org: Organisation, source: str, units: Optional[list[str]], result: OpenResult) -> dict[str, list[str]]:
    """What was written for each unit of the source cycle, in unit order; a unit with nothing carried over says so."""
    report: dict[str, list[str]] = {}
    for member, _depth in org.walk():
        slug = member.slug
        if (slug, source) not in org.cycle_files or (units and slug not in units):
            continue
        lines = []
        for item in result.carried:
            if item.old_ref.startswith(f"{slug}/"):
                flagged = f"; retitle {', '.join(item.retitle)}" if item.retitle else ""
                lines.append(f"{item.old_ref} -> {item.new_ref} ({item.decision}, {item.key_results} key result"
                             f"{'s' if item.key_results != 1 else ''}{flagged})")
        for item in result.initiatives:
            if item.old_ref.startswith(f"{slug}/"):
                due = f"; {len(item.retitle)} milestone(s) due in {source}: set new dates" if item.retitle else ""
                lines.append(f"{item.old_ref} -> {item.new_ref} (initiative, open milestones only{due})")
        if not any(c.old_ref.startswith(f"{slug}/") for c in result.carried):
            ended = [f"{ref.rsplit('/', 1)[1]} {decision}" for ref, decision in result.ended if ref.startswith(f"{slug}/")]
            lines.append(f"nothing carried over ({', '.join(ended) or 'no objectives'})")
        report[slug] = lines
    return report


def _parent_for(org: Organisation, parent: Optional[str], new_cycle, new_ids: dict[str, str]) -> Optional[str]:
    if not parent:
        return None
    parts = parent.split("/")
    parent_cycle = org.config.cycles.get(parts[1]) if len(parts) > 1 else None
    if parent_cycle is not None and parent_cycle.contains(new_cycle):
        return parent
    objective_ref = "/".join(parts[:3])
    if objective_ref in new_ids:
        return new_ids[objective_ref] + ("/" + parts[3] if len(parts) > 3 else "")
    return None


def _kr_next(kr, retitle: bool = False):
    """The key result for the next cycle: it starts where the last one ended (baseline and current at the last
    value); a title that states the old numbers is kept in x-carried-title, so lint reports it until rewritten."""
    from ruamel.yaml.comments import CommentedMap

    baseline = kr.current if kr.current is not None else kr.baseline
    extra = []
    if kr.direction == "range":
        band = CommentedMap()
        band["min"], band["max"] = kr.range_min, kr.range_max
        band.fa.set_flow_style()
        extra.append(("range", band))
        baseline = None
    if kr.current is not None:
        extra.append(("current", kr.current))
    explicit = kr.direction in ("decrease", "range") or (
        baseline is not None and kr.target is not None and baseline > kr.target)
    entry = kr_entry(kr.id, kr.title, kr.metric or None, kr.measure_unit or None,
                     kr.direction if explicit else None,
                     baseline, kr.target if kr.direction != "range" else None, kr.data_source or None,
                     kr.weight if kr.weight != 1.0 else None,
                     extra=[("x-carried-title", kr.title)] if retitle else ())
    keys = list(entry.keys())
    position = next((keys.index(k) for k in ("data_source", "weight", "x-carried-title") if k in keys), len(keys))
    for offset, (key, value) in enumerate(extra):
        entry.insert(position + offset, key, value)
    return entry


def _carry_initiatives(org: Organisation, unit: str, source: str, cycle: str, document, new_ids: dict[str, str],
                       result: OpenResult) -> None:
    """Initiatives that move a continuing key result continue too, with their open milestones."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    from okrops.rhythm.authoring import _cmap

    cycle_file = org.cycle_files.get((unit, source))
    if cycle_file is None or not cycle_file.initiatives:
        return
    existing = document.get("initiatives")
    items = [i for i in (existing or []) if hasattr(i, "get")]
    taken = [str(i.get("id")) for i in items]
    origins = {str(i.get("x-carried-from")) for i in items}
    prefix = f"{unit}/{cycle}/"
    for initiative in cycle_file.initiatives:
        if initiative.ref in origins:
            continue
        key_results = []
        for ref in initiative.key_results:
            parts = ref.split("/")
            objective_ref = "/".join(parts[:3])
            if objective_ref in new_ids and len(parts) == 4:
                target = f"{new_ids[objective_ref]}/{parts[3]}"
                key_results.append(target[len(prefix):] if target.startswith(prefix) else target)
        if not key_results:
            continue
        new_id = initiative.id if initiative.id not in taken else next_id("I", taken)
        taken.append(new_id)
        milestones = []
        for milestone in initiative.milestones:
            if not milestone.done:
                entry = CommentedMap()
                entry["title"], entry["due"] = yaml_text(milestone.title), milestone.due
                milestones.append(entry)
        refs = CommentedSeq(key_results)
        refs.fa.set_flow_style()
        item = _cmap([("id", new_id), ("title", initiative.title), ("description", initiative.description or None),
                      ("key_results", refs), ("links", list(initiative.links)), ("milestones", milestones),
                      ("x-carried-from", initiative.ref)])
        starts = org.config.cycles[cycle].start
        overdue = [m for m in initiative.milestones if not m.done and m.due < starts]
        for index, milestone in enumerate(m for m in initiative.milestones if not m.done):
            if milestone.due < starts:
                item["milestones"].yaml_set_comment_before_after_key(index, before=yaml_comment(
                    f"MOVE: due {milestone.due} in {source} and not done; set a date in {cycle} "
                    "(okrops lint reports a milestone due before its cycle starts)"), indent=6)
        if existing is None:
            existing = document["initiatives"] = CommentedSeq()
        _append(existing, item)
        result.initiatives.append(Carried(initiative.ref, f"{prefix}{new_id}", "carry-over",
                                          retitle=[m.title for m in overdue]))



def tag_closed(cycle: str, path: Optional[str] = None) -> tuple[str, bool]:
    """Tag HEAD ``okrs/<cycle>`` once every objective of ``cycle`` has its reflection committed; (commit, created).

    Meant for the default branch right after the close pull request is merged: the site then
    builds the cycle's pages from the tag, as it was when it closed.
    """
    from okrops.record import snapshot

    _root, okrs_dir, org = _context(path)
    if cycle not in org.config.cycles:
        raise UnknownReference(f"cycle {cycle!r} is not in okrs/okrops.yaml")
    _refuse_broken(org, cycle)
    missing = [o.ref for o in _objectives(org, cycle, None) if o.reflection is None]
    if missing:
        raise AuthoringError(f"{len(missing)} objective(s) of {cycle} have no reflection yet (first: {missing[0]}); "
                             "merge the close pull request first")
    _root, _okrs, top, _subdir = snapshot.repository_paths(str(okrs_dir))
    count = len(_objectives(org, cycle, None))
    return snapshot.tag_cycle(top, cycle, f"okrops: {cycle} closed ({count} objectives reflected on)")
