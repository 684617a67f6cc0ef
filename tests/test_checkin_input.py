"""okrops checkin input: every bad row at once, CSV dialects, confidences as percentages (issue 12)."""

from __future__ import annotations

from pathlib import Path

import pytest

from okrops.cli.checkins import checkin as checkin_cmd
from okrops.record import checkin as core
from test_checkin_support import git, isolated_git, org_repo, run_cli  # noqa: F401 - fixtures

PLATFORM = "okrs/acme/platform/2026-Q4.yaml"


def _state(repo: Path) -> tuple[bytes, str]:
    return (repo / PLATFORM).read_bytes(), git(repo, "rev-parse", "HEAD")


def test_every_bad_row_is_reported_at_once_with_row_and_column_and_nothing_is_written(org_repo):
    path = org_repo / "week.csv"
    path.write_text("ref,value,confidence,note\n"
                    "platform/2026-Q4/O1/KR1,300,0.9,fine\n"
                    "platform/2026-Q4/O1/KR9,12,,\n"
                    "platform/2026-Q4/O1/KR2,lots,0.5,\n"
                    "platform/2026-Q4/O2/KR1,30,1.5,\n"
                    "platform/2026-Q4/O1/KR1,301,,again\n"
                    "platfrom/2026-Q4/O2/KR1,1 200,seventy,\n")
    before = _state(org_repo)
    result = run_cli(checkin_cmd, ["--repo", str(org_repo), "--from", str(path)])
    assert result.exit_code == 2
    out = result.output
    assert "7 problems in 6 check-ins, nothing was checked in" in out
    assert "week.csv line 3, ref: unknown key result 'platform/2026-Q4/O1/KR9'" in out
    assert "week.csv line 4, value: value 'lots' is not a number: write it like 42, -3 or 0.75" in out
    assert "week.csv line 5, confidence: confidence '1.5' is outside 0 to 1" in out
    assert "week.csv line 6, ref: platform/2026-Q4/O1/KR1 is checked in twice (first at week.csv line 2)" in out
    assert "week.csv line 7, ref: unknown key result 'platfrom/2026-Q4/O2/KR1'" in out
    assert "week.csv line 7, value: value '1 200' is not a number: write it without thousands separators" in out
    assert "week.csv line 7, confidence: confidence 'seventy' is not a number: write a confidence from 0 to 1" in out
    assert "Traceback" not in out
    assert _state(org_repo) == before


def test_every_bad_entry_of_a_yaml_file_is_reported_at_once(org_repo):
    path = org_repo / "week.yaml"
    path.write_text("- {ref: platform/2026-Q4/O1/KR1, value: 300, confiddence: 0.9}\n- {ref: x}\n"
                    "- {ref: platform/2026-Q4/O1/KR2, value: 40, confidence: 70%}\n")
    result = run_cli(checkin_cmd, ["--repo", str(org_repo), "--from", str(path)])
    assert result.exit_code == 2
    assert "2 problems in 3 check-ins" in result.output
    assert "week.yaml check-in 1: unknown field(s) confiddence" in result.output
    assert "week.yaml check-in 2: needs at least ref and value" in result.output


@pytest.mark.parametrize("delimiter", [";", "\t", "|", ","])
def test_semicolon_tab_and_bar_separated_files_are_read(org_repo, delimiter):
    path = org_repo / "week.csv"
    rows = [["ref", "value", "confidence", "note"], ["platform/2026-Q4/O1/KR1", "300", "70%", "a; b, c"],
            ["platform/2026-Q4/O2/KR1", "30", "0.4", ""]]
    path.write_text("".join(delimiter.join(f'"{c}"' if delimiter in c else c for c in row) + "\n" for row in rows))
    result = run_cli(checkin_cmd, ["--repo", str(org_repo), "--from", str(path)])
    assert result.exit_code == 0, result.output
    text = (org_repo / PLATFORM).read_text()
    assert "current: 300    # measured weekly\n        confidence: 0.7\n" in text
    assert "current: 30\n" in text
    assert "    a; b, c\n" in git(org_repo, "log", "-1", "--format=%B")


@pytest.mark.parametrize("header, named", [("ref:value:confidence", "':'"), ("ref value", "' '"),
                                            ("ref~value", "'~'")])
def test_an_unknown_delimiter_is_refused_by_name(org_repo, header, named):
    path = org_repo / "week.csv"
    path.write_text(f"{header}\nplatform/2026-Q4/O1/KR1{header[3]}300\n")
    before = _state(org_repo)
    result = run_cli(checkin_cmd, ["--repo", str(org_repo), "--from", str(path)])
    assert result.exit_code == 2
    assert f"the columns of the header line are separated by {named}" in result.output
    assert "commas, semicolons, tabs or vertical bars" in result.output
    assert _state(org_repo) == before


def test_a_row_with_more_cells_than_columns_is_refused(org_repo):
    path = org_repo / "week.csv"
    path.write_text("ref,value,note\nplatform/2026-Q4/O1/KR1,300,one, two\n")
    result = run_cli(checkin_cmd, ["--repo", str(org_repo), "--from", str(path)])
    assert result.exit_code == 2
    assert "week.csv line 2: 4 cells for 3 columns" in result.output


@pytest.mark.parametrize("raw, expected", [("70%", 0.7), ("70 %", 0.7), ("0%", 0.0), ("100%", 1.0), ("12.5%", 0.125),
                                           ("0.7", 0.7), (" 1 ", 1), (0.3, 0.3)])
def test_a_confidence_as_a_percentage_is_read(raw, expected):
    assert core.parse_confidence(raw) == expected


@pytest.mark.parametrize("raw, message", [
    ("150%", "outside 0% to 100%"), ("-5%", "outside 0% to 100%"), ("70", "outside 0 to 1"),
    ("high", "is not a number"), ("7 0%", "is not a number"),
])
def test_a_bad_confidence_gives_valid_examples(raw, message):
    with pytest.raises(core.UsageError) as info:
        core.parse_confidence(raw)
    assert message in info.value.message
    assert "like 0.7, or as a percentage like 70%" in info.value.message


@pytest.mark.parametrize("raw, hint", [("1,5", "use a point for decimals, e.g. 1.5"),
                                       ("1,200", "without thousands separators, e.g. 1200 (or 1.200, with a point"),
                                       ("12.000.000", "without thousands separators, e.g. 12000000"),
                                       ("45%", "without the % sign, e.g. 45"), ("forty", "like 42, -3 or 0.75")])
def test_value_messages_give_examples_for_what_was_typed(raw, hint):
    with pytest.raises(core.UsageError) as info:
        core.parse_value(raw)
    assert hint in info.value.message


def test_the_confidence_option_reads_a_percentage(org_repo):
    result = run_cli(checkin_cmd, ["--repo", str(org_repo), "platform/2026-Q4/O1/KR2", "44", "-c", "65%"])
    assert result.exit_code == 0, result.output
    assert "Okr-Confidence: 0.65" in git(org_repo, "log", "-1", "--format=%B")


def test_interactive_reads_a_percentage_and_explains_a_bad_confidence(org_repo):
    answers = "\n".join(["390", "170%", "60%", "p95 down", "", "", ""]) + "\n"
    result = run_cli(checkin_cmd, ["--repo", str(org_repo), "platform", "--interactive", "--today", "2026-11-25"],
                     input=answers)
    assert result.exit_code == 0, result.output
    assert "outside 0% to 100%" in result.output
    assert "current: 390    # measured weekly\n        confidence: 0.6\n" in (org_repo / PLATFORM).read_text()


# --- the same examples in the OKR files themselves (validate) -------------------------------------


@pytest.mark.parametrize("key, raw, message", [
    ("confidence", "70%", 'expected a number, got text "70%": a confidence is a number from 0 to 1: write 0.7 for 70%'),
    ("confidence", "40", "40 is out of range: must be at most 1; a confidence is a number from 0 to 1: write 0.4 for 40%"),
    ("confidence", "high", "a confidence is a number from 0 to 1, e.g. 0.7"),
    ("current", "1,200", "write it without thousands separators, e.g. 1200"),
    ("target", "45%", "write the number without the % sign, e.g. 45"),
    ("baseline", "3,5", "use a point for decimals, e.g. 3.5"),
])
def test_validate_gives_examples_for_the_field(standard_org, key, raw, message):
    from okrops.validate import validate
    from tests.conftest import good_kr, good_objective

    kr = good_kr("KR1")
    kr[key] = raw if not raw.isdigit() else int(raw)
    standard_org.okrs_file("acme/eng/platform", "2026-Q4", [good_objective("O1", key_results=[kr])])
    messages = [f.message for f in validate(standard_org.root).findings]
    assert any(message in m for m in messages), messages
