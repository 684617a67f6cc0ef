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

    def get_command(self, ctx, cmd_name):
        if cmd_name not in self.commands:
            module = COMMAND_MODULES.get(cmd_name)
            _register_commands(*([module] if module else MODULES))
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx):
        _register_commands()
        return super().list_commands(ctx)


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


# Which module holds each command (each module lists its own in COMMANDS): a command's module is imported
# only when that command runs (or help lists them all), so `okrops validate` does not import the site,
# git or the YAML editor. tests/test_cli.py checks this map against the modules' COMMANDS.
COMMAND_MODULES = {
    "validate": "check", "lint": "check", "status": "check",
    "checkin": "checkins", "history": "checkins",
    "collect": "collect", "demo": "demo", "site": "site",
    "diff": "review", "codeowners": "review", "fetch": "review",
    "init": "rhythm", "new": "rhythm", "cycle": "rhythm", "import": "rhythm",
    "health": "health", "remind": "reports", "report": "reports",
}
MODULES = ("check", "checkins", "collect", "demo", "site", "review", "rhythm", "health", "reports")


def _register_commands(*modules: str) -> None:
    """Add the ``COMMANDS`` of these command modules (default: all of them) to the group."""
    import importlib

    for name in modules or MODULES:
        for command in importlib.import_module(f"okrops.cli.{name}").COMMANDS:
            if command.name not in cli.commands:
                cli.add_command(command)


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
