"""Read the check-ins of a range of commits from git, each verified against the file it claims to change.

A commit's ``Okr-*`` trailers are claims; the cycle files are the record. An
entry counts as a check-in only when the commit carrying the trailer changed
that key result in its file to that value: in the commit's version of the
file, ``current`` equals the trailer value (and ``confidence`` the trailer
confidence when given), and (current, confidence) differ from the first
parent's version. Other trailer entries are *unverified*: kept apart, never
counted. Values changed without a trailer (a reviewed hand edit) are
recovered from the same file versions, as kind ``edit``.

Three git processes run at once: ``git log`` for authors and trailers,
``git log --raw`` for the files each commit changed, and ``git cat-file
--batch`` for the versions of those files, requested in history order while
the raw log is read (the plan: :mod:`okrops.record.historyplan`). Each version is
read once (a commit's old version is the new version of the commit before it that
touched the file) and mostly derived from the version next to it
(:mod:`okrops.record.filevalues`) rather than parsed. The usual commit, one
check-in of the one file it changes, is recorded by a short path
(:meth:`Walk._checkin`) that gives the row the general one gives.

Each entry also knows whether its objective, or its unit or a unit above it
(from the ``unit.yaml`` files at that commit), was private when it was
written, so the site can hold back notes written in private.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from typing import Optional

from okrops.record import filevalues
from okrops.record import gitlog
from okrops.record.filevalues import CONFIDENCE, CURRENT, EMPTY, FileIndex
from okrops.model import is_kpi_ref
from okrops.numbers import is_finite
from okrops.record.historyplan import Paths, Planner, RequestWriter
from okrops.record.unitstates import NOT_A_UNIT, PRIVATE_UNIT, UnitStates
MAX_REF = 300  # characters in a trailer's key result reference
_REF = re.compile(r"[^\s/]+/[^\s/]+/[^\s/]+/[^\s/]+")
# Row fields (see okrops.record.history.CheckIn):
COMMIT = 7  # the commit's full sha
PRIVATE = 10  # written while its objective or unit was private
_FIELDS = {"okr-checkin": 0, "okr-value": 1, "okr-confidence": 2, "okr-previous": 3, "okr-note": 4, "okr-level": 5}
_FIELD_NAMES = ("Okr-Checkin", "Okr-Value", "Okr-Confidence", "Okr-Previous", "Okr-Note", "Okr-Level")
_FIELD_OF = {**_FIELDS, **{name: number for number, name in enumerate(_FIELD_NAMES)}}
# One check-in as okrops writes it: one group, each field once, in okrops' order, and a reference of at
# most MAX_REF printable characters that no other reading would refuse (the general reading gives the same).
_ONE_CHECKIN = re.compile(
    r"Okr-Checkin: ((?:[\w.-]{1,%d}/){3}[\w.-]{1,%d})\nOkr-Value: ([^\n]*)(?:\nOkr-Previous: ([^\n]*))?"
    r"(?:\nOkr-Confidence: ([^\n]*))?(?:\nOkr-Note: ([^\n]*))?" % (MAX_REF // 4 - 1, MAX_REF // 4 - 1)).fullmatch


@dataclass
class Rows:
    """What a range of commits holds, newest commit first; rows are :class:`okrops.record.history.CheckIn` fields.

    A row is [ref, value, confidence, note, author, email, date as ISO text, sha,
    kind, previous, private, verified, reason]. ``warnings`` are (sha, subject,
    what was skipped and why).
    """

    checkins: list = field(default_factory=list)
    unverified: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    # [ref, date as ISO text, sha] of each commit whose file change added a key result (newest first)
    appeared: list = field(default_factory=list)


PROGRESS_STEP = 4096  # commits between two progress reports


def read_rows(toplevel: str, revisions: list[str], prefix: str, advance=None) -> Rows:
    """Check-ins, unverified entries and warnings of the commits in ``revisions`` (e.g. ``[tip]``, ``[a..b]``).

    One pass in history order: the raw log is read, the file versions each commit
    needs are asked of ``git cat-file`` at once, and the commits are walked a little
    behind, as their versions arrive; so Python and the three git processes work
    at the same time.
    """
    import gc

    collecting = gc.isenabled()
    gc.disable()  # 100,000s of small objects and no cycles: collection passes would only cost time
    try:
        return _read_rows(toplevel, revisions, Paths(prefix), advance)
    finally:
        if collecting:
            gc.enable()


def _read_rows(toplevel: str, revisions: list[str], paths: Paths, advance=None) -> Rows:
    with gitlog.GitProcess(toplevel, gitlog.raw_log_command(revisions)) as raw, \
            gitlog.GitProcess(toplevel, gitlog.log_command(revisions)) as log, \
            gitlog.GitProcess(toplevel, ["cat-file", "--batch", "--buffer"], stdin=True) as cat:
        writer = RequestWriter(cat)
        planner = Planner(paths, writer)
        walk = Walk(paths, gitlog.BlobReader(cat))
        commits = gitlog.commit_fields(log)
        waiting: deque = deque()
        walked = 0  # blob requests of the commits walked
        later = 0  # when cat-file was behind: look again after this many more commits
        planned_count = 0
        ready = walk.blobs.ready
        for planned in planner.commits(raw):
            waiting.append(planned)
            planned_count += 1
            if advance is not None and not planned_count % PROGRESS_STEP:
                advance(PROGRESS_STEP)
            if later:
                later -= 1
                continue
            # Walk the commits whose file versions cat-file has written; never wait for one here,
            # as cat-file may keep the last ones in its buffer until it is given more requests.
            while waiting and ready(waiting[0][2] - walked):
                planned = waiting.popleft()
                walked = planned[2]
                commit = next(commits, None)
                if commit is None or commit[0] != planned[0]:
                    raise gitlog.GitError(f"git log and git log --raw disagree at commit {planned[0][:10]}")
                walk.commit(commit, planned[1])
            if waiting:
                later = 64
        if advance is not None:
            advance(planned_count % PROGRESS_STEP)
        units = UnitStates(toplevel, planner.tree, paths)
        writer.put(units.blobs_to_read())
        writer.close()  # cat-file has every request now, and writes out everything
        while waiting:
            _walk(walk, commits, waiting.popleft())
        if next(commits, None) is not None:
            raise gitlog.GitError("git log lists more commits than git log --raw")
        units.read_blobs(walk.blobs)
        walk.blobs.close()
        return walk.finish(units)


def _walk(walk: "Walk", commits, planned: tuple) -> None:
    commit = next(commits, None)
    if commit is None or commit[0] != planned[0]:
        raise gitlog.GitError(f"git log and git log --raw disagree at commit {planned[0][:10]}")
    walk.commit(commit, planned[1])


class Walk:
    """Goes through the commits newest first, matching each commit's claims with its file changes."""

    def __init__(self, paths: Paths, blobs: gitlog.BlobReader):
        self.paths = paths
        self.blobs = blobs
        self.rows = Rows()
        self.privacy: list[tuple[list, str, str]] = []  # (row, sha, path): unit privacy is added last

    def commit(self, commit: tuple, changes: list) -> None:
        sha, parents, author, email, when, subject, trailers = commit
        merge = " " in parents  # git prints the parents separated by spaces
        if trailers:
            if len(changes) == 1 and not merge:  # the usual commit: one file, and mostly one check-in of it
                one = _ONE_CHECKIN(trailers)
                claim = _usual_claim(one) if one is not None else None
                if claim is not None and claim[1] == changes[0][1]:
                    version = self._version(changes[0], claim[2])
                    if not self._checkin(commit, claim, version):
                        self._record(commit, [claim], {claim[1]: version}, False)
                    return
            claims = self._claims(sha, subject, trailers)
        elif changes:
            claims = ()
        else:
            return
        if not changes:
            versions = {}
        elif len(changes) == 1 and not merge:  # the usual commit: one file
            change = changes[0]
            what = change[1]
            hint = ""
            for claim in claims:
                if claim[1] == what:
                    hint = claim[2]
                    break
            versions = {what: self._version(change, hint)}
        else:
            versions = self._versions(changes, merge, claims)
        if claims or versions:
            self._record(commit, claims, versions, merge)

    def _checkin(self, commit: tuple, claim: tuple, version: tuple) -> bool:
        """Record the usual commit, one check-in verified by the one file it changes and nothing else, and
        say True; False, with nothing recorded, for anything else (:meth:`_record` then reads it in full).

        The row is the one :meth:`_record` makes of it: the claim passes every test of :func:`_verify`, the
        key result is not ordinal, it is the only key changed, and it was in the file before.
        """
        ref, _unit_cycle, key, value, confidence, _previous, note, _level = claim
        path, older, newer, changed = version
        if newer is None or len(changed) != 1 or changed[0] != key or key in newer.levels:
            return False
        new = newer.values.get(key)
        old = older.values.get(key)
        if new is None or old is None or not (new[CURRENT] == value and _finite(new[CURRENT])):
            return False
        new_confidence = new[CONFIDENCE]
        if confidence is None:
            shown = not filevalues.same(new_confidence, old[CONFIDENCE])
        elif new_confidence == confidence and _finite(new_confidence):
            shown = True
        else:
            return False
        sha, _parents, author, email, when, _subject, _trailers = commit
        try:
            datetime.fromisoformat(when)
        except ValueError:
            return False
        row = _checkin_row(ref, old, new, shown, gitlog.decode_note(note) if note else "", author, email, when, sha,
                           (None, None))
        self.rows.checkins.append(row)
        self.privacy.append((row, sha, path))
        return True

    def _record(self, commit: tuple, claims, versions: dict, merge: bool) -> None:
        """The rows of one commit: its claims, verified or not, and the hand edits of its file changes."""
        sha, _parents, author, email, when, subject, _trailers = commit
        try:
            datetime.fromisoformat(when)
        except ValueError:
            self._warn(sha, subject, f"its author date ({_shown(when)}) cannot be read, so it is skipped")
            return
        made: list[list] = []
        claimed: set[tuple[str, str]] = set()  # (path, key) explained by a verified check-in
        for ref, unit_cycle, key, value, confidence, previous, note, level in claims:
            note = gitlog.decode_note(note) if note else ""
            found = _verify(unit_cycle, key, value, confidence, versions.get(unit_cycle, False), merge, level)
            if found.__class__ is str:
                self.rows.unverified.append([ref, value, confidence, note, author, email, when, sha, "checkin",
                                             gitlog.parse_number(previous) if previous else None, False, False,
                                             found, level, None])
                continue
            path, old, new = found
            shown = confidence is not None or not filevalues.same(new[CONFIDENCE], old[CONFIDENCE])
            row = _checkin_row(ref, old, new, shown, note, author, email, when, sha, _levels(versions[unit_cycle], key))
            claimed.add((path, key))
            made.append(row)
            self.privacy.append((row, sha, path))
        if not merge:
            self._appeared(versions, when, sha)
            for unit_cycle, version in versions.items():
                if version is not None and version[3] and version[2] is not None and version[1] is not EMPTY:
                    if len(versions) > 1 or len(version[3]) > len(claimed):  # else all changes are check-ins
                        self._edits(sha, subject, author, email, when, unit_cycle, version, claimed, made)
        if made:
            if len(made) > 1:
                made.reverse()  # newest first overall; a commit's entries reversed (reverse a list for commit order)
            self.rows.checkins += made

    def _versions(self, changes: list, merge: bool, claims) -> dict:
        """(unit, cycle) -> (path, older index, newer index, changed keys) of the cycle files changed.

        Two files of one unit and cycle (two folders with the same name) map to None.
        A merge's versions are read too (the commits it merges need them) but claim nothing.
        """
        result: dict = {}
        hints = {claim[1]: claim[2] for claim in reversed(claims)}
        for change in changes:
            what = change[1]
            version = self._version(change, hints.get(what, ""))
            result[what] = None if what in result else version
        return {} if merge else result

    def _version(self, change: tuple, hint: str) -> tuple:
        """(path, older index, newer index, changed keys) of one changed file.

        Reads the blobs the planner asked for (the empty slots), in the same order.
        """
        path, _what, old, new, old_slot, new_slot = change
        if new_slot is None:
            return path, None, None, ()
        newer = new_slot[0]
        if newer is None:
            data = self.blobs.next(new)
            newer = FileIndex(b"", {}, "git does not have this version") if data is None else filevalues.index(data)
            new_slot[0] = newer
        if old_slot is None:
            return path, EMPTY, newer, filevalues.differences(EMPTY, newer)
        older = old_slot[0]
        if older is not None:
            changed = filevalues.differences(older, newer)
        else:
            data = self.blobs.next(old) or b""
            derived = filevalues.derive(newer, data, hint)
            if derived is None:
                older = filevalues.index(data)
                changed = filevalues.differences(older, newer)
            else:
                older, changed = derived
            old_slot[0] = older
        return path, older, newer, changed

    def _claims(self, sha: str, subject: str, trailers: str) -> list[tuple]:
        """(ref, (unit, cycle), key, value, confidence, previous text, note text, level) of each readable trailer group.

        ``trailers`` are the commit's trailer lines as git prints them. Groups that cannot
        be read are skipped with a warning.
        """
        one = _ONE_CHECKIN(trailers)
        claim = _usual_claim(one) if one is not None else None
        if claim is not None:  # the usual message: exactly what the general reading below gives, sooner
            return [claim]
        return self._trailer_claims(sha, subject, gitlog.trailer_pairs(trailers))

    def _trailer_claims(self, sha: str, subject: str, pairs: list[tuple[str, str]]) -> list[tuple]:
        """:meth:`_claims` of any trailers, given as the ``Okr-*`` (key, value) pairs in the message's order."""
        groups: list[list] = []
        group: Optional[list] = None
        field_of = _FIELD_OF
        for key, value in pairs:
            number = field_of.get(key)
            if number is None:
                number = _FIELDS.get(key.lower())
                if number is None:
                    continue
            if number == 0:
                group = [value, None, None, None, None, None, None]
                groups.append(group)
            elif group is not None:
                if group[number] is not None:
                    group[6] = key
                group[number] = value
        claims = []
        seen: set[str] = set()
        parse = gitlog.parse_number
        for ref, value, confidence, previous, note, level, twice in groups:
            if is_kpi_ref(ref):
                continue  # a KPI's check-in, in a unit.yaml: okrops.record.kpihistory reads those
            number = parse(value) if value is not None else None
            sure = parse(confidence) if confidence is not None else None
            if (number is None or twice or ref in seen or len(ref) > MAX_REF or not _REF.fullmatch(ref)
                    or not ref.isprintable() or (confidence is not None and (sure is None or not 0 <= sure <= 1))):
                self._warn(sha, subject, _problem(ref, value, confidence, twice, ref in seen))
                continue
            seen.add(ref)
            unit, cycle, objective, kr = ref.split("/")
            claims.append((ref, (unit, cycle), objective + "/" + kr, number, sure, previous, note,
                           gitlog.decode_level(level) if level is not None else None))
        return claims

    def _appeared(self, versions: dict, when: str, sha: str) -> None:
        """Key results a commit's file change created: staleness counts from when each one appeared."""
        for unit_cycle, version in versions.items():
            if version is None or not version[3] or version[2] is None:
                continue
            older = version[1].values if version[1] is not None else {}
            for key in version[3]:
                if key not in older:
                    self.rows.appeared.append([f"{unit_cycle[0]}/{unit_cycle[1]}/{key}", when, sha])

    def _edits(self, sha, subject, author, email, when, unit_cycle, version, claimed, made) -> None:
        """Values changed by hand: changes no verified check-in explains (key results being created are not)."""
        path, older, newer, changed = version
        for key in changed:
            if (path, key) in claimed or key not in older.values:
                continue
            current, confidence, private = newer.values[key]
            previous = older.values[key][CURRENT]
            # A value that is not a finite number (.nan, a 400-digit integer, a word) is a missing value,
            # as everywhere in okrops (validate reports it in the file).
            row = [f"{unit_cycle[0]}/{unit_cycle[1]}/{key}", current if _finite(current) else None,
                   confidence if _finite(confidence) else None, subject, author, email, when, sha, "edit",
                   previous if _finite(previous) else None, private, True, "", *_levels(version, key)]
            made.append(row)
            self.privacy.append((row, sha, path))

    def _warn(self, sha: str, subject: str, message: str) -> None:
        self.rows.warnings.append((sha, subject, message))

    def finish(self, units: UnitStates) -> Rows:
        """The rows, each knowing whether its unit was private; entries of files outside any unit dropped."""
        standing = units.standing
        outside: set[int] = set()
        for row, sha, path in self.privacy:
            where = standing(sha, path)
            if where == PRIVATE_UNIT:
                row[PRIVATE] = True
            elif where == NOT_A_UNIT:  # a copy of a cycle file elsewhere, say: not the unit's record
                outside.add(id(row))
                if row[8] == "checkin":
                    row[PRIVATE], row[11] = True, False
                    row[12] = f"{path} is in no unit (no unit.yaml next to it) at this commit"
                    self.rows.unverified.append(row)
        if outside:
            self.rows.checkins = [row for row in self.rows.checkins if id(row) not in outside]
        return self.rows


def _usual_claim(one: re.Match) -> Optional[tuple]:
    """The claim of a message :data:`_ONE_CHECKIN` matched (as :meth:`Walk._claims` gives it); None when its
    numbers do not read (the general reading then says why)."""
    ref, value, previous, confidence, note = one.groups()
    parse = gitlog.parse_number
    number = parse(value)
    if number is None:
        return None
    if confidence is None:
        sure = None
    else:
        sure = parse(confidence)
        if sure is None or not 0 <= sure <= 1:
            return None
    parts = _REF_PARTS.get(ref)
    if parts is None:  # the same few thousand references come back in every history: remember them
        unit, cycle, objective, kr = ref.split("/")
        parts = (unit, cycle), objective + "/" + kr
        if len(_REF_PARTS) > 50_000:
            _REF_PARTS.clear()
        _REF_PARTS[ref] = parts
    return ref, parts[0], parts[1], number, sure, previous, note, None


_REF_PARTS: dict[str, tuple[tuple[str, str], str]] = {}  # reference -> ((unit, cycle), "objective/key result")


def _checkin_row(ref: str, old: tuple, new: tuple, shown: bool, note: str, author: str, email: str, when: str,
                 sha: str, levels: tuple) -> list:
    """A verified check-in's row (fields: okrops.record.history.CheckIn): the file's values before and after,
    the confidence only when the claim gave one or the file changed it (``shown``)."""
    confidence = new[CONFIDENCE]
    return [ref, new[CURRENT], confidence if shown and _finite(confidence) else None, note, author, email, when, sha,
            "checkin", old[CURRENT] if _finite(old[CURRENT]) else None, new[2], True, "", *levels]


def _verify(unit_cycle: tuple, key: str, value, confidence, version, merge: bool, level=None):
    """(path, old values, new values) when the file change bears the claim out; else why it does not.

    An ordinal key result's value is its level's position in its levels; an ``Okr-Level`` must name that level.
    """
    if merge:
        return "a merge commit: check-ins are read from the commits it merges"
    if version is False:
        return f"the commit did not change the file of {unit_cycle[0]}/{unit_cycle[1]}"
    if version is None:
        return f"the commit changed two files for {unit_cycle[0]}/{unit_cycle[1]}"
    path, older, newer, changed = version
    if newer is None:
        return f"the commit deleted {path}"
    new = newer.values.get(key)
    if new is None:
        if newer.problem:
            return f"{path} does not read as YAML at this commit ({newer.problem})"
        return f"{path} has no key result {key} at this commit"
    names = newer.levels.get(key)
    if names is not None:
        reached = names[new[CURRENT]] if new[CURRENT] is not None else None
        if not (new[CURRENT] == value and (level is None or level == reached)):
            claimed = level if level is not None else f"level number {gitlog.format_number(value)}"
            return f"{path} says level {_shown(reached) if reached is not None else 'none'}, not {_shown(claimed)}"
    elif level is not None:
        return f"{path} has no levels for {key}, yet the check-in names level {_shown(level)}"
    elif not (new[CURRENT] == value and _finite(new[CURRENT])):
        return f"{path} says current {_shown(new[CURRENT])}, not {gitlog.format_number(value)}"
    if confidence is not None and not (new[CONFIDENCE] == confidence and _finite(new[CONFIDENCE])):
        return f"{path} says confidence {_shown(new[CONFIDENCE])}, not {gitlog.format_number(confidence)}"
    if key not in changed:
        return f"the commit did not change {key} in {path}"
    return path, older.values.get(key, _ABSENT), new


_ABSENT = (None, None, False)


def _levels(version: tuple, key: str) -> tuple:
    """(level, previous level) of an ordinal key result in a file change; (None, None) for any other."""
    _path, older, newer, _changed = version
    names = newer.levels.get(key)
    if names is None:
        return None, None
    current = newer.values[key][CURRENT]
    before = older.values.get(key) if older is not None else None
    old_names = older.levels.get(key) if older is not None else None
    previous = before[CURRENT] if before is not None and old_names is not None else None
    return (names[current] if current is not None else None,
            old_names[previous] if previous is not None and old_names is not None else None)


def _problem(ref: str, value, confidence, twice, again: bool) -> str:
    """Why a trailer group cannot be read."""
    if len(ref) > MAX_REF or not _REF.fullmatch(ref) or not ref.isprintable():
        return f"Okr-Checkin {_shown(ref)} is not a key result reference (unit/cycle/objective/key result)"
    if twice:
        return f"the check-in of {ref} has {twice} twice"
    if again:
        return f"{ref} is checked in twice in one commit; the first one counts"
    if value is None:
        return f"the check-in of {ref} has no Okr-Value"
    if gitlog.parse_number(value) is None:
        return f"the check-in of {ref} has the value {_shown(value)}, which is not a finite number"
    return f"the check-in of {ref} has the confidence {_shown(confidence)}, which is not a number from 0 to 1"


_finite = is_finite  # a number okrops can show and score: not a bool, nan or infinite, within float range


def _shown(value, limit: int = 40) -> str:
    """A value for a message: short, with control characters escaped (a 5,000-digit number too)."""
    from okrops.numbers import describe

    text = value if isinstance(value, str) else describe(value)
    if len(text) > limit:
        text = text[:limit] + "..."
    return repr(text)
