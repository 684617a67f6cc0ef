"""The judgement rules read the fields, check that a first word really is a verb, know several
languages, and report one finding per problem; each through a real repository and `okrops lint`."""

from __future__ import annotations

import pytest

from okrops.lint import LintContext, lint
from okrops.validate import validate
from tests.conftest import good_kr, good_objective
from tests.test_lint import PLATFORM, TODAY, objectives

BARE = {"current": None, "confidence": None}


def key_result(**fields) -> dict:
    data = {"id": "KR1", "data_source": "dashboard", "current": 1}
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def findings(org, krs=None, lint_yaml: str = "", **objective_patch):
    patch = dict(objective_patch)
    if krs is not None:
        patch["key_results"] = krs
    org.okrs_file(PLATFORM, "2026-Q4", [{k: v for k, v in o.items() if v is not None} for o in objectives(patch)])
    if lint_yaml:
        config = org.root / "okrs/okrops.yaml"
        config.write_text(config.read_text().split("lint:")[0] + lint_yaml)
    result = validate(org.root)
    found = lint(LintContext(result.organisation, TODAY))
    mine = [f for f in found if f.ref.startswith("platform/2026-Q4/O1")]
    return {(f.rule, f.message) for f in mine}, [f for f in result.findings if f.ref.startswith("platform/")]


def rules(org, krs=None, **kw) -> set[str]:
    return {rule for rule, _ in findings(org, krs, **kw)[0]}


# --- key results: the fields speak -------------------------------------------------------------
@pytest.mark.parametrize("title,fields,expected", [
    # A word that can be a verb but starts a noun phrase.
    ("Build time on main falls from 22 to 8 minutes", dict(metric="build time", unit="minutes", baseline=22, target=8,
                                                          direction="decrease"), None),
    ("Build a self-serve partner portal", dict(target=1), "reads as a task ('Build ...')"),
    # An outcome in money outweighs a task verb.
    ("Launch in Germany", dict(metric="German revenue", unit="EUR", baseline=0, target=250000), None),
    # A yes/no target in a language okrops has no word list for.
    ("Uusi verkkosivusto julkaistu", dict(baseline=0, target=1, unit="valmis"), "is a yes/no deliverable"),
    # A change verb in front of a count of things the team produces.
    ("Increase blog posts from 4 to 12 a month", dict(metric="blog posts", unit="posts", baseline=4, target=12),
     "counts outputs ('posts')"),
    # Fewer of them is an outcome.
    ("Meetings per engineer fall from 14 to 8", dict(metric="meetings per engineer", unit="meetings", baseline=14,
                                                     target=8, direction="decrease"), None),
    # A qualifier or a denominator is not what is counted.
    ("Demo requests from the pricing page from 40 to 90", dict(metric="demo requests", unit="requests", baseline=40,
                                                               target=90), None),
    ("Rollout to every store", dict(metric="stores on the new till", unit="%", baseline=0, target=100),
     "has a rollout shape (0 -> 100%)"),
    ("Billing migrated to Stripe", dict(metric="billing on Stripe", baseline=0, target=1), "is a yes/no deliverable"),
    ("Migrated customers active after 30 days from 70% to 90%", dict(unit="%", baseline=70, target=90), None),
    ("Neues Onboarding einführen", dict(target=1), "reads as a task ('einführen ...')"),
    ("Churn-Rate von 5 % auf 3 % senken", dict(unit="%", baseline=5, target=3, direction="decrease"), None),
    ("Lanzamiento del programa de fidelización", dict(target=1), "reads as a task ('Lanzamiento ...')"),
])
def test_kr_is_task_reads_the_fields_and_checks_the_verb(standard_org, title, fields, expected):
    found, _ = findings(standard_org, [key_result(title=title, **fields)])
    messages = [m for r, m in found if r == "kr-is-task"]
    if expected is None:
        assert messages == []
    else:
        assert len(messages) == 1 and expected in messages[0], messages


@pytest.mark.parametrize("title,fields,kpi", [
    ("Keep churn below 2% a month", dict(metric="churn", unit="%", target=2, direction="decrease"), True),
    ("Hold gross margin at 42%", dict(metric="margin", unit="%", baseline=42, target=42), True),
    ("Mantener la disponibilidad por encima del 99,9 %", dict(unit="%", target=99.9), True),
    ("Verfügbarkeit bei mindestens 99,9 % halten", dict(unit="%", target=99.9), True),
    ("Inventory turns between 8 and 10", dict(direction="range", range={"min": 8, "max": 10}, baseline=9), True),
    ("Bring p95 latency into 0-250 ms", dict(unit="ms", direction="range", range={"min": 0, "max": 250}, baseline=420),
     False),
    ("Keep p95 latency under 200 ms, down from 350", dict(unit="ms", baseline=350, target=200, direction="decrease"),
     False),
])
def test_kr_is_kpi_needs_no_change_asked(standard_org, title, fields, kpi):
    assert ("kr-is-kpi" in rules(standard_org, [key_result(title=title, **fields)])) is kpi


def test_one_finding_for_a_kpi_not_three(standard_org):
    keep_no_baseline = key_result(title="Keep churn below 2%", metric="churn", unit="%", target=2, direction="decrease")
    keep_same = key_result(id="KR2", title="Maintain uptime at 99.9%", metric="uptime", unit="%", baseline=99.9,
                           target=99.9)
    found = rules(standard_org, [keep_no_baseline, keep_same])
    assert "kr-is-kpi" in found
    assert not found & {"kr-no-baseline", "kr-target-equals-baseline", "kr-is-task"}
    # With kr-is-kpi off, the structural rules speak again.
    found = rules(standard_org, [keep_no_baseline, keep_same], lint_yaml="lint:\n  rules:\n    kr-is-kpi: off\n")
    assert {"kr-no-baseline", "kr-target-equals-baseline"} <= found
    # A target equal to the baseline without keep-wording is not a KPI, it is an unfinished key result.
    found = rules(standard_org, [key_result(title="Activation from 30% to 30%", unit="%", baseline=30, target=30)])
    assert "kr-target-equals-baseline" in found and "kr-is-kpi" not in found


# --- objectives ----------------------------------------------------------------------------------
@pytest.mark.parametrize("title,vague", [
    ("Become a truly data-driven organisation", True),
    ("Optimise our internal processes", True),
    ("Our team is more productive", True),
    ("Be the market leader in our category", True),
    ("Strengthen our position with hospital procurement teams in Germany", False),
    ("Improve onboarding so new admins set up a team without our help", False),
    ("Grow revenue in the Nordics by 30% by the end of Q4", False),
    ("Kundenerlebnis verbessern", True),
    ("Améliorer l'expérience client", True),
    ("Los técnicos resuelven la avería en la primera visita", False),
])
def test_objective_vague_judges_the_shape(standard_org, title, vague):
    assert ("objective-vague" in rules(standard_org, title=title)) is vague


def test_business_as_usual_is_one_finding_not_two(standard_org):
    found = rules(standard_org, title="Support the sales team")
    assert "objective-continue" in found and "objective-vague" not in found
    assert "objective-continue" not in rules(standard_org, title="Keep customers for longer")
    assert "objective-continue" in rules(standard_org, title="Weiterhin Bestandskunden betreuen")


# --- owners --------------------------------------------------------------------------------------
@pytest.mark.parametrize("owner,expected,validate_error", [
    ("Platform", "owner-not-unit", False),          # the unit's display name
    ("platform team", "owner-not-unit", False),
    ("@acme/platform", "owner-not-unit", False),    # a team handle: maintainers
    ("jane doe", "owner-is-person", False),
    ("María José García-López", "owner-is-person", False),
    ("Dr. Amara Okafor", "owner-is-person", False),
    ("Иван Петров", "owner-is-person", False),
    ("platfrom", None, True),                       # a typo: validate's unknown-ref
])
def test_owner_values_are_explained_once(standard_org, owner, expected, validate_error):
    found, validation = findings(standard_org, owner=owner)
    owner_rules = {r for r, _ in found if r.startswith("owner-")}
    assert owner_rules == ({expected} if expected else set())
    assert any(f.rule == "unknown-ref" for f in validation) is validate_error


# --- pay -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("field,text,fires", [
    ("why", "Counts toward each engineer's performance review", True),
    ("why", "Dieses Ziel ist bonusrelevant", True),
    ("why", "Este objetivo está vinculado al bono anual", True),
    ("why", "No bonus is tied to OKRs here", False),
    ("title", "Premium members use the bonus features every week", False),
    ("why", "Salary payment errors cost us trust", False),
])
def test_no_compensation_needs_a_tie(standard_org, field, text, fires):
    assert ("no-compensation" in rules(standard_org, **{field: text})) is fires


def test_raise_in_a_key_result_is_not_pay(standard_org):
    kr = good_kr("KR1", title="Raise NPS from 30 to 45", metric="NPS", unit="points", baseline=30, target=45, current=35)
    assert "no-compensation" not in rules(standard_org, [kr])


# --- languages -----------------------------------------------------------------------------------
GERMAN_OUTPUT = dict(title="6 Blogartikel veröffentlichen", metric="Blogartikel", unit="Artikel", baseline=2, target=6)


def test_lint_language_selects_the_word_lists(standard_org):
    assert "kr-is-task" in rules(standard_org, [key_result(**GERMAN_OUTPUT)])  # auto: detected as German
    assert "kr-is-task" in rules(standard_org, [key_result(**GERMAN_OUTPUT)], lint_yaml="lint:\n  language: de\n")
    # Read as Spanish only (and English), the German words mean nothing.
    assert "kr-is-task" not in rules(standard_org, [key_result(**GERMAN_OUTPUT)], lint_yaml="lint:\n  language: es\n")


def test_a_unit_sets_its_own_language(standard_org):
    standard_org.unit(PLATFORM, "Platform", lint={"language": "de"})
    assert "kr-is-task" in rules(standard_org, [key_result(**GERMAN_OUTPUT)], lint_yaml="lint:\n  language: es\n")


# --- the options of earlier versions keep working -------------------------------------------------
def test_list_options_add_to_the_built_in_judgement(standard_org):
    spike = key_result(title="Spike a caching layer for search", metric="searches", unit="searches", baseline=100,
                       target=200)
    assert "kr-is-task" not in rules(standard_org, [spike])
    assert "kr-is-task" in rules(standard_org, [spike], lint_yaml="lint:\n  rules:\n    kr-is-task: {verbs: [spike]}\n")
    title = "A moonshot for mobile payments in Kenya"
    assert "objective-vague" not in rules(standard_org, title=title)
    assert "objective-vague" in rules(standard_org, title=title,
                                      lint_yaml="lint:\n  rules:\n    objective-vague: {phrases: [moonshot]}\n")
    assert "objective-continue" in rules(standard_org, title="Look after the partner programme",
                                         lint_yaml="lint:\n  rules:\n    objective-continue: {words: [look after]}\n")
    assert "no-compensation" in rules(standard_org, why="Tied to the stock options grant",
                                      lint_yaml="lint:\n  rules:\n    no-compensation: {words: [stock options]}\n")


def test_good_objective_fixture_stays_clean(standard_org):
    assert rules(standard_org, **good_objective("O1")) == set()
