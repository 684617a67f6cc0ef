"""``.github/CODEOWNERS`` from the units' maintainers.

Every unit with ``maintainers`` in its ``unit.yaml`` owns its folder, so a
pull request that changes a team's OKRs asks that team for review. CODEOWNERS
is last-match-wins: a unit's line comes after its parent's, so the team below
owns its own folder, and a unit without maintainers falls back to the nearest
unit above it that has some. The root files (okrops.yaml, strategy.yaml) and
CODEOWNERS itself belong to the maintainers of the top-level units.

okrops manages only the block between its markers; anything else in the file
(owners of other paths) is kept as it is. Paths are written with
:func:`okrops.safetext.codeowners_path` (spaces escaped); a folder whose name CODEOWNERS
cannot hold unambiguously is left out and reported, and only owners that are git-host
handles are written, so no name in a unit.yaml or a folder can add a line or an owner.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from okrops.model import Organisation
from okrops.safetext import codeowners_path

# A git-host handle, as the unit schema's maintainers pattern: @user or @org/team.
HANDLE = re.compile(r"^@[A-Za-z0-9][A-Za-z0-9-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)?$")

BEGIN = "# BEGIN okrops codeowners: generated from okrs/**/unit.yaml maintainers by 'okrops codeowners'; do not edit"
END = "# END okrops codeowners"
CODEOWNERS_PATH = ".github/CODEOWNERS"


@dataclass
class Plan:
    path: Path  # the CODEOWNERS file
    current: Optional[str]  # its text now, None when missing
    wanted: str  # its text after the update
    skipped: list[str] = field(default_factory=list)  # paths CODEOWNERS cannot hold, left out

    @property
    def up_to_date(self) -> bool:
        return self.current == self.wanted


def _owners(unit) -> list[str]:
    return [m for m in unit.maintainers if isinstance(m, str) and HANDLE.match(m)]


def block(org: Organisation, prefix: str = "okrs", skipped: Optional[list[str]] = None) -> str:
    """The generated CODEOWNERS block (markers included), ``prefix`` being okrs/ relative to the git root.

    Paths CODEOWNERS cannot hold are left out and appended to ``skipped``.
    """
    prefix = prefix.strip("/")
    skipped = skipped if skipped is not None else []
    lines = [BEGIN]

    def line(path: str, owners: list[str]) -> None:
        written = codeowners_path(path)
        if written is None:
            skipped.append(path)
        else:
            lines.append(f"{written} {' '.join(owners)}")

    roots = [u for u, _ in org.walk() if u.parent is None]
    root_owners: list[str] = []
    for unit in roots:
        root_owners += [m for m in _owners(unit) if m not in root_owners]
    if root_owners:
        line(f"/{prefix}/okrops.yaml", root_owners)
        line(f"/{prefix}/strategy.yaml", root_owners)
        line(f"/{CODEOWNERS_PATH}", root_owners)
    for unit, _depth in org.walk():
        owners = _owners(unit)
        if owners:
            line(f"/{prefix}/{unit.folder}/", owners)
    lines.append(END)
    return "\n".join(lines) + "\n"


def merge(existing: Optional[str], generated: str) -> str:
    """``existing`` with its okrops block replaced by ``generated`` (appended when it has none)."""
    if not existing:
        return generated
    start = existing.find(BEGIN)
    if start >= 0:
        stop = existing.find(END, start)
        if stop >= 0:
            stop += len(END)
            if existing[stop:stop + 1] == "\n":
                stop += 1
            return existing[:start] + generated + existing[stop:]
    separator = "" if existing.endswith("\n\n") else ("\n" if existing.endswith("\n") else "\n\n")
    return existing + separator + generated


def plan(org: Organisation, git_root: Path, okrs_dir: Path, output: Optional[Path] = None) -> Plan:
    path = output or (git_root / CODEOWNERS_PATH)
    prefix = Path(okrs_dir).resolve().relative_to(Path(git_root).resolve()).as_posix()
    current = path.read_text(encoding="utf-8") if path.is_file() else None
    skipped: list[str] = []
    wanted = merge(current, block(org, prefix, skipped))
    return Plan(path, current, wanted, skipped)


def write(result: Plan) -> None:
    from okrops.yamlio import write_atomic

    result.path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(result.path, result.wanted)


def unified_diff(result: Plan) -> str:
    import difflib

    before = (result.current or "").splitlines(keepends=True)
    after = result.wanted.splitlines(keepends=True)
    return "".join(difflib.unified_diff(before, after, f"{CODEOWNERS_PATH} (now)", f"{CODEOWNERS_PATH} (expected)"))
