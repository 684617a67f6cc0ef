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

git writes to a temporary file that is parsed while git runs (a pipe makes
``git log`` itself 2 to 2.5 times slower), and what was read is cached in
``.git/okrops/history.cache``: the next read asks git only for newer commits.
``benchmarks/bench_history.py`` measures all of this against bare ``git log``.
"""

from __future__ import annotations

import gc
import json
import math
import os
import re
import subprocess
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

from okrops.numbers import finite_or_none

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


class GitError(Exception):
    """git could not be run or failed; the message says how."""


@dataclass(slots=True)
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


@dataclass(slots=True)
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
    try:
        if "." not in text:
            return finite_or_none(int(text))  # a 400-digit integer is not a number okrops can use either
        number = float(text)
    except ValueError:
        try:
            number = float(text)
        except ValueError:
            return None
    return number if math.isfinite(number) else None


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
    if text[:1] == '"' and text[-1:] == '"' and "\\" not in text and len(text) > 1 and '"' not in text[1:-1]:
        return text[1:-1]  # nothing escaped: no need for the JSON decoder
    if text.startswith('"'):
        try:
            value = json.loads(text)
        except ValueError:
            return text
        return value if isinstance(value, str) else text
    return text


_TRAILER_LINE = re.compile(r"^([A-Za-z0-9][A-Za-z0-9-]*)[ \t]*:[ \t]*(.*?)[ \t]*$", re.M)


def _last_paragraph(message: str) -> Optional[str]:
    text = message.rstrip("\n")
    cut = text.rfind("\n\n")
    return None if cut < 0 else text[cut + 2:].strip("\n")  # a subject alone has no trailers


def trailer_block(message: str) -> list[tuple[str, str]]:
    """The (key, value) trailers of the last paragraph of ``message``, as git reads them."""
    paragraph = _last_paragraph(message)
    if paragraph is None:
        return []
    if "\n " not in paragraph and "\n\t" not in paragraph:
        return _TRAILER_LINE.findall(paragraph)  # the usual case, at C speed
    result: list[tuple[str, str]] = []
    for line in paragraph.split("\n"):
        if line[:1] in (" ", "\t"):
            if result:  # a folded continuation line
                key, value = result[-1]
                result[-1] = (key, value + " " + line.strip())
            continue
        match = _TRAILER_LINE.match(line)
        if match:
            result.append(match.groups())
    return result


# Trailer key (as okrops writes it, and lower-cased) -> field.
_FIELD = {}
for _key, _name in ((TRAILER_REF, "ref"), (TRAILER_VALUE, "value"), (TRAILER_CONFIDENCE, "confidence"),
                    (TRAILER_PREVIOUS, "previous"), (TRAILER_NOTE, "note")):
    _FIELD[_key] = _FIELD[_key.lower()] = _name


_CANONICAL = re.compile(
    r"Okr-Checkin: ([^\n]*)\nOkr-Value: ([^\n]*)(?:\nOkr-Previous: ([^\n]*))?"
    r"(?:\nOkr-Confidence: ([^\n]*))?(?:\nOkr-Note: ([^\n]*))?(?:\n|\Z)")


def entries_from_pairs(pairs, make: Callable, author: str, email: str, when: datetime, sha: str) -> list:
    """Check-ins from (key, value) trailers in any order and case, each built by ``make``."""
    commit = Commit(sha, [], author, email, when, "", 0)
    return [make(e.ref, e.value, e.confidence, e.note, author, email, when, sha, "checkin", e.previous)
            for e in entries_from_trailers(pairs, commit)]


def entries_from_trailers(trailers: Iterable[tuple[str, str]], commit: Commit) -> list[Entry]:
    """One entry per ``Okr-Checkin`` trailer, with the value trailers that follow it."""
    entries: list[Entry] = []
    current: Optional[Entry] = None
    field_of = _FIELD.get
    for key, value in trailers:
        name = field_of(key) or field_of(key.lower())
        if name is None:
            continue
        if name == "ref":
            current = Entry(value, None, None, "", commit)
            entries.append(current)
        elif current is None:
            continue
        elif name == "value":
            current.value = parse_number(value)
        elif name == "confidence":
            current.confidence = parse_number(value)
        elif name == "previous":
            current.previous = parse_number(value)
        else:
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


def _stream(toplevel: str, args: list[str], chunk: int = 1 << 20) -> Iterator[str]:
    """The NUL-separated records git prints, in batches, while git is still running.

    git writes to an unlinked temporary file rather than a pipe (measured: a pipe
    makes ``git log`` 2 to 2.5 times slower, with a wake-up every few kilobytes),
    and the batches are read from a second descriptor of that file as it grows,
    so parsing overlaps with git. Records are never split across batches.
    """
    import time

    fd, name = tempfile.mkstemp(prefix="okrops-log-")
    reader = -1
    try:
        reader = os.open(name, os.O_RDONLY | getattr(os, "O_BINARY", 0))
        with tempfile.TemporaryFile() as errors:
            try:
                process = subprocess.Popen(["git", "-c", "core.quotePath=false", *args], cwd=toplevel,
                                           stdout=fd, stderr=errors)
            except OSError as exc:
                raise GitError(f"cannot run git: {exc.strerror}") from None
            os.close(fd)
            fd = -1
            try:
                os.unlink(name)  # the descriptors keep it readable; nothing is left behind
                name = ""
            except OSError:  # pragma: no cover - Windows: removed in the finally clause
                pass
            tail = b""
            finished = False
            try:
                while True:
                    data = os.read(reader, chunk)
                    if not data:
                        if finished:
                            break
                        if process.poll() is not None:
                            finished = True  # read what is left, then stop
                        else:
                            time.sleep(0.002)
                        continue
                    data = tail + data
                    cut = data.rfind(b"\0")
                    if cut < 0:
                        tail = data
                        continue
                    tail = data[cut + 1:]
                    yield data[:cut].decode("utf-8", "replace")
                if tail:
                    yield tail.decode("utf-8", "replace")
            finally:
                if process.poll() is None:  # the caller stopped early
                    process.kill()
                code = process.wait()
            if code != 0:
                errors.seek(0)
                raise GitError(f"git {args[0]} failed: {errors.read().decode('utf-8', 'replace').strip()}")
    finally:
        if fd >= 0:
            os.close(fd)
        if reader >= 0:
            os.close(reader)
        if name:
            try:
                os.unlink(name)
            except OSError:  # pragma: no cover
                pass


def read_log(toplevel: str, rev: str = "HEAD", make: Optional[Callable] = None, parse_dates: bool = True) -> LogResult:
    """First pass: every commit reachable from ``rev``; check-ins from trailers, the rest kept as candidates.

    ``make(ref, value, confidence, note, author, email, when, sha, kind, previous)`` builds
    each check-in (default: :class:`Entry`-like records are not kept, only ``make``'s
    results); entries come newest commit first, and within a commit in reverse trailer
    order, so that reversing the list gives commit order and trailer order. With
    ``parse_dates=False``, ``make`` gets the author date as git's ISO 8601 text.
    """
    if make is None:
        def make(ref, value, confidence, note, author, email, when, sha, kind, previous):
            commit = Commit(sha, [], author, email, when, "", 0)
            return Entry(ref, value, confidence, note, commit, kind, previous)
    result = LogResult()
    entries = result.entries
    candidates = result.edit_candidates
    fromiso = datetime.fromisoformat
    number = parse_number
    canonical = _CANONICAL.finditer
    order = 0
    collecting = gc.isenabled()
    gc.disable()  # many small objects and no cycles: collection passes would only cost time
    try:
        for batch in _stream(toplevel, log_command(rev)):
            for record in batch.split("\0"):
                parts = record.split("\x1f", _FIELDS - 1)
                if len(parts) != _FIELDS:
                    continue
                sha, parents, author, email, when, message = parts
                order += 1
                group = []
                cut = message.rfind("\n\nOkr-Checkin:")
                pairs = None
                if cut >= 0:
                    end = len(message)
                    while end and message[end - 1] == "\n":
                        end -= 1
                    position = cut + 2
                    moment = fromiso(when) if parse_dates else when
                    if message.find("\n\n", position, end) < 0:
                        # okrops' own messages: one regular expression per key result, in the order written
                        for match in canonical(message, position, end):
                            if match.start() != position:
                                break
                            position = match.end()
                            ref, value, previous, confidence, note = match.groups()
                            group.append(make(
                                ref, int(value) if value.isdigit() else number(value),
                                None if confidence is None else number(confidence),
                                "" if note is None else decode_note(note), author, email, moment, sha, "checkin",
                                None if previous is None else int(previous) if previous.isdigit() else number(previous)))
                    if position != end:
                        group = []
                        pairs = trailer_block(message)
                elif _MARKER in message.lower():
                    pairs = trailer_block(message)
                if pairs:
                    group = entries_from_pairs(pairs, make, author, email, fromiso(when) if parse_dates else when, sha)
                if group:
                    group.reverse()
                    entries.extend(group)
                    continue
                parent_list = parents.split()
                if len(parent_list) <= 1:
                    candidates.append(Commit(sha, parent_list, author, email, fromiso(when), message, order))
    finally:
        if collecting:
            gc.enable()
    result.commits = order
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
    return finite_or_none(value)  # not a bool, .nan, .inf or a 400-digit integer either


_ID_ITEM = re.compile(r"^( *)- id: *['\"]?([A-Za-z][A-Za-z0-9-]*)['\"]? *(?:#.*)?$")
_LIST_KEY = re.compile(r"^( *)(key_results|objectives): *(?:#.*)?$")
_VALUE_LINE = re.compile(r"^( +)(current|confidence): *([^#'\"]*?) *(?:#.*)?$")


def _changed_values_by_lines(old: str, new: str, unit: str, cycle: str) -> Optional[dict[str, tuple]]:
    """Fast path for the usual hand edit (values changed in place, okrops' block layout).

    Returns ref -> (old current, new current, new confidence) for key results whose
    ``current`` or ``confidence`` lines changed, or None when the change is anything
    else (lines added or removed, other keys, another layout): then the caller parses
    both versions.
    """
    old_lines, new_lines = old.split("\n"), new.split("\n")
    if len(old_lines) != len(new_lines):
        return None
    found: dict[str, dict] = {}
    for index, (before, after) in enumerate(zip(old_lines, new_lines)):
        if before == after:
            continue
        a, b = _VALUE_LINE.match(before), _VALUE_LINE.match(after)
        if not a or not b or a.group(1, 2) != b.group(1, 2):
            return None
        ref = _ref_above(new_lines, index, len(b.group(1)), unit, cycle)
        old_value, new_value = parse_number(a.group(3)), parse_number(b.group(3))
        if ref is None or old_value is None or new_value is None:
            return None
        found.setdefault(ref, {"index": index})[b.group(2)] = (old_value, new_value)
    result: dict[str, tuple] = {}
    for ref, change in found.items():
        current = change.get("current")
        confidence = change.get("confidence")
        if current is None:
            value = _value_near(new_lines, change["index"], "current")
            if value is False:
                return None
            current = (value, value)
        if confidence is not None:
            new_confidence = confidence[1]
        else:
            new_confidence = _value_near(new_lines, change["index"], "confidence")
            if new_confidence is False:
                return None
        result[ref] = (current[0], current[1], new_confidence)
    return result


def _ref_above(lines: list[str], index: int, indent: int, unit: str, cycle: str) -> Optional[str]:
    """The key result whose mapping holds line ``index`` (a key at ``indent``), by indentation."""
    kr = objective = None
    want = "kr"
    limit = indent
    for line in reversed(lines[:index]):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        depth = len(line) - len(line.lstrip(" "))
        if depth >= limit:
            continue
        if want == "kr":
            match = _ID_ITEM.match(line)
            if not match or len(match.group(1)) + 2 != indent:
                return None
            kr, want, limit = match.group(2), "key_results", depth
        elif want == "key_results":
            match = _LIST_KEY.match(line)
            if not match or match.group(2) != "key_results":
                return None
            want, limit = "objective", depth
        elif want == "objective":
            match = _ID_ITEM.match(line)
            if not match:
                return None
            objective, want, limit = match.group(2), "objectives", depth
        else:
            match = _LIST_KEY.match(line)
            if not match or match.group(2) != "objectives" or depth != 0:
                return None
            return f"{unit}/{cycle}/{objective}/{kr}"
    return None


def _value_near(lines: list[str], index: int, key: str):
    """The value of ``key`` among the sibling lines of line ``index`` (same indentation); None if absent."""
    indent = len(lines[index]) - len(lines[index].lstrip(" "))
    for step in (-1, 1):
        position = index + step
        while 0 <= position < len(lines):
            line = lines[position]
            depth = len(line) - len(line.lstrip(" "))
            if line.strip() and not line.strip().startswith("#"):
                if depth < indent or (depth == indent and line.lstrip().startswith("- ")):
                    break
                match = _VALUE_LINE.match(line)
                if depth == indent and match and match.group(2) == key:
                    value = parse_number(match.group(3))
                    return False if value is None else value
            position += step
    return None


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
            old_text, new_text = decode(old_raw), decode(new_raw)
        except YamlProblem:
            continue
        quick = _changed_values_by_lines(old_text, new_text, unit, cycle)
        if quick is not None:
            for ref, (old_value, value, confidence) in quick.items():
                entries.append(Entry(ref, value, confidence, commit.subject, commit, "edit", old_value))
            continue
        try:
            old = values_in_file(load_fast(old_text), unit, cycle)
            new = values_in_file(load_fast(new_text), unit, cycle)
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


CACHE_VERSION = 1
CACHE_FILE = "okrops/history.cache"


def _rev_parse(toplevel: str, *args: str) -> Optional[str]:
    done = subprocess.run(["git", "rev-parse", *args], cwd=toplevel, capture_output=True, text=True, check=False)
    return done.stdout.strip() if done.returncode == 0 else None


def _row(*fields) -> tuple:
    return fields


def _read_rows(toplevel: str, rev: str, prefix: str) -> tuple[list[tuple], list[tuple]]:
    """(check-in rows, hand-edit rows) of the commits in ``rev`` (a commit or a range), newest first.

    A row is a tuple of the :class:`Entry` fields with the date as ISO 8601 text.
    """
    log = read_log(toplevel, rev, _row, parse_dates=False)
    edits = [(e.ref, e.value, e.confidence, e.note, e.commit.author, e.commit.email, e.commit.when.isoformat(),
              e.commit.sha, e.kind, e.previous) for e in hand_edits(toplevel, log.edit_candidates, prefix)]
    return log.entries, edits


def _cache_path(git_dir: str) -> Path:
    return Path(git_dir) / CACHE_FILE


def _load_cache(path: Path, key: tuple) -> Optional[tuple[str, list, list]]:
    import marshal

    try:
        data = marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return None
    if not isinstance(data, tuple) or len(data) != 5 or data[0] != CACHE_VERSION or data[1] != key:
        return None
    return data[2], data[3], data[4]


def _save_cache(path: Path, key: tuple, tip: str, rows: list, edits: list) -> None:
    import marshal

    try:
        path.parent.mkdir(exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".history.", dir=path.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(marshal.dumps((CACHE_VERSION, key, tip, rows, edits)))
        os.replace(tmp, path)
    except (OSError, ValueError):  # a read-only repository: no cache, same answers
        pass


def has_commits(repo_root: str | os.PathLike) -> bool:
    """True when ``repo_root`` is in a git repository whose HEAD points at a commit."""
    toplevel = git_toplevel(repo_root)
    return toplevel is not None and _rev_parse(toplevel, "--verify", "--quiet", "HEAD^{commit}") is not None


def read_entries(repo_root: str | os.PathLike, okrs_dir: str | os.PathLike, rev: str = "HEAD",
                 make: Optional[Callable] = None) -> Optional[list]:
    """Every check-in and hand edit reachable from ``rev``; None outside git.

    Check-ins come first, newest commit first and each commit's key results in
    reverse order (reverse the list for commit order); hand edits follow. ``make``
    builds each record, see :func:`read_log`.

    What was read is kept in ``.git/okrops/history.cache`` with the commit it was
    read at: when that commit is still an ancestor of ``rev``, only the commits
    since are read (commits never change, so the cache cannot go stale; a rewritten
    history is read again in full). ``OKROPS_NO_CACHE=1`` turns the cache off.
    """
    toplevel = git_toplevel(repo_root)
    if toplevel is None:
        return None
    tip = _rev_parse(toplevel, "--verify", "--quiet", f"{rev}^{{commit}}")
    if tip is None:
        return []
    try:
        prefix = Path(os.path.realpath(okrs_dir)).relative_to(os.path.realpath(toplevel)).as_posix()
    except ValueError:
        prefix = "."
    prefix = "" if prefix == "." else prefix
    use_cache = os.environ.get("OKROPS_NO_CACHE", "") in ("", "0")
    if not use_cache:  # straight from git to the caller's records
        log = read_log(toplevel, tip, make)
        edits = hand_edits(toplevel, log.edit_candidates, prefix)
        if make is None:
            return log.entries + edits
        return log.entries + [make(e.ref, e.value, e.confidence, e.note, e.commit.author, e.commit.email,
                                   e.commit.when, e.commit.sha, e.kind, e.previous) for e in edits]
    git_dir = _rev_parse(toplevel, "--absolute-git-dir")
    key = (_okrops_version(), prefix)
    cached = _load_cache(_cache_path(git_dir), key) if git_dir else None
    if cached is not None and cached[0] == tip:
        rows, edits = cached[1], cached[2]
    else:
        if cached is not None and subprocess.run(["git", "merge-base", "--is-ancestor", cached[0], tip],
                                                 cwd=toplevel, capture_output=True).returncode == 0:
            new_rows, new_edits = _read_rows(toplevel, f"{cached[0]}..{tip}", prefix)
            rows, edits = new_rows + cached[1], new_edits + cached[2]
        else:
            rows, edits = _read_rows(toplevel, tip, prefix)
        if git_dir:
            _save_cache(_cache_path(git_dir), key, tip, rows, edits)
    if make is None:
        def make(ref, value, confidence, note, author, email, when, sha, kind, previous):
            return Entry(ref, value, confidence, note, Commit(sha, [], author, email, when, "", 0), kind, previous)
    fromiso = datetime.fromisoformat
    collecting = gc.isenabled()
    gc.disable()
    try:
        result = []
        append = result.append
        last_text, last_when = None, None
        for ref, value, confidence, note, author, email, when, sha, kind, previous in rows + edits:
            if when != last_text:
                last_text, last_when = when, fromiso(when)
            append(make(ref, value, confidence, note, author, email, last_when, sha, kind, previous))
        return result
    finally:
        if collecting:
            gc.enable()


def _okrops_version() -> str:
    from okrops import __version__

    return __version__
