"""A live operating rhythm: check in regularly, and be suspicious of effortless green."""

from __future__ import annotations

from okrops import scoring
from okrops.model import Activity
from okrops.numbers import format_number
from okrops.lint.registry import Issue, rule


@rule(
    "stale", "key_result", "warning",
    rationale="OKRs nobody checks in on are dead: a weekly rhythm keeps them alive and surfaces red early.",
    hint="check in: okrops checkin <ref> <value> --confidence <0..1>",
    grace_days=0,
)
def stale(ctx, kr, objective, options):
    if ctx.last_checkins is None or not ctx.running(objective.cycle):
        return
    cycle = ctx.org.config.cycles[objective.cycle]
    cadence = ctx.org.cadence_days(objective.unit)
    limit = cadence + options["grace_days"]
    last = ctx.last_checkins.get(kr.ref)
    since = Activity.of(ctx.org, ctx.last_checkins).since(kr.ref, cycle)
    age = (ctx.today - since).days
    if age > limit:
        started = "the cycle started" if since == cycle.start else "it was added"
        when = f"last check-in {last} ({age} days ago)" if last else f"no check-in since {started} {age} days ago"
        yield Issue(kr.source, f"key result {kr.id} is stale: {when}; the cadence is {cadence} days",
                    kr.ref, objective.unit)


@rule(
    "sandbagging", "unit_cycle", "warning",
    rationale="Everything green at 100% long before the cycle ends usually means the targets were too easy.",
    hint="raise the targets, or make some objectives aspirational; red is a learning signal, not a failure",
    before_elapsed=0.5,
    min_key_results=2,
)
def sandbagging(ctx, cycle_file, options):
    org = ctx.org
    cycle = org.config.cycles.get(cycle_file.cycle)
    if cycle is None or not ctx.running(cycle.id):
        return
    if cycle.elapsed(ctx.today) >= options["before_elapsed"]:
        return
    krs = [kr for o in cycle_file.objectives for kr in o.key_results]
    if len(krs) < options["min_key_results"]:
        return
    if all((scoring.score(kr) or 0) >= 1.0 for kr in krs):
        ref = f"{cycle_file.unit}/{cycle_file.cycle}"
        yield Issue(cycle_file.source.child("objectives"), f"all {len(krs)} key results of {ref} are at 100% with "
                    f"{cycle.elapsed(ctx.today):.0%} of the cycle gone: were the targets ambitious enough?",
                    ref, cycle_file.unit)


def _objective_score(ctx, objective):
    """The reflection's score, else the score of the key results at the end of the cycle."""
    if objective.reflection is not None and objective.reflection.score is not None:
        return objective.reflection.score
    return scoring.score_objective(ctx.org, objective, ctx.today).score


@rule(
    "aspirational-always-met", "unit_cycle", "warning",
    rationale="Aspirational objectives are stretches: about 0.7 is a good result. Reaching 1.0 on all of "
              "them cycle after cycle means the targets are set where the team already knows it will land.",
    hint="set aspirational targets the team is unsure it can reach; red is a learning signal, not a failure",
    min_cycles=2,
)
def aspirational_always_met(ctx, cycle_file, options):
    org = ctx.org
    closed = []
    for other in ctx.cycle_files_of(cycle_file.unit):
        cycle_id = other.cycle
        cycle = org.config.cycles.get(cycle_id)
        if cycle is None or cycle.end >= ctx.today:
            continue
        stretch = [o for o in other.objectives if o.aspirational]
        if stretch:
            closed.append((cycle.end, cycle_id, stretch))
    closed.sort()
    if not closed or closed[-1][1] != cycle_file.cycle or len(closed) < options["min_cycles"]:
        return  # judged once, on the unit's latest closed cycle with aspirational objectives
    recent = closed[-options["min_cycles"]:]
    scores = [_objective_score(ctx, o) for _end, _cycle, stretch in recent for o in stretch]
    if scores and all(s is not None and s >= 1.0 for s in scores):
        names = ", ".join(cycle for _end, cycle, _s in recent)
        yield Issue(cycle_file.source.child("objectives"), f"every aspirational objective of {cycle_file.unit} scored "
                    f"1.0 in the last {len(recent)} cycles ({names}): the targets are not stretches",
                    f"{cycle_file.unit}/{cycle_file.cycle}", cycle_file.unit)


@rule(
    "cycle-not-reflected", "unit_cycle", "warning",
    rationale="A cycle ends with a reflection on every objective (score, learnings, decision): without it "
              "the next cycle repeats the last one's mistakes.",
    hint="run 'okrops cycle close <cycle>' and review the reflections it writes",
    grace_days=14,
)
def cycle_not_reflected(ctx, cycle_file, options):
    cycle = ctx.org.config.cycles.get(cycle_file.cycle)
    if cycle is None or (ctx.today - cycle.end).days <= options["grace_days"]:
        return
    missing = [o.id for o in cycle_file.objectives if o.reflection is None]
    if missing:
        yield Issue(cycle_file.source.child("objectives"), f"{cycle_file.unit}/{cycle_file.cycle} ended on {cycle.end} "
                    f"and {len(missing)} of its {len(cycle_file.objectives)} objectives have no reflection "
                    f"({', '.join(missing[:5])}{' ...' if len(missing) > 5 else ''})",
                    f"{cycle_file.unit}/{cycle_file.cycle}", cycle_file.unit)


@rule(
    "milestone-overdue", "unit_cycle", "info", on_by_default=False,
    rationale="A milestone past its date and not done is the earliest sign that an initiative will not move "
              "its key results in time: the check-in is the moment to say so.",
    hint="mark it done, move its due date with a note, or rethink the initiative",
)
def milestone_overdue(ctx, cycle_file, options):
    if not ctx.running(cycle_file.cycle):
        return
    for index, initiative in enumerate(cycle_file.initiatives):
        for number, milestone in enumerate(initiative.milestones):
            if not milestone.done and milestone.due < ctx.today:
                source = cycle_file.source.child("initiatives", index, "milestones", number)
                yield Issue(source, f"milestone {milestone.title!r} of initiative {initiative.id} was due on "
                            f"{milestone.due} and is not done", initiative.ref, cycle_file.unit)


@rule(
    "kr-title-outdated", "key_result", "warning",
    rationale="A key result carried into a new cycle starts where the last one ended: a title that still states "
              "the old starting number tells readers the wrong story.",
    hint="rewrite the title with the new numbers (okrops cycle open kept the old one in x-carried-title; "
         "remove that key once the title is right)",
)
def kr_title_outdated(ctx, kr, objective, options):
    carried = kr.extensions.get("x-carried-title")
    if carried is not None and str(carried) == kr.title:
        yield Issue(kr.source, f"key result {kr.id} was carried over with its old title, which states the old numbers: "
                    f"it now starts at {format_number(kr.baseline)}", kr.ref, objective.unit)


@rule(
    "rewrite-unchanged", "objective", "error",
    rationale="An objective to be rewritten comes back as a draft: merging it unchanged repeats what did not work.",
    hint="rewrite the objective and its key results with what was learned, then remove x-rewrite-of",
)
def rewrite_unchanged(ctx, objective, options):
    original = ctx.org.objectives.get(str(objective.extensions.get("x-rewrite-of") or ""))
    if original is None or original.ref == objective.ref:
        return
    if objective.title == original.title and \
            [kr.title for kr in objective.key_results] == [kr.title for kr in original.key_results]:
        yield Issue(objective.source, f"objective {objective.id} is to be rewritten from {original.ref} but is still "
                    "identical to it (title and key results)", objective.ref, objective.unit)


@rule(
    "milestone-before-cycle", "unit_cycle", "warning",
    rationale="A milestone not done and due before its cycle starts was carried over without a new date: "
              "the plan no longer says when the work lands.",
    hint="set a due date inside the cycle, or mark it done",
)
def milestone_before_cycle(ctx, cycle_file, options):
    cycle = ctx.org.config.cycles.get(cycle_file.cycle)
    if cycle is None:
        return
    for index, initiative in enumerate(cycle_file.initiatives):
        for number, milestone in enumerate(initiative.milestones):
            if not milestone.done and milestone.due < cycle.start:
                source = cycle_file.source.child("initiatives", index, "milestones", number)
                yield Issue(source, f"milestone {milestone.title!r} of initiative {initiative.id} is due on "
                            f"{milestone.due}, before {cycle.id} starts ({cycle.start})", initiative.ref,
                            cycle_file.unit)
