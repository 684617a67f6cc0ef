"""Naming what a reference gets wrong, and the closest thing that exists.

Every command that takes a unit, cycle, objective or key result (validate,
status, history, checkin, new, cycle, diff for git refs) words an unknown one
through this module, so each message names the part that is wrong and
suggests the closest existing unit, cycle, objective or key result:

    unknown key result 'platfrom/2026-Q4/O1/KR2': there is no unit 'platfrom'
    (did you mean 'platform'?); did you mean platform/2026-Q4/O1/KR2?
"""

from __future__ import annotations

import difflib
from typing import Iterable, Optional

from okrops.model import Organisation

KR_FORM = "<unit>/<cycle>/<objective>/<key result>, e.g. platform/2026-Q4/O1/KR2"
OBJECTIVE_FORM = "<unit>/<cycle>/<objective>, e.g. platform/2026-Q4/O1"


def closest(word: str, candidates: Iterable[str], n: int = 3, cutoff: float = 0.6) -> list[str]:
    """The candidates nearest to ``word``, best first; case is ignored when comparing (``o1`` finds ``O1``)."""
    by_folded: dict[str, str] = {}
    for candidate in candidates:
        by_folded.setdefault(str(candidate).casefold(), str(candidate))
    folded = str(word).casefold()
    if folded in by_folded and by_folded[folded] != word:
        return [by_folded[folded]]
    return [by_folded[m] for m in difflib.get_close_matches(folded, list(by_folded), n=n, cutoff=cutoff)]


def did_you_mean(word: str, candidates: Iterable[str], n: int = 3) -> str:
    """`` (did you mean 'x'?)`` for the closest candidates, or an empty string."""
    matches = closest(word, candidates, n)
    if not matches:
        return ""
    return f" (did you mean {' or '.join(repr(m) for m in matches)}?)"


def _known(candidates: Iterable[str], limit: int = 12) -> str:
    names = sorted(set(candidates))
    if not names:
        return "none"
    return ", ".join(names[:limit]) + (f" and {len(names) - limit} more" if len(names) > limit else "")


def unknown_unit(org: Organisation, name: str, what: str = "unit") -> str:
    """``unknown unit 'x' (did you mean 'y'?); units: ...``."""
    return f"unknown {what} {name!r}{did_you_mean(name, org.units)}; units: {_known(org.units)}"


def unknown_cycle(org: Organisation, cycle: str, what: str = "cycle") -> str:
    """``unknown cycle 'x' (did you mean 'y'?): it is not in okrs/okrops.yaml; known cycles: ...``."""
    return (f"unknown {what} {cycle!r}{did_you_mean(cycle, org.config.cycles)}: it is not in okrs/okrops.yaml; "
            f"known cycles: {_known(org.config.cycles)}")


def unknown_kpi(org: Organisation, ref: str) -> str:
    """``unknown KPI 'u/kpi/x': ...`` naming the wrong unit or the unit's KPIs, with the closest."""
    unit_id, _kpi, kpi_id = (str(ref).split("/") + ["", "", ""])[:3]
    unit = org.units.get(unit_id)
    if unit is None:
        broken = " (its unit.yaml may have errors: run okrops validate)" if org.broken_files else ""
        return f"unknown KPI {ref!r}: there is no unit {unit_id!r}{did_you_mean(unit_id, org.units)}{broken}"
    ids = [k.ref.rsplit("/", 1)[-1] for k in unit.kpis]
    known = ", ".join(k.ref for k in unit.kpis) or "none (add one with okrops new kpi)"
    return f"unknown KPI {ref!r}{did_you_mean(kpi_id, ids)}: {unit_id}'s KPIs are {known}"


def unknown_strategy(org: Organisation, strategy: str) -> str:
    known = _known(org.strategy.strategies) if org.strategy.strategies else "none: add okrs/strategy.yaml"
    return f"unknown strategy {strategy!r}{did_you_mean(strategy, org.strategy.strategies)} (known: {known})"


def _objective_ids(org: Organisation, unit: str, cycle: str) -> list[str]:
    cycle_file = org.cycle_files.get((unit, cycle))
    return [o.id for o in cycle_file.objectives] if cycle_file else []


def _kr_ids(org: Organisation, objective_ref: str) -> list[str]:
    objective = org.objectives.get(objective_ref)
    return [kr.id for kr in objective.key_results] if objective else []


def wrong_part(org: Organisation, parts: list[str]) -> tuple[Optional[str], list[str]]:
    """(what is wrong with the first part that does not exist, the parts with each wrong one replaced by its
    closest match), or (None, parts) when every part exists. Parts are unit, cycle, objective, key result."""
    problem: Optional[str] = None
    fixed = list(parts)
    levels = [
        lambda p: list(org.units),
        lambda p: [c for (u, c) in org.cycle_files if u == p[0]] or list(org.config.cycles),
        lambda p: _objective_ids(org, p[0], p[1]),
        lambda p: _kr_ids(org, "/".join(p[:3])),
    ]
    for index, part in enumerate(parts[:4]):
        candidates = levels[index](fixed)
        if part in candidates:
            continue
        suggestion = closest(part, candidates, n=1)
        if problem is None:
            problem = _describe_missing(org, fixed, index, part, candidates)
        if not suggestion:
            return problem, []
        fixed[index] = suggestion[0]
    return problem, fixed


def _describe_missing(org: Organisation, fixed: list[str], index: int, part: str, candidates: list[str]) -> str:
    hint = did_you_mean(part, candidates)
    if index == 0:
        return f"there is no unit {part!r}{hint}"
    if index == 1:
        if part in org.config.cycles:
            return f"unit {fixed[0]!r} has no OKRs for cycle {part!r}{hint}"
        return f"there is no cycle {part!r} in okrs/okrops.yaml{did_you_mean(part, org.config.cycles)}"
    if index == 2:
        return f"{fixed[0]} has no objective {part!r} in {fixed[1]}{hint}"
    return f"objective {'/'.join(fixed[:3])} has no key result {part!r}{hint}"


def unknown_reference(org: Organisation, ref: str, kind: str = "key result") -> str:
    """``unknown <kind> '<ref>': <what is wrong>; did you mean <closest>?`` (see :func:`reference_problem`)."""
    problem = reference_problem(org, ref, kind)
    return f"unknown {kind} {str(ref)!r}" + (f": {problem}" if problem else "")


def reference_problem(org: Organisation, ref: str, kind: str = "key result") -> str:
    """Why ``ref`` names no ``kind`` (key result, objective, parent: either, or reference: a unit, unit/cycle,
    objective or key result), naming the wrong part and the closest existing reference; "" when nothing is known."""
    ref = str(ref)
    parts = ref.split("/")
    sizes = {"key result": (4,), "objective": (3,), "parent": (3, 4), "reference": (1, 2, 3, 4)}[kind]
    hints = []
    if len(parts) not in sizes:
        hints.append({"key result": f"a key result reference has four parts: {KR_FORM}",
                      "objective": f"an objective reference has three parts: {OBJECTIVE_FORM}"}.get(
            kind, f"write an objective {OBJECTIVE_FORM} or a key result {KR_FORM}"))
    problem, fixed = wrong_part(org, parts)
    if problem:
        hints.append(problem)
    broken = [f for f in sorted(org.broken_files) if len(parts) >= 2 and f.endswith(f"/{parts[0]}/{parts[1]}.yaml")]
    if broken:
        hints.append(f"{broken[0]} has errors (run okrops validate)")
    suggestion = "/".join(fixed) if fixed and fixed != parts else None
    exists = suggestion is not None and (suggestion in org.key_results or suggestion in org.objectives or
                                         (len(fixed) <= 2 and fixed[0] in org.units))
    if exists and len(fixed) in sizes:
        hints.append(f"did you mean {suggestion}?")
    elif not problem and len(parts) in sizes:
        close = closest(ref, list(org.key_results) + list(org.objectives))
        if close:
            hints.append(f"did you mean {', '.join(close)}?")
    return "; ".join(hints)
