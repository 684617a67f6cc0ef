"""git as okrops reads it: check-in trailers, changed files and file versions.

A check-in commit (made by :mod:`okrops.record.checkin`) carries git trailers, one
group per key result::

    Okr-Checkin: platform/2026-Q4/O1/KR2
    Okr-Value: 42
    Okr-Previous: 38
    Okr-Confidence: 0.6
    Okr-Note: "Two big customers migrated"

git itself reads the trailers (``%(trailers:only,unfold)``), so okrops and
``git log`` agree on every message by construction: prose mixed with trailers,
``Key : value``, CRLF, comment lines, continuation lines, the 25% rule. The
other readers here are git's plumbing too: ``git log --raw`` for the files each
commit changed (old and new blob ids) and ``git cat-file --batch`` for the
versions of those files.

git writes into an unlinked temporary file that Python reads while git runs
(measured: a pipe makes ``git log`` 2 to 2.5 times slower, with a wake-up
every few kilobytes), so several git processes can run at once on their own
cores. Every field okrops reads is separated by NUL, which git never prints
inside a field (it stops a message at a NUL and refuses an identity holding
one), so one odd commit cannot shift the fields of the next.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
import time
from typing import IO, Iterator, Optional

from okrops.errors import OkropsError
from okrops.numbers import format_number, is_finite  # noqa: F401 - format_number is part of this module's API

TRAILER_REF = "Okr-Checkin"
TRAILER_VALUE = "Okr-Value"
TRAILER_PREVIOUS = "Okr-Previous"
TRAILER_CONFIDENCE = "Okr-Confidence"
TRAILER_NOTE = "Okr-Note"
TRAILER_LEVEL = "Okr-Level"  # an ordinal key result: the level's name (Okr-Value is its position in levels)
TRAILER_PREFIX = "okr-"  # trailers okrops reads: keys starting with this, in any case
CHECKIN_TRAILERS = (TRAILER_REF, TRAILER_VALUE, TRAILER_PREVIOUS, TRAILER_CONFIDENCE, TRAILER_NOTE, TRAILER_LEVEL)

# Options that keep git's output the same whatever the user's configuration says.
GIT_CONFIG = ["-c", "core.quotePath=false", "-c", "trailer.separators=:", "-c", "core.commentChar=#"]
LOG_OPTIONS = ["-z", "--encoding=UTF-8", "--no-color", "--no-show-signature"]
# One commit: sha, parents, author name, author e-mail, author date, subject, Okr trailers.
LOG_FORMAT = "%H%x00%P%x00%an%x00%ae%x00%aI%x00%s%x00%(trailers:only,unfold,separator=%x0a)"
LOG_FIELDS = 7
# The changed files of every commit (merges: against their first parent; root commits: everything).
RAW_OPTIONS = ["--raw", "--no-abbrev", "--no-renames", "--no-relative", "--root", "--diff-merges=first-parent"]
RAW_FORMAT = "%H%x00%P"
ZERO_OIDS = frozenset({"0" * 40, "0" * 64})
MIN_GIT = "2.31"  # --diff-merges


class GitError(OkropsError):
    """git could not be run or failed; the message says how."""


# --- numbers and notes ----------------------------------------------------------

_NUMBER = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
MAX_NUMBER_TEXT = 400  # characters: a finite float has at most 309 digits; longer texts are not parsed at all


def parse_number(text: str) -> Optional[float]:
    """``"42"`` -> 42, ``"0.6"`` -> 0.6, ``"1e3"`` -> 1000.0; None for anything else.

    Only ASCII decimal notation is a number (not ``nan``, ``inf``, ``1_000``
    or other scripts' digits), and only a finite one that fits a float.
    """
    known = _PARSED.get(text, _UNKNOWN)
    if known is not _UNKNOWN:
        return known
    number: Optional[float] = None
    cleaned = text.strip(" \t")
    if len(cleaned) <= MAX_NUMBER_TEXT and _NUMBER.fullmatch(cleaned):
        number = int(cleaned) if "." not in cleaned and "e" not in cleaned and "E" not in cleaned else float(cleaned)
        number = number if is_finite(number) else None  # the one definition: okrops.numbers
    if len(_PARSED) > 50_000:  # the same few texts come back in every history: remember them
        _PARSED.clear()
    if len(text) <= 32:
        _PARSED[text] = number
    return number


_PARSED: dict[str, Optional[float]] = {}
_UNKNOWN = object()


# Characters that some reader takes for the end of a line: git and most tools split at \n;
# Python's str.splitlines and Unicode also at these. JSON escapes the ASCII ones already.
_LINE_BREAKS_JSON_KEEPS = {"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def encode_note(note: str) -> str:
    """A note as one trailer-safe line: a JSON string with every kind of line break escaped."""
    import json

    text = json.dumps(note, ensure_ascii=False)
    for char, escape in _LINE_BREAKS_JSON_KEEPS.items():
        text = text.replace(char, escape)
    return text


def encode_level(level: str) -> str:
    """A level's name as one trailer-safe line: as written when it is one plain line, else a JSON string."""
    if level.isprintable() and level == level.strip() and not level.startswith('"'):
        return level
    return encode_note(level)


def decode_level(text: str) -> str:
    return decode_note(text)


def decode_note(text: str) -> str:
    text = text.strip(" \t")
    if text[:1] == '"' and text[-1:] == '"' and "\\" not in text and len(text) > 1 and '"' not in text[1:-1]:
        return text[1:-1]  # nothing escaped: no need for the JSON decoder
    if text.startswith('"'):
        import json

        try:
            value = json.loads(text)
        except ValueError:
            return text
        return value if isinstance(value, str) else text
    return text


# --- running git ---------------------------------------------------------------


def git_toplevel(path: str | os.PathLike) -> Optional[str]:
    """The git working tree that holds ``path``, or None (not a repository, or git missing)."""
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"], cwd=path, capture_output=True, text=True, check=False
        )
    except OSError:
        return None
    if done.returncode != 0:
        return None
    return done.stdout.strip() or None


def rev_parse(toplevel: str, *args: str) -> Optional[str]:
    done = subprocess.run(["git", "rev-parse", *args], cwd=toplevel, capture_output=True, text=True, check=False)
    return done.stdout.strip() if done.returncode == 0 else None


def has_commits(repo_root: str | os.PathLike) -> bool:
    """True when ``repo_root`` is in a git repository whose HEAD points at a commit."""
    toplevel = git_toplevel(repo_root)
    return toplevel is not None and rev_parse(toplevel, "--verify", "--quiet", "HEAD^{commit}") is not None


def run_git(toplevel: str, args: list[str], stdin: Optional[bytes] = None) -> bytes:
    try:
        done = subprocess.run(["git", *GIT_CONFIG, *args], cwd=toplevel, input=stdin, capture_output=True,
                              check=False)
    except OSError as exc:
        raise GitError(f"cannot run git: {exc.strerror}") from None
    if done.returncode != 0:
        raise GitError(f"git {args[0]} failed: {done.stderr.decode('utf-8', 'replace').strip()}")
    return done.stdout


def log_command(revisions: list[str]) -> list[str]:
    """``git log`` arguments for the commits, their authors and their Okr trailers."""
    return ["log", *LOG_OPTIONS, f"--format={LOG_FORMAT}", *revisions, "--"]


def raw_log_command(revisions: list[str]) -> list[str]:
    """``git log`` arguments for the files each commit changed, with old and new blob ids."""
    return ["log", *LOG_OPTIONS, *RAW_OPTIONS, f"--format={RAW_FORMAT}", *revisions, "--"]


class GitProcess:
    """One git process writing into an unlinked temporary file that is read while git runs.

    Use as a context manager: leaving it stops git if it still runs and closes
    everything; nothing is left on disk.
    """

    def __init__(self, toplevel: str, args: list[str], stdin: bool = False):
        self.name = args[0]
        self._reader = -1
        self._errors: Optional[IO[bytes]] = None
        self.process: Optional[subprocess.Popen] = None
        fd, path = tempfile.mkstemp(prefix="okrops-git-")
        try:
            self._reader = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
            self._errors = tempfile.TemporaryFile()
            try:
                self.process = subprocess.Popen(["git", *GIT_CONFIG, *args], cwd=toplevel, stdout=fd,
                                                stderr=self._errors, stdin=subprocess.PIPE if stdin else None)
            except OSError as exc:
                raise GitError(f"cannot run git: {exc.strerror}") from None
        except BaseException:
            self.close()
            raise
        finally:
            os.close(fd)
            try:
                os.unlink(path)  # the descriptors keep it readable
            except OSError:  # pragma: no cover - Windows: the file goes when it is closed
                pass

    @property
    def stdin(self) -> IO[bytes]:
        assert self.process is not None and self.process.stdin is not None
        return self.process.stdin

    def chunks(self, size: int = 1 << 20) -> Iterator[bytes]:
        """What git writes, as it comes, until git has finished; raises GitError when git failed."""
        assert self.process is not None
        finished = False
        pause = 0.0005
        while True:
            data = os.read(self._reader, size)
            if data:
                pause = 0.0005
                yield data
                continue
            if finished:
                break
            if self.process.poll() is not None:
                finished = True  # read what is left, then stop
            else:
                time.sleep(pause)  # git is busy: wait a little longer each time, up to 8 ms
                pause = min(pause * 2, 0.008)
        self._check()

    def read_now(self, size: int = 1 << 20) -> bytes:
        """What git has written and was not read yet, without waiting (b"" when nothing is new)."""
        return os.read(self._reader, size)

    def records(self, errors: str = "replace") -> Iterator[list[str]]:
        """What git writes, as text split at NUL, in batches; a record is never split across batches.

        A batch is decoded as UTF-8 at once: NUL never occurs inside a UTF-8
        sequence, so that is the same as decoding each record on its own.
        """
        tail = b""
        for data in self.chunks():
            data = tail + data if tail else data
            cut = data.rfind(b"\0")
            if cut < 0:
                tail = data
                continue
            tail = data[cut + 1:]
            yield data[:cut].decode("utf-8", errors).split("\0")
        if tail:
            yield tail.decode("utf-8", errors).split("\0")

    def _check(self) -> None:
        assert self.process is not None and self._errors is not None
        code = self.process.wait()
        if code != 0:
            self._errors.seek(0)
            message = self._errors.read().decode("utf-8", "replace").strip()
            if "unrecognized argument" in message or "unknown option" in message or "unknown field" in message:
                message += f"; okrops reads history with git {MIN_GIT} or newer: update git"
            raise GitError(f"git {self.name} failed: {message or f'exit status {code}'}")

    def close(self) -> None:
        if self.process is not None:
            if self.process.stdin is not None and not self.process.stdin.closed:
                try:
                    self.process.stdin.close()
                except OSError:  # git stopped reading: it failed, and says why on stderr
                    pass
            if self.process.poll() is None:
                self.process.kill()
            self.process.wait()
        if self._reader >= 0:
            os.close(self._reader)
            self._reader = -1
        if self._errors is not None:
            self._errors.close()
            self._errors = None

    def __enter__(self) -> "GitProcess":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# --- reading what git prints -------------------------------------------------------


def read_commits(process: GitProcess) -> Iterator[tuple[str, list[str], str, str, str, str, list[tuple[str, str]]]]:
    """The commits of a :func:`log_command` process, in git's order, as plain tuples.

    The trailers are the ``Okr-*`` ones (any case), in the order of the message,
    exactly as ``git log --format=%(trailers:only,unfold)`` prints them.
    """
    for sha, parents, author, email, when, subject, trailers in commit_fields(process):
        yield sha, parents.split(), author, email, when, subject, trailer_pairs(trailers)


def commit_fields(process: GitProcess) -> Iterator[tuple[str, str, str, str, str, str, str]]:
    """The commits of a :func:`log_command` process as the texts git printed: (sha, parents separated by
    spaces, author, e-mail, date, subject, trailer lines); :func:`trailer_pairs` reads the last one.

    Each batch of git's output is cut into commits by slicing (no per-commit work here).
    """
    fields: list[str] = []
    step = LOG_FIELDS
    for batch in process.records():
        if fields:
            fields += batch
        else:
            fields = batch
        count = len(fields) - len(fields) % step
        if count:
            yield from zip(*[fields[start:count:step] for start in range(step)])
            del fields[:count]
    if fields:
        raise GitError(f"git log printed {len(fields)} field(s) too many")


def trailer_pairs(trailers: str) -> list[tuple[str, str]]:
    """The ``Okr-*`` (key, value) pairs of a commit's trailer lines as :func:`log_command` prints them."""
    pairs: list[tuple[str, str]] = []
    if trailers:
        prefix = TRAILER_PREFIX
        for line in trailers.split("\n"):
            key, _colon, value = line.partition(":")
            if key[:4].lower() == prefix:
                pairs.append((key, value[1:] if value[:1] == " " else value))
    return pairs


_REGULAR = ("100644", "100755")


def read_changes(process: GitProcess, wanted) -> Iterator[tuple[str, list[str], list[tuple[str, str, str, str]]]]:
    """(sha, parents, changes) of every commit of a :func:`raw_log_command` process, in git's order.

    ``changes`` are the (status, old blob, new blob, path) of the files for which
    ``wanted(path)`` is true; the blob of a version that is not a regular file (a
    symlink, a submodule) or does not exist is the zero id.
    """
    rest: list[str] = []
    for batch in process.records("surrogateescape"):  # paths are bytes: keep every one of them
        fields = rest + batch if rest else batch
        count = len(fields)
        start = 0
        while True:  # fields[start] is a sha, then its parents, then (change line, path) pairs
            end = start + 2
            while end < count and fields[end][:1] in _CHANGE_LINE:
                end += 2
            if end >= count:  # the commit may go on in the next batch
                break
            yield _changes(fields, start, end, wanted)
            start = end
        rest = fields[start:]
    if rest:
        if len(rest) < 2 or len(rest) % 2:
            raise GitError("git log ended in the middle of a commit")
        yield _changes(rest, 0, len(rest), wanted)


_CHANGE_LINE = (":", "\n")  # how a change line starts (the first one after a newline)


def _changes(fields: list[str], start: int, end: int, wanted) -> tuple[str, list[str], list[tuple[str, str, str, str]]]:
    """(sha, parents, changes) of the commit in ``fields[start:end]`` (see :func:`read_changes`)."""
    changes: list[tuple[str, str, str, str]] = []
    for index in range(start + 2, end, 2):
        path = fields[index + 1]
        if wanted(path):
            meta = fields[index].lstrip("\n")[1:].split(" ")
            if len(meta) != 5:
                raise GitError(f"git log printed an unexpected change line: {fields[index][:80]!r}")
            old_mode, new_mode, old, new, status = meta
            if old_mode not in _REGULAR:
                old = "0" * len(old)
            if new_mode not in _REGULAR:
                new = "0" * len(new)
            changes.append((status[:1], old, new, path))
    return fields[start], fields[start + 1].split(), changes


class BlobReader:
    """Reads the output of ``git cat-file --batch`` one object at a time, while cat-file runs."""

    def __init__(self, process: GitProcess):
        self._process = process
        self._chunks = process.chunks()
        self._buffer = b""
        self._position = 0
        # What ready() found: the objects from _position up to _scan are complete, and there are _complete of them.
        self._scan = 0
        self._complete = 0

    def _more(self) -> None:
        data = next(self._chunks, None)
        if data is None:
            raise GitError("git cat-file ended before every file version was read")
        self._append(data)

    def _append(self, data: bytes) -> None:
        self._buffer = self._buffer[self._position:] + data
        self._scan = max(self._scan - self._position, 0)
        self._position = 0

    def ready(self, count: int) -> bool:
        """Whether the next ``count`` objects can be read without waiting for cat-file.

        What was found is remembered, so asking again, or after reading some, costs nothing.
        """
        if self._complete >= count:
            return True
        if self._scan < self._position:
            self._scan = self._position
        while self._complete < count:
            buffer, position = self._buffer, self._scan
            newline = buffer.find(b"\n", position)
            if newline >= 0:
                header = buffer[position:newline].split(b" ")
                end = newline if len(header) != 3 else newline + 1 + int(header[2])
                if end < len(buffer):
                    self._scan = end + 1
                    self._complete += 1
                    continue
            data = self._process.read_now()
            if not data:
                return False
            self._append(data)
        return True

    def next(self, expected: str = "") -> Optional[bytes]:
        """The next object's content; None when git has no such blob.

        ``expected`` is the id asked for: cat-file names each object it prints, so a
        reader out of step with the requests stops with an error instead of reading
        one file's version as another's.
        """
        while True:
            buffer, position = self._buffer, self._position
            newline = buffer.find(b"\n", position)
            if newline >= 0:
                header = buffer[position:newline].split(b" ")
                if expected and header[0].decode("ascii", "replace") != expected:
                    raise GitError(f"git cat-file printed {header[0][:64]!r} where {expected} was expected")
                if self._complete:
                    self._complete -= 1
                if len(header) != 3:  # "<name> missing", "<name> ambiguous"
                    self._position = newline + 1
                    return None
                end = newline + 1 + int(header[2])
                if end < len(buffer):
                    self._position = end + 1
                    return buffer[newline + 1:end] if header[1] == b"blob" else None
            self._more()

    def close(self) -> None:
        for _rest in self._chunks:  # let cat-file finish, and raise if it failed
            pass
