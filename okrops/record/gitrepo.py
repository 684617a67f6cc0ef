"""A git work tree seen through git's own plumbing: where its data lives, who commits, HEAD, status, names.

Used by :mod:`okrops.record.gitcommit` (the check-in transaction) and :mod:`okrops.record.checkin`.
Every value that reaches a git command line is passed so that git cannot read it
as an option: paths after ``--``, ref names checked with ``git check-ref-format``,
remotes after ``--end-of-options``.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from okrops.errors import OkropsError, UsageError

_IN_PROGRESS = (("MERGE_HEAD", "a merge"), ("rebase-merge", "a rebase"), ("rebase-apply", "a rebase or am"),
                ("REBASE_HEAD", "a rebase"), ("CHERRY_PICK_HEAD", "a cherry-pick"), ("REVERT_HEAD", "a revert"),
                ("BISECT_LOG", "a bisect"))
DISK_FULL = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
IDENTITY_ADVICE = """{who} identity unknown

*** Please tell me who you are.

Run

  git config --global user.email "you@example.com"
  git config --global user.name "Your Name"

to set your account's default identity.
Omit --global to set the identity only in this repository.

(okrops needs a name and an e-mail set explicitly, like git commit; it never makes one up from the
user and host names.)"""


class RepositoryStateError(OkropsError):
    """The repository is not in a state where committing is safe; nothing was written (exit 2)."""


class CommitError(OkropsError):
    """The commit failed (git, a hook, the disk); everything was put back (exit 1)."""

    exit_code = 1


@dataclass
class Repo:
    """Where a work tree's git data lives; :meth:`git` runs git there."""

    toplevel: Path
    git_dir: Path
    common_dir: Path
    index: Path
    config: dict[str, str] = field(default_factory=dict)

    def git(self, *args: str, env: Optional[dict] = None, input: Optional[bytes] = None,
            check: bool = True) -> subprocess.CompletedProcess:
        full_env = {**os.environ, **env} if env else None
        try:
            proc = subprocess.run(["git", *args], cwd=self.toplevel, env=full_env, input=input,
                                  capture_output=True, check=False)
        except FileNotFoundError:
            raise RepositoryStateError("git is not installed or not on PATH") from None
        except OSError as exc:
            raise CommitError(os_error_text(exc, "cannot run git")) from None
        if check and proc.returncode != 0:
            raise CommitError(git_failure(args, proc))
        return proc

    def out(self, *args: str, **kwargs) -> str:
        return self.git(*args, **kwargs).stdout.decode("utf-8", "surrogateescape")


def git_failure(args, proc: subprocess.CompletedProcess) -> str:
    text = proc.stderr.decode("utf-8", "replace").strip() or proc.stdout.decode("utf-8", "replace").strip()
    lines = [line for line in text.splitlines() if line.strip()]
    lines = lines[:1] + lines[-3:] if len(lines) > 4 else lines  # git's first line says what failed
    detail = "; ".join(lines) if lines else f"exit status {proc.returncode}"
    if proc.returncode == -getattr(signal, "SIGXFSZ", 0):
        detail += " (git was stopped: a file grew past the file size limit, ulimit -f)"
    elif proc.returncode < 0:
        detail += f" (git was stopped by signal {-proc.returncode})"
    if any(s in text for s in ("No space left", "Out of diskspace", "File too large", "Disk quota")):
        detail += " (the disk is full: free some space, then check in again)"
    return f"git {args[0]}: {detail}"


def os_error_text(exc: OSError, what: str) -> str:
    text = f"{what}: {exc.strerror or exc}"
    if exc.errno in DISK_FULL:
        text += " (the disk is full: free some space, then check in again)"
    return text


def discover(path: str | os.PathLike) -> Repo:
    """The git work tree holding ``path``, with its own config (identity, hooks) read once."""
    try:
        proc = subprocess.run(["git", "rev-parse", "--show-toplevel", "--absolute-git-dir", "--git-common-dir",
                               "--git-path", "index"], cwd=path, capture_output=True, check=False)
    except FileNotFoundError:
        raise RepositoryStateError("git is not installed or not on PATH") from None
    error = proc.stderr.decode("utf-8", "replace").strip()
    if proc.returncode != 0 or len(proc.stdout.splitlines()) != 4:
        if "not a git repository" in error:
            raise RepositoryStateError(f"{path} is not in a git repository: check-ins are commits; run 'git init' first")
        if "work tree" in error:
            raise RepositoryStateError(f"{path} is not in a git work tree: check in from a clone with its files")
        raise RepositoryStateError(f"git: {error.splitlines()[-1] if error else 'cannot read the repository'}")
    top, git_dir, common, index = (os.fsdecode(line) for line in proc.stdout.splitlines())
    base = Path(path).resolve()
    repo = Repo(Path(top), Path(git_dir), (base / common).resolve(), base / index)
    repo.config = _read_config(repo)
    return repo


def _read_config(repo: Repo) -> dict[str, str]:
    """The identity and hook settings, in one ``git config`` call (the last value of a key wins, as in git)."""
    proc = repo.git("config", "-z", "--get-regexp",
                    r"^(user|author|committer)\.(name|email)$|^core\.hookspath$|^hook\.", check=False)
    config: dict[str, str] = {}
    for record in proc.stdout.decode("utf-8", "surrogateescape").split("\0"):
        if record:
            key, _newline, value = record.partition("\n")
            config[key.lower()] = value
    return config


def identity(repo: Repo, author: Optional[tuple[str, str]] = None, author_date: Optional[str] = None,
             commit_date: Optional[str] = None, author_only: bool = False) -> dict[str, str]:
    """The environment that pins a commit's author and committer; refuse when git has no explicit identity.

    Without ``author``: git's own sources, in git's order (GIT_AUTHOR_NAME, author.name,
    user.name; GIT_AUTHOR_EMAIL, author.email, user.email, EMAIL; the same for the
    committer). What git would guess from the user and host names is never used. With
    ``author`` it is both, unless ``author_only``: then the committer is git's own (a bot
    recording someone else's check-in).
    """
    env: dict[str, str] = {}
    for role in ("author", "committer"):
        if author is not None and (role == "author" or not author_only):
            name, email = author
        else:
            upper = role.upper()
            name = os.environ.get(f"GIT_{upper}_NAME") or repo.config.get(f"{role}.name") or repo.config.get("user.name")
            email = (os.environ.get(f"GIT_{upper}_EMAIL") or repo.config.get(f"{role}.email")
                     or repo.config.get("user.email") or os.environ.get("EMAIL"))
        if not (name or "").strip() or not (email or "").strip():
            raise RepositoryStateError(IDENTITY_ADVICE.format(who=role.capitalize()))
        env[f"GIT_{role.upper()}_NAME"] = str(name)
        env[f"GIT_{role.upper()}_EMAIL"] = str(email)
    if author_date:
        env["GIT_AUTHOR_DATE"] = author_date
    if commit_date:
        env["GIT_COMMITTER_DATE"] = commit_date
    return env


def check_branch_name(repo: Repo, name: str) -> None:
    """A new branch name git accepts as it is (no ``@{-1}`` expansion, no option); refuse an existing one."""
    problem = not name or name.startswith("-") or name == "HEAD" or any(not c.isprintable() for c in name)
    if not problem:
        proc = repo.git("check-ref-format", "--branch", name, check=False)
        problem = proc.returncode != 0 or proc.stdout.decode("utf-8", "replace").strip() != name
    if problem:
        raise UsageError(f"invalid branch name {name!r}: use letters, digits and -, _, /, . "
                         "(git check-ref-format --branch says what git accepts)")
    if repo.git("rev-parse", "--verify", "--quiet", f"refs/heads/{name}", check=False).returncode == 0:
        raise UsageError(f"branch {name!r} already exists: pick a new name for this check-in's pull request")


def check_remote(repo: Repo, remote: str) -> None:
    """A configured remote's name, or a URL or path that git cannot read as an option."""
    if not remote or remote.startswith("-") or any(not c.isprintable() for c in remote):
        raise UsageError(f"invalid remote {remote!r}: give the name of a remote (git remote -v lists them) "
                         "or a repository URL or path; it cannot start with '-'")


def push(repo: Repo, remote: str, branch: str) -> str:
    """Push ``branch`` to ``remote`` and set it as upstream; the error text, or '' when it worked."""
    check_remote(repo, remote)
    proc = repo.git("push", "--set-upstream", "--end-of-options", remote,
                    f"refs/heads/{branch}:refs/heads/{branch}", check=False)
    if proc.returncode == 0:
        return ""
    return proc.stderr.decode("utf-8", "replace").strip() or f"git push: exit status {proc.returncode}"


@dataclass(frozen=True)
class Head:
    oid: str
    ref: Optional[str]  # the branch HEAD points at (refs/heads/...), None when detached

    @property
    def name(self) -> str:
        return self.ref or "HEAD"


def read_head(repo: Repo) -> Head:
    proc = repo.git("rev-parse", "HEAD", "--symbolic-full-name", "HEAD", "--", check=False)
    lines = proc.stdout.decode("utf-8", "replace").split()
    if proc.returncode != 0 or len(lines) < 2:
        raise RepositoryStateError("the repository has no commit yet: commit the OKR files first, then check in")
    return Head(lines[0], None if lines[1] == "HEAD" else lines[1])


def operation_in_progress(repo: Repo) -> Optional[str]:
    for marker, what in _IN_PROGRESS:
        if (repo.git_dir / marker).exists():
            return what
    return None


def require_clean(repo: Repo, paths: list[str]) -> None:
    """Refuse when a file is not exactly as committed (staged, modified, or not committed at all)."""
    proc = repo.git("--no-optional-locks", "--literal-pathspecs", "status", "--porcelain=v1", "-z",
                    "--untracked-files=all", "--", *paths)
    dirty = [f"{entry[3:]} ({_status_words(entry[:2])})"
             for entry in proc.stdout.decode("utf-8", "replace").split("\0") if len(entry) > 3]
    if dirty:
        raise RepositoryStateError(
            "uncommitted changes in " + ", ".join(dirty) + ": a check-in commits whole files, so commit or "
            "discard those changes first (git diff shows them)")


def _status_words(code: str) -> str:
    if code == "??":
        return "not committed yet"
    words = []
    if code[0] not in " ?":
        words.append("staged")
    if code[1] not in " ?":
        words.append("modified")
    return " and ".join(words) or "changed"
