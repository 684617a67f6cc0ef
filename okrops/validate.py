"""Cross-file integrity: references resolve, alignment has no cycles, cycles nest.

Schema checks and duplicate ids are found while loading
(:mod:`okrops.repository`); this module checks what needs the whole
organisation. It returns findings and never prints.
"""

from __future__ import annotations

from okrops import alignment, dependencies, references
from okrops.findings import Finding, Severity
from okrops.lint.owners import explained_by_lint
from okrops.model import Objective, Organisation
from okrops.repository import LoadResult, load, resolve_locations

def _finding(source, message: str, rule: str, *extra, hint: str = "", ref: str = "") -> Finding:
    return Finding(source.file, Severity.ERROR, message, rule, source.path + tuple(extra), hint=hint, ref=ref)


def _why(org: Organisation, ref: str, kind: str) -> str:
    problem = references.reference_problem(org, ref, kind)
    return f": {problem}" if problem else ""


def _in_broken_file(org: Organisation, ref: str) -> bool:
    parts = ref.split("/")
    return any(f.endswith(f"/{parts[0]}/{parts[1]}.yaml") for f in org.broken_files) if len(parts) >= 2 else False


def check(org: Organisation) -> list[Finding]:
    from okrops import sourcecheck
    from okrops.lint import check_settings

    findings: list[Finding] = check_settings(org)
    findings.extend(sourcecheck.check(org))
    for objective in org.objectives.values():
        findings.extend(_check_objective(org, objective))
    findings.extend(_check_alignment_cycles(org))
    findings.extend(_check_dependencies(org))
    for cycle_file in org.cycle_files.values():
        for initiative in cycle_file.initiatives:
            for index, kr_ref in enumerate(initiative.key_results):
                if kr_ref not in org.key_results and not _in_broken_file(org, kr_ref):
                    findings.append(_finding(initiative.source, f"initiative {initiative.id} names key result "
                                             f"{kr_ref!r}, which does not exist" + _why(org, kr_ref, "key result"), "unknown-ref",
                                             "key_results", index,
                                             hint="use O1/KR2 for this file's key results or <unit>/<cycle>/<objective>/<kr>",
                                             ref=initiative.ref))
    return findings


def _check_objective(org: Organisation, objective: Objective) -> list[Finding]:
    findings = []
    src = objective.source
    if objective.owner and objective.owner not in org.units and not explained_by_lint(org, objective.owner):
        findings.append(_finding(src, f"owner {objective.owner!r} is not a unit{references.did_you_mean(objective.owner, org.units)}", "unknown-ref", "owner",
                                 hint="use a unit folder name, or leave owner out to mean this file's unit",
                                 ref=objective.ref))
    strategy_file_broken = org.strategy.source is not None and org.strategy.source.file in org.broken_files
    for index, strategy in enumerate(objective.strategies):
        if strategy not in org.strategy.strategies and not strategy_file_broken:
            findings.append(_finding(src, references.unknown_strategy(org, strategy), "unknown-ref",
                                     "aligns_to", "strategies", index, ref=objective.ref))
    findings.extend(_check_parents(org, objective))
    findings.extend(_check_contributors(org, objective))
    return findings


def _check_parents(org: Organisation, objective: Objective) -> list[Finding]:
    findings = []
    src = objective.source
    seen: set[str] = set()
    for link in objective.parents:
        target = alignment.resolve(org, link.ref)
        if link.ref in seen:
            findings.append(_finding(src, f"parent {link.ref!r} is named twice", "duplicate-id", *link.path,
                                     hint="name each parent once", ref=objective.ref))
            continue
        seen.add(link.ref)
        if target is None:
            if not _in_broken_file(org, link.ref):
                findings.append(_finding(src, f"parent {link.ref!r} is not an objective or key result"
                                         + _why(org, link.ref, "parent"),
                                         "unknown-ref", *link.path,
                                         hint="write <unit>/<cycle>/<objective> or <unit>/<cycle>/<objective>/<kr>",
                                         ref=objective.ref))
        elif target.ref == objective.ref:
            findings.append(_finding(src, "an objective cannot be its own parent", "alignment-cycle",
                                     *link.path, ref=objective.ref))
        else:
            mine = org.config.cycles.get(objective.cycle)
            theirs = org.config.cycles.get(target.cycle)
            if mine and theirs and not theirs.contains(mine):
                findings.append(_finding(
                    src, f"cycle {mine.id} ({mine.start} to {mine.end}) does not lie within the parent's cycle "
                    f"{theirs.id} ({theirs.start} to {theirs.end})", "cycle-nesting", *link.path,
                    hint="align to an objective of a cycle that contains this one", ref=objective.ref))
    return findings


def _check_contributors(org: Organisation, objective: Objective) -> list[Finding]:
    findings = []
    for kr in objective.key_results:
        for index, unit in enumerate(kr.contributors):
            if unit == objective.unit:
                findings.append(_finding(kr.source, f"unit {unit!r} owns key result {kr.id} and cannot also be a "
                                         "contributor", "unknown-ref", "contributors", index,
                                         hint="list only the other units that move it", ref=kr.ref))
            elif unit not in org.units and not explained_by_lint(org, unit):
                findings.append(_finding(kr.source, f"contributor {unit!r} is not a unit", "unknown-ref",
                                         "contributors", index, hint="use unit folder names", ref=kr.ref))
    return findings


def _check_dependencies(org: Organisation) -> list[Finding]:
    findings = []
    for edge in dependencies.edges(org):
        if not dependencies.exists(org, edge.provider) and not _in_broken_file(org, edge.provider):
            findings.append(Finding(edge.source.file, Severity.ERROR, f"depends_on {edge.provider!r} is not an objective "
                                    "or key result", "unknown-ref", edge.source.path, ref=edge.dependent,
                                    hint="write <unit>/<cycle>/<objective> or <unit>/<cycle>/<objective>/<kr>"))
        elif edge.provider_unit == edge.dependent_unit:
            findings.append(Finding(edge.source.file, Severity.ERROR, f"depends_on {edge.provider!r} is in the same unit; "
                                    "dependencies are between units", "unknown-ref", edge.source.path, ref=edge.dependent))
    for unit in org.units.values():
        for index, ref in enumerate(unit.provides):
            if not dependencies.exists(org, ref) and not _in_broken_file(org, ref):
                findings.append(_finding(unit.source, f"provides {ref!r} is not an objective or key result",
                                         "unknown-ref", "provides", index,
                                         hint="list the objectives or key results of other units that depend on this one"))
    return findings


def _check_alignment_cycles(org: Organisation) -> list[Finding]:
    findings = []
    for loop in alignment.cycles(org):
        first = org.objectives[loop[0]]
        chain = " -> ".join(loop + [loop[0]])
        nxt = loop[1]
        link = next((p for p in first.parents if (t := alignment.resolve(org, p.ref)) is not None and t.ref == nxt),
                    None)
        findings.append(_finding(first.source, f"alignment cycle: {chain}", "alignment-cycle",
                                 *(link.path if link else ("aligns_to", "parent")),
                                 hint="parents must point upwards; break the loop", ref=first.ref))
    return findings


def validate(start=None) -> LoadResult:
    """Load and check a repository: every finding, with lines and columns resolved."""
    return checked(load(start))


def checked(result: LoadResult) -> LoadResult:
    """``result`` of :func:`okrops.repository.load` checked: every finding, with lines and columns resolved."""
    if result.organisation is not None:
        result.findings.extend(check(result.organisation))
    resolve_locations(result.findings, result.root)
    result.findings.sort(key=Finding.sort_key)
    return result

