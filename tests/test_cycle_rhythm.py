"""The cycle rhythm does what a person means (issue 12): closing early asks, opening writes ready-to-use key
results, flags what must be rewritten (comments and lint findings until edited) and reports per unit."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from okrops.cli import cli
from tests.test_rhythm import make

NEW = "okrs/acme/platform/2026-Q4.yaml"


def run(repo: Path, *args: str, today: str = "2026-11-25", input=None):
    return CliRunner().invoke(cli, [*args, "--repo", str(repo)], input=input, env={"OKROPS_TODAY": today})


def lint(repo: Path, today: str = "2026-10-05") -> str:
    return CliRunner().invoke(cli, ["lint", str(repo), "--today", today]).output


def close_q3(repo: Path) -> None:
    result = run(repo, "cycle", "close", "2026-Q3", "--unit", "platform", "--decision", "platform/2026-Q3/O1=carry-over",
                 "--decision", "platform/2026-Q3/O3=rewrite", "--decision", "platform/2026-Q3/O4=drop")
    assert result.exit_code == 0, result.output


# --- close --------------------------------------------------------------------


def test_closing_before_the_end_without_an_answer_is_refused_naming_the_end(tmp_path):
    repo = make(tmp_path)
    before = (repo / "okrs/acme/platform/2026-Q3.yaml").read_bytes()
    result = run(repo, "cycle", "close", "2026-Q3", today="2026-09-20")
    assert result.exit_code == 2
    assert "2026-Q3 ends on 2026-09-30 (10 days left). Close it early?" in result.output
    assert "2026-Q3 ends on 2026-09-30 (10 days from 2026-09-20); nothing was closed" in result.output
    assert "--early" in result.output
    assert (repo / "okrs/acme/platform/2026-Q3.yaml").read_bytes() == before


@pytest.mark.parametrize("answer, closed", [("n\n", False), ("y\n", True), ("\n", False)])
def test_closing_early_asks_first(tmp_path, answer, closed):
    repo = make(tmp_path)
    result = run(repo, "cycle", "close", "2026-Q3", "--unit", "platform", today="2026-09-30", input=answer)
    assert "today is its last day" in result.output
    assert (result.exit_code == 0) is closed, result.output
    assert ("reflection:" in (repo / "okrs/acme/platform/2026-Q3.yaml").read_text()) is closed


def test_early_closes_without_asking_and_every_close_prints_the_next_step(tmp_path):
    repo = make(tmp_path)
    result = run(repo, "cycle", "close", "2026-Q3", "--unit", "platform", "--early", today="2026-09-20")
    assert result.exit_code == 0, result.output
    assert "Close it early?" not in result.output
    assert "Next: write the learnings and check the decisions in a pull request; once it is merged: " \
           "okrops cycle open 2026-Q4" in result.output


def test_after_the_end_nothing_is_asked(tmp_path):
    repo = make(tmp_path)
    result = run(repo, "cycle", "close", "2026-Q3", "--unit", "platform", today="2026-10-01")
    assert result.exit_code == 0 and "early" not in result.output


def test_the_last_cycle_says_to_add_the_next_one(tmp_path):
    repo = make(tmp_path)
    result = run(repo, "cycle", "close", "FY2026", "--unit", "acme", today="2027-01-02")
    assert result.exit_code == 0, result.output
    assert "okrops new cycle <id> --start YYYY-MM-DD --end YYYY-MM-DD, then okrops cycle open <id>" in result.output


# --- open ---------------------------------------------------------------------


def test_carried_key_results_are_ready_to_check_in_and_old_numbers_are_flagged_until_edited(tmp_path):
    repo = make(tmp_path)
    close_q3(repo)
    result = run(repo, "cycle", "open", "2026-Q4")
    assert result.exit_code == 0, result.output
    text = (repo / NEW).read_text()
    data = YAML(typ="safe").load(text)
    o2 = next(o for o in data["objectives"] if o["id"] == "O2")
    assert o2["key_results"][0] == {"id": "KR1", "title": "Monthly incidents fall from 12 to 4", "direction": "decrease",
                                    "baseline": 8, "target": 4, "current": 8,
                                    "x-carried-title": "Monthly incidents fall from 12 to 4"}
    assert "# REWRITE the title: it states the numbers of 2026-Q3; this key result now starts at 8" in text
    findings = lint(repo)
    assert "key result KR1 was carried over with its old title, which states the old numbers: it now starts at 8 " \
           "[kr-title-outdated]" in findings
    assert findings.count("[kr-title-outdated]") == 4  # O1/KR1, O1/KR2, O2/KR1, O3/KR1
    (repo / NEW).write_text(text.replace("title: Monthly incidents fall from 12 to 4\n",
                                         "title: Monthly incidents fall from 8 to 4\n", 1))
    assert lint(repo).count("[kr-title-outdated]") == 3


def test_a_title_without_the_old_numbers_is_not_flagged(tmp_path):
    repo = make(tmp_path)
    q3 = repo / "okrs/acme/platform/2026-Q3.yaml"
    q3.write_text(q3.read_text().replace("title: Monthly incidents fall from 12 to 4", "title: Monthly incidents fall"))
    close_q3(repo)
    run(repo, "cycle", "open", "2026-Q4")
    data = YAML(typ="safe").load((repo / NEW).read_text())
    o2 = next(o for o in data["objectives"] if o["id"] == "O2")
    assert "x-carried-title" not in o2["key_results"][0]


def test_a_rewrite_draft_fails_lint_until_it_is_rewritten(tmp_path):
    repo = make(tmp_path)
    close_q3(repo)
    run(repo, "cycle", "open", "2026-Q4")
    result = CliRunner().invoke(cli, ["lint", str(repo), "--today", "2026-10-05"])
    assert result.exit_code == 1
    assert "objective O3 is to be rewritten from platform/2026-Q3/O3 but is still identical to it" in result.output
    text = (repo / NEW).read_text()
    (repo / NEW).write_text(text.replace("title: Developers ship on Fridays without fear",
                                         "title: Friday deploys are boring because rollbacks are instant"))
    assert "[rewrite-unchanged]" not in lint(repo)


def test_milestones_due_in_the_old_cycle_are_flagged_in_the_file_and_by_lint(tmp_path):
    repo = make(tmp_path)
    close_q3(repo)
    result = run(repo, "cycle", "open", "2026-Q4")
    assert "1 milestone(s) due in 2026-Q3: set new dates" in result.output
    text = (repo / NEW).read_text()
    assert "# MOVE: due 2026-09-15 in 2026-Q3 and not done; set a date in 2026-Q4" in text
    assert "milestone 'Cache in every region' of initiative I1 is due on 2026-09-15, before 2026-Q4 starts" in lint(repo)
    (repo / NEW).write_text(text.replace("due: 2026-09-15", "due: 2026-10-31"))
    assert "[milestone-before-cycle]" not in lint(repo)


def test_open_reports_per_unit_and_names_units_with_nothing_carried_over(tmp_path):
    repo = make(tmp_path)
    (repo / "okrs/acme/ops").mkdir()
    (repo / "okrs/acme/ops/unit.yaml").write_text("name: Ops\n")
    (repo / "okrs/acme/ops/2026-Q3.yaml").write_text(
        "objectives:\n  - id: O1\n    title: Pages are quiet\n    key_results:\n      - id: KR1\n"
        "        title: Pages per week from 30 to 5\n        baseline: 30\n        target: 5\n        current: 5\n")
    close_q3(repo)
    assert run(repo, "cycle", "close", "2026-Q3", "--unit", "ops").exit_code == 0  # done: 1.0
    result = run(repo, "cycle", "open", "2026-Q4")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[lines.index("ops:") + 1] == "  nothing carried over (O1 done)"
    assert lines[lines.index("platform:") + 1].startswith("  platform/2026-Q3/O1 -> platform/2026-Q4/O1 (carry-over")
    assert not (repo / "okrs/acme/ops/2026-Q4.yaml").exists()
    assert "Next: rewrite what is marked REWRITE or MOVE" in result.output


def test_no_function_in_cycles_is_over_80_lines():
    source = Path(__file__).resolve().parent.parent / "okrops/rhythm/cycles.py"
    tree = ast.parse(source.read_text())
    long = [(node.name, node.end_lineno - node.lineno + 1) for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef) and node.end_lineno - node.lineno + 1 > 80]
    assert long == []
