"""The weighted roll-up through several parents on every page (issue 15): one computation, the same numbers.

A real git repository with a diamond (two departments share a team's objective, weighted 0.25/0.75), a
shared key result and a private objective aligned below; ``okrops status`` in JSON, CSV, Markdown and
text, and the built site's HTML, all show the figures of :func:`okrops.alignment.rollups`.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import OrgBuilder, good_kr, good_objective


def okrops(root: Path, *args: str) -> str:
    result = subprocess.run([sys.executable, "-m", "okrops", *args], cwd=root, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def flat(kr_id: str, current: float, **extra) -> dict:
    return good_kr(kr_id, baseline=0, target=100, current=current, **extra)


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    org = OrgBuilder(tmp_path_factory.mktemp("rollups") / "repo")
    org.unit("acme", "Acme", kind="company")
    org.unit("acme/sales", "Sales", kind="department")
    org.unit("acme/eng", "Engineering", kind="department")
    org.unit("acme/eng/platform", "Platform")
    org.okrs_file("acme", "FY2026", [good_objective("O1", key_results=[flat("KR1", 0)])])
    for dept in ("sales", "eng"):
        org.okrs_file(f"acme/{dept}", "2026-Q4", [
            good_objective("O1", aligns_to={"parent": "acme/FY2026/O1"}, key_results=[flat("KR1", 0)])])
    org.okrs_file("acme/eng/platform", "2026-Q4", [
        good_objective("O1", aligns_to={"parent": [{"ref": "sales/2026-Q4/O1", "weight": 0.25},
                                                   {"ref": "eng/2026-Q4/O1/KR1", "weight": 0.75}]},
                       key_results=[flat("KR1", 100), flat("KR2", 100, contributors=["sales"])]),
        # Private: status counts it, the site and status --public do not.
        good_objective("O2", visibility="private", aligns_to={"parent": "eng/2026-Q4/O1"},
                       key_results=[flat("KR1", 100)]),
    ])
    org.git_init()
    return org.root


def status_json(repo: Path, *args: str) -> dict:
    return json.loads(okrops(repo, "status", "--format", "json", "--cycle", "2026-Q4", *args))


def objective_rows(report: dict) -> dict[str, dict]:
    return {o["ref"]: o for unit in report["units"] for o in unit["objective_rows"]}


def test_a_diamond_counts_once_and_weights_split_the_shares_in_status_json(repo):
    objectives = objective_rows(status_json(repo, "--public"))
    # sales: its own 0 and platform's 1.0 at a share of 0.25; eng: 0 and 1.0 at 0.75.
    assert objectives["sales/2026-Q4/O1"]["aligned"] == 0.2
    assert objectives["eng/2026-Q4/O1"]["aligned"] == round(0.75 / 1.75, 2)
    assert objectives["platform/2026-Q4/O1"]["parents"] == [{"ref": "sales/2026-Q4/O1", "share": 0.25},
                                                            {"ref": "eng/2026-Q4/O1", "share": 0.75}]
    company = objective_rows(json.loads(okrops(repo, "status", "--format", "json", "--cycle", "FY2026", "--public")))
    # Four objectives, platform's once (0.25 + 0.75): 1.0 / 4. Counted twice it would be 0.4.
    assert company["acme/FY2026/O1"]["aligned"] == 0.25 and company["acme/FY2026/O1"]["below"] == 3
    # Without --public the private objective counts too (below eng, fully).
    everything = objective_rows(status_json(repo))
    assert everything["eng/2026-Q4/O1"]["aligned"] == round((0.75 + 1) / 2.75, 2)


def test_the_shared_key_result_counts_once_in_the_organisation_score(repo):
    units = {u["unit"]: u for u in status_json(repo, "--public")["units"]}
    # 2026-Q4: sales 0, eng 0, platform 1.0 (its shared KR2 inside it, once).
    assert units["acme"]["rollup"] == 0.33
    assert units["sales"]["score"] == 0.0


def test_csv_markdown_and_text_show_the_same_figures_as_json(repo):
    report = status_json(repo, "--public")
    objectives = objective_rows(report)
    rows = list(csv.DictReader(io.StringIO(okrops(repo, "status", "--format", "csv", "--cycle", "2026-Q4", "--public"))))
    assert rows
    for row in rows:
        if row["objective"]:
            expected = objectives[row["objective"]]
            assert float(row["objective_aligned"]) == expected["aligned"]
            assert float(row["objective_score"]) == expected["score"]
            assert row["objective_parents"] == ";".join(f"{p['ref']}={p['share']:g}" for p in expected["parents"])
    markdown = okrops(repo, "status", "--format", "markdown", "--cycle", "2026-Q4", "--public", "--detail")
    assert "| 0.20 (1 below) |" in markdown and "| 0.43 (1 below) |" in markdown
    assert "shares: sales/2026-Q4/O1 0.25, eng/2026-Q4/O1 0.75" in markdown
    table = okrops(repo, "status", "--cycle", "2026-Q4", "--public", "--width", "160", "--detail")
    assert "aligned 0.20 (1 below)" in table and "aligned 0.43 (1 below)" in table
    assert "shares 0.25/0.75" in table


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_site_shows_the_same_figures_as_status(repo, tmp_path):
    out = tmp_path / "site"
    okrops(repo, "site", "build", "--out", str(out))
    report = status_json(repo, "--public")
    objectives = objective_rows(report)
    page = {slug: _text((out / "units" / slug / "2026-Q4" / "index.html").read_text(encoding="utf-8"))
            for slug in ("sales", "eng", "platform")}
    for slug in ("sales", "eng"):
        aligned = objectives[f"{slug}/2026-Q4/O1"]["aligned"]
        assert f"With what aligns below it: {round(aligned * 100)}% (1 objective below, each counted once)" in page[slug]
    assert "Contributes to 2 parents" in page["platform"]
    assert re.search(r"Sales · O1 .*? 25% ; Engineering · O1/KR1 .*? 75%", page["platform"])
    company = _text((out / "units" / "acme" / "FY2026" / "index.html").read_text(encoding="utf-8"))
    assert "With what aligns below it: 25% (3 objectives below, each counted once)" in company
    alignment = _text((out / "alignment" / "index.html").read_text(encoding="utf-8"))
    assert "with what aligns below it 20%" in alignment and "with what aligns below it 43%" in alignment
    strategy = _text((out / "strategy" / "index.html").read_text(encoding="utf-8"))
    assert "with what aligns below it 25%" in strategy
    home = _text((out / "index.html").read_text(encoding="utf-8"))
    acme = {u["unit"]: u for u in report["units"]}["acme"]
    assert f"Organisation score {round(acme['rollup'] * 100)}%" in home
    # The private objective's progress is on no page, and not in the public figures either.
    assert "43%" in alignment and "64%" not in alignment
