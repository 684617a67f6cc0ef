"""Check-ins: update key results in their YAML files and record them as one git commit.

All or nothing: every request is checked before a file is touched; values are
edited in the text itself, found with the parser validate reads with (the rest
of each file stays byte-for-byte the same, see :mod:`okrops.yamledit`), and
files are written atomically; the commit holds only the files edited here,
through a private index, so other staged changes stay staged and uncommitted;
when the commit fails (a hook rejects it, say) every file is restored exactly.

The commit message is for people (subject and body) and for tools (one group
of git trailers per key result, see :mod:`okrops.gitlog`).
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Iterable, Optional

from okrops import gitlog, numbers
from okrops.errors import OkropsError, UnknownReference, UsageError
from okrops.model import KeyResult, Organisation, StrategyMap

# Where a new `current` or `confidence` key goes: after the last of these keys present.
_CURRENT_AFTER = ("range", "target", "baseline", "direction", "unit", "metric", "title", "id")
_CONFIDENCE_AFTER = ("current",) + _CURRENT_AFTER


class CheckinError(OkropsError):
    """A check-in that cannot be made; nothing was written."""


class GitStateError(CheckinError):
    """The working tree or the repository is not in a state where a check-in is safe."""


class CommitFailed(CheckinError):
    """git refused the commit; the files were restored."""

    exit_code = 1


@dataclass
class Request:
    """One key result to check in, as given by a user (strings or numbers)."""

    ref: str
    value: Any
    confidence: Any = None
    note: str = ""
    where: str = ""  # e.g. "checkins.csv line 3", for error messages


@dataclass
class Change:
    """One validated check-in of one key result."""

    kr: KeyResult
    value: float
    confidence: Optional[float]
    note: str
    previous: Optional[float]
    previous_confidence: Optional[float]

    @property
    def ref(self) -> str:
        return self.kr.ref


@dataclass
class Result:
    commit: str
    subject: str
    message: str
    changes: list[Change]
    files: list[str]
    branch: Optional[str] = None
    pushed: bool = False
    push_error: str = ""


# --- parsing -----------------------------------------------------------------


def parse_value(raw: Any, what: str = "value") -> float:
    """A number as typed: ``"42"`` -> 42 (an int stays an int), ``"42.5"`` -> 42.5."""
    if isinstance(raw, bool):
        raise UsageError(f"{what} {raw!r} is not a number")
    if numbers.is_number(raw):
        number = raw
    else:
        text = str(raw).strip().replace("_", "") if raw is not None else ""
        number = gitlog.parse_number(text) if text else None  # None for text and for nan, inf, 1e400
        if number is None:
            number = _float_or_none(text)
            if number is None or numbers.is_finite(number):
                raise UsageError(f"{what} {raw!r} is not a number: write it like 42 or 0.75")
    if not numbers.is_finite(number):
        shown = numbers.describe(number) if numbers.is_number(raw) else repr(_shortened(str(raw)))
        kind = "not a number" if number != number else "not a finite number"
        raise UsageError(f"{what} {shown} is {kind}: {numbers.NOT_FINITE_HINT}")
    return number


def _float_or_none(text: str) -> Optional[float]:
    """``float(text)`` (which also reads nan, inf and infinity, here also YAML's .nan and -.inf) or None."""
    try:
        return float(re.sub(r"^([-+]?)\.(?=[A-Za-z])", r"\1", text))
    except ValueError:
        return None


def _shortened(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


def parse_confidence(raw: Any) -> Optional[float]:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    number = parse_value(raw, "confidence")
    if not 0 <= number <= 1:
        raise UsageError(f"confidence {raw!r} is outside 0 to 1: 0 is 'no chance', 1 is 'certain', e.g. 0.7")
    return number


def read_requests(path: str | os.PathLike) -> list[Request]:
    """Requests from a YAML file (a list of mappings, or ``{checkins: [...]}``) or a CSV file.

    Both have the fields ``ref``, ``value``, ``confidence`` (optional) and
    ``note`` (optional). A CSV file starts with that header line.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UsageError(f"{path} is not UTF-8 text") from None
    if path.suffix.lower() == ".csv":
        return _requests_from_csv(text, path.name)
    if path.suffix.lower() in (".yaml", ".yml", ".json"):
        return _requests_from_yaml(text, path.name)
    raise UsageError(f"{path.name}: use a .yaml, .yml, .json or .csv file")


def _requests_from_csv(text: str, name: str) -> list[Request]:
    reader = csv.DictReader(io.StringIO(text))
    fields = [f.strip().lower() for f in (reader.fieldnames or [])]
    if "ref" not in fields or "value" not in fields:
        raise UsageError(f"{name}: the first line must be a header with at least ref,value (and confidence,note)")
    reader.fieldnames = fields
    requests = []
    for row in reader:
        if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue
        requests.append(Request((row.get("ref") or "").strip(), row.get("value"), row.get("confidence"),
                                (row.get("note") or "").strip(), f"{name} line {reader.line_num}"))
    return requests


def _requests_from_yaml(text: str, name: str) -> list[Request]:
    from okrops.yamlio import YamlProblem, load_fast

    try:
        data = load_fast(text)
    except YamlProblem as problem:
        raise UsageError(f"{name}:{problem.line}: {problem.message}") from None
    if isinstance(data, dict) and isinstance(data.get("checkins"), list):
        data = data["checkins"]
    if not isinstance(data, list):
        raise UsageError(f"{name}: expected a list of check-ins (ref, value, confidence, note)")
    requests = []
    for index, item in enumerate(data, 1):
        if not isinstance(item, dict) or "ref" not in item or "value" not in item:
            raise UsageError(f"{name}: check-in {index} needs at least ref and value")
        unknown = set(item) - {"ref", "value", "confidence", "note"}
        if unknown:
            raise UsageError(f"{name}: check-in {index} has unknown field(s) {', '.join(sorted(unknown))}")
        requests.append(Request(str(item["ref"]), item["value"], item.get("confidence"),
                                str(item.get("note") or ""), f"{name} check-in {index}"))
    return requests


def resolve(org: Organisation, requests: Iterable[Request]) -> list[Change]:
    """Check every request; raise on the first problem, before anything is written."""
    changes: list[Change] = []
    seen: set[str] = set()
    for request in requests:
        prefix = f"{request.where}: " if request.where else ""
        kr = org.key_results.get(request.ref)
        if kr is None:
            raise UnknownReference(prefix + unknown_reference_message(org, request.ref))
        if kr.ref in seen:
            raise UsageError(f"{prefix}{kr.ref} is checked in twice; give each key result once")
        seen.add(kr.ref)
        try:
            value = parse_value(request.value)
            confidence = parse_confidence(request.confidence)
        except UsageError as exc:
            raise UsageError(f"{prefix}{kr.ref}: {exc.message}") from None
        note = str(request.note or "").strip()
        if "\x00" in note:
            raise UsageError(f"{prefix}{kr.ref}: the note contains a NUL character, which git cannot store")
        changes.append(Change(kr, value, confidence, note, kr.current, kr.confidence))
    if not changes:
        raise UsageError("nothing to check in")
    return changes


def unknown_reference_message(org: Organisation, ref: str) -> str:
    import difflib

    parts = ref.split("/")
    hints = []
    if len(parts) != 4:
        hints.append("a key result reference has four parts: <unit>/<cycle>/<objective>/<key result>, "
                     "e.g. platform/2026-Q4/O1/KR2")
    elif parts[0] not in org.units:
        hints.append(f"there is no unit {parts[0]!r}")
    elif (parts[0], parts[1]) not in org.cycle_files:
        hints.append(f"unit {parts[0]!r} has no OKRs for cycle {parts[1]!r}")
    elif "/".join(parts[:3]) not in org.objectives:
        hints.append(f"{parts[0]} has no objective {parts[2]!r} in {parts[1]}")
    broken = [f for f in sorted(org.broken_files) if len(parts) >= 2 and f.endswith(f"/{parts[0]}/{parts[1]}.yaml")]
    if broken:
        hints.append(f"{broken[0]} has errors (run okrops validate)")
    close = difflib.get_close_matches(ref, list(org.key_results), n=3, cutoff=0.6)
    if close:
        hints.append(f"did you mean {', '.join(close)}?")
    return f"unknown key result {ref!r}" + (": " + "; ".join(hints) if hints else "")


def load_for(refs: Iterable[str], start: Optional[str] = None) -> Optional[Organisation]:
    """A partial organisation holding only the cycle files of ``refs``, read without loading the rest.

    A check-in touches one or a few files: reading only those keeps it fast in an
    organisation of thousands of files. Returns None (load everything instead, for
    the full error messages) when a reference is malformed, its unit folder is not
    found exactly once, or its file does not read and validate cleanly.
    """
    from okrops import schemas
    from okrops.model import Config, CycleFile, Objective, Source, Unit
    from okrops.repository import CONFIG_FILE, UNIT_FILE, find_okrs_dir
    from okrops.yamlio import YamlProblem, load_fast, read_text

    refs = list(refs)
    wanted: dict[str, set[str]] = {}
    for ref in refs:
        parts = ref.split("/")
        if len(parts) != 4 or not all(parts):
            return None
        wanted.setdefault(parts[0], set()).add(parts[1])
    root, okrs_dir = find_okrs_dir(start)
    try:
        config = load_fast(read_text(okrs_dir / CONFIG_FILE))
    except YamlProblem:
        return None
    cycles_list = config.get("cycles") if isinstance(config, dict) else None
    if not isinstance(cycles_list, list):
        return None
    known_cycles = {c.get("id") for c in cycles_list if isinstance(c, dict)}
    if any(c not in known_cycles for cycles in wanted.values() for c in cycles):
        return None
    folders: dict[str, list[Path]] = {}
    for directory, subdirs, files in os.walk(okrs_dir):
        subdirs[:] = [d for d in subdirs if not d.startswith(".")]
        name = os.path.basename(directory)
        if name in wanted and UNIT_FILE in files:
            folders.setdefault(name, []).append(Path(directory))
    org = Organisation(str(root), str(okrs_dir), Config("", {}), StrategyMap())
    for unit, cycles in wanted.items():
        if len(folders.get(unit, [])) != 1:
            return None
        folder = folders[unit][0]
        org.units[unit] = Unit(unit, folder.relative_to(okrs_dir).as_posix(), unit)
        for cycle in cycles:
            path = folder / f"{cycle}.yaml"
            if not path.is_file() or path.is_symlink():
                return None
            rel = path.relative_to(root).as_posix()
            try:
                data = load_fast(read_text(path))
            except YamlProblem:
                return None
            if not isinstance(data, dict) or not schemas.is_valid("okrs", data):
                return None
            cycle_file = CycleFile(unit, cycle, source=Source(rel))
            for o_index, raw in enumerate(data["objectives"]):
                objective = Objective(raw["id"], f"{unit}/{cycle}/{raw['id']}", unit, cycle, raw["title"],
                                      source=Source(rel, ("objectives", o_index)))
                if objective.ref in org.objectives:
                    return None  # duplicate ids: let the full load report them
                for k_index, kr in enumerate(raw["key_results"]):
                    key_result = KeyResult(
                        id=kr["id"], ref=f"{objective.ref}/{kr['id']}", title=kr["title"], objective_ref=objective.ref,
                        current=kr.get("current"), confidence=kr.get("confidence"),
                        source=Source(rel, ("objectives", o_index, "key_results", k_index)))
                    if key_result.ref in org.key_results:
                        return None
                    objective.key_results.append(key_result)
                    org.key_results[key_result.ref] = key_result
                org.objectives[objective.ref] = objective
                cycle_file.objectives.append(objective)
            org.cycle_files[(unit, cycle)] = cycle_file
    if any(ref not in org.key_results for ref in refs):
        return None
    return org


# --- the commit message ------------------------------------------------------


def _short(ref: str) -> tuple[str, str]:
    """('platform', 'O1/KR2') for 'platform/2026-Q4/O1/KR2'."""
    parts = ref.split("/")
    return parts[0], "/".join(parts[2:])


def _change_text(change: Change) -> str:
    text = f"{gitlog.format_number(change.previous)} -> {gitlog.format_number(change.value)}"
    if change.previous is None:
        text = gitlog.format_number(change.value)
    if change.confidence is not None:
        text += f", confidence {gitlog.format_number(change.confidence)}"
    return text


def build_message(changes: list[Change]) -> tuple[str, str]:
    """(subject, whole message) of the commit of one check-in session."""
    units = sorted({_short(c.ref)[0] for c in changes})
    if len(changes) == 1:
        unit, short = _short(changes[0].ref)
        subject = f"Check-in {unit} {short}: {_change_text(changes[0])}"
    elif len(units) == 1:
        subject = f"Check-in {units[0]}: {len(changes)} key results"
    else:
        subject = f"Check-in {len(changes)} key results in {', '.join(units[:3])}" + (" and more" if len(units) > 3 else "")
    body: list[str] = []
    for change in changes:
        if len(changes) > 1:
            body.append(f"- {change.ref}: {_change_text(change)}")
        if change.note:
            # Indented, so no line of a note can end the message ('---'), be a
            # comment or pass for a trailer: the trailers are the last paragraph.
            prefix = "    " if len(changes) > 1 else "  "
            body += [prefix + line if line.strip() else "" for line in _safe_note_lines(change.note)]
    trailers: list[str] = []
    for change in changes:
        trailers.append(f"{gitlog.TRAILER_REF}: {change.ref}")
        trailers.append(f"{gitlog.TRAILER_VALUE}: {gitlog.format_number(change.value)}")
        if change.previous is not None:
            trailers.append(f"{gitlog.TRAILER_PREVIOUS}: {gitlog.format_number(change.previous)}")
        if change.confidence is not None:
            trailers.append(f"{gitlog.TRAILER_CONFIDENCE}: {gitlog.format_number(change.confidence)}")
        if change.note:
            trailers.append(f"{gitlog.TRAILER_NOTE}: {gitlog.encode_note(change.note)}")
    message = subject + "\n\n"
    # No blank line inside the body: a blank line would make a note's last lines a paragraph of their own.
    body = [line for line in body if line.strip()]
    if body:
        message += "\n".join(body) + "\n\n"
    message += "\n".join(trailers) + "\n"
    return subject, message


def _safe_note_lines(note: str) -> list[str]:
    return [line.rstrip() for line in note.replace("\r\n", "\n").replace("\r", "\n").split("\n")]


# --- editing files -----------------------------------------------------------


def edit_text(text: str, edits: list[tuple[tuple, str, Any]], file: str) -> str:
    """Apply (key path, key, value) edits to one YAML text in place; the rest stays byte for byte the same.

    The values are found with the parser validate reads with (:mod:`okrops.yamledit`), so every
    file validate accepts can be edited, in whatever consistent layout it is written.
    """
    from okrops.yamledit import EditRefused, set_numbers

    try:
        return set_numbers(text, edits, after={"current": _CURRENT_AFTER, "confidence": _CONFIDENCE_AFTER})
    except EditRefused as refused:
        where = f"{file}:{refused.line}" if refused.line else file
        raise CheckinError(f"{where}: {refused.message}") from None


def _edits_by_file(changes: list[Change]) -> dict[str, list[tuple[tuple, str, Any]]]:
    files: dict[str, list[tuple[tuple, str, Any]]] = {}
    for change in changes:
        path = change.kr.source.path
        edits = files.setdefault(change.kr.source.file, [])
        edits.append((path, "current", change.value))
        if change.confidence is not None:
            edits.append((path, "confidence", change.confidence))
    return files


# --- git -----------------------------------------------------------------------


def open_repo(root: str):
    import git

    try:
        return git.Repo(root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise GitStateError(f"{root} is not in a git repository: check-ins are commits; run 'git init' first") from None


def operation_in_progress(repo) -> Optional[str]:
    git_dir = Path(repo.git_dir)
    for marker, what in (("MERGE_HEAD", "a merge"), ("rebase-merge", "a rebase"), ("rebase-apply", "a rebase or am"),
                         ("REBASE_HEAD", "a rebase"), ("CHERRY_PICK_HEAD", "a cherry-pick"), ("REVERT_HEAD", "a revert"),
                         ("BISECT_LOG", "a bisect")):
        if (git_dir / marker).exists():
            return what
    return None


def check_repo_state(repo, files: list[str]) -> None:
    """Refuse when a merge or rebase is in progress, HEAD has no commit, or a target file is not clean."""
    what = operation_in_progress(repo)
    if what:
        raise GitStateError(f"{what} is in progress in {repo.working_tree_dir}: finish or abort it, then check in")
    if not repo.head.is_valid():
        raise GitStateError("the repository has no commit yet: commit the OKR files first, then check in")
    status = repo.git.status("--porcelain=v1", "-z", "--untracked-files=all", "--", *files)
    dirty = []
    for entry in status.split("\0"):
        if len(entry) > 3:
            dirty.append(f"{entry[3:]} ({_status_words(entry[:2])})")
    if dirty:
        raise GitStateError(
            "uncommitted changes in " + ", ".join(dirty) + ": a check-in commits whole files, so commit or "
            "discard those changes first (git diff shows them)")


def _status_words(code: str) -> str:
    if code == "??":
        return "not committed yet"
    words = []
    if code[0] not in " ?":
        words.append("staged")
    if code[1] not in " ?":
        words.append("modified")
    return " and ".join(words) or "changed"


def parse_date(text: Optional[str]) -> Optional[str]:
    """``--date`` (YYYY-MM-DD or an ISO date and time) as an ISO timestamp for git; None when not given."""
    if not text:
        return None
    try:
        if len(text.strip()) == 10:
            day = date.fromisoformat(text.strip())
            moment = datetime.combine(day, time(12, 0)).astimezone()
        else:
            moment = datetime.fromisoformat(text.strip())
            if moment.tzinfo is None:
                moment = moment.astimezone()
    except ValueError:
        raise UsageError(f"invalid date {text!r}: use YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][+HH:MM]") from None
    return git_date(moment)


def git_date(moment: datetime) -> str:
    """A timezone-aware datetime in git's internal date format, ``<unix seconds> +HHMM``."""
    offset = moment.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "-" if minutes < 0 else "+"
    minutes = abs(minutes)
    return f"{int(moment.timestamp())} {sign}{minutes // 60:02d}{minutes % 60:02d}"


def _commit_files(repo, rel_files: list[str], message: str, author, author_date, commit_date):
    """Commit ``rel_files`` as they are on disk on top of HEAD, through a private index; return the commit."""
    from git import IndexFile

    fd, index_path = tempfile.mkstemp(prefix="okrops-index-", dir=repo.git_dir)
    os.close(fd)
    try:
        repo.git.read_tree("HEAD", env={"GIT_INDEX_FILE": index_path})
        index = IndexFile(repo, index_path)
        index.add(rel_files)
        kwargs = {}
        if author is not None:
            kwargs["author"] = kwargs["committer"] = author
        commit = index.commit(message, parent_commits=[repo.head.commit], head=False,
                              author_date=author_date, commit_date=commit_date, **kwargs)
    finally:
        if os.path.exists(index_path):
            os.unlink(index_path)
    return commit


def checkin(
    org: Organisation,
    requests: Iterable[Request],
    *,
    when: Optional[str] = None,
    branch: Optional[str] = None,
    push: bool = False,
    remote: str = "origin",
    author: Optional[tuple[str, str]] = None,
    commit_date: Optional[str] = None,
) -> Result:
    """Check in ``requests`` as one commit; update ``org``'s key results on success.

    ``when`` back-dates the author date (``--date``); ``author`` (name, email)
    and ``commit_date`` default to git's configuration and now.
    """
    from git import Actor
    from git.exc import GitCommandError, HookExecutionError

    changes = resolve(org, requests)
    repo = open_repo(org.root)
    toplevel = Path(repo.working_tree_dir).resolve()
    root = Path(org.root).resolve()
    edits = _edits_by_file(changes)
    rel_files = [(root / f).relative_to(toplevel).as_posix() for f in edits]
    check_repo_state(repo, rel_files)
    if branch:
        _check_branch(repo, branch)

    # Everything is checked: compute the new texts before writing anything.
    originals: dict[Path, bytes] = {}
    new_texts: dict[Path, str] = {}
    from okrops.yamlio import YamlProblem, decode

    for file, file_edits in edits.items():
        path = root / file
        raw = path.read_bytes()
        try:
            text = decode(raw)
        except YamlProblem as problem:
            raise CheckinError(f"{file}: {problem.message}") from None
        bom = "\ufeff" if raw.startswith(b"\xef\xbb\xbf") else ""
        originals[path] = raw
        new_texts[path] = bom + edit_text(text, file_edits, file)
    _check_new_texts(new_texts, root)

    subject, message = build_message(changes)
    actor = Actor(*author) if author else None
    author_date = when  # None: GitPython takes GIT_AUTHOR_DATE or now, like git
    previous_head = repo.head.reference if not repo.head.is_detached else None
    previous_commit = repo.head.commit
    written: list[Path] = []
    from okrops.yamlio import write_atomic

    try:
        for path, text in new_texts.items():
            write_atomic(path, text)
            written.append(path)
        commit = _commit_files(repo, rel_files, message, actor, author_date, commit_date)
        if branch:
            new_branch = repo.create_head(branch, commit)
            repo.head.reference = new_branch
        else:
            repo.head.set_commit(commit, logmsg=f"commit: {subject}")
    except (HookExecutionError, GitCommandError, OSError, ValueError) as exc:
        _restore(originals, written)
        if branch and branch in repo.heads and repo.heads[branch].commit != previous_commit:
            if previous_head is not None:
                repo.head.reference = previous_head
            repo.delete_head(branch, force=True)
        raise CommitFailed(f"the commit failed, so the files were restored and nothing was checked in: "
                           f"{_git_error_text(exc)}") from None
    except BaseException:
        _restore(originals, written)
        raise
    # The commit holds exactly these files: make the real index agree, leaving other staged changes alone.
    repo.git.reset("-q", "HEAD", "--", *rel_files)
    for change in changes:
        change.kr.current = change.value
        if change.confidence is not None:
            change.kr.confidence = change.confidence
    result = Result(commit.hexsha, subject, message, changes, rel_files, branch)
    if push:
        _push(repo, remote, branch or (previous_head.name if previous_head is not None else None), result)
    return result


def _check_new_texts(new_texts: dict[Path, str], root: Path) -> None:
    """The edited files must still read as valid OKR files (belt and braces: nothing written yet)."""
    from okrops import schemas
    from okrops.yamlio import YamlProblem, load_fast

    for path, text in new_texts.items():
        rel = path.relative_to(root).as_posix()
        try:
            data = load_fast(text.lstrip("\ufeff"))
        except YamlProblem as problem:  # pragma: no cover - the round trip wrote something unreadable
            raise CheckinError(f"{rel}: the edited file would not parse ({problem.message}); nothing was written")
        if not schemas.is_valid("okrs", data):
            problems = "; ".join(m for _p, m in list(schemas.errors("okrs", data))[:3])
            raise CheckinError(f"{rel}: the edited file would break the schema ({problems}); nothing was written")


def _check_branch(repo, branch: str) -> None:
    import git

    if not re.match(r"^[A-Za-z0-9._/-]+$", branch) or branch.startswith("-") or ".." in branch:
        raise UsageError(f"invalid branch name {branch!r}")
    try:
        repo.git.check_ref_format("--branch", branch)
    except git.GitCommandError:
        raise UsageError(f"invalid branch name {branch!r}") from None
    if branch in repo.heads:
        raise UsageError(f"branch {branch!r} already exists: pick a new name for this check-in's pull request")


def _restore(originals: dict[Path, bytes], written: list[Path]) -> None:
    from okrops.yamlio import write_atomic

    for path in written:
        write_atomic(path, originals[path].decode("utf-8"))


def _git_error_text(exc: BaseException) -> str:
    from git.exc import GitCommandError, HookExecutionError

    if isinstance(exc, HookExecutionError):
        detail = (exc.stderr or exc.stdout or "").strip().strip("'").strip()
        detail = detail.replace("stderr: ", "").replace("stdout: ", "").strip().strip("'").strip()
        hook = str(exc.command[0]).rsplit("/", 1)[-1] if exc.command else "hook"
        return f"the {hook} hook rejected it" + (f": {detail}" if detail else "")
    if isinstance(exc, GitCommandError):
        return (exc.stderr or str(exc)).strip()
    return str(exc)


def _push(repo, remote: str, branch: Optional[str], result: Result) -> None:
    import git

    if branch is None:
        result.push_error = "HEAD is detached: push the commit yourself"
        return
    try:
        repo.git.push("--set-upstream", remote, f"{branch}:{branch}")
        result.pushed = True
    except git.GitCommandError as exc:
        result.push_error = (exc.stderr or str(exc)).strip().replace("stderr: ", "").strip("'").strip()
