"""The organisation's folders as a tree of units: which folders are units, which files are read.

A unit is a folder with a ``unit.yaml``; its parent is the nearest unit folder above it. This
module walks ``okrs/`` in sorted order, refuses unsafe names and symbolic links, and hands each
file to the reader for its kind (:mod:`okrops.settingsfiles`, :mod:`okrops.cyclefiles`),
registering what they build in the :class:`~okrops.model.Organisation`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Optional

from okrops.cyclefiles import load_cycle_file
from okrops.filereader import FileReader
from okrops.findings import Severity
from okrops.location import OKRS_DIR
from okrops.model import Organisation, Source, Unit, UNKNOWN, Unreadable
from okrops.settingsfiles import CONFIG_FILE, STRATEGY_FILE, UNIT_FILE, load_unit, present
from okrops.yamlio import SYMLINK_REFUSED

SAFE_NAME = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
YAML_SUFFIXES = (".yaml", ".yml")


def is_yaml_name(name: str) -> bool:
    """A YAML file name in any spelling of the extension (.yaml, .YML, .yAmL, ...)."""
    return name.lower().endswith(YAML_SUFFIXES)


def check_top_level(reader: FileReader) -> None:
    """Findings for YAML files at the top of okrs/ that okrops does not read."""
    okrs_dir = reader.okrs_dir
    for entry in sorted(okrs_dir.iterdir()):
        if not is_yaml_name(entry.name) or entry.name in (CONFIG_FILE, STRATEGY_FILE) or entry.is_dir():
            continue
        meant = next((n for n in (CONFIG_FILE, STRATEGY_FILE) if entry.name.lower() in (n, n[:-len(".yaml")] + ".yml")), None)
        if meant:
            todo = "merge the two and delete this one" if present(okrs_dir / meant) else f"rename it to {meant}"
            reader.add(reader.rel(entry), f"{entry.name!r} is not read: okrops reads {OKRS_DIR}/{meant}, spelt exactly "
                       f"so; {todo}", "unknown-file")
            continue
        reader.add(reader.rel(entry), f"unexpected file {entry.name!r} at the top of {OKRS_DIR}/: only "
                   f"{CONFIG_FILE} and {STRATEGY_FILE} belong here; units are folders with a {UNIT_FILE}",
                   "unknown-file", severity=Severity.WARNING)


class UnitTree:
    """Walks the unit folders below one folder, adding units and cycle files to ``org``."""

    def __init__(self, reader: FileReader, org: Organisation):
        self.reader = reader
        self.org = org

    def walk(self, top: Path, parent: Optional[str] = None) -> None:
        """Every unit below ``top``, whose nearest unit above is ``parent``."""
        # Iterative walk in sorted order; each folder knows the nearest unit above it.
        stack: list[tuple[Path, Optional[str]]] = [(p, parent) for p in sorted(_subfolders(top.iterdir()), reverse=True)]
        while stack:
            folder, parent = stack.pop()
            if folder.name.startswith("."):
                continue
            if folder.is_symlink():
                rel_folder = self.reader.rel(folder)
                self.reader.add(rel_folder, f"{SYMLINK_REFUSED} folder", "unsafe-path")
                self.unreadable(rel_folder, f"folder {rel_folder} and everything in it", parent)
                continue
            entries = sorted(folder.iterdir())
            yaml_files = [e for e in entries if is_yaml_name(e.name) and (e.is_symlink() or not e.is_dir())]
            unit_slug = parent
            if yaml_files:
                unit = self.unit_of(folder, yaml_files, parent)
                if unit is None:
                    continue
                unit_slug = unit.slug
                for entry in yaml_files:
                    if not _is_unit_file_name(entry.name):
                        self.load_okr_file(entry, unit)
            for sub in reversed(_subfolders(entries)):
                stack.append((sub, unit_slug))

    def unit_of(self, folder: Path, yaml_files: list[Path], parent: Optional[str]) -> Optional[Unit]:
        """The unit a folder with YAML files makes; None (with a finding) when it cannot be one.

        A unit whose unit.yaml is missing or cannot be read is still a unit, of unknown
        visibility: it and everything below it count as private until the file is fixed.
        """
        reader, org = self.reader, self.org
        rel_folder = reader.rel(folder)
        if not SAFE_NAME.match(folder.name):
            reader.add(rel_folder, f"unit folder name {folder.name!r} is not safe: use lower-case letters, "
                       "digits and dashes only (it becomes the unit id in references and URLs)", "unsafe-name")
            self.unreadable(rel_folder, f"folder {rel_folder} and everything in it", parent)
            return None
        unit_rel = reader.rel(folder / UNIT_FILE)
        names = [e.name for e in yaml_files]
        misspelt = [n for n in names if n != UNIT_FILE and _is_unit_file_name(n)]
        if UNIT_FILE in names:
            for name in misspelt:
                reader.add(reader.rel(folder / name), f"{name!r} is not read: the unit is read from {UNIT_FILE}; "
                           "merge the two and delete this one", "unknown-file")
            unit = load_unit(reader, folder, parent)
            where = unit_rel
        else:
            unit = None
            where = reader.rel(folder / misspelt[0]) if misspelt else rel_folder
            if misspelt:
                reader.add(where, f"{misspelt[0]!r} is not read: a unit's file is named exactly {UNIT_FILE}; "
                           f"rename it to {UNIT_FILE}", "missing-unit-file")
            else:
                reader.add(rel_folder, f"folder holds OKR files but no {UNIT_FILE}; add one to make it a unit",
                           "missing-unit-file")
        if unit is None:
            org.broken_files.add(unit_rel)
            self.unreadable(where, f"unit {folder.name} and everything below it", parent)
            unit = Unit(folder.name, reader.unit_folder(folder), folder.name,
                        visibility=UNKNOWN, parent=parent, source=Source(unit_rel))
        return self.register(unit, parent)

    def register(self, unit: Unit, parent: Optional[str]) -> Optional[Unit]:
        if unit.slug in self.org.units:
            other = self.org.units[unit.slug]
            if _repository_of(unit.source.file) != _repository_of(other.source.file):  # across included repositories
                self.reader.add(unit.source.file, f"unit id {unit.slug!r} is already used by "
                                f"{other.source.file.removesuffix('/' + UNIT_FILE)} in another repository of the "
                                "organisation; unit folder names must be unique across the organisation and every "
                                "repository it includes", "duplicate-id",
                                hint="rename one of the two unit folders (and the references to it)")
                return None
            self.reader.add(unit.source.file, f"unit id {unit.slug!r} is already used by {OKRS_DIR}/{other.folder}; "
                            "unit folder names must be unique across the organisation", "duplicate-id")
            return None
        self.org.units[unit.slug] = unit
        if parent is not None:
            self.org.units[parent].children.append(unit.slug)
        return unit

    def unreadable(self, path: str, holds: str, unit: Optional[str]) -> None:
        self.org.unreadable.append(Unreadable(path, holds, unit))

    def load_okr_file(self, path: Path, unit: Unit) -> None:
        reader, org = self.reader, self.org
        rel = reader.rel(path)
        cycle = path.stem
        holds = f"the OKRs of unit {unit.slug} for {cycle}"
        if path.is_symlink():
            reader.add(rel, f"{SYMLINK_REFUSED} file", "unsafe-path")
            if cycle in org.config.cycles:
                org.broken_files.add(rel)
                self.unreadable(rel, holds, unit.slug)
            return
        if path.suffix != ".yaml":
            reader.add(rel, f"{path.name!r} is not read: OKR files end in .yaml, in lower case; rename it to {cycle}.yaml",
                       "unknown-file")
            if cycle in org.config.cycles:
                self.unreadable(rel, holds, unit.slug)
            return
        if cycle not in org.config.cycles:
            known = ", ".join(sorted(org.config.cycles)) or "none"
            from okrops.references import did_you_mean

            reader.add(rel, f"{path.name!r} is not a known cycle{did_you_mean(cycle, org.config.cycles)}: a unit's "
                       f"OKR file is named after a cycle id in {OKRS_DIR}/{CONFIG_FILE} (known: {known})", "unknown-cycle",
                       hint=f"add cycle {cycle!r} to {OKRS_DIR}/{CONFIG_FILE} or rename the file")
            return
        cycle_file = load_cycle_file(reader, path, unit, cycle)
        if cycle_file is None:
            org.broken_files.add(rel)
            self.unreadable(rel, holds, unit.slug)
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


def _repository_of(file: str) -> str:
    """The repository part of a file's path relative to the top repository ('' for the top one's own files)."""
    parts = file.split("/")
    return "/".join(parts[:parts.index(OKRS_DIR)]) if OKRS_DIR in parts else ""
