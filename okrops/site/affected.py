"""Which units' pages a change can touch: a digest per unit of what any page shows of it, and who shows it.

While serving (:mod:`okrops.site.incremental`), a rebuild makes the Markdown of only the pages a
change can affect; the other pages keep the previous build's output, unread. The pages of the site
are of two sorts (:meth:`okrops.site.pages.Site.sources`):

* the organisation-wide pages (home, strategy, alignment and its maps, activity, health, the
  weekly digests, the reviews, the cycles and units lists, each cycle's page): a few dozen, made
  on every build;
* each unit's pages: its landing page, a page per cycle, a page per key result. They show the
  unit's own data and some data of a few other units, its *neighbours*.

A :class:`State` holds, for one build:

* ``whole``: a digest of everything that is not one unit's (the day, okrops.yaml as read, the
  strategy, the public units' names and places in the tree, which units have which cycles, which
  objectives are public, the templates, the link style); when it differs, every page is made again;
* ``units``: per public unit, a digest of every value of that unit any page can show: its unit and
  cycle files as read (the public part), the units above it (what it inherits from them: the
  scoring style, the check-in cadence), its scores, roll-ups, the status counts of its whole
  subtree, each objective's aligned score, the count below it and its strategies (inherited ones
  too), each key result's check-ins, staleness, target changes, evidence and collected value,
  its KPIs' check-ins, the key results shared with it and the dependencies touching it;
* ``neighbours``: per unit, the units whose pages show some of its data or whose data its pages
  show (parent and children, the units of its objectives' parents and children, of the key
  results it shares or that are shared with it, of its dependencies, of the key results its
  initiatives move and of the objectives it owns), made symmetric.

A value a page shows that is derived from other units (a roll-up, the subtree's counts, an aligned
score, an inherited strategy) is part of the digest of the unit that shows it as its own, so a
change far away changes, step by step, the digest of every unit whose shown values it changes.
The units whose pages are made again are the changed units and their neighbours, in the previous
build's graph and in this one (a link removed still changes the page it was on).
Any value that cannot be digested (no pickle) makes every page be made again.
"""

from __future__ import annotations

import hashlib
import pickle
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Optional

if TYPE_CHECKING:  # pragma: no cover
    from okrops.site.pages import Site


class Undigestible(Exception):
    """A value that cannot be pickled: the change cannot be bounded."""


@dataclass
class State:
    whole: bytes
    units: dict[str, bytes]
    neighbours: dict[str, set[str]]


def _digest(value: Any) -> bytes:
    try:
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError, RecursionError) as error:
        raise Undigestible(str(error)) from None
    return hashlib.blake2b(data, digest_size=16).digest()


def state(site: "Site", salt: bytes = b"") -> Optional[State]:
    """The state of ``site``'s inputs (``salt``: what else every page depends on); None when it cannot be told."""
    try:
        return State(_whole(site, salt), {unit.slug: _unit(site, unit.slug) for unit, _d in site.v.walk()},
                     neighbours(site))
    except Undigestible:
        return None


def affected_units(previous: Optional[State], current: Optional[State]) -> Optional[set[str]]:
    """The units whose pages may differ from the previous build's; None: every page."""
    if previous is None or current is None or previous.whole != current.whole:
        return None
    if previous.units.keys() != current.units.keys():
        return None
    changed = {slug for slug, value in current.units.items() if previous.units.get(slug) != value}
    found = set(changed)
    for slug in changed:
        found |= previous.neighbours.get(slug, set()) | current.neighbours.get(slug, set())
    return found


def _whole(site: "Site", salt: bytes) -> bytes:
    v, org = site.v, site.org
    units = [(u.slug, u.name, u.kind, u.parent, tuple(u.children), u.folder, depth) for u, depth in v.walk()]
    return _digest((
        salt, v.today, v.current.id if v.current else None, [c.id for c in v.cycles], v.known_history,
        org.config, org.strategy, units, sorted(org.cycle_files), sorted(org.objectives),
        sorted(org.key_results), {s: [c.id for c in cs] for s, cs in site.unit_cycles.items()},
        {s: c.id for s, c in site.home.items()}, site.repo_url, site.link.use_directory_urls, site.weeks,
        dict(org.tagged_cycles), list(getattr(v.full, "included", []) or []),
    ))


def _unit(site: "Site", slug: str) -> bytes:
    """A digest of every value of unit ``slug`` a page can show."""
    v, org = site.v, site.org
    unit = org.units[slug]
    files = {key: cf for key, cf in org.cycle_files.items() if key[0] == slug}
    standing = []
    for cycle in v.cycles:
        if (slug, cycle.id) in v._unit_cycles:
            standing.append((cycle.id, v.unit_cycle(slug, cycle.id), site.subtree_statuses(slug, cycle)))
    objectives, krs, initiatives = [], [], []
    for cycle_file in files.values():
        for objective in cycle_file.objectives:
            objectives.append((objective.ref, v.objective_scores.get(objective.ref), v.aligned(objective),
                               v.rollups.count_below(objective.ref), v.effective_strategies(objective),
                               [c.ref for c in v.children_of.get(objective.ref, [])]))
            for kr in objective.key_results:
                info = v.krs[kr.ref]
                krs.append((info, v.is_stale(info), v.collected(kr.ref, info.last), site.record.changes.get(kr.ref),
                            site.record.evidence_rows(kr.ref), [i.ref for i in site.initiatives_of.get(kr.ref, [])]))
        for initiative in cycle_file.initiatives:
            initiatives.append(site.record.evidence_rows(initiative.ref))
    kpis = []
    for kpi in unit.kpis:
        checkins = v.kpi_history.get(kpi.ref, [])
        kpis.append((checkins, v.kpi_stale(kpi.ref) if checkins else None,
                     v.collected(kpi.ref, checkins[-1] if checkins else None)))
    shared = [(ref, v.krs[ref].kr.contributors) for ref in v.shared_with.get(slug, []) if ref in v.krs]
    deps = [(edge, confirmed) for edge, confirmed in v.dependencies
            if slug in (edge.dependent.split("/", 1)[0], edge.provider.split("/", 1)[0])]
    above = [org.units[slug] for slug in org.ancestors(slug) if slug in org.units]  # settings it inherits
    return _digest((unit, above, files, standing, objectives, krs, initiatives, kpis, shared, deps))


def _unit_of(ref: Optional[str]) -> Optional[str]:
    return ref.split("/", 1)[0] if ref else None


def neighbours(site: "Site") -> dict[str, set[str]]:
    """unit -> the units whose pages show some of its data, or whose data its pages show (symmetric)."""
    v, org = site.v, site.org
    found: dict[str, set[str]] = {}

    def link(one: Optional[str], other: Optional[str]) -> None:
        if one and other and one != other:
            found.setdefault(one, set()).add(other)
            found.setdefault(other, set()).add(one)

    for unit in org.units.values():
        link(unit.slug, unit.parent)
        for child in unit.children:
            link(unit.slug, child)
    for objective in org.objectives.values():
        here = objective.unit
        for ref in objective.parent_refs:
            link(here, _unit_of(ref))
        if objective.owner:
            link(here, objective.owner)
        for child in v.children_of.get(objective.ref, []):
            link(here, child.unit)
        for kr in objective.key_results:
            for contributor in kr.contributors:
                link(here, contributor)
    for edge, _confirmed in v.dependencies:
        link(_unit_of(edge.dependent), _unit_of(edge.provider))
    for (slug, _cycle), cycle_file in org.cycle_files.items():
        for initiative in cycle_file.initiatives:
            for ref in initiative.key_results:
                link(slug, _unit_of(ref))
    return found
