"""The site's output folder: never one that holds anything of the user's.

A build empties its output folder first (MkDocs deletes every entry in it except hidden
ones), so the folder must be one okrops may empty: a new or empty folder, or a previous
okrops build, recognised by the marker file every build writes into it. The marker lists
the files that build wrote, so a file put there since (a note saved into the site folder)
is not deleted by the next build: the build is refused and names it. Anything else is
refused before a single file is touched: the repository root or a folder holding it,
anything inside ``okrs/``, ``.git`` or the site sources, a folder holding a git
repository, an OKR repository, an ``mkdocs.yml`` or files okrops did not write (hidden
ones included: a folder of dotfiles, such as a home folder, is somebody's).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable, Optional

from okrops.errors import OkropsError

MARKER = ".okrops-build"
MARKER_TEXT = (
    "This folder is a static OKR site built by okrops (okrops site build, or mkdocs build with the\n"
    "okrops plugin). Every build deletes everything in it (hidden files excepted) and writes the\n"
    "site again: keep nothing of your own here. okrops builds only into an empty folder or one\n"
    "holding this file.\n"
)
# Built before the marker existed: the okrops stylesheet and a home page are in every okrops build.
_LEGACY_SIGNS = ("assets/okrops/okrops.css", "index.html")
_EXAMPLES = 3
# Hidden files that say nothing about whose a folder is (file managers, placeholders); any other makes it somebody's.
_HARMLESS = {".DS_Store", ".gitkeep", ".keep", ".nojekyll", ".directory"}
_COMPLETE = "complete: yes"
_FILE = "file: "


class OutputRefused(OkropsError):
    """The output folder holds, or is, something okrops must not delete."""


def check_output_dir(out: str | os.PathLike, repo: str | os.PathLike, okrs_dir: str | os.PathLike,
                     sources: Iterable[str | os.PathLike] = ()) -> None:
    """Raise :class:`OutputRefused` unless a build may empty ``out`` and write the site there.

    ``sources`` are the site's source folders and files (the folder of mkdocs.yml, docs_dir,
    the theme's custom_dir, mkdocs.yml itself): the output may be none of them, lie in none
    of them and hold none of them.
    """
    target = Path(out).resolve()
    problem = _placement_problem(target, Path(repo).resolve(), Path(okrs_dir).resolve(),
                                 [Path(s).resolve() for s in sources])
    if problem is None:
        problem = _content_problem(target)
    if problem is not None:
        raise OutputRefused(f"cannot build the site into {target}: {problem}. A build deletes everything in its "
                            "output folder; choose a new or empty folder, or one a previous okrops build wrote "
                            f"(it holds {MARKER}). Nothing was written.")


def _placement_problem(target: Path, repo: Path, okrs_dir: Path, sources: list[Path]) -> Optional[str]:
    if target == repo:
        return "it is the repository root"
    if _within(repo, target):
        return "it holds the OKR repository"
    if _within(target, okrs_dir):
        return f"it is inside {okrs_dir.name}/, where the OKRs are"
    if _within(target, repo / ".git"):
        return "it is inside .git"
    for source in sources:
        if source == repo:
            continue
        if _within(target, source):
            return f"it is inside the site sources ({source})"
        if _within(source, target):
            return f"it holds the site sources ({source})"
    return None


def _content_problem(target: Path) -> Optional[str]:
    if not target.exists():
        return None
    if not target.is_dir():
        return "it is not a folder"
    try:
        names = sorted(os.listdir(target))
    except OSError as exc:
        return f"it cannot be read ({exc.strerror})"
    if ".git" in names:
        return "it holds a git repository (.git)"
    if (target / "okrs" / "okrops.yaml").exists():
        return "it holds an OKR repository (okrs/okrops.yaml)"
    if "mkdocs.yml" in names:
        return "it holds site sources (mkdocs.yml)"
    if MARKER in names and not (target / MARKER).is_file():
        return f"{MARKER} in it is not the marker file okrops writes"
    visible = [n for n in names if not n.startswith(".")]  # a build leaves hidden entries alone
    if (target / MARKER).is_file():
        written = _written(target / MARKER)
        foreign = [] if written is None else [f for f in _files(target, visible) if f not in written]
    elif visible and is_okrops_build(target):
        foreign = []  # built before the marker existed
    else:
        foreign = visible or [n for n in names if n.startswith(".") and n not in _HARMLESS]
    if not foreign:
        return None
    shown = ", ".join(foreign[:_EXAMPLES]) + (", ..." if len(foreign) > _EXAMPLES else "")
    return f"it holds files okrops did not write ({shown})"


def _files(target: Path, visible: list[str]) -> list[str]:
    """Every file and link a build would delete (below the visible entries), relative, in posix form."""
    found = []
    for name in visible:
        top = target / name
        if top.is_symlink() or not top.is_dir():
            found.append(name)
            continue
        for folder, dirs, files in os.walk(top):
            rel = Path(folder).relative_to(target).as_posix()
            found += [f"{rel}/{f}" for f in files]
            found += [f"{rel}/{d}" for d in dirs if os.path.islink(os.path.join(folder, d))]
    return sorted(found)


def _written(marker: Path) -> Optional[set[str]]:
    """The files the last build listed in its marker; None when it did not finish (or wrote no list)."""
    try:
        lines = marker.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    if _COMPLETE not in lines:
        return None
    return {line[len(_FILE):] for line in lines if line.startswith(_FILE)}


def is_okrops_build(folder: Path) -> bool:
    """True if ``folder`` is the output of an okrops build (it holds the marker file)."""
    if (folder / MARKER).is_file():
        return True
    return all((folder / sign).is_file() for sign in _LEGACY_SIGNS)


def mark_output_dir(out: str | os.PathLike, complete: bool = False) -> None:
    """Write the marker that tells a later build this folder is okrops' own.

    Before a build (``complete`` False) it says only that (a build that stops half-way leaves no
    list, and the next build may empty the folder); after the build it also lists every file
    the build wrote, so that a later build can tell them from files put there since.
    """
    target = Path(out)
    target.mkdir(parents=True, exist_ok=True)
    marker = target / MARKER
    text = MARKER_TEXT
    if complete:
        visible = sorted(n for n in os.listdir(target) if not n.startswith("."))
        text += "\n" + _COMPLETE + "\n" + "".join(f"{_FILE}{f}\n" for f in _files(target, visible))
    if not marker.is_file() or marker.read_text(encoding="utf-8", errors="replace") != text:
        marker.write_text(text, encoding="utf-8")


def leaving_the_repository(sources: Iterable[str], docs_dir: str | os.PathLike,
                           repo: str | os.PathLike) -> list[str]:
    """The site source files that are reached through a symbolic link leading out of the repository (and of
    the site's own sources) or into its ``.git``: MkDocs would copy what they point at (``/proc/self/environ``,
    a key, a remote URL with its token) into the site."""
    docs, root = Path(docs_dir).resolve(), Path(repo).resolve()
    leaving = []
    for source in sources:
        real = Path(source).resolve()
        if _within(real, root / ".git") or not (_within(real, docs) or _within(real, root)):
            leaving.append(os.path.relpath(source, docs_dir))
    return sorted(leaving)


def _within(path: Path, folder: Path) -> bool:
    """``path`` is ``folder`` or lies below it."""
    return path == folder or folder in path.parents
