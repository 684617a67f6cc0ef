"""One exception family for everything a user can cause.

Every class is a :class:`click.ClickException`, so the CLI prints the message
and exits with the code below, never with a traceback.
"""

from __future__ import annotations

import click


class OkropsError(click.ClickException):
    """Base class: a problem the user can fix; exit code 2 (usage or I/O)."""

    exit_code = 2


class RepositoryNotFound(OkropsError):
    """No okrs/okrops.yaml where one was expected."""


class LoadError(OkropsError):
    """The OKR repository has errors that stop the command (exit 1)."""

    exit_code = 1


class UnknownReference(OkropsError):
    """A reference names no unit, cycle, objective or key result."""


class UsageError(OkropsError):
    """Options that do not fit together."""
