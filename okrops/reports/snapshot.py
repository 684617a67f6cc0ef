"""The OKR repository as it was at a past date, read from git without checking anything out.

Reports for a past date (``--as-of``) and the site's archive of past weeks are rebuilt from
git: the commit on HEAD's first-parent line at the end of that day (``git rev-list --before``),
its okrs/ folder written to a temporary folder with git's plumbing (``ls-tree`` and
``cat-file --batch``, :func:`okrops.record.gitrefs.extract`) and loaded like any repository.
The working tree, the index and HEAD are never touched.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Optional

from okrops.model import Organisation
from okrops.record import gitrefs


@dataclass
class Snapshot:
    day: date
    commit: Optional[str]  # None: no commit yet on that day
    org: Optional[Organisation]  # None: no commit, or okrops.yaml did not load then


def commit_at(root: str | Path, day: date) -> Optional[str]:
    """The last commit on HEAD's first-parent line committed by the end of ``day`` (UTC); None before the first."""
    out = str(gitrefs.git(root, "rev-list", "-1", "--first-parent", f"--before={day.isoformat()}T23:59:59Z",
                          revs=["HEAD"])).strip()
    return out or None


class Snapshots:
    """Snapshots of one repository, each commit read once, in a temporary folder removed by :meth:`close`."""

    def __init__(self, root: str | Path, okrs_dir: str | Path):
        self.top = gitrefs.toplevel(okrs_dir)
        if self.top is None:
            raise gitrefs.GitError(f"{okrs_dir} is not in a git repository: reports for a date are rebuilt from git")
        self.subdir = Path(okrs_dir).resolve().relative_to(self.top.resolve()).as_posix()
        self._tmp = tempfile.TemporaryDirectory(prefix="okrops-asof-")
        self._by_commit: dict[str, Optional[Organisation]] = {}

    def at(self, day: date) -> Snapshot:
        commit = commit_at(self.top, day)
        if commit is None:
            return Snapshot(day, None, None)
        if commit not in self._by_commit:
            self._by_commit[commit] = self._load(commit)
        return Snapshot(day, commit, self._by_commit[commit])

    def _load(self, commit: str) -> Optional[Organisation]:
        from okrops.errors import RepositoryNotFound
        from okrops.repository import CONFIG_FILE, load

        dest = Path(self._tmp.name) / commit
        dest.mkdir()
        if not gitrefs.extract(self.top, commit, self.subdir, dest):
            return None
        okrs = dest / self.subdir
        if not (okrs / CONFIG_FILE).is_file():
            return None
        try:
            return load(okrs).organisation
        except RepositoryNotFound:
            return None

    def close(self) -> None:
        self._tmp.cleanup()

    def __enter__(self) -> "Snapshots":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
