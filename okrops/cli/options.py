"""What the okrops commands share: context settings, common options, finding the repository, output."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import click

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def path_argument(function):
    """An optional PATH argument: the repository, or a file or folder inside it."""
    return click.argument("path", required=False, type=click.Path(file_okay=True, dir_okay=True))(function)


def paths_argument(function):
    """``[PATH]...``: the repository (or a file or folder inside it); with ``--changed``, the files a commit changes."""
    function = click.option(
        "--changed", is_flag=True,
        help="The PATHs are changed files (pre-commit passes them): report only the findings about them and about "
             "the files whose references point into or out of them (all findings when okrops.yaml or a file outside "
             "okrs/ changed). The whole organisation is still checked.")(function)
    return click.argument("paths", nargs=-1, metavar="[PATH]...", type=click.Path(file_okay=True, dir_okay=True))(function)


def changed_scope(paths: tuple[str, ...], changed: bool) -> tuple[Optional[str], Optional[list[str]]]:
    """(where to find the repository, the changed files relative to its root or None) for ``paths_argument``."""
    if not changed:
        if len(paths) > 1:
            raise click.UsageError("give one PATH (the repository), or --changed with the changed files")
        return (paths[0] if paths else None), None
    from okrops.location import find_okrs_dir

    root, _ = find_okrs_dir(next((p for p in paths if os.path.exists(p)), None))  # a deleted file: from here
    return str(root), [Path(os.path.relpath(os.path.abspath(p), root)).as_posix() for p in paths]


def scoped(findings: list, graph, files: Optional[list[str]], root: str) -> list:
    """``findings``, or with changed ``files`` only those that concern them (:func:`okrops.filegraph.concerning`)."""
    if files is None:
        return findings
    if graph is None:  # the organisation could not be read: every finding concerns every file
        return findings
    from okrops.filegraph import concerning
    from okrops.location import find_okrs_dir

    root_path, okrs_dir = find_okrs_dir(root)
    return concerning(findings, graph, files, Path(os.path.relpath(okrs_dir, root_path)).as_posix())


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


class _Parsed(click.ParamType):
    """A value read by okrops' one parser for it (numbers, confidences), with the parser's message on failure."""

    def __init__(self, name: str, parse):
        self.name, self._parse = name, parse

    def convert(self, value, param, ctx):
        from okrops.errors import OkropsError

        if value is None or not isinstance(value, str):
            return value
        try:
            return self._parse(value)
        except OkropsError as error:
            self.fail(error.message, param, ctx)


def _number(text: str):
    from okrops.record.checkin import parse_value

    return parse_value(text)


def _confidence(text: str):
    from okrops.record.checkin import parse_confidence

    return parse_confidence(text)


def _range(text: str):
    from okrops.errors import UsageError
    from okrops.record.checkin import parse_value

    low, sep, high = text.partition("..")
    if not sep:
        raise UsageError(f"{text!r} is not a range: write MIN..MAX, e.g. 95..99")
    return parse_value(low, "the range's minimum"), parse_value(high, "the range's maximum")


NUMBER = _Parsed("number", _number)  # 42, -3, 0.75; examples for what was typed when it is not one
CONFIDENCE = _Parsed("confidence", _confidence)  # 0.7 or 70%, as check-ins read it
RANGE = _Parsed("range", _range)  # MIN..MAX


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


# --- shell completion ------------------------------------------------------------------------
# Arguments and options that name a unit, cycle or reference complete from the repository given
# with --repo (or the one here). Completion never prints or fails: a repository that cannot be
# read completes nothing.


def _completion_org(ctx: click.Context):
    from okrops.repository import load

    try:
        return load(ctx.params.get("path")).organisation
    except Exception:  # noqa: BLE001 - completion must never break the shell
        return None


def _items(names, incomplete: str):
    from click.shell_completion import CompletionItem

    return [CompletionItem(name) for name in sorted(set(names)) if name.startswith(incomplete)]


def complete_units(ctx: click.Context, param, incomplete: str):
    org = _completion_org(ctx)
    return _items(org.units, incomplete) if org else []


def complete_cycles(ctx: click.Context, param, incomplete: str):
    org = _completion_org(ctx)
    return _items(org.config.cycles, incomplete) if org else []


def complete_strategies(ctx: click.Context, param, incomplete: str):
    org = _completion_org(ctx)
    return _items(org.strategy.strategies, incomplete) if org else []


def complete_refs(*kinds: str):
    """Completion of references of ``kinds``: unit, unit-cycle, objective, key-result."""
    def complete(ctx: click.Context, param, incomplete: str):
        org = _completion_org(ctx)
        if org is None:
            return []
        names: list[str] = []
        if "unit" in kinds:
            names += org.units
        if "unit-cycle" in kinds:
            names += [f"{unit}/{cycle}" for unit, cycle in org.cycle_files]
        if "objective" in kinds:
            names += org.objectives
        if "key-result" in kinds:
            names += org.key_results
        return _items(names, incomplete)

    return complete
