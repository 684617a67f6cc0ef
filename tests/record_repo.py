"""A real OKR repository (the example organisation) in git, with commits dated as asked, for record tests."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from okrops.examples import example_okrs_dir

COMMERCIAL = "okrs/kestrel/commercial/2026-Q4.yaml"


def git_env(name: str = "Ada", day: str = "", when: str = "10:00:00") -> dict:
    env = dict(os.environ, GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1",
               GIT_AUTHOR_NAME=name, GIT_AUTHOR_EMAIL=f"{name.lower()}@example.com",
               GIT_COMMITTER_NAME=name, GIT_COMMITTER_EMAIL=f"{name.lower()}@example.com")
    env.pop("OKROPS_TODAY", None)
    if day:
        env.update(GIT_AUTHOR_DATE=f"{day}T{when}+00:00", GIT_COMMITTER_DATE=f"{day}T{when}+00:00")
    return env


def git(repo: Path, *args: str, name: str = "Ada", day: str = "", when: str = "10:00:00") -> str:
    done = subprocess.run(["git", *args], cwd=repo, env=git_env(name, day, when), capture_output=True, text=True)
    if done.returncode:
        raise AssertionError(f"git {args} failed: {done.stderr}")
    return done.stdout


def okrops(repo: Path, *args: str, name: str = "Ada", day: str = "", when: str = "10:00:00",
           env: dict | None = None) -> subprocess.CompletedProcess:
    full = git_env(name, day, when)
    full.update(env or {})
    return subprocess.run(["okrops", *args], cwd=repo, env=full, capture_output=True, text=True)


def replace(repo: Path, rel: str, old: str, new: str) -> None:
    path = repo / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, (old, rel)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def example_repo(root: Path, day: str = "2026-09-28") -> Path:
    """The example organisation committed on ``day`` in a new repository at ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copytree(example_okrs_dir(), root / "okrs")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "The organisation", day=day)
    return root


def merge_branch(repo: Path, branch: str, edits: list[tuple[str, str, str]], message: str, *, author: str,
                 merger: str, day: str, subject: str) -> None:
    """A pull request: ``edits`` committed on ``branch`` by ``author``, merged with --no-ff by ``merger``."""
    git(repo, "switch", "-q", "-c", branch)
    for rel, old, new in edits:
        replace(repo, rel, old, new)
    git(repo, "commit", "-qam", message, name=author, day=day, when="09:00:00")
    git(repo, "switch", "-q", "main")
    git(repo, "merge", "-q", "--no-ff", "-m", subject, branch, name=merger, day=day, when="15:00:00")
