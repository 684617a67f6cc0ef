"""Progress of long work, as the library reports it: what it is doing and how far it is.

The library never prints (the CLI does): long work calls :func:`current` and
reports to whatever the command installed with :func:`showing`; by default
that is :data:`SILENT`, which does nothing. A reporter for a terminal, with a bar,
or plain lines when the output is not a terminal, is in :mod:`okrops.cli.progress`.

    from okrops import progress

    work = progress.current()
    work.stage("reading history", total=None)   # None: how far is not known in advance
    for ...:
        work.advance(1000)
    work.done()
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterator, Optional


class Progress:
    """What long work reports; this base does nothing with it."""

    def stage(self, label: str, total: Optional[int] = None, unit: str = "") -> None:
        """Work called ``label`` begins; ``total`` steps of ``unit`` (None: not known)."""

    def advance(self, count: int = 1) -> None:
        """``count`` more steps of the current stage are done."""

    def done(self) -> None:
        """The current stage is finished."""


SILENT = Progress()
_CURRENT: ContextVar[Progress] = ContextVar("okrops_progress", default=SILENT)


def current() -> Progress:
    """Where long work reports its progress now (:data:`SILENT` unless a command installed a reporter)."""
    return _CURRENT.get()


@contextmanager
def showing(reporter: Progress) -> Iterator[Progress]:
    """Report the progress of the work inside the ``with`` block to ``reporter``."""
    token = _CURRENT.set(reporter)
    try:
        yield reporter
    finally:
        reporter.done()
        _CURRENT.reset(token)
