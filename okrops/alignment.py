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

Organisation and unit scores (:func:`okrops.scoring.rollup`) follow the unit tree, where every
objective and every key result (shared ones included) belongs to exactly one unit: each counts once.
"""

from __future__ import annotations

from datetime import date
from typing import Optional

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


def children_index(org: Organisation) -> dict[str, list[tuple[Objective, float]]]:
    """Objective reference -> the objectives aligned directly below it, each with its share."""
    below: dict[str, list[tuple[Objective, float]]] = {}
    for objective in org.objectives.values():
        combined: dict[str, float] = {}
        for link, share in shares(objective):
            target = resolve(org, link.ref)
            if target is not None and target.ref != objective.ref:
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

    total = weighted = 0.0
    for ref, weight in weights_below(org, top, below).items():
        value = score_objective(org, org.objectives[ref], today).score
        if value is not None and weight > 0:
            total += weight
            weighted += weight * value
    return round(weighted / total, 2) if total else None


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
