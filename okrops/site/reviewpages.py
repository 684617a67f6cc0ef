"""The print-ready review page of each cycle: every public unit on a page of its own, with charts.

The content is :mod:`okrops.reports.review`'s (the same as ``okrops report review``), built
from the site's public view and public history; the red key results keep their history charts.
The stylesheet's print rules hide the navigation and start each unit on a new page, so an
organisation can hand out or save a PDF from the browser (``okrops report review --pdf`` does
the same with WeasyPrint, when it is installed).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from okrops.reports import review as core
from okrops.site import charts
from okrops.site import viewmodels as vm

if TYPE_CHECKING:  # pragma: no cover
    from okrops.site.pages import GeneratedPage, Site


def review_dir(cycle: str) -> str:
    return f"review/{cycle}"


def view(site: "Site", here: str, review: core.Review) -> vm.ReviewPage:
    units = []
    for u in review.units:
        red = []
        for r in u.red:
            info = site.v.krs.get(r.ref)
            if info is None:
                continue  # not on the site: left out
            chart = site.chart(charts.history_chart, site.chart_spec(info))
            red.append(vm.ReviewKr(vm.Ref(r.title, site.kr_href(here, r.ref)), r.ref, r.status,
                                   vm.Bar(r.progress, r.expected), [vm.ReviewNote(d.isoformat(), a, n) for d, a, n in r.notes],
                                   chart))
        objectives = [vm.ReviewObjective(vm.Ref(o.title, site.objective_href(here, site.org.objectives[o.ref])), o.ref,
                                         vm.Bar(o.score, u.expected, "score"), o.status, o.decision, o.learnings)
                      for o in u.objectives if o.ref in site.org.objectives]
        moves = [vm.ReviewConfidence(vm.Ref(m.title, site.kr_href(here, m.ref)), m.ref, m.first, m.now)
                 for m in u.confidence if m.ref in site.org.key_results]
        units.append(vm.ReviewUnit(site.unit_ref(here, u.slug, review.cycle), vm.Bar(u.score, u.expected, "score"),
                                   u.rollup, vm.status_counts(u.statuses), objectives, red, moves))
    return vm.ReviewPage(review.cycle_label, review.as_of.isoformat(), review.closed, units)


def pages(site: "Site") -> Iterable["GeneratedPage"]:
    for cycle in site.v.cycles:
        if not any(c == cycle.id for _u, c in site.org.cycle_files):
            continue
        review = core.build(site.org, site.v.history, cycle.id, site.v.today)
        here = review_dir(cycle.id)
        yield site.page(here, f"Review of {cycle.label}", "review", "review.html", page=view(site, here, review))
