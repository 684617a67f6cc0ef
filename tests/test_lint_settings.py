"""Lint profiles, rules that are off by default, lint.language / lint.profile checks, and the
generated lint part of the schemas (fastjsonschema and jsonschema agreeing)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import fastjsonschema
import pytest
from jsonschema import Draft202012Validator

from okrops.lint import LintContext, all_rules, lint
from okrops.lint.profiles import profiles
from okrops.lint.registry import settings_problems
from okrops.lint.settings_schema import render
from okrops.schemas import schema
from okrops.validate import validate
from tests.conftest import good_kr, good_objective
from tests.test_lint import PLATFORM, TODAY, objectives

ROOT = Path(__file__).resolve().parent.parent


def lint_with(org, config_lint: str = "", today=TODAY):
    if config_lint:
        config = org.root / "okrs/okrops.yaml"
        config.write_text(config.read_text() + config_lint)
    result = validate(org.root)
    return result, lint(LintContext(result.organisation, today))


@pytest.mark.parametrize("name", sorted(profiles()))
def test_every_profile_is_documented_and_names_known_rules_and_options(name):
    profile = profiles()[name]
    assert len(profile["description"]) > 40
    all_rules()
    assert settings_problems(profile["rules"], "profiles.yaml", ("rules",)) == []


def test_the_four_profiles_exist():
    assert set(profiles()) == {"startup", "scale-up", "enterprise", "strict"}


def test_a_profile_sets_severities_and_thresholds_and_own_rules_override_it(standard_org):
    standard_org.okrs_file(PLATFORM, "2026-Q4", objectives(count=4))
    _, found = lint_with(standard_org)
    assert "objectives-per-unit" not in {f.rule for f in found}
    standard_org.root.joinpath("okrs/okrops.yaml").write_text(
        standard_org.root.joinpath("okrs/okrops.yaml").read_text() + "lint:\n  profile: startup\n")
    _, found = lint_with(standard_org)
    assert [(f.rule, f.ref) for f in found if f.rule == "objectives-per-unit"] == [("objectives-per-unit", "platform/2026-Q4")]
    # The organisation's own rules win over its profile.
    standard_org.root.joinpath("okrs/okrops.yaml").write_text(
        standard_org.root.joinpath("okrs/okrops.yaml").read_text() + "  rules:\n    objectives-per-unit: {max: 4}\n")
    _, found = lint_with(standard_org)
    assert "objectives-per-unit" not in {f.rule for f in found}


def test_strict_profile_turns_judgement_into_errors(standard_org):
    standard_org.okrs_file(PLATFORM, "2026-Q4", objectives({"title": "Drive innovation"}))
    _, found = lint_with(standard_org, "lint:\n  profile: strict\n")
    assert [f.severity.label for f in found if f.rule == "objective-vague"] == ["error"]


def test_a_unit_profile_applies_to_the_unit_and_below_only(standard_org):
    standard_org.okrs_file("acme/eng", "2026-Q4", [good_objective(f"O{i}", aligns_to={"parent": f"acme/FY2026/O{i}"})
                                                   for i in (1, 2, 3, 4)])
    standard_org.okrs_file(PLATFORM, "2026-Q4", objectives(count=4))
    standard_org.unit(PLATFORM, "Platform", lint={"profile": "startup"})
    _, found = lint_with(standard_org)
    assert {f.ref for f in found if f.rule == "objectives-per-unit"} == {"platform/2026-Q4"}


def test_rules_off_by_default_run_when_a_profile_or_setting_turns_them_on(standard_org):
    overdue = [{"id": "I1", "title": "Cache the edge", "key_results": ["O1/KR1"],
                "milestones": [{"title": "Cache live", "due": "2026-11-01", "done": False}]}]
    standard_org.okrs_file(PLATFORM, "2026-Q4", objectives(), initiatives=overdue)
    _, found = lint_with(standard_org)
    assert "milestone-overdue" not in {f.rule for f in found}
    _, found = lint_with(standard_org, "lint:\n  profile: scale-up\n")
    assert [(f.rule, f.severity.label) for f in found if f.rule == "milestone-overdue"] == [("milestone-overdue", "info")]
    config = standard_org.root / "okrs/okrops.yaml"
    config.write_text(config.read_text().replace("  profile: scale-up\n", "  rules:\n    milestone-overdue: warning\n"))
    _, found = lint_with(standard_org)
    assert [f.severity.label for f in found if f.rule == "milestone-overdue"] == ["warning"]


def test_unknown_language_and_profile_are_clear_errors(standard_org):
    result, _ = lint_with(standard_org, "lint:\n  language: [de, xx]\n  profile: huge\n")
    messages = [(f.rule, f.line, f.message) for f in result.findings]
    assert ("lint-config", 14, "unknown lint language 'xx' (installed: de, en, es, fr, it, pt; or auto)") in messages
    assert ("lint-config", 15, "unknown lint profile 'huge' (profiles: startup, scale-up, enterprise, strict)") in messages


def test_unit_language_is_checked_too(standard_org):
    standard_org.unit(PLATFORM, "Platform", lint={"language": "klingon"})
    result, _ = lint_with(standard_org)
    assert [(f.file, f.message) for f in result.findings] == [
        ("okrs/acme/eng/platform/unit.yaml", "unknown lint language 'klingon' (installed: de, en, es, fr, it, pt; or auto)")]


@pytest.mark.parametrize("kind", ["config", "unit"])
def test_the_lint_part_of_the_schemas_is_generated_from_the_rules(kind):
    path = ROOT / "schema" / f"{kind}.json"
    assert render(path, kind) == path.read_text(encoding="utf-8"), "run: python -m okrops.lint.settings_schema"
    rules = schema(kind)["$defs"]["lint"]["properties"]["rules"]["properties"]
    assert set(rules) == set(all_rules())


LINT_DOCUMENTS = [
    ({"language": "de"}, True),
    ({"language": ["de", "en"]}, True),
    ({"language": 3}, False),
    ({"profile": "enterprise"}, True),
    ({"profile": ["strict"]}, False),
    ({"rules": {"kr-is-task": "error", "objectives-per-unit": {"max": 4, "severity": "info"}}}, True),
    ({"rules": {"kr-is-task": {"verbs": ["spike"]}, "no-such-rule": "off"}}, True),  # validate explains these
    ({"rules": {"kr-is-task": "loud"}}, False),
    ({"rules": {"objectives-per-unit": {"max": {"a": 1}}}}, False),
    ({"colour": "red"}, False),
]


@pytest.mark.parametrize("kind", ["config", "unit"])
@pytest.mark.parametrize("lint_part,valid", LINT_DOCUMENTS)
def test_fastjsonschema_and_jsonschema_agree_on_lint_settings(kind, lint_part, valid):
    base = {"organisation": "X", "cycles": [{"id": "Q1", "start": "2026-01-01", "end": "2026-03-31"}]} \
        if kind == "config" else {"name": "X"}
    document = dict(base, lint=lint_part)
    full = Draft202012Validator(schema(kind)).is_valid(document)
    try:
        fastjsonschema.compile(schema(kind))(document)
        fast = True
    except fastjsonschema.JsonSchemaException:
        fast = False
    assert full == fast == valid


def test_committed_low_confidence_early_only(standard_org):
    low = objectives({"key_results": [good_kr("KR1", confidence=0.3), good_kr("KR2")]})
    standard_org.okrs_file(PLATFORM, "2026-Q4", low)
    _, found = lint_with(standard_org, today=date(2026, 10, 10))
    assert [f.ref for f in found if f.rule == "committed-low-confidence"] == ["platform/2026-Q4/O1/KR1"]
    _, found = lint_with(standard_org, today=date(2026, 12, 1))
    assert "committed-low-confidence" not in {f.rule for f in found}
    low[0]["type"] = "aspirational"
    standard_org.okrs_file(PLATFORM, "2026-Q4", low)
    _, found = lint_with(standard_org, today=date(2026, 10, 10))
    assert "committed-low-confidence" not in {f.rule for f in found}


def test_the_readme_lists_every_rule_and_profile():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Lint rules"):text.index("## Design")]
    for rule_id in all_rules():
        assert f"| `{rule_id}` |" in section, rule_id
    for name in profiles():
        assert f"| `{name}` |" in section, name
