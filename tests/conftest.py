"""Shared fixtures: small, real OKR repositories written to tmp dirs."""

from __future__ import annotations

import subprocess
import textwrap
from pathlib import Path

import pytest

CONFIG = """\
# yaml-language-server: $schema=../schema/config.json
organisation: Test Org
cycles:
  - id: 2026-Q3
    start: 2026-07-01
    end: 2026-09-30
  - id: 2026-Q4
    start: 2026-10-01
    end: 2026-12-31
  - id: FY2026
    start: 2026-01-01
    end: 2026-12-31
"""

STRATEGY = """\
vision: Robots everywhere
mission: Make robots easy
strategies:
  - id: growth
    title: Grow self-serve
  - id: quality
    title: Be reliable
"""


def good_kr(kr_id: str = "KR1", **extra) -> dict:
    data = {
        "id": kr_id,
        "title": f"Weekly active users from 100 to 200 ({kr_id})",
        "metric": "weekly active users",
        "unit": "users",
        "baseline": 100,
        "target": 200,
        "current": 150,
        "confidence": 0.7,
        "data_source": "https://metrics.example.com/wau",
    }
    data.update(extra)
    return data


def good_objective(obj_id: str = "O1", krs: int = 2, **extra) -> dict:
    data = {
        "id": obj_id,
        "title": f"New customers succeed on their own ({obj_id})",
        "why": "Self-serve growth is our strategy",
        "type": "committed",
        "aligns_to": {"strategies": ["growth"]},
        "key_results": [good_kr(f"KR{i + 1}") for i in range(krs)],
    }
    data.update(extra)
    return data


class OrgBuilder:
    """Writes an OKR repository: ``okrs/okrops.yaml``, strategy, units and cycle files."""

    def __init__(self, root: Path):
        self.root = root
        self.okrs = root / "okrs"
        self.okrs.mkdir(parents=True, exist_ok=True)
        self.write("okrs/okrops.yaml", CONFIG)
        self.write("okrs/strategy.yaml", STRATEGY)

    def write(self, rel: str, text: str) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text) if text.startswith("\n") else text, encoding="utf-8")
        return path

    def write_yaml(self, rel: str, data) -> Path:
        import yaml

        return self.write(rel, yaml.safe_dump(data, sort_keys=False, allow_unicode=True))

    def unit(self, folder: str, name: str | None = None, **extra) -> "OrgBuilder":
        data = {"name": name or folder.rsplit("/", 1)[-1].title(), "kind": "team"}
        data.update(extra)
        self.write_yaml(f"okrs/{folder}/unit.yaml", data)
        return self

    def okrs_file(self, folder: str, cycle: str, objectives: list[dict], **extra) -> Path:
        data = {"objectives": objectives}
        data.update(extra)
        return self.write_yaml(f"okrs/{folder}/{cycle}.yaml", data)

    def standard(self) -> "OrgBuilder":
        """A clean three-level organisation: acme > eng > platform, 3 objectives each."""
        self.unit("acme", "Acme", kind="company")
        self.unit("acme/eng", "Engineering", kind="department")
        self.unit("acme/eng/platform", "Platform")
        self.okrs_file("acme", "FY2026", [good_objective(f"O{i}") for i in (1, 2, 3)])
        self.okrs_file("acme/eng", "2026-Q4", [
            good_objective(f"O{i}", aligns_to={"parent": f"acme/FY2026/O{i}"}) for i in (1, 2, 3)
        ])
        self.okrs_file("acme/eng/platform", "2026-Q4", [
            good_objective(f"O{i}", aligns_to={"parent": f"eng/2026-Q4/O{i}/KR1"}) for i in (1, 2, 3)
        ])
        return self

    def git_init(self) -> "OrgBuilder":
        git_init(self.root)
        return self


def git_init(root: Path, message: str = "Initial OKRs") -> Path:
    """Make ``root`` a git repository (branch main, a test identity) with everything in it committed."""
    run_git(root, "init", "-q", "-b", "main")
    run_git(root, "config", "user.name", "Test User")
    run_git(root, "config", "user.email", "test@example.com")
    run_git(root, "add", "-A")
    run_git(root, "commit", "-q", "-m", message)
    return root


def run_git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def org(tmp_path) -> OrgBuilder:
    """An OKR repository with the config and strategy only; add units with .unit() / .okrs_file()."""
    return OrgBuilder(tmp_path / "repo")


@pytest.fixture
def standard_org(org) -> OrgBuilder:
    return org.standard()


@pytest.fixture(autouse=True)
def _fixed_today(monkeypatch):
    """Evaluate every test on the same day (well inside 2026-Q4) unless it says otherwise."""
    monkeypatch.setenv("OKROPS_TODAY", "2026-11-25")


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium (Debian's, driven by Playwright) for every browser test of the session.

    Playwright's sync API allows one instance per thread, so the test modules share this one.
    """
    from test_site_browser import ARGS, CHROMIUM

    if CHROMIUM is None:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is missing: pip install playwright")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield launched
        finally:
            launched.close()
