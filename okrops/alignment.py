"""The alignment graph: objectives with several parents, their shares, and roll-ups that count once.

An objective may align to several parents (objectives or key results; a key result stands for its
objective here). Each link carries a **share** of the objective's progress:

* the ``weight`` written on the link; links without a weight share equally what the weighted
  links leave (without any weight, every parent gets an equal share);
* the shares are then scaled to add up to 1, so an objective always hands out its progress
  exactly once, whatever was written (lint's ``parent-weights`` reports weights that do not add up).

**The roll-up rule.** The aligned score of an objective X is the weighted mean of X's own score
and the scores of every objective aligned below X, directly or through others. X itself weighs 1.
An objective below weighs the sum, over every path from it up to X, of the product of the shares
along the path, and never more than 1. Reached through two parents that both serve X (a diamond),
its shares add up instead of counting twice: a team objective split 0.5/0.5 between two
departments that both align fully to the company objective weighs 0.5 + 0.5 = 1 there, exactly
once. Objectives without a score (no data yet) are left out of the mean. Alignment cycles are a
validate error; here the objectives on a loop are left out, so a roll-up always ends.

Organisation and unit scores follow the unit tree, where every objective and every key result
(shared ones included) belongs to exactly one unit: each counts once.

:func:`rollups` computes every roll-up figure of an organisation on a day in one place: objective
scores, aligned scores with each objective's shares, unit scores, unit-tree roll-ups and the
organisation's score per cycle. ``okrops status`` (every format) and the site read their figures
from it, so they agree by construction.
"""

from __future__ import annotations

from datetime import date
from typing import Callable, Optional

from okrops.model import Objective, Organisation, ParentLink


def resolve(org: Organisation, ref: str) -> Optional[Objective]:
    """The objective a parent reference points at (for a key result, its objective)."""
    if ref in org.objectives:
        return org.objectives[ref]
    if ref in org.key_results:
        return org.objectives.get(org.key_results[ref].objective_ref)
    return None


def shares(objective: Objective) -> list[tuple[ParentLink, float]]:
    """Each parent link with its share of the objective's progress; the shares add up to 1."""
    links = objective.parents
    if not links:
        return []
    given = sum(link.weight for link in links if link.weight is not None)
    unweighted = [link for link in links if link.weight is None]
    rest = max(0.0, 1.0 - given) / len(unweighted) if unweighted and given else (1.0 / len(links) if unweighted else 0.0)
    raw = [(link, link.weight if link.weight is not None else rest) for link in links]
    total = sum(share for _link, share in raw)
    if total <= 0:
        return [(link, 1.0 / len(links)) for link in links]
    return [(link, share / total) for link, share in raw]


def children_index(org: Organisation, counted: Optional[Callable[[Objective], bool]] = None
                   ) -> dict[str, list[tuple[Objective, float]]]:
    """Objective reference -> the objectives aligned directly below it, each with its share.

    With ``counted``, only objectives it accepts take part (as parents and as children); a link to
    one left out keeps its share, which then counts nowhere (as on the site, where a private parent
    is not there to receive it).
    """
    below: dict[str, list[tuple[Objective, float]]] = {}
    for objective in org.objectives.values():
        if counted is not None and not counted(objective):
            continue
        combined: dict[str, float] = {}
        for link, share in shares(objective):
            target = resolve(org, link.ref)
            if target is not None and target.ref != objective.ref and (counted is None or counted(target)):
                combined[target.ref] = combined.get(target.ref, 0.0) + share
        for ref, share in combined.items():
            below.setdefault(ref, []).append((objective, share))
    return below


def weights_below(org: Organisation, top: str,
                  below: Optional[dict[str, list[tuple[Objective, float]]]] = None) -> dict[str, float]:
    """Each objective aligned below ``top`` (and ``top`` itself, 1.0) with its weight in ``top``'s roll-up."""
    below = children_index(org) if below is None else below
    reachable: set[str] = set()
    stack = [top]
    while stack:
        ref = stack.pop()
        if ref in reachable:
            continue
        reachable.add(ref)
        stack.extend(child.ref for child, _share in below.get(ref, []))
    # Kahn's order over the reachable part: a node is done once every parent in it is done.
    waiting = {ref: 0 for ref in reachable}
    for ref in reachable:
        for child, _share in below.get(ref, []):
            waiting[child.ref] += 1
    flow = {top: 1.0}
    ready = [top] if waiting[top] == 0 else []
    while ready:
        ref = ready.pop()
        for child, share in below.get(ref, []):
            flow[child.ref] = flow.get(child.ref, 0.0) + flow.get(ref, 0.0) * share
            waiting[child.ref] -= 1
            if waiting[child.ref] == 0:
                ready.append(child.ref)
    return {ref: min(1.0, weight) for ref, weight in flow.items() if waiting.get(ref, 1) == 0 or ref == top}


def aligned_score(org: Organisation, top: str, today: date,
                  below: Optional[dict[str, list[tuple[Objective, float]]]] = None) -> Optional[float]:
    """The roll-up of ``top`` over everything aligned below it (see the module's rule)."""
    from okrops.scoring import score_objective

    return _weighted_mean(weights_below(org, top, below),
                          lambda ref: score_objective(org, org.objectives[ref], today).score)


def _weighted_mean(weights: dict[str, float], score_of: Callable[[str], Optional[float]]) -> Optional[float]:
    total = weighted = 0.0
    for ref, weight in weights.items():
        value = score_of(ref)
        if value is not None and weight > 0:
            total += weight
            weighted += weight * value
    return round(weighted / total, 2) if total else None


def _mean(values: list[float]) -> Optional[float]:
    return round(sum(values) / len(values), 2) if values else None


class Rollups:
    """Every roll-up figure of an organisation on one day (see :func:`rollups`).

    Each figure is computed on first use and kept, so asking for one unit's figures scores only
    what they need, and asking for everything scores each objective once.
    """

    def __init__(self, org: Organisation, today: date, include_private: bool = True):
        self.org, self.today, self.include_private = org, today, include_private
        self._scores: dict = {}  # objective ref -> okrops.scoring.ObjectiveScore
        self._all_scored = False
        self._below: Optional[dict[str, list[tuple[Objective, float]]]] = None
        self._aligned: dict[str, Optional[float]] = {}
        self._weights: dict[str, dict[str, float]] = {}
        self._units: dict[tuple[str, str], tuple[Optional[float], Optional[float]]] = {}
        self._organisation: dict[str, Optional[float]] = {}

    def counts(self, objective: Objective) -> bool:
        """Whether the objective counts: every one, or (without private ones) what the site shows."""
        return self.include_private or not self.org.is_private_objective(objective)

    def score(self, ref: str):
        """The objective's :class:`okrops.scoring.ObjectiveScore` (its own key results only)."""
        found = self._scores.get(ref)
        if found is None:
            from okrops.scoring import score_objective

            found = self._scores[ref] = score_objective(self.org, self.org.objectives[ref], self.today)
        return found

    @property
    def objective_scores(self) -> dict:
        """Objective reference -> score, for every objective that counts."""
        if not self._all_scored:
            for objective in self.org.objectives.values():
                if self.counts(objective):
                    self.score(objective.ref)
            self._all_scored = True
        return self._scores

    @property
    def below(self) -> dict[str, list[tuple[Objective, float]]]:
        """Objective reference -> the counted objectives aligned directly below it, with their shares."""
        if self._below is None:
            self._below = children_index(self.org, self.counts)
        return self._below

    def aligned(self, ref: str) -> Optional[float]:
        """The objective's aligned score: its own and every objective aligned below it (the module's rule)."""
        if ref not in self._aligned:
            self._aligned[ref] = _weighted_mean(self.weights(ref), lambda r: self.score(r).score)
        return self._aligned[ref]

    def weights(self, ref: str) -> dict[str, float]:
        """Each counted objective in ``ref``'s aligned score (itself included, 1.0) with its weight there."""
        if ref not in self._weights:
            objective = self.org.objectives.get(ref)
            counted = objective is not None and self.counts(objective)
            self._weights[ref] = weights_below(self.org, ref, self.below) if counted else {}
        return self._weights[ref]

    def count_below(self, ref: str) -> int:
        """How many counted objectives align below ``ref``, directly or through others."""
        return max(0, len(self.weights(ref)) - 1)

    def has_below(self, ref: str) -> bool:
        """Whether any counted objective aligns to ``ref`` (its aligned score can differ from its own)."""
        return bool(self.below.get(ref))

    def parent_shares(self, objective: Objective) -> list[tuple[str, float]]:
        """(parent objective reference, share) for each counted parent; a key result stands for its objective."""
        found: dict[str, float] = {}
        for link, share in shares(objective):
            target = resolve(self.org, link.ref)
            if target is not None and target.ref != objective.ref and self.counts(target):
                found[target.ref] = round(found.get(target.ref, 0.0) + share, 4)
        return list(found.items())

    def unit_score(self, unit: str, cycle: str) -> Optional[float]:
        """The mean score of the unit's own counted objectives in ``cycle``."""
        return self._unit(unit, cycle)[0]

    def unit_rollup(self, unit: str, cycle: str) -> Optional[float]:
        """The mean score of the counted objectives of ``unit`` and every unit below it in ``cycle``."""
        return self._unit(unit, cycle)[1]

    def organisation(self, cycle: str) -> Optional[float]:
        """The organisation's score in ``cycle``: every counted objective once (the unit tree's roll-up)."""
        if cycle not in self._organisation:
            self._organisation[cycle] = _mean([s.score for ref, s in self.objective_scores.items()
                                               if s.score is not None and self.org.objectives[ref].cycle == cycle])
        return self._organisation[cycle]

    def _own(self, unit: str, cycle: str) -> list[float]:
        return [s for s in (self.score(o.ref).score for o in self.org.objectives_of(unit, cycle) if self.counts(o))
                if s is not None]

    def _unit(self, unit: str, cycle: str) -> tuple[Optional[float], Optional[float]]:
        """The unit's own score and roll-up, bottom-up over the units below it (each unit's totals once)."""
        if (unit, cycle) in self._units:
            return self._units[(unit, cycle)]
        if unit not in self.org.units or (not self.include_private and self.org.is_private_unit(unit)):
            return None, None
        order = [member.slug for member, _depth in self.org.walk(unit)
                 if self.include_private or not self.org.is_private_unit(member.slug)]
        totals: dict[str, tuple[float, int]] = {}
        for slug in reversed(order):  # children before their parents
            values = self._own(slug, cycle)
            total, count = sum(values), len(values)
            for child in self.org.units[slug].children:
                if child in totals:
                    total, count = total + totals[child][0], count + totals[child][1]
            totals[slug] = (total, count)
            self._units[(slug, cycle)] = (_mean(values), round(total / count, 2) if count else None)
        return self._units[(unit, cycle)]


def rollups(org: Organisation, today: date, include_private: bool = True) -> Rollups:
    """Every roll-up figure of ``org`` on ``today``: the one computation status and the site share.

    With ``include_private`` False only what the site shows counts: objectives that are public in
    public units (:meth:`okrops.model.Organisation.is_private_objective`), as parents and as children.
    """
    return Rollups(org, today, include_private)


def cycles(org: Organisation) -> list[list[str]]:
    """Every alignment loop once (each as the objective references along it), in a stable order."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    loops: list[list[str]] = []
    for start in org.objectives:
        if state.get(start):
            continue
        path: list[str] = []
        stack: list[tuple[str, list[str]]] = [(start, _parents_of(org, start))]
        state[start] = 1
        path.append(start)
        while stack:
            ref, pending = stack[-1]
            if not pending:
                stack.pop()
                path.pop()
                state[ref] = 2
                continue
            nxt = pending.pop(0)
            if state.get(nxt) == 1:
                loop = path[path.index(nxt):]
                if len(loop) > 1:
                    loops.append(loop)
            elif not state.get(nxt):
                state[nxt] = 1
                path.append(nxt)
                stack.append((nxt, _parents_of(org, nxt)))
    return loops


def _parents_of(org: Organisation, ref: str) -> list[str]:
    found = []
    for link in org.objectives[ref].parents:
        target = resolve(org, link.ref)
        if target is not None and target.ref not in found:
            found.append(target.ref)
    return found
