"""The okrops command line: parse options, call the library, pick a reporter, exit.

No OKR logic lives here; see :mod:`okrops.validate`, :mod:`okrops.lint`,
:mod:`okrops.status` and friends.
"""

from __future__ import annotations

import os
import sys

import click

from okrops import __version__
from okrops.cli.options import CONTEXT_SETTINGS, emit


class GuardedGroup(click.Group):
    """The okrops group: everything a command prints passes through :func:`okrops.safetext.terminal`.

    The reporters make user text safe field by field; this is the net behind them, so that
    no message that echoes a title, a file name or an option (errors included) can carry an
    escape sequence or a control character to the terminal.
    """

    def main(self, *args, **kwargs):
        from okrops.safetext import guarded_streams

        with guarded_streams():
            return super().main(*args, **kwargs)


@click.group(cls=GuardedGroup, context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "-V", "--version", prog_name="okrops")
def cli() -> None:
    """OKRs as code: validate, lint, score and publish the OKRs kept in a git repository.

    Run the commands inside an OKR repository (one with okrs/okrops.yaml), or pass its path.
    """


@cli.command(short_help="Print the shell completion script.")
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]))
def completion(shell: str) -> None:
    """Print the shell completion script.

    \b
    Example (bash, in ~/.bashrc):
        eval "$(okrops completion bash)"
    """
    from click.shell_completion import get_completion_class

    completion_class = get_completion_class(shell)
    emit(completion_class(cli, {}, "okrops", "_OKROPS_COMPLETE").source())


def _register_commands() -> None:
    """Every command group module lists its commands in ``COMMANDS``; they are added here."""
    from okrops.cli import check, checkins, collect, demo, health, reports, review, rhythm, site

    for module in (check, checkins, collect, demo, site, review, rhythm, health, reports):
        for command in module.COMMANDS:
            cli.add_command(command)


_register_commands()


def main() -> None:
    """Entry point: run the CLI; an unexpected error is reported in one line, never as a traceback."""
    try:
        cli.main(prog_name="okrops", standalone_mode=True)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # pragma: no cover - the last line of defence
        if os.environ.get("OKROPS_DEBUG"):
            raise
        from okrops.safetext import terminal

        click.echo(terminal(f"okrops: internal error: {type(exc).__name__}: {exc}\n"
                            "This is a bug in okrops. Run again with OKROPS_DEBUG=1 for details and report it."), err=True)
        sys.exit(3)
