"""Objectives trace up to strategy; cascading is for alignment, not control."""

from __future__ import annotations

from okrops.lint.language import Text
from okrops.lint.registry import Issue, rule


@rule(
    "objective-floating", "objective", "warning",
    rationale="An objective linked to no strategy and no parent floats: nobody can see why it matters to the organisation.",
    hint="add aligns_to.strategies (ids from okrs/strategy.yaml) and/or aligns_to.parent (the objective or key result one level up)",
)
def objective_floating(ctx, objective, options):
    if not objective.strategies and not objective.parent:
        yield Issue(objective.source, f"objective {objective.id} is linked to no strategy and no parent objective",
                    objective.ref, objective.unit)


@rule(
    "parent-not-ancestor", "objective", "info",
    rationale="A parent one level up keeps the alignment tree readable; aligning across the tree is allowed but worth a look.",
    hint="align to an objective or key result of a unit above this one, or link the strategy directly",
)
def parent_not_ancestor(ctx, objective, options):
    org = ctx.org
    if not objective.parent:
        return
    parent_unit = objective.parent.split("/", 1)[0]
    if parent_unit in org.units and objective.unit in org.units and parent_unit not in org.ancestors(objective.unit):
        yield Issue(objective.source.child("aligns_to", "parent"), f"objective {objective.id} aligns to "
                    f"{objective.parent}, which belongs to {parent_unit!r}, not to a unit above {objective.unit!r}",
                    objective.ref, objective.unit)


@rule(
    "alignment-coverage", "unit_cycle", "warning",
    rationale="When most of a unit's objectives connect to nothing above, the unit is working on its own agenda.",
    hint="link objectives to the parent unit's objectives or key results (aligns_to.parent) or to strategies",
    min_share=0.5,
)
def alignment_coverage(ctx, cycle_file, options):
    unit = ctx.org.units.get(cycle_file.unit)
    objectives = cycle_file.objectives
    if unit is None or not objectives:
        return
    linked = sum(1 for o in objectives if o.parent or o.strategies)
    share = linked / len(objectives)
    if share < options["min_share"]:
        yield Issue(cycle_file.source.child("objectives"), f"only {linked} of {len(objectives)} objectives of "
                    f"{unit.slug} in {cycle_file.cycle} are aligned ({share:.0%}, expected at least "
                    f"{options['min_share']:.0%})", f"{unit.slug}/{cycle_file.cycle}", unit.slug)


@rule(
    "parent-skips-level", "objective", "info",
    rationale="Aligning past the unit directly above hides the level in between: its objectives no longer "
              "show how the work below serves them. Cascade one level at a time where that level has OKRs.",
    hint="align to an objective or key result of the unit directly above, which aligns further up",
)
def parent_skips_level(ctx, objective, options):
    org = ctx.org
    if not objective.parent or objective.unit not in org.units:
        return
    parent_unit = objective.parent.split("/", 1)[0]
    direct = org.units[objective.unit].parent
    if direct is None or parent_unit == direct or parent_unit not in org.ancestors(objective.unit):
        return
    own_cycle = org.config.cycles.get(objective.cycle)
    cycles = [c for (u, c) in org.cycle_files if u == direct and org.objectives_of(u, c)]
    overlapping = [c for c in cycles if own_cycle and c in org.config.cycles
                   and org.config.cycles[c].start <= own_cycle.end and own_cycle.start <= org.config.cycles[c].end]
    if overlapping:
        yield Issue(objective.source.child("aligns_to", "parent"), f"objective {objective.id} aligns to "
                    f"{objective.parent}, past {direct!r}, which has OKRs in {sorted(overlapping)[0]}",
                    objective.ref, objective.unit)


def _aligned_units(org) -> dict[str, set[str]]:
    """Parent key result reference -> the units whose objectives align to it."""
    result: dict[str, set[str]] = {}
    for objective in org.objectives.values():
        if objective.parent and objective.parent in org.key_results:
            result.setdefault(objective.parent, set()).add(objective.unit)
    return result


@rule(
    "parent-kr-crowded", "organisation", "warning",
    rationale="When many units align to one key result, nobody can tell who moves it and by how much: "
              "the number becomes everyone's and no one's.",
    hint="split the key result into parts that units can own, or align some units to other key results",
    max=4,
)
def parent_kr_crowded(ctx, options):
    org = ctx.org
    for ref, units in sorted(_aligned_units(org).items()):
        if len(units) > options["max"]:
            kr = org.key_results[ref]
            owner = org.objective_of(kr).unit
            yield Issue(kr.source, f"{len(units)} units align to key result {ref} ({', '.join(sorted(units))}); "
                        f"at most {options['max']} keep ownership clear", ref, owner)


def _owned_above(org, cycle_id: str, metric: str, common: set) -> bool:
    """A unit above all the sharers has a key result on the same number (the same metric, or one it
    qualifies: "days to first shift, sites live this year") in a cycle that overlaps ``cycle_id``."""
    cycle = org.config.cycles.get(cycle_id)
    for unit in common:
        for (slug, other_id), cycle_file in org.cycle_files.items():
            other = org.config.cycles.get(other_id)
            if slug != unit or cycle is None or other is None or other.end < cycle.start or cycle.end < other.start:
                continue
            for objective in cycle_file.objectives:
                for kr in objective.key_results:
                    words = " ".join(Text(kr.metric).words)
                    if words == metric or words.startswith(metric + " ") or metric.startswith(words + " "):
                        return True
    return False


@rule(
    "kr-shared-no-owner", "organisation", "warning",
    rationale="A number that several units put in their key results needs one owner who answers for it; "
              "the others measure their contribution. Until key results can name contributors, okrops "
              "sees a shared number as the same metric in several units with no unit above them owning it.",
    hint="keep the number in the key result of the unit above all of them, and give each unit its own part",
)
def kr_shared_no_owner(ctx, options):
    org = ctx.org
    groups: dict[tuple[str, str], list] = {}
    for kr in org.key_results.values():
        metric = " ".join(Text(kr.metric).words)
        if metric:
            groups.setdefault((org.objective_of(kr).cycle, metric), []).append(kr)
    for (cycle, _metric), krs in sorted(groups.items()):
        units = sorted({org.objective_of(kr).unit for kr in krs})
        if len(units) < 2:
            continue
        chains = {u: {u, *org.ancestors(u)} for u in units if u in org.units}
        if any(all(owner in chain for chain in chains.values()) for owner in units):
            continue  # one of them sits above all the others: it owns the number
        if _owned_above(org, cycle, _metric, set.intersection(*chains.values()) if chains else set()):
            continue
        first = min(krs, key=lambda k: k.ref)
        yield Issue(first.source, f"key results of {', '.join(units)} in {cycle} all measure {first.metric!r}, "
                    "and no unit above them owns the number", first.ref, org.objective_of(first).unit)


@rule(
    "kr-copies-parent", "key_result", "info", on_by_default=False,
    rationale="Cascading is for alignment, not copying: a key result identical to the one it aligns to "
              "adds no information about what this unit contributes.",
    hint="measure this unit's part of the parent's number, or the leading measure it can move",
)
def kr_copies_parent(ctx, kr, objective, options):
    org = ctx.org
    if not objective.parent:
        return
    if objective.parent in org.key_results:
        parents = [org.key_results[objective.parent]]
    elif objective.parent in org.objectives:
        parents = org.objectives[objective.parent].key_results
    else:
        return
    for parent in parents:
        same_title = " ".join(Text(parent.title).words) == " ".join(Text(kr.title).words)
        same_number = bool(parent.metric.strip()) and " ".join(Text(parent.metric).words) == " ".join(
            Text(kr.metric).words) and parent.target == kr.target and parent.baseline == kr.baseline
        if same_title or same_number:
            yield Issue(kr.source, f"key result {kr.id} copies {parent.ref} it aligns to", kr.ref, objective.unit)
            return
