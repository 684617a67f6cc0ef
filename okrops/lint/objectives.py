"""Objectives say what will be different, are owned by teams, and are never tied to pay."""

from __future__ import annotations

from okrops.lint.language import Text, lexicons_for
from okrops.lint.owners import classify, looks_like_person  # noqa: F401  (looks_like_person: used by validate)
from okrops.lint.registry import Issue, rule
from okrops.lint.wording import continue_reason, pay_key, pay_tie, vague_reason


def _short(text: str, words: int = 6) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + (" ..." if len(parts) > words else "")


@rule(
    "objective-vague", "objective", "warning",
    rationale="Slogans like 'drive innovation' sound good but guide no decision: nobody can tell what success looks like. "
              "Hype, superlatives and generic verbs with evergreen nouns are vague; a named who, a number, "
              "a time frame or a clause that says what changes makes an objective concrete.",
    hint="name the outcome and who notices it (e.g. 'New customers go live in a day, not a month')",
    phrases=[],
)
def objective_vague(ctx, objective, options):
    if ctx.enabled("objective-continue", objective.unit) and \
            continue_reason(objective.title, ctx.languages(objective.unit)):
        return  # one finding for one problem: business as usual says it better
    reason = vague_reason(objective.title, ctx.languages(objective.unit), options["phrases"])
    if reason:
        yield Issue(objective.source.child("title"), f"objective {objective.id} is vague ('{_short(reason)}'): "
                    "it does not say what will be different", objective.ref, objective.unit)


@rule(
    "objective-continue", "objective", "warning",
    rationale="'Continue doing X' is business as usual: that is run work, tracked by KPIs, not change. "
              "So are 'keep', 'maintain', 'keep the lights on' and running or supporting what exists, "
              "unless the objective asks for more, better or something new.",
    hint="say what should be different at the end of the cycle, or track the activity as a KPI",
    words=[],
)
def objective_continue(ctx, objective, options):
    reason = continue_reason(objective.title, ctx.languages(objective.unit), options["words"])
    if reason:
        yield Issue(objective.source.child("title"), f"objective {objective.id} reads as business as usual "
                    f"('{reason} ...')", objective.ref, objective.unit)


@rule(
    "objective-no-why", "objective", "info",
    rationale="The why carries the strategic intent; without it teams cannot make trade-offs.",
    hint="add why: what this changes for the business or its customers, and why now",
)
def objective_no_why(ctx, objective, options):
    if not objective.why:
        yield Issue(objective.source, f"objective {objective.id} does not say why it matters", objective.ref, objective.unit)


@rule(
    "objective-is-metric", "objective", "info",
    rationale="An objective is the qualitative direction; the numbers belong in its key results. "
              "'Grow revenue from 2M to 3M' as an objective leaves nothing for the key results to add.",
    hint="say in words what will be different and move the number into a key result",
)
def objective_is_metric(ctx, objective, options):
    text = Text.of(objective.title)
    patterns = [p for lex in lexicons_for(objective.title, ctx.languages(objective.unit)) for p in lex.strings("from_to")]
    if text.matches_any(patterns):
        yield Issue(objective.source.child("title"), f"objective {objective.id} reads like a key result "
                    "(a number from one value to another)", objective.ref, objective.unit)


@rule(
    "owner-is-person", "objective", "warning",
    rationale="OKRs are a team sport: a person as owner turns them into individual targets.",
    hint="set owner to a unit folder name, or leave it out to mean this file's unit",
)
def owner_is_person(ctx, objective, options):
    if not objective.owner:
        return
    kind = classify(objective.owner, ctx.org)
    if kind.kind == "person":
        yield Issue(objective.source.child("owner"), f"objective {objective.id} is owned by a person "
                    f"({objective.owner!r}: {kind.detail}), not a team", objective.ref, objective.unit)


@rule(
    "owner-not-unit", "objective", "error",
    rationale="The owner is a unit's folder name, the id that references, the site and CODEOWNERS use; "
              "a display name or a code-host team handle looks right to people but points nowhere.",
    hint="write the unit's folder name (e.g. fleet-platform); put team handles in the unit's maintainers",
)
def owner_not_unit(ctx, objective, options):
    if not objective.owner:
        return
    kind = classify(objective.owner, ctx.org)
    where = objective.source.child("owner")
    if kind.kind == "unit-name":
        yield Issue(where, f"owner {objective.owner!r} of objective {objective.id} names the unit "
                    f"{kind.detail!r} the way people read it; write its folder name: owner: {kind.detail}",
                    objective.ref, objective.unit)
    elif kind.kind == "team-handle":
        meant = f"; the unit is probably {kind.detail!r}" if kind.detail else ""
        yield Issue(where, f"owner {objective.owner!r} of objective {objective.id} is a team handle: it belongs "
                    f"in the unit's maintainers (unit.yaml), and owner takes a unit folder name{meant}",
                    objective.ref, objective.unit)


@rule(
    "no-compensation", "objective", "error",
    rationale="Tying OKRs to bonuses or individual performance rewards sandbagging and kills honest red. "
              "It fires on a tie (tied to, counts toward, feeds into, determines, bonus-relevant, an x-bonus key), "
              "not on the topic: a payroll team may measure salary errors.",
    hint="remove the link to pay or performance reviews; keep OKRs about learning and focus",
    words=[],
)
def no_compensation(ctx, objective, options):
    languages = ctx.languages(objective.unit)
    texts = [(objective.source.child("title"), objective.title), (objective.source.child("why"), objective.why)]
    texts += [(kr.source.child("title"), kr.title) for kr in objective.key_results]
    for source, text in texts:
        word = pay_tie(text or "", languages, options["words"])
        if word:
            yield Issue(source, f"ties OKRs to compensation or individual performance ('{word}')",
                        objective.ref, objective.unit)
    for entity in (objective, *objective.key_results):
        for key in entity.extensions:
            word = pay_key(key) or next((w for w in options["words"] if w.lower() in key.lower()), None)
            if word:
                yield Issue(entity.source.child(key), f"ties OKRs to compensation or individual performance "
                            f"(the key {key!r})", objective.ref, objective.unit)
