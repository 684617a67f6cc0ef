"""At scale: caches that are never stale, output written by the fast paths exactly as the slow ones (issue 16)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from okrops import cache


def test_history_json_is_byte_for_byte_json_dumps_with_indent():
    """The C-encoder path of ``okrops history --format json`` writes what json.dumps(indent=2) writes."""
    from okrops.cli.checkins import _row, history_json
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
