"""Reading one OKR file: parse it, check it against its schema, and collect what is wrong.

A :class:`FileReader` is what the loader's parts share: it turns paths into repository-relative
names, records findings, and counts the files read. Nothing here raises for what is inside a
file: every problem becomes a :class:`~okrops.findings.Finding`.
"""

from __future__ import annotations

import hashlib
import os
from datetime import date
from pathlib import Path
from typing import Optional

from okrops import schemas
from okrops.findings import Finding, Severity
from okrops.yamledit import line_break_problem
from okrops.checkcache import CheckCache
from okrops.yamlio import YamlProblem, decode, load_fast, locate, read_raw


class FileReader:
    """Reads and schema-checks files below ``root``, collecting findings."""

    def __init__(self, root: Path, okrs_dir: Path, folder_prefix: str = "", checked: Optional[CheckCache] = None):
        self.root = root
        self.okrs_dir = okrs_dir
        self.folder_prefix = folder_prefix  # an included repository's units: the folder of the unit they attach under
        self.findings: list[Finding] = []
        self.files_read = 0
        self.checked = checked if checked is not None else CheckCache.of(root)
        # every file read: repository-relative name -> [sha256 of its bytes, and for a cycle file read whole
        # (see okrops.cyclefiles) what okrops.runcache needs to redo it alone]
        self.read_files: dict[str, list] = {}

    def rel(self, path: Path) -> str:
        """``path`` relative to the repository root (an included repository's files: with ../ where needed)."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return Path(os.path.relpath(path, self.root)).as_posix()

    def unit_folder(self, folder: Path) -> str:
        """A unit's folder as the model names it: relative to okrs/, below the unit an inclusion attaches to."""
        own = folder.relative_to(self.okrs_dir).as_posix()
        return f"{self.folder_prefix}/{own}" if self.folder_prefix else own

    def included(self, okrs_dir: Path, folder_prefix: str) -> "FileReader":
        """A reader for an included repository's okrs/ folder that reports into this one."""
        other = FileReader(self.root, okrs_dir, folder_prefix)
        other.findings = self.findings
        other.checked = self.checked
        other.read_files = self.read_files
        return other

    def add(self, file: str, message: str, rule: str, path=(), severity=Severity.ERROR, hint: str = "", line=0, column=0):
        self.findings.append(Finding(file, severity, message, rule, tuple(path), line, column, hint))

    def read(self, path: Path, kind: str) -> Optional[dict]:
        """Parse and schema-check one file; None (with findings) when it cannot be used.

        The answer for the file's bytes comes from the validate cache when it holds it
        (:mod:`okrops.checkcache`): the same answer, by construction.
        """
        rel = self.rel(path)
        raw = self.read_bytes(path, rel)
        return None if raw is None else self.checked_data(rel, raw, kind)

    def read_bytes(self, path: Path, rel: str) -> Optional[bytes]:
        self.files_read += 1
        try:
            raw = read_raw(path)
        except YamlProblem as problem:
            self.read_files[rel] = [None]
            self.add(rel, problem.message, problem.rule, line=problem.line, column=problem.column)
            return None
        self.read_files[rel] = [hashlib.sha256(raw).digest()]
        return raw

    def checked_data(self, rel: str, raw: bytes, kind: str, cached: bool = True) -> Optional[dict]:
        if cached:
            data, found = self.checked.answer((kind,), raw, lambda: check_file(raw, kind))
        else:
            data, found = check_file(raw, kind)
        for message, rule, doc_path, severity, hint, line, column in found:
            self.add(rel, message, rule, tuple(doc_path), Severity(severity), hint, line, column)
        return data

    def parse_date(self, rel: str, value: str, path) -> Optional[date]:
        try:
            day = date.fromisoformat(value)
        except (TypeError, ValueError):
            self.add(rel, f"{value!r} is not a real calendar date (YYYY-MM-DD)", "date", path)
            return None
        from okrops.clock import EARLIEST, LATEST, within

        if not within(day):
            self.add(rel, f"{value!r} is out of range", "date", path,
                     hint=f"write a date from {EARLIEST} to {LATEST}")
            return None
        return day


def check_file(raw: bytes, kind: str) -> tuple[Optional[dict], list[tuple]]:
    """(the document, or None when it cannot be used; findings) of one file's bytes, as plain data.

    A finding is (message, rule, key path, severity, hint, line, column). This depends on
    ``raw`` and ``kind`` alone, which is what lets :mod:`okrops.checkcache` keep it.
    """
    found: list[tuple] = []
    try:
        text = decode(raw)
        data = load_fast(text)
    except YamlProblem as problem:
        return None, [(problem.message, problem.rule, (), int(Severity.ERROR), "", problem.line, problem.column)]
    layout = line_break_problem(text)
    if layout is not None:  # check-in cannot add a line that matches such a file
        found.append((layout[1], "line-breaks", (), int(Severity.WARNING), "", layout[0], 1))
    if not isinstance(data, dict):
        line, column = locate(text, ())
        found.append((f"the top level must be a mapping of keys, got {type(data).__name__}", "schema", (),
                      int(Severity.ERROR), "", line, column))
        return None, found
    if schemas.is_valid(kind, data):
        return data, found
    for doc_path, message in schemas.errors(kind, data):
        found.append((message, "schema", tuple(doc_path), int(Severity.ERROR), "", 0, 0))
    return None, found
