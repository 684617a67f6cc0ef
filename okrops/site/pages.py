"""The generated pages: :class:`Site` builds a view object per page and renders its template.

A page is Markdown made of front matter (its title) and one raw HTML block, rendered from
a template in ``templates/`` (:mod:`okrops.site.render`: autoescaped, so titles and notes
show as plain text). The view objects (:mod:`okrops.site.viewmodels`) come from the public,
scored :class:`~okrops.site.view.SiteView` only. Links between generated pages are relative
and computed here (MkDocs does not rewrite links inside raw HTML).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Callable, Iterable, Optional

from okrops import alignment, scoring
from okrops.record.history import CheckIn
from okrops.model import Cycle, Initiative, Objective, Unit
from okrops.site import charts
from okrops.site import viewmodels as vm
from okrops.site.html import Linker, anchor_id, number, safe_url, title_text
from okrops.site.render import Templates
from okrops.site.view import KrInfo, SiteView

ATTENTION_LIMIT = 25
ACTIVITY_LIMIT = 200
HOME_ACTIVITY = 8
STRATEGY_INHERITED_LIMIT = 100


@dataclass
class GeneratedPage:
    folder: str  # '' for the home page; the page is <folder>/index.md
    title: str  # plain text
    body: str  # HTML, rendered from a template
    kind: str = "page"
    hide: tuple[str, ...] = ("toc", "navigation")

    @property
    def src_uri(self) -> str:
        return f"{self.folder}/index.md" if self.folder else "index.md"

    def markdown(self) -> str:
        front = {"title": title_text(self.title), "hide": list(self.hide)}
        # JSON is YAML: the title cannot break out of the front matter.
        lines = ["---"] + [f"{key}: {json.dumps(value)}" for key, value in front.items()] + ["---", ""]
        # No blank line: it would end the raw HTML block for Markdown.
        body = "\n".join(line for line in self.body.split("\n") if line.strip())
        return "\n".join(lines) + body + "\n"


class Site:
    """Builds every page of the site from a :class:`SiteView`."""

    def __init__(self, view: SiteView, linker: Optional[Linker] = None, repo_url: str = "",
                 templates: Optional[Templates] = None):
        self.v = view
        self.link = linker or Linker()
        self.templates = templates or Templates()
        self.repo_url = safe_url(repo_url) if repo_url else None
        self.org = view.org
        self.initiatives_of: dict[str, list[Initiative]] = {}
        for cycle_file in self.org.cycle_files.values():
            for initiative in cycle_file.initiatives:
                for ref in initiative.key_results:
                    self.initiatives_of.setdefault(ref, []).append(initiative)
        self._subtree_cache: dict[tuple[str, str], dict[str, int]] = {}
        self._chart_specs: dict[str, charts.ChartSpec] = {}
        self._checkin_hrefs: dict[str, Optional[str]] = {}
        self._record = None
        self.memo = None  # okrops.site.memo.Memo while serving: results of earlier builds, by their inputs
        self.weeks = 0  # weekly digest pages (the plugin's weeks option); 0: only the "This week" page saying so
        self.unit_cycles, self.home = self._unit_homes()

    def _unit_homes(self) -> tuple[dict[str, list[Cycle]], dict[str, Cycle]]:
        """The cycles each unit has pages for, and the one links to the unit point at."""
        view = self.v
        unit_cycles: dict[str, list[Cycle]] = {}
        homes: dict[str, Cycle] = {}
        current = view.current
        running = [c for c in view.cycles if c.start <= view.today <= c.end]
        for unit, _d in view.walk():
            cycles = [c for c in view.cycles if (unit.slug, c.id) in self.org.cycle_files]
            if current is not None and any(c.id == current.id for c in cycles):
                home = current
            else:
                mine = [c for c in running if any(c.id == m.id for m in cycles)]
                home = min(mine, key=lambda c: c.days) if mine else current or (cycles[-1] if cycles else None)
            if home is not None and all(c.id != home.id for c in cycles):
                cycles.append(home)
                cycles.sort(key=lambda c: (c.start, -c.days))
            unit_cycles[unit.slug] = cycles
            if home is not None:
                homes[unit.slug] = home
        return unit_cycles, homes

    def page(self, folder: str, title: str, kind: str, template: str, **context) -> GeneratedPage:
        """The page at ``folder``: ``template`` rendered with ``context`` (its view objects, plain data)."""
        def render() -> str:
            if self.memo is not None:
                self.memo.rendered.append(f"{folder}/index.md" if folder else "index.md")
            return self.templates.render(template, kind=kind, **context)

        body = render() if self.memo is None else self.memo.get(f"page:{kind}", (template, kind, context), render)
        return GeneratedPage(folder, title, body, kind)

    def chart(self, function, spec: charts.ChartSpec):
        """``function(spec)`` (a chart's geometry from its spec), computed once per spec while serving."""
        from okrops.site import memo

        return memo.call(self.memo, function.__name__, function, spec)

    # -- addresses and links ---------------------------------------------------------------------
    @staticmethod
    def unit_dir(slug: str, cycle: str) -> str:
        return f"units/{slug}/{cycle}"

    @staticmethod
    def kr_dir(kr_ref: str) -> str:
        unit, cycle, objective, kr = kr_ref.split("/")
        return f"units/{unit}/{cycle}/{objective}/{kr}"

    def unit_href(self, here: str, slug: str, cycle: Optional[str] = None) -> Optional[str]:
        if slug not in self.org.units:
            return None
        cycles = self.unit_cycles.get(slug, [])
        if cycle is None or all(c.id != cycle for c in cycles):
            home = self.home.get(slug)
            if home is None:
                return None
            cycle = home.id
        return self.link.rel(here, self.unit_dir(slug, cycle))

    def unit_ref(self, here: str, slug: str, cycle: Optional[str] = None) -> vm.Ref:
        unit = self.org.units.get(slug)
        if unit is None:
            return vm.PRIVATE
        return vm.Ref(unit.name, self.unit_href(here, slug, cycle))

    def kr_href(self, here: str, ref: str) -> str:
        return self.link.rel(here, self.kr_dir(ref))

    def objective_href(self, here: str, objective: Objective) -> str:
        return self.link.rel(here, self.unit_dir(objective.unit, objective.cycle), anchor_id(objective.id))

    def objective_ref(self, here: str, objective: Objective, with_unit: bool = True) -> vm.Ref:
        context = f"{self.org.units[objective.unit].name} · {objective.id}" if with_unit else ""
        return vm.Ref(objective.title, self.objective_href(here, objective), context)

    def ref(self, here: str, ref: Optional[str]) -> Optional[vm.Ref]:
        """A link to an objective or key result reference; private when it is not public; None for none."""
        if not ref:
            return None
        if ref in self.org.key_results:
            kr = self.org.key_results[ref]
            objective = self.org.objectives[kr.objective_ref]
            unit = self.org.units[objective.unit]
            return vm.Ref(kr.title, self.kr_href(here, ref), f"{unit.name} · {objective.id}/{kr.id}")
        if ref in self.org.objectives:
            return self.objective_ref(here, self.org.objectives[ref])
        return vm.PRIVATE

    def scored(self, here: str, objective: Objective) -> vm.ScoredRef:
        scored = self.v.objective_scores[objective.ref]
        return vm.ScoredRef(self.objective_ref(here, objective), scored.score, scored.status, self.v.aligned(objective))

    def breadcrumbs(self, here: str, unit: Unit, cycle: Cycle) -> list[vm.Ref]:
        chain = list(reversed(self.org.ancestors(unit.slug)))
        return [vm.Ref("Home", self.link.rel(here, ""))] + [
            self.unit_ref(here, s, cycle.id) for s in chain if s in self.org.units]

    # -- all pages ---------------------------------------------------------------------------------
    def pages(self) -> Iterable[GeneratedPage]:
        for _src_uri, _unit, make in self.sources():
            yield make()

    def sources(self) -> Iterable[tuple[str, Optional[str], Callable[[], GeneratedPage]]]:
        """Every page in the site's order: (its source path, its unit or None for the organisation-wide
        pages, a function making it). The organisation-wide pages are made as they are listed; a unit's
        page only when called (while serving, :mod:`okrops.site.affected` decides which are)."""
        from okrops.site.unitpages import UnitPages

        for page in self.overview_pages():
            yield page.src_uri, None, (lambda page=page: page)
        units = UnitPages(self)
        for unit, _depth in self.v.walk():
            if self.unit_cycles.get(unit.slug):
                yield f"units/{unit.slug}/index.md", unit.slug, partial(units.unit_index_page, unit)
            for cycle in self.unit_cycles.get(unit.slug, []):
                yield f"{self.unit_dir(unit.slug, cycle.id)}/index.md", unit.slug, partial(units.unit_page, unit, cycle)
                for objective in self.org.objectives_of(unit.slug, cycle.id):
                    for kr in objective.key_results:
                        yield f"{self.kr_dir(kr.ref)}/index.md", unit.slug, partial(units.kr_page, self.v.krs[kr.ref])

    def overview_pages(self) -> Iterable[GeneratedPage]:
        """The organisation-wide pages, in the site's order."""
        yield self.home_page()
        yield self.strategy_page()
        yield self.alignment_page()
        from okrops.site.alignmap import map_pages

        yield from map_pages(self)
        yield self.activity_page()
        yield self.health_page()
        from okrops.site import weekpages

        yield from weekpages.pages(self, self.weeks)
        from okrops.site import reviewpages

        yield from reviewpages.pages(self)
        yield self.cycles_page()
        yield self.units_page()
        for cycle in self.v.cycles:
            yield self.cycle_page(cycle)

    # -- shared pieces -------------------------------------------------------------------------------
    def cycle_line(self, cycle: Cycle) -> vm.CycleLine:
        today = self.v.today
        line = vm.CycleLine(cycle.label, f"{cycle.start:%b %-d} – {cycle.end:%b %-d, %Y}")
        if today < cycle.start:
            line.starts_in = (cycle.start - today).days
        elif today > cycle.end:
            line.ended = True
        else:
            line.week, line.weeks = (today - cycle.start).days // 7 + 1, (cycle.days + 6) // 7
            line.elapsed = cycle.elapsed(today)
        return line

    def expected(self, cycle: Cycle) -> Optional[float]:
        if not (cycle.start <= self.v.today <= cycle.end):
            return None
        return round(cycle.elapsed(self.v.today), 2)

    def kr_points(self, info: KrInfo, cycle: Cycle) -> list[charts.Point]:
        kr = info.kr
        points: list[charts.Point] = []
        start_value = kr.baseline
        if start_value is not None:
            points.append(charts.Point(cycle.start, start_value,
                                       f"{cycle.start.isoformat()}: baseline {charts._fmt(start_value)}"))
        for c in info.history:
            if c.value is None:
                continue
            day = min(max(c.day, cycle.start), cycle.end)
            who = f" ({c.author})" if c.author else ""
            points.append(charts.Point(day, c.value, f"{c.day.isoformat()}: {charts._fmt(c.value)}{who}"))
        if not info.history and kr.current is not None and (start_value is None or kr.current != start_value):
            day = min(max(self.v.today, cycle.start), cycle.end)
            points.append(charts.Point(day, kr.current, f"current: {charts._fmt(kr.current)}"))
        return points

    def chart_spec(self, info: KrInfo) -> charts.ChartSpec:
        """The chart of a key result (for its sparklines and its page), computed once."""
        spec = self._chart_specs.get(info.kr.ref)
        if spec is None:
            spec = self._chart_specs[info.kr.ref] = self._chart_spec(info)
        return spec

    @property
    def record(self):
        """Target changes and evidence of the public key results (read from git once, when first needed)."""
        if self._record is None:
            from okrops.site.krrecord import KrRecord

            self._record = KrRecord(self.org, self.v.today, self.repo_url)
        return self._record

    def _chart_spec(self, info: KrInfo) -> charts.ChartSpec:
        kr, objective = info.kr, info.objective
        cycle = self.org.config.cycles[objective.cycle]
        share = self.org.config.scoring.aspirational_target if objective.aspirational else 1.0
        return charts.ChartSpec(
            start=cycle.start, end=cycle.end, baseline=kr.baseline if kr.direction != "range" else None,
            target=kr.target if kr.direction != "range" else None, points=self.kr_points(info, cycle),
            today=self.v.today, expected_share=share, range_min=kr.range_min, range_max=kr.range_max,
            measure=kr.measure_unit, title=kr.title, **self.record.chart_extras(info, cycle),
        )

    def last_checkin(self, info: KrInfo) -> vm.LastCheckin:
        last = info.last
        if last is None:
            return vm.LastCheckin(None, history_known=self.v.known_history)
        return vm.LastCheckin(last.day.isoformat(), last.author, self.v.is_stale(info))

    @staticmethod
    def kr_numbers(info: KrInfo) -> vm.KrNumbers:
        kr = info.kr
        m = kr.measure_unit
        if kr.ordinal is not None:
            o = kr.ordinal
            return vm.KrNumbers("increase", o.reached or "–", o.baseline or o.levels[0], o.target or o.levels[-1])
        if kr.direction == "range":
            return vm.KrNumbers(kr.direction, number(kr.current, m), range_min=number(kr.range_min, m),
                                range_max=number(kr.range_max, m))
        return vm.KrNumbers(kr.direction, number(kr.current), number(kr.baseline), number(kr.target, m))

    def kr_row(self, here: str, info: KrInfo, show_unit: bool = False) -> vm.KrRow:
        kr, objective = info.kr, info.objective
        row = vm.KrRow(kr.title, self.kr_href(here, kr.ref), self.kr_numbers(info),
                       vm.Bar(info.score.progress, info.score.expected), self.chart(charts.sparkline, self.chart_spec(info)),
                       vm.confidence(kr.confidence), info.score.status, self.last_checkin(info))
        row.shared_with = [self.unit_ref(here, u, objective.cycle) for u in kr.contributors if u in self.org.units]
        if scoring.style_of(self.org, objective.unit) == "commit-target-stretch":
            row.zone = info.score.zone
        if show_unit:
            row.unit = self.unit_ref(here, objective.unit, objective.cycle)
            row.path = f"{objective.id}/{kr.id}"
        else:
            row.anchor, row.kr_id = anchor_id(objective.id, kr.id), kr.id
            row.checkin_href = self.checkin_href(kr)
        return row

    def checkin_href(self, kr) -> Optional[str]:
        """The prefilled check-in form of a (public) key result; None without the repository's address."""
        from okrops.record.issueform import Settings, form_url

        if not self.repo_url:
            return None
        if kr.ref not in self._checkin_hrefs:  # a key result's row and its page link to the same form
            self._checkin_hrefs[kr.ref] = form_url(self.repo_url, kr, Settings.of(self.org).label)
        return self._checkin_hrefs[kr.ref]

    def checkin_rows(self, here: str, checkins: list[CheckIn], show_kr: bool = False) -> list[vm.CheckinRow]:
        rows = []
        for c in checkins:
            info = self.v.krs.get(c.ref)
            if info is None:
                continue
            change = number(c.value, info.kr.measure_unit)
            if c.previous is not None and c.value is not None:
                change = f"{number(c.previous)} → {change}"
            if c.level is not None:  # an ordinal key result: the levels' names, not their positions
                change = c.level if c.previous_level is None else f"{c.previous_level} → {c.level}"
            href = f"{self.repo_url}/commit/{c.commit}" if self.repo_url and c.commit else None
            row = vm.CheckinRow(c.day.isoformat(), change, c.kind != "checkin", vm.confidence(c.confidence), c.author, c.note,
                                c.commit[:8], href)
            if show_kr:
                unit = self.org.units[info.objective.unit]
                row.kr = vm.Ref(info.kr.title, self.kr_href(here, c.ref))
                row.kr_place = f"{unit.name} · {info.objective.id}/{info.kr.id}"
            rows.append(row)
        return rows

    def unit_rows(self, here: str, slugs: list[str], cycle: Cycle,
                  depth_of: Optional[dict[str, int]] = None) -> list[vm.UnitRow]:
        rows = []
        for slug in slugs:
            uc = self.v.unit_cycle(slug, cycle.id)
            rows.append(vm.UnitRow(self.unit_ref(here, slug, cycle.id), uc.unit.kind,
                                   vm.Bar(uc.rollup, self.expected(cycle)),
                                   vm.status_counts(self.subtree_statuses(slug, cycle)),
                                   min((depth_of or {}).get(slug, 0), 4)))
        return rows

    def subtree_statuses(self, slug: str, cycle: Cycle) -> dict[str, int]:
        key = (slug, cycle.id)
        if key not in self._subtree_cache:
            counts: dict[str, int] = dict(self.v.unit_cycle(slug, cycle.id).statuses)
            for child in self.org.units[slug].children:
                for s, n in self.subtree_statuses(child, cycle).items():
                    counts[s] = counts.get(s, 0) + n
            self._subtree_cache[key] = counts
        return self._subtree_cache[key]

    # -- home ------------------------------------------------------------------------------------
    def home_page(self) -> GeneratedPage:
        cfg = self.org.config
        page = vm.HomePage(cfg.site.get("title") or f"{cfg.organisation} OKRs", cfg.site.get("description") or "",
                           self.link.rel("", "alignment"), self.link.rel("", "activity"), None)
        if self.v.current is not None:
            page.cycle = self.home_cycle(self.v.current)
        return self.page("", "Home", "home", "home.html", page=page)

    def home_cycle(self, cycle: Cycle) -> vm.HomeCycle:
        v = self.v
        krs = [k for k in v.krs.values() if k.objective.cycle == cycle.id]
        statuses: dict[str, int] = {}
        for k in krs:
            statuses[k.score.status] = statuses.get(k.score.status, 0) + 1
        confs = [k.kr.confidence for k in krs if k.kr.confidence is not None]
        mean_conf = round(sum(confs) / len(confs), 2) if confs else None
        stale, attention = v.stale(cycle), v.attention(cycle)
        expected = self.expected(cycle)
        others = [c for c in v.cycles if c.id != cycle.id and c.start <= v.today <= c.end]
        slugs, depths = [], {}
        for unit, depth in v.walk():  # the top of the tree, two levels deep
            if depth <= 1:
                slugs.append(unit.slug)
                depths[unit.slug] = depth
        recent = list(reversed(v.history[-HOME_ACTIVITY:]))
        return vm.HomeCycle(
            self.cycle_line(cycle), vm.Bar(v.org_score(cycle), expected, "score"), len(krs),
            vm.status_counts(statuses), "–" if mean_conf is None else f"{mean_conf:.2f}",
            [self.kr_row("", k, show_unit=True) for k in attention[:ATTENTION_LIMIT]], len(attention),
            [self.kr_row("", k, show_unit=True) for k in stale[:ATTENTION_LIMIT]], len(stale),
            self.org.config.cadence_days, ATTENTION_LIMIT,
            [(vm.Ref(c.label, self.link.rel("", f"cycles/{c.id}")), v.org_score(c)) for c in others],
            self.unit_rows("", slugs, cycle, depths), self.checkin_rows("", recent, show_kr=True))

    # -- strategy ----------------------------------------------------------------------------------
    def strategy_page(self) -> GeneratedPage:
        here = "strategy"
        v = self.v
        s = self.org.strategy
        running = [c for c in v.cycles if c.start <= v.today <= c.end] or ([v.current] if v.current else [])
        direct: dict[str, list[Objective]] = {sid: [] for sid in s.strategies}
        inherited: dict[str, list[Objective]] = {sid: [] for sid in s.strategies}
        unaligned: list[Objective] = []
        for unit, _d in v.walk():
            for cycle in running:
                for objective in self.org.objectives_of(unit.slug, cycle.id):
                    known = [(sid, d) for sid, d in v.effective_strategies(objective) if sid in s.strategies]
                    if not known:
                        unaligned.append(objective)
                    for sid, is_direct in known:
                        (direct if is_direct else inherited)[sid].append(objective)
        strategies = []
        for sid, strategy in s.strategies.items():
            horizon = f"{strategy.horizon_from}–{strategy.horizon_to}" if strategy.horizon_from else ""
            via = inherited[sid]
            strategies.append(vm.StrategyView(
                anchor_id("s", sid), strategy.title, horizon, strategy.description or "",
                [self.scored(here, o) for o in direct[sid]],
                [self.scored(here, o) for o in via[:STRATEGY_INHERITED_LIMIT]],
                max(0, len(via) - STRATEGY_INHERITED_LIMIT)))
        page = vm.StrategyPage(s.vision or "", s.mission or "", [c.label for c in running], strategies,
                               [self.objective_ref(here, o) for o in unaligned[:STRATEGY_INHERITED_LIMIT]],
                               len(unaligned))
        return self.page(here, "Strategy", "strategy", "strategy.html", page=page)

    # -- alignment tree ------------------------------------------------------------------------------
    def alignment_page(self) -> GeneratedPage:
        here = "alignment"
        v = self.v
        roots: list[vm.TreeNode] = []
        if v.current is not None:
            stack: list[tuple[int, vm.TreeNode]] = []
            for unit, depth in v.walk():
                while stack and stack[-1][0] >= depth:
                    stack.pop()
                node = self.tree_node(here, unit, depth)
                (stack[-1][1].children if stack else roots).append(node)
                stack.append((depth, node))
        return self.page(here, "Alignment", "alignment", "alignment.html", roots=roots,
                         has_cycle=v.current is not None, map_href=self.link.rel(here, "map"))

    def tree_node(self, here: str, unit: Unit, depth: int) -> vm.TreeNode:
        v = self.v
        assert v.current is not None
        cycle = self.home.get(unit.slug, v.current)
        uc = v.unit_cycle(unit.slug, cycle.id)
        objectives = []
        for objective, scored in uc.objectives:
            item = vm.TreeObjective(vm.Ref(objective.title, self.objective_href(here, objective)), scored.score,
                                    aligned=v.aligned(objective))
            if objective.parent:
                item.parent = self.tree_parent(objective.parent)
            if len(objective.parents) > 1:
                item.parents = [self.tree_parent(ref) for ref in objective.parent_refs]
            objectives.append(item)
        node = vm.TreeNode(anchor_id("u", unit.slug), self.unit_ref(here, unit.slug, cycle.id), unit.kind or "",
                           cycle.label if cycle.id != v.current.id else "", vm.Bar(uc.rollup, self.expected(cycle), "score"),
                           objectives, len(unit.children), depth < 1)
        # A child listed under each of its parents: those living elsewhere in the tree are listed here too,
        # one level only (no recursion, so alignment loops cannot make the tree endless).
        for objective, _scored in uc.objectives:
            for child in v.children_of.get(objective.ref, []):
                if len(child.parents) > 1 and self.org.units[child.unit].parent != unit.slug and child.unit != unit.slug:
                    item = vm.TreeObjective(vm.Ref(child.title, self.objective_href(here, child)),
                                            v.objective_scores[child.ref].score, self.tree_parent(objective.ref),
                                            home=self.unit_ref(here, child.unit, child.cycle), aligned=v.aligned(child))
                    node.aligned_here.append(item)
        return node

    def tree_parent(self, ref: str) -> vm.Ref:
        p = alignment.resolve(self.org, ref)
        return vm.Ref(f"{self.org.units[p.unit].name} {p.id}") if p else vm.PRIVATE

    def health_page(self) -> GeneratedPage:
        from okrops.site.healthpage import health_page

        return health_page(self)

    # -- activity ----------------------------------------------------------------------------------
    def activity_page(self) -> GeneratedPage:
        here = "activity"
        recent = list(reversed(self.v.history[-ACTIVITY_LIMIT:]))
        by_day: dict[date, list[CheckIn]] = {}
        for c in recent:
            by_day.setdefault(c.day, []).append(c)
        days = [vm.ActivityDay(f"d-{day.isoformat()}", f"{day:%A, %B %-d, %Y}", self.checkin_rows(here, items, show_kr=True))
                for day, items in by_day.items()]
        return self.page(here, "Activity", "activity", "activity.html", count=len(recent), days=days)

    # -- cycles ------------------------------------------------------------------------------------
    def cycles_page(self) -> GeneratedPage:
        here = "cycles"
        v = self.v
        rows = []
        for cycle in sorted(v.cycles, key=lambda c: (c.start, c.days), reverse=True):
            state = ("running" if cycle.start <= v.today <= cycle.end else "past" if cycle.end < v.today else "upcoming")
            count = sum(1 for o in self.org.objectives.values() if o.cycle == cycle.id)
            rows.append(vm.CycleRow(vm.Ref(cycle.label, self.link.rel(here, f"cycles/{cycle.id}")),
                                    f"{cycle.start.isoformat()} – {cycle.end.isoformat()}", state, count,
                                    vm.Bar(v.org_score(cycle), None, "score")))
        return self.page(here, "Cycles", "cycles", "cycles.html", rows=rows)

    def units_page(self) -> GeneratedPage:
        """units/: every public unit as the organisation is laid out, each linking to its page."""
        here = "units"
        rows = []
        for unit, depth in self.v.walk():
            link = self.link.rel(here, f"units/{unit.slug}") if self.unit_cycles.get(unit.slug) else None
            parent = self.org.units.get(unit.parent) if unit.parent else None
            parent_link = None
            if parent is not None:
                parent_link = vm.Ref(parent.name, self.link.rel(here, f"units/{parent.slug}")
                                     if self.unit_cycles.get(parent.slug) else None)
            rows.append(vm.UnitListRow(vm.Ref(unit.name, link), unit.kind or "", parent_link, depth))
        return self.page(here, "Units", "units", "units.html", rows=rows)

    def cycle_page(self, cycle: Cycle) -> GeneratedPage:
        here = f"cycles/{cycle.id}"
        slugs, depths = [], {}
        for unit, depth in self.v.walk():
            if (unit.slug, cycle.id) in self.org.cycle_files or any(
                    (u.slug, cycle.id) in self.org.cycle_files for u, _ in self.org.walk(unit.slug)):
                slugs.append(unit.slug)
                depths[unit.slug] = depth
        page = vm.CyclePage(cycle.label, self.cycle_line(cycle), self.v.org_score(cycle),
                            self.unit_rows(here, slugs, cycle, depths))
        if any(c == cycle.id for _u, c in self.org.cycle_files):
            page.review_href = self.link.rel(here, f"review/{cycle.id}")
        return self.page(here, cycle.label, "cycle", "cycle.html", page=page)
