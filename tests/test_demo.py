"""okrops demo: a deterministic repository with a quarter of history."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from okrops import examples
from okrops.cli import demo
from okrops.record import history
from okrops.cli.demo import demo as demo_cmd
from test_checkin_support import git, isolated_git, load_org, make_org, run_cli  # noqa: F401


@pytest.fixture
def small_example(tmp_path, isolated_git, monkeypatch) -> Path:
    source = make_org(tmp_path / "example-source", commit=False) / "okrs"
    monkeypatch.setattr(examples, "example_okrs_dir", lambda: source)
    return source


def test_demo_is_deterministic_and_has_the_promised_story(small_example, tmp_path):
    first = demo.build(tmp_path / "one", site=False)
    second = demo.build(tmp_path / "two", site=False)
    assert git(first.root, "rev-parse", "HEAD") == git(second.root, "rev-parse", "HEAD")
    assert git(first.root, "status", "--porcelain") == ""
    org = load_org(first.root)
    rows = history.read_history(org)
    assert {r.day for r in rows} >= {date(2026, 10, 5), date(2026, 11, 23)}
    assert len({r.author for r in rows}) >= 3
    # one team stopped checking in, and is stale on the demo's today
    assert first.stale_unit == "platform"
    report = history.staleness(org, demo.TODAY)
    assert "platform" in report.units and "data" not in report.units
    # a pull request merged with a merge commit, with a value edited by hand in it
    merges = git(first.root, "log", "--merges", "--format=%s").splitlines()
    assert merges == ["Merge pull request #42 from kestrel-robotics/raise-data-target"]
    edits = [r for r in rows if r.kind == "edit"]
    assert [e.ref for e in edits] == [first.pr_ref] == ["data/2026-Q4/O1/KR1"]
    assert org.key_results["data/2026-Q4/O1/KR1"].target == 98  # 95 + 10% of the way from 70
    # the last week ends on the example's numbers
    assert org.key_results["data/2026-Q4/O1/KR1"].current == 75
    # back-dated: nothing after the demo's today
    assert max(r.day for r in rows) <= demo.TODAY


def test_demo_cli_refuses_a_non_empty_directory_and_force_replaces_a_demo(small_example, tmp_path):
    target = tmp_path / "somewhere"
    target.mkdir()
    (target / "precious.txt").write_text("keep me")
    result = run_cli(demo_cmd, [str(target), "--no-site"])
    assert result.exit_code == 2 and "is not empty" in result.output
    result = run_cli(demo_cmd, [str(target), "--no-site", "--force"])
    assert result.exit_code == 2 and "does not look like an okrops demo" in result.output
    assert (target / "precious.txt").read_text() == "keep me"
    made = tmp_path / "made"
    assert run_cli(demo_cmd, [str(made), "--no-site"]).exit_code == 0
    result = run_cli(demo_cmd, [str(made), "--no-site", "--force"])
    assert result.exit_code == 0, result.output
    assert "export OKROPS_TODAY=2026-11-25" in result.output
    assert "okrops history --stale" in result.output


def test_demo_without_the_site_module_prints_the_status(small_example, tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "okrops.site", None)  # an okrops without the site
    result = run_cli(demo_cmd, [str(tmp_path / "d")])
    assert result.exit_code == 0, result.output
    assert "No site: the site is not available" in result.output
    assert "OKR status on 2026-11-25" in result.output


@pytest.mark.skipif(not (examples.SOURCE / "okrops.yaml").is_file() and not (examples.PACKAGED / "okrops.yaml").is_file(),
                    reason="the example organisation is not in this checkout")
def test_demo_on_the_real_example_stays_valid(tmp_path, isolated_git):
    from okrops.findings import Severity
    from okrops.validate import validate

    result = demo.build(tmp_path / "kestrel", site=False)
    checked = validate(result.root)
    assert [f for f in checked.findings if f.severity == Severity.ERROR] == []
    org = checked.organisation
    last = history.last_checkins(org)
    assert result.commits > 50 and result.checkins > 300
    report = history.staleness(org, demo.TODAY, last)
    assert result.stale_unit in report.units
    assert result.red, "some key results go red"
    assert any(c.kind == "edit" for c in history.read_history(org))


def test_example_dir_is_found():
    path = examples.example_okrs_dir()
    assert (path / "okrops.yaml").is_file()
