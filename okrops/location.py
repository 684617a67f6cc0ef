"""Where an OKR repository is: its ``okrs/`` folder, found from any path in or above it.

Kept apart from the loader so that finding the repository imports nothing heavy (the
validate run cache, :mod:`okrops.runcache`, needs it before it knows whether anything must be read).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

from okrops.errors import RepositoryNotFound

OKRS_DIR = "okrs"
CONFIG_FILE = "okrops.yaml"


def present(path: Path) -> bool:
    """A file, or a symbolic link in its place (which the loader then refuses with a finding)."""
    return path.is_file() or path.is_symlink()


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
        if present(candidate / CONFIG_FILE) and candidate.name == OKRS_DIR:
            return candidate.parent, candidate
        if (candidate / OKRS_DIR).is_symlink():
            from okrops.yamlio import SYMLINK_REFUSED

            raise RepositoryNotFound(
                f"{candidate / OKRS_DIR}: the {OKRS_DIR} folder is a symbolic link; {SYMLINK_REFUSED} folder")
        if present(candidate / OKRS_DIR / CONFIG_FILE):
            return candidate, candidate / OKRS_DIR
        if present(candidate / CONFIG_FILE):
            return candidate.parent, candidate
    raise RepositoryNotFound(
        f"no OKR repository found at {given} or above it: expected {OKRS_DIR}/{CONFIG_FILE}. "
        "Run okrops in an OKR repository, pass its path, or create one with 'okrops init'."
    )
