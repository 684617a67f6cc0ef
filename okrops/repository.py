"""Find an OKR repository on disk and load it into :mod:`okrops.model` objects.

Loading never raises for what is inside the files: every problem becomes a
:class:`~okrops.findings.Finding`, and a file with schema errors is left out of
the model (recorded in ``Organisation.broken_files``) so one broken file does
not drown the report in follow-on errors.
"""

from __future__ import annotations

import gc
import os
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Optional

from okrops import schemas
from okrops.errors import RepositoryNotFound
from okrops.findings import Finding, Severity
from okrops.model import (
    Band,
    Config,
    Cycle,
    CycleFile,
    Initiative,
    KeyResult,
    Kpi,
    Milestone,
    Objective,
    Organisation,
    Reflection,
    ScoringSettings,
    Source,
    Strategy,
    StrategyMap,
    Unit,
    UNKNOWN,
    Unreadable,
)
from okrops.yamledit import line_break_problem
from okrops.yamlio import SYMLINK_REFUSED, YamlProblem, load_fast, locate, locate_many, read_text

CONFIG_FILE = "okrops.yaml"
STRATEGY_FILE = "strategy.yaml"
UNIT_FILE = "unit.yaml"
OKRS_DIR = "okrs"
SAFE_NAME = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
YAML_SUFFIXES = (".yaml", ".yml")


def is_yaml_name(name: str) -> bool:
    """A YAML file name in any spelling of the extension (.yaml, .YML, .yAmL, ...)."""
    return name.lower().endswith(YAML_SUFFIXES)


@dataclass
class LoadResult:
    organisation: Optional[Organisation]
    root: str
    findings: list[Finding] = field(default_factory=list)
    files_read: int = 0


def find_okrs_dir(start: Optional[str | os.PathLike] = None) -> tuple[Path, Path]:
    """(repository root, okrs directory) for ``start``.

    ``start`` may be the okrs directory itself, a repository root that holds
    ``okrs/``, or any folder below one (searched upwards, like git does).
    """
    given = Path(start) if start is not None else Path.cwd()
    if not given.exists():
        raise RepositoryNotFound(f"{given}: no such file or directory")
    if given.is_file():
        given = given.parent
    given = given.resolve()
    for candidate in (given, *given.parents):
        if _present(candidate / CONFIG_FILE) and candidate.name == OKRS_DIR:
            return candidate.parent, candidate
        if (candidate / OKRS_DIR).is_symlink():
            raise RepositoryNotFound(
                f"{candidate / OKRS_DIR}: the {OKRS_DIR} folder is a symbolic link; {SYMLINK_REFUSED} folder")
        if _present(candidate / OKRS_DIR / CONFIG_FILE):
            return candidate, candidate / OKRS_DIR
        if _present(candidate / CONFIG_FILE):
            return candidate.parent, candidate
    raise RepositoryNotFound(
        f"no OKR repository found at {given} or above it: expected {OKRS_DIR}/{CONFIG_FILE}. "
        "Run okrops in an OKR repository, pass its path, or create one with 'okrops init'."
    )


def _present(path: Path) -> bool:
    """A file, or a symbolic link in its place (which the loader then refuses with a finding)."""
    return path.is_file() or path.is_symlink()


class _Loader:
    def __init__(self, root: Path, okrs_dir: Path):
        self.root = root
        self.okrs_dir = okrs_dir
        self.findings: list[Finding] = []
        self.files_read = 0

    # -- helpers --------------------------------------------------------------
    def rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def add(self, file: str, message: str, rule: str, path=(), severity=Severity.ERROR, hint: str = "", line=0, column=0):
        self.findings.append(Finding(file, severity, message, rule, tuple(path), line, column, hint))

    def read(self, path: Path, kind: str) -> Optional[dict]:
        """Parse and schema-check one file; None (with findings) when it cannot be used."""
        rel = self.rel(path)
        self.files_read += 1
        try:
            text = read_text(path)
            data = load_fast(text)
        except YamlProblem as problem:
            self.add(rel, problem.message, problem.rule, line=problem.line, column=problem.column)
            return None
        layout = line_break_problem(text)
        if layout is not None:  # check-in cannot add a line that matches such a file
            self.add(rel, layout[1], "line-breaks", severity=Severity.WARNING, line=layout[0], column=1)
        if not isinstance(data, dict):
            line, column = locate(text, ())
            self.add(rel, f"the top level must be a mapping of keys, got {type(data).__name__}", "schema",
                     line=line, column=column)
            return None
        if schemas.is_valid(kind, data):
            return data
        for doc_path, message in schemas.errors(kind, data):
            self.add(rel, message, "schema", doc_path)
        return None

    def parse_date(self, rel: str, value: str, path) -> Optional[date]:
        try:
            return date.fromisoformat(value)
        except (TypeError, ValueError):
            self.add(rel, f"{value!r} is not a real calendar date (YYYY-MM-DD)", "date", path)
            return None

    # -- file kinds -------------------------------------------------------------
    def load_config(self) -> Optional[Config]:
        path = self.okrs_dir / CONFIG_FILE
        data = self.read(path, "config")
        if data is None:
            return None
        rel = self.rel(path)
        cycles: dict[str, Cycle] = {}
        seen: set[str] = set()
        for index, raw in enumerate(data["cycles"]):
            where = ("cycles", index)
            if raw["id"] in seen:
                self.add(rel, f"duplicate cycle id {raw['id']!r}; cycle ids must be unique", "duplicate-id", where + ("id",))
                continue
            seen.add(raw["id"])
            start = self.parse_date(rel, raw["start"], where + ("start",))
            end = self.parse_date(rel, raw["end"], where + ("end",))
            if start is None or end is None:
                continue
            if end < start:
                self.add(rel, f"cycle {raw['id']!r} ends ({end}) before it starts ({start})", "cycle-dates", where + ("end",))
                continue
            cycles[raw["id"]] = Cycle(raw["id"], start, end, raw.get("name", ""))
        scoring = ScoringSettings(**data.get("scoring", {}))
        if scoring.off_track_gap < scoring.at_risk_gap:
            self.add(rel, "scoring.off_track_gap must be at least scoring.at_risk_gap", "config", ("scoring", "off_track_gap"))
        return Config(
            organisation=data["organisation"],
            cycles=cycles,
            cadence_days=data.get("checkins", {}).get("cadence_days", 7),
            scoring=scoring,
            lint_rules=dict(data.get("lint", {}).get("rules", {})),
            lint=dict(data.get("lint", {})),
            site=dict(data.get("site", {})),
            source=Source(rel),
        )

    def load_strategy(self) -> StrategyMap:
        path = self.okrs_dir / STRATEGY_FILE
        if not _present(path):
            return StrategyMap()
        data = self.read(path, "strategy")
        rel = self.rel(path)
        if data is None:
            return StrategyMap(source=Source(rel))
        result = StrategyMap(data.get("vision", ""), data.get("mission", ""), {}, Source(rel))
        for index, raw in enumerate(data["strategies"]):
            where = ("strategies", index)
            if raw["id"] in result.strategies:
                self.add(rel, f"duplicate strategy id {raw['id']!r}", "duplicate-id", where + ("id",))
                continue
            horizon = raw.get("horizon") or {}
            if horizon and horizon["to"] < horizon["from"]:
                self.add(rel, "horizon ends before it starts", "strategy-horizon", where + ("horizon", "to"))
            result.strategies[raw["id"]] = Strategy(
                raw["id"], raw["title"], raw.get("description", ""), horizon.get("from"), horizon.get("to"), Source(rel, where)
            )
        return result

    def load_unit(self, folder: Path, parent: Optional[str]) -> Optional[Unit]:
        path = folder / UNIT_FILE
        data = self.read(path, "unit")
        if data is None:
            return None
        rel = self.rel(path)
        kpis: list[Kpi] = []
        seen: set[str] = set()
        for index, raw in enumerate(data.get("kpis", [])):
            where = ("kpis", index)
            if raw["id"] in seen:
                self.add(rel, f"duplicate KPI id {raw['id']!r} in this unit", "duplicate-id", where + ("id",))
                continue
            seen.add(raw["id"])
            healthy = _band(raw.get("healthy"))
            warning = _band(raw.get("warning"))
            for name, band in (("healthy", healthy), ("warning", warning)):
                if band and band.min is not None and band.max is not None and band.min > band.max:
                    self.add(rel, f"{name}.min is above {name}.max", "kpi-band", where + (name,))
            kpis.append(
                Kpi(raw["id"], raw["title"], raw.get("unit", ""), raw.get("current"), healthy, warning,
                    raw.get("data_source", ""), Source(rel, where))
            )
        return Unit(
            slug=folder.name,
            folder=folder.relative_to(self.okrs_dir).as_posix(),
            name=data["name"],
            kind=data.get("kind", ""),
            description=data.get("description", ""),
            maintainers=list(data.get("maintainers", [])),
            visibility=data.get("visibility", "public"),
            parent=parent,
            kpis=kpis,
            lint_rules=dict(data.get("lint", {}).get("rules", {})),
            lint=dict(data.get("lint", {})),
            source=Source(rel),
        )

    def load_cycle_file(self, path: Path, unit: Unit, cycle: str) -> Optional[CycleFile]:
        data = self.read(path, "okrs")
        if data is None:
            return None
        rel = self.rel(path)
        result = CycleFile(unit.slug, cycle, source=Source(rel))
        prefix = f"{unit.slug}/{cycle}"
        seen: set[str] = set()
        for index, raw in enumerate(data["objectives"]):
            where = ("objectives", index)
            if raw["id"] in seen:
                self.add(rel, f"duplicate objective id {raw['id']!r} in this file; ids must be unique", "duplicate-id", where + ("id",))
                continue
            seen.add(raw["id"])
            result.objectives.append(self.build_objective(rel, raw, where, prefix, unit, cycle))
        seen = set()
        for index, raw in enumerate(data.get("initiatives", [])):
            where = ("initiatives", index)
            if raw["id"] in seen:
                self.add(rel, f"duplicate initiative id {raw['id']!r} in this file", "duplicate-id", where + ("id",))
                continue
            seen.add(raw["id"])
            milestones = []
            for m_index, m in enumerate(raw.get("milestones", [])):
                due = self.parse_date(rel, m["due"], where + ("milestones", m_index, "due"))
                if due is not None:
                    milestones.append(Milestone(m["title"], due, bool(m.get("done", False))))
            krs = [k if k.count("/") >= 3 else f"{prefix}/{k}" for k in raw.get("key_results", [])]
            result.initiatives.append(
                Initiative(raw["id"], f"{prefix}/{raw['id']}", raw["title"], raw.get("description", ""), krs,
                           list(raw.get("links", [])), milestones, Source(rel, where))
            )
        return result

    def build_objective(self, rel: str, raw: dict, where, prefix: str, unit: Unit, cycle: str) -> Objective:
        ref = f"{prefix}/{raw['id']}"
        aligns = raw.get("aligns_to", {})
        reflection = raw.get("reflection")
        objective = Objective(
            id=raw["id"],
            ref=ref,
            unit=unit.slug,
            cycle=cycle,
            title=raw["title"],
            why=raw.get("why", ""),
            type=raw.get("type", "committed"),
            owner=raw.get("owner"),
            visibility=raw.get("visibility", "public"),
            strategies=list(aligns.get("strategies", [])),
            parent=aligns.get("parent"),
            reflection=Reflection(reflection["decision"], reflection.get("score"), reflection.get("learnings", ""))
            if reflection else None,
            extensions=_extensions(raw),
            source=Source(rel, where),
        )
        seen: set[str] = set()
        for index, kr in enumerate(raw["key_results"]):
            kr_where = where + ("key_results", index)
            if kr["id"] in seen:
                self.add(rel, f"duplicate key result id {kr['id']!r} in objective {raw['id']}", "duplicate-id", kr_where + ("id",))
                continue
            seen.add(kr["id"])
            objective.key_results.append(self.build_key_result(rel, kr, kr_where, ref))
        return objective

    def build_key_result(self, rel: str, raw: dict, where, objective_ref: str) -> KeyResult:
        baseline, target = raw.get("baseline"), raw.get("target")
        direction = raw.get("direction")
        if direction is None:
            direction = "decrease" if baseline is not None and target is not None and target < baseline else "increase"
        elif baseline is not None and target is not None and direction != "range":
            if direction == "increase" and target < baseline:
                self.add(rel, f"direction is increase but the target ({_num(target)}) is below the baseline ({_num(baseline)})",
                         "kr-direction", where + ("target",), hint="fix the target, or set direction: decrease")
            if direction == "decrease" and target > baseline:
                self.add(rel, f"direction is decrease but the target ({_num(target)}) is above the baseline ({_num(baseline)})",
                         "kr-direction", where + ("target",), hint="fix the target, or set direction: increase")
        band = raw.get("range") or {}
        if band and band["min"] > band["max"]:
            self.add(rel, f"range.min ({_num(band['min'])}) is above range.max ({_num(band['max'])})", "kr-range", where + ("range",))
        return KeyResult(
            id=raw["id"],
            ref=f"{objective_ref}/{raw['id']}",
            title=raw["title"],
            objective_ref=objective_ref,
            metric=raw.get("metric", ""),
            measure_unit=raw.get("unit", ""),
            direction=direction,
            baseline=baseline,
            target=target,
            range_min=band.get("min"),
            range_max=band.get("max"),
            current=raw.get("current"),
            confidence=raw.get("confidence"),
            data_source=raw.get("data_source", ""),
            weight=raw.get("weight", 1.0),
            extensions=_extensions(raw),
            source=Source(rel, where),
        )

    # -- the tree ---------------------------------------------------------------
    def load(self) -> Optional[Organisation]:
        config = self.load_config()
        strategy = self.load_strategy()
        self.check_top_level()
        if config is None:
            return None
        org = Organisation(str(self.root), str(self.okrs_dir), config, strategy)
        self.walk_units(org)
        return org

    def check_top_level(self) -> None:
        for entry in sorted(self.okrs_dir.iterdir()):
            if not is_yaml_name(entry.name) or entry.name in (CONFIG_FILE, STRATEGY_FILE) or entry.is_dir():
                continue
            meant = next((n for n in (CONFIG_FILE, STRATEGY_FILE) if entry.name.lower() in (n, n[:-len(".yaml")] + ".yml")), None)
            if meant:
                todo = "merge the two and delete this one" if _present(self.okrs_dir / meant) else f"rename it to {meant}"
                self.add(self.rel(entry), f"{entry.name!r} is not read: okrops reads {OKRS_DIR}/{meant}, spelt exactly "
                         f"so; {todo}", "unknown-file")
                continue
            self.add(self.rel(entry), f"unexpected file {entry.name!r} at the top of {OKRS_DIR}/: only "
                     f"{CONFIG_FILE} and {STRATEGY_FILE} belong here; units are folders with a {UNIT_FILE}",
                     "unknown-file", severity=Severity.WARNING)

    def walk_units(self, org: Organisation) -> None:
        # Iterative walk in sorted order; each folder knows the nearest unit above it.
        stack: list[tuple[Path, Optional[str]]] = [
            (p, None) for p in sorted(_subfolders(self.okrs_dir.iterdir()), reverse=True)
        ]
        while stack:
            folder, parent = stack.pop()
            if folder.name.startswith("."):
                continue
            if folder.is_symlink():
                rel_folder = self.rel(folder)
                self.add(rel_folder, f"{SYMLINK_REFUSED} folder", "unsafe-path")
                self.unreadable(org, rel_folder, f"folder {rel_folder} and everything in it", parent)
                continue
            entries = sorted(folder.iterdir())
            yaml_files = [e for e in entries if is_yaml_name(e.name) and (e.is_symlink() or not e.is_dir())]
            unit_slug = parent
            if yaml_files:
                unit = self.unit_of(org, folder, yaml_files, parent)
                if unit is None:
                    continue
                unit_slug = unit.slug
                for entry in yaml_files:
                    if not _is_unit_file_name(entry.name):
                        self.load_okr_file(org, entry, unit)
            for sub in reversed(_subfolders(entries)):
                stack.append((sub, unit_slug))

    def unit_of(self, org: Organisation, folder: Path, yaml_files: list[Path], parent: Optional[str]) -> Optional[Unit]:
        """The unit a folder with YAML files makes; None (with a finding) when it cannot be one.

        A unit whose unit.yaml is missing or cannot be read is still a unit, of unknown
        visibility: it and everything below it count as private until the file is fixed.
        """
        rel_folder = self.rel(folder)
        if not SAFE_NAME.match(folder.name):
            self.add(rel_folder, f"unit folder name {folder.name!r} is not safe: use lower-case letters, "
                     "digits and dashes only (it becomes the unit id in references and URLs)", "unsafe-name")
            self.unreadable(org, rel_folder, f"folder {rel_folder} and everything in it", parent)
            return None
        unit_rel = self.rel(folder / UNIT_FILE)
        names = [e.name for e in yaml_files]
        misspelt = [n for n in names if n != UNIT_FILE and _is_unit_file_name(n)]
        if UNIT_FILE in names:
            for name in misspelt:
                self.add(self.rel(folder / name), f"{name!r} is not read: the unit is read from {UNIT_FILE}; "
                         "merge the two and delete this one", "unknown-file")
            unit = self.load_unit(folder, parent)
            where = unit_rel
        else:
            unit = None
            where = self.rel(folder / misspelt[0]) if misspelt else rel_folder
            if misspelt:
                self.add(where, f"{misspelt[0]!r} is not read: a unit's file is named exactly {UNIT_FILE}; "
                         f"rename it to {UNIT_FILE}", "missing-unit-file")
            else:
                self.add(rel_folder, f"folder holds OKR files but no {UNIT_FILE}; add one to make it a unit",
                         "missing-unit-file")
        if unit is None:
            org.broken_files.add(unit_rel)
            self.unreadable(org, where, f"unit {folder.name} and everything below it", parent)
            unit = Unit(folder.name, folder.relative_to(self.okrs_dir).as_posix(), folder.name,
                        visibility=UNKNOWN, parent=parent, source=Source(unit_rel))
        if unit.slug in org.units:
            other = org.units[unit.slug]
            self.add(unit.source.file, f"unit id {unit.slug!r} is already used by {OKRS_DIR}/{other.folder}; "
                     "unit folder names must be unique across the organisation", "duplicate-id")
            return None
        org.units[unit.slug] = unit
        if parent is not None:
            org.units[parent].children.append(unit.slug)
        return unit

    def unreadable(self, org: Organisation, path: str, holds: str, unit: Optional[str]) -> None:
        org.unreadable.append(Unreadable(path, holds, unit))

    def load_okr_file(self, org: Organisation, path: Path, unit: Unit) -> None:
        rel = self.rel(path)
        cycle = path.stem
        holds = f"the OKRs of unit {unit.slug} for {cycle}"
        if path.is_symlink():
            self.add(rel, f"{SYMLINK_REFUSED} file", "unsafe-path")
            if cycle in org.config.cycles:
                org.broken_files.add(rel)
                self.unreadable(org, rel, holds, unit.slug)
            return
        if path.suffix != ".yaml":
            self.add(rel, f"{path.name!r} is not read: OKR files end in .yaml, in lower case; rename it to {cycle}.yaml",
                     "unknown-file")
            if cycle in org.config.cycles:
                self.unreadable(org, rel, holds, unit.slug)
            return
        if cycle not in org.config.cycles:
            known = ", ".join(sorted(org.config.cycles)) or "none"
            from okrops.references import did_you_mean

            self.add(rel, f"{path.name!r} is not a known cycle{did_you_mean(cycle, org.config.cycles)}: a unit's OKR "
                     f"file is named after a cycle id in {OKRS_DIR}/{CONFIG_FILE} (known: {known})", "unknown-cycle",
                     hint=f"add cycle {cycle!r} to {OKRS_DIR}/{CONFIG_FILE} or rename the file")
            return
        cycle_file = self.load_cycle_file(path, unit, cycle)
        if cycle_file is None:
            org.broken_files.add(rel)
            self.unreadable(org, rel, holds, unit.slug)
            return
        org.cycle_files[(unit.slug, cycle)] = cycle_file
        for objective in cycle_file.objectives:
            org.objectives[objective.ref] = objective
            for kr in objective.key_results:
                org.key_results[kr.ref] = kr


def _subfolders(entries) -> list[Path]:
    """Folders among ``entries``, and symbolic links not named like YAML files (refused when visited)."""
    return [e for e in entries if not is_yaml_name(e.name) and (e.is_dir() or e.is_symlink())
            or e.is_dir() and not e.is_symlink()]


def _is_unit_file_name(name: str) -> bool:
    return name.lower() in (UNIT_FILE, "unit.yml")


def _extensions(raw: dict) -> dict:
    return {k: v for k, v in raw.items() if k.startswith("x-")}


def _band(raw: Any) -> Optional[Band]:
    return Band(raw.get("min"), raw.get("max")) if raw else None


def _num(value: float) -> str:
    return f"{value:g}"


def load(start: Optional[str | os.PathLike] = None) -> LoadResult:
    """Load the OKR repository at or above ``start``; problems come back as findings."""
    root, okrs_dir = find_okrs_dir(start)
    loader = _Loader(root, okrs_dir)
    # Parsing makes millions of small objects and the model keeps them all: the cyclic
    # garbage collector would only walk them again and again (about 15% of the time).
    collecting = gc.isenabled()
    gc.disable()
    try:
        organisation = loader.load()
    finally:
        if collecting:
            gc.enable()
    return LoadResult(organisation, str(root), loader.findings, loader.files_read)


def resolve_locations(findings: list[Finding], root: str | os.PathLike) -> None:
    """Fill in line and column of findings that only know their key path.

    Only files with findings are read again, each once, and composed once.
    """
    root = Path(root)
    by_file: dict[str, list[Finding]] = {}
    for finding in findings:
        if not finding.line and finding.file:
            by_file.setdefault(finding.file, []).append(finding)
    for file, pending in by_file.items():
        path = root / file
        try:
            text = read_text(path) if path.is_file() or path.is_symlink() else None
        except YamlProblem:
            text = None
        if text is None:
            continue
        for finding, (line, column) in zip(pending, locate_many(text, [f.path for f in pending])):
            finding.line, finding.column = line, column
