"""okrops report review: scores against expected progress, red key results with notes, decisions; the print page."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

TODAY = "2026-11-25"


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    from okrops.cli.demo import build

    root = tmp_path_factory.mktemp("demo-review") / "repo"
    build(root, site=False)
    return root


def okrops(repo: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "OKROPS_TODAY": TODAY}
    return subprocess.run([sys.executable, "-m", "okrops", *args], cwd=repo, env=env, capture_output=True, text=True)


def review_json(repo: Path, *args: str) -> dict:
    proc = okrops(repo, "report", "review", "--format", "json", *args)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_the_numbers_are_those_of_okrops_status(demo):
    data = review_json(demo, "--cycle", "2026-Q4", "--unit", "engineering")
    status = json.loads(okrops(demo, "status", "engineering", "--cycle", "2026-Q4", "--format", "json").stdout)
    rows = {u["unit"]: u for u in status["units"]}
    assert [u["slug"] for u in data["units"]] == [s for s in rows if rows[s]["objective_rows"]]
    for unit in data["units"]:
        row = rows[unit["slug"]]
        assert unit["score"] == row["score"] and unit["rollup"] == row["rollup"] and unit["expected"] == row["expected"]
        red = {kr["ref"] for o in row["objective_rows"] for kr in o["key_results"]
               if kr["status"] in ("at-risk", "off-track") and o["visibility"] == "public"}
        assert {r["ref"] for r in unit["red"]} == red


def test_red_key_results_show_their_notes_and_a_closed_cycle_its_decisions(demo):
    text = okrops(demo, "report", "review", "--cycle", "2026-Q4").stdout
    assert "### Red key results: what the notes say" in text and "Red is a learning signal, not blame." in text
    closed = okrops(demo, "report", "review", "--cycle", "2026-Q3").stdout
    assert closed.startswith("# Review of Q3 2026 (closed)") and "decision: carry-over" in closed


def test_private_okrs_stay_out(demo):
    from okrops.repository import load

    org = load(demo).organisation
    text = okrops(demo, "report", "review", "--cycle", "2026-Q4").stdout
    for ref in (r for r in org.key_results if org.is_private_key_result(r)):
        assert ref not in text and org.key_results[ref].title not in text
    for ref, objective in org.objectives.items():
        if org.is_private_objective(objective):
            assert objective.title not in text


def test_a_past_date_is_read_from_git(demo):
    then = review_json(demo, "--cycle", "2026-Q4", "--unit", "autonomy", "--as-of", "2026-10-31")
    now = review_json(demo, "--cycle", "2026-Q4", "--unit", "autonomy")
    assert then["as_of"] == "2026-10-31" and then["units"][0]["expected"] < now["units"][0]["expected"]
    assert then != now


def test_usage_errors(demo):
    proc = okrops(demo, "report", "review", "--cycle", "2031-Q9")
    assert proc.returncode == 2 and "unknown cycle '2031-Q9'" in proc.stderr
    proc = okrops(demo, "report", "review", "--cycle", "2026-Q4", "--unit", "nobody")
    assert proc.returncode == 2 and "unknown unit" in proc.stderr


@pytest.mark.skipif(importlib.util.find_spec("weasyprint") is not None, reason="WeasyPrint is installed")
def test_pdf_without_weasyprint_says_how_to_get_it(demo, tmp_path):
    proc = okrops(demo, "report", "review", "--cycle", "2026-Q4", "--pdf", str(tmp_path / "r.pdf"))
    assert proc.returncode == 2 and "pip install 'okrops[pdf]'" in proc.stderr
    assert not (tmp_path / "r.pdf").exists()


@pytest.mark.skipif(importlib.util.find_spec("weasyprint") is None, reason="WeasyPrint is not installed")
def test_pdf_with_weasyprint(demo, tmp_path):  # pragma: no cover - only where the extra is installed
    proc = okrops(demo, "report", "review", "--cycle", "2026-Q4", "--pdf", str(tmp_path / "r.pdf"))
    assert proc.returncode == 0 and (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")


def test_the_print_page_has_a_unit_per_page_charts_and_no_navigation_in_print(demo):
    from okrops.record.history import read_history
    from okrops.repository import load
    from okrops.site.html import Linker
    from okrops.site.pages import Site
    from okrops.site.view import SiteView
    from datetime import date

    org = load(demo).organisation
    site = Site(SiteView(org, date(2026, 11, 25), read_history(org)), Linker(True))
    pages = {p.src_uri: p.body for p in site.pages()}
    body = pages["review/2026-Q4/index.md"]
    assert body.count('<section class="okr-review-unit">') == len(
        [u for u, c in org.cycle_files if c == "2026-Q4" and not org.is_private_unit(u)])
    assert '<svg class="okr-chart"' in body
    assert 'href="../../review/2026-Q4/"' in pages["cycles/2026-Q4/index.md"]
    css = (Path(__file__).parent.parent / "okrops/site/assets/okrops.css").read_text()
    print_rules = css[css.index("@media print {"):]
    assert ".md-sidebar" in print_rules and "break-before: page" in print_rules
    for ref in (r for r in org.key_results if org.is_private_key_result(r)):
        assert org.key_results[ref].title not in body
