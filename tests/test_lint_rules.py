"""The rules added with issue 11 that look across units and cycles: each fires on a bad example
and stays quiet on a near miss, in real repositories."""

from __future__ import annotations

from datetime import date

from okrops.lint import LintContext, lint
from okrops.validate import validate
from tests.conftest import good_kr, good_objective
from tests.test_lint import PLATFORM, TODAY, objectives


def found(org, today=TODAY, rule=None):
    result = validate(org.root)
    assert [f for f in result.findings if f.severity.label == "error"] == []
    return [(f.rule, f.ref, f.message) for f in lint(LintContext(result.organisation, today)) if rule in (None, f.rule)]


def add_team(org, slug: str, parent_ref: str, metric: str = "weekly active users", cycle="2026-Q4"):
    org.unit(f"acme/eng/{slug}", slug.title())
    krs = [good_kr("KR1", metric=metric), good_kr("KR2", metric="p95 latency", unit="ms", baseline=400, target=200,
                                                   current=300, direction="decrease", title="p95 from 400 to 200 ms")]
    org.okrs_file(f"acme/eng/{slug}", cycle, [good_objective(f"O{i}", aligns_to={"parent": parent_ref}, key_results=krs)
                                              for i in (1, 2, 3)])


def test_parent_kr_crowded(standard_org):
    for index in range(3):
        add_team(standard_org, f"team{index}", "eng/2026-Q4/O2/KR1")
    assert found(standard_org, rule="parent-kr-crowded") == []  # platform and three teams: 4 units on O2/KR1
    add_team(standard_org, "team3", "eng/2026-Q4/O2/KR1")
    messages = found(standard_org, rule="parent-kr-crowded")
    assert [(r, ref) for r, ref, _ in messages] == [("parent-kr-crowded", "eng/2026-Q4/O2/KR1")]
    assert "5 units align to key result eng/2026-Q4/O2/KR1 (platform, team0, team1, team2, team3)" in messages[0][2]


def test_kr_shared_no_owner(standard_org):
    # Two sister teams measure the same number; nobody above them has it.
    add_team(standard_org, "search", "eng/2026-Q4/O1/KR1", metric="checkout conversion")
    assert found(standard_org, rule="kr-shared-no-owner") == []  # platform does not measure it
    standard_org.okrs_file(PLATFORM, "2026-Q4", objectives({"key_results": [good_kr("KR1", metric="checkout conversion")]}))
    messages = found(standard_org, rule="kr-shared-no-owner")
    assert len(messages) == 1 and "platform, search" in messages[0][2]
    # Once the department above both owns the number (a qualified form of it counts), it is owned.
    standard_org.okrs_file("acme/eng", "2026-Q4", [
        good_objective("O1", aligns_to={"parent": "acme/FY2026/O1"},
                       key_results=[good_kr("KR1", metric="checkout conversion, all markets")]),
        *[good_objective(f"O{i}", aligns_to={"parent": f"acme/FY2026/O{i}"}) for i in (2, 3)]])
    assert found(standard_org, rule="kr-shared-no-owner") == []


def test_kr_copies_parent_is_off_by_default(standard_org):
    copy = good_kr("KR1", title="Weekly active users from 100 to 200 (KR1)")  # the parent's KR1, word for word
    standard_org.okrs_file(PLATFORM, "2026-Q4", objectives({"key_results": [copy]}))
    assert found(standard_org, rule="kr-copies-parent") == []
    config = standard_org.root / "okrs/okrops.yaml"
    config.write_text(config.read_text() + "lint:\n  profile: enterprise\n")
    def platform_copies():
        return [ref for _, ref, _ in found(standard_org, rule="kr-copies-parent") if ref.startswith("platform/")]

    assert "platform/2026-Q4/O1/KR1" in platform_copies()
    standard_org.okrs_file(PLATFORM, "2026-Q4", objectives({"key_results": [good_kr("KR1", target=150, title="WAU to 150")]}))
    assert "platform/2026-Q4/O1/KR1" not in platform_copies()


def _closed_cycles(org, q3_current: float, q4_current: float):
    """Aspirational platform objectives in Q3 and Q4 (both closed on 2027-01-15)."""
    for cycle, current in (("2026-Q3", q3_current), ("2026-Q4", q4_current)):
        objs = [good_objective(f"O{i}", type="aspirational", aligns_to={"strategies": ["growth"]},
                               key_results=[good_kr("KR1", current=current), good_kr("KR2", current=current)],
                               reflection={"decision": "done"}) for i in (1, 2, 3)]
        org.okrs_file(PLATFORM, cycle, objs)


def test_aspirational_always_met(standard_org):
    _closed_cycles(standard_org, 200, 200)
    messages = found(standard_org, today=date(2027, 1, 15), rule="aspirational-always-met")
    assert [(r, ref) for r, ref, _ in messages] == [("aspirational-always-met", "platform/2026-Q4")]
    assert "(2026-Q3, 2026-Q4)" in messages[0][2]
    _closed_cycles(standard_org, 170, 200)  # one cycle at 0.7: a stretch
    assert found(standard_org, today=date(2027, 1, 15), rule="aspirational-always-met") == []


def test_cycle_not_reflected(standard_org):
    # Q4 ended on 2026-12-31: nothing before the grace period, then one finding per unit and cycle.
    assert found(standard_org, today=date(2027, 1, 10), rule="cycle-not-reflected") == []
    refs = sorted(ref for _, ref, _ in found(standard_org, today=date(2027, 1, 20), rule="cycle-not-reflected"))
    assert refs == ["acme/FY2026", "eng/2026-Q4", "platform/2026-Q4"]
    reflected = objectives(*[{"reflection": {"decision": "done", "score": 0.8}} for _ in range(3)])
    standard_org.okrs_file(PLATFORM, "2026-Q4", reflected)
    refs = sorted(ref for _, ref, _ in found(standard_org, today=date(2027, 1, 20), rule="cycle-not-reflected"))
    assert refs == ["acme/FY2026", "eng/2026-Q4"]


def test_initiative_no_kr(standard_org):
    standard_org.okrs_file(PLATFORM, "2026-Q4", objectives(), initiatives=[{"id": "I1", "title": "Rewrite the cache"}])
    assert [(r, ref) for r, ref, _ in found(standard_org, rule="initiative-no-kr")] == [
        ("initiative-no-kr", "platform/2026-Q4/I1")]
    standard_org.okrs_file(PLATFORM, "2026-Q4", objectives(),
                           initiatives=[{"id": "I1", "title": "Rewrite the cache", "key_results": ["O1/KR1"]}])
    assert found(standard_org, rule="initiative-no-kr") == []


def test_kpi_no_thresholds(standard_org):
    standard_org.unit(PLATFORM, "Platform", kpis=[{"id": "uptime", "title": "Uptime", "current": 99.9}])
    assert [(r, ref) for r, ref, _ in found(standard_org, rule="kpi-no-thresholds")] == [
        ("kpi-no-thresholds", "platform/uptime")]
    standard_org.unit(PLATFORM, "Platform", kpis=[{"id": "uptime", "title": "Uptime", "current": 99.9,
                                                   "healthy": {"min": 99.5}}])
    assert found(standard_org, rule="kpi-no-thresholds") == []
