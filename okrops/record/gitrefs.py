"""The one way okrops runs ``git`` with values from users, files or options.

Every revision a user or a file gives (``okrops diff BASE HEAD``, a ``--base``, a branch or
remote name) reaches git after ``--end-of-options`` and every path after ``--``, with
``--literal-pathspecs`` so a path is never a pathspec pattern: git cannot read any of them as
an option (``--output=...``, ``--upload-pack=...``, ``--exec=...``). No shell is involved, so
``$(...)`` and ``;`` are just characters. Revisions are also checked before git sees them:
not empty, not starting with ``-``, no control characters, and resolved with
``git rev-parse --verify --end-of-options REV^{commit}``; branch names are checked with
``git check-ref-format --branch``; remote names must be configured remotes.

Every failure is a :class:`GitError` (an :class:`~okrops.errors.OkropsError`) with a message
that says what to do.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import Iterable, Optional

from okrops.errors import OkropsError


class GitError(OkropsError):
    """git is missing, the folder is not a git repository, or a ref does not exist."""


class GitMissing(GitError):
    """git is not installed or not on PATH."""


_CONTROL = re.compile("[\x00-\x1f\x7f]")


def _check_value(value: str, what: str) -> str:
    """``value`` when git can be given it as an argument; a clear error otherwise."""
    if not isinstance(value, str) or not value:
        raise GitError(f"an empty {what} was given")
    if _CONTROL.search(value):
        from okrops.safetext import terminal_line

        raise GitError(f"the {what} {terminal_line(repr(value))} holds a control character; check the name")
    return value


def git(cwd: str | os.PathLike, *options: str, revs: Iterable[str] = (), paths: Iterable[str] = (),
        binary: bool = False, stdin: Optional[bytes] = None) -> str | bytes:
    """Run ``git OPTIONS --end-of-options REVS -- PATHS`` in ``cwd`` and return its output.

    ``options`` are okrops' own fixed words (the subcommand and its flags), never user text.
    ``revs`` (revisions, ref names, remote names) follow ``--end-of-options`` and ``paths``
    follow ``--``, so git never reads a value as an option whatever it starts with.
    """
    revs, paths = list(revs), list(paths)
    for value in revs:
        _check_value(value, "git revision")
    for value in paths:
        _check_value(value, "path")
    args = ["git", "--literal-pathspecs", *options]
    if revs:
        args += ["--end-of-options", *revs]
    if paths:
        args += ["--", *paths]
    try:
        proc = subprocess.run(args, cwd=cwd, capture_output=True, check=False, input=stdin)
    except FileNotFoundError:
        raise GitMissing("git is not installed or not on PATH") from None
    except NotADirectoryError:
        raise GitError(f"{cwd} is not a folder") from None
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        # git's own verdict is its first fatal:/error: line; the lines after it are advice ("Please make sure ...").
        verdict = next((line for line in message if line.startswith(("fatal:", "error:"))),
                       message[-1] if message else "")
        shown = " ".join([*options, *revs, *(["--", *paths] if paths else [])])
        raise GitError(f"git {shown}: {verdict or 'failed'}")
    return proc.stdout if binary else proc.stdout.decode("utf-8", "replace")


def toplevel(path: str | os.PathLike) -> Optional[Path]:
    """The root of the git work tree holding ``path``, or None outside git."""
    try:
        out = git(path, "rev-parse", "--show-toplevel")
    except GitError:
        return None
    return Path(str(out).strip()).resolve()


def inside_work_tree(folder: str | os.PathLike) -> bool:
    """True when ``folder`` is inside a git work tree (or git is missing: nothing to set up)."""
    try:
        return str(git(folder, "rev-parse", "--is-inside-work-tree")).strip() == "true"
    except GitMissing:
        return True
    except GitError:
        return False


def check_revision(ref: str) -> str:
    """``ref`` when it can name a revision; a clear error for a value that looks like an option."""
    _check_value(ref, "git revision")
    if ref.startswith("-"):
        from okrops.safetext import terminal_line

        raise GitError(f"{terminal_line(repr(ref))} is not a git revision (it starts with '-'); "
                       "name a branch, tag or commit")
    return ref


def verify(cwd: str | os.PathLike, ref: str) -> str:
    """Full commit id of ``ref``; a clear error when it is not a commit."""
    from okrops.safetext import terminal_line

    check_revision(ref)
    try:
        return str(git(cwd, "rev-parse", "--verify", "--quiet", revs=[f"{ref}^{{commit}}"])).strip()
    except GitError:
        raise GitError(f"{terminal_line(repr(ref))} is not a commit in this repository{_closest_ref(cwd, ref)}; fetch "
                       "it (git fetch origin) or check the name (actions/checkout needs fetch-depth: 0)") from None


def _closest_ref(cwd: str | os.PathLike, ref: str) -> str:
    """`` (did you mean 'x'?)`` naming the branches and tags nearest to ``ref``, or ""."""
    from okrops.references import did_you_mean
    from okrops.safetext import terminal_line

    try:
        names = str(git(cwd, "for-each-ref", "--format=%(refname:short)", "refs/heads", "refs/tags",
                        "refs/remotes")).split()
    except GitError:
        return ""
    return terminal_line(did_you_mean(ref, names))


def check_branch(cwd: str | os.PathLike, name: str) -> str:
    """``name`` when it is a valid new branch name (``git check-ref-format --branch``); else a clear error."""
    from okrops.safetext import terminal_line

    _check_value(name, "branch name")
    if name.startswith("-"):
        raise GitError(f"{terminal_line(repr(name))} is not a valid branch name (it starts with '-')")
    try:
        git(cwd, "check-ref-format", "--branch", name)
    except GitError:
        raise GitError(f"{terminal_line(repr(name))} is not a valid branch name (see git check-ref-format); "
                       "use letters, digits, '-', '_', '.' and '/'") from None
    return name


def check_remote(cwd: str | os.PathLike, name: str) -> str:
    """``name`` when it is a remote configured in the repository; else a clear error naming the remotes."""
    from okrops.safetext import terminal_line

    _check_value(name, "remote name")
    remotes = str(git(cwd, "remote")).split()
    if name not in remotes:
        known = ", ".join(remotes) or "none"
        raise GitError(f"{terminal_line(repr(name))} is not a remote of this repository (remotes: {known}); "
                       "add it with git remote add NAME URL")
    return name


def default_branch(cwd: str | os.PathLike) -> str:
    """The default branch: origin's HEAD, else origin/main, origin/master, main, master."""
    try:
        head = str(git(cwd, "symbolic-ref", "--quiet", revs=["refs/remotes/origin/HEAD"])).strip()
        if head:
            return head.removeprefix("refs/remotes/")
    except GitError:
        pass
    for candidate in ("origin/main", "origin/master", "main", "master"):
        try:
            git(cwd, "rev-parse", "--verify", "--quiet", revs=[f"{candidate}^{{commit}}"])
            return candidate
        except GitError:
            continue
    raise GitError("cannot find the default branch (no origin/HEAD, main or master); pass the base ref explicitly")


def merge_base(cwd: str | os.PathLike, a: str, b: str = "HEAD") -> str:
    revs = [check_revision(a), check_revision(b)]
    try:
        return str(git(cwd, "merge-base", revs=revs)).strip()
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
    listing = bytes(git(cwd, "ls-tree", "-r", "-z", "--full-tree", revs=[commit], paths=[subdir or "."], binary=True))
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
    data = bytes(git(cwd, "cat-file", "--batch", binary=True, stdin="".join(f"{sha}\n" for sha, _ in entries).encode()))
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
