"""Objectives trace up to strategy; cascading is for alignment, not control."""

from __future__ import annotations

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
