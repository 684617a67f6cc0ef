"""Progress on the terminal: a bar (or a count) on a terminal, a few plain lines otherwise.

Install it around long work with ``okrops.progress.showing(terminal())``; the
library reports through :mod:`okrops.progress`. Everything goes to stderr, so the
output of a command (JSON, CSV) is never mixed with it. On a terminal the line is
redrawn at most ten times a second; elsewhere (CI, a pipe, a log file) a stage
prints one line once it has taken a second and one when it ends, with how long it
took. Work that ends within a second shows nothing at all; ``OKROPS_PROGRESS_AFTER``
(seconds, default 1) changes how long work runs before its progress shows.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from typing import IO, Optional

import click

from okrops.progress import Progress
from okrops.safetext import terminal_line, unguarded

BAR = 24  # characters
REDRAW = 0.1  # seconds between redraws on a terminal
QUIET_FOR = 1.0  # seconds: work that ends sooner shows no bar at all (OKROPS_PROGRESS_AFTER)


def _quiet_for() -> float:
    try:
        chosen = float(os.environ.get("OKROPS_PROGRESS_AFTER", ""))
    except ValueError:  # unset or not a number: the default
        return QUIET_FOR
    return chosen if chosen >= 0 else QUIET_FOR


class TerminalProgress(Progress):
    def __init__(self, stream: Optional[IO[str]] = None, interactive: Optional[bool] = None):
        self.stream = stream or sys.stderr
        self.interactive = self.stream.isatty() if interactive is None else interactive
        self.label = ""
        self.total: Optional[int] = None
        self.unit = ""
        self.count = 0
        self.began = 0.0
        self.drawn = 0.0
        self.shown = False
        self.quiet_for = _quiet_for()

    def stage(self, label: str, total: Optional[int] = None, unit: str = "") -> None:
        self.done()
        self.label, self.total, self.unit, self.count = label, total, unit, 0
        self.began = self.drawn = time.monotonic()
        self.shown = False

    def advance(self, count: int = 1) -> None:
        if not self.label:
            return
        self.count += count
        now = time.monotonic()
        if now - self.drawn < REDRAW or now - self.began < self.quiet_for:
            return
        self.drawn = now
        if self.interactive:
            self._draw()
        elif not self.shown:
            self.shown = True
            total = f" ({self.total:,} {self.unit})" if self.total is not None else ""
            self._line(f"okrops: {self.label}{total} ...")

    def done(self) -> None:
        if not self.label:
            return
        took = time.monotonic() - self.began
        if self.interactive:
            if self.shown or took >= self.quiet_for:  # long work shows how it ended, even without a redraw
                self._draw()
                unguarded(self.stream).write("\n")
                unguarded(self.stream).flush()
        elif self.shown or took >= self.quiet_for:
            counted = f"{self.count:,} {self.unit}, " if self.count else ""
            self._line(f"okrops: {self.label}: done ({counted}{took:.1f} s)")
        self.label = ""

    def _draw(self) -> None:
        self.shown = True
        if self.total:
            share = min(self.count / self.total, 1.0)
            filled = int(share * BAR)
            text = f"{self.label} [{'#' * filled}{'-' * (BAR - filled)}] {share:4.0%} {self.count:,}/{self.total:,} {self.unit}"
        else:  # how far is not known: how much is done, and for how long it has run
            counted = f" {self.count:,} {self.unit}" if self.count else ""
            text = f"{self.label} ...{counted} ({time.monotonic() - self.began:.0f} s)"
        width = shutil.get_terminal_size((80, 24)).columns - 1  # a wrapped line could not be redrawn in place
        raw = unguarded(self.stream)  # the guard would show the carriage return and erase-line as text
        raw.write("\r\x1b[2K" + terminal_line(text)[:max(width, 20)])  # a file name in a label is user text
        raw.flush()

    def _line(self, text: str) -> None:
        click.echo(terminal_line(text), file=self.stream)


def terminal() -> TerminalProgress:
    """The reporter for this process's stderr."""
    return TerminalProgress()
