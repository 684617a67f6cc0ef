"""What an objective's key results measure together: value, more than one number, something to steer by."""

from __future__ import annotations

from okrops.lint.language import Text, lexicon, lexicons_for
from okrops.lint.registry import Issue, rule


def _norm(text: str) -> str:
    return " ".join(Text.of(text).words)


def _has(kr, name: str, candidates) -> bool:
    lexes = lexicons_for(kr.title, candidates) + [lexicon("en")]
    for source in (Text.of(kr.metric), Text.of(kr.title)):
        for lex in lexes:
            if source.has(lex.list(name)):
                return True
    return False


@rule(
    "objective-no-outcome", "objective", "warning",
    rationale="Initiatives track the effort, key results the value. When every key result of an objective "
              "is a task, an output or a KPI, nothing shows whether the objective was achieved.",
    hint="add at least one key result that measures the change the work is meant to cause; "
         "keep the deliverables as initiatives with milestones",
)
def objective_no_outcome(ctx, objective, options):
    krs = objective.key_results
    if not krs:
        return
    shapes = [ctx.kr_shape(kr, objective.unit) for kr in krs]
    if all(shape.task or shape.kpi for shape in shapes):
        yield Issue(objective.source.child("key_results"), f"none of the {len(krs)} key results of objective "
                    f"{objective.id} measures an outcome: they are tasks, outputs or KPIs", objective.ref, objective.unit)


@rule(
    "kr-same-metric", "objective", "info",
    rationale="Key results that all measure the same number show one side of the objective: a second, "
              "different measure (quality next to speed, retention next to acquisition) keeps it honest.",
    hint="replace one key result with a different measure of the same objective, e.g. a counter-metric",
    min_key_results=3,
)
def kr_same_metric(ctx, objective, options):
    metrics = [_norm(kr.metric) for kr in objective.key_results]
    if len(metrics) >= options["min_key_results"] and metrics[0] and len(set(metrics)) == 1:
        yield Issue(objective.source.child("key_results"), f"all {len(metrics)} key results of objective "
                    f"{objective.id} measure the same metric ({objective.key_results[0].metric!r})",
                    objective.ref, objective.unit)


@rule(
    "kr-leading-lagging-mix", "objective", "info",
    rationale="Lagging measures (revenue, churn, NPS) arrive too late to steer within a cycle; a leading "
              "measure (activation, usage, pipeline, cycle time) shows early whether the work is moving them. "
              "Units below the top are judged: the top of the organisation sets business results on purpose.",
    hint="add a key result the team can see moving week by week and that predicts the lagging one",
    min_key_results=2,
)
def kr_leading_lagging_mix(ctx, objective, options):
    krs = objective.key_results
    unit = ctx.org.units.get(objective.unit)
    if len(krs) < options["min_key_results"] or unit is None or unit.parent is None:
        return  # the top of the organisation sets lagging business results on purpose
    languages = ctx.languages(objective.unit)
    if all(_has(kr, "lagging", languages) and not _has(kr, "leading", languages) for kr in krs):
        yield Issue(objective.source.child("key_results"), f"all {len(krs)} key results of objective "
                    f"{objective.id} are lagging measures: nothing shows progress early in the cycle",
                    objective.ref, objective.unit)


@rule(
    "kr-vanity-metric", "key_result", "info",
    rationale="Page views, followers, downloads and other running totals go up whatever happens: they "
              "measure attention, not value, and are easy to game.",
    hint="measure what the attention turns into: a rate (visitors who sign up), active use, revenue",
)
def kr_vanity_metric(ctx, kr, objective, options):
    if kr.direction == "decrease" or (kr.baseline is not None and kr.target is not None and kr.target < kr.baseline):
        return
    if "%" in kr.measure_unit:
        return
    lexes = lexicons_for(kr.title, ctx.languages(objective.unit)) + [lexicon("en")]
    source = Text.of(kr.metric or kr.title)
    for lex in lexes:
        found = source.has(lex.list("vanity"))
        if found:
            yield Issue(kr.source, f"key result {kr.id} measures a vanity metric ({found!r}): it grows without "
                        "saying whether anyone got value", kr.ref, objective.unit)
            return


@rule(
    "committed-low-confidence", "key_result", "warning",
    rationale="A committed objective is one the team expects to reach in full; a key result it already "
              "doubts at the start of the cycle says the commitment is really an aspiration, or too big.",
    hint="make the objective aspirational, cut its scope, or say what would raise the confidence",
    min_confidence=0.5,
    max_elapsed=0.3,
)
def committed_low_confidence(ctx, kr, objective, options):
    if objective.aspirational or kr.confidence is None or not ctx.running(objective.cycle):
        return
    cycle = ctx.org.config.cycles[objective.cycle]
    elapsed = cycle.elapsed(ctx.today)
    if elapsed <= options["max_elapsed"] and kr.confidence < options["min_confidence"]:
        yield Issue(kr.source.child("confidence"), f"key result {kr.id} of committed objective {objective.id} has "
                    f"confidence {kr.confidence:g} with {elapsed:.0%} of the cycle gone", kr.ref, objective.unit)
