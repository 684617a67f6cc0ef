"""Unknown references: every command names the wrong part and suggests the closest existing one (issue 12)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from okrops.cli import cli
from okrops.references import closest, unknown_reference
from okrops.repository import load
from tests.conftest import good_objective


def run(repo, *args):
    return CliRunner().invoke(cli, [*args, "--repo", str(repo)], catch_exceptions=False)


def test_closest_ignores_case_and_prefers_the_nearest():
    assert closest("o1", ["O1", "O2"]) == ["O1"]
    assert closest("platfrom", ["platform", "payments", "acme"])[0] == "platform"
    assert closest("zzz", ["platform"]) == []


@pytest.mark.parametrize("ref, wrong, suggestion", [
    ("platfrom/2026-Q4/O1/KR1", "there is no unit 'platfrom' (did you mean 'platform'?)", "platform/2026-Q4/O1/KR1"),
    ("platform/2026-Q5/O1/KR1", "there is no cycle '2026-Q5' in okrs/okrops.yaml", "platform/2026-Q4/O1/KR1"),
    ("platform/2026-Q3/O1/KR1", "unit 'platform' has no OKRs for cycle '2026-Q3'", "platform/2026-Q4/O1/KR1"),
    ("platform/2026-Q4/o2/KR1", "platform has no objective 'o2' in 2026-Q4 (did you mean 'O2'?)",
     "platform/2026-Q4/O2/KR1"),
    ("platform/2026-Q4/O3/kr2", "objective platform/2026-Q4/O3 has no key result 'kr2' (did you mean 'KR2'?)",
     "platform/2026-Q4/O3/KR2"),
    ("platfrom/2026-q4/o2/kr1", "there is no unit 'platfrom'", "platform/2026-Q4/O2/KR1"),
])
def test_the_wrong_part_is_named_with_the_closest_reference(standard_org, ref, wrong, suggestion):
    org = load(standard_org.root).organisation
    message = unknown_reference(org, ref)
    assert wrong in message
    assert message.endswith(f"did you mean {suggestion}?")


# One unknown name per command: each message names the wrong part and the closest existing one.
@pytest.mark.parametrize("args, expected", [
    (["status", "platfrom"], "unknown unit 'platfrom' (did you mean 'platform'?)"),
    (["status", "--cycle", "2026-q4"], "unknown cycle '2026-q4' (did you mean '2026-Q4'?)"),
    (["history", "platfrom"], "unknown unit 'platfrom' (did you mean 'platform'?)"),
    (["history", "platform/2026-Q4/O4"], "platform has no objective 'O4' in 2026-Q4"),
    (["history", "eng/2026-Q4/O1/KR3"], "did you mean eng/2026-Q4/O1/KR2?"),
    (["checkin", "platform/2026-Q4/O1/KR7", "5"], "objective platform/2026-Q4/O1 has no key result 'KR7'"),
    (["checkin", "plaform/2026-Q4/O1/KR1", "5"], "did you mean platform/2026-Q4/O1/KR1?"),
    (["checkin", "platfrom", "--interactive"], "unknown unit 'platfrom' (did you mean 'platform'?)"),
    (["new", "objective", "platfrom", "2026-Q4", "T"], "unknown unit 'platfrom' (did you mean 'platform'?)"),
    (["new", "objective", "platform", "2026-q4", "T"], "unknown cycle '2026-q4' (did you mean '2026-Q4'?)"),
    (["new", "objective", "platform", "2026-Q4", "T", "--strategy", "growht"],
     "unknown strategy 'growht' (did you mean 'growth'?)"),
    (["new", "objective", "platform", "2026-Q4", "T", "--parent", "eng/2026-Q4/O9"],
     "eng has no objective 'O9' in 2026-Q4"),
    (["new", "kr", "platform/2026-Q4/o1", "T", "--target", "3"], "did you mean platform/2026-Q4/O1?"),
    (["new", "unit", "pay", "--parent", "eng2"], "unknown parent unit 'eng2' (did you mean 'eng'?)"),
    (["cycle", "close", "2026-q4"], "unknown cycle '2026-q4' (did you mean '2026-Q4'?)"),
    (["cycle", "close", "2026-Q4", "--unit", "platfrom"], "unknown unit 'platfrom' (did you mean 'platform'?)"),
    (["cycle", "close", "2026-Q4", "--decision", "platform/2026-Q4/o1=drop"],
     "which is not an objective of this cycle (did you mean 'platform/2026-Q4/O1'?)"),
    (["cycle", "open", "2027-q1"], "unknown cycle '2027-q1'"),
    (["new", "kpi", "platfrom", "Uptime"], "unknown unit 'platfrom' (did you mean 'platform'?)"),
    (["health", "platfrom"], "unknown unit 'platfrom' (did you mean 'platform'?)"),
    (["health", "--cycle", "2026-q4"], "unknown cycle '2026-q4' (did you mean '2026-Q4'?)"),
    (["report", "review", "--cycle", "2026-q4"], "unknown cycle '2026-q4' (did you mean '2026-Q4'?)"),
    (["report", "review", "--cycle", "2026-Q4", "--unit", "platfrom"],
     "unknown unit 'platfrom' (did you mean 'platform'?)"),
])
def test_every_command_suggests_the_closest(standard_org, args, expected):
    standard_org.git_init()
    result = run(standard_org.root, *args)
    assert result.exit_code == 2, result.output
    assert expected in result.output, result.output
    assert "Traceback" not in result.output


def test_validate_suggests_for_parents_owners_strategies_initiatives_and_file_names(standard_org):
    standard_org.okrs_file("acme/eng/platform", "2026-Q4", [
        good_objective("O1", aligns_to={"parent": "eng/2026-Q4/O1/KR3", "strategies": ["qualty"]}, owner="platfrom"),
        good_objective("O2", aligns_to={"parent": "egn/2026-Q4/O2"}),
        good_objective("O3", aligns_to={"parent": "eng/2026-Q4/O3"}),
    ], initiatives=[{"id": "I1", "title": "Work", "key_results": ["O1/KR9"]}])
    standard_org.write_yaml("okrs/acme/eng/platform/2026-q4.yaml", {"objectives": [good_objective("O1")]})
    result = CliRunner().invoke(cli, ["validate", str(standard_org.root)])
    out = result.output
    assert "parent 'eng/2026-Q4/O1/KR3' is not an objective or key result: objective eng/2026-Q4/O1 has no key " \
           "result 'KR3'" in out
    assert "did you mean eng/2026-Q4/O2?" in out
    assert "owner 'platfrom' is not a unit (did you mean 'platform'?)" in out
    assert "unknown strategy 'qualty' (did you mean 'quality'?)" in out
    assert "objective platform/2026-Q4/O1 has no key result 'KR9'" in out
    assert "'2026-q4.yaml' is not a known cycle (did you mean '2026-Q4'?)" in out


def test_diff_suggests_the_closest_branch(standard_org):
    standard_org.git_init()
    result = run(standard_org.root, "diff", "mian")
    assert result.exit_code == 2
    assert "'mian' is not a commit in this repository (did you mean 'main'?)" in result.output


def test_no_suggestion_when_nothing_is_close(standard_org):
    result = run(standard_org.root, "status", "zzzzzz")
    assert "unknown unit 'zzzzzz'; units: acme, eng, platform" in result.output
    assert "did you mean" not in result.output


def test_key_results_in_a_broken_file_say_so(standard_org):
    standard_org.write("okrs/acme/eng/platform/2026-Q4.yaml", "objectives: [\n")
    standard_org.git_init()
    result = run(standard_org.root, "checkin", "platform/2026-Q4/O1/KR1", "5")
    assert "okrs/acme/eng/platform/2026-Q4.yaml has errors (run okrops validate)" in result.output


