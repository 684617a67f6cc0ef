"""``okrops site build --out`` never deletes a file okrops did not write (issue 8, outside attacks).

A build empties its output folder. Before, a folder counted as okrops' own forever once it
held the marker, so a file saved into a site folder after a build (at the top or deep
inside) was deleted by the next build; and a folder holding only hidden files (a home
folder) counted as empty, so the site was written among the user's dotfiles. Real
repositories, real ``okrops`` processes, real folders.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_site import TODAY, git, write_repo

ENV = {**os.environ, "OKROPS_TODAY": TODAY, "NO_MKDOCS_2_WARNING": "1"}


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("site-output-attacks") / "repo"
    root.mkdir()
    write_repo(root)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "OKRs")
    return root


def build(repo: Path, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "okrops", "site", "build", "--out", str(out)], cwd=repo,
                          capture_output=True, text=True, env=ENV)


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("mine", ["mine.txt", "units/mine.txt", "assets/deep/mine.css", "notes"])
def test_a_file_saved_into_a_built_site_is_never_deleted_by_the_next_build(repo, tmp_path, mine):
    out = tmp_path / "public"
    assert build(repo, out).returncode == 0
    assert build(repo, out).returncode == 0, "a rebuild of okrops' own output"
    (out / mine).parent.mkdir(parents=True, exist_ok=True)
    (out / mine).write_text("my own notes\n")
    before = tree(out)
    done = build(repo, out)
    assert done.returncode == 2 and done.stderr.startswith("Error: ")
    assert mine in done.stderr and "did not write" in done.stderr
    assert tree(out) == before
    (out / mine).unlink()
    assert build(repo, out).returncode == 0, "once the file is gone, the folder is okrops' own again"


@pytest.mark.parametrize("dotfiles", [[".bashrc", ".profile"], [".config/app.toml"], [".env"]])
def test_a_folder_of_dotfiles_is_somebodys(repo, tmp_path, dotfiles):
    home = tmp_path / "home"
    for name in dotfiles:
        (home / name).parent.mkdir(parents=True, exist_ok=True)
        (home / name).write_text("mine\n")
    before = tree(home)
    done = build(repo, home)
    assert done.returncode == 2 and "did not write" in done.stderr
    assert tree(home) == before and sorted(os.listdir(home)) == sorted({n.split("/")[0] for n in dotfiles})


def test_placeholder_dotfiles_still_count_as_empty(repo, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / ".gitkeep").write_text("")
    assert build(repo, out).returncode == 0
    assert (out / ".gitkeep").exists() and (out / "index.html").is_file()


@pytest.mark.parametrize("link", ["file", "folder", "proc", "git-config"])
def test_hand_written_site_pages_reached_through_links_out_of_the_repository_are_never_published(
        repo, tmp_path, link):
    """A symbolic link committed in site/docs/ (to /proc/self/environ in CI, a key, .git/config) is refused."""
    work = tmp_path / "work"
    shutil.copytree(repo, work, symlinks=True)
    outside = tmp_path / "outside"
    (outside / "folder").mkdir(parents=True)
    (outside / "secret.txt").write_text("OUTSIDE-SECRET\n")
    (outside / "folder" / "page.md").write_text("# OUTSIDE-SECRET\n")
    docs = work / "site" / "docs"
    docs.mkdir(parents=True, exist_ok=True)  # the repository's own site sources (site/mkdocs.yml, docs/)
    (docs / "about.md").write_text("# About\n")
    target = {"file": outside / "secret.txt", "folder": outside / "folder", "proc": Path("/proc/self/environ"),
              "git-config": work / ".git" / "config"}[link]
    os.symlink(target, docs / f"{link}.txt" if link != "folder" else docs / "linked")
    out = tmp_path / "out"
    done = build(work, out)
    assert done.returncode != 0 and "symbolic link" in done.stderr and "leading out of the repository" in done.stderr
    assert not out.exists() or not any("OUTSIDE-SECRET" in p.read_text(errors="replace") or "PATH=" in
                                       p.read_text(errors="replace") for p in out.rglob("*") if p.is_file())


def test_links_that_stay_in_the_repository_still_work(repo, tmp_path):
    work = tmp_path / "work"
    shutil.copytree(repo, work, symlinks=True)
    (work / "README.md").write_text("# Read me\n")
    docs = work / "site" / "docs"
    docs.mkdir(parents=True, exist_ok=True)  # the repository's own site sources (site/mkdocs.yml, docs/)
    os.symlink("../../README.md", docs / "readme.md")
    done = build(work, tmp_path / "out")
    assert done.returncode == 0, done.stderr
    assert "Read me" in (tmp_path / "out" / "readme" / "index.html").read_text()
