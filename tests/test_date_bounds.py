"""Dates a person gives (--today, OKROPS_TODAY, --as-of) and dates in okrops.yaml and milestones stay in a range
every computation from them can use: outside it they are a usage error or a validate finding at file:line, never
exit 3 (a week back from 0001-01-01, or a site chart's weeks up to 9999-12-31, leave the calendar)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from test_checkin_support import git, isolated_git, org_repo, write  # noqa: F401


def _okrops(repo: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "okrops", *args], cwd=repo, capture_output=True, text=True,
                          env={**os.environ, "OKROPS_TODAY": "2026-11-15", **(env or {})})


def test_a_day_given_outside_the_calendar_okrops_computes_with_is_a_usage_error(org_repo):
    for args, env in ((["report", "week", "--as-of", "0001-01-01"], None), (["report", "week"], {"OKROPS_TODAY": "0001-01-02"}),
                      (["status", "--today", "9999-12-31"], None), (["status", "--as-of", "9999-12-31"], None)):
        done = _okrops(org_repo, *args, env=env)
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert "out of range: give a day from 1900-01-01 to 9000-12-31" in done.stderr and "internal error" not in done.stderr


def test_cycle_dates_at_the_ends_of_the_calendar_are_a_finding_and_the_site_still_builds(org_repo, tmp_path):
    config = (org_repo / "okrs/okrops.yaml").read_text()
    config = config.replace("cycles:\n", "cycles:\n  - id: Y9999\n    start: 9999-12-30\n    end: 9999-12-31\n", 1)
    write(org_repo / "okrs/okrops.yaml", config)
    git(org_repo, "commit", "-qam", "a cycle at the end of time")
    done = _okrops(org_repo, "validate")
    line = config.splitlines().index("    start: 9999-12-30") + 1
    assert done.returncode == 1
    assert f"okrs/okrops.yaml:{line}:5: error: '9999-12-30' is out of range [date]" in done.stdout, done.stdout
    done = _okrops(org_repo, "site", "build", "--out", str(tmp_path / "public"))
    assert "internal error" not in done.stderr and "Traceback" not in done.stderr, done.stderr
