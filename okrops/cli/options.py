"""What the okrops commands share: context settings, common options, finding the repository, output."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import click

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def path_argument(function):
    """An optional PATH argument: the repository, or a file or folder inside it."""
    return click.argument("path", required=False, type=click.Path(file_okay=True, dir_okay=True))(function)


def repo_option(function=None, *, dest: str = "path"):
    """``--repo DIRECTORY``: the OKR repository (default: the one here or above)."""
    def decorate(command):
        return click.option("--repo", dest, type=click.Path(exists=True, file_okay=False), default=None,
                            help="The OKR repository (default: here).")(command)

    return decorate(function) if function is not None else decorate


def today_option(function=None, *, help: str = "Evaluate as of this date instead of today (also OKROPS_TODAY)."):
    """``--today YYYY-MM-DD`` (also ``OKROPS_TODAY``): evaluate as of another date."""
    def decorate(command):
        return click.option("--today", metavar="YYYY-MM-DD", envvar="OKROPS_TODAY", help=help)(command)

    return decorate(function) if function is not None else decorate


def as_of_option(function=None, *, help: str = ("The organisation as it stood on this date (the last commit on the main "
                                               "line on or before it) or at this git ref, with the history up to "
                                               "then, evaluated for that day.")):
    """``--as-of DATE|REF``: read the OKRs as they stood then (see :mod:`okrops.record.snapshot`)."""
    def decorate(command):
        return click.option("--as-of", "as_of", metavar="DATE|REF", help=help)(command)

    return decorate(function) if function is not None else decorate


def as_of_note(snapshot) -> None:
    """Say on stderr which commit an ``--as-of`` report reads, so that stdout is the report alone."""
    from okrops.safetext import terminal_line

    click.echo(f"okrops: {terminal_line(snapshot.given)}: the OKRs {snapshot.label}", err=True)


def repo_root(path: Optional[str]) -> Path:
    """The root folder of the OKR repository at or above ``path`` (default: here)."""
    from okrops.repository import find_okrs_dir

    return find_okrs_dir(path)[0]


def emit(text: str) -> None:
    """Print a report; nothing at all when it is empty."""
    if text:
        click.echo(text)
