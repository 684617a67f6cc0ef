"""At scale: caches that are never stale, output written by the fast paths exactly as the slow ones (issue 16)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from okrops import cache


def test_history_json_is_byte_for_byte_json_dumps_with_indent():
    """The C-encoder path of ``okrops history --format json`` writes what json.dumps(indent=2) writes."""
    from okrops.record.historyformat import history_json, row as _row
    from okrops.record.history import CheckIn
    from okrops.safetext import json_dumps

    odd = ["},\n      {", '"},\n      {"', "\x7f", "\u2028x\u202e", "\ud800", "\n\r\t", "é}", "{", "}", "a\\", "",
           "\x1b[31mred", '{"a": 1}', "    },\n    {"]
    when = datetime(2026, 1, 1, 9, 30, tzinfo=timezone(timedelta(hours=-5)))
    rows = [CheckIn(text, 1.5, None, text, text, text, when, text, "checkin", None, False, True, text) for text in odd]
    rows += [CheckIn("r/c/o/k", 10**30, 1e300, "n", "a", "e", when, "c", "edit", -0.0, True, False, "why"),
             CheckIn("r/c/o/k", 3, 0.25, "ü", "a", "e", when, "c", previous=2)]
    for chosen in (rows, rows[:1], rows[-1:], []):
        expected = json_dumps({"checkins": [_row(c) for c in chosen], "count": len(chosen)}, indent=2)
        assert history_json(chosen) == expected
        assert json.loads(history_json(chosen))["count"] == len(chosen)


@pytest.mark.parametrize("text", ["plain", "del \x7f here", "é \x85 \u2028 \ud800 \x1b", ""])
def test_json_safe_matches_the_escaping_regex(text):
    from okrops.safetext import _UNSAFE, json_safe

    dumped = json.dumps({"k": text}, ensure_ascii=False)
    assert json_safe(dumped) == _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", dumped)
    dumped = json.dumps({"k": text})
    assert json_safe(dumped) == _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", dumped)


def test_a_cache_file_cut_short_damaged_or_of_another_key_reads_as_missing(tmp_path):
    path = tmp_path / "sub" / "entry.bin"
    assert cache.save(path, ("k", 1), {"a": [1, 2.5, None, "x"]})
    assert cache.load(path, ("k", 1)) == {"a": [1, 2.5, None, "x"]}
    assert cache.load(path, ("k", 2)) is None
    data = path.read_bytes()
    for damaged in (data[:-1], data[:20], b"", data[:40] + bytes([data[40] ^ 1]) + data[41:]):
        path.write_bytes(damaged)
        assert cache.load(path, ("k", 1)) is None
    assert cache.load(tmp_path / "missing", ("k", 1)) is None
    assert not list(tmp_path.glob("sub/.*")), "no temporary file left behind"


def test_no_cache_folder_when_caching_is_off(tmp_path, monkeypatch):
    monkeypatch.setenv("OKROPS_NO_CACHE", "1")
    assert cache.user_dir() is None and cache.repository_dir(tmp_path) is None
    monkeypatch.setenv("OKROPS_NO_CACHE", "0")
    monkeypatch.setenv("OKROPS_CACHE_DIR", str(tmp_path / "c"))
    assert cache.user_dir() == tmp_path / "c"


def test_the_git_folder_is_found_for_work_trees_too(tmp_path):
    import subprocess

    main = tmp_path / "main"
    subprocess.run(["git", "init", "-q", str(main)], check=True)
    (main / "sub").mkdir()
    assert cache.git_dir(main / "sub").resolve() == (main / ".git").resolve()
    subprocess.run(["git", "-C", str(main), "-c", "user.name=a", "-c", "user.email=a@b", "commit", "-q",
                    "--allow-empty", "-m", "x"], check=True)
    subprocess.run(["git", "-C", str(main), "worktree", "add", "-q", str(tmp_path / "wt")], check=True)
    found = cache.git_dir(tmp_path / "wt")
    done = subprocess.run(["git", "rev-parse", "--absolute-git-dir"], cwd=tmp_path / "wt", capture_output=True,
                          text=True, check=True)
    assert found.resolve() == __import__("pathlib").Path(done.stdout.strip()).resolve()
    assert cache.git_dir(tmp_path) is None


def test_compiled_schemas_come_from_the_cache_and_agree(tmp_path, monkeypatch):
    """The cached schema code is used in a new process and answers as a fresh compile does; a damaged entry is redone."""
    import subprocess
    import sys

    monkeypatch.setenv("OKROPS_CACHE_DIR", str(tmp_path))
    script = ("from okrops import schemas\n"
              "print(schemas.is_valid('okrs', {'objectives': []}), schemas.is_valid('okrs', {'objectives': 3}))")
    first = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    entries = sorted((tmp_path / "schemas").glob("okrs-*.bin"))
    assert len(entries) == 1
    stamp = entries[0].stat().st_mtime_ns
    second = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert entries[0].stat().st_mtime_ns == stamp, "read from the cache, not written again"
    entries[0].write_bytes(entries[0].read_bytes()[:100])
    third = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert first.stdout == second.stdout == third.stdout
    assert len(entries[0].read_bytes()) > 100


# --- the validate cache -------------------------------------------------------------


def _findings(result) -> list[tuple]:
    return [(f.file, int(f.severity), f.message, f.rule, tuple(f.path), f.line, f.column, f.hint)
            for f in result.findings]


def _model(result) -> tuple:
    org = result.organisation
    if org is None:
        return None, result.files_read
    return (result.files_read, sorted(org.units), org.key_results, org.objectives, org.cycle_files,
            sorted(org.broken_files), org.unreadable)


_EDITS = [
    ("a number", lambda text, rnd: text.replace("current: ", f"current: {rnd.randint(0, 99)}", 1)
     if "current: " in text else text),
    ("broken YAML", lambda text, rnd: text + "\n  - : : [\n"),
    ("an unknown key", lambda text, rnd: text.replace("title:", "titel:", 1)),
    ("a duplicate id", lambda text, rnd: text.replace("id: O2", "id: O1", 1)),
    ("private", lambda text, rnd: text.replace("\n", "\nvisibility: private\n", 1) if "visibility" not in text
     else text.replace("visibility: private", "visibility: Private", 1)),
    ("not a mapping", lambda text, rnd: "- just\n- a list\n"),
    ("a parent that does not exist", lambda text, rnd: text.replace("parent: ", "parent: nowhere/", 1)),
    ("a tab", lambda text, rnd: text.replace("  ", "\t", 1)),
    ("CRLF", lambda text, rnd: text.replace("\n", "\r\n")),
    ("mixed line breaks", lambda text, rnd: text.replace("\n", "\r\n", 2)),
    ("empty", lambda text, rnd: "# nothing\n"),
    ("a backwards target", lambda text, rnd: text.replace("direction: increase", "direction: decrease", 1)),
]


def test_validate_with_the_cache_finds_exactly_what_a_cold_run_finds_after_random_edits(tmp_path, monkeypatch):
    """Random edits to random files (of every kind), one after another; each time the cached run (first the one
    that fills the cache, then a warm one) equals a cold run: findings, lines, and the model built."""
    import random
    import shutil
    import subprocess

    from okrops import filereader as repository  # check_file lives in the file reader
    from okrops.examples import example_okrs_dir
    from okrops.validate import validate

    root = tmp_path / "repo"
    shutil.copytree(example_okrs_dir(), root / "okrs")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    monkeypatch.setenv("OKROPS_CACHE_DIR", str(tmp_path / "user-cache"))
    calls = []
    real = repository.check_file
    monkeypatch.setattr(repository, "check_file", lambda raw, kind: calls.append(kind) or real(raw, kind))
    files = sorted(p for p in (root / "okrs").rglob("*.yaml"))
    rnd = random.Random(16)
    for round_ in range(30):
        path = rnd.choice(files)
        name, edit = rnd.choice(_EDITS)
        if path.exists():
            path.write_bytes(edit(path.read_bytes().decode("utf-8"), rnd).encode("utf-8"))
        if round_ % 7 == 3:  # now and then a file goes, or a copy appears in another unit
            victim = rnd.choice(files)
            if victim.exists() and victim.name != "okrops.yaml":
                victim.rename(victim.with_name("2026-Q3.yaml") if victim.name != "unit.yaml" else victim)
        monkeypatch.delenv("OKROPS_NO_CACHE", raising=False)
        filling = validate(root)
        calls.clear()
        warm = validate(root)
        assert calls == [], f"a warm run parses nothing (round {round_}, {name})"
        monkeypatch.setenv("OKROPS_NO_CACHE", "1")
        cold = validate(root)
        assert _findings(filling) == _findings(warm) == _findings(cold), (round_, name, path)
        assert _model(filling) == _model(warm) == _model(cold), (round_, name, path)
    assert any((tmp_path / "user-cache" / "checked").rglob("*")), "the cache lives in the user's cache folder"
    assert not (root / ".git" / "okrops").exists(), "nothing written into the repository"
    assert not list(root.joinpath("okrs").rglob(".*")), "nothing written next to the OKR files"


def test_a_deleted_or_damaged_validate_cache_costs_time_only(tmp_path, monkeypatch):
    import shutil

    from okrops.examples import example_okrs_dir
    from okrops.validate import validate

    root = tmp_path / "repo"
    shutil.copytree(example_okrs_dir(), root / "okrs")
    (root / ".git").mkdir()
    monkeypatch.setenv("OKROPS_CACHE_DIR", str(tmp_path / "user-cache"))
    cold = _findings(validate(root))
    entries = [p for p in (tmp_path / "user-cache" / "checked").rglob("*") if p.is_file()]
    assert entries
    for number, entry in enumerate(entries):
        data = entry.read_bytes()
        entry.write_bytes(data[: len(data) // 2] if number % 2 else data[:40] + b"x" + data[41:])
    assert _findings(validate(root)) == cold
    shutil.rmtree(tmp_path / "user-cache" / "checked")
    assert _findings(validate(root)) == cold


def test_history_csv_is_what_the_dictwriter_wrote():
    """The list-based CSV writer of ``okrops history --format csv`` writes what the per-cell DictWriter wrote."""
    import csv
    import io

    from okrops.record.historyformat import COLUMNS as _HISTORY_COLUMNS, NUMBERS as _HISTORY_NUMBERS, history_csv, row as _row
    from okrops.record.history import CheckIn
    from okrops.safetext import csv_text

    def before(rows) -> str:
        out = io.StringIO()
        writer = csv.DictWriter(out, _HISTORY_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for c in rows:
            writer.writerow({k: (("" if v is None else v) if k in _HISTORY_NUMBERS else
                                 ("true" if v else "false") if isinstance(v, bool) else csv_text(v))
                             for k, v in _row(c).items()})
        return out.getvalue()

    when = datetime(2026, 3, 1, 8, 0, tzinfo=timezone.utc)
    odd = ["=1+1", "+x", "-y", "@z", "\tt", "\rr", 'a,"b"', "line\nbreak", "\x1b[31m", "\u2028", "é", ""]
    rows = [CheckIn(t, 0.5, None, t, t, t, when, t, "checkin", 3, False, False, t) for t in odd]
    rows += [CheckIn("r/c/o/k", 10**30, 1e300, "n", "a", "e", when, "c", "edit", -0.0, True, True, "")]
    assert history_csv(rows) == before(rows)
    assert history_csv([]) == before([])


# --- progress ------------------------------------------------------------------------------


def test_progress_is_silent_by_default_and_reaches_the_reporter_installed():
    from okrops import progress

    class Recorder(progress.Progress):
        def __init__(self):
            self.calls = []

        def stage(self, label, total=None, unit=""):
            self.calls.append(("stage", label, total))

        def advance(self, count=1):
            self.calls.append(("advance", count))

        def done(self):
            self.calls.append(("done",))

    assert progress.current() is progress.SILENT
    recorder = Recorder()
    with progress.showing(recorder):
        progress.current().stage("work", 3)
        progress.current().advance(2)
    assert recorder.calls == [("stage", "work", 3), ("advance", 2), ("done",)]
    assert progress.current() is progress.SILENT


def test_terminal_progress_draws_a_bar_on_a_terminal_and_plain_lines_elsewhere(monkeypatch):
    import io

    from okrops.cli import progress as shown

    monkeypatch.setattr(shown, "QUIET_FOR", 0.0)
    monkeypatch.setattr(shown, "REDRAW", 0.0)
    stream = io.StringIO()
    bar = shown.TerminalProgress(stream, interactive=True)
    bar.stage("rendering pages", total=4, unit="pages")
    for _ in range(4):
        bar.advance()
    bar.done()
    text = stream.getvalue()
    assert "\r\x1b[2Krendering pages [" in text and "100% 4/4 pages" in text and text.endswith("\n")
    stream = io.StringIO()
    lines = shown.TerminalProgress(stream, interactive=False)
    lines.stage("reading history", unit="commits")
    for _ in range(5):
        lines.advance(1000)
    lines.done()
    out = stream.getvalue().splitlines()
    assert out[0] == "okrops: reading history ..." and out[-1].startswith("okrops: reading history: done (5,000 commits")
    assert len(out) == 2 and "\r" not in stream.getvalue() and "\x1b" not in stream.getvalue()


def test_short_work_shows_no_progress_at_all(monkeypatch):
    import io

    from okrops.cli import progress as shown

    monkeypatch.setattr(shown, "QUIET_FOR", 1e9)  # "short": however busy the machine
    stream = io.StringIO()
    for interactive in (True, False):
        reporter = shown.TerminalProgress(stream, interactive=interactive)
        reporter.stage("quick", total=2)
        reporter.advance(2)
        reporter.done()
    assert stream.getvalue() == ""


def test_the_validate_cache_drops_long_unused_versions_and_its_oldest_entries(tmp_path, monkeypatch):
    import os
    import shutil

    from okrops import checkcache
    from okrops.examples import example_okrs_dir
    from okrops.validate import validate

    root = tmp_path / "repo"
    shutil.copytree(example_okrs_dir(), root / "okrs")
    monkeypatch.setenv("OKROPS_CACHE_DIR", str(tmp_path / "user-cache"))
    base = tmp_path / "user-cache" / checkcache.FOLDER
    for name, days in (("0123456789abcdef01234567", 40), ("76543210fedcba9876543210", 1)):  # other versions
        (base / name / "ab").mkdir(parents=True)
        (base / name / "ab" / "entry").write_bytes(b"x")
        old = os.path.getmtime(base / name) - days * 86400
        os.utime(base / name, (old, old))
    validate(root)
    assert sorted(p.name for p in base.iterdir()) == sorted([checkcache.code_key(), "76543210fedcba9876543210"])
    monkeypatch.setattr(checkcache, "MAX_ENTRIES", 30)
    files = sorted((root / "okrs").rglob("*.yaml"))
    for round_ in range(3):  # every file changes, again and again: the oldest answers go
        for path in files:
            path.write_text(path.read_text(encoding="utf-8") + f"\n# edit {round_}\n", encoding="utf-8")
        cold = _findings(validate(root))
        held = sum(1 for p in (base / checkcache.code_key()).rglob("*") if p.is_file())
        assert held <= max(30, len(files) * 2), held
        assert _findings(validate(root)) == cold
