"""Find an OKR repository on disk and load it into :mod:`okrops.model` objects.

Loading never raises for what is inside the files: every problem becomes a
:class:`~okrops.findings.Finding`, and a file with schema errors is left out of
the model (recorded in ``Organisation.broken_files``) so one broken file does
not drown the report in follow-on errors.
"""

from __future__ import annotations

import gc
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from okrops.filereader import FileReader
from okrops.findings import Finding
from okrops.location import find_okrs_dir
from okrops.model import Config, Organisation
from okrops.settingsfiles import CONFIG_FILE, STRATEGY_FILE, UNIT_FILE, load_config, load_strategy
from okrops.unittree import OKRS_DIR, SAFE_NAME, UnitTree, check_top_level, is_yaml_name
from okrops.yamlio import YamlProblem, locate_many, read_text

__all__ = ["CONFIG_FILE", "STRATEGY_FILE", "UNIT_FILE", "OKRS_DIR", "SAFE_NAME", "LoadResult", "find_okrs_dir",
           "is_yaml_name", "load", "read_config", "resolve_locations"]


@dataclass
class LoadResult:
    organisation: Optional[Organisation]
    root: str
    findings: list[Finding] = field(default_factory=list)
    files_read: int = 0
    read_files: dict[str, list] = field(default_factory=dict)  # see FileReader.read_files


def read_config(root: Path, okrs_dir: Path) -> Optional[Config]:
    """Only ``okrs/okrops.yaml``, as the loader reads it (None when it cannot be used)."""
    return load_config(FileReader(root, okrs_dir))


def _load_organisation(reader: FileReader) -> Optional[Organisation]:
    config = load_config(reader)
    strategy = load_strategy(reader)
    check_top_level(reader)
    if config is None:
        return None
    org = Organisation(str(reader.root), str(reader.okrs_dir), config, strategy)
    UnitTree(reader, org).walk(reader.okrs_dir)
    if config.includes:
        from okrops.includes import load_includes

        load_includes(reader, org)
    return org


def load(start: Optional[str | os.PathLike] = None) -> LoadResult:
    """Load the OKR repository at or above ``start``; problems come back as findings."""
    root, okrs_dir = find_okrs_dir(start)
    reader = FileReader(root, okrs_dir)
    # Parsing makes millions of small objects and the model keeps them all: the cyclic
    # garbage collector would only walk them again and again (about 15% of the time).
    collecting = gc.isenabled()
    gc.disable()
    try:
        organisation = _load_organisation(reader)
        reader.checked.finish()
    finally:
        if collecting:
            gc.enable()
    return LoadResult(organisation, str(root), reader.findings, reader.files_read, reader.read_files)


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
