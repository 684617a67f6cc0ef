"""Nothing is stale or red on day one: staleness counts from when a key result appeared (issue 12).

Real git repositories with back-dated commits; the day a key result appeared is the author date of the
commit that added it, read through okrops' history reader (and its cache).
"""

from __future__ import annotations

import json
from datetime import date
import os
import subprocess
from pathlib import Path

import yaml
from click.testing import CliRunner

from okrops.cli import cli
from tests.conftest import good_kr, good_objective

PLATFORM = "okrs/acme/eng/platform/2026-Q4.yaml"


def commit(root: Path, message: str, day: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_DATE": f"{day}T10:00:00+00:00", "GIT_COMMITTER_DATE": f"{day}T10:00:00+00:00"}
    for args in (["add", "-A"], ["commit", "-q", "-m", message]):
        subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, env=env)


def init(org, day: str) -> Path:
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=org.root, check=True)
    subprocess.run(["git", "config", "user.name", "T"], cwd=org.root, check=True)
    subprocess.run(["git", "config", "user.email", "t@example.com"], cwd=org.root, check=True)
    commit(org.root, "OKRs as code", day)
    return org.root


def run(root: Path, *args: str, today: str):
    return CliRunner().invoke(cli, [*args, "--today", today], catch_exceptions=False,
                              env={"OKROPS_TODAY": today})


def status_of(root: Path, today: str) -> dict:
    data = json.loads(run(root, "status", "platform", "--repo", str(root), "--format", "json", today=today).output)
    return {kr["ref"]: kr for unit in data["units"] for o in unit["objective_rows"] for kr in o["key_results"]}


def test_a_new_organisation_is_not_stale_or_red_until_a_cadence_has_passed(standard_org):
    # Half-way through the cycle, with values that would be off track (current = baseline).
    standard_org.okrs_file("acme/eng/platform", "2026-Q4", [
        good_objective(f"O{i}", aligns_to={"parent": f"eng/2026-Q4/O{i}/KR1"},
                       key_results=[good_kr("KR1", current=100), good_kr("KR2", current=100)]) for i in (1, 2, 3)])
    root = init(standard_org, "2026-11-20")
    krs = status_of(root, "2026-11-25")
    assert {kr["status"] for kr in krs.values()} == {"no-data-yet"}
    assert not any(kr["stale"] for kr in krs.values())
    lint = run(root, "lint", str(root), today="2026-11-25").output
    assert "[stale]" not in lint
    assert "No stale key results on 2026-11-25" in run(root, "history", "--stale", "--repo", str(root),
                                                        today="2026-11-25").output
    table = run(root, "status", "platform", "--repo", str(root), today="2026-11-25").output
    assert "no-data-yet" in table and "off-track" not in table and "stale" not in table

    # Within a cadence (7 days) of the first commit: still fresh.
    assert {kr["status"] for kr in status_of(root, "2026-11-27").values()} == {"no-data-yet"}
    # After it, with nothing checked in: stale, and the status is the real one.
    krs = status_of(root, "2026-12-01")
    assert {kr["status"] for kr in krs.values()} == {"off-track"}
    assert all(kr["stale"] for kr in krs.values())
    lint = run(root, "lint", str(root), today="2026-12-01").output
    assert "no check-in since it was added 11 days ago" in lint


def test_a_key_result_added_mid_cycle_starts_fresh_while_the_others_age(standard_org):
    root = init(standard_org, "2026-10-01")
    data = yaml.safe_load((root / PLATFORM).read_text())
    data["objectives"][0]["key_results"].append(good_kr("KR3", current=100))
    (root / PLATFORM).write_text(yaml.safe_dump(data, sort_keys=False))
    commit(root, "Add KR3", "2026-11-20")
    krs = status_of(root, "2026-11-25")
    assert krs["platform/2026-Q4/O1/KR3"]["status"] == "no-data-yet"
    assert not krs["platform/2026-Q4/O1/KR3"]["stale"]
    others = [kr for ref, kr in krs.items() if not ref.endswith("O1/KR3")]
    assert all(kr["stale"] for kr in others)  # added on the first day of the cycle, never checked in
    assert all(kr["status"] != "no-data-yet" for kr in others)
    stale = run(root, "history", "--stale", "--repo", str(root), "--format", "json", today="2026-11-25").output
    assert "platform/2026-Q4/O1/KR3" not in json.loads(stale)["key_results"]
    assert "platform/2026-Q4/O1/KR1" in json.loads(stale)["key_results"]

    # A check-in of the new key result: its real status, counted from the check-in.
    result = run(root, "checkin", "platform/2026-Q4/O1/KR3", "180", "--repo", str(root), today="2026-11-25")
    assert result.exit_code == 0, result.output
    krs = status_of(root, "2026-11-25")
    assert krs["platform/2026-Q4/O1/KR3"]["status"] == "on-track"


def test_the_site_agrees_on_fresh_key_results(standard_org, tmp_path):
    from okrops.record import history
    from okrops.repository import load
    from okrops.site.view import SiteView

    root = init(standard_org, "2026-11-20")
    org = load(root).organisation
    history.activity(org)
    view = SiteView(org, date(2026, 11, 25), history.read_history(org))
    cycle = org.config.cycles["2026-Q4"]
    assert view.stale(cycle) == []
    assert {k.score.status for k in view.krs.values() if k.objective.cycle == "2026-Q4"} <= {"no-data-yet", "done"}
    view = SiteView(org, date(2026, 12, 2), history.read_history(org))
    assert len(view.stale(cycle)) == len([k for k in view.krs.values() if k.objective.cycle == "2026-Q4"])


def test_appearances_survive_the_cache(standard_org):
    from okrops.record import history
    from okrops.repository import load

    root = init(standard_org, "2026-11-20")
    first = history.activity(load(root).organisation)
    assert (root / ".git/okrops/history.cache").is_file()
    again = history.activity(load(root).organisation)
    assert first.appeared == again.appeared
    assert set(first.appeared.values()) == {date(2026, 11, 20)}
    data = yaml.safe_load((root / PLATFORM).read_text())
    data["objectives"][1]["key_results"].append(good_kr("KR9"))
    (root / PLATFORM).write_text(yaml.safe_dump(data, sort_keys=False))
    commit(root, "Add KR9", "2026-11-22")
    newer = history.activity(load(root).organisation)  # read incrementally on top of the cache
    assert newer.appeared["platform/2026-Q4/O2/KR9"] == date(2026, 11, 22)
    assert newer.appeared["platform/2026-Q4/O1/KR1"] == date(2026, 11, 20)
