"""Shared helpers for the check-in, history and demo tests (no tests here).

Builds small, real OKR repositories in real git repositories; git identity is
set in the repository's own config, so the developer's global config never matters.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

CONFIG = """\
# yaml-language-server: $schema=../schema/config.json
organisation: Test Org   # the name

cycles:
  - id: 2026-Q4
    name: Q4 2026
    start: 2026-10-01
    end: 2026-12-31

checkins:
  cadence_days: 7
"""

PLATFORM_Q4 = """\
# yaml-language-server: $schema=../../../schema/okrs.json
# Platform team, Q4.

objectives:
  - id: O1
    title: Customers run on the new platform   # committed
    why: "Old stack costs too much"
    key_results:
      - id: KR1
        title: Cut p95 latency from 480 ms to 250 ms
        unit: ms
        baseline: 480
        target: 250
        current: 400    # measured weekly
        confidence: 0.5
      - id: KR2
        title: Migrate 60 customers
        baseline: 0
        target: 60
        current: 38
        confidence: 0.70
      - id: KR3
        title: Reach 99.9% uptime
        baseline: 99.0
        target: 99.9

  # A second objective with a comment before it.
  - id: O2
    title: Developers love the platform
    type: aspirational
    key_results:
      - id: KR1
        title: Raise developer NPS from 10 to 40
        baseline: 10
        target: 40
        current: 22
        confidence: 0.4
"""

DATA_Q4 = """\
objectives:
  - id: O1
    title: Trustworthy data
    key_results:
      - id: KR1
        title: Lift data quality score from 70 to 95
        baseline: 70
        target: 95
        current: 75
"""


def git(cwd, *args: str, env: dict | None = None, check: bool = True) -> str:
    full_env = dict(os.environ)
    full_env.update({"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"})
    if env:
        full_env.update(env)
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env=full_env, check=False)
    if check and done.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {done.stderr}")
    return done.stdout


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))


def make_org(root: Path, *, commit: bool = True) -> Path:
    """A small organisation (acme > platform, data) in a new git repository at ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    write(root / "okrs/okrops.yaml", CONFIG)
    write(root / "okrs/acme/unit.yaml", "name: Acme\nkind: company\n")
    write(root / "okrs/acme/platform/unit.yaml", "name: Platform\nkind: team\n")
    write(root / "okrs/acme/platform/2026-Q4.yaml", PLATFORM_Q4)
    write(root / "okrs/acme/data/unit.yaml", "name: Data\nkind: team\n")
    write(root / "okrs/acme/data/2026-Q4.yaml", DATA_Q4)
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Test Person")
    git(root, "config", "user.email", "test@example.com")
    git(root, "config", "commit.gpgsign", "false")
    if commit:
        git(root, "add", "okrs")
        git(root, "commit", "-q", "-m", "Q4 OKRs", env={"GIT_AUTHOR_DATE": "2026-10-01T09:00:00+00:00",
                                                        "GIT_COMMITTER_DATE": "2026-10-01T09:00:00+00:00"})
    return root


def load_org(root: Path):
    from okrops.repository import load

    result = load(root)
    assert result.organisation is not None, result.findings
    return result.organisation


import pytest  # noqa: E402


@pytest.fixture(autouse=False)
def isolated_git(monkeypatch):
    """git (and GitPython) without the developer's global or system config, dates or identity."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in ("GIT_AUTHOR_DATE", "GIT_COMMITTER_DATE", "GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL",
                 "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE",
                 "OKROPS_TODAY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def org_repo(tmp_path, isolated_git) -> Path:
    return make_org(tmp_path / "repo")


def run_cli(command, args, input=None):
    from click.testing import CliRunner

    return CliRunner().invoke(command, args, input=input, catch_exceptions=False)
