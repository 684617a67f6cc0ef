"""okrops status: the tree, scores and flags in table, JSON, CSV and Markdown."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from click.testing import CliRunner

from okrops.cli import cli
from tests.conftest import good_kr, good_objective


def run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def mixed(standard_org):
    standard_org.okrs_file("acme/eng/platform", "2026-Q4", [
        good_objective("O1", aligns_to={"parent": "eng/2026-Q4/O1"}, key_results=[
            good_kr("KR1", current=200, title="A very long key result title that will certainly not fit on one line of 80 columns"),
            good_kr("KR2", current=110, confidence=0.2),
        ]),
        good_objective("O2", aligns_to={"parent": "eng/2026-Q4/O2"}, visibility="private"),
        good_objective("O3", aligns_to={"parent": "eng/2026-Q4/O3"}, key_results=[{"id": "KR1", "title": "t", "baseline": 1, "target": 2}]),
    ])
    return standard_org


def test_table_fits_80_columns_and_shows_the_tree(mixed):
    result = run("status", "--repo", str(mixed.root), "--width", "80")
    assert result.exit_code == 0, result.output
    out = result.output.splitlines()
    assert out[0] == "Test Org: OKR status on 2026-11-25"
    assert all(len(line) <= 80 for line in out), max(out, key=len)
    units = [line.split()[0] for line in out if line.startswith(("acme", "  eng", "    platform"))]
    assert units == ["acme", "acme", "eng", "platform"]  # acme appears in FY2026 and 2026-Q4 sections
    platform = next(line for line in out if line.strip().startswith("platform"))
    assert "off 1" in platform and "no data 1" in platform and platform.split()[1] == "0.53" and "risk 2" in platform
    assert any(line.startswith("FY2026  2026-01-01 to 2026-12-31") for line in out)


def test_unit_detail_lists_objectives_and_key_results(mixed):
    out = run("status", "platform", "--repo", str(mixed.root), "--width", "80").output.splitlines()
    assert all(len(line) <= 80 for line in out)
    krs = [line.split()[0] for line in out if line.startswith("    KR")]
    assert krs == ["KR1", "KR2", "KR1", "KR2", "KR1"]
    assert any("private" in line and line.strip().startswith("O2") for line in out)
    assert any(line.strip().startswith("KR2") and line.endswith("off-track") for line in out)
    assert any("…" in line for line in out)  # the long title is cut, not wrapped


def test_json_is_complete(mixed):
    data = json.loads(run("status", "--repo", str(mixed.root), "--format", "json").output)
    assert data["today"] == "2026-11-25"
    assert [c["id"] for c in data["cycles"]] == ["FY2026", "2026-Q4"]
    platform = next(u for u in data["units"] if u["unit"] == "platform")
    assert platform["score"] == 0.53 and platform["statuses"] == {"done": 1, "off-track": 1, "at-risk": 2, "no-data": 1}
    first = platform["objective_rows"][0]["key_results"][0]
    assert first["ref"] == "platform/2026-Q4/O1/KR1" and first["status"] == "done" and first["score"] == 1.0


def test_csv_has_one_row_per_key_result(mixed):
    text = run("status", "--repo", str(mixed.root), "--format", "csv", "--cycle", "2026-Q4").output
    rows = list(csv.DictReader(io.StringIO(text)))
    platform = [r for r in rows if r["unit"] == "platform"]
    assert [r["key_result"] for r in platform] == [
        "platform/2026-Q4/O1/KR1", "platform/2026-Q4/O1/KR2", "platform/2026-Q4/O2/KR1",
        "platform/2026-Q4/O2/KR2", "platform/2026-Q4/O3/KR1"]
    assert platform[1]["status"] == "off-track" and platform[1]["confidence"] == "0.2"
    assert {r["cycle"] for r in rows} == {"2026-Q4"}


def test_markdown_escapes_user_text(mixed):
    mixed.unit("acme/eng/platform", "Plat|form <b>*bold*</b>")
    text = run("status", "platform", "--repo", str(mixed.root), "--format", "markdown").output
    assert "Plat\\|form &lt;b&gt;\\*bold\\*&lt;/b&gt;" in text
    assert "| Unit | Cycle | Score |" in text


def test_cycle_option_and_unknown_names(mixed):
    out = run("status", "--repo", str(mixed.root), "--cycle", "2026-Q3").output
    assert "no OKRs in the selected cycle" in out
    result = CliRunner().invoke(cli, ["status", "--repo", str(mixed.root), "--cycle", "2031-Q1"])
    assert result.exit_code == 2 and "unknown cycle '2031-Q1'" in result.output
    result = CliRunner().invoke(cli, ["status", "nope", "--repo", str(mixed.root)])
    assert result.exit_code == 2 and "unknown unit 'nope'" in result.output


def test_refuses_a_repository_with_errors(mixed):
    mixed.write("okrs/acme/eng/platform/2026-Q4.yaml", "objectives: 1\n")
    result = CliRunner().invoke(cli, ["status", "--repo", str(mixed.root)])
    assert result.exit_code == 1
    assert "okrs/acme/eng/platform/2026-Q4.yaml:1:1: error" in result.output
    assert "fix them, then run this again" in result.output


def test_today_option_moves_the_clock(mixed):
    data = json.loads(run("status", "--repo", str(mixed.root), "--format", "json", "--today", "2026-10-01").output)
    assert [c["id"] for c in data["cycles"]] == ["FY2026", "2026-Q4"]
    assert data["cycles"][1]["elapsed"] == 0.01
    result = CliRunner().invoke(cli, ["status", "--repo", str(mixed.root), "--today", "someday"])
    assert result.exit_code == 2 and "invalid date 'someday'" in result.output


def test_stale_flags_come_from_history(mixed, monkeypatch):
    from okrops.record import history

    monkeypatch.setattr(history, "last_checkins", lambda org: {"platform/2026-Q4/O1/KR1": date(2026, 11, 24)})
    data = json.loads(run("status", "platform", "--repo", str(mixed.root), "--format", "json").output)
    platform = data["units"][0]
    assert platform["stale"] == 4 and "4 stale" in platform["flags"]
    krs = platform["objective_rows"][0]["key_results"]
    assert [k["stale"] for k in krs] == [False, True] and krs[0]["last_checkin"] == "2026-11-24"
