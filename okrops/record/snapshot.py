"""Time travel: the organisation exactly as it stood on a day or at a commit.

``--as-of DATE|REF`` on ``status``, ``lint``, ``history``, ``diff`` and ``site build`` all come
here. A date picks the last commit on the first-parent line of HEAD whose committer date (in
the committer's own time zone) is on or before that day: the state of the main line that
day, merges of pull requests included, branches not yet merged left out. A ref (a tag such
as ``okrs/2026-Q3``, a branch, a commit) picks that commit, and the day it was committed.

The files are read from that commit through git's plumbing (one ``git ls-tree`` and one
``git cat-file --batch``, :func:`okrops.record.gitrefs.extract`), never by checking out,
into a private temporary folder that lives as long as the ``with`` block; the organisation
loaded from it remembers (``Organisation.record_at``) which repository and commit it came
from, so its check-in history is the history up to that commit
(:func:`okrops.record.history.record_source`). Scores and expected progress are computed
for the snapshot's day.

``okrops diff`` loads both of its sides through :func:`load_at` too.
"""

from __future__ import annotations

import re
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Iterator, Optional

from okrops.record import gitrefs
from okrops.record.gitrefs import GitError

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Snapshot:
    """Which commit an ``--as-of`` value names, and the day to evaluate it on."""

    commit: str  # full commit id
    day: date  # the date given, or the commit's committer date
    given: str  # what the user wrote

    @property
    def label(self) -> str:
        return f"as of {self.day.isoformat()} (commit {self.commit[:10]})"


def parse_date(text: str) -> Optional[date]:
    """``text`` as a YYYY-MM-DD date; None when it does not look like one; an error when it is not a real date."""
    if not _DATE.fullmatch(text or ""):
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        from okrops.errors import UsageError

        raise UsageError(f"invalid date {text!r} for --as-of: use YYYY-MM-DD or a git ref") from None
    from okrops.clock import in_range

    return in_range(day, text, "--as-of")


def resolve(top: str | Path, as_of: str, start: str = "HEAD") -> Snapshot:
    """The commit and day ``as_of`` (a YYYY-MM-DD date or a git ref) names in the repository at ``top``."""
    day = parse_date(as_of)
    if day is None:
        commit = gitrefs.verify(top, as_of)
        return Snapshot(commit, _committed_on(top, commit), as_of)
    head = gitrefs.verify(top, start)
    # Committer dates are at most a day off the local day of any time zone: ask git only for those.
    before = (day + timedelta(days=2)).isoformat()
    listing = str(gitrefs.git(top, "log", "--first-parent", "--format=%H %cI", f"--before={before}", revs=[head]))
    for line in listing.splitlines():
        sha, _space, when = line.partition(" ")
        if when[:10] <= day.isoformat():
            return Snapshot(sha, day, as_of)
    first = str(gitrefs.git(top, "log", "--first-parent", "--format=%cI", "--reverse", revs=[head])).split("\n", 1)[0]
    raise GitError(f"nothing was committed on or before {day.isoformat()}: the history starts on {first[:10]}; "
                   "pick a later date")


def _committed_on(top: str | Path, commit: str) -> date:
    return date.fromisoformat(str(gitrefs.git(top, "show", "-s", "--format=%cI", revs=[commit])).strip()[:10])


def repository_paths(path: Optional[str]) -> tuple[Path, Path, Path, str]:
    """(repository root, okrs folder, git top level, okrs folder relative to it) for ``path``."""
    from okrops.repository import find_okrs_dir

    root, okrs_dir = find_okrs_dir(path)
    top = gitrefs.toplevel(okrs_dir)
    if top is None:
        raise GitError(f"{okrs_dir} is not in a git repository; refs and --as-of need git's history")
    return root, okrs_dir, top, okrs_dir.resolve().relative_to(top).as_posix()


def extract_okrs(top: Path, commit: str, subdir: str, dest: Path) -> Optional[Path]:
    """Write the OKR folder ``subdir`` as it stood at ``commit`` under ``dest``; its path there, or None."""
    dest.mkdir(parents=True, exist_ok=True)
    if not gitrefs.extract(top, commit, subdir, dest):
        return None
    return dest / subdir if subdir not in ("", ".") else dest


def load_at(top: Path, commit: str, subdir: str, dest: Path):
    """Load the organisation at ``commit`` from a copy under ``dest``.

    Returns a :class:`~okrops.repository.LoadResult`, or None when there is no OKR folder
    (or no ``okrops.yaml`` in it) at that commit. The organisation's history is the history
    up to ``commit``. ``dest`` must outlive the use of the result (lint reads the files again).
    """
    from okrops.errors import RepositoryNotFound
    from okrops.repository import CONFIG_FILE, load

    okrs = extract_okrs(top, commit, subdir, dest)
    if okrs is None or not (okrs / CONFIG_FILE).is_file():
        return None
    try:
        result = load(okrs)
    except RepositoryNotFound:
        return None
    if result.organisation is not None:
        result.organisation.record_at = (str(top), str(top / subdir if subdir not in ("", ".") else top), commit)
    return result


MEMORY_TMP = "/dev/shm"  # a RAM-backed folder where the system has one: writing and removing thousands of files is cheap


@contextmanager
def scratch(prefix: str) -> Iterator[str]:
    """A private temporary folder for a snapshot's files, in memory (``/dev/shm``) where the system has one.

    On a disk, writing and then removing an organisation's thousands of files costs more than
    reading them (measured: 1,000 units, 3,002 files, several seconds on a busy disk).
    """
    import os

    where = MEMORY_TMP if os.path.isdir(MEMORY_TMP) and os.access(MEMORY_TMP, os.W_OK | os.X_OK) else None
    with tempfile.TemporaryDirectory(prefix=prefix, dir=where) as tmp:
        yield tmp


@contextmanager
def validated(path: Optional[str], as_of: str, check: bool = True) -> Iterator[tuple[object, Snapshot]]:
    """``with validated(path, "2026-10-12") as (result, snapshot)``: the validated organisation then.

    ``result`` is a :class:`~okrops.repository.LoadResult` (its findings name files as
    ``okrs/...``, as they were at that commit); ``check=False`` only loads (as ``okrops
    history`` does).
    """
    from okrops.errors import LoadError

    _root, _okrs_dir, top, subdir = repository_paths(path)
    snapshot = resolve(top, as_of)
    with scratch("okrops-as-of-") as tmp:
        result = load_at(top, snapshot.commit, subdir, Path(tmp))
        if result is None:
            raise LoadError(f"there is no OKR folder ({subdir or '.'}/okrops.yaml) at commit {snapshot.commit[:10]} "
                            f"({snapshot.label}); pick a later date or ref")
        from okrops.validate import checked

        yield checked(result) if check else result, snapshot


# --- closed cycles, tagged -------------------------------------------------------------------

TAG_PREFIX = "okrs/"  # a closed cycle's scored state: the annotated tag okrs/<cycle>


def tag_name(cycle: str) -> str:
    return f"{TAG_PREFIX}{cycle}"


def tagged_commit(top: str | Path, cycle: str) -> Optional[str]:
    """The commit the tag ``okrs/<cycle>`` points at, or None."""
    try:
        gitrefs.check_revision(tag_name(cycle))
        out = str(gitrefs.git(top, "rev-parse", "--verify", "--quiet", revs=[f"refs/tags/{tag_name(cycle)}^{{commit}}"]))
    except GitError:
        return None
    return out.strip() or None


def tag_cycle(top: str | Path, cycle: str, message: str) -> tuple[str, bool]:
    """Tag HEAD as the closed state of ``cycle`` (annotated ``okrs/<cycle>``); (commit, created).

    An existing tag on HEAD is left as it is (created False); one elsewhere is an error: moving
    the record of a closed cycle is a decision for a person (``git tag -d`` first).
    """
    name = tag_name(cycle)
    try:
        gitrefs.git(top, "check-ref-format", f"refs/tags/{name}")
    except GitError:
        raise GitError(f"{name!r} is not a valid tag name; rename the cycle") from None
    head = gitrefs.verify(top, "HEAD")
    existing = tagged_commit(top, cycle)
    if existing == head:
        return head, False
    if existing is not None:
        raise GitError(f"tag {name} already marks commit {existing[:10]}, not HEAD ({head[:10]}); to move it, "
                       f"delete it first (git tag -d {name}; git push origin :refs/tags/{name})")
    dirty = str(gitrefs.git(top, "status", "--porcelain", "--untracked-files=no")).strip()
    if dirty:
        raise GitError("the work tree has uncommitted changes; tag only the merged, committed state "
                       "(commit or stash them, then run this again)")
    gitrefs.git(top, "tag", "-a", f"--message={message}", revs=[name, head])
    return head, True
