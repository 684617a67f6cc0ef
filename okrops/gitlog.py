"""Read check-ins from ``git log`` in one pass.

A check-in commit (made by :mod:`okrops.checkin`) carries git trailers, one
group per key result::

    Okr-Checkin: platform/2026-Q4/O1/KR2
    Okr-Value: 42
    Okr-Previous: 38
    Okr-Confidence: 0.6
    Okr-Note: "Two big customers migrated"

Reading the history is one ``git log`` subprocess whose output is split and
parsed in Python (no object per commit). Values changed by hand, for example
in a reviewed pull request, carry no trailers: a second, bounded pass asks git
which of the commits without trailers touched OKR files (``git diff-tree
--stdin``, only those commits) and reads the old and new versions of those
files only (``git cat-file --batch``). Both passes are linear in the history.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Iterable, Optional

TRAILER_REF = "Okr-Checkin"
TRAILER_VALUE = "Okr-Value"
TRAILER_PREVIOUS = "Okr-Previous"
TRAILER_CONFIDENCE = "Okr-Confidence"
TRAILER_PREVIOUS_CONFIDENCE = "Okr-Previous-Confidence"
TRAILER_NOTE = "Okr-Note"

# Fields of one commit; the message comes last so it may hold anything but NUL.
LOG_FORMAT = "%H%x1f%P%x1f%an%x1f%ae%x1f%aI%x1f%B"
_FIELDS = 6
_MARKER = TRAILER_REF.lower() + ":"
_NUMBER = re.compile(r"^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$")
_INT = re.compile(r"^[-+]?\d+$")


class GitError(Exception):
    """git could not be run or failed; the message says how."""


@dataclass
class Commit:
    sha: str
    parents: list[str]
    author: str
    email: str
    when: datetime
    message: str
    order: int = 0  # position in git log, 0 = newest

    @property
    def subject(self) -> str:
        return self.message.split("\n", 1)[0].strip()


@dataclass
class Entry:
    """One key result's values in one commit, as read from its trailers or from a file change."""

    ref: str
    value: Optional[float]
    confidence: Optional[float]
    note: str
    commit: Commit
    kind: str = "checkin"
    previous: Optional[float] = None


@dataclass
class LogResult:
    entries: list[Entry] = field(default_factory=list)
    commits: int = 0
    edit_candidates: list[Commit] = field(default_factory=list)


# --- numbers and trailer values ----------------------------------------------


def parse_number(text: str) -> Optional[float]:
    """``"42"`` -> 42, ``"0.6"`` -> 0.6; None for anything else (including nan and inf)."""
    text = text.strip()
    if not _NUMBER.match(text):
        return None
    if _INT.match(text):
        return int(text)
    return float(text)


def format_number(value: Optional[float]) -> str:
    """A number as a person would write it: 42, 42.5, 0.6 (never 42.0)."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int):
        return str(value)
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


def encode_note(note: str) -> str:
    """A note as one trailer-safe line: a JSON string (newlines and quotes escaped)."""
    return json.dumps(note, ensure_ascii=False)


def decode_note(text: str) -> str:
    text = text.strip()
    if text.startswith('"'):
        try:
            value = json.loads(text)
        except ValueError:
            return text
        return value if isinstance(value, str) else text
    return text


def trailer_block(message: str) -> list[tuple[str, str]]:
    """The (key, value) trailers of the last paragraph of ``message``, as git reads them."""
    text = message.rstrip("\n")
    cut = text.rfind("\n\n")
    if cut < 0:
        return []  # a subject alone has no trailers
    paragraph = text[cut + 2:].strip("\n")
    result: list[tuple[str, str]] = []
    for line in paragraph.split("\n"):
        if line[:1] in (" ", "\t") and result:  # a folded continuation line
            key, value = result[-1]
            result[-1] = (key, value + " " + line.strip())
            continue
        key, sep, value = line.partition(":")
        if not sep or not key or key != key.strip() or " " in key:
            continue
        result.append((key, value.strip()))
    return result


def entries_from_trailers(trailers: Iterable[tuple[str, str]], commit: Commit) -> list[Entry]:
    """One entry per ``Okr-Checkin`` trailer, with the value trailers that follow it."""
    entries: list[Entry] = []
    current: Optional[Entry] = None
    for key, value in trailers:
        key = key.lower()
        if key == "okr-checkin":
            current = Entry(value.strip(), None, None, "", commit)
            entries.append(current)
        elif current is None:
            continue
        elif key == "okr-value":
            current.value = parse_number(value)
        elif key == "okr-confidence":
            current.confidence = parse_number(value)
        elif key == "okr-previous":
            current.previous = parse_number(value)
        elif key == "okr-note":
            current.note = decode_note(value)
    return entries


# --- git ---------------------------------------------------------------------


def git_toplevel(path: str | os.PathLike) -> Optional[str]:
    """The git working tree that holds ``path``, or None (not a repository, or git missing)."""
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"], cwd=path, capture_output=True, text=True, check=False
        )
    except OSError:
        return None
    if done.returncode != 0:
        return None
    return done.stdout.strip() or None


def has_commits(toplevel: str) -> bool:
    done = subprocess.run(["git", "rev-parse", "--verify", "--quiet", "HEAD"], cwd=toplevel,
                          capture_output=True, check=False)
    return done.returncode == 0


def _git(toplevel: str, args: list[str], stdin: Optional[bytes] = None) -> bytes:
    try:
        done = subprocess.run(["git", "-c", "core.quotePath=false", *args], cwd=toplevel, input=stdin,
                              capture_output=True, check=False)
    except OSError as exc:
        raise GitError(f"cannot run git: {exc.strerror}") from None
    if done.returncode != 0:
        raise GitError(f"git {args[0]} failed: {done.stderr.decode('utf-8', 'replace').strip()}")
    return done.stdout


def log_command(rev: str = "HEAD") -> list[str]:
    """The ``git log`` arguments of the first pass (the benchmark runs the same fields bare)."""
    return ["log", "-z", f"--format={LOG_FORMAT}", rev, "--"]


def read_log(toplevel: str, rev: str = "HEAD") -> LogResult:
    """First pass: every commit reachable from ``rev``; check-ins from trailers, the rest kept as candidates."""
    raw = _git(toplevel, log_command(rev)).decode("utf-8", "replace")
    result = LogResult()
    entries = result.entries
    candidates = result.edit_candidates
    fromiso = datetime.fromisoformat
    for record in raw.split("\0"):
        if not record:
            continue
        parts = record.split("\x1f", _FIELDS - 1)
        if len(parts) != _FIELDS:
            continue
        sha, parents, author, email, when, message = parts
        sha = sha.lstrip("\n")
        commit = Commit(sha, parents.split() if parents else [], author, email, fromiso(when), message, result.commits)
        if _MARKER in message.lower():
            found = entries_from_trailers(trailer_block(message), commit)
            if found:
                entries.extend(found)
                continue
        if len(commit.parents) <= 1:
            candidates.append(commit)
        result.commits += 1
    return result


def changed_okr_files(toplevel: str, commits: list[Commit], okrs_prefix: str) -> list[tuple[Commit, str]]:
    """Second pass: (commit, path) of OKR cycle files modified by each of ``commits``."""
    if not commits:
        return []
    by_sha = {c.sha: c for c in commits}
    stdin = "".join(f"{c.sha}\n" for c in commits).encode()
    out = _git(toplevel, ["diff-tree", "--stdin", "-r", "--no-renames", "--name-status", "--", okrs_prefix or "."],
               stdin).decode("utf-8", "replace")
    result: list[tuple[Commit, str]] = []
    current: Optional[Commit] = None
    for line in out.split("\n"):
        if not line:
            continue
        if "\t" not in line:
            current = by_sha.get(line.strip())
            continue
        status, _tab, path = line.partition("\t")
        if current is None or status != "M" or not path.endswith(".yaml"):
            continue
        name = path.rsplit("/", 1)[-1]
        if name in ("unit.yaml", "okrops.yaml", "strategy.yaml"):
            continue
        result.append((current, path))
    return result


def read_blobs(toplevel: str, specs: list[str]) -> list[Optional[bytes]]:
    """Contents of ``rev:path`` specs through one ``git cat-file --batch``; None for a missing one."""
    if not specs:
        return []
    out = _git(toplevel, ["cat-file", "--batch"], "".join(f"{s}\n" for s in specs).encode())
    result: list[Optional[bytes]] = []
    pos = 0
    for _spec in specs:
        end = out.index(b"\n", pos)
        header = out[pos:end].split()
        pos = end + 1
        if len(header) != 3 or header[1] != b"blob":
            result.append(None)
            continue
        size = int(header[2])
        result.append(out[pos:pos + size])
        pos += size + 1
    return result


def values_in_file(data: object, unit: str, cycle: str) -> dict[str, tuple[object, object]]:
    """Key result reference -> (current, confidence) in one parsed cycle file."""
    result: dict[str, tuple[object, object]] = {}
    if not isinstance(data, dict) or not isinstance(data.get("objectives"), list):
        return result
    for objective in data["objectives"]:
        if not isinstance(objective, dict) or not isinstance(objective.get("key_results"), list):
            continue
        for kr in objective["key_results"]:
            if isinstance(kr, dict) and "id" in kr:
                result[f"{unit}/{cycle}/{objective.get('id')}/{kr['id']}"] = (kr.get("current"), kr.get("confidence"))
    return result


def _number(value: object) -> Optional[float]:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value


def hand_edits(toplevel: str, candidates: list[Commit], okrs_prefix: str) -> list[Entry]:
    """Values changed without check-in trailers, recovered from the old and new file versions."""
    from okrops.yamlio import YamlProblem, decode, load_fast

    changed = changed_okr_files(toplevel, candidates, okrs_prefix)
    if not changed:
        return []
    specs: list[str] = []
    for commit, path in changed:
        specs += [f"{commit.parents[0]}:{path}", f"{commit.sha}:{path}"]
    blobs = read_blobs(toplevel, specs)
    entries: list[Entry] = []
    for index, (commit, path) in enumerate(changed):
        old_raw, new_raw = blobs[2 * index], blobs[2 * index + 1]
        if old_raw is None or new_raw is None:
            continue
        parts = path.split("/")
        if len(parts) < 2:
            continue
        unit, cycle = parts[-2], parts[-1][: -len(".yaml")]
        try:
            old = values_in_file(load_fast(decode(old_raw)), unit, cycle)
            new = values_in_file(load_fast(decode(new_raw)), unit, cycle)
        except YamlProblem:
            continue
        for ref, (value, confidence) in new.items():
            if ref not in old:
                continue  # a key result being created is not a check-in
            old_value, old_confidence = old[ref]
            if value == old_value and confidence == old_confidence:
                continue
            entries.append(Entry(ref, _number(value), _number(confidence), commit.subject, commit, "edit",
                                 _number(old_value)))
    return entries


def read_entries(repo_root: str | os.PathLike, okrs_dir: str | os.PathLike, rev: str = "HEAD") -> Optional[list[Entry]]:
    """Every check-in and hand edit reachable from ``rev``, newest commit first; None outside git."""
    toplevel = git_toplevel(repo_root)
    if toplevel is None:
        return None
    if not has_commits(toplevel):
        return []
    try:
        prefix = Path(os.path.realpath(okrs_dir)).relative_to(os.path.realpath(toplevel)).as_posix()
    except ValueError:
        prefix = "."
    log = read_log(toplevel, rev)
    return log.entries + hand_edits(toplevel, log.edit_candidates, "" if prefix == "." else prefix)
