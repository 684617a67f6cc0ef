"""okrops report week: the weekly digest, rebuilt from git for any date, with okrops status' numbers."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from webhook_support import Recorder

TODAY = "2026-11-25"


@pytest.fixture(scope="module")
def demo_repo(tmp_path_factory) -> Path:
    from okrops.cli.demo import build

    root = tmp_path_factory.mktemp("demo-week") / "repo"
    build(root, site=False)
    return root


@pytest.fixture
def repo(demo_repo, tmp_path) -> Path:
    copy = tmp_path / "repo"
    shutil.copytree(demo_repo, copy, symlinks=True)
    return copy


def okrops(repo: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = dict(os.environ if env is None else env)
    environment.setdefault("OKROPS_TODAY", TODAY)
    environment["OKROPS_WEBHOOK_PAUSE"] = "0"
    return subprocess.run([sys.executable, "-m", "okrops", *args], cwd=repo, env=environment, capture_output=True,
                          text=True)


def week_json(repo: Path, *args: str) -> dict:
    proc = okrops(repo, "report", "week", "--format", "json", *args)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout


def test_what_moved_is_the_weeks_check_ins_from_history(repo):
    data = week_json(repo, "--as-of", TODAY)
    history = json.loads(okrops(repo, "history", "--since", "2026-11-19", "--format", "json").stdout)
    from okrops.repository import load

    org = load(repo).organisation
    expected = {(h["ref"], h["value"]) for h in history["checkins"]
                if h["date"][:10] <= TODAY and not org.is_private_key_result(h["ref"])}
    assert {(m["ref"], m["value"]) for m in data["moved"]} == expected and expected
    assert all(m["author"] for m in data["moved"])


def test_turned_red_uses_the_statuses_of_okrops_status(repo):
    data = week_json(repo, "--as-of", TODAY)
    assert data["turned"]

    def statuses(day):
        report = json.loads(okrops(repo, "status", "--format", "json", "--today", day).stdout)
        return {kr["ref"]: kr["status"] for u in report["units"] for o in u["objective_rows"] for kr in o["key_results"]}

    # the working tree is the last commit here, and 2026-11-18's commit is the one status would read then
    now = statuses(TODAY)
    for turned in data["turned"]:
        assert now[turned["ref"]] == turned["now"]
        assert turned["now"] in ("at-risk", "off-track") and turned["before"] != turned["now"]


def test_a_past_week_is_rebuilt_from_git_and_nothing_is_checked_out(repo):
    before = week_json(repo, "--as-of", "2026-11-18")
    head, status = git(repo, "rev-parse", "HEAD"), git(repo, "status", "--porcelain")
    # later commits, and an uncommitted edit, do not change an earlier week
    from okrops.record.checkin import Request, checkin
    from okrops.repository import load

    org = load(repo).organisation
    ref = next(r for r in org.key_results if not org.is_private_key_result(r) and org.key_results[r].current is not None)
    checkin(org, [Request(ref, org.key_results[ref].current + 1, None, "later")], when="2026-11-25T10:00:00+00:00",
            commit_date="2026-11-25T10:00:00+00:00")
    assert week_json(repo, "--as-of", "2026-11-18") == before
    assert git(repo, "status", "--porcelain") == status
    assert git(repo, "rev-parse", "HEAD") != head  # the check-in, and nothing else, moved HEAD
    later = week_json(repo, "--as-of", TODAY)
    assert any(m["ref"] == ref and m["note"] == "later" for m in later["moved"])
    assert not list(Path(os.environ.get("TMPDIR", "/tmp")).glob("okrops-asof-*")), "the snapshots are removed"


def test_private_okrs_stay_out_of_the_digest(repo):
    from okrops.repository import load

    org = load(repo).organisation
    private = [r for r in org.key_results if org.is_private_key_result(r)]
    assert private
    text = okrops(repo, "report", "week", "--as-of", TODAY).stdout
    assert not any(r in text for r in private)
    assert not any(org.key_results[r].title in text for r in private)


def test_markdown_sections(repo):
    text = okrops(repo, "report", "week", "--as-of", TODAY).stdout
    assert text.startswith("# OKR week 2026-11-19 to 2026-11-25")
    for heading in ("## What moved", "## Turned at risk or off track", "## Went stale", "## Milestones"):
        assert heading in text


def test_the_digest_goes_to_a_webhook(repo):
    with Recorder() as server:
        proc = okrops(repo, "report", "week", "--as-of", TODAY, "--webhook", "teams",
                      env={**os.environ, "OKROPS_WEBHOOK_URL": server.url})
        assert proc.returncode == 0, proc.stderr
        card = server.json()["attachments"][0]["content"]
    assert card["body"][0]["text"].startswith("OKR week 2026-11-19 to 2026-11-25")


def test_a_date_that_is_not_a_date_is_a_usage_error(repo):
    proc = okrops(repo, "report", "week", "--as-of", "last tuesday")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
