"""okrops lint: every rule fires on a bad example and stays quiet on a good one; settings and suppression."""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner

from okrops.cli import cli
from okrops.lint import LintContext, all_rules, lint
from okrops.validate import validate
from tests.conftest import good_kr, good_objective

TODAY = date(2026, 11, 25)
PLATFORM = "acme/eng/platform"


def objectives(*overrides: dict, count: int = 3) -> list[dict]:
    """Three aligned, clean objectives for platform/2026-Q4; overrides patch O1, O2, ..."""
    result = [good_objective(f"O{i + 1}", aligns_to={"parent": f"eng/2026-Q4/O{i % 3 + 1}/KR1"}) for i in range(count)]
    for index, patch in enumerate(overrides):
        result[index].update(patch)
    return result


def kr(**patch) -> dict:
    return good_kr("KR1", **patch)


def lint_rules(org_builder, today=TODAY, last_checkins=None) -> list[tuple[str, str]]:
    result = validate(org_builder.root)
    assert [f for f in result.findings if f.severity.label == "error"] == []
    found = lint(LintContext(result.organisation, today, last_checkins))
    return [(f.rule, f.message) for f in found]


def fired(org_builder, **kw) -> set[str]:
    return {rule for rule, _ in lint_rules(org_builder, **kw)}


def test_the_standard_organisation_is_clean(standard_org):
    assert lint_rules(standard_org) == []


# Each case: rule id, the platform objectives that break it, and a near miss that must stay quiet.
CASES = [
    ("objectives-per-unit", objectives(count=6), objectives(count=5)),
    ("objectives-per-unit", objectives(count=2), objectives(count=3)),
    ("key-results-per-objective", objectives({"key_results": [good_kr(f"KR{i}") for i in range(1, 7)]}),
     objectives({"key_results": [good_kr(f"KR{i}") for i in range(1, 6)]})),
    ("key-results-per-objective", objectives({"key_results": []}), objectives({"key_results": [kr()]})),
    ("kr-is-task", objectives({"key_results": [kr(title="Launch the new onboarding flow")]}),
     objectives({"key_results": [kr(title="Activation rate from 20% to 35% after the new onboarding")]})),
    ("kr-is-task", objectives({"key_results": [kr(title="Set up a data warehouse")]}),
     objectives({"key_results": [kr(title="Setup time for new customers from 5 days to 1")]})),
    ("kr-is-task", objectives({"key_results": [kr(title="Produce 12 documents about pricing")]}),
     objectives({"key_results": [kr(title="Pricing page conversion from 2% to 3%")]})),
    ("kr-not-measurable", objectives({"key_results": [{"id": "KR1", "title": "Customers are happier"}]}),
     objectives({"key_results": [kr()]})),
    ("kr-no-baseline", objectives({"key_results": [{k: v for k, v in kr().items() if k != "baseline"}]}),
     objectives({"key_results": [kr()]})),
    ("kr-target-equals-baseline", objectives({"key_results": [kr(baseline=200, target=200)]}),
     objectives({"key_results": [kr(baseline=199, target=200)]})),
    ("kr-is-kpi", objectives({"key_results": [{"id": "KR1", "title": "Uptime between 99.9 and 100", "direction": "range",
                                             "range": {"min": 99.9, "max": 100}, "current": 99.95, "data_source": "x"}]}),
     objectives()),
    ("kr-no-data-source", objectives({"key_results": [{k: v for k, v in kr().items() if k != "data_source"}]}),
     objectives()),
    ("kr-no-current", objectives({"key_results": [{k: v for k, v in kr().items() if k != "current"}]}),
     objectives()),
    ("objective-vague", objectives({"title": "Drive innovation across the platform"}),
     objectives({"title": "Teams deploy on their own in under an hour"})),
    ("objective-vague", objectives({"title": "Enhance customer experience"}),
     objectives({"title": "Support tickets about billing halve"})),
    ("objective-continue", objectives({"title": "Continue supporting legacy customers"}),
     objectives({"title": "Legacy customers migrate without support tickets"})),
    ("objective-no-why", objectives({"why": None}), objectives()),
    ("objective-floating", objectives({"aligns_to": {}}), objectives({"aligns_to": {"strategies": ["growth"]}})),
    ("parent-not-ancestor", objectives({"aligns_to": {"parent": "platform/2026-Q4/O2"}}), objectives()),
    ("owner-is-person", objectives({"owner": "@alice"}), objectives({"owner": "eng"})),
    ("owner-is-person", objectives({"owner": "Jane Doe"}), objectives({"owner": "platform"})),
    ("no-compensation", objectives({"why": "Hitting this pays the quarterly bonus"}), objectives({"why": "Customers churn less"})),
    ("no-compensation", objectives({"x-bonus-weight": 0.2}), objectives({"x-jira": "PLAT-1"})),
    ("alignment-coverage", objectives({"aligns_to": {}}, {"aligns_to": {}}), objectives({"aligns_to": {}})),
    # Rules added with issue 11.
    ("owner-not-unit", objectives({"owner": "Platform"}), objectives({"owner": "platform"})),
    ("owner-not-unit", objectives({"owner": "@acme/platform"}), objectives({"owner": "eng"})),
    ("objective-is-metric", objectives({"title": "Grow ARR from EUR 2M to EUR 3M"}),
     objectives({"title": "Self-serve customers pay for themselves"})),
    ("objective-no-outcome", objectives({"key_results": [kr(title="Launch the beta", baseline=0, target=1),
                                                         good_kr("KR2", title="Publish 12 posts", metric="posts", unit="posts",
                                                                 baseline=0, target=12)]}),
     objectives({"key_results": [kr(title="Launch the beta", baseline=0, target=1), good_kr("KR2")]})),
    ("kr-same-metric", objectives({"key_results": [kr(), good_kr("KR2"), good_kr("KR3")]}),
     objectives({"key_results": [kr(), good_kr("KR2"), good_kr("KR3", metric="trial-to-paid conversion", unit="%",
                                                                 baseline=3, target=5)]})),
    ("kr-leading-lagging-mix", objectives({"key_results": [kr(title="ARR from EUR 2M to EUR 3M", metric="ARR", unit="EUR",
                                                              baseline=2, target=3),
                                                           good_kr("KR2", title="Logo churn from 3% to 2%", metric="churn",
                                                                   unit="%", baseline=3, target=2, current=2.5,
                                                                   direction="decrease")]}),
     objectives({"key_results": [kr(title="ARR from EUR 2M to EUR 3M", metric="ARR", unit="EUR", baseline=2, target=3),
                                 good_kr("KR2")]})),
    ("kr-vanity-metric", objectives({"key_results": [kr(title="Page views from 10k to 50k", metric="page views",
                                                        unit="views", baseline=10000, target=50000, current=20000)]}),
     objectives({"key_results": [kr(title="Visitors who sign up from 2% to 3%", metric="visitor sign-up rate", unit="%",
                                    baseline=2, target=3, current=2.5)]})),
    ("kr-no-unit", objectives({"key_results": [{k: v for k, v in kr().items() if k not in ("metric", "unit")}]}),
     objectives({"key_results": [{k: v for k, v in kr().items() if k != "metric"}]})),
    ("parent-skips-level", objectives({"aligns_to": {"parent": "acme/FY2026/O1"}}), objectives()),
    ("parent-skips-level", objectives({"aligns_to": {"parents": ["eng/2026-Q4/O1", "acme/FY2026/O2"]}}),
     objectives({"aligns_to": {"parents": ["eng/2026-Q4/O1", {"ref": "acme/FY2026/O2",
                                                              "reason": "the company owns this number directly"}]}})),
    ("parent-weights", objectives({"aligns_to": {"parent": [{"ref": "eng/2026-Q4/O1", "weight": 0.6},
                                                            {"ref": "eng/2026-Q4/O2", "weight": 0.6}]}}),
     objectives({"aligns_to": {"parent": [{"ref": "eng/2026-Q4/O1", "weight": 0.6},
                                          {"ref": "eng/2026-Q4/O2", "weight": 0.4}]}})),
    ("parent-weights", objectives({"aligns_to": {"parent": [{"ref": "eng/2026-Q4/O1", "weight": 1},
                                                            "eng/2026-Q4/O2"]}}),
     objectives({"aligns_to": {"parent": [{"ref": "eng/2026-Q4/O1", "weight": 0.7}, "eng/2026-Q4/O2"]}})),
]


def test_kr_many_contributors_fires_past_the_maximum(standard_org):
    for team in ("sales", "ops", "data"):
        standard_org.unit(f"acme/{team}")
    standard_org.okrs_file(PLATFORM, "2026-Q4", objectives({"key_results": [
        kr(contributors=["eng", "sales", "ops", "data"]), good_kr("KR2")]}))
    found = [m for r, m in lint_rules(standard_org) if r == "kr-many-contributors"]
    assert found == ["key result KR1 has 4 contributors besides its owner platform; with more than 3 nobody clearly owns it"]
    standard_org.okrs_file(PLATFORM, "2026-Q4", objectives({"key_results": [
        kr(contributors=["eng", "sales", "ops"]), good_kr("KR2")]}))
    assert "kr-many-contributors" not in fired(standard_org)


@pytest.mark.parametrize("rule,bad,good", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_rule_fires_on_bad_and_stays_quiet_on_good(standard_org, rule, bad, good):
    def clean(objs):
        return [{k: v for k, v in o.items() if v is not None} for o in objs]

    standard_org.okrs_file(PLATFORM, "2026-Q4", clean(bad))
    assert rule in fired(standard_org)
    standard_org.okrs_file(PLATFORM, "2026-Q4", clean(good))
    assert rule not in fired(standard_org)


def test_every_rule_has_a_case_or_a_dedicated_test():
    covered = {case[0] for case in CASES} | {"objectives-in-flight", "stale", "sandbagging"}
    covered |= {"initiative-no-kr", "parent-kr-crowded", "kr-many-contributors", "dependency-unconfirmed", "kr-shared-no-owner", "kr-copies-parent", "aspirational-always-met",
                "cycle-not-reflected", "milestone-overdue", "committed-low-confidence", "kpi-no-thresholds",
                "kr-title-outdated", "rewrite-unchanged", "milestone-before-cycle"}  # tests/test_cycle_rhythm.py
    assert covered == set(all_rules())


def test_every_rule_documents_itself():
    for rule in all_rules().values():
        assert rule.rationale.endswith(".") and len(rule.rationale) > 30, rule.id
        assert rule.hint and rule.severity.label in ("error", "warning", "info"), rule.id


def test_objectives_in_flight_is_organisation_wide(standard_org):
    assert "objectives-in-flight" not in fired(standard_org)
    standard_org.write("okrs/okrops.yaml", standard_org.root.joinpath("okrs/okrops.yaml").read_text()
                       + "lint:\n  rules:\n    objectives-in-flight: {max: 5}\n")
    messages = [m for r, m in lint_rules(standard_org) if r == "objectives-in-flight"]
    assert messages == ["6 objectives in flight in 2026-Q4 across the organisation; the limit is 5"]


def test_stale_needs_history_and_respects_the_cadence(standard_org):
    # Without history (no git), staleness is not judged.
    assert "stale" not in fired(standard_org)
    refs = sorted(validate(standard_org.root).organisation.key_results)
    refs.sort(key=lambda r: not r.startswith("platform/"))
    fresh = {ref: date(2026, 11, 20) for ref in refs}
    assert "stale" not in fired(standard_org, last_checkins=fresh)
    old = dict(fresh, **{refs[0]: date(2026, 11, 10)})
    messages = [m for r, m in lint_rules(standard_org, last_checkins=old) if r == "stale"]
    assert messages == ["key result KR1 is stale: last check-in 2026-11-10 (15 days ago); the cadence is 7 days"]
    # A key result never checked in is stale once the cadence has passed since the cycle started...
    never = {r: d for r, d in fresh.items() if r != refs[1]}
    assert any("no check-in since the cycle started" in m for r, m in lint_rules(standard_org, last_checkins=never) if r == "stale")
    # ...but not in the first week of the cycle (the company's FY2026 key results, running since January, are).
    early = lint(LintContext(validate(standard_org.root).organisation, date(2026, 10, 5), {}))
    assert {f.ref.split("/")[0] for f in early if f.rule == "stale"} == {"acme"}
    # Finished cycles are not stale.
    assert "stale" not in fired(standard_org, today=date(2027, 1, 15), last_checkins={})


def test_sandbagging_all_green_early(standard_org):
    done = objectives(*[{"key_results": [kr(current=200), good_kr("KR2", current=250)]} for _ in range(3)])
    standard_org.okrs_file(PLATFORM, "2026-Q4", done)
    messages = [m for r, m in lint_rules(standard_org, today=date(2026, 10, 20)) if r == "sandbagging"]
    assert messages == ["all 6 key results of platform/2026-Q4 are at 100% with 22% of the cycle gone: "
                        "were the targets ambitious enough?"]
    # Late in the cycle, reaching every target is no longer suspicious.
    assert "sandbagging" not in fired(standard_org, today=date(2026, 12, 20))
    # One key result behind is enough to stay quiet.
    done[2]["key_results"][1]["current"] = 150
    standard_org.okrs_file(PLATFORM, "2026-Q4", done)
    assert "sandbagging" not in fired(standard_org, today=date(2026, 10, 20))


def test_severity_options_and_off_in_the_root_config(standard_org):
    standard_org.okrs_file(PLATFORM, "2026-Q4", objectives(count=6))
    cfg = standard_org.root.joinpath("okrs/okrops.yaml")
    base = cfg.read_text()
    cfg.write_text(base + "lint:\n  rules:\n    objectives-per-unit: {max: 6}\n")
    assert "objectives-per-unit" not in fired(standard_org)
    cfg.write_text(base + "lint:\n  rules:\n    objectives-per-unit: off\n")
    assert "objectives-per-unit" not in fired(standard_org)
    cfg.write_text(base + "lint:\n  rules:\n    objectives-per-unit: error\n")
    result = validate(standard_org.root)
    found = lint(LintContext(result.organisation, TODAY))
    assert [f.severity.label for f in found if f.rule == "objectives-per-unit"] == ["error"]


def test_unit_override_applies_to_the_unit_and_below_only(standard_org):
    # Two objectives everywhere below acme: eng and platform would be flagged.
    standard_org.okrs_file("acme/eng", "2026-Q4", [good_objective(f"O{i}", aligns_to={"parent": f"acme/FY2026/O{i}"}) for i in (1, 2)])
    standard_org.okrs_file(PLATFORM, "2026-Q4", objectives(count=2))
    flagged = {m.split(" in ")[1].split(":")[0] for r, m in lint_rules(standard_org) if r == "objectives-per-unit"}
    assert flagged == {"eng/2026-Q4", "platform/2026-Q4"}
    standard_org.unit(PLATFORM, "Platform", lint={"rules": {"objectives-per-unit": {"min": 2}}})
    flagged = {m.split(" in ")[1].split(":")[0] for r, m in lint_rules(standard_org) if r == "objectives-per-unit"}
    assert flagged == {"eng/2026-Q4"}
    # An override on eng reaches platform below it.
    standard_org.unit(PLATFORM, "Platform")
    standard_org.unit("acme/eng", "Engineering", lint={"rules": {"objectives-per-unit": "off"}})
    assert "objectives-per-unit" not in fired(standard_org)


def test_inline_suppression_comment(standard_org):
    path = standard_org.okrs_file(PLATFORM, "2026-Q4", objectives({"key_results": [kr(title="Launch the beta")]}))
    assert "kr-is-task" in fired(standard_org)
    text = path.read_text().replace("title: Launch the beta", "title: Launch the beta  # okrops: ignore[kr-is-task]")
    path.write_text(text)
    assert "kr-is-task" not in fired(standard_org)
    # On the entity's first line ('- id: KR1') it works too; another rule's name does not suppress.
    text = path.read_text().replace("  # okrops: ignore[kr-is-task]", "").replace(
        "  - id: KR1\n", "  - id: KR1  # okrops: ignore[kr-no-baseline]\n", 1)
    path.write_text(text)
    assert "kr-is-task" in fired(standard_org)
    path.write_text(text.replace("ignore[kr-no-baseline]", "ignore[kr-no-baseline, kr-is-task]"))
    assert "kr-is-task" not in fired(standard_org)


def cli_run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_cli_exit_codes_and_fail_on(standard_org):
    standard_org.okrs_file(PLATFORM, "2026-Q4", objectives({"title": "Drive innovation"}))
    root = str(standard_org.root)
    result = cli_run("lint", root)
    assert result.exit_code == 0  # warnings do not fail by default
    assert "okrs/acme/eng/platform/2026-Q4.yaml:3:3: warning: objective O1 is vague ('Drive innovation'): it does " \
           "not say what will be different [objective-vague]" in result.output
    assert "    hint: name the outcome" in result.output
    assert cli_run("lint", root, "--fail-on", "warning").exit_code == 1
    assert "hint:" not in cli_run("lint", root, "--no-hints").output
    data = json.loads(cli_run("lint", root, "--format", "json", "--rule", "objective-vague").output)
    assert [f["rule"] for f in data["findings"]] == ["objective-vague"]
    assert data["findings"][0]["ref"] == "platform/2026-Q4/O1"


def test_cli_lint_reports_validation_errors_and_fails(standard_org):
    standard_org.write("okrs/acme/eng/platform/2026-Q4.yaml", "objectives: 1\n")
    result = cli_run("lint", str(standard_org.root))
    assert result.exit_code == 1 and "[schema]" in result.output


def test_cli_unknown_rule_and_list_rules():
    result = CliRunner().invoke(cli, ["lint", "--rule", "nope"])
    assert result.exit_code == 2 and "unknown rule 'nope'" in result.output
    listing = cli_run("lint", "--list-rules").output
    for rule_id in all_rules():
        assert f"\n{rule_id} (" in "\n" + listing
