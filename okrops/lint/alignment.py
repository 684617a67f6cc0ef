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
    hint="align to an objective or key result of a unit above this one, link the strategy directly, or say why in "
         "the parent's reason",
)
def parent_not_ancestor(ctx, objective, options):
    org = ctx.org
    for link in objective.parents:
        parent_unit = link.ref.split("/", 1)[0]
        if link.reason or objective.unit not in org.units:
            continue
        if parent_unit in org.units and parent_unit not in org.ancestors(objective.unit):
            yield Issue(objective.source.child(*link.path), f"objective {objective.id} aligns to "
                        f"{link.ref}, which belongs to {parent_unit!r}, not to a unit above {objective.unit!r}",
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
    hint="align to an objective or key result of the unit directly above, which aligns further up, or say why "
         "in the parent's reason",
)
def parent_skips_level(ctx, objective, options):
    org = ctx.org
    if not objective.parents or objective.unit not in org.units:
        return
    direct = org.units[objective.unit].parent
    if direct is None:
        return
    own_cycle = org.config.cycles.get(objective.cycle)
    cycles = [f.cycle for f in ctx.cycle_files_of(direct) if f.objectives]
    overlapping = [c for c in cycles if own_cycle and c in org.config.cycles
                   and org.config.cycles[c].start <= own_cycle.end and own_cycle.start <= org.config.cycles[c].end]
    for link in objective.parents:
        parent_unit = link.ref.split("/", 1)[0]
        if link.reason or parent_unit == direct or parent_unit not in org.ancestors(objective.unit):
            continue
        if overlapping:
            yield Issue(objective.source.child(*link.path), f"objective {objective.id} aligns to "
                        f"{link.ref}, past {direct!r}, which has OKRs in {sorted(overlapping)[0]}, "
                        "and gives no reason", objective.ref, objective.unit)


@rule(
    "parent-weights", "objective", "warning",
    rationale="The weights on an objective's parents say how its progress divides among them; when they do not "
              "add up to 1, the roll-up has to guess (okrops scales them so the progress still counts once).",
    hint="give every parent a weight and make them add up to 1, or give none for equal shares",
)
def parent_weights(ctx, objective, options):
    weighted = [link for link in objective.parents if link.weight is not None]
    if not weighted:
        return
    total = sum(link.weight for link in weighted)
    unweighted = len(objective.parents) - len(weighted)
    if unweighted and total < 1 - 1e-6:
        return  # the unweighted parents share what is left
    if abs(total - 1) > 1e-6 or unweighted:
        what = f"add up to {total:g}" if not unweighted else f"already add up to {total:g}, leaving nothing for " \
            f"{unweighted} parent{'s' if unweighted > 1 else ''} without a weight"
        yield Issue(objective.source.child("aligns_to"), f"the weights of objective {objective.id}'s parents {what}; "
                    "they must add up to 1", objective.ref, objective.unit)


@rule(
    "kr-many-contributors", "key_result", "warning",
    rationale="A key result that many units move has no clear owner: everyone's number is no one's. The owning "
              "unit answers for it; a few contributors help; many mean the number should be split.",
    hint="keep the number with one owner and a few contributors, or give each unit its own key result for its part",
    max=3,
)
def kr_many_contributors(ctx, kr, objective, options):
    if len(kr.contributors) > options["max"]:
        yield Issue(kr.source.child("contributors"), f"key result {kr.id} has {len(kr.contributors)} contributors "
                    f"besides its owner {objective.unit}; with more than {options['max']} nobody clearly owns it",
                    kr.ref, objective.unit)


@rule(
    "dependency-unconfirmed", "organisation", "warning",
    rationale="A dependency the providing unit has not agreed to is a hope, not a plan: the other team may "
              "never know its OKRs carry yours.",
    hint="ask a maintainer of the providing unit to approve the pull request, or to list this objective or key "
         "result under provides: in its unit.yaml",
)
def dependency_unconfirmed(ctx, options):
    from okrops import dependencies

    org = ctx.org
    for edge in dependencies.unconfirmed(org, ctx.approved_dependencies):
        provider = org.units.get(edge.provider_unit)
        who = ", ".join(provider.maintainers) if provider and provider.maintainers else f"the maintainers of {edge.provider_unit}"
        yield Issue(edge.source, f"{edge.dependent} depends on {edge.provider}, which {edge.provider_unit} has not "
                    f"confirmed (ask {who})", edge.dependent, edge.dependent_unit)


def _aligned_units(org) -> dict[str, set[str]]:
    """Parent key result reference -> the units whose objectives align to it."""
    result: dict[str, set[str]] = {}
    for objective in org.objectives.values():
        for ref in objective.parent_refs:
            if ref in org.key_results:
                result.setdefault(ref, set()).add(objective.unit)
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


def _owned_above(ctx, cycle_id: str, metric: str, common: set) -> bool:
    """A unit above all the sharers has a key result on the same number (the same metric, or one it
    qualifies: "days to first shift, sites live this year") in a cycle that overlaps ``cycle_id``."""
    org = ctx.org
    cycle = org.config.cycles.get(cycle_id)
    for unit in common:
        for cycle_file in ctx.cycle_files_of(unit):
            other = org.config.cycles.get(cycle_file.cycle)
            if cycle is None or other is None or other.end < cycle.start or cycle.end < other.start:
                continue
            for objective in cycle_file.objectives:
                if any(_same_number(metric, kr.metric) for kr in objective.key_results):
                    return True
    return False


@rule(
    "kr-shared-no-owner", "organisation", "warning",
    rationale="A number that several units put in their key results needs one owner who answers for it; "
              "the others measure their contribution. Until key results can name contributors, okrops "
              "sees a shared number as units aligned to the same parent with key results on the same metric, "
              "when neither the parent nor a unit above all of them has a key result on it.",
    hint="keep the number in the parent's key result (its owner), and give each unit its own part to measure",
)
def kr_shared_no_owner(ctx, options):
    org = ctx.org
    children: dict[str, list] = {}
    for objective in org.objectives.values():
        for ref in objective.parent_refs:
            children.setdefault(ref, []).append(objective)
    for parent_ref, objectives in sorted(children.items()):
        by_metric: dict[str, list] = {}
        for objective in objectives:
            for kr in objective.key_results:
                metric = " ".join(Text.of(kr.metric).words)
                if metric:
                    by_metric.setdefault(metric, []).append((objective, kr))
        for metric, pairs in sorted(by_metric.items()):
            units = sorted({objective.unit for objective, _kr in pairs})
            if len(units) < 2 or _parent_measures(org, parent_ref, metric):
                continue
            chains = [{u, *org.ancestors(u)} for u in units if u in org.units]
            common = set.intersection(*chains) if chains else set()
            if any(u in common for u in units) or _owned_above(ctx, pairs[0][0].cycle, metric, common):
                continue
            objective, kr = min(pairs, key=lambda p: p[1].ref)
            yield Issue(kr.source, f"key results of {', '.join(units)} all measure {kr.metric!r} for {parent_ref}, "
                        "and no one owns the number: not the parent, not a unit above them", kr.ref, objective.unit)


def _same_number(metric: str, other: str) -> bool:
    words = " ".join(Text.of(other).words)
    return bool(words) and (words == metric or words.startswith(metric + " ") or metric.startswith(words + " "))


def _parent_measures(org, parent_ref: str, metric: str) -> bool:
    if parent_ref in org.key_results:
        return _same_number(metric, org.key_results[parent_ref].metric)
    parent = org.objectives.get(parent_ref)
    return parent is not None and any(_same_number(metric, kr.metric) for kr in parent.key_results)


@rule(
    "kr-copies-parent", "key_result", "info", on_by_default=False,
    rationale="Cascading is for alignment, not copying: a key result identical to the one it aligns to "
              "adds no information about what this unit contributes.",
    hint="measure this unit's part of the parent's number, or the leading measure it can move",
)
def kr_copies_parent(ctx, kr, objective, options):
    org = ctx.org
    parents = []
    for ref in objective.parent_refs:
        if ref in org.key_results:
            parents.append(org.key_results[ref])
        elif ref in org.objectives:
            parents.extend(org.objectives[ref].key_results)
    for parent in parents:
        same_title = " ".join(Text.of(parent.title).words) == " ".join(Text.of(kr.title).words)
        same_number = bool(parent.metric.strip()) and " ".join(Text.of(parent.metric).words) == " ".join(
            Text.of(kr.metric).words) and parent.target == kr.target and parent.baseline == kr.baseline
        if same_title or same_number:
            yield Issue(kr.source, f"key result {kr.id} copies {parent.ref} it aligns to", kr.ref, objective.unit)
            return
