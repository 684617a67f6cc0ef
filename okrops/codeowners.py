"""``.github/CODEOWNERS`` from the units' maintainers.

Every unit with ``maintainers`` in its ``unit.yaml`` owns its folder, so a
pull request that changes a team's OKRs asks that team for review. CODEOWNERS
is last-match-wins: a unit's line comes after its parent's, so the team below
owns its own folder, and a unit without maintainers falls back to the nearest
unit above it that has some. The root files (okrops.yaml, strategy.yaml) and
CODEOWNERS itself belong to the maintainers of the top-level units.

okrops manages only the block between its markers; anything else in the file
(owners of other paths) is kept as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from okrops.model import Organisation

BEGIN = "# BEGIN okrops codeowners: generated from okrs/**/unit.yaml maintainers by 'okrops codeowners'; do not edit"
END = "# END okrops codeowners"
CODEOWNERS_PATH = ".github/CODEOWNERS"


@dataclass
class Plan:
    path: Path  # the CODEOWNERS file
    current: Optional[str]  # its text now, None when missing
    wanted: str  # its text after the update

    @property
    def up_to_date(self) -> bool:
        return self.current == self.wanted


def block(org: Organisation, prefix: str = "okrs") -> str:
    """The generated CODEOWNERS block (markers included), ``prefix`` being okrs/ relative to the git root."""
    prefix = prefix.strip("/")
    lines = [BEGIN]
    roots = [u for u, _ in org.walk() if u.parent is None]
    root_owners: list[str] = []
    for unit in roots:
        root_owners += [m for m in unit.maintainers if m not in root_owners]
    if root_owners:
        owners = " ".join(root_owners)
        lines.append(f"/{prefix}/okrops.yaml {owners}")
        lines.append(f"/{prefix}/strategy.yaml {owners}")
        lines.append(f"/{CODEOWNERS_PATH} {owners}")
    for unit, _depth in org.walk():
        if unit.maintainers:
            lines.append(f"/{prefix}/{unit.folder}/ {' '.join(unit.maintainers)}")
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
    return Plan(path, current, merge(current, block(org, prefix)))


def write(result: Plan) -> None:
    from okrops.yamlio import write_atomic

    result.path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(result.path, result.wanted)


def unified_diff(result: Plan) -> str:
    import difflib

    before = (result.current or "").splitlines(keepends=True)
    after = result.wanted.splitlines(keepends=True)
    return "".join(difflib.unified_diff(before, after, f"{CODEOWNERS_PATH} (now)", f"{CODEOWNERS_PATH} (expected)"))
