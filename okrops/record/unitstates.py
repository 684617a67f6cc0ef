"""Which units were private at any commit: the ``unit.yaml`` files along first parents.

The history reader (:mod:`okrops.record.historyread`) asks, for each entry, whether
the unit holding its file, or a unit above it, was private at the commit that
wrote it, so that the site can hold back notes written in private. The answer
comes from the ``unit.yaml`` changes the raw log already lists: a commit's
unit files are its first parent's, changed by its own diff. A unit file that
does not read, or a visibility other than ``public``, counts as private (fail
closed); so does a commit whose unit files cannot be known.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from okrops.record import gitlog

if TYPE_CHECKING:  # pragma: no cover
    from okrops.record.historyplan import History, Paths

UNIT_FILE = "unit.yaml"
PUBLIC_UNIT, PRIVATE_UNIT, NOT_A_UNIT = 0, 1, 2


class UnitStates:
    """The ``unit.yaml`` blobs at any commit of the range, along first parents; and whether they are private."""

    def __init__(self, toplevel: str, tree: History, paths: Paths):
        self.tree = tree
        self.paths = paths
        self.states: dict[str, Optional[dict]] = {}  # sha -> {unit.yaml path: blob}; None: unknown
        for parent in set(tree.first_parent.values()):
            if parent is not None and parent not in tree.first_parent:
                self.states[parent] = _units_at(toplevel, parent, paths)  # the range starts after this commit
        self.private_blob: dict[str, bool] = {}
        self._order: list[str] = []
        self._answers: dict[tuple[int, str], bool] = {}

    def blobs_to_read(self) -> list[str]:
        blobs = {blob for changes in self.tree.unit_changes.values() for _path, blob in changes if blob}
        for state in self.states.values():
            blobs.update((state or {}).values())
        self._order = sorted(blobs)
        return self._order

    def read_blobs(self, reader: gitlog.BlobReader) -> None:
        from okrops.yamlio import YamlProblem, decode, load_fast

        for blob in self._order:
            data = reader.next(blob)
            try:
                document = load_fast(decode(data)) if data is not None else None
            except YamlProblem:
                document = None
            self.private_blob[blob] = not isinstance(document, dict) or document.get("visibility", "public") != "public"

    def state(self, sha: str) -> Optional[dict]:
        chain = []
        current: Optional[str] = sha
        while current is not None and current not in self.states:
            chain.append(current)
            current = self.tree.first_parent.get(current)
        state = {} if current is None else self.states[current]
        for commit in reversed(chain):
            changes = self.tree.unit_changes.get(commit)
            if changes and state is not None:
                state = dict(state)
                for path, blob in changes:
                    if blob is None:
                        state.pop(path, None)
                    else:
                        state[path] = blob
            self.states[commit] = state
        return state

    def standing(self, sha: str, path: str) -> int:
        """PUBLIC, PRIVATE (the unit holding ``path`` at commit ``sha`` or a unit above it; or not known)
        or NOT_A_UNIT (the file's folder had no unit.yaml at that commit)."""
        state = self.state(sha)
        if state is None:
            return PRIVATE_UNIT
        key = (id(state), path)
        answer = self._answers.get(key)
        if answer is None:
            answer = self._answers[key] = self._standing(state, path)
        return answer

    def _standing(self, state: dict, path: str) -> int:
        folders = self.paths.unit_folders(path)
        if not folders or folders[0] + "/" + UNIT_FILE not in state:
            return NOT_A_UNIT
        for folder in folders:
            blob = state.get(folder + "/" + UNIT_FILE)
            if blob is not None and self.private_blob.get(blob, True):
                return PRIVATE_UNIT
        return PUBLIC_UNIT


def _units_at(toplevel: str, sha: str, paths: Paths) -> Optional[dict]:
    try:
        out = gitlog.run_git(toplevel, ["ls-tree", "-r", "-z", "--full-tree", sha, "--", paths.prefix or "."])
    except gitlog.GitError:
        return None  # e.g. the edge of a shallow clone: unknown, so private
    state = {}
    for entry in out.split(b"\0"):
        meta, _tab, name = entry.partition(b"\t")
        path = name.decode("utf-8", "surrogateescape")
        if meta[:6] in (b"100644", b"100755") and paths.kind(path) is UNIT_FILE:
            state[path] = meta.split()[2].decode("ascii")
    return state
