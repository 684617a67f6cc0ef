"""The pages of a unit: its landing page, a page per cycle, and a page per key result.

Built with the addresses and shared pieces of :class:`okrops.site.pages.Site`; the markup is
in ``templates/unit_index.html``, ``templates/unit.html`` and ``templates/kr.html``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from okrops import alignment, scoring
from okrops.lint.objectives import looks_like_person
from okrops.model import Cycle, Initiative, Kpi, Objective, Unit
from okrops.scoring import ObjectiveScore
from okrops.site import charts
from okrops.site import viewmodels as vm
from okrops.site.html import anchor_id, number, safe_url
from okrops.site.view import KrInfo

if TYPE_CHECKING:
    from okrops.site.pages import GeneratedPage, Site


def _overlap(one: Optional[Cycle], other: Cycle) -> bool:
    return one is not None and one.start <= other.end and other.start <= one.end


def _band_text(low: Optional[float], high: Optional[float], measure: str) -> str:
    if low is not None and high is not None:
        return f"{number(low)} – {number(high, measure)}"
    if low is not None:
        return f"≥ {number(low, measure)}"
    return f"≤ {number(high, measure)}"


class UnitPages:
    def __init__(self, site: "Site"):
        self.site = site
        self.v = site.v
        self.org = site.org

    # -- units/<slug>/ ----------------------------------------------------------------------------
    def unit_index_page(self, unit: Unit) -> "GeneratedPage":
        """units/<slug>/: a stable address for a unit, listing its cycles (the current one first)."""
        site = self.site
        here = f"units/{unit.slug}"
        home = site.home.get(unit.slug)
        cycles = sorted(site.unit_cycles.get(unit.slug, []), key=lambda c: (c.start, c.days), reverse=True)
        if home is not None:
            cycles = [home] + [c for c in cycles if c.id != home.id]
        page = vm.UnitIndexPage(
            site.breadcrumbs(here, unit, home or cycles[0]), unit.name, unit.kind or "", unit.description or "",
            [(vm.Ref(c.label, site.link.rel(here, site.unit_dir(unit.slug, c.id))), home is not None and c.id == home.id)
             for c in cycles])
        return site.page(here, unit.name, "unit", "unit_index.html", page=page)

    # -- units/<slug>/<cycle>/ -------------------------------------------------------------------------
    def unit_page(self, unit: Unit, cycle: Cycle) -> "GeneratedPage":
        site, v = self.site, self.v
        here = site.unit_dir(unit.slug, cycle.id)
        uc = v.unit_cycle(unit.slug, cycle.id)
        expected = site.expected(cycle)
        tabs = [vm.Ref(c.label, None if c.id == cycle.id else site.link.rel(here, site.unit_dir(unit.slug, c.id)))
                for c in sorted(site.unit_cycles.get(unit.slug, []), key=lambda c: (c.start, c.days), reverse=True)]
        card = vm.UnitCard(vm.Bar(uc.score, expected, "score"),
                           vm.Bar(uc.rollup, expected, "score") if unit.children else None,
                           sum(uc.statuses.values()), vm.status_counts(uc.statuses), list(unit.maintainers))
        cycle_file = self.org.cycle_files.get((unit.slug, cycle.id))
        children = sorted((c for c in unit.children if c in self.org.units), key=lambda s: self.org.units[s].folder)
        source = None
        if site.repo_url:
            path = cycle_file.source.file if cycle_file else unit.source.file
            source = vm.ExternalLink(path, f"{site.repo_url}/blob/HEAD/{path}")
        page = vm.UnitPage(
            site.breadcrumbs(here, unit, cycle), unit.name, unit.kind or "", unit.description or "", cycle.label,
            tabs if len(tabs) > 1 else [], site.cycle_line(cycle), card,
            [self.objective_view(here, objective, scored) for objective, scored in uc.objectives],
            [self.initiative_view(here, i) for i in (cycle_file.initiatives if cycle_file else [])],
            [self.kpi_row(kpi) for kpi in unit.kpis],
            site.unit_rows(here, children, cycle), source,
            [site.kr_row(here, v.krs[ref], show_unit=True) for ref in v.shared_with.get(unit.slug, [])
             if ref in v.krs and _overlap(self.org.config.cycles.get(v.krs[ref].objective.cycle), cycle)],
            self.dependency_rows(here, unit, cycle))
        return site.page(here, f"{unit.name} · {cycle.label}", "unit", "unit.html", page=page)

    def dependency_rows(self, here: str, unit: Unit, cycle: Cycle) -> list[vm.DependencyRow]:
        site, rows = self.site, []
        for edge, confirmed in self.v.dependencies:
            for needs, own, other in ((True, edge.dependent, edge.provider), (False, edge.provider, edge.dependent)):
                owner = own.split("/", 1)[0]
                own_cycle = self.org.config.cycles.get(own.split("/")[1])
                if owner == unit.slug and _overlap(own_cycle, cycle):
                    rows.append(vm.DependencyRow(needs, site.ref(here, own) or vm.PRIVATE, site.ref(here, other) or vm.PRIVATE,
                                                 edge.note, confirmed))
        return rows

    def kpi_row(self, kpi: Kpi) -> vm.KpiRow:
        bands = []
        if kpi.healthy:
            bands.append("healthy " + _band_text(kpi.healthy.min, kpi.healthy.max, kpi.measure_unit))
        if kpi.warning:
            bands.append("warning " + _band_text(kpi.warning.min, kpi.warning.max, kpi.measure_unit))
        row = vm.KpiRow(kpi.title, number(kpi.current, kpi.measure_unit), bands, kpi.health, kpi.data_source or "")
        checkins = self.v.kpi_history.get(kpi.ref, [])
        if checkins:
            last = checkins[-1]
            row.last = vm.LastCheckin(last.day.isoformat(), last.author, self.v.kpi_stale(kpi.ref))
            row.spark = self.site.chart(charts.sparkline, self.kpi_chart(kpi, checkins))
        row.provenance = self.provenance(kpi.metric_source, kpi.ref, checkins[-1] if checkins else None)
        return row

    def kpi_chart(self, kpi: Kpi, checkins: list) -> charts.ChartSpec:
        from datetime import timedelta

        start = min(checkins[0].day, self.v.today - timedelta(days=28))
        points = [charts.Point(c.day, c.value, f"{c.day.isoformat()}: {charts._fmt(c.value)}") for c in checkins
                  if c.value is not None]
        healthy = kpi.healthy.min if kpi.healthy and kpi.healthy.min is not None else kpi.healthy.max if kpi.healthy else None
        return charts.ChartSpec(start=start, end=max(self.v.today, checkins[-1].day), baseline=None, target=healthy,
                                points=points, today=self.v.today, measure=kpi.measure_unit, title=kpi.title)

    def provenance(self, spec: Optional[dict], ref: str, last) -> Optional[vm.Provenance]:
        """Where the number of a key result or KPI comes from, and how its current value was collected."""
        if spec is None:
            return None
        from okrops.collect.sources import describe

        view = vm.Provenance(describe(spec))
        collected = self.v.collected(ref, last)
        if collected is not None:
            fetched = collected.provenance.fetched.replace("T", " ").replace("Z", " UTC")
            view.collected = f"collected by {collected.provenance.kind} at {fetched}"
            view.commit = collected.commit[:8]
            if self.site.repo_url:
                view.commit_href = f"{self.site.repo_url}/commit/{collected.commit}"
        return view

    def objective_view(self, here: str, objective: Objective, scored: ObjectiveScore) -> vm.ObjectiveView:
        site, v = self.site, self.v
        view = vm.ObjectiveView(anchor_id(objective.id), objective.id, objective.title, objective.type,
                                objective.aspirational, scored.status, vm.Bar(scored.score, scored.expected, "score"),
                                objective.why or "", site.ref(here, objective.parent))
        view.parents = [site.ref(here, ref) or vm.PRIVATE for ref in objective.parent_refs]
        if len(objective.parents) > 1:  # each parent's share of this objective's progress (private ones: none shown)
            view.shares = [share if alignment.resolve(self.org, link.ref) is not None else None
                           for link, share in alignment.shares(objective)]
        if v.aligned(objective) is not None:
            view.aligned = vm.AlignedScore(vm.Bar(v.aligned(objective), scored.expected, "score"),
                                           v.rollups.count_below(objective.ref))
        if scoring.style_of(self.org, objective.unit) == "commit-target-stretch":
            view.zone = scored.zone
        strategies = self.org.strategy.strategies
        view.strategies = [vm.StrategyLink(vm.Ref(strategies[sid].title, site.link.rel(here, "strategy", anchor_id("s", sid))), direct)
                           for sid, direct in v.effective_strategies(objective) if sid in strategies]
        if objective.owner and objective.owner != objective.unit:
            if objective.owner in self.org.units:
                view.owner = site.unit_ref(here, objective.owner, objective.cycle)
            elif looks_like_person(objective.owner):
                view.owner = vm.Ref(objective.owner)
            else:  # a private unit, one that cannot be read, or a name okrops cannot tell apart from one
                view.owner = vm.PRIVATE
        view.children = [site.scored(here, c) for c in v.children_of.get(objective.ref, [])]
        view.krs = [site.kr_row(here, v.krs[kr.ref]) for kr in objective.key_results]
        if objective.reflection:
            r = objective.reflection
            view.reflection = vm.Reflection(r.decision, r.score,
                                            r.learnings or "")
        return view

    def initiative_view(self, here: str, initiative: Initiative) -> vm.InitiativeView:
        today = self.v.today
        milestones = []
        for m in sorted(initiative.milestones, key=lambda m: m.due):
            late = not m.done and m.due < today
            milestones.append(vm.Milestone(m.title, m.due.isoformat(), "done" if m.done else "late" if late else "open"))
        moves = [self.site.ref(here, ref) or vm.PRIVATE for ref in initiative.key_results]
        links = [vm.ExternalLink(url, safe_url(url)) for url in initiative.links]
        return vm.InitiativeView(anchor_id(initiative.id), initiative.id, initiative.title, initiative.description or "",
                                 moves, milestones, links, self.site.record.evidence_rows(initiative.ref))

    # -- units/<slug>/<cycle>/<objective>/<kr>/ -----------------------------------------------------------
    def kr_page(self, info: KrInfo) -> "GeneratedPage":
        site = self.site
        kr, objective = info.kr, info.objective
        here = site.kr_dir(kr.ref)
        unit = self.org.units[objective.unit]
        cycle = self.org.config.cycles[objective.cycle]
        objective_href = site.objective_href(here, objective)
        crumbs = site.breadcrumbs(here, unit, cycle) + [site.unit_ref(here, unit.slug, cycle.id),
                                                         vm.Ref(objective.id, objective_href)]
        moved_by = [vm.Ref(i.title, site.link.rel(here, site.unit_dir(*i.ref.split("/")[:2]), anchor_id(i.id)))
                    for i in site.initiatives_of.get(kr.ref, [])]
        details = vm.KrDetails(kr.metric or "", kr.data_source or "", kr.direction,
                               number(kr.weight) if kr.weight != 1.0 else None, moved_by,
                               self.provenance(kr.metric_source, kr.ref, info.last))
        page = vm.KrPage(
            crumbs, f"{objective.id}/{kr.id}", kr.title, vm.Ref(objective.title, objective_href), unit.name, cycle.label,
            vm.Bar(info.score.progress, info.score.expected), info.score.status, site.kr_numbers(info), vm.confidence(kr.confidence),
            site.last_checkin(info), site.chart(charts.history_chart, site.chart_spec(info)), details,
            site.checkin_rows(here, list(reversed(info.history))), site.record.change_rows(info),
            site.record.confidence_chart(info, cycle), site.record.forecast_text(info, cycle),
            site.record.evidence_rows(kr.ref),
            site.checkin_href(kr))
        return site.page(here, kr.title, "kr", "kr.html", page=page)
