"""Which files' references point into which: the files a change can concern, for checks of a commit.

A cycle file points to its unit's ``unit.yaml``, to the units its objectives name (``owner``, key
results' ``contributors``: their ``unit.yaml``), to the files holding the objectives and key results
it names (parents, ``depends_on``, initiatives' key results; a KPI reference points to its unit's
``unit.yaml``) and to ``strategy.yaml`` for strategies. A ``unit.yaml`` points to its parent unit's
and to what its ``provides`` names. Files are named relative to the repository root, as findings
name them; a reference to a file that does not exist still names the file it would be.

:func:`neighbourhood` takes the given files and every file one reference away, in either direction;
:func:`concerns` says whether a finding's file is among them. ``okrops validate --changed`` and
``okrops lint --changed`` (the pre-commit hooks) report the findings of a whole run that concern the
files a commit touches: exactly the part of a whole run about them.
"""

from __future__ import annotations

import posixpath
from typing import Iterable, Optional

from okrops.model import Organisation, is_kpi_ref


def edges(org: Organisation) -> dict[str, list[str]]:
    """file -> the files its references point into (each once, in order)."""
    found: dict[str, dict[str, None]] = {}

    def add(source: Optional[str], target: Optional[str]) -> None:
        if source and target and target != source:
            found.setdefault(source, {})[target] = None

    strategy = org.strategy.source.file if org.strategy.source is not None else None
    for (slug, _cycle), cycle_file in org.cycle_files.items():
        here = cycle_file.source.file
        add(here, _unit_file(org, slug))
        for objective in cycle_file.objectives:
            if objective.owner:
                add(here, _unit_file(org, objective.owner))
            if objective.strategies:
                add(here, strategy)
            for ref in [link.ref for link in objective.parents] + [d.ref for d in objective.depends_on]:
                add(here, _file_of(org, ref))
            for kr in objective.key_results:
                for unit in kr.contributors:
                    add(here, _unit_file(org, unit))
                for dependency in kr.depends_on:
                    add(here, _file_of(org, dependency.ref))
        for initiative in cycle_file.initiatives:
            for ref in initiative.key_results:
                add(here, _file_of(org, ref))
    for unit in org.units.values():
        here = unit.source.file if unit.source is not None else None
        if unit.parent is not None:
            add(here, _unit_file(org, unit.parent))
        for ref in unit.provides:
            add(here, _file_of(org, ref))
    return {source: list(targets) for source, targets in found.items()}


def _unit_file(org: Organisation, slug: str) -> Optional[str]:
    unit = org.units.get(slug)
    return unit.source.file if unit is not None and unit.source is not None else None


def _file_of(org: Organisation, ref: str) -> Optional[str]:
    """The file that holds (or would hold) what ``ref`` names: <unit>/<cycle>/... or <unit>/kpi/<id>."""
    parts = ref.split("/")
    if len(parts) < 2:
        return None
    unit_file = _unit_file(org, parts[0])
    if is_kpi_ref(ref):
        return unit_file
    cycle_file = org.cycle_files.get((parts[0], parts[1]))
    if cycle_file is not None:
        return cycle_file.source.file
    return posixpath.join(posixpath.dirname(unit_file), parts[1] + ".yaml") if unit_file else None


def neighbourhood(graph: dict[str, list[str]], files: Iterable[str]) -> set[str]:
    """``files`` and every file one reference away from one of them, in either direction."""
    given = set(files)
    near = set(given)
    for source, targets in graph.items():
        if source in given:
            near.update(targets)
        elif any(target in given for target in targets):
            near.add(source)
    return near


def concerns(file: str, near: set[str]) -> bool:
    """A finding about ``file`` (a file, or a folder holding files) concerns one of ``near``."""
    if not file:  # about the whole repository
        return True
    return file in near or any(name.startswith(file + "/") for name in near)


def concerning(findings: list, graph: dict[str, list[str]], files: Iterable[str], okrs_folder: str = "okrs") -> list:
    """The ``findings`` that concern ``files`` (named relative to the repository root) or a file one reference
    away; all of them when one of ``files`` is the organisation's configuration or lies outside ``okrs/`` (the
    schemas, say), which every file depends on."""
    files = list(files)
    config = posixpath.join(okrs_folder, "okrops.yaml")
    if any(name == config or not name.startswith(okrs_folder + "/") for name in files):
        return list(findings)
    near = neighbourhood(graph, files)
    return [finding for finding in findings if concerns(finding.file, near)]
