"""Practice health (okrops health): measured from real files and a real check-in history."""

from __future__ import annotations

import json
from datetime import date

import pytest

from okrops.health.measures import measure
from okrops.record import history
from okrops.repository import load
from record_repo import example_repo, okrops

KR = "commercial/2026-Q4/O2/KR2"
TODAY = "2026-10-28"  # the fourth week of 2026-Q4


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    repo = example_repo(tmp_path_factory.mktemp("health") / "repo")
    for value, day in (("53", "2026-10-05"), ("54", "2026-10-13"), ("55", "2026-10-14"), ("57", "2026-10-27")):
        done = okrops(repo, "checkin", KR, value, "-c", "0.6", "--date", day, day=day, env={"OKROPS_TODAY": day})
        assert done.returncode == 0, done.stderr
    return repo


def _unit(report, slug):
    return next(u for u in report.units if u.scope == slug)


def _cycle(scope, cycle):
    return next(c for c in scope.cycles if c.cycle == cycle)


def test_check_in_rhythm_counts_weeks_with_a_check_in(repo):
    org = load(repo).organisation
    report = measure(org, date.fromisoformat(TODAY), history.read_history(org), [])
    q4 = _cycle(_unit(report, "commercial"), "2026-Q4")
    krs = sum(len(o.key_results) for o in org.objectives_of("commercial", "2026-Q4"))
    assert q4.state == "running" and q4.key_results == krs
    assert q4.rhythm == round(3 / (krs * 4), 2)  # weeks 1, 2 (twice) and 4 of four
    assert _cycle(_unit(report, "deployment"), "2026-Q4").rhythm == 0


def test_system_measures_and_decisions_from_the_files(repo):
    org = load(repo).organisation
    report = measure(org, date.fromisoformat(TODAY), [], [])
    q3 = _cycle(report.organisation, "2026-Q3")
    objectives = [o for o in org.objectives.values() if o.cycle == "2026-Q3"]
    assert q3.objectives == len(objectives) and q3.state == "finished"
    assert sum(q3.decisions.values()) == sum(1 for o in objectives if o.reflection is not None) > 0
    assert q3.aligned == round(sum(1 for o in objectives if o.parent or o.strategies) / len(objectives), 2)
    assert 0 < q3.outcomes <= 1 and q3.findings == 0
    assert q3.committed and q3.aspirational  # finished: scores, committed and aspirational apart


def test_sandbagging_and_over_reach_signals(repo):
    org = load(repo).organisation
    for objective in org.objectives.values():
        if objective.cycle != "2026-Q3":
            continue
        for kr in objective.key_results:
            if kr.direction == "range":
                continue
            kr.current = kr.target if objective.aspirational else kr.baseline
    q3 = _cycle(measure(org, date.fromisoformat(TODAY), [], []).organisation, "2026-Q3")
    assert any("sandbagging" in s for s in q3.signals) and any("over-reach" in s for s in q3.signals)
    assert q3.mean("aspirational") == 1.0


def test_no_signals_for_a_healthy_spread(repo):
    org = load(repo).organisation
    q3 = _cycle(measure(org, date.fromisoformat(TODAY), [], []).organisation, "2026-Q3")
    assert q3.signals == []


def test_the_command_in_every_format(repo):
    done = okrops(repo, "health", "--format", "json", "--today", TODAY)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["organisation"]["name"] == "Kestrel Robotics"
    commercial = next(u for u in data["units"] if u["unit"] == "commercial")
    assert [c["cycle"] for c in commercial["cycles"]] == ["2026-Q3", "2026-Q4"]
    assert isinstance(commercial["cycles"][0]["findings"], int)
    text = okrops(repo, "health", "commercial", "--today", TODAY).stdout
    assert "behaviour: weeks with a check-in" in text and "Commercial (commercial)" in text
    assert "fleet-platform" not in text  # another branch of the organisation
    markdown = okrops(repo, "health", "--cycle", "2026-Q3", "--format", "markdown", "--today", TODAY).stdout
    assert "| measure | Q3 2026 |" in markdown
    assert okrops(repo, "health", "--as-of", "2026-10-06", "--format", "json").returncode == 0


@pytest.mark.parametrize("args, message", [(["nope"], "unknown unit"), (["--cycle", "2030-Q1"], "unknown cycle")])
def test_mistakes_are_clear_errors(repo, args, message):
    done = okrops(repo, "health", *args)
    assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr


def test_the_site_health_page_counts_only_findings_about_what_it_shows(repo):
    """Lint runs on the whole organisation; the site counts only findings in public files about public OKRs."""
    from okrops.lint import LintContext, lint
    from okrops.site.healthpage import public_findings
    from okrops.site.view import SiteView

    org = load(repo).organisation
    today = date(2026, 11, 20)
    last = history.last_checkins(org)
    view = SiteView(org, today, history.read_history(org))
    everything = lint(LintContext(org, today, last))
    shown = public_findings(view)
    public_refs = set(view.org.objectives) | set(view.org.key_results)
    private = [f for f in everything if f.ref and f.ref in org.objectives.keys() | org.key_results.keys()
               and f.ref not in public_refs]
    assert private, "the example organisation has findings about private OKRs"
    assert shown and not [f for f in shown if f.ref and f.ref not in public_refs]
    assert not {(f.file, f.rule, f.ref) for f in private} & {(f.file, f.rule, f.ref) for f in shown}
