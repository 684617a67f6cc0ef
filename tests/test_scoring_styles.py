"""Scoring styles (fraction, percent, commit-target-stretch), zones and ordinal key results."""

from __future__ import annotations

from datetime import date

import pytest
from click.testing import CliRunner

from okrops import scoring, status
from okrops.cli import cli
from okrops.validate import validate
from tests.conftest import good_kr, good_objective

TODAY = date(2026, 11, 25)


def load_clean(org):
    result = validate(org.root)
    assert [f.message for f in result.findings if f.severity.label == "error"] == []
    return result.organisation


def cts_org(standard_org, style="commit-target-stretch", **kr_extra):
    standard_org.unit("acme/eng/platform", "Platform", scoring={"style": style})
    krs = [good_kr("KR1", baseline=100, target=200, commit=150, stretch=250, **kr_extra)]
    standard_org.okrs_file("acme/eng/platform", "2026-Q4", [
        good_objective("O1", aligns_to={"parent": "eng/2026-Q4/O1/KR1"}, key_results=krs)])
    return load_clean(standard_org)


@pytest.mark.parametrize("current,zone", [(120, "fail"), (150, "commit"), (199, "commit"), (200, "target"),
                                          (249, "target"), (250, "stretch"), (300, "stretch")])
def test_zones_of_a_key_result(standard_org, current, zone):
    org = cts_org(standard_org, current=current)
    assert scoring.zone(org.key_results["platform/2026-Q4/O1/KR1"]) == zone


def test_zones_follow_a_decreasing_key_result(standard_org):
    standard_org.unit("acme/eng/platform", "Platform", scoring={"style": "commit-target-stretch"})
    standard_org.okrs_file("acme/eng/platform", "2026-Q4", [good_objective("O1", key_results=[
        good_kr("KR1", baseline=480, target=250, commit=350, stretch=200, current=300)])])
    org = load_clean(standard_org)
    assert scoring.zone(org.key_results["platform/2026-Q4/O1/KR1"]) == "commit"


def test_the_style_is_inherited_and_overridden_per_unit(standard_org):
    standard_org.write("okrs/okrops.yaml", standard_org.okrs.joinpath("okrops.yaml").read_text()
                       + "scoring:\n  style: percent\n")
    org = cts_org(standard_org, current=150)
    assert scoring.style_of(org, "acme") == "percent"
    assert scoring.style_of(org, "eng") == "percent"
    assert scoring.style_of(org, "platform") == "commit-target-stretch"
    assert scoring.format_score(0.7, "percent") == "70%"
    assert scoring.format_score(0.7, "fraction") == "0.70"


def test_the_style_does_not_change_the_numbers(standard_org):
    before = load_clean(standard_org)
    plain = [(r.unit, r.score, r.rollup) for r in status.build(before, TODAY, detail=True).units]
    for style in scoring.STYLES:
        standard_org.write("okrs/okrops.yaml", standard_org.okrs.joinpath("okrops.yaml").read_text().split("scoring:")[0]
                           + f"scoring:\n  style: {style}\n")
        org = load_clean(standard_org)
        assert [(r.unit, r.score, r.rollup) for r in status.build(org, TODAY, detail=True).units] == plain


def test_status_shows_zones_in_commit_target_stretch_units_only(standard_org):
    cts_org(standard_org, current=160)
    result = CliRunner().invoke(cli, ["status", "--repo", str(standard_org.root), "--today", "2026-11-25",
                                      "--detail", "--width", "120"])
    assert result.exit_code == 0, result.output
    platform = [line for line in result.output.splitlines() if "KR1" in line and "→160→" in line]
    assert platform and all(line.rstrip().endswith("commit") or " commit" in line for line in platform)
    eng = [line for line in result.output.splitlines() if "→150→" in line]
    assert eng and not any(z in line for line in eng for z in (" fail", " commit", " stretch"))
    report = status.build(validate(standard_org.root).organisation, TODAY, detail=True)
    row = next(r for r in report.units if r.unit == "platform")
    assert row.style == "commit-target-stretch" and row.zone == "commit"
    assert row.objective_rows[0].key_results[0].zone == "commit"


@pytest.mark.parametrize("style", scoring.STYLES)
def test_ordinal_key_results_in_every_style(standard_org, style):
    standard_org.unit("acme/eng/platform", "Platform", scoring={"style": style})
    ordinal = {"id": "KR2", "title": "Self-serve onboarding reaches general availability",
               "levels": ["none", "pilot", "beta", "ga", "everywhere"], "level": "beta", "target_level": "ga",
               "commit_level": "pilot", "stretch_level": "everywhere"}
    standard_org.okrs_file("acme/eng/platform", "2026-Q4", [good_objective("O1", key_results=[good_kr("KR1"), ordinal])])
    org = load_clean(standard_org)
    kr = org.key_results["platform/2026-Q4/O1/KR2"]
    assert scoring.progress(kr) == pytest.approx(2 / 3)
    assert scoring.score(kr) == 0.67
    assert scoring.zone(kr) == "commit"
    scored = scoring.score_objective(org, org.objectives["platform/2026-Q4/O1"], TODAY)
    assert scored.score == round((0.5 + 0.67) / 2, 2)


def test_level_names_and_commit_stretch_values_are_checked(standard_org):
    standard_org.okrs_file("acme/eng/platform", "2026-Q4", [good_objective("O1", key_results=[
        {"id": "KR1", "title": "Onboarding reaches beta", "levels": ["none", "beta", "ga"], "level": "Beta",
         "commit_level": "ga", "target_level": "beta"},
        good_kr("KR2", baseline=100, target=200, commit=250, stretch=150)])])
    found = sorted((f.rule, f.message) for f in validate(standard_org.root).findings if f.severity.label == "error")
    assert ("kr-level", "level 'Beta' is not one of the levels (none, beta, ga)") in found
    assert ("kr-level", "the levels must rise from baseline_level through commit_level and target_level to "
            "stretch_level") in found
    assert ("kr-commit-stretch", "commit (250) must lie between the baseline and the target (200)") in found
    assert ("kr-commit-stretch", "stretch (150) must lie beyond the target (200)") in found


def test_ordinal_and_numeric_fields_do_not_mix(standard_org):
    standard_org.okrs_file("acme/eng/platform", "2026-Q4", [good_objective("O1", key_results=[
        {"id": "KR1", "title": "Onboarding reaches beta", "levels": ["none", "beta"], "level": "beta", "target": 3}])])
    assert any(f.rule == "schema" for f in validate(standard_org.root).findings)


def test_status_csv_has_a_zone_column_empty_where_the_style_has_no_zones(standard_org):
    import csv
    import io

    cts_org(standard_org, current=160)
    standard_org.okrs_file("acme/eng", "2026-Q4", [
        good_objective("O1", aligns_to={"parent": "acme/FY2026/O1"}, key_results=[good_kr("KR1", commit=120)])])
    result = CliRunner().invoke(cli, ["status", "--repo", str(standard_org.root), "--today", "2026-11-25",
                                      "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    zones = {row["key_result"]: row["zone"] for row in rows if row["key_result"]}
    assert zones["platform/2026-Q4/O1/KR1"] == "commit"
    assert zones["eng/2026-Q4/O1/KR1"] == ""  # fraction: no zones, even with a commit value written
    unit_rows = {row["unit"]: row["zone"] for row in rows if not row["key_result"]}
    assert all(zone == "" for zone in unit_rows.values())
