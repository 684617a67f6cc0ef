"""The plan of a cold history read: which file versions each commit needs, as the raw log is read.

:class:`Planner` reads ``git log --raw`` (:func:`okrops.record.gitlog.read_changes`): each
commit's changes to cycle files and unit files under the OKR folder (:class:`Paths`), the
first parents and ``unit.yaml`` changes the unit states need (:class:`History`), and the
blob ids to ask ``git cat-file`` for (:class:`RequestWriter`), each version once (:class:`Recent`).
:mod:`okrops.record.historyread` walks the same commits a little behind, as the versions arrive.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Iterator

from okrops.record import gitlog
from okrops.record.unitstates import UNIT_FILE

NOT_CYCLE_FILES = ("unit.yaml", "okrops.yaml", "strategy.yaml")


class _Memo(dict):
    """``function(key)`` by key, each worked out once."""

    def __init__(self, function):
        super().__init__()
        self.function = function

    def __missing__(self, key):
        value = self[key] = self.function(key)
        return value


class Paths:
    """Which paths under the OKR folder are cycle files and unit files (answers memoised per path)."""

    def __init__(self, prefix: str):
        self.prefix = prefix.strip("/")
        self.start = self.prefix + "/" if self.prefix else ""
        self._kinds = _Memo(self._kind)
        # wanted() and kind() as memoised lookups (a dict's own method: no Python call for a path seen before)
        self.wanted_lookup = _Memo(self.wanted).__getitem__
        self.kind_lookup = self._kinds.__getitem__

    def wanted(self, path: str) -> bool:
        return path.startswith(self.start) and path.endswith(".yaml") and "/" in path[len(self.start):]

    def kind(self, path: str):
        """UNIT_FILE for a unit.yaml, (unit, cycle) for a cycle file, None for anything else."""
        return self._kinds[path]

    def _kind(self, path: str):
        folder, _slash, name = path.rpartition("/")
        if name == UNIT_FILE:
            return UNIT_FILE
        if name in NOT_CYCLE_FILES or len(folder) <= len(self.prefix):
            return None
        return folder.rpartition("/")[2], name[: -len(".yaml")]

    def unit_folders(self, path: str) -> list[str]:
        """The folders that may be units holding the file at ``path``, innermost first."""
        folders = []
        folder = path.rpartition("/")[0]
        while len(folder) > len(self.prefix):
            folders.append(folder)
            folder = folder.rpartition("/")[0]
        return folders


class Recent:
    """The file versions held, by blob id: at least the ``capacity`` most recently used.

    A commit's old version is usually the new version of the next commit walked
    that touched the file, but with branches (a check-in on a branch, then its
    merge) the versions of a file come back out of turn: holding a few hundred
    keeps every version read once.

    The planner hands out a *slot* per version (a one-item list): a new slot means
    the version must be read (its id joins the requests to ``git cat-file``), and
    the walk, which goes through the same commits in the same order, fills the slot
    when it gets there; a version asked for again gets the same slot, filled by then.
    So the planner alone decides what is read, and the walk never looks anything up.

    Two generations of plain dicts rather than a least-recently-used list: when the
    young one is full it becomes the old one, and a version found in the old one
    moves back to the young one. The same guarantee for a fraction of the cost.
    """

    __slots__ = ("capacity", "young", "old")

    def __init__(self, capacity: int = 1024):
        self.capacity = capacity
        self.young: dict = {}
        self.old: dict = {}

    def slot(self, blob: str, reads: list) -> list:
        """The slot of ``blob`` (marked as used); a new one, with ``blob`` added to ``reads``, when not held."""
        young = self.young
        slot = young.get(blob)
        if slot is None:
            slot = self.old.get(blob)
            if slot is None:
                slot = [None]
                reads.append(blob)
            young[blob] = slot
            if len(young) > self.capacity:
                self.old, self.young = young, {}
        return slot


BATCH = 256  # blob requests written to git cat-file at a time


class RequestWriter:
    """Writes blob requests to ``git cat-file`` without ever waiting for it (a non-blocking pipe).

    What the pipe cannot take yet is kept and written on the next call.
    """

    def __init__(self, cat: gitlog.GitProcess):
        self.stdin = cat.stdin
        self.fd = self.stdin.fileno()
        try:
            os.set_blocking(self.fd, False)
        except (AttributeError, OSError):  # pragma: no cover - no non-blocking pipes here: writes wait a little
            pass
        self.buffer = bytearray()

    def put(self, blobs: list[str]) -> None:
        if blobs:
            self.buffer += ("\n".join(blobs) + "\n").encode("ascii")
        while self.buffer:
            try:
                count = os.write(self.fd, self.buffer)
            except BlockingIOError:
                break
            except OSError:  # cat-file stopped: its exit status says why
                self.buffer.clear()
                break
            del self.buffer[:count]

    def close(self) -> None:
        """Write what is left (waiting for cat-file now) and close its input."""
        if self.stdin.closed:
            return
        try:
            os.set_blocking(self.fd, True)
            while self.buffer:
                count = os.write(self.fd, self.buffer)
                del self.buffer[:count]
        except OSError:  # cat-file stopped: its exit status says why
            pass
        self.stdin.close()


@dataclass
class History:
    """What the raw log says about the unit files: first parents and unit.yaml changes, for the unit states."""

    first_parent: dict = field(default_factory=dict)  # sha -> first parent or None
    unit_changes: dict = field(default_factory=dict)  # sha -> [(unit.yaml path, blob or None)]


class Planner:
    """Reads the raw log: each commit's cycle-file changes, the unit files' history, and the blob requests."""

    def __init__(self, paths: Paths, writer):
        self.paths = paths
        self.writer = writer
        self.tree = History()
        self.recent = Recent()
        self.requested = 0  # blob requests planned so far

    def commits(self, raw: gitlog.GitProcess) -> Iterator[tuple[str, list, int]]:
        """(sha, cycle-file changes, number of blob requests up to this commit's), in git's order.

        A change is (path, (unit, cycle), old blob, new blob, old slot, new slot); a slot is
        None for a version that does not exist (see :class:`Recent`).
        """
        pending: list[str] = []
        kind = self.paths.kind_lookup
        first_parent = self.tree.first_parent
        unit_changes = self.tree.unit_changes
        slot = self.recent.slot
        zero = gitlog.ZERO_OIDS
        for sha, parents, changes in gitlog.read_changes(raw, self.paths.wanted_lookup):
            first_parent[sha] = parents[0] if parents else None
            cycle = []
            if changes:
                before = len(pending)
                for _status, old, new, path in changes:
                    what = kind(path)
                    if what is UNIT_FILE:
                        unit_changes.setdefault(sha, []).append((path, None if new in zero else new))
                    elif what is not None:
                        if new in zero:
                            cycle.append((path, what, old, new, None, None))
                        else:
                            new_slot = slot(new, pending)
                            cycle.append((path, what, old, new, None if old in zero else slot(old, pending),
                                          new_slot))
                self.requested += len(pending) - before
                if len(pending) >= BATCH:
                    self.writer.put(pending)
                    pending = []
            yield sha, cycle, self.requested
        self.writer.put(pending)
