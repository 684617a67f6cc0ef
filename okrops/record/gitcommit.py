"""Commit new contents of a few files to a branch atomically, on git's own plumbing.

:func:`commit_files` is a transaction: it lands whole (the files, the index, the
commit and the branch agree) or leaves the repository exactly as it was. Under
okrops' own lock (:mod:`okrops.record.gitlock`), with SIGINT, SIGTERM and SIGHUP held off:

1. read HEAD once (its commit, and the branch it points at);
2. the caller's ``prepare`` checks its files are clean against that commit, reads
   them and returns their new contents and the commit message;
3. write the blobs (``git hash-object -w``, through each path's clean filters) and a
   tree from a private index based on HEAD (``read-tree``, ``update-index``): objects
   only, nothing anyone sees has changed yet;
4. take the real index's own lock (``index.lock``, git's protocol): when another git
   holds it, refuse with git's advice, nothing written; check the files and their
   index entries are still the ones read in 2;
5. write the working files, each through a temporary file and a rename, the original
   kept as a hard link (so undoing is a rename, which needs no disk space);
6. run the hooks ``git commit`` runs: pre-commit (on the private index, whose tree is
   written after it), prepare-commit-msg and commit-msg (on a message file);
7. ``git commit-tree`` with HEAD as the parent; the real index gets the new entries
   (``update-index`` on a copy, swapped in by a rename while index.lock is held);
8. move the branch with a compare-and-swap, ``git update-ref <ref> <new> <old>``: the
   point of no return. Files and index already match the new commit when HEAD moves;
9. drop the originals and index.lock; post-commit runs once the lock is released.

Any failure or signal before 8 puts everything back: the repository is exactly as
before, with no temporary file left (a disk that fills included). When the
compare-and-swap finds that another program moved the branch (a plain ``git
commit``, say), the attempt is undone and made again from the new HEAD, a few
times at most; okrops against okrops never races, the lock serialises them.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from okrops.record import gitjournal
from okrops.record.gitlock import DeferredSignals, checkin_lock, pause_for_tests
from okrops.record.gitrepo import (DISK_FULL, CommitError, Head, Repo, RepositoryStateError, git_failure,
                            operation_in_progress, os_error_text, read_head, require_clean)

RETRIES = 5
TEMP_PREFIX = "okrops-tmp-"
_REGULAR = ("100644", "100755")
INDEX_LOCK_ADVICE = """Unable to create '{path}': File exists.

Another git process seems to be running in this repository, e.g.
an editor opened by 'git commit'. Please make sure all processes
are terminated then try again. If it still fails, a git process
may have crashed in this repository earlier:
remove the file manually to continue.
Nothing was checked in."""


@dataclass
class Attempt:
    """What ``prepare`` sees: the repository and the HEAD this attempt builds on."""

    repo: Repo
    head: Head

    def require_clean(self, paths: list[str]) -> None:
        require_clean(self.repo, paths)

    def read(self, path: str) -> bytes:
        try:
            return (self.repo.toplevel / path).read_bytes()
        except OSError as exc:
            raise RepositoryStateError(f"cannot read {path}: {exc.strerror}") from None


@dataclass
class Content:
    """What to commit: new bytes per path (relative to the top level), as read, and the message."""

    files: dict[str, bytes]
    originals: dict[str, bytes]
    message: str
    subject: str
    # Given the message as the hooks left it, what is wrong with it (None: fine). Called only when a hook changed it.
    check_message: Optional[Callable[[str], Optional[str]]] = None


@dataclass
class Outcome:
    commit: str
    parent: str
    head: Head
    branch: Optional[str]
    attempts: int


def commit_files(repo: Repo, prepare: Callable[[Attempt], Content], *, ident: dict[str, str],
                 branch: Optional[str] = None, retries: int = RETRIES,
                 lock_timeout: Optional[float] = None) -> Outcome:
    """Commit what ``prepare`` returns on top of HEAD (or on a new ``branch``), all or nothing."""
    hooks = Hooks(repo)
    outcome: Optional[Outcome] = None
    moved = ""
    with DeferredSignals() as signals:
        with checkin_lock(repo.common_dir, lock_timeout, signals.checkpoint):
            _sweep(repo)
            pause_for_tests("locked", signals)
            for attempt in range(1, retries + 1):
                signals.checkpoint()
                head = read_head(repo)
                what = operation_in_progress(repo)
                if what:
                    raise RepositoryStateError(f"{what} is in progress in {repo.toplevel}: finish or abort it, "
                                               "then check in")
                content = prepare(Attempt(repo, head))
                transaction = _Transaction(repo, head, content, branch, ident, signals, hooks)
                try:
                    commit = transaction.run()
                finally:
                    transaction.finish()
                if commit:
                    outcome = Outcome(commit, head.oid, head, branch, attempt)
                    break
                moved = transaction.moved
                if os.environ.get("OKROPS_DEBUG"):
                    sys.stderr.write(f"okrops: {moved} moved during attempt {attempt}; trying again on top of it\n")
            if outcome is None:
                raise CommitError(f"{moved or 'the branch'} kept moving while checking in (another program "
                                  f"committed to it {retries} times in a row); try again")
        if signals.pending:  # it arrived past the point of no return: say what happened before it acts
            sys.stderr.write(f"okrops: checked in as {outcome.commit[:10]} before the interrupt took effect\n")
    hooks.run("post-commit", [], {**ident, "GIT_INDEX_FILE": str(repo.index)}, check=False)
    return outcome


def _sweep(repo: Repo) -> None:
    """Finish or undo a check-in that was killed (:mod:`okrops.record.gitjournal`), and remove its temporary
    files (only ever made under the lock we hold)."""
    def head_of() -> Optional[str]:
        proc = repo.git("rev-parse", "--verify", "--quiet", "HEAD", check=False)
        return proc.stdout.decode().strip() if proc.returncode == 0 else None

    def delete_ref(ref: str, oid: str) -> None:
        repo.git("update-ref", "-d", ref, oid, check=False)

    problems = gitjournal.recover(repo.git_dir, repo.index, head_of, delete_ref)
    if problems:
        sys.stderr.write("okrops: an earlier check-in was interrupted: " + "; ".join(problems) + "\n")
    try:
        names = [n for n in os.listdir(repo.git_dir) if n.startswith(TEMP_PREFIX)]
    except OSError:
        return
    for name in names:
        try:
            os.unlink(repo.git_dir / name)
        except OSError:
            pass


class Hooks:
    """The hooks git would run, found the way git finds them (``git hook run``, core.hooksPath)."""

    def __init__(self, repo: Repo):
        self.repo = repo
        self.configured = any(key.startswith("hook.") for key in repo.config)  # config-defined hooks (newer git)
        path = repo.config.get("core.hookspath")
        self.folder = repo.toplevel / os.path.expanduser(path) if path else repo.common_dir / "hooks"

    def exists(self, name: str) -> bool:
        return self.configured or os.path.lexists(self.folder / name)

    def run(self, name: str, args: list[str], env: dict[str, str], check: bool = True) -> None:
        if not self.exists(name):
            return
        proc = self.repo.git("hook", "run", "--ignore-missing", name, "--", *args, env=env, input=b"", check=False)
        if proc.returncode != 0 and b"is not a git command" in proc.stderr:  # git before 2.36
            proc = self._run_directly(name, args, env)
        output = (proc.stdout + proc.stderr).decode("utf-8", "replace").strip()
        if proc.returncode != 0 and check:
            raise CommitError(f"the {name} hook rejected it" + (f": {output}" if output else ""))
        if output:
            sys.stderr.write(output + "\n")

    def _run_directly(self, name: str, args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
        path = self.folder / name
        if not os.access(path, os.X_OK):
            return subprocess.CompletedProcess([str(path)], 0, b"", b"")
        return subprocess.run([str(path), *args], cwd=self.repo.toplevel, env={**os.environ, **env},
                              stdin=subprocess.DEVNULL, capture_output=True, check=False)


class _Transaction:
    """One attempt: steps 3 to 9 of the module docstring, and their undoing."""

    def __init__(self, repo: Repo, head: Head, content: Content, branch: Optional[str], ident: dict[str, str],
                 signals: DeferredSignals, hooks: Hooks):
        self.repo, self.head, self.content, self.branch = repo, head, content, branch
        self.ident, self.signals, self.hooks = ident, signals, hooks
        self.paths = list(content.files)
        self.temps: list[Path] = []  # removed whatever happens
        self.backups: dict[Path, Path] = {}  # working file -> hard link to its original
        self.replaced: list[Path] = []  # working files that hold the new content
        self.index_lock: Optional[Path] = None
        self.index_backup: Optional[Path] = None
        self.index_replaced = False
        self.private: Optional[Path] = None  # the private index the commit's tree is built in
        self.hook_staged = b""  # what the pre-commit hook staged besides our files (index-info records)
        self.landed = False
        self.moved = ""  # the ref another program moved, when the compare-and-swap lost
        self.journal = gitjournal.Journal(repo.git_dir, repo.index, head.name, head.oid, branch)

    def step(self, name: str) -> None:
        pause_for_tests(name, self.signals)
        self.signals.checkpoint()

    def temp_path(self, kind: str) -> Path:
        path = self.repo.git_dir / f"{TEMP_PREFIX}{kind}-{os.getpid()}-{os.urandom(4).hex()}"
        self.temps.append(path)
        return path

    def run(self) -> Optional[str]:
        """The new commit once the branch points at it; None when another program moved the branch first."""
        try:
            modes = self._modes()
            blobs = self._write_blobs()
            private = self._private_index(modes, blobs)
            self.step("objects")
            self._lock_index()
            if self._value(self.head.name) != self.head.oid:  # moved already: start again from there
                self.moved = self.head.name
                return None
            self._check_unchanged()
            self.step("index-locked")
            self._write_files()
            self.step("files")
            tree = self._pre_commit_and_tree(private, modes, blobs)
            message = self._message_file()
            self.step("hooks")
            commit = self._commit_tree(tree, message)
            self._stage_index(modes, blobs)
            self.step("index")
            if not self._move_ref(commit):
                return None
        except OSError as exc:
            raise CommitError(os_error_text(exc, f"cannot write {exc.filename2 or exc.filename or 'a file'}")) from None
        self.landed = self.signals.committed = True
        pause_for_tests("ref", self.signals)
        return commit

    # -- objects: nothing anyone sees changes ------------------------------------
    def _modes(self) -> dict[str, str]:
        out = self.repo.out("--literal-pathspecs", "ls-tree", "-z", self.head.oid, "--", *self.paths)
        modes = {}
        for record in out.split("\0"):
            meta, _tab, path = record.partition("\t")
            if meta:
                modes[path] = meta.split(" ")[0]
        for path in self.paths:
            if modes.get(path) not in _REGULAR:
                raise RepositoryStateError(f"{path} is not a regular file committed in HEAD "
                                           "(a symbolic link, a submodule, or not committed): okrops edits regular files")
        return modes

    def _write_blobs(self) -> dict[str, str]:
        return {path: self.repo.out("hash-object", "-w", "--stdin", f"--path={path}", input=data).strip()
                for path, data in self.content.files.items()}

    def _private_index(self, modes: dict[str, str], blobs: dict[str, str]) -> Path:
        index = self.temp_path("index")
        self.temps.append(Path(f"{index}.lock"))
        env = {"GIT_INDEX_FILE": str(index)}
        self.repo.git("read-tree", self.head.oid, env=env)
        info = "".join(f"{modes[p]} {blobs[p]}\t{p}\0" for p in self.paths).encode("utf-8", "surrogateescape")
        self.repo.git("update-index", "-z", "--index-info", env=env, input=info)
        self.private = index
        return index

    # -- the real index's lock, then the working files ----------------------------
    def _lock_index(self) -> None:
        lock = Path(f"{self.repo.index}.lock")
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_CLOEXEC", 0), 0o666)
        except FileExistsError:
            raise RepositoryStateError(INDEX_LOCK_ADVICE.format(path=lock)) from None
        self.index_lock = lock
        try:
            gitjournal.mark_lock(fd)  # a check-in killed from here on is undone by the next one
        finally:
            os.close(fd)
        self.journal.save()

    def _check_unchanged(self) -> None:
        """Between reading and locking, nobody wrote the files or staged something else for them."""
        for path, original in self.content.originals.items():
            try:
                now = (self.repo.toplevel / path).read_bytes()
            except OSError:
                now = None
            if now != original:
                raise RepositoryStateError(f"{path} changed while checking in (another program wrote it): "
                                           "nothing was checked in; check in again")
        proc = self.repo.git("--literal-pathspecs", "diff-index", "--cached", "--quiet", self.head.oid, "--",
                             *self.paths, check=False)
        if proc.returncode != 0:
            raise RepositoryStateError(f"{', '.join(self.paths)}: staged changes appeared while checking in; "
                                       "nothing was checked in; commit or unstage them, then check in again")

    def _write_files(self) -> None:
        for path, data in self.content.files.items():
            target = self.repo.toplevel / path
            mode = stat.S_IMODE(os.lstat(target).st_mode)
            new = target.parent / f".{target.name}.okrops-new-{os.urandom(4).hex()}"
            backup = target.parent / f".{target.name}.okrops-old-{os.urandom(4).hex()}"
            self.journal.add_file(target, backup, new, data)
            self.temps.append(new)
            with open(new, "xb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
                os.fchmod(handle.fileno(), mode)
            _keep_original(target, backup)
            self.backups[target] = backup
            os.replace(new, target)
            self.replaced.append(target)

    # -- hooks, tree, commit --------------------------------------------------------
    def _pre_commit_and_tree(self, private: Path, modes: dict[str, str], blobs: dict[str, str]) -> str:
        env = {**self.ident, "GIT_INDEX_FILE": str(private), "GIT_EDITOR": ":"}
        before = _signature(private)
        self.hooks.run("pre-commit", [], env)
        if _signature(private) != before and self._entries(private) != {p: (modes[p], blobs[p]) for p in self.paths}:
            raise CommitError(f"the pre-commit hook changed {', '.join(self.paths)} in the commit; "
                              "commit the hook's changes first, then check in again")
        if _signature(private) != before:
            self.hook_staged = self._hook_staged(private)
        return self.repo.out("write-tree", env={"GIT_INDEX_FILE": str(private)}).strip()

    def _hook_staged(self, private: Path) -> bytes:
        """What the pre-commit hook staged besides the check-in's files (``git add`` of a generated file), as
        ``update-index --index-info`` input: the commit holds it, so the real index must hold it too."""
        out = self.repo.git("diff-index", "--cached", "-z", "--no-renames", self.head.oid,
                            env={"GIT_INDEX_FILE": str(private)}).stdout
        fields = out.split(b"\0")
        lines = []
        for meta, path in zip(fields[0::2], fields[1::2]):
            if not meta or path.decode("utf-8", "surrogateescape") in self.paths:
                continue
            _old_mode, new_mode, _old, new_oid, status = meta.lstrip(b":").split(b" ")
            lines.append(b"0 " + b"0" * len(new_oid) + b"\t" + path if status == b"D"
                         else new_mode + b" " + new_oid + b"\t" + path)
        return b"".join(line + b"\0" for line in lines)

    def _entries(self, index: Path) -> dict[str, tuple[str, str]]:
        out = self.repo.out("--literal-pathspecs", "ls-files", "-s", "-z", "--", *self.paths,
                            env={"GIT_INDEX_FILE": str(index)})
        entries = {}
        for record in out.split("\0"):
            meta, _tab, path = record.partition("\t")
            if meta:
                mode, oid, _stage = meta.split(" ")
                entries[path] = (mode, oid)
        return entries

    def _message_file(self) -> Path:
        path = self.temp_path("message")
        original = self.content.message.encode("utf-8")
        path.write_bytes(original)
        env = {**self.ident, "GIT_INDEX_FILE": str(self.private), "GIT_EDITOR": ":"}
        self.hooks.run("prepare-commit-msg", [str(path), "message"], env)
        self.hooks.run("commit-msg", [str(path)], env)
        final = path.read_bytes()
        if final != original:
            if not final.strip():
                raise CommitError("a commit-msg hook emptied the commit message")
            problem = self.content.check_message(final.decode("utf-8", "replace")) if self.content.check_message else None
            if problem:
                raise CommitError(problem)
        return path

    def _commit_tree(self, tree: str, message: Path) -> str:
        commit = self.repo.out("commit-tree", tree, "-p", self.head.oid, "-F", str(message), env=self.ident).strip()
        self.journal.set("commit", commit)
        return commit

    def _stage_index(self, modes: dict[str, str], blobs: dict[str, str]) -> None:
        """The real index with the new entries, swapped in while we hold index.lock (the old one kept)."""
        staged = self.temp_path("index")
        self.temps.append(Path(f"{staged}.lock"))
        if self.repo.index.exists():
            shutil.copyfile(self.repo.index, staged)
        self.repo.git("update-index", "--add", "--", *self.paths, env={"GIT_INDEX_FILE": str(staged)})
        if self._entries(staged) != {p: (modes[p], blobs[p]) for p in self.paths}:
            raise CommitError(f"{', '.join(self.paths)} changed on disk while checking in (a hook or another "
                              "program wrote it)")
        if self.hook_staged:
            self.repo.git("update-index", "-z", "--index-info", input=self.hook_staged,
                          env={"GIT_INDEX_FILE": str(staged)})
            self.repo.git("update-index", "-q", "--refresh", env={"GIT_INDEX_FILE": str(staged)}, check=False)
        if self.repo.index.exists():
            self.index_backup = self.temp_path("index-old")
            self.journal.set("index_backup", str(self.index_backup))
            _keep_original(self.repo.index, self.index_backup)
        os.replace(staged, self.repo.index)
        self.index_replaced = True

    # -- the point of no return ---------------------------------------------------
    def _move_ref(self, commit: str) -> bool:
        reflog = f"commit: {self.content.subject}"
        if self.branch:
            return self._create_branch(commit, reflog)
        target = ["--no-deref", "HEAD"] if self.head.ref is None else [self.head.ref]
        proc = self.repo.git("update-ref", "-m", reflog, *target, commit, self.head.oid, check=False)
        if proc.returncode == 0 or self._value(self.head.name) == commit:
            return True
        self._unless_moved(proc)
        self.moved = self.head.name
        return False

    def _unless_moved(self, proc: subprocess.CompletedProcess) -> None:
        """A compare-and-swap that failed while the branch did not move failed for git's own reason (a ref
        lock held, a name that clashes): say it, rather than retry as if another program had committed."""
        if self._value(self.head.name) == self.head.oid:
            raise CommitError(git_failure(["update-ref"], proc))

    def _create_branch(self, commit: str, reflog: str) -> bool:
        ref = f"refs/heads/{self.branch}"
        script = f"verify {self.head.name} {self.head.oid}\ncreate {ref} {commit}\n".encode("utf-8")
        proc = self.repo.git("update-ref", "-m", reflog, "--stdin", input=script, check=False)
        if proc.returncode != 0 and self._value(ref) != commit:
            if self._value(ref) is not None:
                raise RepositoryStateError(f"branch {self.branch!r} was created by another program meanwhile: "
                                           "pick a new name for this check-in's pull request")
            self._unless_moved(proc)
            self.moved = self.head.name
            return False
        source = self.head.ref.removeprefix("refs/heads/") if self.head.ref else self.head.oid[:10]
        proc = self.repo.git("symbolic-ref", "-m", f"checkout: moving from {source} to {self.branch}",
                             "HEAD", ref, check=False)
        if proc.returncode != 0:
            self.repo.git("update-ref", "-d", ref, commit, check=False)
            raise CommitError(git_failure(["symbolic-ref"], proc))
        return True

    def _value(self, ref: str) -> Optional[str]:
        proc = self.repo.git("rev-parse", "--verify", "--quiet", ref, check=False)
        return proc.stdout.decode().strip() if proc.returncode == 0 else None

    # -- the end, whichever way -----------------------------------------------------
    def finish(self) -> None:
        """Undo everything unless the branch moved; then drop what is no longer needed. Renames only."""
        stuck: list[str] = []
        if not self.landed:
            if self.index_replaced:
                _put_back(self.index_backup, self.repo.index, stuck)
            for target in reversed(self.replaced):
                _put_back(self.backups.pop(target), target, stuck)
        for backup in self.backups.values():
            _unlink(backup)
        if self.index_lock is not None and not stuck:
            _unlink(self.index_lock)
        for path in self.temps:
            if not (stuck and path == self.index_backup):
                _unlink(path)
        if not stuck:
            self.journal.remove()
        if stuck:  # pragma: no cover - a rename in the same folder failed
            raise CommitError("the check-in failed and could not put everything back: " + "; ".join(stuck))


def _put_back(original: Optional[Path], path: Path, stuck: list[str]) -> None:
    """Rename ``original`` over ``path`` (None: ``path`` did not exist before)."""
    try:
        if original is None:
            _unlink(path)
        else:
            os.replace(original, path)
    except OSError as exc:  # pragma: no cover
        stuck.append(f"{path}: {exc.strerror} (its original content is in {original}; move it back by hand)")


def _keep_original(path: Path, backup: Path) -> None:
    """A second name for ``path``'s current content, so that putting it back is one rename."""
    try:
        os.link(path, backup)
    except OSError as exc:
        if exc.errno in DISK_FULL:
            raise
        shutil.copy2(path, backup)  # a file system without hard links


def _signature(path: Path) -> Optional[tuple]:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_ino, info.st_size, info.st_mtime_ns)


def _unlink(path: Path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    except OSError:
        pass
