"""Reading one OKR file: parse it, check it against its schema, and collect what is wrong.

A :class:`FileReader` is what the loader's parts share: it turns paths into repository-relative
names, records findings, and counts the files read. Nothing here raises for what is inside a
file: every problem becomes a :class:`~okrops.findings.Finding`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Optional

from okrops import schemas
from okrops.findings import Finding, Severity
from okrops.yamledit import line_break_problem
from okrops.yamlio import YamlProblem, load_fast, locate, read_text


class FileReader:
    """Reads and schema-checks files below ``root``, collecting findings."""

    def __init__(self, root: Path, okrs_dir: Path):
        self.root = root
        self.okrs_dir = okrs_dir
        self.findings: list[Finding] = []
        self.files_read = 0

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
