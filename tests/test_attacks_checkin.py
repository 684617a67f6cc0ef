"""A check-in killed outright (SIGKILL) is finished or undone by the next check-in (issue 8).

Nothing can catch SIGKILL. Before, a check-in killed after it took git's ``index.lock``
left that lock behind (every later ``git commit`` and check-in refused), its new YAML in
the work tree, the new entries in the index and its backups as untracked files, for good.
Now the next check-in reads the journal the dead one kept and puts the repository back
exactly as it was before (or, when the branch had already moved, exactly as after), then
checks in. Real repositories, real processes, real SIGKILL at every step.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from checkin_atomic_support import (OKROPS, check_commit_agrees, clean_env, git, make_repo, snapshot, start, strays,
                                    value_at, wait_for_pause)

KR = "platform/2026-Q4/O1/KR2"
OTHER = "data/2026-Q4/O1/KR1"
PLATFORM = "okrs/acme/platform/2026-Q4.yaml"
STEPS = ["index-locked", "files", "hooks", "index", "ref"]


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    return make_repo(tmp_path_factory.mktemp("killed-template"))


@pytest.fixture
def repo(template, tmp_path) -> Path:
    copy = tmp_path / "repo"
    shutil.copytree(template, copy, symlinks=True)
    return copy


def kill_at(repo: Path, step: str, *args: str) -> None:
    victim = start(repo, KR, "60", *args, env=clean_env(OKROPS_TEST_PAUSE_AT=step))
    assert wait_for_pause(victim) == step
    victim.kill()
    victim.communicate(timeout=60)


def checkin(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*OKROPS, "checkin", "--repo", str(repo), *args], cwd=repo, env=clean_env(),
                          capture_output=True, text=True, timeout=60)


def assert_whole(repo: Path) -> None:
    """Files, index and HEAD agree; nothing of okrops' or a dead git's is left."""
    assert git(repo, "status", "--porcelain", "--untracked-files=all", "--ignored") == ""
    assert git(repo, "ls-files", "-s") == git(repo, "ls-tree", "-r", "--format=%(objectmode) %(objectname) 0%x09%(path)",
                                             "HEAD")
    assert strays(repo) == []
    assert not list((repo / ".git").glob("okrops-checkin.journal*"))


@pytest.mark.parametrize("step", STEPS)
def test_the_next_check_in_undoes_or_finishes_a_killed_one(repo, step):
    before = snapshot(repo)
    kill_at(repo, step)
    done = checkin(repo, OTHER, "81")
    assert done.returncode == 0, done.stderr
    assert_whole(repo)
    assert check_commit_agrees(repo, "HEAD") == [(OTHER, 81.0)]
    if step == "ref":  # the branch had moved: the killed check-in landed, its leftovers are gone
        assert git(repo, "rev-parse", "HEAD~2").strip() == before["head"]
        assert check_commit_agrees(repo, "HEAD~1") == [(KR, 60.0)]
    else:  # exactly as before, then the new check-in
        assert git(repo, "rev-parse", "HEAD~1").strip() == before["head"]
        assert value_at(repo, "HEAD", KR) == value_at(repo, before["head"], KR)
        assert (repo / PLATFORM).read_bytes() == git(repo, "show", f"{before['head']}:{PLATFORM}").encode()
    after = snapshot(repo)
    assert set(after["work"]) == set(before["work"])


@pytest.mark.parametrize("step", ["files", "index", "ref"])
def test_a_killed_check_in_on_a_new_branch_is_undone_or_finished(repo, step):
    before = snapshot(repo)
    kill_at(repo, step, "--branch", "checkin-x")
    done = checkin(repo, OTHER, "82")
    assert done.returncode == 0, done.stderr
    assert_whole(repo)
    branch = git(repo, "symbolic-ref", "HEAD").strip()
    if step == "ref":
        assert branch == "refs/heads/checkin-x"
        assert check_commit_agrees(repo, "HEAD~1") == [(KR, 60.0)]
    else:
        assert branch == before["branch"]
        assert git(repo, "rev-parse", "--verify", "--quiet", "refs/heads/checkin-x", check=False) == ""
        assert git(repo, "rev-parse", "HEAD~1").strip() == before["head"]


def test_a_killed_check_in_no_longer_blocks_plain_git_after_the_next_check_in(repo):
    kill_at(repo, "hooks")
    assert (repo / ".git/index.lock").exists()
    assert checkin(repo, OTHER, "83").returncode == 0
    (repo / "notes.txt").write_text("more\n")
    git(repo, "commit", "-qam", "plain commit after")
    assert_whole(repo)


def test_what_the_user_changed_after_the_kill_is_never_overwritten(repo):
    kill_at(repo, "files")
    edited = (repo / PLATFORM).read_text().replace("platform", "platform", 1) + "# the user's own line\n"
    (repo / PLATFORM).write_text(edited)
    done = checkin(repo, KR, "61")
    assert done.returncode == 2  # the file has uncommitted changes: nothing written
    assert "interrupted" in done.stderr and "okrops-old-" in done.stderr
    assert (repo / PLATFORM).read_text() == edited
    assert not (repo / ".git/index.lock").exists()


@pytest.mark.parametrize("hook", [
    "echo generated >> notes.txt\ngit add notes.txt\n",  # a hook that regenerates a tracked file and stages it
    "echo new > generated.txt\ngit add generated.txt\n",  # a new file
    "git rm -q --cached notes.txt\n",  # a file taken out of the commit
])
def test_what_a_pre_commit_hook_stages_is_in_the_commit_and_in_the_index(repo, hook):
    """As with git commit: the index matches the new HEAD, so the next plain commit does not undo the hook."""
    path = repo / ".git" / "hooks" / "pre-commit"
    path.write_text("#!/bin/sh\n" + hook)
    path.chmod(0o755)
    done = checkin(repo, KR, "64")
    assert done.returncode == 0, done.stderr
    assert check_commit_agrees(repo, "HEAD") == [(KR, 64.0)]
    assert git(repo, "diff", "--cached", "--name-status", "HEAD") == ""  # the index is HEAD's tree
    assert git(repo, "ls-files", "-s") == git(repo, "ls-tree", "-r", "--format=%(objectmode) %(objectname) 0%x09%(path)",
                                             "HEAD")
    assert git(repo, "diff", "--name-only") == ""  # the work tree agrees too
    assert strays(repo) == []
