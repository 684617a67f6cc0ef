"""Trust in the check-in history (issue 8): a check-in in history is one the repository really holds.

* trailers are read exactly as ``git log`` reads them (a generated corpus, committed for real);
* a trailer counts only when its commit changed that key result to that value in its file;
  anything else is unverified: out of history, staleness, lint and the site, listed by
  ``okrops history --unverified``;
* one odd commit (control characters, huge or non-numeric values, other encodings, broken
  dates) is skipped with a warning naming it and never breaks history, lint, status or the site;
* no line break in a note, however a reader splits lines, can forge a trailer;
* notes written while an objective or unit was private never reach the site, even when the
  reference is reused by a public objective later.

Every test works on real git repositories and, where it says so, real processes and a real site build.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from okrops.record import checkin as core
from okrops.record import gitlog
from okrops.record import history
from test_checkin_support import (  # noqa: F401 - fixtures
    DATA_Q4,
    PLATFORM_Q4,
    git,
    isolated_git,
    load_org,
    org_repo,
    write,
)

PLATFORM = "okrs/acme/platform/2026-Q4.yaml"
DATA = "okrs/acme/data/2026-Q4.yaml"
ESC = "\x1b"


def checkin_on(repo: Path, day: str, *requests, author=("Ada Lovelace", "ada@example.com")):
    stamp = core.parse_date(f"{day}T10:00:00+00:00")
    return core.checkin(load_org(repo), [core.Request(*r) for r in requests], when=stamp, commit_date=stamp,
                        author=author)


def commit_all(repo: Path, message: str, day: str = "2026-11-01", allow_empty: bool = False) -> str:
    stamp = f"{day}T12:00:00+00:00"
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--cleanup=verbatim", "-m", message, *(["--allow-empty"] if allow_empty else []),
        env={"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp})
    return git(repo, "rev-parse", "HEAD").strip()


def edit(repo: Path, rel: str, old: str, new: str) -> None:
    text = (repo / rel).read_text(encoding="utf-8")
    assert old in text, old
    write(repo / rel, text.replace(old, new, 1))


def raw_commit(repo: Path, message: bytes, author: bytes = b"Raw Person <raw@example.com> 1793700000 +0000",
               headers: bytes = b"") -> str:
    """A commit object written byte for byte (what git commit would refuse), of the index's tree, on main."""
    git(repo, "add", "-A")
    tree = git(repo, "write-tree").strip()
    parent = git(repo, "rev-parse", "HEAD").strip()
    body = (b"tree %s\nparent %s\nauthor %s\ncommitter Raw Person <raw@example.com> 1793700000 +0000\n%s\n"
            % (tree.encode(), parent.encode(), author, headers)) + message
    sha = subprocess.run(["git", "hash-object", "-t", "commit", "-w", "--literally", "--stdin"], cwd=repo,
                         input=body, capture_output=True, check=True).stdout.decode().strip()
    git(repo, "update-ref", "refs/heads/main", sha)
    return sha


def okrops(repo: Path, *args: str) -> subprocess.CompletedProcess:
    """okrops as a real process, in the repository."""
    env = {**os.environ, "OKROPS_TODAY": "2026-11-25"}
    env.pop("OKROPS_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "okrops", *args], cwd=repo, capture_output=True, text=True,
                          env=env, encoding="utf-8", errors="replace")


# --- trailers exactly as git reads them ---------------------------------------------------------


def test_okrops_reads_okr_trailers_exactly_as_git_log_does(tmp_path):
    import trailer_corpus

    repo = tmp_path / "corpus"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    trailer_corpus.commit_corpus(repo, 400)
    commits, agree, with_okr, disagree = trailer_corpus.agreement(repo)
    assert (commits, agree, disagree) == (400, 400, [])
    assert with_okr > 250  # not a vacuous comparison: most messages carry Okr trailers by git's reading


def test_trailers_git_does_not_see_are_not_read(org_repo):
    # Lines that look like trailers but are not the last paragraph, or follow "---" with prose, or are the subject.
    for message in ("Okr-Checkin: platform/2026-Q4/O1/KR2\nOkr-Value: 39",
                    "subject\n\nOkr-Checkin: platform/2026-Q4/O1/KR2\nOkr-Value: 39\n\nprose after",
                    "subject\n\nOkr-Checkin: platform/2026-Q4/O1/KR2\nOkr-Value: 39\n---\nnot trailers\nat all"):
        edit(org_repo, PLATFORM, "current: 38", "current: 39")
        commit_all(org_repo, message)
        edit(org_repo, PLATFORM, "current: 39", "current: 38")
        commit_all(org_repo, "back")
    org = load_org(org_repo)
    assert history.read_unverified(org) == []
    assert {c.kind for c in history.read_history(org)} == {"edit"}  # the values changed by hand, nothing more


# --- verification: only what the file bears out counts ------------------------------------------


def test_a_commit_that_changed_nothing_is_not_a_checkin(org_repo):
    checkin_on(org_repo, "2026-11-10", ("data/2026-Q4/O1/KR1", "76", None, "real"))
    forged = commit_all(org_repo, "Check-in data O1/KR1: 76 -> 99\n\nOkr-Checkin: data/2026-Q4/O1/KR1\n"
                        "Okr-Value: 99\nOkr-Note: \"FORGED\"\n", "2026-11-24", allow_empty=True)
    org = load_org(org_repo)
    assert [(c.ref, c.value, c.note) for c in history.read_history(org)] == [("data/2026-Q4/O1/KR1", 76, "real")]
    assert history.last_checkins(org)["data/2026-Q4/O1/KR1"].isoformat() == "2026-11-10"
    [claim] = history.read_unverified(org)
    assert (claim.ref, claim.value, claim.commit, claim.verified) == ("data/2026-Q4/O1/KR1", 99, forged, False)
    assert "did not change" in claim.reason
    # staleness and lint go by the real check-in: stale on 11-25 (cadence 7 days), the forged commit does not help
    assert "data/2026-Q4/O1/KR1" in history.staleness(org, date(2026, 11, 25)).key_results
    listed = okrops(org_repo, "history", "--unverified", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    [row] = json.loads(listed.stdout)["checkins"]
    assert (row["commit"], row["verified"], row["value"], row["note"]) == (forged, False, 99, "FORGED")
    assert "did not change" in row["reason"]
    assert json.loads(okrops(org_repo, "history", "--format", "json").stdout)["checkins"][0]["verified"] is True
    table = okrops(org_repo, "history", "--unverified")
    assert forged[:10] in table.stdout and "1 unverified check-in" in table.stdout
    assert "FORGED" not in okrops(org_repo, "history").stdout


@pytest.mark.parametrize("case", ["other key result", "other file", "other value", "other confidence", "same value"])
def test_trailers_the_file_change_does_not_bear_out(org_repo, case):
    if case == "other key result":  # the trailer names KR2, the commit changed KR1
        edit(org_repo, PLATFORM, "current: 400", "current: 390")
        trailers = "Okr-Checkin: platform/2026-Q4/O1/KR2\nOkr-Value: 40"
    elif case == "other file":
        edit(org_repo, DATA, "current: 75", "current: 76")
        trailers = "Okr-Checkin: platform/2026-Q4/O1/KR2\nOkr-Value: 40"
    elif case == "other value":
        edit(org_repo, PLATFORM, "current: 38", "current: 41")
        trailers = "Okr-Checkin: platform/2026-Q4/O1/KR2\nOkr-Value: 42"
    elif case == "other confidence":
        edit(org_repo, PLATFORM, "current: 38", "current: 42")
        trailers = "Okr-Checkin: platform/2026-Q4/O1/KR2\nOkr-Value: 42\nOkr-Confidence: 0.9"
    else:  # the value the file already held, and nothing changed in the file
        edit(org_repo, PLATFORM, "title: Migrate 60 customers", "title: Migrate sixty customers")
        trailers = "Okr-Checkin: platform/2026-Q4/O1/KR2\nOkr-Value: 38"
    sha = commit_all(org_repo, f"Check-in\n\n{trailers}\n")
    org = load_org(org_repo)
    [claim] = history.read_unverified(org)
    assert claim.commit == sha and claim.ref == "platform/2026-Q4/O1/KR2" and not claim.verified
    assert [c for c in history.read_history(org) if c.kind == "checkin"] == []
    # what the file says is still recorded: a value changed without a trailer that bears it out is a hand edit
    edits = [(c.ref, c.previous, c.value) for c in history.read_history(org)]
    expected = {"other key result": [("platform/2026-Q4/O1/KR1", 400, 390)],
                "other file": [("data/2026-Q4/O1/KR1", 75, 76)],
                "other value": [("platform/2026-Q4/O1/KR2", 38, 41)],
                "other confidence": [("platform/2026-Q4/O1/KR2", 38, 42)],
                "same value": []}[case]
    assert edits == expected


def test_a_copy_of_a_cycle_file_outside_any_unit_is_not_the_record(org_repo):
    write(org_repo / "okrs/old/platform/2026-Q4.yaml", PLATFORM_Q4)  # a folder without unit.yaml
    commit_all(org_repo, "Keep a copy", "2026-11-01")
    edit(org_repo, "okrs/old/platform/2026-Q4.yaml", "current: 38", "current: 44")
    sha = commit_all(org_repo, "Check-in\n\nOkr-Checkin: platform/2026-Q4/O1/KR2\nOkr-Value: 44\n", "2026-11-02")
    edit(org_repo, "okrs/old/platform/2026-Q4.yaml", "current: 400", "current: 1")
    commit_all(org_repo, "A hand edit of the copy", "2026-11-03")
    git(org_repo, "rm", "-q", "-r", "okrs/old")
    commit_all(org_repo, "Drop the copy", "2026-11-04")
    org = load_org(org_repo)
    assert history.read_history(org) == []
    [claim] = history.read_unverified(org)
    assert claim.commit == sha and "in no unit" in claim.reason


def test_a_merge_commit_with_trailers_is_not_a_checkin_but_the_merged_checkin_is(org_repo):
    git(org_repo, "checkout", "-q", "-b", "side")
    checkin_on(org_repo, "2026-11-10", ("platform/2026-Q4/O1/KR2", "44", "0.6", "on the branch"))
    git(org_repo, "checkout", "-q", "main")
    checkin_on(org_repo, "2026-11-11", ("data/2026-Q4/O1/KR1", "77", None, "on main"))
    git(org_repo, "merge", "-q", "--no-ff", "side", "-m", "Merge side\n\nOkr-Checkin: platform/2026-Q4/O1/KR2\n"
        "Okr-Value: 44\nOkr-Confidence: 0.6", env={"GIT_AUTHOR_DATE": "2026-11-12T10:00:00+00:00",
                                                  "GIT_COMMITTER_DATE": "2026-11-12T10:00:00+00:00"})
    org = load_org(org_repo)
    assert [(c.ref, c.value, c.note) for c in history.read_history(org)] == [
        ("platform/2026-Q4/O1/KR2", 44, "on the branch"), ("data/2026-Q4/O1/KR1", 77, "on main")]
    [claim] = history.read_unverified(org)
    assert "merge" in claim.reason


def test_a_checkin_made_before_its_unit_folder_moved_stays_verified(org_repo):
    checkin_on(org_repo, "2026-11-10", ("platform/2026-Q4/O1/KR2", "44", "0.6", "before the move"))
    git(org_repo, "mv", "okrs/acme/platform", "okrs/platform")
    commit_all(org_repo, "Move platform to the top", "2026-11-11")
    checkin_on(org_repo, "2026-11-12", ("platform/2026-Q4/O1/KR2", "45", None, "after the move"))
    org = load_org(org_repo)
    assert [(c.value, c.note) for c in history.read_history(org)] == [(44, "before the move"), (45, "after the move")]
    assert history.read_unverified(org) == []


def test_okrops_checkins_of_several_key_results_all_verify(org_repo):
    checkin_on(org_repo, "2026-11-10", ("platform/2026-Q4/O1/KR2", "44", "0.6", "a"),
               ("platform/2026-Q4/O1/KR1", "390", None, ""), ("data/2026-Q4/O1/KR1", "80", "0.9", "b"))
    org = load_org(org_repo)
    rows = [(c.ref, c.previous, c.value, c.confidence) for c in history.read_history(org)]
    assert rows == [("platform/2026-Q4/O1/KR2", 38, 44, 0.6), ("platform/2026-Q4/O1/KR1", 400, 390, None),
                    ("data/2026-Q4/O1/KR1", 75, 80, 0.9)]
    assert history.read_unverified(org) == []


def test_a_long_history_of_small_files_is_read_in_one_pass(tmp_path, monkeypatch):
    # Thousands of commits of a tiny file: more blob requests than git cat-file is given at a time, and
    # versions smaller than its output buffer; the reader must never wait for a version cat-file still holds.
    import signal

    from okrops.record import historyplan, historyread

    repo = tmp_path / "tiny"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    stream = bytearray(b"reset refs/heads/main\n")
    for number in range(3000):
        text = f"objectives:\n- id: O\n  key_results:\n  - id: K\n    current: {number}\n".encode()
        message = (f"Check-in t O/K: {number}\n\nOkr-Checkin: t/C/O/K\nOkr-Value: {number}\n".encode()
                   if number % 3 else b"by hand\n")
        who = b"T <t@example.com> %d +0000" % (1790000000 + number)
        stream += b"commit refs/heads/main\nauthor " + who + b"\ncommitter " + who + b"\n"
        stream += b"data %d\n" % len(message) + message + b"\n"
        if number == 0:
            stream += b"M 100644 inline okrs/t/unit.yaml\ndata 8\nname: T\n\n"
        stream += b"M 100644 inline okrs/t/C.yaml\n" + b"data %d\n" % len(text) + text + b"\n"
    subprocess.run(["git", "fast-import", "--quiet"], cwd=repo, input=bytes(stream + b"done\n"), check=True)
    monkeypatch.setattr(historyplan, "BATCH", 16)  # the planner's batches of requests

    def stuck(*_args):
        raise TimeoutError("the history reader waited for git cat-file forever")

    signal.signal(signal.SIGALRM, stuck)
    signal.alarm(120)
    try:
        rows = historyread.read_rows(str(repo), ["main"], "okrs")
    finally:
        signal.alarm(0)
    assert len(rows.checkins) == 2999 and not rows.unverified and not rows.warnings
    assert sum(1 for row in rows.checkins if row[8] == "edit") == 999
    assert [row[1] for row in rows.checkins[:3]] == [2999, 2998, 2997]


def test_the_usual_commit_short_path_gives_the_rows_of_the_general_path(odd_repo, monkeypatch):
    # Walk._checkin records the usual commit (one check-in of the one file it changes) itself; with it
    # turned off every commit goes the general way: every row, unverified entry and warning must agree.
    from okrops.record import historyread

    edit(odd_repo, PLATFORM, "current: 390", "current: 391")  # a check-in the file change does not bear out
    commit_all(odd_repo, "Check-in\n\nOkr-Checkin: platform/2026-Q4/O1/KR1\nOkr-Value: 392\n", "2026-11-20")
    taken = []
    short = historyread.Walk._checkin

    def counted(self, *args):
        done = short(self, *args)
        taken.append(done)
        return done

    monkeypatch.setattr(historyread.Walk, "_checkin", counted)
    fast = historyread.read_rows(str(odd_repo), ["HEAD"], "okrs")
    monkeypatch.setattr(historyread.Walk, "_checkin", lambda *args: False)
    general = historyread.read_rows(str(odd_repo), ["HEAD"], "okrs")
    assert (fast.checkins, fast.unverified, fast.warnings, fast.appeared) == (
        general.checkins, general.unverified, general.warnings, general.appeared)
    assert True in taken and False in taken  # both paths were taken in the short run
    assert fast.checkins and fast.unverified and fast.warnings


def test_checkins_merged_from_branches_are_read_without_parsing_every_version(tmp_path, monkeypatch):
    # Each check-in on its own branch, merged with a merge commit (the pull-request flow): the versions of
    # the file come back out of turn, and must still be derived from one another, not parsed one by one.
    from okrops.record import filevalues
    from okrops.record import historyread

    repo = tmp_path / "branches"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")

    def text(value: int) -> bytes:
        return ("objectives:\n  - id: O1\n    title: T\n    key_results:\n      - id: KR1\n        title: K\n"
                f"        current: {value}\n        confidence: 0.5\n").encode()

    def commit(ref: bytes, mark: int, when: int, message: bytes, parents: list[int], files: dict) -> bytes:
        out = b"commit %s\nmark :%d\n" % (ref, mark)
        out += b"author A <a@example.com> %d +0000\ncommitter A <a@example.com> %d +0000\n" % (when, when)
        out += b"data %d\n%s\n" % (len(message), message)
        if parents:
            out += b"from :%d\n" % parents[0] + b"".join(b"merge :%d\n" % p for p in parents[1:])
        for path, data in files.items():
            out += b"M 100644 inline %s\ndata %d\n%s\n" % (path, len(data), data)
        return out

    when = 1790000000
    stream = commit(b"refs/heads/main", 1, when, b"OKRs", [], {b"okrs/t/unit.yaml": b"name: T\n",
                                                             b"okrs/t/C.yaml": text(0)})
    for number in range(1, 301):
        message = b"Check-in\n\nOkr-Checkin: t/C/O1/KR1\nOkr-Value: %d\n" % number
        stream += commit(b"refs/heads/side", 2 * number, when + 60 * number, message, [2 * number - 1],
                         {b"okrs/t/C.yaml": text(number)})
        stream += commit(b"refs/heads/main", 2 * number + 1, when + 60 * number + 30, b"Merge", [2 * number - 1,
                                                                                                2 * number], {b"okrs/t/C.yaml": text(number)})
    subprocess.run(["git", "fast-import", "--quiet"], cwd=repo, input=stream + b"done\n", check=True)
    parsed = []
    real = filevalues.index
    monkeypatch.setattr(filevalues, "index", lambda data: parsed.append(1) or real(data))
    rows = historyread.read_rows(str(repo), ["main"], "okrs")
    assert [row[1] for row in reversed(rows.checkins)] == list(range(1, 301))
    assert len(rows.unverified) == 0
    assert len(parsed) <= 3  # the newest version (and the first); every other one derived


def test_the_cache_gives_what_a_cold_read_gives(org_repo, monkeypatch):
    from okrops.record.historycache import CACHE_FILE, CACHE_VERSION

    assert CACHE_VERSION >= 2  # rows of version 1 were never verified: they must not be reused
    checkin_on(org_repo, "2026-11-10", ("platform/2026-Q4/O1/KR2", "44", "0.6", "a"))
    commit_all(org_repo, "x\n\nOkr-Checkin: platform/2026-Q4/O1/KR2\nOkr-Value: nan\n", allow_empty=True)
    org = load_org(org_repo)
    first = history.read(org)
    assert (org_repo / ".git" / CACHE_FILE).is_file()
    commit_all(org_repo, "y\n\nOkr-Checkin: platform/2026-Q4/O1/KR2\nOkr-Value: 44\n", allow_empty=True)
    checkin_on(org_repo, "2026-11-12", ("platform/2026-Q4/O1/KR1", "380", None, "b"))
    warm = history.read(org)  # incremental: two new commits on top of the cached ones
    monkeypatch.setenv("OKROPS_NO_CACHE", "1")
    cold = history.read(org)
    assert warm == cold and len(cold.checkins) == 2 and len(cold.unverified) == 1 and len(cold.warnings) == 1
    assert first.warnings == cold.warnings


# --- odd commits never break anything --------------------------------------------------------------


@pytest.fixture
def odd_repo(org_repo) -> Path:
    """A history with every kind of odd commit okrops has to live with, next to real check-ins."""
    repo = org_repo
    checkin_on(repo, "2026-10-05", ("platform/2026-Q4/O1/KR2", "40", "0.7", "first"))
    # a control-character author name on a real check-in
    edit(repo, DATA, "current: 75", "current: 76")
    raw_commit(repo, b"Check-in data\n\nOkr-Checkin: data/2026-Q4/O1/KR1\nOkr-Value: 76\n",
               author=b"Mal\x1b[31mlory\x07 <mal@example.com> 1793700000 +0000")
    # trailer values that are not finite numbers, or confidences outside 0..1
    for value in ["", "abc", "nan", "inf", "-inf", "1" * 400, "1e999", "9" * 100_000, "0x10", "\u0663"]:
        raw_commit(repo, b"Bad \x1b]0;title\x07 value\n\nOkr-Checkin: platform/2026-Q4/O1/KR1\nOkr-Value: "
                   + value.encode() + b"\n")
    raw_commit(repo, b"Bad confidence\n\nOkr-Checkin: platform/2026-Q4/O1/KR1\nOkr-Value: 5\nOkr-Confidence: 7\n")
    raw_commit(repo, b"Bad reference\n\nOkr-Checkin: \x1b[2Jnot a ref\nOkr-Value: 5\n")
    # a Latin-1 commit that says so, on a real check-in
    edit(repo, PLATFORM, "current: 400", "current: 390")
    raw_commit(repo, b"Pr\xfcfung\n\nOkr-Checkin: platform/2026-Q4/O1/KR1\nOkr-Value: 390\nOkr-Note: \"gr\xfc\xdf\"\n",
               author=b"J\xfcrgen <j@example.com> 1793800000 +0100", headers=b"encoding ISO-8859-1\n")
    # invalid UTF-8 without an encoding header
    raw_commit(repo, b"Broken \xff subject\n\nOkr-Checkin: platform/2026-Q4/O1/KR1\nOkr-Value: 3\xff9\n",
               author=b"Bad \xff\xfe Name <b@example.com> 1793900000 +0000")
    # an author date git cannot read, on a commit that would otherwise verify
    edit(repo, PLATFORM, "current: 22", "current: 23")
    raw_commit(repo, b"No date\n\nOkr-Checkin: platform/2026-Q4/O2/KR1\nOkr-Value: 23\n", author=b"garbage")
    return repo


def test_odd_commits_are_skipped_with_a_warning_that_names_them(odd_repo):
    org = load_org(odd_repo)
    warnings: list[str] = []
    rows = history.read_history(org, warn=warnings.append)
    assert [(c.ref, c.value, c.author, c.note) for c in rows] == [
        ("platform/2026-Q4/O1/KR2", 40, "Ada Lovelace", "first"),
        ("data/2026-Q4/O1/KR1", 76, "Mal\x1b[31mlory\x07", ""),  # kept as written; made safe where shown
        ("platform/2026-Q4/O1/KR1", 390, "Jürgen", "grüß"),  # re-encoded by git from Latin-1
    ]
    assert len(warnings) == 14
    shas = git(odd_repo, "log", "--format=%H").split()
    for warning in warnings:
        assert ESC not in warning and "\x07" not in warning
        assert any(sha[:10] in warning for sha in shas)
    assert any("Bad \\x1b]0;title\\x07 value" in w and "'1e999'" in w for w in warnings)
    assert any("Broken \ufffd subject" in w for w in warnings)
    assert any("author date" in w for w in warnings)
    assert sum("not a finite number" in w for w in warnings) == 11
    assert any("not a number from 0 to 1" in w for w in warnings)
    assert any("not a key result reference" in w for w in warnings)


def test_odd_commits_break_no_command_and_warn_once_on_stderr(odd_repo):
    for args in (["history"], ["history", "--format", "json"], ["history", "--format", "csv"],
                 ["history", "--unverified"], ["history", "--stale"], ["lint"], ["status"]):
        done = okrops(odd_repo, *args)
        assert done.returncode in (0, 1), (args, done.stderr)
        assert "Traceback" not in done.stderr and "internal error" not in done.stderr
        assert ESC not in done.stdout and ESC not in done.stderr and "\x07" not in done.stdout
        assert done.stderr.count("has the value '1e999'") == 1, args
    table = okrops(odd_repo, "history").stdout
    assert "Mal\\x1b[31mlory\\x07" in table and "Jürgen" in table


def test_odd_commits_do_not_break_the_site_which_logs_them(odd_repo, tmp_path, caplog):
    import logging

    from okrops.site import build_site

    with caplog.at_level(logging.INFO, logger="mkdocs"):
        out = build_site(odd_repo, tmp_path / "out")
    pages = [p.read_text(encoding="utf-8") for p in out.rglob("*.html")]
    assert pages and any("Jürgen" in page for page in pages)
    # The author with escape sequences in its name is shown, its control characters as visible symbols.
    assert any("Mal\u241b&#91;31mlory\u2407" in page for page in pages)
    assert not [page for page in pages if re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", page)]
    logged = [r.getMessage() for r in caplog.records if r.name == "mkdocs.plugins.okrops"]
    assert sum("skipped in commit" in m for m in logged) == 14
    assert any("'1e999'" in m for m in logged) and not any(ESC in m for m in logged)
    # History cannot be rewritten: an odd commit is reported, but it must not fail every strict build.
    assert build_site(odd_repo, tmp_path / "strict", strict=True).is_dir()


# --- notes cannot forge trailers -------------------------------------------------------------------

LINE_BREAKS = ["\n", "\r", "\r\n", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]


def test_encoded_notes_are_one_line_for_every_reader():
    for char in LINE_BREAKS:
        note = f"first{char}Okr-Value: 999{char}last"
        encoded = gitlog.encode_note(note)
        assert encoded.splitlines() == [encoded] and "\n" not in encoded
        assert gitlog.decode_note(encoded) == note


@pytest.mark.parametrize("char", LINE_BREAKS, ids=[repr(c) for c in LINE_BREAKS])
def test_no_line_break_in_a_note_can_forge_a_trailer(org_repo, char):
    import re

    note = f"first{char}Okr-Value: 999{char}Okr-Checkin: platform/2026-Q4/O1/KR1{char}Signed-off-by: M <m@x>"
    result = checkin_on(org_repo, "2026-11-10", ("data/2026-Q4/O1/KR1", "80", "0.5", note),
                        ("platform/2026-Q4/O2/KR1", "25", None, f"x{char}Okr-Confidence: 1"))
    stored = subprocess.run(["git", "cat-file", "commit", "HEAD"], cwd=org_repo, capture_output=True, check=True)
    message = stored.stdout.split(b"\n\n", 1)[1].decode("utf-8")  # bytes: no newline translation
    assert message == result.message
    written = {"Okr-Checkin: data/2026-Q4/O1/KR1", "Okr-Value: 80", "Okr-Previous: 75", "Okr-Confidence: 0.5",
               "Okr-Note: " + gitlog.encode_note(note), "Okr-Checkin: platform/2026-Q4/O2/KR1", "Okr-Value: 25",
               "Okr-Previous: 22", "Okr-Note: " + gitlog.encode_note(f"x{char}Okr-Confidence: 1")}
    trailer_like = [line for line in message.splitlines() if re.match(r"[A-Za-z0-9-]+\s*:", line)]
    assert sorted(trailer_like) == sorted(written)  # every line that may start a trailer is one okrops wrote
    assert not any(line.startswith(("Okr-Value: 999", "Signed-off-by")) for line in message.splitlines())
    notes = {c.ref: c.note for c in history.read_history(load_org(org_repo))}
    assert notes == {"data/2026-Q4/O1/KR1": note.strip(), "platform/2026-Q4/O2/KR1": f"x{char}Okr-Confidence: 1"}


# --- notes written in private stay private --------------------------------------------------------


def _private_history(repo: Path) -> None:
    """An objective private with noted check-ins, then removed; a public objective under the same reference;
    a unit private with noted check-ins, then made public."""
    edit(repo, PLATFORM, "    type: aspirational\n", "    type: aspirational\n    visibility: private\n")
    commit_all(repo, "O2 goes private", "2026-10-02")
    checkin_on(repo, "2026-10-06", ("platform/2026-Q4/O2/KR1", "24", "0.5", "SECRET-OBJECTIVE plans for Q1"))
    edit(repo, PLATFORM, "current: 24", "current: 25")
    commit_all(repo, "SECRET-SUBJECT fix the private number", "2026-10-07")
    text = (repo / PLATFORM).read_text(encoding="utf-8")
    write(repo / PLATFORM, text[: text.index("  # A second objective")])
    commit_all(repo, "Drop O2", "2026-10-08")
    write(repo / PLATFORM, (repo / PLATFORM).read_text(encoding="utf-8") + (
        "  - id: O2\n    title: Developers ship faster\n    key_results:\n      - id: KR1\n"
        "        title: Cut build time from 20 to 5 minutes\n        baseline: 20\n        target: 5\n"
        "        current: 18\n"))
    commit_all(repo, "A new public O2", "2026-10-09")
    checkin_on(repo, "2026-10-13", ("platform/2026-Q4/O2/KR1", "15", "0.6", "PUBLIC-OBJECTIVE note"))
    edit(repo, "okrs/acme/data/unit.yaml", "kind: team\n", "kind: team\nvisibility: private\n")
    commit_all(repo, "Data goes private", "2026-10-14")
    checkin_on(repo, "2026-10-15", ("data/2026-Q4/O1/KR1", "78", None, "SECRET-UNIT while data was private"))
    edit(repo, "okrs/acme/data/unit.yaml", "visibility: private\n", "")
    commit_all(repo, "Data is public again", "2026-10-16")
    checkin_on(repo, "2026-10-20", ("data/2026-Q4/O1/KR1", "80", None, "PUBLIC-UNIT note"))
    edit(repo, "okrs/acme/unit.yaml", "kind: company\n", "kind: company\nvisibility: Private\n")  # unreadable
    commit_all(repo, "Acme's visibility mistyped", "2026-10-21")
    checkin_on(repo, "2026-10-22", ("data/2026-Q4/O1/KR1", "81", None, "SECRET-PARENT under an unclear parent"))
    edit(repo, "okrs/acme/unit.yaml", "visibility: Private\n", "")
    commit_all(repo, "Acme public", "2026-10-23")


def test_each_entry_knows_whether_it_was_written_in_private(org_repo):
    _private_history(org_repo)
    rows = history.read_history(load_org(org_repo))
    assert [(c.note, c.private) for c in rows] == [
        ("SECRET-OBJECTIVE plans for Q1", True),
        ("SECRET-SUBJECT fix the private number", True),  # a hand edit's note is its subject
        ("PUBLIC-OBJECTIVE note", False),
        ("SECRET-UNIT while data was private", True),
        ("PUBLIC-UNIT note", False),
        ("SECRET-PARENT under an unclear parent", True),  # a unit above with an unreadable visibility
    ]


def test_notes_written_in_private_never_reach_the_site_under_a_reused_reference(org_repo, tmp_path):
    from okrops.site import build_site

    _private_history(org_repo)
    out = build_site(org_repo, tmp_path / "out", strict=True)
    everything = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in out.rglob("*")
                           if p.is_file() and p.suffix in (".html", ".json", ".xml", ".js", ".txt"))
    assert "SECRET" not in everything
    assert "PUBLIC-OBJECTIVE note" in everything and "PUBLIC-UNIT note" in everything
    index = json.loads((out / "search/search_index.json").read_text(encoding="utf-8"))
    assert not any("SECRET" in json.dumps(doc) for doc in index["docs"])


# --- the value locator never guesses -----------------------------------------------------------------


def _layouts():
    """Cycle files written in many consistent layouts, as people and other tools write them."""
    import yaml

    objectives = [
        {"id": "O1", "title": "Fast: really", "visibility": "public", "key_results": [
            {"id": "KR1", "title": "p95 from 480 to 250", "baseline": 480, "target": 250, "current": 400,
             "confidence": 0.5},
            {"id": "KR2", "title": "Migrate 60", "baseline": 0, "target": 60, "current": 38},
            {"id": "KR3", "title": "Uptime", "current": -1.25, "confidence": 1}]},
        {"id": "O2", "title": "Loved", "visibility": "private", "key_results": [
            {"id": "KR1", "title": "NPS", "current": 22, "confidence": 0.4, "target": 40}]},
    ]
    texts = [
        yaml.safe_dump({"objectives": objectives}, sort_keys=False),
        yaml.safe_dump({"objectives": objectives}, sort_keys=False, indent=4),
        yaml.safe_dump({"objectives": objectives}, sort_keys=False, default_flow_style=True),
        yaml.safe_dump({"objectives": objectives}, sort_keys=False, default_flow_style=None, width=60),
        json.dumps({"objectives": objectives}, indent=2),
        (PLATFORM_Q4),  # comments, quoted strings
        (PLATFORM_Q4.replace("  - id:", "- id:").replace("    ", "  ")),  # flush sequences
        PLATFORM_Q4.replace("\n", "\r\n"),
        PLATFORM_Q4.replace("- id: KR1", "- id: 'KR1'").replace("- id: O2", '- id: "O2"'),
        "\ufeff" + DATA_Q4,
        DATA_Q4 + "x-anchors:\n  a: &num 5\n",
        DATA_Q4.replace("current: 75", "current: &c 75\n        x-copy: *c"),
        DATA_Q4.replace("current: 75", "current: 75  # was 70\n        confidence: .5"),
        DATA_Q4.replace("current: 75", "current: \"75\""),
        DATA_Q4.replace("current: 75", "current:\n          75"),
        DATA_Q4.replace("current: 75", "current: 7_5"),
        DATA_Q4.replace("title: Lift", "title: |\n          current: 1\n          Lift"),
        "# é ü 🚀 unicode before the values\n" + PLATFORM_Q4,
        DATA_Q4 + "  - id: O1\n    title: duplicate\n    key_results:\n      - id: KR1\n        title: x\n"
                  "        current: 3\n",
    ]
    return [t.encode("utf-8") for t in texts]


def _mutations(rng, data: bytes, tokens: list) -> bytes:
    """Another version of a file: current or confidence changed (usually), or something else nearby."""
    import re

    out = bytearray(data)
    for _ in range(rng.choice([1, 1, 2, 3])):
        numbers = [m.span() for m in re.finditer(rb"-?[0-9]+(?:\.[0-9]+)?", bytes(out))] or [(0, 0)]
        start, end = rng.choice(tokens) if tokens and rng.random() < 0.7 else rng.choice(numbers)
        end = min(end, len(out))
        choice = rng.random()
        if choice < 0.55:
            replacement = rng.choice([b"7", b"42", b"-3", b"0.25", b"100", b"1.5", b"08", b"0"])
        elif choice < 0.7:
            replacement = rng.choice([b"7x", b"7 8", b"7:", b".inf", b"1e3", b"0x1F", b"~", b"'7'", b"7 # c",
                                      b"7\n  x: 1", b"", b"-", b"7.", b"1_0", b"7,"])
        elif choice < 0.85:  # the text around a number
            start, end = max(0, start - rng.randrange(1, 4)), start
            replacement = rng.choice([b"", b" ", b"#", b"\n", b"x", b": "])
        else:
            replacement = bytes(out[start:end]) + rng.choice([b"", b"0", b".5", b" ", b"\n"])
        out[start:end] = replacement
        tokens = []  # positions move: further changes anywhere
    return bytes(out)


def test_derived_values_always_equal_a_full_parse():
    import random

    from okrops.record import filevalues

    rng = random.Random(13)
    derived = tried = 0
    for data in _layouts():
        newer = filevalues.index(data)
        assert not newer.problem and newer.values, data
        for _ in range(150):
            older = _mutations(rng, data, list(zip(newer.starts, newer.ends)))
            tried += 1
            truth = None
            for hint in [""] + list(newer.values):  # the hint only says where to look first
                result = filevalues.derive(newer, older, hint)
                if result is None:
                    continue
                truth = truth or filevalues.index(older)
                index, changed = result
                assert not truth.problem, (data, older)
                assert index.values == truth.values, (data, older, hint)
                assert sorted(changed) == sorted(filevalues.differences(truth, newer)), (data, older, hint)
                again = filevalues.derive(index, data, hint)  # and back: the derived index is as good as a parsed one
                assert again is not None and again[0].values == newer.values, (data, older, hint)
            derived += truth is not None
    assert tried == 19 * 150 and derived > 500  # many derived without parsing; the rest said "don't know"


def test_a_file_that_does_not_parse_is_never_derived():
    from okrops.record import filevalues

    data = DATA_Q4.encode()
    newer = filevalues.index(data)
    assert newer.values and newer.starts
    broken = filevalues.index(b"objectives: [\n")
    assert broken.problem and broken.values == {}
    assert filevalues.derive(broken, data) is None


def test_the_usual_check_in_message_is_read_as_every_message_is():
    # The reader takes a short cut for the trailers okrops writes; it must give what the general reading gives,
    # warnings included, for every variation of them.
    import itertools

    from okrops.record import gitlog
    from okrops.record.historyread import Walk

    refs = ["team-1/2026-Q4/O1/KR2", "t/c/o/k", "équipe/2026-Q4/O1/KR1", "a/b/c", "t/kpi/uptime", "t/c/o/k/x",
            "t/c/o/k\u200b", "t/c/o /k", "t//o/k", "/".join(["x" * 74] * 4), "/".join(["x" * 75] * 4),
            "/".join(["x" * 74] * 3 + ["x" * 76]), "t/c/o/-k", "t/c/o/k\r"]
    values = ["42", "-0.5", "1e3", "1_000", "nan", "", " 7", "7 ", "+3", "٣", "1" * 400]
    confidences = [None, "0.7", "1", "0", "1.5", "-0", "x", ""]
    others = [None, "38", "", "Two big customers migrated", '"a note"']
    made = 0
    for ref, value, confidence, other in itertools.product(refs, values, confidences, others):
        lines = [f"Okr-Checkin: {ref}", f"Okr-Value: {value}"]
        if other is not None:
            lines.append(f"Okr-Previous: {other}")
        if confidence is not None:
            lines.append(f"Okr-Confidence: {confidence}")
        if other is not None:
            lines.append(f"Okr-Note: {other}")
        variants = ["\n".join(lines), "\n".join(lines + ["Signed-off-by: A <a@example.com>"]),
                    "\n".join(lines[:1] + lines[1:][::-1]), "\n".join(line.lower() for line in lines),
                    "\n".join(lines + lines[1:2]), "\n".join(lines + lines)]
        for text in variants:
            fast, general = Walk(None, None), Walk(None, None)
            assert fast._claims("c" * 40, "s", text) == general._trailer_claims("c" * 40, "s",
                                                                               gitlog.trailer_pairs(text)), text
            assert fast.rows.warnings == general.rows.warnings, text
            made += 1
    assert made > 10_000
