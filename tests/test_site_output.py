"""The site's output folder: nothing of the user's is ever deleted, and serve cleans up after itself.

Every case is a real build (``okrops site build`` or ``mkdocs build`` in a subprocess) on a
real git repository with untracked files; a refused build must leave every file, folder,
link and byte of the whole test area exactly as it was.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from test_site import TODAY, git, write_repo

ENV = {**os.environ, "OKROPS_TODAY": TODAY, "NO_MKDOCS_2_WARNING": "1"}


def snapshot(folder: Path) -> dict[str, tuple]:
    """Every entry below ``folder`` (hidden ones and .git included): kind, mode and bytes or link target."""
    result: dict[str, tuple] = {}
    for directory, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = Path(directory) / name
            rel = str(path.relative_to(folder))
            stat = path.lstat()
            if path.is_symlink():
                result[rel] = ("link", os.readlink(path))
            elif path.is_dir():
                result[rel] = ("dir", stat.st_mode)
            else:
                result[rel] = ("file", stat.st_mode, path.read_bytes())
    return result


def make_repo(base: Path, with_site: bool = True) -> Path:
    repo = write_repo(base / "repo")
    if not with_site:
        subprocess.run(["rm", "-rf", str(repo / "site")], check=True)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.name", "Dana Builder")
    git(repo, "config", "user.email", "dana@example.com")
    git(repo, "add", "okrs")
    git(repo, "commit", "-q", "-m", "OKRs")
    (repo / "notes.txt").write_text("my untracked notes\n")  # never committed: git cannot bring it back
    (repo / "okrs" / "draft.txt").write_text("a draft next to the OKRs\n")
    (base / "mine").mkdir()
    (base / "mine" / "thesis.md").write_text("years of work\n")
    (base / "mine" / ".hidden").write_text("hidden\n")
    (base / "other-repo" / ".git").mkdir(parents=True)
    (base / "other-okrs" / "okrs").mkdir(parents=True)
    (base / "other-okrs" / "okrs" / "okrops.yaml").write_text("organisation: Other\ncycles: []\n")
    (base / "only-git" / ".git").mkdir(parents=True)
    (base / "a-file.txt").write_text("a file, not a folder\n")
    os.symlink(repo, base / "link-to-repo")
    return repo


@pytest.fixture(scope="module")
def area(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("output")
    make_repo(base / "with-site")
    make_repo(base / "without-site", with_site=False)
    return base


REFUSED = [
    (".", "it is the repository root"),
    ("..", "it holds the OKR repository"),
    ("../..", "it holds the OKR repository"),
    ("okrs", "it is inside okrs/"),
    ("okrs/acme", "it is inside okrs/"),
    ("okrs/new-folder", "it is inside okrs/"),
    (".git/site", "it is inside .git"),
    ("../mine", "it holds files okrops did not write (thesis.md)"),
    ("../other-repo", "it holds a git repository"),
    ("../only-git", "it holds a git repository"),
    ("../other-okrs", "it holds an OKR repository"),
    ("../link-to-repo", "it is the repository root"),
]


@pytest.mark.parametrize("layout", ["with-site", "without-site"])
@pytest.mark.parametrize("out,reason", REFUSED)
def test_okrops_site_build_refuses_an_output_that_holds_anything_of_the_users(area, layout, out, reason):
    repo = area / layout / "repo"
    before = snapshot(area)
    result = subprocess.run([sys.executable, "-m", "okrops", "site", "build", "--out", out], cwd=repo,
                            capture_output=True, text=True, env=ENV)
    assert result.returncode == 2, result.stderr
    assert "cannot build the site into" in result.stderr and reason in result.stderr
    assert "Nothing was written" in result.stderr and "Traceback" not in result.stderr
    assert snapshot(area) == before


@pytest.mark.parametrize("out,reason", [("site", "it is inside the site sources"),
                                        ("site/docs", "it is inside the site sources"),
                                        ("site/public", "it is inside the site sources")])
def test_okrops_site_build_refuses_the_site_sources(area, out, reason):
    repo = area / "with-site" / "repo"
    before = snapshot(area)
    result = subprocess.run([sys.executable, "-m", "okrops", "site", "build", "--out", out], cwd=repo,
                            capture_output=True, text=True, env=ENV)
    assert result.returncode == 2 and reason in result.stderr
    assert snapshot(area) == before


def test_a_file_is_not_an_output_folder(area):
    before = snapshot(area)
    result = subprocess.run([sys.executable, "-m", "okrops", "site", "build", "--out", "../a-file.txt"],
                            cwd=area / "with-site" / "repo", capture_output=True, text=True, env=ENV)
    assert result.returncode == 2 and "a-file.txt" in result.stderr
    assert snapshot(area) == before


@pytest.mark.parametrize("site_dir,reason", [
    ("{repo}", "'docs_dir' should not be within the 'site_dir'"),  # MkDocs itself refuses these two
    ("{repo}/..", "'docs_dir' should not be within the 'site_dir'"),
    ("{repo}/okrs", "it is inside okrs/"),
    ("{repo}/site/overrides", "it is inside the site sources"),
    ("{base}/mine", "it holds files okrops did not write"),
    ("{base}/other-repo", "it holds a git repository"),
])
@pytest.mark.parametrize("how", ["command line", "mkdocs.yml"])
def test_plain_mkdocs_build_through_the_plugin_refuses_too(area, site_dir, reason, how):
    repo = area / "with-site" / "repo"
    target = site_dir.format(repo=repo, base=area / "with-site")
    config = repo / "site" / "mkdocs.yml"
    original = config.read_text()
    before = snapshot(area)
    command = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config)]
    if how == "command line":
        command += ["-d", target]
    else:
        config.write_text(original.replace("site_dir: ../public", f"site_dir: {target}"))
        before = snapshot(area)
    try:
        result = subprocess.run(command, cwd=repo, capture_output=True, text=True, env=ENV)
    finally:
        config.write_text(original)
    assert result.returncode == 1, result.stderr
    assert reason in result.stderr and "Traceback" not in result.stderr
    after = snapshot(area)
    after["with-site/repo/site/mkdocs.yml"] = before["with-site/repo/site/mkdocs.yml"]
    assert after == before


@pytest.mark.parametrize("layout", ["with-site", "without-site"])
def test_builds_go_into_new_empty_and_earlier_build_folders_and_mark_them(area, tmp_path, layout):
    from okrops.site.output import MARKER

    repo = area / layout / "repo"

    def build(out: Path) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "okrops", "site", "build", "--out", str(out)], cwd=repo,
                              capture_output=True, text=True, env=ENV)

    new = tmp_path / "new" / "deep"
    assert build(new).returncode == 0
    assert (new / "index.html").is_file() and "okrops" in (new / MARKER).read_text()
    (new / ".keep").write_text("hidden files are left alone\n")
    assert build(new).returncode == 0, "a second build into an okrops build"
    assert (new / ".keep").read_text() == "hidden files are left alone\n"
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / ".DS_Store").write_text("x")
    assert build(empty).returncode == 0 and (empty / MARKER).is_file()
    # A build from before the marker existed is recognised by the okrops stylesheet and home page.
    legacy = tmp_path / "legacy"
    (legacy / "assets" / "okrops").mkdir(parents=True)
    (legacy / "assets" / "okrops" / "okrops.css").write_text("/* */")
    (legacy / "index.html").write_text("<html></html>")
    (legacy / "old-page.html").write_text("<html></html>")
    assert build(legacy).returncode == 0
    assert not (legacy / "old-page.html").exists() and (legacy / MARKER).is_file()


def test_the_default_output_is_public_at_the_repository_root_and_rebuilds(area):
    repo = area / "without-site" / "repo"
    for _ in range(2):
        result = subprocess.run([sys.executable, "-m", "okrops", "site", "build"], cwd=repo, capture_output=True,
                                text=True, env=ENV)
        assert result.returncode == 0, result.stderr
    assert (repo / "public" / "index.html").is_file()
    assert (repo / "notes.txt").read_text() == "my untracked notes\n"
    subprocess.run(["rm", "-rf", str(repo / "public")], check=True)


def test_check_output_dir_is_the_one_rule_for_both_entry_points(tmp_path):
    from okrops.site.output import OutputRefused, check_output_dir

    repo = tmp_path / "repo"
    (repo / "okrs").mkdir(parents=True)
    (repo / "site" / "docs").mkdir(parents=True)
    sources = [repo / "site", repo / "site" / "docs", repo / "site" / "mkdocs.yml"]
    for bad in (repo, tmp_path, repo / "okrs" / "x", repo / "site" / "docs" / "out", repo / ".git" / "x"):
        with pytest.raises(OutputRefused):
            check_output_dir(bad, repo, repo / "okrs", sources)
    for good in (repo / "public", tmp_path / "elsewhere", repo / "build" / "site"):
        check_output_dir(good, repo, repo / "okrs", sources)
    # mkdocs.yml at the repository root: folders inside the repository stay allowed.
    check_output_dir(repo / "public", repo, repo / "okrs", [repo, repo / "docs", repo / "mkdocs.yml"])


# -- serve ----------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve_until_up(repo: Path, tmp: Path) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    env = {**ENV, "TMPDIR": str(tmp)}
    process = subprocess.Popen([sys.executable, "-m", "okrops", "site", "serve", "--dev-addr", f"127.0.0.1:{port}"],
                               cwd=repo, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/units/sales/2026-Q4/", timeout=5) as response:
                if b"robot-hour" in response.read():
                    return process, port
        except OSError:
            time.sleep(0.3)
    process.kill()
    process.wait()
    raise AssertionError(process.stderr.read().decode())


@pytest.mark.parametrize("signum,returncode", [(signal.SIGTERM, -signal.SIGTERM), (signal.SIGINT, 0)])
def test_serve_removes_its_temporary_folders_on_sigterm_as_on_ctrl_c(tmp_path, signum, returncode):
    repo = write_repo(tmp_path / "repo")
    subprocess.run(["rm", "-rf", str(repo / "site")], check=True)  # default sources: written to a temporary folder
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    process, _port = _serve_until_up(repo, tmp)
    try:
        names = sorted(p.name for p in tmp.iterdir())
        assert any(n.startswith("okrops-site-") for n in names) and any(n.startswith("mkdocs_") for n in names)
        process.send_signal(signum)
        assert process.wait(timeout=30) == returncode
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stderr.close()
    assert list(tmp.iterdir()) == []
    assert not (repo / "public").exists() and not (repo / "site").exists()
