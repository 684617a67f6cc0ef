"""The practice health page (``health/``): the organisation's measures cycle over cycle, and each unit's.

Measured (:mod:`okrops.health.measures`) on the public view only: private units, private
objectives and their check-ins count nowhere on the site, not even in the organisation's
figures. Lint findings are not run for the site (``okrops health`` shows them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from okrops.health.measures import GROUPS, measure
from okrops.health.report import MEASURES
from okrops.site import charts
from okrops.site import viewmodels as vm

if TYPE_CHECKING:
    from okrops.site.pages import GeneratedPage, Site

UNIT_MEASURES = ("objectives aligned", "key results that are outcomes", "weeks with a check-in")
SHARES = {"objectives aligned", "key results that are outcomes", "weeks with a check-in", "committed: below 0.3",
          "aspirational: at 1"}


def public_findings(v) -> list:
    """Lint's findings on the whole organisation, kept only where they are about public files and OKRs.

    Lint runs on everything (a rule judges a unit by all its objectives), and only counts reach the
    page; a finding in a file or about an objective or key result the site does not show is left out.
    """
    from okrops.lint import LintContext, lint

    full = v.full
    ctx = LintContext(full, v.today, full.activity.last if full.activity else None)
    files = {f.source.file for f in v.org.cycle_files.values()}
    refs = set(v.org.objectives) | set(v.org.key_results)
    return [f for f in lint(ctx) if f.file in files and (not f.ref or f.ref in refs)]


def health_page(site: "Site") -> "GeneratedPage":
    from okrops.lint import LintContext

    here = "health"
    v = site.v
    report = measure(v.org, v.today, v.history, public_findings(v), shapes=LintContext(v.org, v.today).kr_shape)
    org = report.organisation
    labels = [c.label for c in org.cycles]
    groups = []
    for group in GROUPS:
        rows = []
        for g, label, text, value in MEASURES:
            if g != group:
                continue
            values = [value(c) for c in org.cycles]
            rows.append(vm.HealthRow(label, [text(c) for c in org.cycles],
                                     charts.trend(values, labels, label, share=label in SHARES)))
        groups.append(vm.HealthGroup(group.capitalize(), f"health-{group}", rows))
    signals = [f"{c.label}: {s}" for c in org.cycles for s in c.signals]
    columns = [label for _g, label, _t, _v in MEASURES if label in UNIT_MEASURES]
    units = []
    for scope in report.units:
        latest = next((c for c in reversed(scope.cycles) if c.state != "upcoming"), scope.cycles[-1])
        cells, trends = [], []
        for _g, label, text, value in MEASURES:
            if label in UNIT_MEASURES:
                cells.append(text(latest))
                trends.append(charts.trend([value(c) for c in scope.cycles], [c.label for c in scope.cycles],
                                           f"{scope.name}: {label}", share=True))
        unit_signals = [f"{c.label}: {s}" for c in scope.cycles for s in c.signals]
        units.append(vm.HealthUnitRow(site.unit_ref(here, scope.scope), latest.label, cells, trends, unit_signals))
    page = vm.HealthPage(labels, groups, signals, columns, units)
    return site.page(here, "Practice health", "health", "health.html", page=page)
