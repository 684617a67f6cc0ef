"""okrops --help: every command's summary is a whole sentence, never cut mid-sentence (issue 12)."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from okrops.cli import cli


def walk(group: click.Group, path=()):
    # list_commands/get_command, as `okrops --help` does: the commands are registered lazily, so
    # group.commands alone holds only those some earlier test happened to load
    context = click.Context(group)
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        yield path + (name,), command
        if isinstance(command, click.Group):
            yield from walk(command, path + (name,))


def test_every_command_and_group_has_a_whole_sentence_summary():
    commands = list(walk(cli))
    assert len(commands) >= 20
    for path, command in commands:
        summary = command.short_help
        assert summary, f"okrops {' '.join(path)} has no short_help"
        assert summary[0].isupper() and summary.endswith(".") and "..." not in summary, path
        assert len(summary) <= 60, (path, summary)  # fits next to the longest name in an 80-column terminal


@pytest.mark.parametrize("width", [80, 100, 200])
@pytest.mark.parametrize("group", [(), ("new",), ("cycle",), ("site",)])
def test_help_listings_show_every_summary_whole(group, width):
    result = CliRunner().invoke(cli, [*group, "--help"], terminal_width=width)
    assert result.exit_code == 0
    listing = result.output.split("Commands:\n", 1)[1]
    target = cli
    for name in group:
        target = target.commands[name]
    for name, command in target.commands.items():
        line = next(line for line in listing.splitlines() if line.strip().startswith(name + " "))
        assert line.strip().endswith(command.short_help), line
        assert not line.rstrip().endswith("...")
