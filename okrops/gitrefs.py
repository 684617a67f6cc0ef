"""Small, safe helpers over the real ``git`` command: resolve refs and materialise ``okrs/`` at a ref.

Used by :mod:`okrops.diff` and :mod:`okrops.codeowners`. Every failure is an
:class:`~okrops.errors.OkropsError` with a message that says what to do.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Optional

from okrops.errors import OkropsError


class GitError(OkropsError):
    """git is missing, the folder is not a git repository, or a ref does not exist."""


def git(cwd: str | os.PathLike, *args: str, binary: bool = False) -> str | bytes:
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError:
        raise GitError("git is not installed or not on PATH") from None
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {' '.join(args)}: {message[-1] if message else 'failed'}")
    return proc.stdout if binary else proc.stdout.decode("utf-8", "replace")


def toplevel(path: str | os.PathLike) -> Optional[Path]:
    """The root of the git work tree holding ``path``, or None outside git."""
    try:
        out = git(path, "rev-parse", "--show-toplevel")
    except GitError:
        return None
    return Path(str(out).strip()).resolve()


def verify(cwd: str | os.PathLike, ref: str) -> str:
    """Full commit id of ``ref``; a clear error when it is not a commit."""
    if ref.startswith("-"):
        raise GitError(f"{ref!r} is not a git ref")
    try:
        return str(git(cwd, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")).strip()
    except GitError:
        raise GitError(f"{ref!r} is not a commit in this repository; fetch it (git fetch origin) "
                       "or check the name (actions/checkout needs fetch-depth: 0)") from None


def default_branch(cwd: str | os.PathLike) -> str:
    """The default branch: origin's HEAD, else origin/main, origin/master, main, master."""
    try:
        head = str(git(cwd, "symbolic-ref", "--quiet", "refs/remotes/origin/HEAD")).strip()
        if head:
            return head.removeprefix("refs/remotes/")
    except GitError:
        pass
    for candidate in ("origin/main", "origin/master", "main", "master"):
        try:
            git(cwd, "rev-parse", "--verify", "--quiet", f"{candidate}^{{commit}}")
            return candidate
        except GitError:
            continue
    raise GitError("cannot find the default branch (no origin/HEAD, main or master); pass the base ref explicitly")


def merge_base(cwd: str | os.PathLike, a: str, b: str = "HEAD") -> str:
    try:
        return str(git(cwd, "merge-base", a, b)).strip()
    except GitError:
        raise GitError(f"{a} and {b} have no common history; pass the base ref explicitly "
                       "(actions/checkout needs fetch-depth: 0)") from None


def extract(cwd: str | os.PathLike, ref: str, subdir: str, dest: Path) -> bool:
    """Write the files under ``subdir`` (relative to the top level) at ``ref`` into ``dest``.

    Reads the tree with one ``git ls-tree`` and the blobs with one ``git cat-file --batch``
    (so .gitattributes export rules do not apply). Returns False when ``subdir`` does not
    exist at that ref. Only regular files are written, and only inside ``dest``; symbolic
    links and submodules are left out (the loader refuses them anyway).
    """
    commit = verify(cwd, ref)
    subdir = subdir.strip("/")
    listing = bytes(git(cwd, "ls-tree", "-r", "-z", "--full-tree", commit, "--", subdir or ".", binary=True))
    entries: list[tuple[str, str]] = []
    for record in listing.split(b"\0"):
        if not record:
            continue
        meta, _tab, name = record.partition(b"\t")
        mode, kind, sha = meta.decode().split(" ")
        if kind == "blob" and mode in ("100644", "100755"):
            entries.append((sha, name.decode("utf-8", "surrogateescape")))
    if not entries:
        return False
    try:
        proc = subprocess.run(["git", "cat-file", "--batch"], cwd=cwd, check=True, capture_output=True,
                              input="".join(f"{sha}\n" for sha, _ in entries).encode())
    except subprocess.CalledProcessError as exc:
        raise GitError(f"git cat-file: {exc.stderr.decode('utf-8', 'replace').strip()}") from None
    data = proc.stdout
    dest = dest.resolve()
    offset = 0
    for _sha, name in entries:
        header_end = data.index(b"\n", offset)
        size = int(data[offset:header_end].split(b" ")[2])
        content = data[header_end + 1:header_end + 1 + size]
        offset = header_end + 1 + size + 1
        target = (dest / name).resolve()
        if dest not in target.parents:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    return True
