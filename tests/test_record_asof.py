"""Time travel (--as-of): a real repository whose files change over weeks.

Each week the test checks in, edits targets in a merged pull request, starts a branch that is
merged only weeks later, and records what ``okrops status``, ``lint`` and ``history`` printed
that day. At the end (with later commits on top) ``--as-of`` each of those days must print
exactly the same, read from git without touching the working tree.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from okrops.examples import example_okrs_dir

WEEKS = ["2026-10-05", "2026-10-12", "2026-10-19", "2026-10-26", "2026-11-02"]
KR_A = "commercial/2026-Q4/O1/KR1"
KR_B = "commercial/2026-Q4/O2/KR2"
COMMERCIAL = "okrs/kestrel/commercial/2026-Q4.yaml"


def run(repo: Path, *args: str, day: str = "", check: bool = True, when: str = "10:00:00") -> subprocess.CompletedProcess:
    env = dict(os.environ, GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1", OKROPS_NO_COLOR="1",
               GIT_AUTHOR_NAME="Ada", GIT_AUTHOR_EMAIL="ada@example.com",
               GIT_COMMITTER_NAME="Ada", GIT_COMMITTER_EMAIL="ada@example.com", COLUMNS="100")
    env.pop("OKROPS_TODAY", None)
    if day:
        env.update(GIT_AUTHOR_DATE=f"{day}T{when}+00:00", GIT_COMMITTER_DATE=f"{day}T{when}+00:00")
    done = subprocess.run(list(args), cwd=repo, env=env, capture_output=True, text=True)
    if check and done.returncode not in (0, 1):
        raise AssertionError(f"{args} failed ({done.returncode}): {done.stderr}")
    return done


def okrops(repo: Path, *args: str, **kw) -> subprocess.CompletedProcess:
    return run(repo, "okrops", *args, **kw)


def reports(repo: Path, extra: list[str]) -> dict[str, tuple[int, str]]:
    """What the reporting commands print (exit status and standard output)."""
    out = {}
    for name, args in {"status": ["status"], "status-unit": ["status", "commercial"],
                       "status-json": ["status", "--format", "json"],
                       "lint": ["lint", "--format", "json", "--fail-on", "warning"],
                       "history": ["history", "--format", "json"], "stale": ["history", "--stale"]}.items():
        done = okrops(repo, *args, *extra)
        out[name] = (done.returncode, done.stdout)
    return out


def replace(repo: Path, rel: str, old: str, new: str) -> None:
    path = repo / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture(scope="module")
def weeks(tmp_path_factory):
    """The repository after five weeks, and what each command printed at the end of each week."""
    repo = tmp_path_factory.mktemp("asof") / "repo"
    repo.mkdir()
    shutil.copytree(example_okrs_dir(), repo / "okrs")
    run(repo, "git", "init", "-q", "-b", "main")
    run(repo, "git", "add", "-A")
    run(repo, "git", "commit", "-qm", "The organisation", day="2026-09-28")
    printed: dict[str, dict] = {}
    for number, day in enumerate(WEEKS):
        okrops(repo, "checkin", KR_A, str(73 + number), "-c", str(0.5 + number / 20), "--date", day, day=day)
        if number == 1:  # a reviewed pull request moves a target, merged the same day
            run(repo, "git", "switch", "-q", "-c", "move-target")
            replace(repo, COMMERCIAL, "target: 70", "target: 65")
            run(repo, "git", "commit", "-qam", "Lower the target", day=day, when="11:00:00")
            run(repo, "git", "switch", "-q", "main")
            run(repo, "git", "merge", "-q", "--no-ff", "-m", "Merge pull request #7", "move-target", day=day,
                when="12:00:00")
        if number == 2:  # a branch started now is merged only in the last week
            run(repo, "git", "switch", "-q", "-c", "slow-branch")
            replace(repo, COMMERCIAL, "baseline: 14", "baseline: 15")
            run(repo, "git", "commit", "-qam", "Fix a baseline", day=day, when="11:00:00")
            run(repo, "git", "switch", "-q", "main")
        if number == 3:
            okrops(repo, "checkin", KR_B, "55", "-c", "0.4", "--date", day, day=day, when="13:00:00")
        if number == 4:
            run(repo, "git", "merge", "-q", "--no-ff", "-m", "Merge pull request #9", "slow-branch", day=day,
                when="12:00:00")
        printed[day] = reports(repo, ["--today", day])
    run(repo, "git", "tag", "-a", "-m", "week two", "week-two", run(repo, "git", "rev-list", "-1",
        "--first-parent", "--before=2026-10-13T00:00:00+00:00", "main").stdout.strip())
    okrops(repo, "checkin", KR_A, "90", "-c", "0.9", "--date", "2026-11-09", day="2026-11-09")
    replace(repo, COMMERCIAL, "target: 65", "target: 60")  # uncommitted: never part of the past
    return repo, printed


def test_status_lint_history_as_of_each_week_equal_what_was_printed_that_week(weeks):
    repo, printed = weeks
    before = (repo / COMMERCIAL).read_bytes()
    for day in WEEKS:
        then = reports(repo, ["--as-of", day])
        for name, (code, out) in printed[day].items():
            assert then[name] == (code, out), f"{name} as of {day} differs from what it printed that day"
    assert (repo / COMMERCIAL).read_bytes() == before  # nothing checked out or written
    assert run(repo, "git", "status", "--porcelain").stdout.strip() == f"M {COMMERCIAL}"


def test_the_weeks_really_differ(weeks):
    """The comparison above means something: every week's status is different, and so is today's."""
    repo, printed = weeks
    statuses = {printed[day]["status-json"][1] for day in WEEKS}
    assert len(statuses) == len(WEEKS)
    history = [json.loads(printed[day]["history"][1])["count"] for day in WEEKS]
    assert history == sorted(history) and history[0] < history[-1]
    assert okrops(repo, "status", "--format", "json").stdout not in statuses


def test_a_branch_not_yet_merged_is_not_part_of_the_day(weeks):
    repo, _printed = weeks
    week4 = json.loads(okrops(repo, "status", "commercial", "--format", "json", "--as-of", WEEKS[3]).stdout)
    week5 = json.loads(okrops(repo, "status", "commercial", "--format", "json", "--as-of", WEEKS[4]).stdout)
    assert _baseline(week4, KR_B.replace("O2/KR2", "O2/KR1")) == 14
    assert _baseline(week5, KR_B.replace("O2/KR2", "O2/KR1")) == 15


def _baseline(report: dict, ref: str):
    found = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("ref") == ref:
                found.append(node.get("baseline"))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(report)
    assert found, ref
    return found[0]


def test_as_of_a_ref_is_that_commit_on_the_day_it_was_committed(weeks):
    repo, printed = weeks
    done = okrops(repo, "status", "--as-of", "week-two")
    assert done.stdout == printed[WEEKS[1]]["status"][1]
    assert "as of 2026-10-12" in done.stderr


def test_diff_as_of_lists_what_changed_since(weeks):
    repo, _printed = weeks
    done = okrops(repo, "diff", "--as-of", WEEKS[0], "HEAD", "--format", "json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert "2026-10-05" in data["base"]
    fields = {(c["ref"], c["field"], c["old"], c["new"]) for c in data["changes"]}
    assert ("commercial/2026-Q4/O2/KR2", "target", 70, 65) in fields
    assert ("commercial/2026-Q4/O1/KR1", "current", 73, 90) in fields


@pytest.mark.parametrize("value, message", [
    ("2026-09-01", "nothing was committed on or before 2026-09-01"),
    ("2026-02-30", "invalid date"),
    ("no-such-ref", "is not a commit"),
    ("--upload-pack=x", "starts with '-'"),
])
def test_as_of_mistakes_are_clear_errors(weeks, value, message):
    repo, _printed = weeks
    for command in (["status"], ["lint"], ["history"], ["diff"]):
        done = okrops(repo, *command, f"--as-of={value}", check=False)
        assert done.returncode == 2, (command, done.stdout, done.stderr)
        assert message in done.stderr and "Traceback" not in done.stderr


def test_as_of_outside_git_is_a_clear_error(tmp_path):
    shutil.copytree(example_okrs_dir(), tmp_path / "okrs")
    done = okrops(tmp_path, "status", "--as-of", "2026-10-01", check=False)
    assert done.returncode == 2 and "not in a git repository" in done.stderr
