"""The command line as a whole: help, version, module entry point, completion, docs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from okrops import __version__
from okrops.cli import docs as clidocs
from okrops.cli import cli

ROOT = Path(__file__).resolve().parent.parent


def test_version():
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == f"okrops, version {__version__}"


def test_python_dash_m_works():
    result = subprocess.run([sys.executable, "-m", "okrops", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and __version__ in result.stdout


def test_every_command_has_help_with_an_example():
    for path, command in clidocs.commands(cli):
        assert command.help, f"okrops {' '.join(path)} has no help"
        if not hasattr(command, "commands"):
            assert "Example" in command.help, f"okrops {' '.join(path)} help has no example"
        result = CliRunner().invoke(cli, [*path, "-h"], prog_name="okrops")
        assert result.exit_code == 0 and "Usage: okrops" in result.output


def test_readme_cli_reference_is_up_to_date():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert clidocs.reference() in readme, "README.md is out of date: run python -m okrops.cli.docs README.md"


def test_bash_completion_script_and_env_var():
    script = CliRunner().invoke(cli, ["completion", "bash"]).output
    assert "_OKROPS_COMPLETE=bash_complete" in script and "complete -o nosort -F" in script
    env_result = subprocess.run([sys.executable, "-c", "from okrops.cli import main; main()"],
                                env={"_OKROPS_COMPLETE": "bash_complete", "COMP_WORDS": "okrops val", "COMP_CWORD": "1",
                                     "PATH": "/usr/bin:/bin"},
                                capture_output=True, text=True)
    assert "validate" in env_result.stdout


def test_unknown_command_is_a_usage_error():
    result = CliRunner().invoke(cli, ["frobnicate"])
    assert result.exit_code == 2 and "No such command 'frobnicate'" in result.output


def test_the_command_map_names_every_command_of_every_module():
    """okrops.cli.group imports a command's module only when it runs: its map must match the modules' COMMANDS."""
    import importlib

    from okrops.cli import group

    listed = {command.name: module for module in group.MODULES
              for command in importlib.import_module(f"okrops.cli.{module}").COMMANDS}
    assert listed == group.COMMAND_MODULES
