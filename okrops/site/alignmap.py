"""The alignment map: units and their objectives drawn as an SVG at build time.

Each map is a column of units (indented by depth), each with its objectives as boxes coloured by
status, and lines from every objective up to each of its parents on the same map (several where
there are several). Shared key results and dependencies are marked on the boxes; dependencies
between two objectives on the map are drawn as dashed lines (red while unconfirmed). The SVG is
plain markup with links, so it needs no JavaScript and scales to the width of a phone.

It stays usable at 1,000 units by splitting: the organisation map shows the top two levels (or
every unit in a small organisation), and each department with units below it has a map of its
own, linked from the organisation map and from the department's box. Everything drawn comes from
the public view: a private unit or objective is never a box, a line or a marker.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Optional

from okrops import alignment
from okrops.model import Objective, Unit
from okrops.site import viewmodels as vm

if TYPE_CHECKING:
    from okrops.site.pages import GeneratedPage, Site

WIDTH = 660
BOX_W, BOX_H, GAP, INDENT, LABEL_H, PAD = 150, 44, 10, 14, 24, 8
SMALL_ORGANISATION = 40  # units: up to this many, the organisation map shows every unit
TITLE_CHARS = 24


@dataclass
class MapBox:
    x: int
    y: int
    href: str
    label: str  # "O1 · 62%"
    title: str  # the objective's title, shortened
    full_title: str
    status: str
    markers: str  # ⑂ several parents, ⇄ shared key results, ⛓ dependencies


@dataclass
class MapLine:
    path: str  # SVG path data
    kind: str  # parent, dependency, dependency-unconfirmed


@dataclass
class MapLabel:
    x: int
    y: int
    unit: vm.Ref
    score: Optional[float]
    submap: Optional[str] = None  # the href of this unit's own map


@dataclass
class AlignmentMap:
    title: str
    width: int
    height: int
    labels: list[MapLabel] = field(default_factory=list)
    boxes: list[MapBox] = field(default_factory=list)
    lines: list[MapLine] = field(default_factory=list)
    maps: list[vm.Ref] = field(default_factory=list)  # links to the other maps
    up: Optional[vm.Ref] = None


def map_pages(site: "Site") -> list["GeneratedPage"]:
    v = site.v
    if v.current is None:
        return []
    walked = list(v.walk())
    small = len(walked) <= SMALL_ORGANISATION
    departments = [u for u, depth in walked if depth == 1 and u.children]
    pages = []
    top = [(u, d) for u, d in walked if small or d <= 1]
    here = "map"
    page = _draw(site, here, f"{site.org.config.organisation}: alignment map", top,
                 {u.slug: f"map/{u.slug}" for u in departments})
    page.maps = [vm.Ref(u.name, site.link.rel(here, f"map/{u.slug}")) for u in departments]
    pages.append(site.page(here, "Alignment map", "map", "map.html", map=page))
    for department in departments:
        here = f"map/{department.slug}"
        units = [(u, d) for u, d in v.org.walk(department.slug)]
        page = _draw(site, here, f"{department.name}: alignment map", units, {})
        page.up = vm.Ref(f"{site.org.config.organisation}: the whole organisation", site.link.rel(here, "map"))
        pages.append(site.page(here, f"{department.name} · alignment map", "map", "map.html", map=page))
    return pages


def _draw(site: "Site", here: str, title: str, units: list[tuple[Unit, int]], submaps: dict[str, str]) -> AlignmentMap:
    v = site.v
    assert v.current is not None
    result = AlignmentMap(title, WIDTH, 0)
    where: dict[str, MapBox] = {}
    drawn: list[Objective] = []
    y = PAD
    for unit, depth in units:
        x0 = PAD + INDENT * min(depth, 6)
        cycle = site.home.get(unit.slug, v.current)
        uc = v.unit_cycle(unit.slug, cycle.id)
        submap = site.link.rel(here, submaps[unit.slug]) if unit.slug in submaps else None
        result.labels.append(MapLabel(x0, y + 16, site.unit_ref(here, unit.slug, cycle.id), uc.rollup, submap))
        y += LABEL_H
        columns = max(1, (WIDTH - x0 - PAD + GAP) // (BOX_W + GAP))
        for index, (objective, scored) in enumerate(uc.objectives):
            row, column = divmod(index, columns)
            box = MapBox(x0 + column * (BOX_W + GAP), y + row * (BOX_H + GAP), site.objective_href(here, objective),
                         f"{objective.id} · {_pct(scored.score)}", _short(objective.title), objective.title,
                         scored.status, _markers(v, objective))
            result.boxes.append(box)
            where[objective.ref] = box
            drawn.append(objective)
        rows = (len(uc.objectives) + columns - 1) // columns
        y += rows * (BOX_H + GAP) + GAP
    result.height = y + PAD
    for objective in drawn:
        for target in v.parent_objectives(objective):
            if target.ref in where:
                result.lines.append(MapLine(_curve(where[objective.ref], where[target.ref]), "parent"))
    for edge, confirmed in v.dependencies:
        own = alignment.resolve(v.org, edge.dependent)
        other = alignment.resolve(v.org, edge.provider)
        if own is not None and other is not None and own.ref in where and other.ref in where:
            result.lines.append(MapLine(_curve(where[own.ref], where[other.ref]),
                                        "dependency" if confirmed else "dependency-unconfirmed"))
    return result


def _markers(v, objective: Objective) -> str:
    marks = ""
    if len(v.parent_objectives(objective)) > 1:
        marks += "⑂"
    if any(kr.contributors for kr in objective.key_results):
        marks += "⇄"
    if any(e.dependent.startswith(objective.ref) and (e.dependent == objective.ref or e.dependent.startswith(objective.ref + "/"))
           for e, _c in v.dependencies):
        marks += "⛓"
    return marks


def _curve(child: MapBox, parent: MapBox) -> str:
    x1, y1 = child.x + BOX_W // 2, child.y
    x2, y2 = parent.x + BOX_W // 2, parent.y + BOX_H
    if y1 <= y2:  # the parent is beside or below: go round the side
        x1, y1, x2, y2 = child.x, child.y + BOX_H // 2, parent.x, parent.y + BOX_H // 2
        bend = max(2, min(x1, x2) - 3 * INDENT)
        return f"M{x1},{y1} C{bend},{y1} {bend},{y2} {x2},{y2}"
    middle = (y1 + y2) // 2
    return f"M{x1},{y1} C{x1},{middle} {x2},{middle} {x2},{y2}"


def _short(text: str) -> str:
    return text if len(text) <= TITLE_CHARS else text[: TITLE_CHARS - 1].rstrip() + "…"


def _pct(value: Optional[float]) -> str:
    return "–" if value is None else f"{value * 100:.0f}%"
