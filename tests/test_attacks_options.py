"""Hostile or unlucky options and refs: clear messages, nothing written, advice safe to paste (issue 8).

Real repositories, real ``okrops`` processes, a bare remote.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from checkin_atomic_support import OKROPS, clean_env, git, make_repo, snapshot, strays

KR = "platform/2026-Q4/O1/KR2"


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    return make_repo(tmp_path_factory.mktemp("options-template"))


@pytest.fixture
def repo(template, tmp_path) -> Path:
    copy = tmp_path / "repo"
    shutil.copytree(template, copy, symlinks=True)
    return copy


def checkin(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*OKROPS, "checkin", "--repo", str(repo), *args], cwd=repo, env=clean_env(),
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("remote", ["nowhere; touch pwned", "$(touch pwned)", "a b`id`", "it's"])
def test_the_push_it_yourself_advice_is_quoted_for_the_shell(repo, remote):
    done = checkin(repo, KR, "61", "--push", "--remote", remote)
    assert done.returncode == 1
    advice = next(line for line in done.stderr.splitlines() if "Push it yourself with:" in line)
    command = advice.split("Push it yourself with: ", 1)[1]
    assert shlex.split(command) == ["git", "push", remote, "HEAD"]
    assert not (repo / "pwned").exists()


def test_a_held_branch_lock_is_reported_as_git_says_not_as_a_race(repo):
    before = snapshot(repo)
    branch = git(repo, "symbolic-ref", "--short", "HEAD").strip()
    lock = repo / ".git" / "refs" / "heads" / f"{branch}.lock"
    lock.write_text("")
    done = checkin(repo, KR, "62")
    lock.unlink()
    assert done.returncode == 1 and done.stderr.startswith("Error: ")
    assert "kept moving" not in done.stderr and f"refs/heads/{branch}" in done.stderr
    assert "Unable to create" in done.stderr  # git's first line, which says what failed
    assert snapshot(repo) == before and strays(repo) == []


def test_a_branch_name_that_clashes_with_an_existing_branch_is_git_s_message(repo):
    git(repo, "branch", "week")
    before = snapshot(repo)
    done = checkin(repo, KR, "63", "--branch", "week/47")
    assert done.returncode == 1 and "kept moving" not in done.stderr
    assert "refs/heads/week" in done.stderr
    assert snapshot(repo) == before and strays(repo) == []
