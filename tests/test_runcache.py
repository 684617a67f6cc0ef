"""The validate run cache (okrops/runcache.py): a repeated ``okrops validate`` finds exactly what a cold run finds."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys

import pytest

from okrops import runcache
from okrops.examples import example_okrs_dir
from okrops.validate import check, validate

from test_scale import _EDITS


def _rows(findings) -> list[tuple]:
    return [(f.file, int(f.severity), f.message, f.rule, tuple(f.path), f.line, f.column, f.hint, f.ref)
            for f in findings]


@pytest.fixture
def repo(tmp_path, monkeypatch):
    root = tmp_path / "repo"
    shutil.copytree(example_okrs_dir(), root / "okrs")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    monkeypatch.setenv("OKROPS_CACHE_DIR", str(tmp_path / "user-cache"))
    monkeypatch.delenv("OKROPS_NO_CACHE", raising=False)
    # plant cross-file findings in a cycle file, so that their lines must move with edits above them
    planted = sorted((root / "okrs").rglob("2026-Q4.yaml"))[0]
    text = planted.read_text(encoding="utf-8")
    planted.write_text(text.replace("    title:", "    owner: nobody-here\n    title:", 1), encoding="utf-8")
    return root


def _cold(root, monkeypatch):
    monkeypatch.setenv("OKROPS_NO_CACHE", "1")
    result = validate(root)
    monkeypatch.delenv("OKROPS_NO_CACHE")
    return _rows(result.findings), result.files_read


def _cached(root):
    run = runcache.validate_run(root)
    return _rows(run.findings), run.files_read


# edits the cross-file checks cannot see: the run cache redoes only the file itself
_UNSEEN = [
    ("a new current", lambda text, rnd: text.replace("current: ", f"current: {rnd.randint(0, 99)}", 1)),
    ("a new title", lambda text, rnd: text.replace("title: ", f"title: Changed {rnd.randint(0, 99)} ", 1)),
    ("lines above everything", lambda text, rnd: "# a note\n" * rnd.randint(1, 3) + text),
    ("a confidence", lambda text, rnd: text.replace("confidence: ", "confidence: 0.1", 1)),
    ("a direction against the numbers", lambda text, rnd: text.replace("direction: increase", "direction: decrease", 1)),
    ("an unknown key", lambda text, rnd: text.replace("    title:", "    titel:", 1)),
]
# edits they do see: a whole run
_SEEN = [
    ("an owner that is not a unit", lambda text, rnd: text.replace("    title:", "    owner: nobody-else\n    title:", 1)),
    ("a parent that does not exist", lambda text, rnd: text.replace("parent: ", "parent: nowhere/", 1)),
    ("a strategy that does not exist", lambda text, rnd: text.replace("strategies: [", "strategies: [nothing, ", 1)),
]


def test_a_repeated_run_finds_exactly_what_a_cold_run_finds_after_random_edits(repo, monkeypatch):
    """Random edits (some the cross-file checks cannot see, some they can, renames that change the tree); after
    each, the run cache's answer, then the one of a run with nothing changed, equal a cold run's: findings
    (lines, order, refs) and files read. Both of its shortcuts are taken many times."""
    redone = []
    real_redo = runcache._redo

    def counted_redo(*args):
        segments = real_redo(*args)
        redone.append(segments is not None)
        return segments

    monkeypatch.setattr(runcache, "_redo", counted_redo)
    whole = []
    real_whole = runcache._whole
    monkeypatch.setattr(runcache, "_whole", lambda *a: whole.append(1) or real_whole(*a))
    cycle_files = sorted(p for p in (repo / "okrs").rglob("*.yaml") if p.name.startswith("20"))
    every_file = sorted((repo / "okrs").rglob("*.yaml"))
    rnd = random.Random(1616)
    for round_ in range(50):
        if round_ % 3:
            path = rnd.choice(cycle_files)
            name, edit = rnd.choice(_UNSEEN + _SEEN)
        else:
            path = rnd.choice(every_file)
            name, edit = rnd.choice(_EDITS)
        if path.exists():
            path.write_bytes(edit(path.read_bytes().decode("utf-8"), rnd).encode("utf-8"))
        if round_ % 11 == 5:
            victim = rnd.choice(cycle_files)
            if victim.exists():
                victim.rename(victim.with_name("2026-Q3.yaml"))
        cold = _cold(repo, monkeypatch)
        assert _cached(repo) == cold, (round_, name, path)
        assert _cached(repo) == cold, (round_, name, path, "nothing changed")
    assert sum(redone) >= 10, redone
    assert len(whole) < 30, "most runs are not whole runs"


def test_the_cross_file_checks_read_nothing_the_projection_leaves_out(tmp_path):
    """check() gives the same findings whatever the fields runcache lets change without a whole run hold."""
    from okrops.cyclefiles import NOT_CROSS_FILE

    root = tmp_path / "repo"
    shutil.copytree(example_okrs_dir(), root / "okrs")
    planted = sorted((root / "okrs").rglob("2026-Q4.yaml"))[0]
    planted.write_text(planted.read_text().replace("    title:", "    owner: nobody-here\n    title:", 1))
    org = validate(root).organisation
    before = _rows(check(org))
    assert before, "the planted finding"
    fields = {"title": "changed", "why": "changed", "current": -1.5, "confidence": 0.01}
    for objective in org.objectives.values():
        for key in NOT_CROSS_FILE["objectives"]:
            setattr(objective, key, fields[key])
        for kr in objective.key_results:
            for key in NOT_CROSS_FILE["key_results"]:
                setattr(kr, key, fields[key])
    assert _rows(check(org)) == before


def test_a_same_size_rewrite_that_keeps_the_modification_time_is_still_seen(repo, monkeypatch):
    """The times of a file are trusted only when older than the recorded run: a rewrite that puts the
    modification time back still changes ctime, which no tool can set."""
    monkeypatch.setattr(runcache, "RACY_NS", 0)  # trust any time before the run (the test cannot wait 2 s)
    target = sorted((repo / "okrs").rglob("2026-Q4.yaml"))[1]
    text = target.read_text(encoding="utf-8")
    assert "    title:" in text
    old = os.stat(target)
    os.utime(target, ns=(old.st_atime_ns, old.st_mtime_ns - 10**10))  # well before the run
    first = _cached(repo)
    kept = os.stat(target)
    target.write_text(text.replace("    title:", "    titel:", 1), encoding="utf-8")  # the same size
    os.utime(target, ns=(kept.st_atime_ns, kept.st_mtime_ns))
    now = os.stat(target)
    assert (now.st_size, now.st_mtime_ns, now.st_ino) == (kept.st_size, kept.st_mtime_ns, kept.st_ino)
    second = _cached(repo)
    assert second == _cold(repo, monkeypatch)
    assert second != first


def test_a_repeated_validate_imports_neither_the_site_nor_git_nor_the_yaml_editor(repo):
    """`okrops validate` with nothing changed: the command module only, no other command's imports."""
    script = ("import runpy, sys\nsys.argv = ['okrops', 'validate', sys.argv[1]]\n"
              "try:\n    runpy.run_module('okrops', run_name='__main__')\nexcept SystemExit:\n    pass\n"
              "print(' '.join(sorted(sys.modules)), file=sys.stderr)\n")
    env = dict(os.environ, OKROPS_CACHE_DIR=os.environ["OKROPS_CACHE_DIR"])
    subprocess.run([sys.executable, "-c", script, str(repo)], env=env, capture_output=True, check=True)
    second = subprocess.run([sys.executable, "-c", script, str(repo)], env=env, capture_output=True, text=True)
    loaded = set(second.stderr.split())
    assert "okrops.cli.check" in loaded
    for heavy in ("git", "ruamel", "ruamel.yaml", "mkdocs", "jinja2", "jsonschema", "okrops.cli.site",
                  "okrops.cli.checkins", "okrops.record", "okrops.model", "okrops.repository"):
        assert heavy not in loaded, heavy
