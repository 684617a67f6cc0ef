"""okrops validate: repository-level rules, output formats, exit codes, no tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from okrops.cli import cli
from okrops.validate import validate
from tests.conftest import good_objective


def run(*args, cwd=None):
    runner = CliRunner()
    old = os.getcwd()
    try:
        if cwd:
            os.chdir(cwd)
        return runner.invoke(cli, list(args), catch_exceptions=False)
    finally:
        os.chdir(old)


def lines(result):
    return result.output.strip().splitlines()


def test_clean_repository_exits_0(standard_org):
    result = run("validate", str(standard_org.root))
    assert result.exit_code == 0
    assert lines(result) == ["no problems found in 8 files"]


def test_finds_repository_from_a_subfolder_and_from_okrs(standard_org):
    assert run("validate", cwd=standard_org.root / "okrs" / "acme" / "eng").exit_code == 0
    assert run("validate", str(standard_org.root / "okrs")).exit_code == 0


def test_no_repository_is_a_usage_error(tmp_path):
    result = run("validate", str(tmp_path))
    assert result.exit_code == 2
    assert "no OKR repository found" in result.output and "okrops init" in result.output


def test_missing_path_is_a_usage_error(tmp_path):
    result = run("validate", str(tmp_path / "nope"))
    assert result.exit_code == 2 and "no such file or directory" in result.output


def test_text_format_is_file_line_col_severity_message_rule(standard_org):
    standard_org.write("okrs/acme/eng/platform/2026-Q4.yaml", "objectives:\n  - id: O1\n    title: x\n    key_results: 3\n")
    result = run("validate", str(standard_org.root))
    assert result.exit_code == 1
    assert lines(result)[0] == (
        "okrs/acme/eng/platform/2026-Q4.yaml:4:5: error: expected a list, got a number 3 [schema]"
    )
    assert lines(result)[-1] == "1 error in 8 files"


def test_a_finding_about_a_whole_file_or_folder_names_it_without_a_made_up_line(standard_org):
    standard_org.write_yaml("okrs/acme/orphan/2026-Q4.yaml", {"objectives": []})
    result = run("validate", str(standard_org.root))
    assert result.exit_code == 1
    assert lines(result)[0].startswith("okrs/acme/orphan: error: folder holds OKR files but no unit.yaml")
    assert ":0" not in result.output


def test_location_prints_only_what_is_known():
    from okrops.findings import Finding, Severity
    from okrops.reporters import location

    finding = Finding(file="okrs/a/2026-Q4.yaml", severity=Severity.ERROR, message="m", rule="r")
    assert location(finding) == "okrs/a/2026-Q4.yaml"
    assert location(Finding(**{**finding.__dict__, "line": 7})) == "okrs/a/2026-Q4.yaml:7"
    assert location(Finding(**{**finding.__dict__, "line": 7, "column": 3})) == "okrs/a/2026-Q4.yaml:7:3"


def test_json_format(standard_org):
    standard_org.write("okrs/acme/eng/platform/2026-Q4.yaml", "objectives: []\nbogus: 1\n")
    result = run("validate", str(standard_org.root), "--format", "json")
    data = json.loads(result.output)
    assert result.exit_code == 1
    assert data["status"] == "fail" and data["counts"]["error"] == 1 and data["files"] == 8
    assert data["findings"][0] == {
        "file": "okrs/acme/eng/platform/2026-Q4.yaml", "line": 2, "column": 1, "severity": "error",
        "rule": "schema", "message": "unknown key 'bogus'; expected one of: initiatives, objectives",
        "hint": "", "ref": "",
    }


def test_json_format_clean(standard_org):
    data = json.loads(run("validate", str(standard_org.root), "--format", "json").output)
    assert data == {"status": "ok", "files": 8, "counts": {"error": 0, "warning": 0, "info": 0}, "findings": []}


def test_github_format_emits_escaped_annotations(standard_org):
    standard_org.write("okrs/acme/eng/platform/2026-Q4.yaml", "objectives:\n  - id: O1\n    title: x\n    key_results: []\n    type: 'a,b: 100%'\n")
    result = run("validate", str(standard_org.root), "--format", "github")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "::error file=okrs/acme/eng/platform/2026-Q4.yaml,line=5,col=5,title=okrops schema::"
        "\"a,b: 100%25\" is not allowed; use one of: committed, aspirational"
    ]


@pytest.mark.parametrize("content,rule,fragment", [
    (b"", "empty-file", "file is empty"),
    (b"objectives:\n\x00\x00", "not-text", "binary"),
    (b"objectives: caf\xe9\n", "not-text", "not valid UTF-8"),
    (b"objectives:\n- id: O1\n  id: O2\n", "duplicate-key", "duplicate key 'id'"),
    (b"objectives: [\n", "yaml-syntax", "invalid YAML"),
    (b"- 1\n- 2\n", "schema", "top level must be a mapping"),
])
def test_broken_files_are_findings_not_tracebacks(standard_org, content, rule, fragment):
    (standard_org.root / "okrs/acme/eng/platform/2026-Q4.yaml").write_bytes(content)
    result = subprocess.run([sys.executable, "-m", "okrops", "validate", str(standard_org.root)],
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    first = result.stdout.splitlines()[0]
    assert first.startswith("okrs/acme/eng/platform/2026-Q4.yaml:") and f"[{rule}]" in first and fragment in first


def test_a_broken_file_does_not_cause_follow_on_reference_errors(standard_org):
    # platform aligns to eng/2026-Q4; breaking eng's file must not make platform's parents "unknown".
    standard_org.write("okrs/acme/eng/2026-Q4.yaml", "objectives: [\n")
    findings = validate(standard_org.root).findings
    assert [f.file for f in findings] == ["okrs/acme/eng/2026-Q4.yaml"]


def rules_of(root):
    return [(f.file, f.rule, f.message) for f in validate(root).findings]


def test_unit_folder_names_must_be_safe(standard_org):
    standard_org.unit("acme/Bad_Name")
    found = rules_of(standard_org.root)
    assert found == [("okrs/acme/Bad_Name", "unsafe-name",
                      "unit folder name 'Bad_Name' is not safe: use lower-case letters, digits and dashes only "
                      "(it becomes the unit id in references and URLs)")]


def test_symlinked_unit_is_refused(standard_org, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "unit.yaml").write_text("name: Outside\n")
    os.symlink(outside, standard_org.root / "okrs" / "acme" / "linked")
    found = rules_of(standard_org.root)
    assert [(f, r) for f, r, _ in found] == [("okrs/acme/linked", "unsafe-path")]


def test_unit_ids_are_unique_across_the_tree(standard_org):
    standard_org.unit("acme/sales")
    standard_org.unit("acme/sales/platform")
    found = rules_of(standard_org.root)
    assert found == [("okrs/acme/sales/platform/unit.yaml", "duplicate-id",
                      "unit id 'platform' is already used by okrs/acme/eng/platform; unit folder names must be "
                      "unique across the organisation")]


def test_folder_with_okr_files_needs_a_unit_file(standard_org):
    standard_org.write_yaml("okrs/acme/orphan/2026-Q4.yaml", {"objectives": []})
    assert [r for _, r, _ in rules_of(standard_org.root)] == ["missing-unit-file"]


def test_file_name_must_be_a_known_cycle(standard_org):
    standard_org.write_yaml("okrs/acme/eng/2027-Q1.yaml", {"objectives": []})
    standard_org.write_yaml("okrs/acme/eng/2026-Q3.yml", {"objectives": []})
    found = rules_of(standard_org.root)
    assert [(f, r) for f, r, _ in found] == [
        ("okrs/acme/eng/2026-Q3.yml", "unknown-file"),
        ("okrs/acme/eng/2027-Q1.yaml", "unknown-cycle"),
    ]
    assert "known: 2026-Q3, 2026-Q4, FY2026" in found[1][2]


def test_config_cycle_problems(org):
    org.write("okrs/okrops.yaml", """\
organisation: X
cycles:
  - id: Q1
    start: 2026-03-31
    end: 2026-01-01
  - id: Q1
    start: 2026-01-01
    end: 2026-03-31
""")
    found = validate(org.root).findings
    assert [(f.line, f.rule) for f in found] == [(5, "cycle-dates"), (6, "duplicate-id")]


def test_config_with_schema_errors_stops_with_its_findings(org):
    org.write("okrs/okrops.yaml", "organisation: X\ncycles:\n  - id: Q1\n    start: 2026-01-01\n    end: 2026-13-01\n")
    result = validate(org.root)
    assert result.organisation is None
    assert [(f.line, f.rule) for f in result.findings] == [(5, "schema")]


def test_unquoted_numeric_cycle_id_gets_a_quote_hint(org):
    org.write("okrs/okrops.yaml", "organisation: X\ncycles:\n  - id: 2026\n    start: 2026-01-01\n    end: 2026-12-31\n")
    found = validate(org.root).findings
    assert [f.message for f in found] == ["expected text, got a number 2026; put it in quotes"]
    assert (found[0].line, found[0].column) == (3, 5)


def test_alignment_cycle_across_units(standard_org):
    # eng O1 -> acme FY O1 (fine); make acme FY2026 O1 point down at platform O1, which points up to eng O1.
    standard_org.okrs_file("acme", "FY2026", [
        good_objective("O1", aligns_to={"parent": "platform/2026-Q4/O1"}),
        good_objective("O2"), good_objective("O3"),
    ])
    found = [f for f in validate(standard_org.root).findings if f.rule == "alignment-cycle"]
    assert len(found) == 1
    assert "acme/FY2026/O1" in found[0].message and "platform/2026-Q4/O1" in found[0].message


def test_unknown_lint_rule_and_option_in_config(org):
    org.write("okrs/okrops.yaml", org.root.joinpath("okrs/okrops.yaml").read_text()
              + "lint:\n  rules:\n    no-such-rule: off\n    objectives-per-unit: {max: 7, maxx: 9}\n"
              "    key-results-per-objective: {max: many}\n")
    found = validate(org.root).findings
    assert [(f.line, f.rule, f.message) for f in found] == [
        (15, "lint-config", "unknown lint rule 'no-such-rule'"),
        (16, "lint-config", "rule 'objectives-per-unit' has no option 'maxx' (options: max, min)"),
        (17, "lint-config", "option 'max' of rule 'key-results-per-objective' must be int, like its default 5"),
    ]


def test_unknown_top_level_file_is_a_warning(standard_org):
    standard_org.write("okrs/notes.yaml", "a: 1\n")
    found = validate(standard_org.root).findings
    assert [(f.rule, f.severity.label) for f in found] == [("unknown-file", "warning")]


def test_unit_and_strategy_schema_and_duplicates(standard_org):
    standard_org.write("okrs/acme/eng/unit.yaml", "name: Eng\nmaintainers: [alice]\nkpis:\n  - id: k\n    title: K\n"
                       "    healthy: {min: 5, max: 1}\n")
    standard_org.write("okrs/strategy.yaml", "strategies:\n  - id: growth\n    title: A\n  - id: growth\n    title: B\n"
                       "  - id: quality\n    title: Q\n")
    found = [(f.file, f.line, f.rule) for f in validate(standard_org.root).findings]
    assert found == [("okrs/acme/eng/unit.yaml", 2, "schema"), ("okrs/strategy.yaml", 4, "duplicate-id")]
