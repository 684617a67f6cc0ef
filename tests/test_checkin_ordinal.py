"""Checking in an ordinal key result's level (issue 15): by name, any case; refused naming the levels;
the file keeps its layout; the trailers carry the level; history, status and the site read it back."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import OrgBuilder, run_git

PLATFORM = "okrs/acme/eng/platform/2026-Q4.yaml"
FILE = """\
# Platform's OKRs: hand-written, with comments and odd spacing kept
objectives:
  - id: O1
    title: Self-serve onboarding ships
    why: growth
    type: committed
    aligns_to: {strategies: [growth]}
    key_results:
      - id: KR1
        title: Weekly active users from 100 to 200
        baseline: 100
        target: 200
        current: 150   # last week
      - id: KR2
        title: Onboarding reaches general availability
        levels: [none, Pilot, beta, ga]   # the path
        level: Pilot      # where we are
        confidence: 0.6
      - id: KR3
        title: Docs site reaches beta
        levels:
          - none
          - "beta: public"
        # no level yet
      - {id: KR4, title: Billing migrates, levels: [old, dual, new], level: 'old'}
"""


def okrops(root: Path, *args: str, code: int = 0) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "okrops", *args], cwd=root, capture_output=True, text=True)
    assert result.returncode == code, result.stdout + result.stderr
    return result


@pytest.fixture
def repo(tmp_path) -> Path:
    org = OrgBuilder(tmp_path / "repo").standard()
    org.write(PLATFORM, FILE)
    org.git_init()
    return org.root


def last_message(root: Path) -> str:
    return run_git(root, "log", "-1", "--format=%B")


def test_a_level_is_checked_in_by_name_in_any_case_and_only_its_line_changes(repo):
    okrops(repo, "checkin", "platform/2026-Q4/O1/KR2", "BETA", "-m", "Beta with three customers")
    after = (repo / PLATFORM).read_text(encoding="utf-8")
    assert after == FILE.replace("level: Pilot      # where we are", "level: beta       # where we are")
    message = last_message(repo)
    assert message.startswith("Check-in platform O1/KR2: Pilot -> beta\n")
    assert "Okr-Checkin: platform/2026-Q4/O1/KR2\nOkr-Value: 2\nOkr-Level: beta\nOkr-Previous: 1\n" in message
    # A level that is not there yet is added under the levels, a quoted one keeps its quotes.
    okrops(repo, "checkin", "platform/2026-Q4/O1/KR3", "BETA: Public", "-c", "0.8")
    assert "Okr-Value: 1\nOkr-Level: beta: public\nOkr-Confidence: 0.8\n" in last_message(repo)
    okrops(repo, "checkin", "platform/2026-Q4/O1/KR4", "Dual")
    after = (repo / PLATFORM).read_text(encoding="utf-8")
    assert after == FILE.replace("level: Pilot      # where we are", "level: beta       # where we are").replace(
        '          - "beta: public"\n', '          - "beta: public"\n        level: "beta: public"\n        confidence: 0.8\n'
    ).replace("level: 'old'}", "level: 'dual'}")
    assert okrops(repo, "validate").returncode == 0


def test_an_unknown_level_is_refused_naming_the_levels_and_the_line(repo):
    result = okrops(repo, "checkin", "platform/2026-Q4/O1/KR2", "gamma", code=2)
    assert f"{PLATFORM}:16: platform/2026-Q4/O1/KR2 is an ordinal key result and 'gamma' is not one of its " \
           "levels; give one of: none, Pilot, beta, ga" in result.stderr
    assert "Traceback" not in result.stderr
    assert (repo / PLATFORM).read_text(encoding="utf-8") == FILE
    assert run_git(repo, "status", "--porcelain") == ""
    assert okrops(repo, "checkin", "platform/2026-Q4/O1/KR2", "pilot", code=2).stderr.count("already Pilot") == 1


def test_a_level_named_in_another_case_that_matches_two_levels_says_so(repo):
    (repo / PLATFORM).write_text(FILE.replace("levels: [none, Pilot, beta, ga]", "levels: [none, Pilot, pilot, ga]"),
                                 encoding="utf-8")
    run_git(repo, "commit", "-qam", "two pilots")
    result = okrops(repo, "checkin", "platform/2026-Q4/O1/KR2", "PILOT", code=2)
    assert f"{PLATFORM}:16: platform/2026-Q4/O1/KR2 has levels that differ only in case, and 'PILOT' names 2 of " \
           "them (Pilot, pilot); give the level as the file spells it" in result.stderr, result.stderr
    okrops(repo, "checkin", "platform/2026-Q4/O1/KR2", "pilot")  # as the file spells it
    assert "Okr-Value: 2\nOkr-Level: pilot\n" in last_message(repo)


def test_a_check_in_file_names_levels_too_and_every_bad_row_is_reported(repo):
    (repo / "in.csv").write_text("ref,value\nplatform/2026-Q4/O1/KR2,GA\nplatform/2026-Q4/O1/KR4,newest\n"
                                 "platform/2026-Q4/O1/KR1,high\n", encoding="utf-8")
    result = okrops(repo, "checkin", "--from", "in.csv", code=2)
    assert "'newest' is not one of its levels; give one of: old, dual, new" in result.stderr
    assert "'high' is not a number" in result.stderr
    (repo / "in.csv").write_text("ref,value\nplatform/2026-Q4/O1/KR2,GA\nplatform/2026-Q4/O1/KR1,170\n",
                                 encoding="utf-8")
    okrops(repo, "checkin", "--from", "in.csv")
    assert "level: ga         # where we are" in (repo / PLATFORM).read_text(encoding="utf-8")


def test_history_status_and_the_site_read_the_level_back(repo, tmp_path):
    okrops(repo, "checkin", "platform/2026-Q4/O1/KR2", "beta", "-m", "Beta with three customers")
    text = (repo / PLATFORM).read_text(encoding="utf-8").replace("level: beta ", "level: ga   ")
    (repo / PLATFORM).write_text(text, encoding="utf-8")
    run_git(repo, "commit", "-qam", "GA, by hand")
    checkins = json.loads(okrops(repo, "history", "--format", "json").stdout)["checkins"]
    assert [(c["kind"], c["value"], c["previous"], c["level"], c["previous_level"], c["verified"]) for c in checkins] \
        == [("checkin", 2, 1, "beta", "Pilot", True), ("edit", 3, 2, "ga", "beta", True)]
    assert okrops(repo, "history", "--unverified").stdout.strip() == "No unverified check-ins found."
    assert "Pilot -> beta" in okrops(repo, "history").stdout
    csv_text = okrops(repo, "history", "--format", "csv").stdout
    assert csv_text.splitlines()[0].endswith(",level,previous_level") and ",beta,Pilot" in csv_text
    status = json.loads(okrops(repo, "status", "platform", "--format", "json").stdout)
    kr = status["units"][0]["objective_rows"][0]["key_results"][1]
    assert (kr["level"], kr["score"], kr["status"]) == ("ga", 1.0, "done")
    out = tmp_path / "site"
    okrops(repo, "site", "build", "--out", str(out))
    page = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", (out / "units/platform/2026-Q4/O1/KR2/index.html").read_text()))
    assert "Pilot → beta" in page and "beta → ga" in page


def test_a_trailer_naming_another_level_than_the_file_is_not_verified(repo):
    text = (repo / PLATFORM).read_text(encoding="utf-8").replace("level: Pilot ", "level: beta  ")
    (repo / PLATFORM).write_text(text, encoding="utf-8")
    run_git(repo, "commit", "-qam", "Check-in\n\nOkr-Checkin: platform/2026-Q4/O1/KR2\nOkr-Value: 2\nOkr-Level: ga")
    unverified = json.loads(okrops(repo, "history", "--unverified", "--format", "json").stdout)["checkins"]
    assert [(c["ref"], c["level"], c["verified"]) for c in unverified] == [("platform/2026-Q4/O1/KR2", "ga", False)]
    assert unverified[0]["reason"] == f"{PLATFORM} says level 'beta', not 'ga'"
