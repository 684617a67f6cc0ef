"""The history cache: what was read from git, kept in ``.git/okrops/history.cache``.

Commits never change, so what was read at a commit stays true: the next read
asks git only for the commits since (``<cached tip>..<tip>``), verifies those
and puts them in front of the cached rows. A history that was rewritten (the
cached tip is no longer an ancestor) is read again in full.
``OKROPS_NO_CACHE=1`` turns the cache off.

The cache is keyed by :func:`code_key`, a hash of the code that reads the history
(this module, the reader, git's parsing, the file values, the unit states and the
loaders they use), the versions of PyYAML and Python, and okrops' version: an
upgrade, or any edit of that code, reads the history again instead of trusting rows
an older reader wrote.
"""

from __future__ import annotations

import marshal
import os
import subprocess
from functools import lru_cache
from pathlib import Path
from typing import Optional

from okrops.record import gitlog
from okrops.record.historyread import COMMIT, Rows, read_rows as _read_range

CACHE_VERSION = 5  # 2: verified check-ins, unverified entries, warnings and privacy at the time; 3: appearances;
# 4: ordinal key results' levels read as their positions; 5: keyed by the reading code (code_key)
CACHE_FILE = "okrops/history.cache"
# What the rows depend on besides the commits: okrops' files that read them (relative to the package).
CODE_FILES = ("record/historycache.py", "record/historyread.py", "record/historyplan.py", "record/gitlog.py",
              "record/filevalues.py", "record/unitstates.py", "yamlio.py", "numbers.py", "model.py")


@lru_cache(maxsize=None)
def code_key() -> str:
    """A hash of everything cached rows depend on besides the commits: the reading code and library versions."""
    import yaml

    from okrops import __version__, cache

    return cache.digest(cache.python_tag(), __version__,
                        f"PyYAML {yaml.__version__} libyaml {getattr(yaml, '__with_libyaml__', False)}",
                        *cache.source_files(*CODE_FILES))[:24]


def okrs_prefix(toplevel: str, okrs_dir) -> str:
    """The OKR folder relative to the top of the working tree ("" when it is the top)."""
    try:
        prefix = Path(os.path.realpath(okrs_dir)).relative_to(os.path.realpath(toplevel)).as_posix()
    except ValueError:
        prefix = "."
    return "" if prefix == "." else prefix


def read_rows(repo_root, okrs_dir, rev: str = "HEAD") -> Optional[Rows]:
    """Rows of every commit reachable from ``rev`` (newest first); None outside git."""
    import gc

    collecting = gc.isenabled()
    gc.disable()  # 100,000s of small lists and no cycles: collection passes would only cost time
    try:
        return _read_rows(repo_root, okrs_dir, rev)
    finally:
        if collecting:
            gc.enable()


def read_range(toplevel: str, revisions: list[str], prefix: str) -> Rows:
    """:func:`okrops.record.historyread.read_rows`, reported as a stage of :mod:`okrops.progress`."""
    from okrops import progress

    work = progress.current()
    work.stage("reading the check-in history from git", unit="commits")
    try:
        return _read_range(toplevel, revisions, prefix, work.advance)
    finally:
        work.done()


def _read_rows(repo_root, okrs_dir, rev: str) -> Optional[Rows]:
    found = where(repo_root, rev)
    if found is None:
        return None
    toplevel, git_dir, tip = found
    if tip is None:
        return Rows()
    if rev != "HEAD":
        return _rows_at(repo_root, okrs_dir, toplevel, tip)
    prefix = okrs_prefix(toplevel, okrs_dir)
    if os.environ.get("OKROPS_NO_CACHE", "") not in ("", "0"):
        return read_range(toplevel, [tip], prefix)
    path = Path(git_dir) / CACHE_FILE if git_dir else None
    key = (code_key(), prefix)
    cached = _load(path, key) if path else None
    if cached is not None and cached[0] == tip:
        return cached[1]
    if cached is not None and is_ancestor(toplevel, cached[0], tip):
        newer = read_range(toplevel, [f"{cached[0]}..{tip}"], prefix)
        old = cached[1]
        rows = Rows(newer.checkins + old.checkins, newer.unverified + old.unverified, newer.warnings + old.warnings,
                    newer.appeared + old.appeared)
    else:
        rows = read_range(toplevel, [tip], prefix)
    if path:
        _save(path, key, tip, rows)
    return rows


def where(repo_root, rev: str) -> Optional[tuple[str, Optional[str], Optional[str]]]:
    """(work tree, git folder, ``rev``'s commit or None) in one git process; None outside git."""
    try:
        done = subprocess.run(["git", "rev-parse", "--show-toplevel", "--absolute-git-dir", "--verify", "--quiet",
                               "--end-of-options", f"{rev}^{{commit}}"], cwd=repo_root, capture_output=True,
                              text=True, check=False)
    except OSError:
        return None
    lines = done.stdout.splitlines()
    if len(lines) < 2 or not lines[0]:
        return None  # not in a work tree (git prints nothing, or a bare repository's folder only)
    return lines[0], lines[1], lines[2] if done.returncode == 0 and len(lines) > 2 else None


def _rows_at(repo_root, okrs_dir, toplevel: str, tip: str) -> Rows:
    """The rows of the commits reachable from ``tip``, an older commit (time travel).

    When ``tip`` is in HEAD's history, HEAD's rows (from the cache, brought up to date as
    usual) are cut down to the commits reachable from ``tip``: what was read at a commit
    stays true. Otherwise, or without the cache, ``tip``'s history is read on its own; the
    cache stays HEAD's either way.
    """
    head = gitlog.rev_parse(toplevel, "--verify", "--quiet", "HEAD^{commit}")
    cached = os.environ.get("OKROPS_NO_CACHE", "") in ("", "0")
    if head is None or not cached or not is_ancestor(toplevel, tip, head):
        return read_range(toplevel, [tip], okrs_prefix(toplevel, okrs_dir))
    rows = _read_rows(repo_root, okrs_dir, "HEAD")
    if head == tip:
        return rows
    reachable = set(gitlog.run_git(toplevel, ["rev-list", tip, "--"]).decode().split())
    return Rows([r for r in rows.checkins if r[COMMIT] in reachable],
                [r for r in rows.unverified if r[COMMIT] in reachable],
                [w for w in rows.warnings if w[0] in reachable], [a for a in rows.appeared if a[2] in reachable])


def is_ancestor(toplevel: str, older: str, newer: str) -> bool:
    done = subprocess.run(["git", "merge-base", "--is-ancestor", older, newer], cwd=toplevel, capture_output=True)
    return done.returncode == 0


def _load(path: Path, key: tuple) -> Optional[tuple[str, Rows]]:
    try:
        data = marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return None
    if not isinstance(data, tuple) or len(data) != 7 or data[0] != CACHE_VERSION or data[1] != key:
        return None
    if not all(isinstance(part, list) for part in data[3:]) or not isinstance(data[2], str):
        return None
    return data[2], Rows(data[3], data[4], data[5], data[6])


def _save(path: Path, key: tuple, tip: str, rows: Rows) -> None:
    """Keep ``rows`` (of ``tip``'s history) at ``path``; a read-only repository keeps none, with the same answers."""
    from okrops import cache

    try:
        data = marshal.dumps((CACHE_VERSION, key, tip, rows.checkins, rows.unverified, rows.warnings, rows.appeared))
    except ValueError:
        return
    cache.write_file(path, (data,))
