"""Numbers are finite (issue 8).

``.nan``, ``.inf``, ``-.inf``, numbers beyond a float's range (``1e400``) and integers of
hundreds of digits are a validate error at file:line in every numeric field of every file
kind (found by walking the schemas, so a new numeric field is tested too); check-in refuses
them as input; status, lint, diff and the site never crash on a repository holding them,
nor on one holding the largest finite numbers.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from okrops import numbers, schemas, scoring
from okrops.record import checkin as core
from okrops.cli.checkins import checkin as checkin_cmd
from okrops.model import Band, KeyResult, Kpi, Reflection
from okrops.validate import validate
from okrops.yamlio import load_fast
from test_checkin_support import PLATFORM_Q4, git, isolated_git, org_repo, run_cli, write  # noqa: F401

NOT_FINITE = [".nan", ".NaN", ".inf", "-.inf", "+.Inf", "1e400", "-1e400", "9" * 400, "-" + "9" * 400]

BASE = {
    "config": ("okrs/okrops.yaml", {
        "organisation": "Test Org",
        "cycles": [{"id": "2026-Q3", "start": "2026-07-01", "end": "2026-09-30"},
                   {"id": "2026-Q4", "start": "2026-10-01", "end": "2026-12-31"},
                   {"id": "FY2026", "start": "2026-01-01", "end": "2026-12-31"}],
        "checkins": {"cadence_days": 7},
        "rhythm": {"day": "monday", "hour": 8},
        "scoring": {"aspirational_target": 0.7, "at_risk_gap": 0.1, "off_track_gap": 0.25, "low_confidence": 0.5,
                    "very_low_confidence": 0.3},
        "lint": {"rules": {"objectives-per-unit": {"max": 5, "min": 1}}},
        "collect": {"jobs": 8},
    }),
    "strategy": ("okrs/strategy.yaml", {
        "vision": "Robots everywhere",
        "strategies": [{"id": "growth", "title": "Grow", "horizon": {"from": 2025, "to": 2028}},
                       {"id": "quality", "title": "Be reliable"}],
    }),
    "unit": ("okrs/acme/eng/platform/unit.yaml", {
        "name": "Platform", "kind": "team",
        "checkins": {"cadence_days": 14},
        "lint": {"rules": {"objectives-per-unit": {"max": 5}}},
        "kpis": [{"id": "uptime", "title": "Uptime", "current": 99.9, "healthy": {"min": 99.5, "max": 100},
                  "warning": {"min": 99, "max": 100},
                  "source": {"kind": "file", "path": "exports/uptime.csv", "column": "uptime", "row": {"week": 47},
                             "scale": 100, "round": 2, "timeout": 5}}],
    }),
    "okrs": ("okrs/acme/eng/platform/2026-Q4.yaml", {
        "objectives": [{
            "id": "O1", "title": "New customers succeed on their own", "aligns_to": {"strategies": ["growth"], "parents": [{"ref": "acme/FY2026/O1", "weight": 1}]},
            "key_results": [
                {"id": "KR1", "title": "Weekly active users from 100 to 200", "baseline": 100, "target": 200,
                 "current": 150, "confidence": 0.7, "weight": 2, "commit": 150, "stretch": 250,
                 "source": {"kind": "file", "path": "exports/wau.csv", "column": "wau", "row": {"week": 47},
                            "scale": 1, "round": 0, "timeout": 5}},
                {"id": "KR2", "title": "Keep p95 latency in range", "direction": "range",
                 "range": {"min": 100, "max": 250}, "current": 180},
            ],
            "reflection": {"score": 0.7, "decision": "done"},
        }],
    }),
}
# Where a schema path's "first item" lands in the documents above; every lint rule option is one field here.
LINT_OPTION = ("lint", "rules", "objectives-per-unit", "max")
_CONCRETE = {("objectives", 0, "aligns_to", "parent", 0, "weight"): ("objectives", 0, "aligns_to", "parents", 0, "weight"),
             ("objectives", 0, "key_results", 0, "range", "min"): ("objectives", 0, "key_results", 1, "range", "min"),
             ("objectives", 0, "key_results", 0, "range", "max"): ("objectives", 0, "key_results", 1, "range", "max")}


def _concrete(path: tuple) -> tuple:
    if path[-2:] == ("row", "*"):  # a CSV source's row selector: {column: value}
        return path[:-1] + ("week",)
    return LINT_OPTION if path[:2] == ("lint", "rules") else _CONCRETE.get(path, path)


def numeric_paths(kind: str) -> list[tuple]:
    """Every numeric field of a schema, as a path ("*": any key, 0: any item)."""
    root = schemas.schema(kind)
    found: list[tuple] = []

    def numeric(node: dict) -> bool:
        types = node.get("type")
        types = [types] if isinstance(types, str) else types or []
        refs = [node.get("$ref")] + [sub.get("$ref") for sub in node.get("allOf", [])]
        return "number" in types or "integer" in types or "#/$defs/number" in refs

    def walk(node: dict, path: tuple) -> None:
        ref = node.get("$ref", "")
        if ref.startswith("#/$defs/") and ref != "#/$defs/number":
            node = {**root["$defs"][ref.split("/")[-1]], **{k: v for k, v in node.items() if k != "$ref"}}
        if numeric(node):
            found.append(path)
        for name, sub in node.get("properties", {}).items():
            walk(sub, path + (name,))
        if isinstance(node.get("items"), dict):
            walk(node["items"], path + (0,))
        if isinstance(node.get("additionalProperties"), dict):
            walk(node["additionalProperties"], path + ("*",))
        for branch in node.get("anyOf", []) + node.get("oneOf", []):
            walk(branch, path)
        for branch in node.get("allOf", []):  # a source's fields, chosen by its kind (if/then)
            if isinstance(branch.get("then"), dict):
                walk(branch["then"], path)

    walk(root, ())
    return sorted({_concrete(p) for p in found}, key=str)


FIELDS = [(kind, path) for kind in schemas.KINDS for path in numeric_paths(kind)]


def test_every_numeric_field_of_every_schema_is_found_and_uses_the_finite_definition():
    assert len(FIELDS) >= 20
    for kind, path in FIELDS:
        value = BASE[kind][1]
        for part in path:
            value = value[part]
        assert numbers.is_number(value), (kind, path)
    # Every numeric leaf refers to $defs/number (directly, or through allOf when it has bounds of its own:
    # fastjsonschema ignores keywords next to a $ref). Lint rule options are the exception: their schema
    # describes and does not constrain (a bad option must not invalidate the file), and validate reports
    # a non-finite one itself (lint-config).
    for kind in schemas.KINDS:
        text = json.dumps({k: v for k, v in schemas.schema(kind).items()} | {"$defs": {
            k: v for k, v in schemas.schema(kind).get("$defs", {}).items() if k != "lint"}})
        assert text.count('"type": "number"') == 2 and text.count('"type": "integer"') == text.count(
            '"allOf": [{"$ref": "#/$defs/number"}], "type": "integer"'), kind


def _with(kind: str, path: tuple, literal: str) -> tuple[str, int]:
    """The base document of ``kind`` as YAML with ``literal`` at ``path``; and the line it is on."""
    data = copy.deepcopy(BASE[kind][1])
    holder = data
    for part in path[:-1]:
        holder = holder[part]
    holder[path[-1]] = "__BAD__"
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    line = text[:text.index("__BAD__")].count("\n") + 1
    return text.replace("'__BAD__'", literal).replace("__BAD__", literal), line


@pytest.fixture
def numbers_org(standard_org):
    for kind, (rel, data) in BASE.items():
        standard_org.write(rel, yaml.safe_dump(data, sort_keys=False))
    assert validate(standard_org.root).findings == []
    return standard_org


@pytest.mark.parametrize("kind,path", FIELDS, ids=lambda v: v if isinstance(v, str) else "/".join(map(str, v)))
def test_a_non_finite_number_is_a_validate_error_at_its_line_in_every_numeric_field(numbers_org, kind, path):
    rel = BASE[kind][0]
    for literal in NOT_FINITE:
        text, line = _with(kind, path, literal)
        numbers_org.write(rel, text)
        findings = validate(numbers_org.root).findings
        mine = [f for f in findings if f.file == rel and f.line == line]
        data = load_fast(text)
        if path == LINT_OPTION:  # reported by validate's own check of lint settings, the file stays usable
            assert [f.rule for f in mine] == ["lint-config"], (literal, [(f.line, f.message) for f in findings])
            assert "must be a finite number, like its default" in mine[0].message
            assert schemas.is_valid(kind, data) and not schemas.errors(kind, data)  # both validators agree
            continue
        assert [f.rule for f in mine] == ["schema"], (literal, [(f.file, f.line, f.message) for f in findings])
        assert "is not a finite number" in mine[0].message and "write a number like 42" in mine[0].message
        assert not schemas.is_valid(kind, data) and schemas.errors(kind, data)  # both validators agree


def test_the_largest_finite_numbers_are_valid(numbers_org):
    rel, data = BASE["okrs"]
    data = copy.deepcopy(data)
    data["objectives"][0]["key_results"][0].update(baseline=-1.7976931348623157e308, target=1.7976931348623157e308,
                                                   current=5e-324, weight=1e308, commit=1e308, stretch=1.7976931348623157e308)
    numbers_org.write(rel, yaml.safe_dump(data))
    assert validate(numbers_org.root).findings == []


def test_a_number_too_long_to_read_is_a_located_error(numbers_org):
    text, line = _with("okrs", ("objectives", 0, "key_results", 0, "current"), "1" * 5000)
    numbers_org.write("okrs/acme/eng/platform/2026-Q4.yaml", text)
    [finding] = validate(numbers_org.root).findings
    assert finding.line == line and "5000 digits" in finding.message and "write a number like 42" in finding.message


# --- check-in refuses them as input ------------------------------------------------------

PLATFORM = "okrs/acme/platform/2026-Q4.yaml"
BAD_INPUTS = ["nan", ".nan", "NaN", "inf", "-inf", ".inf", "-.inf", "Infinity", "1e400", "-1e999", "9" * 400,
              "-" + "9" * 400]


def _refused(repo: Path, args: list[str], *fragments: str) -> None:
    before, head = (repo / PLATFORM).read_bytes(), git(repo, "rev-parse", "HEAD")
    result = run_cli(checkin_cmd, ["--repo", str(repo), *args])
    assert result.exit_code == 2, result.output
    assert result.output.startswith("Error: ") and "Traceback" not in result.output
    assert "not a number" in result.output or "not a finite number" in result.output, result.output
    for fragment in fragments:
        assert fragment in result.output
    assert (repo / PLATFORM).read_bytes() == before and git(repo, "rev-parse", "HEAD") == head


@pytest.mark.parametrize("bad", BAD_INPUTS)
def test_check_in_refuses_a_non_finite_value_and_confidence(org_repo, bad):
    _refused(org_repo, ["--", "platform/2026-Q4/O1/KR2", bad], f"value '{bad[:37]}")
    _refused(org_repo, ["--confidence", bad, "platform/2026-Q4/O1/KR2", "42"], f"confidence '{bad[:37]}")


@pytest.mark.parametrize("bad", [".nan", "-.inf", "1e400", "9" * 400])
def test_check_in_from_a_file_refuses_non_finite_rows(org_repo, bad):
    csv = org_repo / "week.csv"
    csv.write_text(f"ref,value,confidence\nplatform/2026-Q4/O1/KR1,300,0.9\nplatform/2026-Q4/O1/KR2,{bad},\n")
    _refused(org_repo, ["--from", str(csv)], "week.csv line 3")
    csv.write_text(f"ref,value,confidence\nplatform/2026-Q4/O1/KR2,40,{bad}\n")
    _refused(org_repo, ["--from", str(csv)], "week.csv line 2")
    # In YAML the same spellings are numbers already (float nan, inf; a 400-digit int).
    week = org_repo / "week.yaml"
    week.write_text(f"- {{ref: platform/2026-Q4/O1/KR1, value: 300}}\n- {{ref: platform/2026-Q4/O1/KR2, value: {bad}}}\n")
    _refused(org_repo, ["--from", str(week)], "week.yaml check-in 2")
    week.write_text(f"- {{ref: platform/2026-Q4/O1/KR2, value: 40, confidence: {bad}}}\n")
    _refused(org_repo, ["--from", str(week)], "week.yaml check-in 1")


def test_interactive_check_in_asks_again_after_a_non_finite_value(org_repo):
    answers = "\n".join([".nan", "1e400", "390", "0.6", "", "", "", ""]) + "\n"
    result = run_cli(checkin_cmd, ["--repo", str(org_repo), "platform", "--interactive", "--today", "2026-11-25"],
                     input=answers)
    assert result.exit_code == 0, result.output
    assert "value '.nan' is not a number" in result.output and "value '1e400' is not a finite number" in result.output
    assert "current: 390    # measured weekly\n" in (org_repo / PLATFORM).read_text()


def test_parse_value_accepts_the_largest_finite_numbers():
    assert core.parse_value("1.7976931348623157e308") == 1.7976931348623157e308
    assert core.parse_value(str(int(numbers.LARGEST))) == int(numbers.LARGEST)
    with pytest.raises(core.UsageError):
        core.parse_value(str(int(numbers.LARGEST) + 1))


# --- nothing crashes on a repository holding them ------------------------------------------


def _okrops(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "okrops", *args], cwd=repo, capture_output=True, text=True)


def _no_crash(done: subprocess.CompletedProcess) -> None:
    assert done.returncode in (0, 1), done.stdout + done.stderr
    assert "internal error" not in done.stderr and "Traceback" not in done.stderr


def _in_process(repo: Path, *args: str):
    """The command in this process: an exception (what the CLI turns into exit 3) fails the test."""
    from click.testing import CliRunner

    from okrops.cli import cli

    where = [str(repo)] if args[0] == "lint" else ["--repo", str(repo)]  # lint takes a PATH
    result = CliRunner().invoke(cli, [args[0], *where, *args[1:]], catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    return result


def _bad_platform(text: str) -> str:
    return (text.replace("current: 400    # measured weekly", "current: .nan    # measured weekly")
                .replace("target: 60", "target: 1e400").replace("baseline: 99.0", "baseline: -.inf")
                .replace("confidence: 0.4", "confidence: " + "9" * 400))


def test_status_lint_diff_and_site_never_crash_on_non_finite_numbers(org_repo, tmp_path):
    write(org_repo / "okrs/acme/data/unit.yaml",
          "name: Data\nkind: team\nkpis:\n  - {id: rows, title: Rows, current: .inf, healthy: {min: -.inf}}\n")
    write(org_repo / PLATFORM, _bad_platform(PLATFORM_Q4))
    git(org_repo, "commit", "-qam", "numbers that are not finite")
    done = _okrops(org_repo, "validate")
    assert done.returncode == 1
    bad = _bad_platform(PLATFORM_Q4).splitlines()
    for value in (".nan", "1e400", "-.inf", "9" * 400):
        line = next(number for number, text in enumerate(bad, 1) if text.endswith(f": {value}") or f": {value} " in text)
        assert f"{PLATFORM}:{line}:9: error: " in done.stdout, (value, line, done.stdout)
    assert "okrs/acme/data/unit.yaml:4:29: error: .inf is not a finite number" in done.stdout
    for args in (["status"], ["status", "platform"], ["status", "--format", "json"], ["status", "--format", "csv"],
                 ["status", "--format", "markdown"], ["lint"], ["diff", "HEAD~1"], ["history"],
                 ["history", "platform/2026-Q4/O1/KR1"]):
        _in_process(org_repo, *args)
    _no_crash(_okrops(org_repo, "site", "build", "--out", str(tmp_path / "public")))
    # The working tree holds them, the base does not: diff says the file does not load, and does not crash.
    git(org_repo, "reset", "-q", "--hard", "HEAD~1")
    write(org_repo / PLATFORM, _bad_platform(PLATFORM_Q4))
    assert f"{PLATFORM} does not load" in _in_process(org_repo, "diff", "HEAD").output


def test_status_and_site_with_the_largest_finite_numbers(org_repo, tmp_path):
    text = (PLATFORM_Q4.replace("baseline: 480", "baseline: -1.7976931348623157e308")
            .replace("target: 250", "target: 1.7976931348623157e308")
            .replace("current: 400    # measured weekly", "current: 1.7e308    # measured weekly")
            .replace("baseline: 99.0", "baseline: 1e308").replace("target: 99.9", "target: -1e308\n        weight: 1e308"))
    write(org_repo / PLATFORM, text)
    git(org_repo, "commit", "-qam", "huge")
    assert _okrops(org_repo, "validate").returncode == 0
    done = _in_process(org_repo, "status", "--format", "json")
    json.loads(done.output, parse_constant=lambda name: pytest.fail(f"{name} in status JSON"))
    _in_process(org_repo, "status")
    _no_crash(_okrops(org_repo, "site", "build", "--out", str(tmp_path / "public")))


# --- the model guard -----------------------------------------------------------------------


def test_the_model_treats_a_non_finite_number_as_missing():
    kr = KeyResult("KR1", "u/c/O1/KR1", "t", "u/c/O1", baseline=float("-inf"), target=10 ** 400,
                   current=float("nan"), confidence=float("inf"), range_min=float("nan"), weight=float("inf"))
    assert (kr.baseline, kr.target, kr.current, kr.confidence, kr.range_min, kr.weight) == (None, None, None, None,
                                                                                            None, 1.0)
    assert scoring.progress(kr) is None
    assert Kpi("k", "K", current=float("nan")).current is None
    assert Band(float("-inf"), 10 ** 400) == Band(None, None)
    assert Reflection("done", float("nan")).score is None


def test_progress_of_the_largest_finite_numbers_is_finite():
    big = numbers.LARGEST
    kr = KeyResult("KR1", "r", "t", "o", baseline=-big, target=big, current=big / 2)
    assert scoring.progress(kr) == pytest.approx(0.75)
    kr = KeyResult("KR1", "r", "t", "o", direction="range", range_min=-big, range_max=-big / 2, current=big)
    assert scoring.progress(kr) == 0.0
    kr = KeyResult("KR1", "r", "t", "o", direction="range", range_min=0, range_max=0, current=big)
    assert scoring.progress(kr) == 0.0


@pytest.mark.parametrize("where", ["okrs/okrops.yaml", "okrs/acme/eng/unit.yaml"])
def test_every_numeric_lint_option_refuses_non_finite_values_and_lint_never_crashes(standard_org, where):
    """A bad option is a lint-config finding and the rule keeps its default (a 400-digit max would overflow)."""
    from click.testing import CliRunner

    from okrops.cli import cli
    from okrops.lint import all_rules

    options = {rule.id: [name for name, default in rule.options.items() if numbers.is_number(default)]
               for rule in all_rules().values()}
    options = {rule: names for rule, names in options.items() if names}
    count = sum(len(names) for names in options.values())
    assert count >= 10
    before = (standard_org.root / where).read_text()
    for literal in NOT_FINITE:
        lines = ["lint:", "  rules:"]
        for rule, names in options.items():
            lines += [f"    {rule}:", "      severity: warning"] + [f"      {name}: {literal}" for name in names]
        standard_org.write(where, before + "\n".join(lines) + "\n")
        result = CliRunner().invoke(cli, ["lint", str(standard_org.root)], catch_exceptions=False)
        assert result.exit_code == 1
        assert result.output.count("must be a finite number, like its default") == count, literal


def test_huge_finite_values_through_reports_and_zones(org_repo):
    """A finite value far from a small span (progress near 1e306) and huge weights in commit-target-stretch:
    every reader that multiplies progress (report review's percentages) or weighs zones stays a number."""
    write(org_repo / "okrs/okrops.yaml", (org_repo / "okrs/okrops.yaml").read_text()
          + "\nscoring:\n  style: commit-target-stretch\n")
    text = (PLATFORM_Q4.replace("current: 400    # measured weekly", "current: 1e308\n        weight: 1e308\n        stretch: 200")
            .replace("current: 38", "current: 70\n        weight: 1.7e308"))
    write(org_repo / PLATFORM, text)
    git(org_repo, "commit", "-qam", "huge but finite")
    assert _okrops(org_repo, "validate").returncode == 0
    for args in (["report", "review", "--cycle", "2026-Q4"], ["report", "week", "--as-of", "2026-11-15"]):
        done = _okrops(org_repo, *args)
        _no_crash(done)
        assert "inf%" not in done.stdout and "nan%" not in done.stdout
    for args in (["status", "--today", "2026-11-15"], ["status", "--today", "2026-11-15", "--format", "json"]):
        _in_process(org_repo, *args)
    kr = KeyResult("KR1", "r", "t", "o", baseline=0, target=1e-300, current=1e308)
    assert scoring.progress(kr) == numbers.RATIO_LIMIT
    assert scoring.mean_zone([("stretch", 1e308), ("target", 1.7e308)]) == "target"
