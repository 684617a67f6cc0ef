"""Long work shows its progress (issue 16): the five commands, run as real processes.

Each command runs twice: under a real pseudo-terminal (Python's ``pty``), where its progress is a
bar redrawn on one line (what it is doing, how far: ``\\r``, erase line, ``[###---] 40% 2/5``), and
with its output in pipes, as in CI, where it prints a few plain lines and not one terminal escape.
``OKROPS_PROGRESS_AFTER=0`` shows the progress of work of any length (by default work that ends
within a second shows none), so these small fixtures show it however fast the machine is.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import shutil
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from collect_support import Server
from test_checkin_support import CONFIG, git, write

TODAY = "2026-11-25"
BAR = re.compile(r"\r\x1b\[2K([^\r\n\x1b]+?) \[[#-]+\] +\d+% [\d,]+/[\d,]+ (\w+)")
ESCAPE = re.compile(r"\x1b|\r(?!\n)")


def _env(tmp: Path, **extra: str) -> dict:
    env = dict(os.environ, OKROPS_TODAY=TODAY, OKROPS_PROGRESS_AFTER="0", OKROPS_CACHE_DIR=str(tmp / "cache"),
               TERM="xterm")
    env.update(extra)
    env.pop("CI", None)
    return env


def in_terminal(args: list[str], cwd: Path, env: dict, timeout: float = 600) -> tuple[int, str]:
    """Run ``okrops args`` with stdin, stdout and stderr on a new pseudo-terminal; (exit status, what it showed)."""
    main, child = pty.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))  # 100 columns, 30 lines
    process = subprocess.Popen([sys.executable, "-m", "okrops", *args], cwd=cwd, env=env,
                               stdin=child, stdout=child, stderr=child, close_fds=True)
    os.close(child)
    shown = bytearray()
    try:
        while True:
            ready, _, _ = select.select([main], [], [], timeout)
            if not ready:
                process.kill()
                raise AssertionError(f"okrops {' '.join(args)} showed nothing for {timeout} s: {bytes(shown)[-500:]!r}")
            try:
                chunk = os.read(main, 65536)
            except OSError:  # EIO: every end of the terminal is closed, the command has ended
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(main)
    return process.wait(timeout=60), shown.decode("utf-8", "replace")


def in_pipes(args: list[str], cwd: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "okrops", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)


def bars(shown: str) -> dict[str, set[str]]:
    """label -> the units of the bars drawn with that label."""
    found: dict[str, set[str]] = {}
    for label, unit in BAR.findall(shown):
        found.setdefault(label, set()).add(unit)
    return found


def assert_plain(stderr: str, *labels: str) -> None:
    assert not ESCAPE.search(stderr), repr(stderr[:500])
    lines = stderr.splitlines()
    for label in labels:  # a line when a stage has run for a while (timing: not asserted), one when it ends
        assert any(line.startswith(f"okrops: {label}: done (") for line in lines), stderr
        assert all(line.startswith("okrops: ") for line in lines if label in line), stderr


@pytest.fixture(scope="module")
def demo_repo(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("progress-demo")
    done = in_pipes(["demo", str(base / "demo"), "--no-site"], base, _env(base, OKROPS_PROGRESS_AFTER="1e9"))
    assert done.returncode == 0, done.stderr
    return base / "demo"


def test_demo_shows_its_week_by_week_replay_and_history_as_a_bar_and_plain_lines_elsewhere(tmp_path):
    status, shown = in_terminal(["demo", str(tmp_path / "tty"), "--no-site"], tmp_path, _env(tmp_path))
    assert status == 0, shown
    drawn = bars(shown)
    assert drawn.get("replaying check-ins week by week") == {"weeks"}, shown
    assert "fetching values from their sources" not in shown  # each week's collect is a step of the replay
    piped = in_pipes(["demo", str(tmp_path / "ci"), "--no-site"], tmp_path, _env(tmp_path))
    assert piped.returncode == 0, piped.stderr
    assert_plain(piped.stderr, "replaying check-ins week by week")
    assert len(piped.stderr.splitlines()) <= 6, piped.stderr  # a few lines, not one a week


def test_history_without_a_cache_shows_how_many_commits_it_has_read(demo_repo, tmp_path):
    env = _env(tmp_path, OKROPS_NO_CACHE="1")
    status, shown = in_terminal(["history"], demo_repo, env)
    assert status == 0, shown[-2000:]
    assert re.search(r"\r\x1b\[2Kreading the check-in history from git \.\.\. [\d,]+ commits \(\d+ s\)", shown), shown[:800]
    piped = in_pipes(["history", "--format", "json"], demo_repo, env)
    assert piped.returncode == 0
    assert piped.stdout.lstrip().startswith("{") and "okrops:" not in piped.stdout  # progress never in the output
    assert_plain(piped.stderr, "reading the check-in history from git")


def test_site_build_shows_a_bar_instead_of_mkdocs_lines_which_stay_with_verbose(demo_repo, tmp_path):
    env = _env(tmp_path)
    status, shown = in_terminal(["site", "build", "--out", str(tmp_path / "tty")], demo_repo, env)
    assert status == 0, shown[-2000:]
    assert bars(shown).get("rendering the site's pages") == {"pages"}, shown[:800]
    assert "INFO" not in shown and "Building documentation" not in shown
    piped = in_pipes(["site", "build", "--out", str(tmp_path / "ci")], demo_repo, env)
    assert piped.returncode == 0, piped.stderr
    assert_plain(piped.stderr, "rendering the site's pages")
    assert "INFO" not in piped.stderr and len(piped.stderr.splitlines()) <= 4, piped.stderr
    verbose = in_pipes(["site", "build", "--verbose", "--out", str(tmp_path / "ci")], demo_repo, env)
    assert verbose.returncode == 0
    assert "Building documentation to directory" in verbose.stderr and "DEBUG" in verbose.stderr


UNIT = """\
name: Platform
kind: team
kpis:
{kpis}
"""


def _collect_repo(root: Path, server: Server, sources: int) -> Path:
    kpis = []
    for index in range(sources):
        url = server.json(f"/v{index}", {"v": 100 + index})
        kpis.append(f"  - id: k{index}\n    title: Number {index}\n    current: {index}\n"
                    f"    source: {{kind: http, url: \"{url}\", path: $.v, timeout: 5}}")
    write(root / "okrs/okrops.yaml", CONFIG)
    write(root / "okrs/platform/unit.yaml", UNIT.format(kpis="\n".join(kpis)))
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Collector")
    git(root, "config", "user.email", "collector@example.com")
    git(root, "add", "okrs")
    git(root, "commit", "-q", "-m", "OKRs")
    return root


def test_collect_shows_how_many_sources_have_answered(tmp_path):
    server = Server()
    try:
        repo = _collect_repo(tmp_path / "repo", server, sources=6)
        env = _env(tmp_path)
        status, shown = in_terminal(["collect", "--dry-run"], repo, env)
        assert status == 0, shown
        assert bars(shown).get("fetching values from their sources") == {"sources"}, shown
        assert "6/6 sources" in shown and "6 sources: 6 changed" in shown
        piped = in_pipes(["collect", "--format", "json"], repo, env)
        assert piped.returncode == 0, piped.stderr
        assert piped.stdout.lstrip().startswith("{")
        assert_plain(piped.stderr, "fetching values from their sources")
    finally:
        server.close()


def test_import_shows_reading_placing_and_writing(tmp_path):
    repo = tmp_path / "repo"
    write(repo / "okrs/okrops.yaml", CONFIG)
    write(repo / "okrs/engineering/unit.yaml", "name: Engineering\n")
    lines = ["Team,Quarter,Objective,Key result,Baseline,Target"]
    for team in range(12):
        for kr in range(3):
            lines.append(f"Team {team},2026-Q4,Objective of team {team},Key result {kr} of team {team},0,{10 + kr}")
    sheet = tmp_path / "okrs.csv"
    sheet.write_text("\n".join(lines) + "\n", encoding="utf-8")
    status, shown = in_terminal(["import", str(sheet), "--repo", str(repo), "--dry-run"], tmp_path, _env(tmp_path))
    assert status == 0, shown
    drawn = bars(shown)
    assert drawn.get("placing the rows") == {"rows"}, shown
    assert re.search(r"\r\x1b\[2Kreading okrs\.csv \.\.\. 37 rows", shown), shown
    status, shown = in_terminal(["import", str(sheet), "--repo", str(repo)], tmp_path, _env(tmp_path))
    assert status == 0, shown
    assert bars(shown).get("writing units and cycle files") == {"files"}, shown
    assert "24/24 files" in shown  # 12 new units and their 12 cycle files
    shutil.rmtree(repo / "okrs")
    write(repo / "okrs/okrops.yaml", CONFIG)
    write(repo / "okrs/engineering/unit.yaml", "name: Engineering\n")
    piped = in_pipes(["import", str(sheet), "--repo", str(repo)], tmp_path, _env(tmp_path))
    assert piped.returncode == 0, piped.stderr
    assert_plain(piped.stderr, "reading okrs.csv", "placing the rows",
                 "writing units and cycle files")
    assert "imported 36 key results" in piped.stdout


def test_work_that_ends_sooner_than_okrops_progress_after_shows_nothing(tmp_path):
    server = Server()
    try:
        repo = _collect_repo(tmp_path / "repo", server, sources=2)
        env = _env(tmp_path, OKROPS_PROGRESS_AFTER="1e9")
        status, shown = in_terminal(["collect", "--dry-run"], repo, env)
        assert status == 0 and "\x1b[2K" not in shown, shown
        piped = in_pipes(["collect", "--dry-run"], repo, env)
        assert piped.returncode == 0 and piped.stderr == "", piped.stderr
    finally:
        server.close()


def test_a_bar_is_cut_to_the_terminal_width_so_it_can_be_redrawn_in_place(monkeypatch):
    import io

    from okrops.cli import progress as shown

    monkeypatch.setenv("COLUMNS", "40")
    monkeypatch.setenv("OKROPS_PROGRESS_AFTER", "0")
    stream = io.StringIO()
    bar = shown.TerminalProgress(stream, interactive=True)
    bar.stage("reading a-spreadsheet-with-a-very-long-name\x1b[31m.csv", total=3, unit="rows")
    bar.done()
    drawn = stream.getvalue().split("\r\x1b[2K")[-1].rstrip("\n")
    assert len(drawn) == 39 and drawn.startswith("reading a-spreadsheet")
    assert "\x1b" not in drawn  # an escape in user text (a file name) is shown, not sent
