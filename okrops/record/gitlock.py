"""Keep a check-in whole: okrops' own lock, and signals held off while the repository changes.

* :func:`checkin_lock` serialises okrops check-ins in one repository (every worktree
  included): an exclusive ``flock`` on ``<common git dir>/okrops/checkin.lock``, taken
  before the YAML is read and held until the branch has moved. The kernel drops the
  lock when its process ends, even on SIGKILL, so a crashed check-in never blocks the
  next one. A waiter gives up after ``OKROPS_LOCK_TIMEOUT`` seconds (default 30) with a
  message naming the holder. The holder removes the file before it lets go; a waiter
  that wins the lock on a file that was removed meanwhile tries again, so the file a
  process locks is always the one at the path.
* :class:`DeferredSignals` records SIGINT, SIGTERM and SIGHUP instead of acting on
  them. Before the point of no return, :meth:`DeferredSignals.checkpoint` turns a
  recorded signal into :class:`Interrupted`, so the caller undoes its work; after it,
  the work completes. Either way the signal is delivered again, to the handlers that
  were there before, once the section ends: Ctrl-C still stops okrops, only never
  halfway through a commit.
* :func:`pause_for_tests` is for tests only: with ``OKROPS_TEST_PAUSE_AT=<step>`` in the
  environment, the process prints ``okrops-test: paused at <step>`` to stderr at that
  step and waits (up to a minute) for a signal: SIGINT, SIGTERM or SIGHUP (deferred as
  above) or SIGUSR1 (carry on). Unset, it costs one dictionary lookup.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterator, Optional

from okrops.errors import OkropsError

LOCK_FILE = "okrops/checkin.lock"
DEFAULT_TIMEOUT = 30.0
_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


class LockTimeout(OkropsError):
    """Another check-in held the lock for longer than the timeout; nothing was written (exit 2)."""


class Interrupted(OkropsError):
    """A signal arrived before the point of no return; everything was undone (exit 1)."""

    exit_code = 1

    def __init__(self, signum: int):
        self.signum = signum
        super().__init__(f"interrupted by {signal.Signals(signum).name}: nothing was checked in, "
                         "the repository is as it was")


def lock_timeout() -> float:
    """``OKROPS_LOCK_TIMEOUT`` in seconds, else 30."""
    text = os.environ.get("OKROPS_LOCK_TIMEOUT", "").strip()
    if not text:
        return DEFAULT_TIMEOUT
    try:
        value = float(text)
    except ValueError:
        raise OkropsError(f"OKROPS_LOCK_TIMEOUT={text!r} is not a number of seconds") from None
    if not value >= 0 or value == float("inf"):
        raise OkropsError(f"OKROPS_LOCK_TIMEOUT={text!r} must be a finite number of seconds, 0 or more")
    return value


@contextmanager
def checkin_lock(common_dir: Path, timeout: Optional[float] = None,
                 checkpoint: Callable[[], None] = lambda: None) -> Iterator[Path]:
    """Hold okrops' check-in lock of the repository whose common git dir is ``common_dir``."""
    path = Path(common_dir) / LOCK_FILE
    fd = _acquire(path, lock_timeout() if timeout is None else timeout, checkpoint)
    try:
        yield path
    finally:
        _release(path, fd)


def _acquire(path: Path, timeout: float, checkpoint: Callable[[], None]) -> int:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        raise OkropsError("okrops check-ins need a POSIX system (Linux, macOS, WSL): their lock is an flock") from None

    deadline = time.monotonic() + timeout
    delay = 0.002
    while True:
        fd = _open_lock_file(path)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(fd)
            os.close(fd)
            if time.monotonic() >= deadline:
                raise LockTimeout(_timeout_message(path, timeout, holder)) from None
            checkpoint()
            time.sleep(delay)
            delay = min(delay * 2, 0.05)
            continue
        except BaseException:
            os.close(fd)
            raise
        try:
            current = os.stat(path)
        except FileNotFoundError:
            current = None
        mine = os.fstat(fd)
        if current is not None and (current.st_ino, current.st_dev) == (mine.st_ino, mine.st_dev):
            _write_holder(fd)
            return fd
        os.close(fd)  # the holder removed this file as it let go: lock the one at the path now


def _open_lock_file(path: Path) -> int:
    for _ in range(100):
        try:
            path.parent.mkdir(exist_ok=True)
            return os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
        except FileNotFoundError:
            continue  # a holder letting go removed the empty folder in between
        except OSError as exc:
            raise OkropsError(f"cannot create okrops' check-in lock {path}: {exc.strerror}; "
                              "check that the .git folder is writable") from None
    raise OkropsError(f"cannot create okrops' check-in lock {path}")  # pragma: no cover


def _release(path: Path, fd: int) -> None:
    try:
        os.unlink(path)  # while still holding it: see _acquire
        os.rmdir(path.parent)  # only when empty: the history cache and waiters' files keep it
    except OSError:
        pass
    os.close(fd)


def _write_holder(fd: int) -> None:
    """Who holds the lock, for the message a waiter shows when it gives up. Best effort."""
    import shlex
    import socket

    command = " ".join(shlex.quote(a) for a in [os.path.basename(sys.argv[0] or "python"), *sys.argv[1:4]])
    text = f"pid {os.getpid()} on {socket.gethostname()} since {datetime.now().strftime('%H:%M:%S')}: {command}"
    clean = "".join(c if c.isprintable() else "?" for c in text)[:300]
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, clean.encode("utf-8", "replace") + b"\n", 0)
    except OSError:
        pass  # a full disk must not stop a check-in that writes nothing else here


def _holder(fd: int) -> str:
    try:
        text = os.pread(fd, 400, 0).decode("utf-8", "replace").strip()
    except OSError:
        return ""
    return "".join(c if c.isprintable() else "?" for c in text)


def _timeout_message(path: Path, timeout: float, holder: str) -> str:
    who = f" ({holder})" if holder else ""
    return (f"another okrops check-in{who} has held {path} for over {timeout:g} s; nothing was written. "
            "Wait for it to finish and try again (OKROPS_LOCK_TIMEOUT=<seconds> waits longer). "
            "The lock goes away by itself when that process ends.")


class DeferredSignals:
    """Record SIGINT, SIGTERM and SIGHUP during a critical section; deliver them after it.

    Only in the main thread (elsewhere Python cannot install handlers, and the
    section runs unprotected, as before).
    """

    def __init__(self) -> None:
        self.pending: list[int] = []
        self.committed = False  # past the point of no return: checkpoints no longer interrupt
        self._previous: dict[int, object] = {}

    def __enter__(self) -> "DeferredSignals":
        if threading.current_thread() is threading.main_thread():
            for signum in _SIGNALS:
                self._previous[signum] = signal.signal(signum, self._record)
        return self

    def _record(self, signum: int, _frame) -> None:
        self.pending.append(signum)

    def checkpoint(self) -> None:
        """Raise :class:`Interrupted` when a signal is pending and the work can still be undone."""
        if self.pending and not self.committed:
            raise Interrupted(self.pending[0])

    def __exit__(self, exc_type, exc, tb) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)  # type: ignore[arg-type]
        self._previous.clear()
        if self.pending:
            # The handlers from before act now: KeyboardInterrupt, or the end of the process.
            signal.raise_signal(self.pending[0])


def pause_for_tests(step: str, signals: Optional[DeferredSignals]) -> None:
    """Tests only: stop at ``step`` when OKROPS_TEST_PAUSE_AT names it (see the module docstring)."""
    if os.environ.get("OKROPS_TEST_PAUSE_AT") != step:
        return
    resumed: list[int] = []
    previous = signal.signal(signal.SIGUSR1, lambda *_args: resumed.append(1))
    try:
        sys.stderr.write(f"okrops-test: paused at {step} (pid {os.getpid()})\n")
        sys.stderr.flush()
        deadline = time.monotonic() + 60
        while not resumed and not (signals and signals.pending) and time.monotonic() < deadline:
            time.sleep(0.002)
    finally:
        signal.signal(signal.SIGUSR1, previous)
    if signals is not None:
        signals.checkpoint()
