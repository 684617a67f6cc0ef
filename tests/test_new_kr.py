"""okrops new kr: ready-to-use key results: --current, --confidence, --range, a target required, task titles
warned about by the lint rule (issue 12)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from okrops.cli.rhythm import new
from okrops.validate import validate
from tests.test_authoring import make

FILE = "okrs/acme/platform/2026-Q4.yaml"


def run(repo: Path, *args: str):
    return CliRunner().invoke(new, ["kr", *args, "--repo", str(repo)])


def new_entry(repo: Path, objective: str = "O2") -> dict:
    data = yaml.safe_load((repo / FILE).read_text())
    return next(o for o in data["objectives"] if o["id"] == objective)["key_results"][-1]


def test_current_and_confidence_are_written_after_the_target_and_the_file_validates(tmp_path):
    repo = make(tmp_path)
    result = run(repo, "platform/2026-Q4/O2", "Incidents per month from 12 to 4", "--baseline", "12", "--target", "4",
                 "--current", "11", "--confidence", "70%", "--data-source", "PagerDuty")
    assert result.exit_code == 0, result.output + result.stderr
    assert new_entry(repo) == {"id": "KR1", "title": "Incidents per month from 12 to 4", "direction": "decrease",
                               "baseline": 12, "target": 4, "current": 11, "confidence": 0.7,
                               "data_source": "PagerDuty"}
    assert list(new_entry(repo)) .index("current") < list(new_entry(repo)).index("data_source")
    assert not [f for f in validate(repo).findings if f.severity.value == "error"]
    assert "kr-is-task" not in result.stderr  # an outcome: no task warning


def test_a_range_key_result(tmp_path):
    repo = make(tmp_path)
    result = run(repo, "platform/2026-Q4/O2", "Availability stays in band", "--range", "99.5..99.99", "--current", "99.7",
                 "--confidence", "0.9")
    assert result.exit_code == 0, result.output + result.stderr
    entry = new_entry(repo)
    assert entry["direction"] == "range" and entry["range"] == {"min": 99.5, "max": 99.99}
    assert "range: {min: 99.5, max: 99.99}" in (repo / FILE).read_text()
    assert not [f for f in validate(repo).findings if f.severity.value == "error"]


@pytest.mark.parametrize("args, message", [
    ([], "a key result needs a target (--target 70) or a range (--range 95..99)"),
    (["--baseline", "3"], "add --draft"),
    (["--target", "5", "--range", "1..2"], "either --target or --range"),
    (["--range", "9..2"], "ends below where it starts"),
    (["--range", "9-12"], "write MIN..MAX, e.g. 95..99"),
    (["--target", "5", "--confidence", "150%"], "outside 0% to 100%"),
    (["--target", "5", "--confidence", "high"], "like 0.7, or as a percentage like 70%"),
    (["--target", "1,5"], "use a point for decimals, e.g. 1.5"),
    (["--target", "5", "--current", "lots"], "like 42, -3 or 0.75"),
])
def test_refusals_write_nothing(tmp_path, args, message):
    repo = make(tmp_path)
    before = (repo / FILE).read_bytes()
    result = run(repo, "platform/2026-Q4/O2", "Incidents per month from 12 to 4", *args)
    assert result.exit_code == 2
    assert message in result.output + result.stderr
    assert (repo / FILE).read_bytes() == before


def test_a_draft_is_written_without_a_target_and_lint_reports_it(tmp_path):
    repo = make(tmp_path)
    result = run(repo, "platform/2026-Q4/O2", "Incidents per month fall", "--draft")
    assert result.exit_code == 0, result.output + result.stderr
    assert "draft: add a target before merging" in result.stderr
    assert "target" not in new_entry(repo)


@pytest.mark.parametrize("title, args", [
    ("Launch the new status page", ["--target", "1"]),
    ("Migrate checkout to the payment service", ["--baseline", "0", "--target", "100", "--unit", "%"]),
    ("Publish 12 blog posts", ["--baseline", "0", "--target", "12"]),
    ("Einführung des neuen Dashboards", ["--target", "1"]),
])
def test_a_title_that_reads_as_a_task_is_warned_about_by_the_lint_rule(tmp_path, title, args):
    repo = make(tmp_path)
    result = run(repo, "platform/2026-Q4/O2", title, *args)
    assert result.exit_code == 0, result.output + result.stderr
    assert "[kr-is-task]" in result.stderr and "platform/2026-Q4/O2/KR1" in result.output
    assert "warning: key result KR1 " in result.stderr


def test_an_ignored_rule_is_not_warned_about(tmp_path):
    repo = make(tmp_path)
    config = repo / "okrs/okrops.yaml"
    config.write_text(config.read_text() + "lint:\n  rules:\n    kr-is-task: off\n")
    result = run(repo, "platform/2026-Q4/O2", "Launch the new status page", "--target", "1")
    assert result.exit_code == 0 and "kr-is-task" not in result.stderr
