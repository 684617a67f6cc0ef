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


@rule(
    "initiative-no-kr", "unit_cycle", "warning",
    rationale="Line of sight: every piece of work names the key results it is meant to move. Work that moves "
              "none of them is either missing a key result or is not a priority this cycle.",
    hint="add key_results: [O1/KR2] to the initiative, or drop it from this cycle's file",
)
def initiative_no_kr(ctx, cycle_file, options):
    for index, initiative in enumerate(cycle_file.initiatives):
        if not initiative.key_results:
            yield Issue(cycle_file.source.child("initiatives", index), f"initiative {initiative.id} "
                        f"({initiative.title!r}) names no key result it is meant to move",
                        initiative.ref, cycle_file.unit)


@rule(
    "kpi-no-thresholds", "unit", "info",
    rationale="A KPI is watched for leaving its healthy band: without one, nobody can tell when the "
              "business-as-usual number needs attention.",
    hint="add healthy: {min, max} (and warning:) to the KPI in unit.yaml",
)
def kpi_no_thresholds(ctx, unit, options):
    for kpi in unit.kpis:
        if kpi.healthy is None:
            yield Issue(kpi.source, f"KPI {kpi.id} of {unit.slug} has no healthy band", f"{unit.slug}/{kpi.id}", unit.slug)
