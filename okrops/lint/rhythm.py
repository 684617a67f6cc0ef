"""A live operating rhythm: check in regularly, and be suspicious of effortless green."""

from __future__ import annotations

from okrops import scoring
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
    limit = ctx.org.config.cadence_days + options["grace_days"]
    last = ctx.last_checkins.get(kr.ref)
    since = last if last is not None else cycle.start
    age = (ctx.today - since).days
    if age > limit:
        when = f"last check-in {last} ({age} days ago)" if last else f"no check-in since the cycle started {age} days ago"
        yield Issue(kr.source, f"key result {kr.id} is stale: {when}; the cadence is {ctx.org.config.cadence_days} days",
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
