"""The example organisation in okrs/ is valid, lints clean apart from its deliberate examples,
and agrees with check-jsonschema."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

from okrops.lint import LintContext, lint
from okrops.validate import validate

ROOT = Path(__file__).resolve().parent.parent
OKRS = ROOT / "okrs"


def test_example_validates_clean():
    result = validate(ROOT)
    assert result.findings == []
    org = result.organisation
    assert len(org.units) >= 11
    assert {u.kind for u in org.units.values()} >= {"company", "department", "team"}
    assert {c for _, c in org.cycle_files} == {"FY2026", "2026-Q3", "2026-Q4"}
    assert sum(1 for o in org.objectives.values() if o.visibility == "private") == 1
    assert any(f.initiatives for f in org.cycle_files.values())
    assert any(u.kpis for u in org.units.values())
    # Every finished Q3 objective has a reflection.
    assert all(o.reflection for o in org.objectives.values() if o.cycle == "2026-Q3")


def test_example_lint_reports_only_the_deliberate_examples():
    org = validate(ROOT).organisation
    found = lint(LintContext(org, date(2026, 11, 25), last_checkins=None))
    assert sorted((f.rule, f.ref) for f in found) == [
        ("dependency-unconfirmed", "marketing/2026-Q4/O2"),
        ("kr-is-kpi", "fleet-platform/2026-Q4/O3/KR1"),
        ("kr-is-task", "fleet-platform/2026-Q3/O3/KR2"),
        ("kr-is-task", "robot-hardware/2026-Q4/O3/KR2"),
        ("objective-vague", "marketing/2026-Q4/O1"),
    ]
    # Each deliberate example is explained by a comment near it.
    for finding in found:
        lines = (ROOT / finding.file).read_text().splitlines()
        nearby = "\n".join(lines[max(0, finding.line - 14): finding.line + 1]).lower()
        assert "lint" in nearby, finding


def test_every_file_names_its_schema_and_check_jsonschema_agrees():
    kinds = {"okrops.yaml": "config", "strategy.yaml": "strategy", "unit.yaml": "unit"}
    groups: dict[str, list[Path]] = {}
    for path in sorted(OKRS.rglob("*.yaml")):
        kind = kinds.get(path.name, "okrs")
        groups.setdefault(kind, []).append(path)
        first = path.read_text().splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), path
        schema_ref = (path.parent / first.split("=", 1)[1]).resolve()
        assert schema_ref == (ROOT / "schema" / f"{kind}.json").resolve(), path
    for kind, files in groups.items():
        result = subprocess.run([sys.executable, "-m", "check_jsonschema", "--schemafile", f"schema/{kind}.json",
                                 *map(str, files)], cwd=ROOT, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr


def test_example_shows_the_shapes_organisations_have():
    """Issue 15: a shared key result, two parents, a confirmed and an unconfirmed dependency, a
    unit scoring in commit-target-stretch."""
    from okrops import dependencies, scoring

    org = validate(ROOT).organisation
    assert any(kr.contributors for kr in org.key_results.values())
    assert any(len(o.parents) == 2 for o in org.objectives.values())
    states = {dependencies.confirmed(org, e) for e in dependencies.edges(org)}
    assert states == {True, False}
    styles = {scoring.style_of(org, slug) for slug in org.units}
    assert styles == {"fraction", "commit-target-stretch"}
    zones = {scoring.zone(kr) for o in org.objectives_of("deployment", "2026-Q4") for kr in o.key_results}
    assert zones >= {"fail", "commit"}


def test_the_example_site_shows_the_roll_up_through_two_parents():
    """Issue 15: the objective with two parents shows its shares, and each parent's aligned score counts it
    with that share; the company objective above both counts it once. The same figures as okrops status."""
    import json
    import re

    from okrops import alignment
    from okrops.repository import load
    from okrops.site.html import Linker
    from okrops.site.pages import Site
    from okrops.site.view import SiteView

    today = date(2026, 11, 20)
    org = load(ROOT).organisation
    pages = {page.src_uri: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.markdown()))
             for page in Site(SiteView(org, today, []), Linker(True), "").pages()}
    two = next(o for o in org.objectives.values() if len(o.parents) == 2)
    figures = alignment.rollups(org, today, include_private=False)
    shares = figures.parent_shares(two)
    assert len(shares) == 2 and round(sum(share for _ref, share in shares), 6) == 1
    own = pages[f"units/{two.unit}/{two.cycle}/index.md"]
    assert "Contributes to 2 parents" in own
    assert all(f"{round(share * 100)}%" in own for _ref, share in shares)
    for parent_ref, share in shares:
        assert 0 < figures.weights(parent_ref)[two.ref] == round(share, 4) < 1
        parent = org.objectives[parent_ref]
        page = pages[f"units/{parent.unit}/{parent.cycle}/index.md"]
        assert f"With what aligns below it: {round(figures.aligned(parent_ref) * 100)}%" in page
    company = [ref for ref in org.objectives if figures.weights(ref).get(two.ref) == 1.0 and ref != two.ref]
    assert company, "an objective above both parents counts the two-parent objective once (weight 1)"
    status = subprocess.run([sys.executable, "-m", "okrops", "status", two.unit, "--format", "json", "--public",
                             "--today", today.isoformat(), "--cycle", two.cycle],
                            cwd=ROOT, capture_output=True, text=True)
    assert status.returncode == 0, status.stderr
    row = next(o for u in json.loads(status.stdout)["units"] for o in u["objective_rows"] if o["ref"] == two.ref)
    assert [(p["ref"], p["share"]) for p in row["parents"]] == [(ref, round(share, 4)) for ref, share in shares]
