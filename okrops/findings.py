"""Findings: what validate and lint report, as plain data."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Union

PathPart = Union[str, int]
DocPath = tuple[PathPart, ...]


class Severity(IntEnum):
    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> "Severity":
        return cls[text.upper()]


@dataclass
class Finding:
    """One problem at one place.

    ``file`` is relative to the repository root; ``path`` is the key path inside
    the YAML document (used to find ``line`` and ``column`` when the finding is
    reported). ``line`` and ``column`` are 1-based; 0 means "the whole file".
    """

    file: str
    severity: Severity
    message: str
    rule: str
    path: DocPath = ()
    line: int = 0
    column: int = 0
    hint: str = ""
    ref: str = ""

    def sort_key(self) -> tuple:
        return (self.file, self.line, self.column, self.rule, self.message)

    def as_dict(self) -> dict:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "severity": self.severity.label,
            "rule": self.rule,
            "message": self.message,
            "hint": self.hint,
            "ref": self.ref,
        }


@dataclass
class Report:
    """Findings of one run, in order, with counts by severity."""

    findings: list[Finding] = field(default_factory=list)
    files_checked: int = 0

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def worst(self) -> Severity | None:
        return max((f.severity for f in self.findings), default=None)
