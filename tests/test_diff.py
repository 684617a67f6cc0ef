"""okrops diff: a semantic diff between git refs, on real repositories with branches and merges."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from okrops.cli.review import diff as diff_command
from okrops.review.diff import MARKER, diff_refs

CONFIG = """# yaml-language-server: $schema=../schema/config.json
organisation: Acme
cycles:
  - id: 2026-Q4
    start: 2026-10-01
    end: 2026-12-31
  - id: 2027-Q1
    start: 2027-01-01
    end: 2027-03-31
"""
STRATEGY = """strategies:
  - id: growth
    title: Grow self-serve
  - id: reliability
    title: Never lose data
"""
UNIT = """name: Platform
maintainers: ["@acme/platform"]
"""
OKRS = """# yaml-language-server: $schema=../../schema/okrs.json
objectives:
  - id: O1
    title: Checkout is fast everywhere
    aligns_to:
      strategies: [growth]
    key_results:
      - id: KR1
        title: Weekly active stores grow from 100 to 200
        baseline: 100
        target: 200
        current: 120
        confidence: 0.7
      - id: KR2
        title: p95 checkout latency falls from 480 to 250 ms
        unit: ms
        baseline: 480
        target: 250
        current: 400
  - id: O2
    title: Incidents are rare and short
    visibility: private
    aligns_to:
      strategies: [reliability]
    key_results:
      - id: KR1
        title: Monthly incidents fall from 12 to 4
        baseline: 12
        target: 4
"""


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout


def make_repo(tmp_path: Path, okrs: str = OKRS) -> Path:
    repo = tmp_path / "repo"
    (repo / "okrs" / "platform").mkdir(parents=True)
    (repo / "okrs" / "okrops.yaml").write_text(CONFIG)
    (repo / "okrs" / "strategy.yaml").write_text(STRATEGY)
    (repo / "okrs" / "platform" / "unit.yaml").write_text(UNIT)
    (repo / "okrs" / "platform" / "2026-Q4.yaml").write_text(okrs)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.name", "Test")
    git(repo, "config", "user.email", "test@example.com")
    git(repo, "config", "commit.gpgsign", "false")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "OKRs")
    return repo


def edit(repo: Path, old: str, new: str, file: str = "okrs/platform/2026-Q4.yaml") -> None:
    path = repo / file
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def commit(repo: Path, message: str) -> None:
    git(repo, "commit", "-q", "-am", message)


def flags(result) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for change, flag in result.flags:
        found.setdefault(flag.id, []).append(change.ref)
    return found


def test_branch_changes_are_described_and_flagged(tmp_path):
    repo = make_repo(tmp_path)
    git(repo, "checkout", "-q", "-b", "feature")
    edit(repo, "        target: 200\n        current: 120", "        target: 150\n        current: 130")
    edit(repo, "        baseline: 480", "        baseline: 520")
    edit(repo, "title: p95 checkout latency falls from 480 to 250 ms", "title: Implement a checkout cache")
    edit(repo, "    aligns_to:\n      strategies: [growth]\n", "")
    edit(repo, "    visibility: private\n", "")
    edit(repo, "title: Checkout is fast everywhere", "title: Checkout is fast on every continent")
    commit(repo, "rework platform OKRs")

    result = diff_refs(str(repo), today=__import__("datetime").date(2026, 11, 15))

    found = flags(result)
    assert found["target-lowered"] == ["platform/2026-Q4/O1/KR1"]
    assert found["baseline-moved"] == ["platform/2026-Q4/O1/KR2"]
    assert found["kr-became-task"] == ["platform/2026-Q4/O1/KR2"]
    assert found["no-longer-aligned"] == ["platform/2026-Q4/O1"]
    assert found["made-public"] == ["platform/2026-Q4/O2"]
    changed = {(c.ref, c.field): (c.old, c.new) for c in result.changes}
    assert changed[("platform/2026-Q4/O1/KR1", "current")] == (120, 130)
    assert changed[("platform/2026-Q4/O1", "title")] == ("Checkout is fast everywhere",
                                                          "Checkout is fast on every continent")
    assert result.counts()["check-ins"] == 1
    assert all(f.level == "warning" for _c, f in result.flags)


def test_merge_base_ignores_what_main_did_meanwhile(tmp_path):
    repo = make_repo(tmp_path)
    git(repo, "checkout", "-q", "-b", "feature")
    edit(repo, "        target: 4\n", "        target: 3\n")
    commit(repo, "harder incident target")
    git(repo, "checkout", "-q", "main")
    edit(repo, "key_results:\n      - id: KR1\n        title: Monthly", "key_results:\n      - id: KR1\n        title: Yearly")
    (repo / "okrs" / "platform" / "2027-Q1.yaml").write_text(
        "objectives:\n  - id: O1\n    title: Later\n    key_results: []\n")
    git(repo, "add", ".")
    commit(repo, "main moves on")
    git(repo, "checkout", "-q", "feature")
    git(repo, "merge", "-q", "--no-edit", "main")

    result = diff_refs(str(repo), today=__import__("datetime").date(2026, 11, 15))
    refs = {(c.ref, c.field) for c in result.changes}
    # only the branch's own change: nothing main did (title, the new file) shows as a change
    assert refs == {("platform/2026-Q4/O2/KR1", "target")}
    assert not result.flags  # a harder target is not a lowered one


def test_cli_markdown_is_a_pull_request_comment(tmp_path):
    repo = make_repo(tmp_path)
    base = git(repo, "rev-parse", "HEAD").strip()
    edit(repo, "        target: 200\n", "        target: 150\n")
    edit(repo, "  - id: O2\n", "  - id: O3\n    title: 'Costs | <b>drop</b>'\n    key_results: []\n  - id: O2\n")
    commit(repo, "lower a target and add an objective")

    result = CliRunner().invoke(diff_command, [base, "HEAD", "--repo", str(repo), "--format", "markdown",
                                                "--today", "2026-11-01"])
    assert result.exit_code == 0, result.output
    text = result.output
    assert text.startswith(MARKER)
    assert "## OKR changes" in text
    assert "For reviewers" in text and "target lowered" in text
    assert "### platform · 2026-Q4" in text
    assert "- 🔁 Key result **O1/KR1** target 200 → **150** ⚠️ · _Weekly active stores grow from 100 to 200_" in text
    assert "- ➕ Objective **O3** added: Costs" in text
    assert "Costs \\| &lt;b&gt;drop&lt;/b&gt;" in text  # table and HTML characters are escaped
    assert "<b>" not in text


def test_json_and_text_formats(tmp_path):
    repo = make_repo(tmp_path)
    edit(repo, "        target: 200\n", "        target: 150\n")
    commit(repo, "lower")
    runner = CliRunner()
    out = runner.invoke(diff_command, ["HEAD~1", "HEAD", "--repo", str(repo), "--format", "json", "--today", "2026-09-01"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["changes"][0]["ref"] == "platform/2026-Q4/O1/KR1"
    assert data["changes"][0]["old"] == 200 and data["changes"][0]["new"] == 150
    # before the cycle starts, a lower target is planning: a notice, not a warning
    assert data["flags"] == [{"ref": "platform/2026-Q4/O1/KR1", "id": "target-lowered", "level": "notice",
                              "message": data["flags"][0]["message"], "file": "okrs/platform/2026-Q4.yaml"}]
    text = runner.invoke(diff_command, ["HEAD~1", "HEAD", "--repo", str(repo), "--today", "2026-09-01"])
    assert "~ key result platform/2026-Q4/O1/KR1 target: 200 → 150" in text.output
    strict = runner.invoke(diff_command, ["HEAD~1", "HEAD", "--repo", str(repo), "--fail-on-flags",
                                          "--today", "2026-11-01"])
    assert strict.exit_code == 1


def test_working_tree_added_and_removed_mid_cycle(tmp_path):
    repo = make_repo(tmp_path)
    git(repo, "checkout", "-q", "-b", "work")
    text = (repo / "okrs/platform/2026-Q4.yaml").read_text()
    cut = text.index("  - id: O2\n")
    (repo / "okrs/platform/2026-Q4.yaml").write_text(
        text[:cut] + "  - id: O4\n    title: Fewer pages at night\n    key_results:\n"
        "      - id: KR1\n        title: Night pages fall from 30 to 5\n        baseline: 30\n        target: 5\n")
    result = diff_refs(str(repo), today=__import__("datetime").date(2026, 11, 15))  # uncommitted: working tree
    actions = {(c.action, c.kind, c.ref) for c in result.changes}
    assert ("removed", "objective", "platform/2026-Q4/O2") in actions
    assert ("added", "objective", "platform/2026-Q4/O4") in actions
    assert ("added", "key_result", "platform/2026-Q4/O4/KR1") in actions
    assert flags(result)["removed-mid-cycle"] == ["platform/2026-Q4/O2"]
    assert result.head == "working tree"


def test_broken_file_is_a_note_not_a_removal(tmp_path):
    repo = make_repo(tmp_path)
    (repo / "okrs/platform/2026-Q4.yaml").write_text("objectives:\n  - id: O1\n    title: [unclosed\n")
    result = diff_refs(str(repo), "HEAD", today=__import__("datetime").date(2026, 11, 15))
    assert not [c for c in result.changes if c.kind in ("objective", "key_result")]
    assert any("okrs/platform/2026-Q4.yaml does not load" in note for note in result.notes)


def test_first_pull_request_adds_everything(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.name", "Test")
    git(repo, "config", "user.email", "test@example.com")
    (repo / "README.md").write_text("hello\n")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "empty")
    git(repo, "checkout", "-q", "-b", "okrs")
    made = make_repo(tmp_path / "src")
    import shutil

    shutil.copytree(made / "okrs", repo / "okrs")
    result = diff_refs(str(repo), today=__import__("datetime").date(2026, 11, 15))
    counts = result.counts()
    assert counts["objectives added"] == 2 and counts["key results added"] == 3
    assert {c.ref for c in result.changes if c.kind == "unit"} == {"platform"}


def test_unit_made_public_and_maintainers(tmp_path):
    repo = make_repo(tmp_path)
    edit(repo, "name: Platform\n", "name: Platform\nvisibility: private\n", "okrs/platform/unit.yaml")
    commit(repo, "hide")
    edit(repo, "visibility: private\n", "", "okrs/platform/unit.yaml")
    edit(repo, '"@acme/platform"', '"@acme/platform", "@acme/sre"', "okrs/platform/unit.yaml")
    commit(repo, "show")
    result = diff_refs(str(repo), "HEAD~1", "HEAD", today=__import__("datetime").date(2026, 11, 15))
    assert flags(result)["made-public"] == ["platform"]
    fields = {c.field for c in result.changes if c.kind == "unit"}
    assert fields == {"visibility", "maintainers"}


def test_no_changes_and_bad_refs(tmp_path):
    repo = make_repo(tmp_path)
    runner = CliRunner()
    same = runner.invoke(diff_command, ["HEAD", "HEAD", "--repo", str(repo), "--format", "markdown"])
    assert same.exit_code == 0
    assert "No objectives, key results or settings changed." in same.output
    bad = runner.invoke(diff_command, ["no-such-branch", "--repo", str(repo)])
    assert bad.exit_code == 2
    assert "'no-such-branch' is not a commit" in bad.output
    assert "Traceback" not in bad.output
    option = runner.invoke(diff_command, ["--repo", str(repo), "--", "--upload-pack=evil"])
    assert option.exit_code == 2


@pytest.mark.parametrize("branch", ["main", "master"])
def test_default_branch_from_origin(tmp_path, branch):
    origin = make_repo(tmp_path)
    if branch == "master":
        git(origin, "branch", "-m", "main", "master")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(origin), str(clone)], check=True)
    git(clone, "config", "user.name", "Test")
    git(clone, "config", "user.email", "test@example.com")
    git(clone, "checkout", "-q", "-b", "topic")
    edit(clone, "        target: 4\n", "        target: 2\n")
    commit(clone, "harder")
    result = diff_refs(str(clone), today=__import__("datetime").date(2026, 11, 15))
    assert result.base.startswith("merge base with origin/")
    assert [(c.ref, c.field) for c in result.changes] == [("platform/2026-Q4/O2/KR1", "target")]


def test_committed_made_aspirational_mid_cycle(tmp_path):
    repo = make_repo(tmp_path)
    edit(repo, "    title: Incidents are rare and short\n", "    title: Incidents are rare and short\n    type: aspirational\n")
    commit(repo, "stretch")
    result = diff_refs(str(repo), "HEAD~1", "HEAD", today=__import__("datetime").date(2026, 11, 15))
    assert flags(result) == {"made-aspirational": ["platform/2026-Q4/O2"]}
    early = diff_refs(str(repo), "HEAD~1", "HEAD", today=__import__("datetime").date(2026, 9, 15))
    assert flags(early) == {}


def test_export_ignore_does_not_hide_files(tmp_path):
    repo = make_repo(tmp_path)
    (repo / ".gitattributes").write_text("okrs/** export-ignore\n")
    git(repo, "add", ".gitattributes")
    commit(repo, "attributes")
    result = diff_refs(str(repo), "HEAD", today=__import__("datetime").date(2026, 11, 15))
    assert result.changes == [] and result.notes == []


def test_kpi_changes_are_reported_with_a_notice_when_health_drops(tmp_path):
    from datetime import date

    repo = make_repo(tmp_path)
    kpis = ("kpis:\n  - id: uptime\n    title: API availability\n    unit: '%'\n    current: 99.95\n"
            "    healthy: {min: 99.9}\n    warning: {min: 99.5}\n")
    (repo / "okrs" / "platform" / "unit.yaml").write_text(UNIT + kpis)
    commit(repo, "add a KPI")
    git(repo, "checkout", "-q", "-b", "kpi")
    edit(repo, "current: 99.95", "current: 99.7", file="okrs/platform/unit.yaml")
    edit(repo, "warning: {min: 99.5}", "warning: {min: 99.0}", file="okrs/platform/unit.yaml")
    with (repo / "okrs" / "platform" / "unit.yaml").open("a") as handle:
        handle.write("  - id: p95\n    title: p95 latency\n    current: 200\n")
    commit(repo, "KPI moved")

    result = diff_refs(str(repo), today=date(2026, 11, 15))
    kpi = {(c.action, c.ref, c.field): (c.old, c.new) for c in result.changes if c.kind == "kpi"}
    assert kpi == {
        ("changed", "platform/uptime", "current"): (99.95, 99.7),
        ("changed", "platform/uptime", "warning"): ("99.5..", "99.."),
        ("added", "platform/p95", ""): (None, None),
    }
    assert flags(result) == {"kpi-health": ["platform/uptime"]}
    text = CliRunner().invoke(diff_command, ["--repo", str(repo), "--format", "markdown"]).output
    assert "KPI **platform/uptime** current: 99.95 → **99.7**" in text
    assert "KPI **platform/p95** added: p95 latency" in text
