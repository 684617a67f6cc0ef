"""KPIs have history too: okrops new kpi, okrops checkin <unit>/kpi/<id>, --from, and the refusals."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from test_checkin_support import git, isolated_git, make_org, write  # noqa: F401 - fixtures

UNIT = "okrs/acme/platform/unit.yaml"


def okrops(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "okrops", *args], cwd=repo, capture_output=True, text=True)


@pytest.fixture
def repo(tmp_path, isolated_git):
    return make_org(tmp_path / "repo")


def test_new_kpi_with_bands_then_checkin_makes_history(repo):
    done = okrops(repo, "new", "kpi", "platform", "API uptime", "--id", "uptime", "--unit", "%",
                  "--healthy", ">=99.9", "--warning", ">=99.5", "--current", "99.7")
    assert done.returncode == 0, done.stderr
    assert "platform/kpi/uptime" in done.stdout
    text = (repo / UNIT).read_text()
    assert text == ("name: Platform\nkind: team\nkpis:\n  - id: uptime\n    title: API uptime\n    unit: '%'\n"
                    "    current: 99.7\n    healthy: {min: 99.9}\n    warning: {min: 99.5}\n")
    assert okrops(repo, "validate").returncode == 0
    git(repo, "commit", "-qam", "A KPI")
    done = okrops(repo, "checkin", "platform/kpi/uptime", "99.95", "-m", "Failover fixed")
    assert done.returncode == 0, done.stderr
    assert "Check-in platform kpi/uptime: 99.7 -> 99.95" in done.stdout
    assert "    current: 99.95\n" in (repo / UNIT).read_text()
    message = git(repo, "log", "-1", "--format=%B")
    assert "Okr-Checkin: platform/kpi/uptime\nOkr-Value: 99.95\nOkr-Previous: 99.7\n" in message
    assert git(repo, "status", "--porcelain") == ""


def test_kpi_checkins_from_a_file_with_key_results(repo):
    okrops(repo, "new", "kpi", "platform", "Open incidents", "--healthy", "<=2", "--warning", "<=5")
    git(repo, "commit", "-qam", "A KPI")
    write(repo / "week.csv", "ref,value,note\nplatform/kpi/open-incidents,3,two new\nplatform/2026-Q4/O1/KR2,40,\n")
    done = okrops(repo, "checkin", "--from", "week.csv")
    assert done.returncode == 0, done.stderr
    assert git(repo, "log", "-1", "--format=%s").strip() == "Check-in platform: 2 values"
    assert "current: 3" in (repo / UNIT).read_text()


@pytest.mark.parametrize("args,message", [
    (["platform/kpi/nope", "1"], "unknown KPI 'platform/kpi/nope': platform's KPIs are none (add one with okrops new kpi)"),
    (["nowhere/kpi/x", "1"], "there is no unit 'nowhere'"),
    (["platform/kpi/uptime", "99", "--confidence", "0.5"], "is a KPI, which has a value but no confidence"),
    (["platform/kpi/uptime", ".nan"], "is not a number"),
])
def test_kpi_checkin_refusals_write_nothing(repo, args, message):
    if "uptime" in args[0]:
        okrops(repo, "new", "kpi", "platform", "API uptime", "--id", "uptime", "--healthy", ">=99.9")
        git(repo, "commit", "-qam", "A KPI")
    before = git(repo, "rev-parse", "HEAD")
    done = okrops(repo, "checkin", *args)
    assert done.returncode == 2 and message in done.stderr, done.stderr
    assert git(repo, "rev-parse", "HEAD") == before and git(repo, "status", "--porcelain") == ""


@pytest.mark.parametrize("option,value,message", [
    ("--healthy", "99.9+", "is not a band: write '>=99.9' (99.9 or more), '<=250' (250 or less) or '10..20'"),
    ("--healthy", "20..10", "write the lower bound first"),
    ("--healthy", ">=lots", "is not a number"),
])
def test_new_kpi_explains_what_a_band_looks_like(repo, option, value, message):
    done = okrops(repo, "new", "kpi", "platform", "API uptime", option, value)
    assert done.returncode == 2 and message in done.stderr, done.stderr
    assert "kpis" not in (repo / UNIT).read_text()


def test_new_kpi_refuses_a_narrower_warning_band_and_a_taken_id(repo):
    done = okrops(repo, "new", "kpi", "platform", "API uptime", "--healthy", ">=99.5", "--warning", ">=99.9")
    assert done.returncode == 2 and "the warning band is the wider one" in done.stderr
    assert okrops(repo, "new", "kpi", "platform", "API uptime").returncode == 0
    again = okrops(repo, "new", "kpi", "platform", "API uptime")
    assert again.returncode != 0 and "platform/kpi/api-uptime already exists" in again.stderr


def test_kpi_history_counts_only_commits_that_changed_the_kpi(repo):
    from okrops.record import kpihistory
    from test_checkin_support import load_org

    okrops(repo, "new", "kpi", "platform", "API uptime", "--id", "uptime", "--current", "99.1")
    git(repo, "commit", "-qam", "A KPI")
    assert okrops(repo, "checkin", "platform/kpi/uptime", "99.5").returncode == 0
    assert okrops(repo, "checkin", "platform/kpi/uptime", "99.7", "-m", "better").returncode == 0
    git(repo, "commit", "-q", "--allow-empty", "-m", "Forged\n\nOkr-Checkin: platform/kpi/uptime\nOkr-Value: 100")
    history = kpihistory.read(load_org(repo))
    assert [(c.value, c.previous, c.note) for c in history["platform/kpi/uptime"]] == [(99.5, 99.1, ""), (99.7, 99.5, "better")]
    # key results' history is not disturbed by KPI trailers (no warnings about malformed references)
    done = okrops(repo, "history")
    assert done.returncode == 0 and "warning" not in done.stderr
    kpi = okrops(repo, "history", "platform/kpi/uptime", "--format", "csv")
    assert kpi.returncode == 0 and [line.split(",")[2] for line in kpi.stdout.splitlines()[1:]] == ["99.5", "99.7"]
