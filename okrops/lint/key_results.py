"""Key results measure outcomes with a baseline, a target and real data."""

from __future__ import annotations

from okrops.lint.registry import Issue, rule

# The task verbs and the prefix test of earlier versions, kept for okrops.review.diff (which flags a key
# result reworded into a task). kr-is-task itself reads the fields and the word lists of
# okrops/lint/lang/ (see okrops.lint.kr_shape).
TASK_VERBS = [
    "launch", "implement", "deliver", "build", "create", "develop", "release", "ship", "complete", "finish",
    "produce", "write", "publish", "run", "hold", "organise", "organize", "set up", "roll out", "deploy",
    "introduce", "design", "conduct", "host", "prepare", "draft", "document", "migrate", "install",
    "configure", "attend", "start", "begin", "do", "make", "hire", "train", "automate", "integrate", "refactor",
]


def _starts_with_task_verb(title: str, verbs: list[str]) -> str | None:
    text = title.strip().lower()
    for verb in sorted(verbs, key=len, reverse=True):
        if text == verb or text.startswith(verb + " "):
            return verb
    return None



@rule(
    "kr-is-task", "key_result", "warning",
    rationale="A key result measures a change in the world, not the work done to cause it: "
              "'launch the feature' is effort and belongs in an initiative. The fields say it in any "
              "language: a yes/no target, a count of things the team produces, a 0 -> 100% rollout.",
    hint="say what changes and by how much (e.g. 'Weekly active users of X from 1,200 to 2,000'); "
         "move the work to an initiative that names this key result",
    verbs=[],
)
def kr_is_task(ctx, kr, objective, options):
    shape = ctx.kr_shape(kr, objective.unit)
    if shape.task:
        yield Issue(kr.source.child("title"), f"key result {kr.id} {shape.task}", kr.ref, objective.unit)


@rule(
    "kr-not-measurable", "key_result", "error",
    rationale="Without a target there is no way to tell whether the key result was achieved.",
    hint="add a metric, a baseline and a target (or direction: range with range.min and range.max)",
)
def kr_not_measurable(ctx, kr, objective, options):
    if not kr.measurable:
        yield Issue(kr.source, f"key result {kr.id} has no target: nothing measurable says when it is achieved",
                    kr.ref, objective.unit)


@rule(
    "kr-no-baseline", "key_result", "warning",
    rationale="A target means little without knowing where you start; the baseline makes progress honest.",
    hint="add baseline: the value at the start of the cycle (measure it now if nobody has)",
)
def kr_no_baseline(ctx, kr, objective, options):
    if _reported_as_kpi(ctx, kr, objective):
        return  # one finding for one problem: it is a KPI, a baseline would not make it a key result
    if kr.direction != "range" and kr.target is not None and kr.baseline is None:
        yield Issue(kr.source, f"key result {kr.id} has a target but no baseline", kr.ref, objective.unit)


@rule(
    "kr-target-equals-baseline", "key_result", "warning",
    rationale="A target equal to the baseline asks for no change: that is keeping the lights on, a KPI.",
    hint="set a target that represents real change, or track this number as a KPI in unit.yaml",
)
def kr_target_equals_baseline(ctx, kr, objective, options):
    if _reported_as_kpi(ctx, kr, objective):
        return
    if kr.baseline is not None and kr.target is not None and kr.baseline == kr.target:
        yield Issue(kr.source.child("target"), f"key result {kr.id}: target equals baseline ({kr.target:g}), "
                    "so it asks for no change", kr.ref, objective.unit)


def _reported_as_kpi(ctx, kr, objective) -> bool:
    return bool(ctx.kr_shape(kr, objective.unit).kpi) and ctx.enabled("kr-is-kpi", objective.unit)


@rule(
    "kr-is-kpi", "key_result", "warning",
    rationale="Keeping a number where it is keeps the business running (a KPI); OKRs are for change. "
              "'Keep', 'maintain' or 'stay above' with no baseline or a target equal to it, or a range "
              "the number already sits in, asks for no change. A range that starts outside is a change.",
    hint="move it to kpis: in the unit's unit.yaml with healthy and warning bands, "
         "or say what should change (a baseline outside the range, a target beyond the baseline)",
)
def kr_is_kpi(ctx, kr, objective, options):
    reason = ctx.kr_shape(kr, objective.unit).kpi
    if reason:
        where = kr.source.child("direction") if kr.direction == "range" else kr.source.child("title")
        yield Issue(where, f"key result {kr.id} {reason}: that is a KPI, not a key result", kr.ref, objective.unit)


@rule(
    "kr-no-data-source", "key_result", "info",
    rationale="Instrument key results with real data, not opinion: say where the number comes from.",
    hint="add data_source: the dashboard, query or report the value is read from (or a source: okrops collect reads)",
)
def kr_no_data_source(ctx, kr, objective, options):
    if kr.measurable and not kr.data_source and kr.metric_source is None:  # a source: says it too
        yield Issue(kr.source, f"key result {kr.id} does not say where its number comes from", kr.ref, objective.unit)


@rule(
    "kr-no-current", "key_result", "warning",
    rationale="A running key result with no measured value cannot be scored or discussed.",
    hint="check in a value with 'okrops checkin <ref> <value>'",
)
def kr_no_current(ctx, kr, objective, options):
    if kr.measurable and kr.current is None and ctx.running(objective.cycle):
        yield Issue(kr.source, f"key result {kr.id} has no current value although its cycle is running",
                    kr.ref, objective.unit)


@rule(
    "kr-no-unit", "key_result", "info",
    rationale="A target of 200 means nothing until it says 200 what: a metric and a unit make the number readable.",
    hint="add metric: what is measured, and unit: its unit (%, days, EUR, accounts...)",
)
def kr_no_unit(ctx, kr, objective, options):
    if kr.measurable and not kr.metric.strip() and not kr.measure_unit.strip():
        yield Issue(kr.source, f"key result {kr.id} has a number but no metric and no unit", kr.ref, objective.unit)
