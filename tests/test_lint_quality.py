"""The judgement rules keep their measured precision and recall on the labelled corpus (tests/lint-corpus/).

The corpus is written into a real OKR repository, validated and linted; see tests/lint_corpus.py.
The floors start from the figures the rules reached (README: "Lint rules") and only go up.
"""

from __future__ import annotations

import pytest

from tests.lint_corpus import JUDGED, JUDGEMENT_RULES, load_items, mistakes, run, scores

# (precision, recall) floors per rule, on the tuning part and on the kept-aside part.
FLOORS = {
    "tuning": {rule: (0.95, 0.95) for rule in JUDGEMENT_RULES + ("owner-not-unit",)},
    "heldout": {rule: (0.90, 0.85) for rule in JUDGEMENT_RULES + ("owner-not-unit",)},
}


@pytest.fixture(scope="module")
def judged():
    return run(load_items())


def below_floor(items, part: str) -> list[str]:
    problems = []
    for rule, score in scores(items, part).items():
        floor_p, floor_r = FLOORS[part][rule]
        if score.precision is None or score.precision < floor_p or score.recall is None or score.recall < floor_r:
            wrong = [f"{what}: {item.label}" for r, what, item in mistakes(items, part) if r == rule][:8]
            problems.append(f"{rule} on the {part} part: precision {score.precision}, recall {score.recall} "
                            f"(floors {floor_p}, {floor_r}); {wrong}")
    return problems


@pytest.mark.parametrize("part", ["tuning", "heldout"])
def test_judgement_rules_stay_above_their_floors(judged, part):
    assert below_floor(judged, part) == []


def test_the_corpus_is_big_and_varied_enough():
    items = load_items()
    kinds = {kind: [i for i in items if i.kind == kind] for kind in JUDGED}
    assert len(kinds["key_results"]) >= 400 and len(kinds["objectives"]) >= 200
    assert len(kinds["owners"]) >= 60 and len(kinds["pay"]) >= 60
    assert {"en", "es", "fr", "de", "pt"} <= {i.lang for i in items}
    for part in ("tuning", "heldout"):
        for rule in JUDGEMENT_RULES:
            positives = [i for i in items if i.part == part and rule in i.expected]
            assert len(positives) >= 8, (part, rule)
    heldout = sum(1 for i in items if i.part == "heldout")
    assert 0.2 <= heldout / len(items) <= 0.4


def test_the_floors_catch_a_broken_rule():
    """With a judgement rule switched off, its recall drops and the floor check fails."""
    items = run(load_items(("tuning",)), {"rules": {"kr-is-task": "off", "no-compensation": "off"}})
    problems = below_floor(items, "tuning")
    assert any(p.startswith("kr-is-task") for p in problems)
    assert any(p.startswith("no-compensation") for p in problems)
