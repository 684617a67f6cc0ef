"""The generated pages: each builder returns :class:`GeneratedPage` objects.

A page is Markdown made of front matter (its title) and one raw HTML block.
Markdown leaves raw HTML alone, and every user-written string in it is escaped
with :func:`~okrops.site.html.esc`, so titles and notes show as plain text.
Links between generated pages are relative and computed here (MkDocs does not
rewrite links inside raw HTML).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Iterable, Optional

from okrops.history import CheckIn
from okrops.lint.objectives import looks_like_person
from okrops.model import Cycle, Initiative, Objective, Unit
from okrops.site import charts
from okrops.site.html import (
    Linker, anchor_id, badge, bar, confidence, esc, link, number, percent, safe_url, status_badge, title_text,
)
from okrops.site.view import KrInfo, SiteView

ATTENTION_LIMIT = 25
ACTIVITY_LIMIT = 200
HOME_ACTIVITY = 8
STRATEGY_INHERITED_LIMIT = 100


@dataclass
class GeneratedPage:
    folder: str  # '' for the home page; the page is <folder>/index.md
    title: str  # plain text
    body: str  # HTML
    kind: str = "page"
    hide: tuple[str, ...] = ("toc", "navigation")

    @property
    def src_uri(self) -> str:
        return f"{self.folder}/index.md" if self.folder else "index.md"

    def markdown(self) -> str:
        front = {"title": title_text(self.title), "hide": list(self.hide)}
        # JSON is YAML: the title cannot break out of the front matter.
        lines = ["---"] + [f"{key}: {json.dumps(value)}" for key, value in front.items()] + ["---", ""]
        body = "\n".join(line for line in self.body.split("\n") if line.strip())
        return "\n".join(lines) + f'<div class="okr okr--{self.kind}">\n{body}\n</div>\n'


class Site:
    """Builds every page of the site from a :class:`SiteView`."""

    def __init__(self, view: SiteView, linker: Optional[Linker] = None, repo_url: str = ""):
        self.v = view
        self.link = linker or Linker()
        self.repo_url = safe_url(repo_url) if repo_url else None
        self.org = view.org
        self.initiatives_of: dict[str, list[Initiative]] = {}
        for cycle_file in self.org.cycle_files.values():
            for initiative in cycle_file.initiatives:
                for ref in initiative.key_results:
                    self.initiatives_of.setdefault(ref, []).append(initiative)
        # Where each unit's pages are: the cycles it has pages for, and the one links point at.
        self.unit_cycles: dict[str, list[Cycle]] = {}
        self.home: dict[str, Cycle] = {}
        current = view.current
        running = [c for c in view.cycles if c.start <= view.today <= c.end]
        for unit, _d in view.walk():
            cycles = [c for c in view.cycles if (unit.slug, c.id) in self.org.cycle_files]
            home = None
            if current is not None and any(c.id == current.id for c in cycles):
                home = current
            else:
                mine = [c for c in running if any(c.id == m.id for m in cycles)]
                home = min(mine, key=lambda c: c.days) if mine else current or (cycles[-1] if cycles else None)
            if home is not None and all(c.id != home.id for c in cycles):
                cycles.append(home)
                cycles.sort(key=lambda c: (c.start, -c.days))
            self.unit_cycles[unit.slug] = cycles
            if home is not None:
                self.home[unit.slug] = home

    # -- addresses --------------------------------------------------------------
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

    def unit_link(self, here: str, slug: str, cycle: Optional[str] = None) -> str:
        unit = self.org.units.get(slug)
        if unit is None:
            return '<span class="okr-private">(private)</span>'
        href = self.unit_href(here, slug, cycle)
        return link(href, esc(unit.name)) if href else esc(unit.name)

    def kr_href(self, here: str, ref: str) -> str:
        return self.link.rel(here, self.kr_dir(ref))

    def objective_href(self, here: str, objective: Objective) -> str:
        return self.link.rel(here, self.unit_dir(objective.unit, objective.cycle), anchor_id(objective.id))

    def objective_link(self, here: str, objective: Objective, with_unit: bool = True) -> str:
        unit = self.org.units[objective.unit]
        prefix = f'<span class="okr-muted">{esc(unit.name)} · {esc(objective.id)}</span> ' if with_unit else ""
        return prefix + link(self.objective_href(here, objective), esc(objective.title))

    def ref_link(self, here: str, ref: Optional[str]) -> str:
        """A link to an objective or key result reference; '(private)' when it is not public."""
        if not ref:
            return ""
        if ref in self.org.key_results:
            kr = self.org.key_results[ref]
            objective = self.org.objectives[kr.objective_ref]
            unit = self.org.units[objective.unit]
            return (f'<span class="okr-muted">{esc(unit.name)} · {esc(objective.id)}/{esc(kr.id)}</span> '
                    + link(self.kr_href(here, ref), esc(kr.title)))
        if ref in self.org.objectives:
            return self.objective_link(here, self.org.objectives[ref])
        return '<span class="okr-private">(private)</span>'

    def assets(self, here: str) -> str:
        return self.link.asset(here, "assets")

    # -- all pages ------------------------------------------------------------------
    def pages(self) -> Iterable[GeneratedPage]:
        yield self.home_page()
        yield self.strategy_page()
        yield self.alignment_page()
        yield self.activity_page()
        yield self.cycles_page()
        for cycle in self.v.cycles:
            yield self.cycle_page(cycle)
        for unit, _depth in self.v.walk():
            if self.unit_cycles.get(unit.slug):
                yield self.unit_index_page(unit)
            for cycle in self.unit_cycles.get(unit.slug, []):
                yield self.unit_page(unit, cycle)
                for objective in self.org.objectives_of(unit.slug, cycle.id):
                    for kr in objective.key_results:
                        yield self.kr_page(self.v.krs[kr.ref])

    # -- shared pieces ------------------------------------------------------------
    def cycle_line(self, cycle: Cycle) -> str:
        today = self.v.today
        span = f"{cycle.start:%b %-d} – {cycle.end:%b %-d, %Y}"
        if today < cycle.start:
            state = "starts in {} days".format((cycle.start - today).days)
        elif today > cycle.end:
            state = "ended"
        else:
            week = (today - cycle.start).days // 7 + 1
            weeks = (cycle.days + 6) // 7
            state = f"week {week} of {weeks} · {percent(cycle.elapsed(today))} elapsed"
        return f'<span class="okr-cycle">{esc(cycle.label)}</span> <span class="okr-muted">{span} · {state}</span>'

    def status_chips(self, statuses: dict[str, int]) -> str:
        order = ("off-track", "at-risk", "on-track", "done", "no-data", "not-started")
        chips = [f'<span class="okr-status okr-status--{s}" title="{s}">{statuses[s]} {s.replace("-", " ")}</span>'
                 for s in order if statuses.get(s)]
        return " ".join(chips) or '<span class="okr-muted">no key results</span>'

    def kr_points(self, info: KrInfo, cycle: Cycle) -> list[charts.Point]:
        kr = info.kr
        points: list[charts.Point] = []
        start_value = kr.baseline
        if start_value is not None:
            points.append(charts.Point(cycle.start, start_value, f"{cycle.start.isoformat()}: baseline {charts._fmt(start_value)}"))
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
        kr, objective = info.kr, info.objective
        cycle = self.org.config.cycles[objective.cycle]
        share = self.org.config.scoring.aspirational_target if objective.aspirational else 1.0
        return charts.ChartSpec(
            start=cycle.start, end=cycle.end, baseline=kr.baseline if kr.direction != "range" else None,
            target=kr.target if kr.direction != "range" else None, points=self.kr_points(info, cycle),
            today=self.v.today, expected_share=share, range_min=kr.range_min, range_max=kr.range_max,
            measure=kr.measure_unit, title=kr.title,
        )

    def last_checkin(self, info: KrInfo) -> str:
        last = info.last
        if last is None:
            return '<span class="okr-muted">none yet</span>' if self.v.known_history else '<span class="okr-muted">–</span>'
        stale = ' <span class="okr-status okr-status--stale">stale</span>' if self.v.is_stale(info) else ""
        return f'<span class="okr-nowrap">{last.day.isoformat()}</span><br><span class="okr-muted">{esc(last.author)}</span>{stale}'

    def kr_numbers(self, info: KrInfo) -> str:
        kr = info.kr
        m = kr.measure_unit
        if kr.direction == "range":
            return f"keep {number(kr.range_min, m)} – {number(kr.range_max, m)}<br>now <strong>{number(kr.current, m)}</strong>"
        arrow = "↓" if kr.direction == "decrease" else "↑"
        return (f'{number(kr.baseline)} → <strong>{number(kr.current)}</strong> → {number(kr.target, m)} '
                f'<span class="okr-muted" title="{kr.direction}">{arrow}</span>')

    def checkin_rows(self, here: str, checkins: list[CheckIn], show_kr: bool = False) -> str:
        rows = []
        for c in checkins:
            info = self.v.krs.get(c.ref)
            if info is None:
                continue
            kr_cell = ""
            if show_kr:
                unit = self.org.units[info.objective.unit]
                kr_cell = (f'<td>{link(self.kr_href(here, c.ref), esc(info.kr.title))}'
                           f'<br><span class="okr-muted">{esc(unit.name)} · {esc(info.objective.id)}/{esc(info.kr.id)}</span></td>')
            change = number(c.value, info.kr.measure_unit)
            if c.previous is not None and c.value is not None:
                change = f"{number(c.previous)} → {change}"
            commit = esc(c.commit[:8])
            if self.repo_url and c.commit:
                commit = f'<a href="{self.repo_url}/commit/{esc(c.commit)}"><code>{commit}</code></a>'
            else:
                commit = f"<code>{commit}</code>"
            kind = "" if c.kind == "checkin" else f' {badge("edit", "muted")}'
            rows.append(f"<tr><td class=\"okr-when\">{c.day.isoformat()}</td>{kr_cell}<td>{change}{kind}</td><td>{confidence(c.confidence)}</td>"
                        f"<td>{esc(c.author)}</td><td class=\"okr-note\">{esc(c.note) or '<span class=okr-muted>–</span>'}</td>"
                        f"<td>{commit}</td></tr>")
        if not rows:
            return ""
        head = "<th>Key result</th>" if show_kr else ""
        return ('<div class="okr-table-wrap"><table class="okr-table"><thead><tr><th>Date</th>' + head
                + "<th>Value</th><th>Confidence</th><th>By</th><th>Note</th><th>Commit</th></tr></thead><tbody>"
                + "".join(rows) + "</tbody></table></div>")

    def kr_table(self, here: str, infos: list[KrInfo], show_unit: bool = False) -> str:
        rows = []
        for info in infos:
            kr = info.kr
            where = ""
            if show_unit:
                where = (f'<br><span class="okr-muted">{self.unit_link(here, info.objective.unit, info.objective.cycle)} · '
                         f"{esc(info.objective.id)}/{esc(kr.id)}</span>")
            kr_id = "" if show_unit else f'<span class="okr-id">{esc(kr.id)}</span> '
            row_id = "" if show_unit else f' id="{anchor_id(info.objective.id, kr.id)}"'
            rows.append(
                f'<tr{row_id}>'
                f'<td class="okr-kr-title">{kr_id}{link(self.kr_href(here, kr.ref), esc(kr.title))}{where}</td>'
                f"<td class=\"okr-num\">{self.kr_numbers(info)}</td>"
                f"<td>{bar(info.score.progress, info.score.expected)}</td>"
                f"<td class=\"okr-trend\" data-search-exclude>{charts.sparkline(self.chart_spec(info))}</td>"
                f"<td>{confidence(kr.confidence)}</td><td>{status_badge(info.score.status)}</td>"
                f'<td class="okr-last">{self.last_checkin(info)}</td></tr>'
            )
        return ('<div class="okr-table-wrap"><table class="okr-table okr-krs"><thead><tr>'
                + "<th>Key result</th><th>Baseline → current → target</th><th>Progress</th><th>Trend</th>"
                  "<th>Confidence</th><th>Status</th><th>Last check-in</th></tr></thead><tbody>"
                + "".join(rows) + "</tbody></table></div>")

    def units_table(self, here: str, slugs: list[str], cycle: Cycle, depth_of: Optional[dict[str, int]] = None) -> str:
        rows = []
        for slug in slugs:
            uc = self.v.unit_cycle(slug, cycle.id)
            indent = (depth_of or {}).get(slug, 0)
            name = self.unit_link(here, slug, cycle.id)
            kind = f' <span class="okr-muted">{esc(uc.unit.kind)}</span>' if uc.unit.kind else ""
            counts = self._subtree_statuses(slug, cycle)
            rows.append(f'<tr><td class="okr-indent-{min(indent, 4)}">{name}{kind}</td>'
                        f'<td>{bar(uc.rollup, self._expected(cycle))}</td>'
                        f"<td>{self.status_chips(counts)}</td></tr>")
        return ('<div class="okr-table-wrap"><table class="okr-table"><thead><tr><th>Unit</th><th>Score (with the units below)</th>'
                "<th>Key results</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table></div>")

    def _expected(self, cycle: Cycle) -> Optional[float]:
        if not (cycle.start <= self.v.today <= cycle.end):
            return None
        return round(cycle.elapsed(self.v.today), 2)

    def _subtree_statuses(self, slug: str, cycle: Cycle) -> dict[str, int]:
        key = (slug, cycle.id)
        cache = self.__dict__.setdefault("_subtree_cache", {})
        if key not in cache:
            counts: dict[str, int] = dict(self.v.unit_cycle(slug, cycle.id).statuses)
            for child in self.org.units[slug].children:
                for s, n in self._subtree_statuses(child, cycle).items():
                    counts[s] = counts.get(s, 0) + n
            cache[key] = counts
        return cache[key]

    def breadcrumbs(self, here: str, unit: Unit, cycle: Cycle) -> str:
        chain = list(reversed(self.org.ancestors(unit.slug)))
        items = [link(self.link.rel(here, ""), "Home")]
        items += [self.unit_link(here, s, cycle.id) for s in chain if s in self.org.units]
        return '<nav class="okr-crumbs" aria-label="Breadcrumbs" data-search-exclude>' + " › ".join(items) + "</nav>"

    # -- home -----------------------------------------------------------------------------
    def home_page(self) -> GeneratedPage:
        here = ""
        v = self.v
        cfg = self.org.config
        title = cfg.site.get("title") or f"{cfg.organisation} OKRs"
        parts = [f'<h1 class="okr-title">{esc(title)}</h1>']
        if cfg.site.get("description"):
            parts.append(f'<p class="okr-lead">{esc(cfg.site["description"])}</p>')
        cycle = v.current
        if cycle is None:
            parts.append("<p>No cycles yet: add one to okrs/okrops.yaml.</p>")
            return GeneratedPage("", "Home", "\n".join(parts), "home", hide=("toc", "navigation"))
        score = v.org_score(cycle)
        krs = [k for k in v.krs.values() if k.objective.cycle == cycle.id]
        statuses: dict[str, int] = {}
        for k in krs:
            statuses[k.score.status] = statuses.get(k.score.status, 0) + 1
        confs = [k.kr.confidence for k in krs if k.kr.confidence is not None]
        stale = v.stale(cycle)
        attention = v.attention(cycle)
        parts.append(f'<p class="okr-cycle-line">{self.cycle_line(cycle)}</p>')
        parts.append('<div class="okr-cards">')
        parts.append(f'<div class="okr-card okr-card--score"><div class="okr-card__label">Organisation score</div>'
                     f'<div class="okr-card__value">{percent(score)}</div>{bar(score, self._expected(cycle), "score")}'
                     f'<div class="okr-muted">expected by now: {percent(self._expected(cycle))}</div></div>')
        parts.append(f'<div class="okr-card"><div class="okr-card__label">Key results</div>'
                     f'<div class="okr-card__value">{len(krs)}</div>{self.status_chips(statuses)}</div>')
        mean_conf = round(sum(confs) / len(confs), 2) if confs else None
        parts.append(f'<div class="okr-card"><div class="okr-card__label">Mean confidence</div>'
                     f'<div class="okr-card__value">{"–" if mean_conf is None else f"{mean_conf:.2f}"}</div>'
                     f'<div class="okr-muted">how sure teams are of reaching their targets</div></div>')
        parts.append(f'<div class="okr-card"><div class="okr-card__label">Needs attention</div>'
                     f'<div class="okr-card__value">{len(attention)}</div>'
                     f'<div class="okr-muted">at risk or off track{f" · {len(stale)} stale" if stale else ""}</div></div>')
        parts.append("</div>")
        # Other running cycles (e.g. the year the quarter belongs to).
        others = [c for c in v.cycles if c.id != cycle.id and c.start <= v.today <= c.end]
        if others:
            items = ", ".join(link(self.link.rel(here, f"cycles/{c.id}"), esc(c.label)) + f" ({percent(v.org_score(c))})"
                              for c in others)
            parts.append(f'<p class="okr-muted">Also running: {items}</p>')
        # Units: the top of the tree, two levels deep.
        parts.append('<h2 id="units">Units</h2>')
        slugs, depths = [], {}
        for unit, depth in v.walk():
            if depth <= 1:
                slugs.append(unit.slug)
                depths[unit.slug] = depth
        parts.append(self.units_table(here, slugs, cycle, depths))
        parts.append(f'<p>{link(self.link.rel(here, "alignment"), "See every unit in the alignment tree →")}</p>')
        # What needs attention.
        parts.append('<h2 id="attention">Needs attention</h2>')
        if attention:
            parts.append(f"<p>{len(attention)} key result{'s' if len(attention) != 1 else ''} at risk or off track"
                         f"{f', the {ATTENTION_LIMIT} furthest behind first' if len(attention) > ATTENTION_LIMIT else ''}.</p>")
            parts.append(self.kr_table(here, attention[:ATTENTION_LIMIT], show_unit=True))
        else:
            parts.append("<p>Nothing is at risk or off track.</p>")
        if stale:
            parts.append('<h3 id="stale">Stale key results</h3>')
            parts.append(f"<p>No check-in for more than {cfg.cadence_days} days"
                         f"{f'; the {ATTENTION_LIMIT} oldest first' if len(stale) > ATTENTION_LIMIT else ''}.</p>")
            parts.append(self.kr_table(here, stale[:ATTENTION_LIMIT], show_unit=True))
        # Recent activity.
        parts.append('<h2 id="activity">Recent check-ins</h2>')
        recent = list(reversed(v.history[-HOME_ACTIVITY:]))
        if recent:
            parts.append(self.checkin_rows(here, recent, show_kr=True))
            parts.append(f'<p>{link(self.link.rel(here, "activity"), "All recent activity →")}</p>')
        else:
            parts.append('<p class="okr-muted">No check-ins recorded yet.</p>')
        return GeneratedPage("", "Home", "\n".join(parts), "home", hide=("toc", "navigation"))

    # -- strategy ---------------------------------------------------------------------------
    def strategy_page(self) -> GeneratedPage:
        here = "strategy"
        v = self.v
        s = self.org.strategy
        parts = ['<h1>Strategy</h1>']
        if s.vision:
            parts.append(f'<div class="okr-card okr-card--wide"><div class="okr-card__label">Vision</div><p class="okr-lead">{esc(s.vision)}</p></div>')
        if s.mission:
            parts.append(f'<div class="okr-card okr-card--wide"><div class="okr-card__label">Mission</div><p class="okr-lead">{esc(s.mission)}</p></div>')
        running = [c for c in v.cycles if c.start <= v.today <= c.end] or ([v.current] if v.current else [])
        direct: dict[str, list[Objective]] = {sid: [] for sid in s.strategies}
        inherited: dict[str, list[Objective]] = {sid: [] for sid in s.strategies}
        unaligned: list[Objective] = []
        for unit, _d in v.walk():
            for cycle in running:
                for objective in self.org.objectives_of(unit.slug, cycle.id):
                    found = v.effective_strategies(objective)
                    known = [(sid, d) for sid, d in found if sid in s.strategies]
                    if not known:
                        unaligned.append(objective)
                    for sid, is_direct in known:
                        (direct if is_direct else inherited)[sid].append(objective)
        if running:
            parts.append(f'<p class="okr-muted">Objectives of the running cycles: {", ".join(esc(c.label) for c in running)}.</p>')
        for sid, strategy in s.strategies.items():
            horizon = ""
            if strategy.horizon_from:
                horizon = f' <span class="okr-badge">{strategy.horizon_from}–{strategy.horizon_to}</span>'
            parts.append(f'<section class="okr-objective" id="{esc(anchor_id("s", sid))}">'
                         f'<h2>{esc(strategy.title)}{horizon}</h2>')
            if strategy.description:
                parts.append(f"<p>{esc(strategy.description)}</p>")
            served = direct[sid]
            if served:
                items = "".join(f"<li>{self.objective_link(here, o)} {self._score_inline(o)}</li>" for o in served)
                parts.append(f"<h3>Objectives serving it directly ({len(served)})</h3><ul class=\"okr-list\">{items}</ul>")
            else:
                parts.append('<p class="okr-muted">No objective names this strategy directly.</p>')
            via = inherited[sid]
            if via:
                shown = via[:STRATEGY_INHERITED_LIMIT]
                items = "".join(f"<li>{self.objective_link(here, o)} {self._score_inline(o)}</li>" for o in shown)
                more = f"<li class=\"okr-muted\">… and {len(via) - len(shown)} more</li>" if len(via) > len(shown) else ""
                parts.append(f"<details><summary>{len(via)} more objective{'s' if len(via) != 1 else ''} serve it through "
                             f"the objectives they align to</summary><ul class=\"okr-list\">{items}{more}</ul></details>")
            parts.append("</section>")
        if unaligned:
            shown = unaligned[:STRATEGY_INHERITED_LIMIT]
            items = "".join(f"<li>{self.objective_link(here, o)}</li>" for o in shown)
            parts.append(f'<h2 id="unaligned">Not linked to a strategy ({len(unaligned)})</h2><ul class="okr-list">{items}</ul>')
        return GeneratedPage(here, "Strategy", "\n".join(parts), "strategy")

    def _score_inline(self, objective: Objective) -> str:
        scored = self.v.objective_scores[objective.ref]
        return f'<span class="okr-muted">· {percent(scored.score)}</span> {status_badge(scored.status)}'

    # -- alignment tree -------------------------------------------------------------------------
    def alignment_page(self) -> GeneratedPage:
        here = "alignment"
        v = self.v
        parts = ["<h1>Alignment</h1>",
                 "<p>Every unit from the company down, with its score this cycle (its own objectives and those of the "
                 "units below it) and the objectives it is working on. Open a unit to see the units below it.</p>"]
        if v.current is None:
            return GeneratedPage(here, "Alignment", "\n".join(parts), "alignment")
        parts.append('<div class="okr-tree">')
        stack: list[tuple[int, str]] = []  # (depth, closing HTML) of the units whose body is open
        for unit, depth in v.walk():
            while stack and stack[-1][0] >= depth:
                parts.append(stack.pop()[1])
            cycle = self.home.get(unit.slug, v.current)
            uc = v.unit_cycle(unit.slug, cycle.id)
            kind = f'<span class="okr-muted">{esc(unit.kind)}</span>' if unit.kind else ""
            other = f' <span class="okr-badge">{esc(cycle.label)}</span>' if cycle.id != v.current.id else ""
            row = (f'<div class="okr-tree__row"><span class="okr-tree__name">{self.unit_link(here, unit.slug, cycle.id)}</span> '
                   f'{kind}{other}<span class="okr-tree__bar">{bar(uc.rollup, self._expected(cycle), "score")}</span></div>')
            children = len(unit.children)
            parts.append(f'<div class="okr-tree__unit" id="{esc(anchor_id("u", unit.slug))}">{row}')
            if not uc.objectives and not children:
                parts.append("</div>")
                continue
            counts = []
            if uc.objectives:
                counts.append(f"{len(uc.objectives)} objective{'s' if len(uc.objectives) != 1 else ''}")
            if children:
                counts.append(f"{children} unit{'s' if children != 1 else ''} below")
            is_open = " open" if depth < 1 else ""
            parts.append(f'<details class="okr-tree__more"{is_open}><summary>{" · ".join(counts)}</summary><div class="okr-tree__body">')
            if uc.objectives:
                items = []
                for objective, scored in uc.objectives:
                    parent = ""
                    if objective.parent:
                        p = v.parent_objective(objective)
                        parent = (f' <span class="okr-muted">↑ {esc(self.org.units[p.unit].name)} {esc(p.id)}</span>' if p
                                  else ' <span class="okr-muted">↑ <span class="okr-private">(private)</span></span>')
                    items.append(f'<li>{link(self.objective_href(here, objective), esc(objective.title))} '
                                 f'<span class="okr-muted">· {percent(scored.score)}</span>{parent}</li>')
                parts.append('<ul class="okr-tree__objectives">' + "".join(items) + "</ul>")
            stack.append((depth, "</div></details></div>"))
        while stack:
            parts.append(stack.pop()[1])
        parts.append("</div>")
        return GeneratedPage(here, "Alignment", "\n".join(parts), "alignment")

    # -- activity -------------------------------------------------------------------------------
    def activity_page(self) -> GeneratedPage:
        here = "activity"
        recent = list(reversed(self.v.history[-ACTIVITY_LIMIT:]))
        parts = ["<h1>Recent activity</h1>"]
        if not recent:
            parts.append('<p class="okr-muted">No check-ins recorded yet. Check-ins are commits made with '
                         "<code>okrops checkin</code>; they appear here once they are in the repository's history.</p>")
            return GeneratedPage(here, "Activity", "\n".join(parts), "activity")
        parts.append(f"<p>The latest {len(recent)} check-ins, newest first.</p>")
        by_day: dict[date, list[CheckIn]] = {}
        for c in recent:
            by_day.setdefault(c.day, []).append(c)
        for day, items in by_day.items():
            parts.append(f'<h2 id="d-{day.isoformat()}">{day:%A, %B %-d, %Y}</h2>')
            parts.append(self.checkin_rows(here, items, show_kr=True))
        return GeneratedPage(here, "Activity", "\n".join(parts), "activity")

    # -- cycles ---------------------------------------------------------------------------------
    def cycles_page(self) -> GeneratedPage:
        here = "cycles"
        v = self.v
        parts = ["<h1>Cycles</h1>", "<p>Every cycle with OKRs, newest first, and how the organisation scored.</p>"]
        rows = []
        for cycle in sorted(v.cycles, key=lambda c: (c.start, c.days), reverse=True):
            state = ("running" if cycle.start <= v.today <= cycle.end else "past" if cycle.end < v.today else "upcoming")
            count = sum(1 for o in self.org.objectives.values() if o.cycle == cycle.id)
            rows.append(f"<tr><td>{link(self.link.rel(here, f'cycles/{cycle.id}'), esc(cycle.label))}</td>"
                        f"<td>{cycle.start.isoformat()} – {cycle.end.isoformat()}</td><td>{badge(state, state)}</td>"
                        f"<td>{count}</td><td>{bar(v.org_score(cycle), None, 'score')}</td></tr>")
        parts.append('<div class="okr-table-wrap"><table class="okr-table"><thead><tr><th>Cycle</th><th>Dates</th><th>State</th>'
                     "<th>Objectives</th><th>Score</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table></div>")
        return GeneratedPage(here, "Cycles", "\n".join(parts), "cycles")

    def cycle_page(self, cycle: Cycle) -> GeneratedPage:
        here = f"cycles/{cycle.id}"
        v = self.v
        parts = [f"<h1>{esc(cycle.label)}</h1>", f'<p class="okr-cycle-line">{self.cycle_line(cycle)}</p>',
                 f'<p>Organisation score: <strong>{percent(v.org_score(cycle))}</strong></p>']
        slugs, depths = [], {}
        for unit, depth in v.walk():
            if (unit.slug, cycle.id) in self.org.cycle_files or any(
                    (u.slug, cycle.id) in self.org.cycle_files for u, _ in self.org.walk(unit.slug)):
                slugs.append(unit.slug)
                depths[unit.slug] = depth
        if slugs:
            parts.append(self.units_table(here, slugs, cycle, depths))
        else:
            parts.append('<p class="okr-muted">No unit has OKRs in this cycle.</p>')
        return GeneratedPage(here, cycle.label, "\n".join(parts), "cycle")

    # -- unit -----------------------------------------------------------------------------------
    def unit_index_page(self, unit: Unit) -> GeneratedPage:
        """units/<slug>/: a stable address for a unit, listing its cycles (the current one first)."""
        here = f"units/{unit.slug}"
        home = self.home.get(unit.slug)
        cycles = sorted(self.unit_cycles.get(unit.slug, []), key=lambda c: (c.start, c.days), reverse=True)
        if home is not None:
            cycles = [home] + [c for c in cycles if c.id != home.id]
        parts = [self.breadcrumbs(here, unit, home or cycles[0])]
        kind = f" {badge(unit.kind)}" if unit.kind else ""
        parts.append(f"<h1>{esc(unit.name)}{kind}</h1>")
        if unit.description:
            parts.append(f'<p class="okr-lead">{esc(unit.description)}</p>')
        items = []
        for c in cycles:
            note = ' <span class="okr-muted">· current</span>' if home is not None and c.id == home.id else ""
            items.append(f"<li>{link(self.link.rel(here, self.unit_dir(unit.slug, c.id)), esc(c.label))}{note}</li>")
        parts.append("<h2>OKRs by cycle</h2>")
        parts.append("<ul>" + "".join(items) + "</ul>")
        return GeneratedPage(here, unit.name, "\n".join(parts), "unit")

    def unit_page(self, unit: Unit, cycle: Cycle) -> GeneratedPage:
        here = self.unit_dir(unit.slug, cycle.id)
        v = self.v
        uc = v.unit_cycle(unit.slug, cycle.id)
        parts = [self.breadcrumbs(here, unit, cycle)]
        kind = f" {badge(unit.kind)}" if unit.kind else ""
        parts.append(f'<h1>{esc(unit.name)}{kind}</h1>')
        if unit.description:
            parts.append(f'<p class="okr-lead">{esc(unit.description)}</p>')
        # Cycle switcher.
        cycles = self.unit_cycles.get(unit.slug, [])
        if len(cycles) > 1:
            tabs = []
            for c in sorted(cycles, key=lambda c: (c.start, c.days), reverse=True):
                if c.id == cycle.id:
                    tabs.append(f'<span class="okr-tab okr-tab--active" aria-current="page">{esc(c.label)}</span>')
                else:
                    tabs.append(link(self.link.rel(here, self.unit_dir(unit.slug, c.id)), esc(c.label), "okr-tab"))
            parts.append('<nav class="okr-tabs" aria-label="Cycles">' + "".join(tabs) + "</nav>")
        parts.append(f'<p class="okr-cycle-line">{self.cycle_line(cycle)}</p>')
        parts.append('<div class="okr-cards">')
        parts.append(f'<div class="okr-card okr-card--score"><div class="okr-card__label">Score</div>'
                     f'<div class="okr-card__value">{percent(uc.score)}</div>{bar(uc.score, self._expected(cycle), "score")}</div>')
        if unit.children:
            parts.append(f'<div class="okr-card"><div class="okr-card__label">With the units below</div>'
                         f'<div class="okr-card__value">{percent(uc.rollup)}</div>{bar(uc.rollup, self._expected(cycle), "score")}</div>')
        parts.append(f'<div class="okr-card"><div class="okr-card__label">Key results</div>'
                     f'<div class="okr-card__value">{sum(uc.statuses.values())}</div>{self.status_chips(uc.statuses)}</div>')
        if unit.maintainers:
            parts.append(f'<div class="okr-card"><div class="okr-card__label">Maintainers</div>'
                         f'<p>{", ".join(esc(m) for m in unit.maintainers)}</p></div>')
        parts.append("</div>")
        # Objectives.
        if not uc.objectives:
            parts.append(f'<p class="okr-muted">{esc(unit.name)} has no public OKRs in {esc(cycle.label)}.</p>')
        for objective, scored in uc.objectives:
            parts.append(self.objective_section(here, objective, scored))
        # Initiatives.
        cycle_file = self.org.cycle_files.get((unit.slug, cycle.id))
        if cycle_file and cycle_file.initiatives:
            parts.append('<h2 id="initiatives">Initiatives</h2>')
            for initiative in cycle_file.initiatives:
                parts.append(self.initiative_section(here, initiative))
        # KPIs.
        if unit.kpis:
            parts.append('<h2 id="kpis">KPIs</h2>')
            rows = []
            for kpi in unit.kpis:
                bands = []
                if kpi.healthy:
                    bands.append("healthy " + _band_text(kpi.healthy.min, kpi.healthy.max, kpi.measure_unit))
                if kpi.warning:
                    bands.append("warning " + _band_text(kpi.warning.min, kpi.warning.max, kpi.measure_unit))
                health = kpi.health
                rows.append(f"<tr><td>{esc(kpi.title)}</td><td class=\"okr-num\"><strong>{number(kpi.current, kpi.measure_unit)}</strong></td>"
                            f"<td>{'<br>'.join(bands) or '–'}</td><td><span class=\"okr-health okr-health--{health}\">{health}</span></td>"
                            f"<td class=\"okr-muted\">{esc(kpi.data_source)}</td></tr>")
            parts.append('<div class="okr-table-wrap"><table class="okr-table"><thead><tr><th>KPI</th><th>Current</th><th>Thresholds</th>'
                         "<th>Health</th><th>Source</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table></div>")
        # Units below.
        children = [c for c in unit.children if c in self.org.units]
        if children:
            parts.append('<h2 id="units-below">Units below</h2>')
            children.sort(key=lambda s: self.org.units[s].folder)
            parts.append(self.units_table(here, children, cycle))
        if self.repo_url:
            source = cycle_file.source.file if cycle_file else unit.source.file
            parts.append(f'<p class="okr-muted okr-source">Source: <a href="{self.repo_url}/blob/HEAD/{esc(source)}">'
                         f"<code>{esc(source)}</code></a> · propose a change with a pull request.</p>")
        return GeneratedPage(here, f"{unit.name} · {cycle.label}", "\n".join(parts), "unit")

    def objective_section(self, here: str, objective: Objective, scored) -> str:
        v = self.v
        type_badge = badge(objective.type, "aspirational" if objective.aspirational else "committed")
        out = [f'<section class="okr-objective" id="{esc(anchor_id(objective.id))}">',
               f'<div class="okr-objective__head"><h2><span class="okr-id">{esc(objective.id)}</span> {esc(objective.title)}</h2>'
               f'<div class="okr-objective__score">{type_badge} {status_badge(scored.status)}'
               f'{bar(scored.score, scored.expected, "score")}</div></div>']
        if objective.why:
            out.append(f'<p class="okr-why"><strong>Why:</strong> {esc(objective.why)}</p>')
        meta = []
        if objective.parent:
            meta.append(f"<li><strong>Contributes to:</strong> {self.ref_link(here, objective.parent)}</li>")
        strategies = [(sid, d) for sid, d in v.effective_strategies(objective) if sid in self.org.strategy.strategies]
        if strategies:
            items = ", ".join(
                link(self.link.rel(here, "strategy", anchor_id("s", sid)), esc(self.org.strategy.strategies[sid].title))
                + ("" if direct else ' <span class="okr-muted">(through its parent)</span>')
                for sid, direct in strategies)
            meta.append(f"<li><strong>Strategy:</strong> {items}</li>")
        if objective.owner and objective.owner != objective.unit:
            if objective.owner in self.org.units:
                owner = self.unit_link(here, objective.owner, objective.cycle)
            elif looks_like_person(objective.owner):
                owner = esc(objective.owner)
            else:  # a private unit, one that cannot be read, or a name okrops cannot tell apart from one
                owner = '<span class="okr-private">(private)</span>'
            meta.append(f"<li><strong>Owner:</strong> {owner}</li>")
        children = v.children_of.get(objective.ref, [])
        if children:
            items = "".join(f"<li>{self.objective_link(here, c)} {self._score_inline(c)}</li>" for c in children)
            meta.append(f"<li><details><summary><strong>Supported by {len(children)} objective{'s' if len(children) != 1 else ''}</strong>"
                        f"</summary><ul class=\"okr-list\">{items}</ul></details></li>")
        if meta:
            out.append('<ul class="okr-meta">' + "".join(meta) + "</ul>")
        infos = [v.krs[kr.ref] for kr in objective.key_results]
        if infos:
            out.append(self.kr_table(here, infos))
        if objective.reflection:
            r = objective.reflection
            score = f" · final score <strong>{percent(r.score)}</strong>" if r.score is not None else ""
            learn = f"<p>{esc(r.learnings)}</p>" if r.learnings else ""
            out.append(f'<div class="okr-reflection"><strong>Reflection:</strong> {badge(r.decision, "decision")}{score}{learn}</div>')
        out.append("</section>")
        return "\n".join(out)

    def initiative_section(self, here: str, initiative: Initiative) -> str:
        out = [f'<section class="okr-initiative" id="{esc(anchor_id(initiative.id))}">'
               f'<h3><span class="okr-id">{esc(initiative.id)}</span> {esc(initiative.title)}</h3>']
        if initiative.description:
            out.append(f"<p>{esc(initiative.description)}</p>")
        if initiative.key_results:
            items = "".join(f"<li>{self.ref_link(here, ref)}</li>" for ref in initiative.key_results)
            out.append(f'<p class="okr-muted">Moves:</p><ul class="okr-list">{items}</ul>')
        if initiative.milestones:
            items = []
            for m in sorted(initiative.milestones, key=lambda m: m.due):
                late = not m.done and m.due < self.v.today
                mark = "✓" if m.done else "✗" if late else "○"
                state = "done" if m.done else "late" if late else "open"
                items.append(f'<li class="okr-milestone okr-milestone--{state}"><span aria-hidden="true">{mark}</span> '
                             f'{esc(m.title)} <span class="okr-muted">due {m.due.isoformat()} · {state}</span></li>')
            out.append('<ul class="okr-milestones">' + "".join(items) + "</ul>")
        if initiative.links:
            items = []
            for url in initiative.links:
                href = safe_url(url)
                items.append(f'<li><a href="{href}" rel="noopener">{esc(url)}</a></li>' if href else f"<li>{esc(url)}</li>")
            out.append('<p class="okr-muted">Backlog:</p><ul class="okr-list">' + "".join(items) + "</ul>")
        out.append("</section>")
        return "\n".join(out)

    # -- key result ------------------------------------------------------------------------------
    def kr_page(self, info: KrInfo) -> GeneratedPage:
        kr, objective = info.kr, info.objective
        here = self.kr_dir(kr.ref)
        unit = self.org.units[objective.unit]
        cycle = self.org.config.cycles[objective.cycle]
        parts = [self.breadcrumbs(here, unit, cycle).replace("</nav>", " › " + self.unit_link(here, unit.slug, cycle.id)
                                                              + " › " + link(self.objective_href(here, objective), esc(objective.id)) + "</nav>")]
        parts.append(f'<h1><span class="okr-id">{esc(objective.id)}/{esc(kr.id)}</span> {esc(kr.title)}</h1>')
        parts.append(f'<p class="okr-muted">Key result of {link(self.objective_href(here, objective), esc(objective.title))} · '
                     f"{esc(unit.name)} · {esc(cycle.label)}</p>")
        s = info.score
        parts.append('<div class="okr-cards">')
        parts.append(f'<div class="okr-card okr-card--score"><div class="okr-card__label">Progress</div>'
                     f'<div class="okr-card__value">{percent(s.progress)}</div>{bar(s.progress, s.expected)}'
                     f'<div>{status_badge(s.status)}</div></div>')
        parts.append(f'<div class="okr-card"><div class="okr-card__label">Baseline → current → target</div>'
                     f'<div class="okr-card__value okr-card__value--small">{self.kr_numbers(info)}</div></div>')
        parts.append(f'<div class="okr-card"><div class="okr-card__label">Confidence</div>'
                     f'<div class="okr-card__value">{confidence(kr.confidence)}</div></div>')
        parts.append(f'<div class="okr-card"><div class="okr-card__label">Last check-in</div><div>{self.last_checkin(info)}</div></div>')
        parts.append("</div>")
        parts.append('<h2 id="history">History</h2>')
        parts.append(f'<figure class="okr-figure" data-search-exclude>{charts.history_chart(self.chart_spec(info))}'
                     '<figcaption><span class="okr-key okr-key--value"></span> value '
                     '<span class="okr-key okr-key--target"></span> target '
                     '<span class="okr-key okr-key--expected"></span> expected progress</figcaption></figure>')
        details = []
        if kr.metric:
            details.append(f"<li><strong>Metric:</strong> {esc(kr.metric)}</li>")
        if kr.data_source:
            details.append(f"<li><strong>Data source:</strong> {esc(kr.data_source)}</li>")
        details.append(f"<li><strong>Direction:</strong> {esc(kr.direction)}</li>")
        if kr.weight != 1.0:
            details.append(f"<li><strong>Weight:</strong> {number(kr.weight)}</li>")
        moved_by = self.initiatives_of.get(kr.ref, [])
        if moved_by:
            items = ", ".join(link(self.link.rel(here, self.unit_dir(i.ref.split("/")[0], i.ref.split("/")[1]), anchor_id(i.id)),
                                   esc(i.title)) for i in moved_by)
            details.append(f"<li><strong>Initiatives:</strong> {items}</li>")
        parts.append('<ul class="okr-meta">' + "".join(details) + "</ul>")
        parts.append('<h2 id="checkins">Check-ins</h2>')
        rows = self.checkin_rows(here, list(reversed(info.history)))
        parts.append(rows or '<p class="okr-muted">No check-ins recorded yet.</p>')
        return GeneratedPage(here, f"{kr.title}", "\n".join(parts), "kr")


def _band_text(low: Optional[float], high: Optional[float], measure: str) -> str:
    if low is not None and high is not None:
        return f"{number(low)} – {number(high, measure)}"
    if low is not None:
        return f"≥ {number(low, measure)}"
    return f"≤ {number(high, measure)}"
