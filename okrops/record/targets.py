"""What changed on a key result: its target, baseline and range, as they reached the main line.

Moving the goalposts should be visible to everyone, not only in the pull request. This reads,
on the first-parent line of a revision (HEAD, or a snapshot's commit), every commit that
changed a key result's ``baseline``, ``target`` or ``range`` in a cycle file, with:

- the day it reached the main line (the first-parent commit's committer date: for a pull
  request, the day it was merged),
- the commit that made the change and its author, and for a merge, the merge commit and who
  merged it (its author) and the pull request number from its subject (``#7``),
- the old and new value, compared as numbers (reformatting is not a change).

git does the searching: ``git log --first-parent -G`` lists only the commits whose diff adds
or removes a line naming one of those keys, so check-ins (which change ``current`` and
``confidence``) cost nothing; each candidate's changed files come from ``git diff-tree`` and
both versions from one ``git cat-file --batch``. A change whose objective was private in
either version, or whose file did not parse, is marked ``private``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Optional

from okrops.numbers import is_finite
from okrops.record import gitlog

_KEYS = "(baseline|target|range|min|max)[[:space:]]*:"
_FIELDS = ("baseline", "target", "range min", "range max")
_PR = re.compile(r"#(\d+)")
_ZERO = gitlog.ZERO_OIDS


@dataclass(frozen=True)
class TargetChange:
    """One change of one key result's baseline, target or range bound."""

    ref: str  # key result reference
    field: str  # baseline, target, range min, range max
    old: Optional[float]
    new: Optional[float]
    day: date  # when it reached the main line
    commit: str  # the commit that made the change
    author: str
    merge: str = ""  # the merge commit that brought it to the main line, if any
    merged_by: str = ""
    pull_request: str = ""  # "7" when the merge's subject names a pull request
    private: bool = False  # its objective was private (or the file unreadable) before or after


def target_changes(repo_root: str, okrs_dir: str, rev: str = "HEAD") -> dict[str, list[TargetChange]]:
    """Key result reference -> its target, baseline and range changes, oldest first; {} outside git."""
    from okrops.record.historycache import okrs_prefix

    toplevel = gitlog.git_toplevel(repo_root)
    if toplevel is None or gitlog.rev_parse(toplevel, "--verify", "--quiet", f"{rev}^{{commit}}") is None:
        return {}
    prefix = okrs_prefix(toplevel, okrs_dir)
    pathspec = [prefix] if prefix else ["."]
    listing = gitlog.run_git(toplevel, ["log", "--first-parent", "--diff-merges=first-parent", "--no-patch", "-G", _KEYS,
                                        "--format=%H%x00%P%x00%an%x00%cI%x00%s%x00", rev, "--", *pathspec])
    fields = listing.decode("utf-8", "replace").split("\x00")
    commits = []
    for index in range(0, len(fields) - 5, 5):
        sha, parents, author, when, subject = (f.strip("\n") for f in fields[index:index + 5])
        parents = parents.split()
        if parents:  # a root commit adds files: nothing had a target to change
            commits.append((sha, parents, author, when, subject))
    versions = []  # (commit tuple, path, old blob, new blob)
    for commit in commits:
        out = gitlog.run_git(toplevel, ["diff-tree", "-r", "-z", "--no-renames", "--no-abbrev", commit[1][0], commit[0],
                                        "--", *pathspec]).decode("utf-8", "surrogateescape").split("\x00")
        for meta, path in zip(out[0::2], out[1::2]):
            parts = meta.lstrip(":").split(" ")
            if len(parts) >= 5 and parts[2] not in _ZERO and parts[3] not in _ZERO and path.endswith((".yaml", ".yml")):
                versions.append((commit, path, parts[2], parts[3]))
    if not versions:
        return {}
    blobs = _read_blobs(toplevel, {b for v in versions for b in v[2:]})
    result: dict[str, list[TargetChange]] = {}
    for (sha, parents, author, when, subject), path, old, new in reversed(versions):  # oldest first
        unit_cycle = _unit_cycle(path, prefix)
        if unit_cycle is None:
            continue
        before, after = _bounds(blobs.get(old)), _bounds(blobs.get(new))
        if before is None or after is None:
            continue
        changes = [(key, name, a, b) for key, (a_values, a_private) in before.items() if key in after
                   for name, a, b in zip(_FIELDS, a_values, after[key][0]) if not _same(a, b)]
        if not changes:
            continue
        merge = len(parents) > 1
        made_by, made_in = (author, sha) if not merge else _branch_author(toplevel, parents, path) or (author, sha)
        pull = _PR.search(subject) if merge else None
        for key, name, a, b in changes:
            ref = f"{unit_cycle}/{key}"
            private = before[key][1] or after[key][1]
            result.setdefault(ref, []).append(TargetChange(
                ref, name, a, b, date.fromisoformat(when[:10]), made_in, made_by, sha if merge else "",
                author if merge else "", pull.group(1) if pull else "", private))
    return result


def _read_blobs(toplevel: str, wanted: set[str]) -> dict[str, bytes]:
    ordered = sorted(wanted)
    data = gitlog.run_git(toplevel, ["cat-file", "--batch"], stdin="".join(f"{b}\n" for b in ordered).encode())
    blobs, offset = {}, 0
    for sha in ordered:
        end = data.index(b"\n", offset)
        header = data[offset:end].split(b" ")
        if len(header) < 3 or header[0].decode() != sha:
            raise gitlog.GitError(f"git cat-file answered {header[0][:12]!r} for {sha[:12]}")
        size = int(header[2])
        blobs[sha] = data[end + 1:end + 1 + size]
        offset = end + 1 + size + 1
    return blobs


def _unit_cycle(path: str, prefix: str) -> Optional[str]:
    """``unit/cycle`` for a cycle file path (the unit is its folder name), None for other files."""
    rel = path[len(prefix) + 1:] if prefix else path
    parts = rel.split("/")
    if len(parts) < 2 or parts[-1] in ("unit.yaml", "okrops.yaml", "strategy.yaml"):
        return None
    return f"{parts[-2]}/{parts[-1].rsplit('.', 1)[0]}"


def _bounds(data: Optional[bytes]) -> Optional[dict[str, tuple[tuple, bool]]]:
    """``O1/KR2`` -> ((baseline, target, range min, range max), objective private?) of one version."""
    from okrops import yamlio
    from okrops.yamlio import YamlProblem

    if data is None:
        return None
    try:
        document = yamlio.load_fast(yamlio.decode(data))
    except (YamlProblem, ValueError):
        return None
    if not isinstance(document, dict) or not isinstance(document.get("objectives"), list):
        return None
    found: dict[str, tuple[tuple, bool]] = {}
    for objective in document["objectives"]:
        if not isinstance(objective, dict) or not isinstance(objective.get("key_results"), list):
            continue
        private = objective.get("visibility", "public") != "public"
        for kr in objective["key_results"]:
            if isinstance(kr, dict):
                span = kr.get("range") if isinstance(kr.get("range"), dict) else {}
                found[f"{objective.get('id')}/{kr.get('id')}"] = (
                    (_number(kr.get("baseline")), _number(kr.get("target")), _number(span.get("min")),
                     _number(span.get("max"))), private)
    return found


def _number(value: Any) -> Optional[float]:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not is_finite(value):
        return None
    return float(value)


def _same(a: Optional[float], b: Optional[float]) -> bool:
    return a == b


def _branch_author(toplevel: str, parents: list[str], path: str) -> Optional[tuple[str, str]]:
    """(author, commit) of the newest commit on a merged branch that changed ``path``."""
    out = gitlog.run_git(toplevel, ["log", "-1", "--format=%an%x00%H", f"{parents[0]}..{parents[1]}", "--", path])
    text = out.decode("utf-8", "replace").strip()
    if not text:
        return None
    author, _nul, sha = text.partition("\x00")
    return author, sha
