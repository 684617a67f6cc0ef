"""The last ``okrops validate`` of a repository, kept so that the next run redoes only what changed.

:mod:`okrops.checkcache` keeps each file's own answer; a run still had to build the whole
organisation and check it across files. This keeps the run itself, in the user's cache folder
(``runs/``, one file a repository): every file read with the sha256 of its bytes and its
``lstat``, every name below ``okrs/``, the findings before and after their lines were found, and
for each cycle file where its findings stand and a digest of what the cross-file checks read of it
(:func:`okrops.cyclefiles.cross_file_projection`).

The next run lists ``okrs/`` again and compares:

* names added, removed or changed in kind, okrops' own files or its libraries changed, a file
  other than a cycle file changed, or a cycle file's projection changed: a whole run (and a new
  snapshot);
* nothing changed: the stored findings;
* cycle files changed, their projections not: the stored findings with those files' own
  findings redone (from :mod:`okrops.checkcache`) and their lines found again in the new text.
  Every finding stays at its place in the order a whole run makes, so even findings that sort
  alike come out alike.

A file's content counts as unchanged without reading it only when its ``lstat`` (size, mtime,
ctime, inode, device) is the one recorded and both its times lie more than :data:`RACY_NS` before
the recorded run began: a later write changes ctime (which no tool can set) or falls in a later
clock tick, so it cannot hide behind the recorded times (git's "racy git" rule, with a margin for
coarse file system clocks). Any other file is read and hashed. ``OKROPS_NO_CACHE=1`` turns this off.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Optional

from okrops import cache

FOLDER = "runs"
FORMAT = 1
RACY_NS = 2_000_000_000  # file times this close to (or after) the recorded run's start are not trusted
LIBRARIES = ("yaml", "fastjsonschema", "jsonschema", "jsonschema_specifications")


class Run:
    """What one validate run found: findings as :class:`okrops.findings.Finding` and files read."""

    def __init__(self, findings: list, files_read: int, graph: Optional[dict] = None, organisation=None):
        self.findings = findings
        self.files_read = files_read
        self._graph = graph
        self._organisation = organisation

    @property
    def graph(self) -> Optional[dict]:
        """:func:`okrops.filegraph.edges` of the organisation; None when it could not be read."""
        if self._graph is None and self._organisation is not None:
            from okrops.filegraph import edges

            self._graph = edges(self._organisation)
        return self._graph


def validate_run(start=None) -> Run:
    """The findings of :func:`okrops.validate.validate` for ``start``, redoing only what changed since the last run."""
    from okrops.location import find_okrs_dir

    root, okrs_dir = find_okrs_dir(start)
    base = cache.user_dir()
    if base is None:
        return _whole(root, None, None)
    started = time.time_ns()
    path = base / FOLDER / cache.digest(cache.python_tag(), str(okrs_dir))[:32]
    shape = _shape(root, okrs_dir)
    code = _code_stats()
    stored = cache.load(path, (FORMAT, str(okrs_dir)))
    if stored is not None:
        again = _again(root, stored, shape, code, started)
        if again is not None:
            if again[1] is not None:
                _save(path, okrs_dir, again[1])
            return again[0]
    return _whole(root, path, (okrs_dir, started, shape, code))


def _shape(root: Path, okrs_dir: Path) -> bytes:
    """Every name below ``okrs/`` with its kind (folder, link, file), in a fixed order, hashed."""
    names: list[str] = []
    folders = [str(okrs_dir)]
    skip = len(str(root)) + 1
    while folders:
        folder = folders.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as problem:
            names.append(f"!{folder[skip:]}:{problem.errno}")
            continue
        for entry in entries:
            if entry.is_symlink():
                names.append("l" + entry.path[skip:])
            elif entry.is_dir():
                names.append("d" + entry.path[skip:])
                if not entry.name.startswith("."):
                    folders.append(entry.path)
            else:
                names.append("f" + entry.path[skip:])
    return cache.digest(*names).encode()


def _code_stats() -> list:
    """The ``lstat`` of okrops' own files and of the libraries that read files: any change means a whole run."""
    from importlib.util import find_spec

    from okrops.schemas import schema_dir

    files = []
    for top in (Path(__file__).parent, schema_dir()):  # the schemas are outside the package in a source tree
        for folder, subfolders, names in os.walk(top):
            subfolders[:] = sorted(d for d in subfolders if d != "__pycache__")
            files += [os.path.join(folder, n) for n in sorted(names) if not n.endswith(".pyc")]
    for library in LIBRARIES:
        spec = find_spec(library)
        if spec is not None and spec.origin:
            files.append(spec.origin)
    return [(name, *_stat(name)) for name in files]


def _stat(path: str) -> tuple:
    try:
        st = os.lstat(path)
    except OSError:
        return (None,)
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)


def _trusted(recorded, now: tuple, started: int) -> bool:
    """``now`` (an lstat) is ``recorded`` and old enough that no write can hide behind it."""
    return tuple(recorded) == now and now[0] is not None and max(now[1], now[2]) < started - RACY_NS


def _again(root: Path, stored: dict, shape: bytes, code: list, started: int) -> Optional[tuple]:
    """(the run, the snapshot to keep or None) from ``stored``; None when a whole run is needed."""
    if stored["shape"] != shape or len(code) != len(stored["code"]):
        return None
    if not all(old[0] == new[0] and _trusted(old[1:], new[1:], stored["started"])
               for old, new in zip(stored["code"], code)):
        return None
    import hashlib

    files = stored["files"]
    updated: dict[str, list] = {}
    changed: dict[str, bytes] = {}
    top = str(root) + os.sep
    for rel, record in files.items():
        now = _stat(top + rel)
        if _trusted(record[1], now, stored["started"]):
            continue
        if now[0] is None or os.path.islink(top + rel):
            return None
        try:
            with open(top + rel, "rb") as handle:
                raw = handle.read()
        except OSError:
            return None
        digest = hashlib.sha256(raw).digest()
        if digest != record[0]:
            if record[2:3] != ["cycle"]:
                return None
            changed[rel] = raw
        updated[rel] = [digest, now, *record[2:]]
    if not changed:
        run = Run(_findings(stored["final"]), stored["files_read"], stored["graph"])
        return run, (dict(stored, files=dict(files, **updated), started=started) if updated else None)
    segments = _redo(root, stored["segments"], changed, updated, stored["checked"])
    if segments is None:
        return None
    snapshot = dict(stored, files=dict(files, **updated), started=started)
    return _finish(root, snapshot, segments, stored["crossed"], set(changed)), snapshot


def _redo(root: Path, segments: list, changed: dict[str, bytes], updated: dict, checked: Optional[str]) -> Optional[list]:
    """``segments`` with the changed cycle files' own findings redone; None when one's projection changed."""
    from okrops.checkcache import CheckCache
    from okrops.cyclefiles import cycle_file_answer
    from okrops.filereader import FileReader

    # the folder checkcache.code_key() named when the snapshot was taken: the code is the same (see _again)
    reader = FileReader(root, root, checked=CheckCache(Path(checked) if checked else None))
    redone = {}
    for rel, raw in changed.items():
        _, slug, cycle, projection = updated[rel][2:6]
        _, found, now = cycle_file_answer(reader, rel, raw, slug, cycle)
        if now != projection:
            return None
        redone[rel] = [(_fields(f), 0, 0) for f in found]
    return [(owner, redone[owner]) if owner in redone else (owner, items) for owner, items in segments]


def _findings(rows) -> list:
    from okrops.findings import Finding, Severity

    return [Finding(f[0], Severity(f[1]), *f[2:]) for f in rows]


def _fields(finding) -> tuple:
    return (finding.file, int(finding.severity), finding.message, finding.rule, tuple(finding.path), finding.line,
            finding.column, finding.hint, finding.ref)


def _finish(root: Path, snapshot: dict, segments: list, crossed: list, changed: set) -> Run:
    """The findings of the segments and the cross-file ones, their lines found again in the changed files, sorted
    as a whole run sorts them (``snapshot`` takes the new findings)."""
    from okrops.findings import Finding

    rows = [row for _, items in segments for row in items] + crossed
    everything = _findings(row[0] for row in rows)
    pending = []
    for finding, row in zip(everything, rows):
        if finding.file in changed:
            pending.append(finding)
        else:
            finding.line, finding.column = row[1], row[2]
    if pending:
        from okrops.repository import resolve_locations

        resolve_locations(pending, root)
    split = len(rows) - len(crossed)
    lines = [(row[0], f.line, f.column) for row, f in zip(rows, everything)]
    everything.sort(key=Finding.sort_key)
    snapshot.update(segments=_segments_of(segments, lines[:split]), crossed=lines[split:],
                    final=[_fields(f) for f in everything])
    return Run(everything, snapshot["files_read"], snapshot["graph"])


def _segments_of(segments: list, lines: list) -> list:
    """``segments`` with each row's resolved line and column from ``lines`` (in the same order)."""
    out, at = [], 0
    for owner, items in segments:
        out.append((owner, lines[at:at + len(items)]))
        at += len(items)
    return out


def _whole(root: Path, path: Optional[Path], keep: Optional[tuple]) -> Run:
    """A whole run (what :func:`okrops.validate.checked` does), kept at ``path`` when given and complete."""
    from okrops.repository import load
    from okrops.validate import check

    result = load(root)
    org = result.organisation
    crossed = check(org) if org is not None else []
    segments = _segments(result.findings, result.read_files)
    snapshot = {"files_read": result.files_read, "graph": None}
    run = _finish(Path(result.root), snapshot, segments, [(_fields(f), 0, 0) for f in crossed],
                  {f.file for f in result.findings + crossed})
    run._organisation = org
    complete = org is not None and not org.config.includes and all(
        ".." not in rel.split("/") and record[0] is not None for rel, record in result.read_files.items())
    if path is not None and keep is not None and complete:
        okrs_dir, started, shape, code = keep
        # the graph stays right while only what the cross-file checks cannot see changes: references are seen
        snapshot["graph"] = run.graph
        files = {rel: [record[0], _stat(str(root / rel)), *record[1:5]] for rel, record in result.read_files.items()}
        from okrops.checkcache import CheckCache

        checked = CheckCache.of(root).folder
        _save(path, okrs_dir, dict(snapshot, started=started, shape=shape, code=code, files=files,
                                   checked=None if checked is None else str(checked)))
    return run


def _segments(findings: list, read_files: dict) -> list:
    """The loader's findings in order, cut into one segment per cycle file read whole (its own findings) and
    segments of the rest (owner None)."""
    blocks = sorted((record[5], record[6], rel) for rel, record in read_files.items() if record[1:2] == ["cycle"])
    segments, at = [], 0
    for start, count, rel in blocks:
        if start > at:
            segments.append((None, [(_fields(f), 0, 0) for f in findings[at:start]]))
        segments.append((rel, [(_fields(f), 0, 0) for f in findings[start:start + count]]))
        at = start + count
    if at < len(findings):
        segments.append((None, [(_fields(f), 0, 0) for f in findings[at:]]))
    return segments


def _save(path: Path, okrs_dir: Path, snapshot: dict) -> None:
    cache.save(path, (FORMAT, str(okrs_dir)), snapshot)
