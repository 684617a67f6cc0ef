"""Check-ins: update key results in their YAML files and record them as one git commit.

All or nothing: every request is checked before a file is touched; values are
edited in the text itself, found with the parser validate reads with (the rest
of each file stays byte-for-byte the same, see :mod:`okrops.yamledit`); the
commit holds only the files edited here, so other staged changes stay staged
and uncommitted. The commit itself is a transaction (:mod:`okrops.record.gitcommit`):
under okrops' own lock the files are read again and edited, committed on git's
plumbing and the branch moved with a compare-and-swap; a failing hook, a
signal, a held index.lock or a full disk leaves the repository exactly as it was.

The commit message is for people (subject and body) and for tools (one group
of git trailers per key result, see :mod:`okrops.record.gitlog`).

KPIs are checked in the same way, in their unit.yaml, by the reference
``<unit>/kpi/<id>`` (e.g. ``platform/kpi/uptime``); a KPI has no confidence.
A request may carry more trailers for its group (``provenance``: where
``okrops collect`` fetched the value, see :mod:`okrops.collect.provenance`).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Optional, Union

from okrops import numbers, references
from okrops.record import gitcommit
from okrops.record import gitlog
from okrops.record import gitrepo
from okrops.record.checkin_dates import check_date, git_date, parse_date  # noqa: F401 - part of this module's API
from okrops.record.checkinfiles import Request, read_requests, refuse_problems  # noqa: F401 - part of this module's API
from okrops.record.checkinlevels import parse_level
from okrops.errors import OkropsError, UnknownReference, UsageError
from okrops.model import KeyResult, Kpi, Organisation, StrategyMap, is_kpi_ref

# Where a new `current` or `confidence` key goes: after the last of these keys present.
_CURRENT_AFTER = ("range", "target", "baseline", "direction", "unit", "metric", "title", "id")
_CONFIDENCE_AFTER = ("current", "level") + _CURRENT_AFTER
# Where a new `level` goes in an ordinal key result that has none yet.
_LEVEL_AFTER = ("levels", "unit", "metric", "title", "id")


class CheckinError(OkropsError):
    """A check-in that cannot be made; nothing was written."""


class GitStateError(CheckinError):
    """The working tree or the repository is not in a state where a check-in is safe."""


class CommitFailed(CheckinError):
    """git refused the commit; the files were restored."""

    exit_code = 1


@dataclass
class Change:
    """One validated check-in of one key result or KPI (``kr`` is the one checked in).

    For an ordinal key result ``level`` is the level's name as its file spells it and ``value`` its
    position in ``levels`` (0 the first), which history reads and verifies like any value.
    """

    kr: Union[KeyResult, Kpi]
    value: float
    confidence: Optional[float]
    note: str
    previous: Optional[float]
    previous_confidence: Optional[float]
    provenance: tuple[tuple[str, str], ...] = ()
    level: Optional[str] = None
    previous_level: Optional[str] = None

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
                raise UsageError(f"{what} {raw!r} is not a number: {numbers.value_hint(text, what)}")
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
    """A confidence as typed, anywhere one is read (option, --from file, prompt): ``0.7``, or ``70%`` read as 0.7."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    percent = re.fullmatch(r"\s*([-+]?\d+(?:\.\d+)?)\s*%\s*", raw) if isinstance(raw, str) else None
    if percent:
        number = parse_value(percent.group(1), "confidence")
        if not 0 <= number <= 100:
            raise UsageError(f"confidence {raw!r} is outside 0% to 100%: {numbers.CONFIDENCE_EXAMPLES}")
        return round(number / 100, 6)
    number = parse_value(raw, "confidence")
    if not 0 <= number <= 1:
        raise UsageError(f"confidence {raw!r} is outside 0 to 1 (0 is 'no chance', 1 is 'certain'): "
                         f"{numbers.CONFIDENCE_EXAMPLES}")
    return number


def resolve(org: Organisation, requests: Iterable[Request]) -> list[Change]:
    """Check every request and report every problem at once (row, column, what is wrong), before anything is
    written."""
    requests = list(requests)
    changes: list[Change] = []
    problems: list[str] = []
    seen: dict[str, str] = {}
    for request in requests:
        change, wrong = _resolve_one(org, request, seen)
        problems.extend(f"{request.where}, {column}: {what}" if request.where else what for column, what in wrong)
        if change is not None:
            changes.append(change)
    if len(problems) == 1 and not requests[0].where:
        error = UnknownReference if target(org, requests[0].ref) is None else UsageError
        raise error(problems[0])
    refuse_problems(problems, len(requests))
    if not changes:
        raise UsageError("nothing to check in")
    _refuse_unchanged(changes)
    return changes


def unknown_reference_message(org: Organisation, ref: str) -> str:
    """What is wrong with a reference to a key result or KPI that does not exist, and the closest that does."""
    return references.unknown_kpi(org, ref) if is_kpi_ref(ref) else references.unknown_reference(org, ref)

def _resolve_one(org: Organisation, request: Request, seen: dict[str, str]):
    """(the change, or None) and the problems of one request as (column, message) pairs."""
    wrong: list[tuple[str, str]] = []
    kr = target(org, request.ref)
    if kr is None:
        wrong.append(("ref", unknown_reference_message(org, request.ref)))
    elif kr.source.file.startswith(("../", ".okrops/")):
        wrong.append(("ref", f"{kr.ref} belongs to an included repository ({kr.source.file}): check it in "
                             "there, in the repository that owns the file"))
        kr = None
    elif kr.ref in seen:
        wrong.append(("ref", f"{kr.ref} is checked in twice (first at {seen[kr.ref]}); give each key result or KPI "
                             "once"))
    else:
        seen[kr.ref] = request.where or "the command line"
    value = confidence = level = None
    ordinal = getattr(kr, "ordinal", None)
    try:
        if ordinal is not None:
            level = parse_level(org, kr, request.value)
            value = ordinal.index(level)
        else:
            value = parse_value(request.value)
    except UsageError as exc:
        wrong.append(("value", exc.message))
    try:
        confidence = parse_confidence(request.confidence)
    except UsageError as exc:
        wrong.append(("confidence", exc.message))
    if confidence is not None and isinstance(kr, Kpi):
        wrong.append(("confidence", f"{kr.ref} is a KPI, which has a value but no confidence: leave the confidence out"))
    note = str(request.note or "").strip()
    if "\x00" in note:
        wrong.append(("note", "the note contains a NUL character, which git cannot store"))
    if wrong or kr is None:
        return None, wrong
    if ordinal is not None:
        return Change(kr, value, confidence, note, ordinal.index(ordinal.reached), _confidence(kr),
                      tuple(request.provenance), level, ordinal.reached), wrong
    return Change(kr, value, confidence, note, kr.current, _confidence(kr), tuple(request.provenance)), wrong


def target(org: Organisation, ref: str) -> Optional[Union[KeyResult, Kpi]]:
    """The key result (``unit/cycle/objective/kr``) or KPI (``unit/kpi/id``) that ``ref`` names, or None."""
    if is_kpi_ref(ref):
        unit = org.units.get(ref.split("/")[0])
        return next((k for k in unit.kpis if k.ref == ref), None) if unit is not None else None
    return org.key_results.get(ref)


def _confidence(kr: Union[KeyResult, Kpi]) -> Optional[float]:
    return getattr(kr, "confidence", None)


def _refuse_unchanged(changes: list[Change]) -> None:
    """A check-in records a change in the file: one that changes nothing would not count in history."""
    unchanged = [c for c in changes if not changes_file(c.kr, c.value, c.confidence)]
    if not unchanged:
        return
    held = "; ".join(f"{c.ref} is already {c.level if c.level is not None else gitlog.format_number(c.value)}"
                     + (f" with confidence {gitlog.format_number(c.previous_confidence)}"
                        if c.previous_confidence is not None else "") for c in unchanged)
    raise UsageError(f"nothing to record: {held}. A check-in is a change to the key result's file, and one that "
                     "changes nothing is not counted in its history; give a new value, or a new confidence "
                     "(--confidence, or the confidence column) if the number has not moved"
                     + ("; remove the unchanged rows from the file" if len(changes) > 1 else ""))


def changes_file(kr: Union[KeyResult, Kpi], value: Any, confidence: Any = None) -> bool:
    """Would checking in ``value`` (and ``confidence``) change the key result's (or KPI's) file?

    For an ordinal key result ``value`` is the level's position in its levels.
    """
    ordinal = getattr(kr, "ordinal", None)
    current = ordinal.index(ordinal.reached) if ordinal is not None else kr.current
    return not (_same_number(value, current) and (confidence is None or _same_number(confidence, _confidence(kr))))


def _same_number(a: Any, b: Any) -> bool:
    """Equal as okrops would write them (42 and 42.0 are the same text in the file)."""
    return b is not None and gitlog.format_number(a) == gitlog.format_number(b)


def load_for(refs: Iterable[str], start: Optional[str] = None) -> Optional[Organisation]:
    """A partial organisation holding only the cycle files of ``refs``, read without loading the rest.

    A check-in touches one or a few files: reading only those keeps it fast in an
    organisation of thousands of files. Returns None (load everything instead, for
    the full error messages) when a reference is malformed, its unit folder is not
    found exactly once, or its file does not read and validate cleanly.
    """
    from okrops import schemas
    from okrops.model import Config, CycleFile, Objective, Ordinal, Source, Unit
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
                        source=Source(rel, ("objectives", o_index, "key_results", k_index)),
                        ordinal=Ordinal(kr["levels"], kr.get("level")) if "levels" in kr else None)
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
    """('platform', 'O1/KR2') for 'platform/2026-Q4/O1/KR2', ('platform', 'kpi/uptime') for 'platform/kpi/uptime'."""
    parts = ref.split("/")
    return parts[0], "/".join(parts[1 if is_kpi_ref(ref) else 2:])


def _change_text(change: Change) -> str:
    if change.level is not None:
        text = change.level if change.previous_level is None else f"{change.previous_level} -> {change.level}"
        text = "".join(c if c.isprintable() else " " for c in text)  # the subject stays one line
    elif change.previous is None:
        text = gitlog.format_number(change.value)
    else:
        text = f"{gitlog.format_number(change.previous)} -> {gitlog.format_number(change.value)}"
    if change.confidence is not None:
        text += f", confidence {gitlog.format_number(change.confidence)}"
    return text


def build_message(changes: list[Change], extra_trailers: Iterable[str] = ()) -> tuple[str, str]:
    """(subject, whole message) of the commit of one check-in session.

    ``extra_trailers`` ("Key: value" lines, e.g. the issue a check-in came from) end the trailers.
    """
    units = sorted({_short(c.ref)[0] for c in changes})
    if len(changes) == 1:
        unit, short = _short(changes[0].ref)
        subject = f"Check-in {unit} {short}: {_change_text(changes[0])}"
    elif len(units) == 1:
        subject = f"Check-in {units[0]}: {len(changes)} {_what(changes)}"
    else:
        subject = (f"Check-in {len(changes)} {_what(changes)} in {', '.join(units[:3])}"
                   + (" and more" if len(units) > 3 else ""))
    body: list[str] = []
    for change in changes:
        if len(changes) > 1:
            body.append(f"- {change.ref}: {_change_text(change)}")
        if change.note:
            # Indented, so no line of a note, however a reader splits lines, can end the
            # message ('---'), be a comment or pass for a trailer: the trailers are the last
            # paragraph, and the note's trailer is one JSON line (gitlog.encode_note).
            prefix = "    " if len(changes) > 1 else "  "
            body += [prefix + line if line.strip() else "" for line in _safe_note_lines(change.note)]
    trailers: list[str] = []
    for change in changes:
        trailers.append(f"{gitlog.TRAILER_REF}: {change.ref}")
        trailers.append(f"{gitlog.TRAILER_VALUE}: {gitlog.format_number(change.value)}")
        if change.level is not None:
            trailers.append(f"{gitlog.TRAILER_LEVEL}: {gitlog.encode_level(change.level)}")
        if change.previous is not None:
            trailers.append(f"{gitlog.TRAILER_PREVIOUS}: {gitlog.format_number(change.previous)}")
        if change.confidence is not None:
            trailers.append(f"{gitlog.TRAILER_CONFIDENCE}: {gitlog.format_number(change.confidence)}")
        if change.note:
            trailers.append(f"{gitlog.TRAILER_NOTE}: {gitlog.encode_note(change.note)}")
        trailers += [f"{key}: {value}" for key, value in change.provenance if _trailer_safe(key, value)]
    for line in extra_trailers:
        key, colon, value = line.partition(":")
        if not colon or not re.fullmatch(r"[A-Za-z][A-Za-z0-9-]*", key) or key.lower().startswith(gitlog.TRAILER_PREFIX) \
                or not value.strip() or any(not c.isprintable() for c in line):
            raise UsageError(f"not a trailer okrops may add: {line!r}")
        trailers.append(f"{key}: {value.strip()}")
    message = subject + "\n\n"
    # No blank line inside the body: a blank line would make a note's last lines a paragraph of their own.
    body = [line for line in body if line.strip()]
    if body:
        message += "\n".join(body) + "\n\n"
    message += "\n".join(trailers) + "\n"
    return subject, message


def _what(changes: list[Change]) -> str:
    kpis = sum(isinstance(c.kr, Kpi) for c in changes)
    return "KPIs" if kpis == len(changes) else "key results" if not kpis else "values"


def _trailer_safe(key: str, value: str) -> bool:
    """A provenance trailer must be one line with an Okr- key, or it could end or forge the trailer block."""
    if not re.fullmatch(r"Okr-[A-Za-z-]+", key) or key in gitlog.CHECKIN_TRAILERS:
        raise CheckinError(f"internal: {key!r} is not a provenance trailer")
    if not value or not value.isprintable() or value != value.strip():
        raise CheckinError(f"internal: the {key} trailer's value must be one printable line")
    return True


def _safe_note_lines(note: str) -> list[str]:
    """A note's lines, split wherever any reader may split them, so that every one can be indented.

    git splits at LF only, but other readers split at CR, and Python's
    ``str.splitlines`` (like Unicode) also at VT, FF, FS, GS, RS, NEL, U+2028
    and U+2029: split at all of them, so no piece of a note can start a line.
    """
    return [line.rstrip() for line in note.splitlines()]


# --- editing files -----------------------------------------------------------


def edit_text(text: str, edits: list[tuple[tuple, str, Any]], file: str) -> str:
    """Apply (key path, key, value) edits to one YAML text in place; the rest stays byte for byte the same.

    The values are found with the parser validate reads with (:mod:`okrops.yamledit`), so every
    file validate accepts can be edited, in whatever consistent layout it is written.
    """
    from okrops.yamledit import EditRefused, set_numbers

    try:
        return set_numbers(text, edits, after={"current": _CURRENT_AFTER, "confidence": _CONFIDENCE_AFTER,
                                               "level": _LEVEL_AFTER})
    except EditRefused as refused:
        where = f"{file}:{refused.line}" if refused.line else file
        raise CheckinError(f"{where}: {refused.message}") from None


def _edits_by_file(changes: list[Change]) -> dict[str, list[tuple[tuple, str, Any]]]:
    files: dict[str, list[tuple[tuple, str, Any]]] = {}
    for change in changes:
        path = change.kr.source.path
        edits = files.setdefault(change.kr.source.file, [])
        edits.append((path, "current", change.value) if change.level is None else (path, "level", change.level))
        if change.confidence is not None:
            edits.append((path, "confidence", change.confidence))
    return files


# --- the commit ------------------------------------------------------------------


class _Session:
    """One check-in's read-modify-write, made from the files as they are under the lock, on every attempt."""

    def __init__(self, org: Organisation, requests: list[Request], repo: gitrepo.Repo, trailers: Iterable[str] = ()):
        self.org, self.requests, self.repo = org, requests, repo
        self.trailers = list(trailers)
        self.changes: list[Change] = []
        self.files: list[str] = []
        self.subject = self.message = ""

    def prepare(self, attempt: gitcommit.Attempt) -> gitcommit.Content:
        fresh = _reload(self.org, [r.ref for r in self.requests])
        changes = resolve(fresh, self.requests)
        root = Path(fresh.root)
        edits = _edits_by_file(changes)
        top = os.path.realpath(self.repo.toplevel)
        rel = {file: Path(os.path.relpath(os.path.realpath(root / file), top)).as_posix() for file in edits}
        attempt.require_clean(list(rel.values()))
        originals: dict[str, bytes] = {}
        new_texts: dict[Path, str] = {}
        for file, file_edits in edits.items():
            raw = originals[rel[file]] = attempt.read(rel[file])
            new_texts[root / file] = _edited(raw, file_edits, file)
        _check_new_texts(new_texts, root)
        self.subject, self.message = build_message(changes, self.trailers)
        self.changes, self.files = changes, list(rel.values())
        files = {rel[file]: new_texts[root / file].encode("utf-8") for file in edits}
        return gitcommit.Content(files, originals, self.message, self.subject, self.trailers_kept)

    def trailers_kept(self, final: str) -> Optional[str]:
        """A hook may add to the message (a Change-Id, a sign-off) but not change the check-in's trailers."""
        ours, theirs = (_okr_trailers(self.repo, text) for text in (self.message, final))
        if ours != theirs:
            return ("a prepare-commit-msg or commit-msg hook changed the check-in's Okr- trailers, so the commit "
                    "would not say what the files say; change the hook to leave them as they are")
        return None


def _okr_trailers(repo: gitrepo.Repo, message: str) -> list[str]:
    out = repo.out("interpret-trailers", "--parse", input=message.encode("utf-8"))
    return [line for line in out.splitlines() if line.lower().startswith("okr-")]


def _reload(org: Organisation, refs: list[str]) -> Organisation:
    """The key results' files as they are now (under the lock), not as they were when ``org`` was loaded."""
    fresh = load_for(refs, org.root)
    if fresh is None:
        from okrops.repository import load

        fresh = load(org.root).organisation
        if fresh is None:
            raise CheckinError("okrs/okrops.yaml has errors: run okrops validate, fix them, then try again")
    return fresh


def _edited(raw: bytes, edits: list[tuple[tuple, str, Any]], file: str) -> str:
    from okrops.yamlio import YamlProblem, decode

    try:
        text = decode(raw)
    except YamlProblem as problem:
        raise CheckinError(f"{file}: {problem.message}") from None
    bom = "\ufeff" if raw.startswith(b"\xef\xbb\xbf") else ""
    return bom + edit_text(text, edits, file)


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
    allow_before_cycle: bool = False,
    author_only: bool = False,
    trailers: Iterable[str] = (),
) -> Result:
    """Check in ``requests`` as one commit, all or nothing; update ``org``'s key results on success.

    ``when`` back-dates the author date (``--date``; refused in the future or before a
    key result's cycle unless ``allow_before_cycle``); ``author`` (name, email) and
    ``commit_date`` default to git's configuration and now. Without ``author``, git must
    have an explicit identity; with ``author_only`` the committer stays git's own (a bot recording
    ``author``'s check-in). ``trailers`` are added after the Okr- trailers (e.g. the issue it came
    from). See :mod:`okrops.record.gitcommit` for how the commit is made.
    """
    requests = list(requests)
    trailers = list(trailers)
    early = resolve(org, requests)
    check_date(org, early, when, commit_date, allow_before_cycle)  # refuse early, before the lock
    if trailers:
        build_message(early, trailers)  # a bad trailer too
    try:
        repo = gitrepo.discover(org.root)
        ident = gitrepo.identity(repo, author, when, commit_date, author_only=author_only)
        if branch:
            gitrepo.check_branch_name(repo, branch)
        if push:
            gitrepo.check_remote(repo, remote)
        session = _Session(org, requests, repo, trailers)
        outcome = gitcommit.commit_files(repo, session.prepare, ident=ident, branch=branch)
    except gitrepo.RepositoryStateError as exc:
        raise GitStateError(exc.message) from None
    except gitrepo.CommitError as exc:
        raise CommitFailed(f"the commit failed, so the files were restored and nothing was checked in: "
                           f"{exc.message}") from None
    changes = []
    for change in session.changes:
        kr = target(org, change.ref) or change.kr
        if change.level is not None and getattr(kr, "ordinal", None) is not None:
            kr.ordinal.reached = change.level
        else:
            kr.current = change.value
        if change.confidence is not None:
            kr.confidence = change.confidence
        changes.append(Change(kr, change.value, change.confidence, change.note, change.previous,
                              change.previous_confidence, change.provenance, change.level, change.previous_level))
    result = Result(outcome.commit, session.subject, session.message, changes, session.files, branch)
    if push:
        pushed = branch or (outcome.head.ref.removeprefix("refs/heads/") if outcome.head.ref else None)
        _push(repo, remote, pushed, result)
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
        kind = "unit" if path.name == "unit.yaml" else "okrs"
        if not schemas.is_valid(kind, data):
            problems = "; ".join(m for _p, m in list(schemas.errors(kind, data))[:3])
            raise CheckinError(f"{rel}: the edited file would break the schema ({problems}); nothing was written")


def _push(repo: gitrepo.Repo, remote: str, branch: Optional[str], result: Result) -> None:
    if branch is None:
        result.push_error = "HEAD is detached: push the commit yourself"
        return
    result.push_error = gitrepo.push(repo, remote, branch)
    result.pushed = not result.push_error
