"""What a check-in in flight has changed, so that one killed outright (SIGKILL, a power cut
of the process) is finished or undone by the next check-in.

A check-in (:mod:`okrops.record.gitcommit`) undoes its own work on any error or catchable
signal. Nothing can catch SIGKILL, so before each change anyone can see, it writes down
here what it is about to do: the branch and the commit it builds on, each working file's
backup (a hard link to the original) and the new content's digest, the backup of the
index, and the new commit once it exists. Its ``index.lock`` carries a marker, so the next
check-in knows the lock is a dead check-in's and not another git's.

:func:`recover` runs under okrops' check-in lock, before anything else. Holding that lock
means no other check-in of the repository is alive, so a journal or a marked
``index.lock`` it finds was left by a process that died. When HEAD is the journal's new
commit, the check-in landed and only its leftovers are removed; otherwise every working
file and the index are put back from their backups and a branch it created is deleted:
the repository is exactly as it was before. A file changed by someone since (its content
is neither the original nor the check-in's) is left alone with its backup beside it, and
the message says so: nothing of the user's is overwritten.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Callable, Optional

JOURNAL = "okrops-checkin.journal"
LOCK_MARKER = b"okrops check-in"


def digest(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


class Journal:
    """The record of one attempt, rewritten whole (write and rename) at each step."""

    def __init__(self, git_dir: Path, index: Path, head_name: str, old: str, branch: Optional[str]):
        self.path = Path(git_dir) / JOURNAL
        self.data = {"pid": os.getpid(), "index": str(index), "head": head_name, "old": old, "branch": branch,
                     "commit": None, "files": [], "index_backup": None}
        self.saved = False

    def add_file(self, target: Path, backup: Path, new: Path, data: bytes) -> None:
        self.data["files"].append({"target": str(target), "backup": str(backup), "new": str(new),
                                   "sha": digest(data)})
        self.save()

    def set(self, key: str, value: str) -> None:
        self.data[key] = value
        self.save()

    def save(self) -> None:
        temp = self.path.with_name(f"okrops-tmp-journal-{os.getpid()}")  # swept like every okrops-tmp- file
        try:
            temp.write_text(json.dumps(self.data), encoding="utf-8")
            os.replace(temp, self.path)
        except BaseException:
            _unlink(temp)
            raise
        self.saved = True

    def remove(self) -> None:
        if self.saved:
            _unlink(self.path)


def mark_lock(fd: int) -> None:
    """Write the marker into a freshly created ``index.lock`` (git never reads a lock's content)."""
    try:
        os.write(fd, LOCK_MARKER + f" pid {os.getpid()}\n".encode())
    except OSError:
        pass  # a full disk: the lock stays unmarked, and a dead holder's lock is then git's advice to remove it


def recover(git_dir: Path, index: Path, head_of: Callable[[], Optional[str]],
            delete_ref: Callable[[str, str], None]) -> list[str]:
    """Finish or undo a check-in that died in ``git_dir``; what could not be put back, in words.

    ``head_of()`` gives the commit HEAD points at now (None when it cannot be read);
    ``delete_ref(ref, oid)`` deletes a branch the dead check-in created, if it still points at ``oid``.
    """
    problems: list[str] = []
    journal = _read(Path(git_dir) / JOURNAL)
    lock = Path(f"{index}.lock")
    ours = _is_marked(lock)
    if journal is not None:
        landed = bool(journal.get("commit")) and head_of() == journal["commit"]
        for entry in reversed(journal.get("files", [])):
            target, backup, new = Path(entry["target"]), Path(entry["backup"]), Path(entry["new"])
            _unlink(new)
            if not os.path.lexists(backup):
                continue
            if landed:
                _unlink(backup)
            elif _content_is(target, entry["sha"]) or _same_file(target, backup) or not os.path.lexists(target):
                os.replace(backup, target)
            else:
                problems.append(f"{target} was changed after an interrupted check-in; its content before the "
                                f"check-in is in {backup}")
        if not landed and journal.get("branch") and journal.get("commit"):
            delete_ref(f"refs/heads/{journal['branch']}", journal["commit"])
        saved_index = journal.get("index_backup")
        if saved_index and os.path.lexists(saved_index):
            if landed:
                _unlink(Path(saved_index))
            elif ours:  # nobody could write the index while the dead check-in's lock was there
                os.replace(saved_index, index)
            else:
                problems.append(f"the index may hold an interrupted check-in's entries; the index before it is "
                                f"in {saved_index}")
    if ours:
        _unlink(lock)
    if journal is not None:
        _unlink(Path(git_dir) / JOURNAL)
    return problems


def _read(path: Path) -> Optional[dict]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _is_marked(lock: Path) -> bool:
    try:
        with open(lock, "rb") as handle:
            return handle.read(len(LOCK_MARKER)) == LOCK_MARKER
    except OSError:
        return False


def _content_is(path: Path, sha: str) -> bool:
    try:
        return digest(path.read_bytes()) == sha
    except OSError:
        return False


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.read_bytes() == b.read_bytes()
    except OSError:
        return False


def _unlink(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
