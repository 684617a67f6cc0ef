"""Focus: few, explicit objectives at each level, and a limit on work in flight."""

from __future__ import annotations

from okrops.lint.registry import Issue, rule


@rule(
    "objectives-per-unit", "unit_cycle", "warning",
    rationale="More objectives than a team can hold in its head means no focus; too few may mean the focus is unclear. "
              "The numbers are defaults: tune them to your purpose.",
    hint="merge or drop objectives, or tune min and max for this unit in its unit.yaml",
    min=3,
    max=5,
)
def objectives_per_unit(ctx, cycle_file, options):
    count = len(cycle_file.objectives)
    source = cycle_file.source.child("objectives")
    ref = f"{cycle_file.unit}/{cycle_file.cycle}"
    if count > options["max"]:
        yield Issue(source, f"{count} objectives in {ref}: more than {options['max']} dilutes focus", ref, cycle_file.unit)
    elif count < options["min"]:
        yield Issue(source, f"{count} objective{'s' if count != 1 else ''} in {ref}: fewer than {options['min']}",
                    ref, cycle_file.unit)


@rule(
    "key-results-per-objective", "objective", "warning",
    rationale="An objective needs at least one key result to be measurable, and more than a handful hides what matters.",
    hint="keep the key results that best show the outcome; move the rest to KPIs or initiatives",
    min=1,
    max=5,
)
def key_results_per_objective(ctx, objective, options):
    count = len(objective.key_results)
    if count > options["max"]:
        yield Issue(objective.source.child("key_results"), f"objective {objective.id} has {count} key results; "
                    f"at most {options['max']} keep it focused", objective.ref, objective.unit)
    elif count < options["min"]:
        yield Issue(objective.source.child("key_results"), f"objective {objective.id} has {count} key results; "
                    f"it needs at least {options['min']}", objective.ref, objective.unit)


@rule(
    "objectives-in-flight", "organisation", "warning",
    rationale="OKRs are an organisation-wide work-in-progress limit: a focused organisation says no to noise.",
    hint="cut objectives across units, or raise max deliberately in okrs/okrops.yaml",
    max=60,
)
def objectives_in_flight(ctx, options):
    org = ctx.org
    for cycle in org.cycles_in_use():
        count = len(org.objectives_in(cycle.id))
        if count > options["max"]:
            yield Issue(org.config.source.child("cycles"), f"{count} objectives in flight in {cycle.id} across "
                        f"the organisation; the limit is {options['max']}", cycle.id)
