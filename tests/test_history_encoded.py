"""okrops history --format json|csv from the rows encoded once per commit (okrops.record.historyencoded).

What the kept rows make is what encoding the history afresh (OKROPS_NO_CACHE=1) makes, byte
for byte, with targets and --since, odd characters and skipped commits; the kept file follows
HEAD, the code and damage, and stays in .git.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from okrops.cli.checkins import history as history_cmd
from okrops.record import history, historyencoded
from test_checkin_support import run_cli, write  # noqa: F401 - fixtures below need the support module's fixtures
from test_checkin_support import PLATFORM_Q4, git, isolated_git, load_org, make_org, org_repo  # noqa: F401
from test_history_trust import DATA, PLATFORM, _private_history, checkin_on, edit, odd_repo, raw_commit  # noqa: F401

SELECTIONS = ([], ["platform"], ["platform/2026-Q4/O1/KR1"], ["data/2026-Q4/O1"], ["platform/2026-Q4"],
              ["--since", "2026-10-05"], ["platform", "--since", "2026-11-02"], ["--since", "2026-11-06"],
              ["--since", "2030-01-01"], ["platform/2026-Q4/O9"], ["nosuch"])


def _run(repo: Path, args: list[str]) -> tuple[int, bytes]:
    result = run_cli(history_cmd, ["--repo", str(repo), *args])
    return result.exit_code, result.stdout_bytes


def _three_ways(repo: Path, args: list[str], monkeypatch) -> tuple:
    """(afresh, kept when made, kept when read) for ``args``."""
    monkeypatch.setenv("OKROPS_NO_CACHE", "1")
    afresh = _run(repo, args)
    monkeypatch.delenv("OKROPS_NO_CACHE")
    for output in ("json", "csv"):
        (repo / ".git" / "okrops" / f"history-{output}.cache").unlink(missing_ok=True)
    return afresh, _run(repo, args), _run(repo, args)


def _odd_note(repo: Path) -> None:
    """A verified check-in whose note and author hold what JSON, CSV and terminals must escape."""
    edit(repo, DATA, "current: 76", "current: 77")
    raw_commit(repo, "Check-in data\n\nOkr-Checkin: data/2026-Q4/O1/KR1\nOkr-Value: 77\n"
               "Okr-Note: rtl \u202e del \x7f sep \u2028 }, {\"q\": 1} \\ =1+1 é\n".encode(),
               author="=Eve \u202e <eve@example.com> 1794000000 +0000".encode())


@pytest.mark.parametrize("output", ["json", "csv"])
def test_kept_rows_write_what_encoding_afresh_writes(odd_repo, monkeypatch, output):
    _odd_note(odd_repo)
    for selection in SELECTIONS:
        afresh, made, kept = _three_ways(odd_repo, [*selection, "--format", output], monkeypatch)
        assert made == afresh and kept == afresh, selection
        assert (odd_repo / ".git" / "okrops" / f"history-{output}.cache").is_file() or afresh[0] != 0
    code, text = _run(odd_repo, ["--format", output])
    decoded = text.decode("utf-8")
    assert code == 0 and "\u202e" not in decoded and "\x7f" not in decoded and "\x1b" not in decoded
    if output == "json":
        rows = json.loads(decoded)["checkins"]
        assert [r["note"] for r in rows][-1] == "rtl \u202e del \x7f sep \u2028 }, {\"q\": 1} \\ =1+1 é"
        assert "\\u202e" in decoded and "\\u007f" in decoded and "\\u2028" in decoded
        assert rows[-2]["author"] == "Jürgen" and rows[1]["author"] == "Mal\x1b[31mlory\x07"
    else:
        assert "'=Eve \\u202e" in decoded and "rtl \\u202e del \\x7f sep" in decoded
    assert [c.note for c in history.read_history(load_org(odd_repo))][-1].startswith("rtl \u202e")


def _okrops(repo: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    """okrops as a real process, in the repository (bytes out)."""
    environment = {**os.environ, "OKROPS_TODAY": "2026-11-25", "OKROPS_PROGRESS_AFTER": "600", **env}  # no progress
    environment.pop("OKROPS_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "okrops", *args], cwd=repo, capture_output=True, env=environment)


def test_a_kept_run_warns_on_stderr_as_a_fresh_one(odd_repo):
    fresh = _okrops(odd_repo, "history", "--format", "json", OKROPS_NO_CACHE="1")
    made = _okrops(odd_repo, "history", "--format", "json")
    kept = _okrops(odd_repo, "history", "--format", "json")
    assert fresh.returncode == made.returncode == kept.returncode == 0
    assert fresh.stdout == made.stdout == kept.stdout
    assert fresh.stderr == made.stderr == kept.stderr and fresh.stderr.count(b"okrops: warning: skipped") == 14
    assert (odd_repo / ".git" / "okrops" / "history-json.cache").is_file()


def test_kept_rows_follow_head_and_never_read_damaged(org_repo, monkeypatch):
    checkin_on(org_repo, "2026-10-05", ("platform/2026-Q4/O1/KR2", "40", "0.7", "first"))
    before = _run(org_repo, ["--format", "json"])
    kept = org_repo / ".git" / "okrops" / "history-json.cache"
    assert kept.is_file() and _run(org_repo, ["--format", "json"]) == before
    checkin_on(org_repo, "2026-10-12", ("platform/2026-Q4/O1/KR2", "41", "0.6", "second"))
    after = _run(org_repo, ["--format", "json"])
    assert [r["note"] for r in json.loads(after[1])["checkins"]] == ["first", "second"]
    assert _three_ways(org_repo, ["--format", "json"], monkeypatch)[0] == after
    checkin_on(org_repo, "2026-10-08", ("platform/2026-Q4/O1/KR1", "395", None, "back-filled"))
    backfilled = _run(org_repo, ["--format", "json"])
    assert [r["note"] for r in json.loads(backfilled[1])["checkins"]] == ["first", "back-filled", "second"]
    assert _three_ways(org_repo, ["--format", "json"], monkeypatch)[0] == backfilled
    git(org_repo, "reset", "-q", "--hard", "HEAD~2")  # history rewritten
    assert _run(org_repo, ["--format", "json"]) == before
    data = kept.read_bytes()
    for damaged in (data[:-1], data[:len(data) // 2], data[:-5] + b"X" + data[-4:], b"", b"not a cache"):
        kept.write_bytes(damaged)
        assert _run(org_repo, ["--format", "json"]) == before
    assert git(org_repo, "status", "--porcelain") == ""


def test_kept_rows_are_keyed_by_the_encoding_code(org_repo, monkeypatch, tmp_path):
    checkin_on(org_repo, "2026-10-05", ("platform/2026-Q4/O1/KR2", "40", "0.7", "first"))
    true = _run(org_repo, ["--format", "csv"])
    encoder = tmp_path / "encoder.py"  # stands for one of the encoding modules
    encoder.write_text("# version 1\n")
    monkeypatch.setattr(historyencoded, "CODE_FILES", historyencoded.CODE_FILES + (str(encoder),))
    historyencoded.code_key.cache_clear()
    try:
        assert _run(org_repo, ["--format", "csv"]) == true
        kept = org_repo / ".git" / "okrops" / "history-csv.cache"
        key = _key(org_repo, "csv")
        assert historyencoded._load(kept, key) is not None
        tip = git(org_repo, "rev-parse", "HEAD").strip()
        historyencoded._save(kept, key, historyencoded.Encoded([b"WRONG\n"], 1, b"", [], tip))
        assert _run(org_repo, ["--format", "csv"])[1].endswith(b"WRONG\n")  # same code: the kept rows are used
        encoder.write_text("# version 2\n")
        historyencoded.code_key.cache_clear()
        assert _run(org_repo, ["--format", "csv"]) == true  # the code changed: encoded again
    finally:
        historyencoded.code_key.cache_clear()


def _key(repo: Path, output: str) -> tuple:
    from okrops.record import historycache

    return (historyencoded.code_key(), historycache.okrs_prefix(str(repo), repo / "okrs"), output)


def test_private_notes_stay_where_they_were(org_repo, monkeypatch, tmp_path):
    """The kept rows are the command's, in .git: a private note reaches no more places than it did."""
    from okrops.site import build_site

    _private_history(org_repo)
    for output in ("json", "csv"):
        for selection in ([], ["data"], ["platform/2026-Q4/O2/KR1"]):
            afresh, made, kept = _three_ways(org_repo, [*selection, "--format", output], monkeypatch)
            assert made == afresh and kept == afresh
    assert git(org_repo, "status", "--porcelain") == ""
    out = build_site(org_repo, tmp_path / "out", strict=True)
    everything = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in out.rglob("*") if p.is_file()
                           and p.suffix in (".html", ".json", ".xml", ".js", ".txt", ".csv"))
    assert "SECRET" not in everything and "PUBLIC-UNIT note" in everything


@pytest.mark.parametrize("output", ["json", "csv"])
def test_newer_commits_extend_the_kept_rows_as_encoding_afresh_would(org_repo, output):
    from okrops.record import historycache

    def rows_at_head():
        tip = git(org_repo, "rev-parse", "HEAD").strip()
        return historycache.read_rows(org_repo, org_repo / "okrs", tip), tip

    def same(one, other) -> bool:
        return (b"".join(one.pieces), one.count, one.rows(), one.warnings, one.tip, one.check, one.last) == \
            (b"".join(other.pieces), other.count, other.rows(), other.warnings, other.tip, other.check, other.last)

    empty = historyencoded.encode(*rows_at_head()[:1], output, "start")
    checkin_on(org_repo, "2026-10-05", ("platform/2026-Q4/O1/KR2", "40", "0.7", "first"))
    old = historyencoded.encode(*(rows_at_head()[0], output, rows_at_head()[1]))
    assert same(historyencoded.extend(empty, rows_at_head()[0], output, old.tip), old)
    checkin_on(org_repo, "2026-10-12", ("platform/2026-Q4/O1/KR2", "41", "0.6", "é \u202e"),
               ("platform/2026-Q4/O1/KR1", "390", None, ""))
    git(org_repo, "commit", "-q", "--allow-empty", "-m", "no check-in")
    rows, tip = rows_at_head()
    extended = historyencoded.extend(old, rows, output, tip)
    assert extended is not None and extended.count == 3 and same(extended, historyencoded.encode(rows, output, tip))
    checkin_on(org_repo, "2026-10-19", ("platform/2026-Q4/O1/KR1", "380", None, "later"))
    rows, tip = rows_at_head()
    assert same(historyencoded.extend(extended, rows, output, tip), historyencoded.encode(rows, output, tip))
    other = dataclasses.replace(extended, check=extended.check ^ 1)  # made from other rows (another order, say)
    assert historyencoded.extend(other, rows, output, tip) is None
    checkin_on(org_repo, "2026-10-08", ("platform/2026-Q4/O1/KR1", "395", None, "back-filled"))
    rows, tip = rows_at_head()
    assert historyencoded.extend(extended, rows, output, tip) is None  # its place is among the kept rows
