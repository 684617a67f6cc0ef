"""Objectives say what will be different, are owned by teams, and are never tied to pay."""

from __future__ import annotations

import re

from okrops.lint.registry import Issue, rule

VAGUE_PHRASES = [
    "enhance customer experience", "improve customer experience", "drive innovation", "foster innovation",
    "be the best", "world-class", "world class", "best-in-class", "best in class", "excellence",
    "synergy", "synergies", "leverage", "empower", "optimize processes", "optimise processes",
    "improve quality", "increase efficiency", "improve efficiency", "be more agile", "digital transformation",
    "next level", "delight customers",
]
CONTINUE_WORDS = ["continue", "keep", "maintain", "sustain", "carry on", "remain", "stay"]
COMPENSATION_WORDS = [
    "bonus", "bonuses", "compensation", "salary", "salaries", "payout", "incentive", "incentives",
    "sales commission", "commissions", "performance review", "performance rating", "appraisal", "variable pay", "pay rise", "raise",
]
_PERSON = re.compile(r"^@|@.+\.|^[A-Z][a-z]+(?:[ .][A-Z][a-z]+)+$")


def looks_like_person(owner: str) -> bool:
    """A handle (@alice), an e-mail address or a personal name (Jane Doe)."""
    return bool(_PERSON.search(owner))


def _words(phrases: list[str]) -> re.Pattern:
    return re.compile(r"\b(" + "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True)) + r")\b",
                      re.IGNORECASE)


@rule(
    "objective-vague", "objective", "warning",
    rationale="Slogans like 'drive innovation' sound good but guide no decision: nobody can tell what success looks like.",
    hint="name the outcome and who notices it (e.g. 'New customers go live in a day, not a month')",
    phrases=VAGUE_PHRASES,
)
def objective_vague(ctx, objective, options):
    match = _words(options["phrases"]).search(objective.title)
    if match:
        yield Issue(objective.source.child("title"), f"objective {objective.id} is vague ('{match.group(0)}'): "
                    "it does not say what will be different", objective.ref, objective.unit)


@rule(
    "objective-continue", "objective", "warning",
    rationale="'Continue doing X' is business as usual: that is run work, tracked by KPIs, not change.",
    hint="say what should be different at the end of the cycle, or track the activity as a KPI",
    words=CONTINUE_WORDS,
)
def objective_continue(ctx, objective, options):
    text = objective.title.strip().lower()
    for word in options["words"]:
        if text == word or text.startswith(word + " "):
            yield Issue(objective.source.child("title"), f"objective {objective.id} reads as business as usual "
                        f"('{word} ...')", objective.ref, objective.unit)
            return


@rule(
    "objective-no-why", "objective", "info",
    rationale="The why carries the strategic intent; without it teams cannot make trade-offs.",
    hint="add why: what this changes for the business or its customers, and why now",
)
def objective_no_why(ctx, objective, options):
    if not objective.why:
        yield Issue(objective.source, f"objective {objective.id} does not say why it matters", objective.ref, objective.unit)


@rule(
    "owner-is-person", "objective", "warning",
    rationale="OKRs are a team sport: a person as owner turns them into individual targets.",
    hint="set owner to a unit folder name, or leave it out to mean this file's unit",
)
def owner_is_person(ctx, objective, options):
    if objective.owner and objective.owner not in ctx.org.units and looks_like_person(objective.owner):
        yield Issue(objective.source.child("owner"), f"objective {objective.id} is owned by a person "
                    f"({objective.owner!r}), not a team", objective.ref, objective.unit)


@rule(
    "no-compensation", "objective", "error",
    rationale="Tying OKRs to bonuses or individual performance rewards sandbagging and kills honest red.",
    hint="remove the link to pay or performance reviews; keep OKRs about learning and focus",
    words=COMPENSATION_WORDS,
)
def no_compensation(ctx, objective, options):
    pattern = _words(options["words"])
    texts = [(objective.source.child("title"), objective.title), (objective.source.child("why"), objective.why)]
    texts += [(kr.source.child("title"), kr.title) for kr in objective.key_results]
    for entity in (objective, *objective.key_results):
        for key in entity.extensions:
            texts.append((entity.source.child(key), key.replace("-", " ").replace("_", " ")))
    for source, text in texts:
        match = pattern.search(text or "")
        if match:
            yield Issue(source, f"ties OKRs to compensation or individual performance ('{match.group(0)}')",
                        objective.ref, objective.unit)
