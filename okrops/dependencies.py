"""Dependencies between units: who depends on whom, and whether the providing unit agreed.

An objective or key result declares ``depends_on:`` another unit's objective or key result. A
dependency is **confirmed** when

* the providing unit's ``unit.yaml`` lists the depending objective or key result under
  ``provides:`` (read from the files), or
* a maintainer of the providing unit approved the pull request that added it (read from git
  by :mod:`okrops.review.approvals` and passed in as ``approved``).

Everything else is unconfirmed: a lint warning, and shown on both units' pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Optional

from okrops.model import Organisation, Source


@dataclass(frozen=True)
class Edge:
    dependent: str  # the objective or key result that depends
    provider: str  # what it depends on
    note: str
    dependent_unit: str
    source: Source  # where depends_on is written (key path of the reference)

    @property
    def provider_unit(self) -> str:
        return self.provider.split("/", 1)[0]

    @property
    def key(self) -> tuple[str, str]:
        return (self.dependent, self.provider)


def edges(org: Organisation) -> list[Edge]:
    """Every declared dependency, in file order."""
    found = []
    for objective in org.objectives.values():
        entities = [(objective.ref, objective.source, objective.depends_on)]
        entities += [(kr.ref, kr.source, kr.depends_on) for kr in objective.key_results]
        for ref, source, declared in entities:
            for dependency in declared:
                found.append(Edge(ref, dependency.ref, dependency.note, objective.unit, source.child(*dependency.path)))
    return found


def exists(org: Organisation, ref: str) -> bool:
    return ref in org.objectives or ref in org.key_results


def accepted_in_file(org: Organisation, edge: Edge) -> bool:
    """The providing unit lists the dependent (or, for a key result, its objective) under provides:."""
    unit = org.units.get(edge.provider_unit)
    if unit is None:
        return False
    objective_ref = "/".join(edge.dependent.split("/")[:3])
    return edge.dependent in unit.provides or objective_ref in unit.provides


def confirmed(org: Organisation, edge: Edge, approved: Optional[Iterable[tuple[str, str]]] = None) -> bool:
    return accepted_in_file(org, edge) or (approved is not None and edge.key in set(approved))


def unconfirmed(org: Organisation, approved: Optional[Iterable[tuple[str, str]]] = None) -> list[Edge]:
    approved_set = set(approved or ())
    return [e for e in edges(org) if exists(org, e.provider) and not confirmed(org, e, approved_set)]
