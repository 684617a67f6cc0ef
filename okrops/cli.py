"""The okrops command line: parse options, call the library, pick a reporter, exit.

No OKR logic lives here; see :mod:`okrops.validate`, :mod:`okrops.lint`,
:mod:`okrops.status` and friends.
"""

from __future__ import annotations

import os
import sys
from typing import Optional

import click

from okrops import __version__

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


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


def path_argument(function):
    return click.argument("path", required=False, type=click.Path(file_okay=True, dir_okay=True))(function)


def today_option(function):
    return click.option(
        "--today", metavar="YYYY-MM-DD", envvar="OKROPS_TODAY",
        help="Evaluate as of this date instead of today (also OKROPS_TODAY).",
    )(function)


@click.group(cls=GuardedGroup, context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "-V", "--version", prog_name="okrops")
def cli() -> None:
    """OKRs as code: validate, lint, score and publish the OKRs kept in a git repository.

    Run the commands inside an OKR repository (one with okrs/okrops.yaml), or pass its path.
    """


def _emit(text: str) -> None:
    if text:
        click.echo(text)


@cli.command()
@path_argument
@click.option("--format", "output_format", type=click.Choice(["text", "json", "github"]), default="text",
              show_default=True, help="text: file:line:col lines; json: one document; github: workflow annotations.")
def validate(path: Optional[str], output_format: str) -> None:
    """Check OKR files against the schemas and each other.

    Checks every file under okrs/: YAML syntax, the JSON Schemas in schema/, unique ids, that
    references (parents, strategies, owners, initiatives' key results) resolve, that alignment
    has no cycles and that a child's cycle lies within its parent's.

    Exit status: 0 clean, 1 problems found, 2 usage or I/O error.

    \b
    Example:
        okrops validate
        okrops validate path/to/repo --format github
    """
    from okrops.validate import validate as run

    result = run(path)
    failed = bool(result.findings)
    _report_findings(result.findings, result.files_read, output_format, failed)
    sys.exit(1 if failed else 0)


def _report_findings(findings, files: int, output_format: str, failed: bool, hints: bool = True) -> None:
    from okrops import reporters

    if output_format == "json":
        _emit(reporters.findings_json(findings, files, failed))
    elif output_format == "github":
        _emit(reporters.findings_github(findings))
        click.echo(reporters.summary_line(findings, files), err=True)
    else:
        _emit(reporters.findings_text(findings, files, hints))


@cli.command()
@path_argument
@click.option("--format", "output_format", type=click.Choice(["text", "json", "github"]), default="text",
              show_default=True, help="Output format.")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info"]), default="error", show_default=True,
              help="Exit 1 when a finding of this severity or worse is reported.")
@click.option("--rule", "only", multiple=True, metavar="RULE", help="Run only this rule (repeatable).")
@click.option("--no-hints", is_flag=True, help="Leave out the fix hints in text output.")
@click.option("--list-rules", is_flag=True, help="List every rule with its severity, options and rationale, then exit.")
@today_option
def lint(path, output_format, fail_on, only, no_hints, list_rules, today) -> None:
    """Check that the OKRs are good OKRs.

    Rules from OKR practice: focus (how many objectives and key results), key results that
    are outcomes with a baseline and a target rather than tasks, objectives that are neither
    vague nor business as usual, alignment to strategy, team ownership, no link to pay,
    staleness and sandbagging. Schema and reference problems are reported too.

    Tune any rule in okrs/okrops.yaml (lint.rules), or for one unit and the units below it in
    its unit.yaml: a severity (error, warning, info, off) or {severity, options}. Silence one
    finding with a comment on its line: '# okrops: ignore[rule-id]'.

    \b
    Example:
        okrops lint
        okrops lint --rule kr-is-task --format json
        okrops lint --list-rules
    """
    from okrops import clock
    from okrops.findings import Severity
    from okrops.lint import LintContext, all_rules
    from okrops.lint import lint as run_lint
    from okrops.validate import validate as run_validate

    rules = all_rules()
    if list_rules:
        _emit(_rules_text(rules))
        return
    unknown = [r for r in only if r not in rules]
    if unknown:
        raise click.BadParameter(f"unknown rule {unknown[0]!r}; see okrops lint --list-rules", param_hint="--rule")
    result = run_validate(path)
    findings = list(result.findings)
    if result.organisation is not None:
        from okrops import history

        org = result.organisation
        ctx = LintContext(org, clock.today(today), history.last_checkins(org))
        findings += run_lint(ctx, only)
    threshold = Severity.parse(fail_on)
    failed = any(f.severity >= threshold for f in findings)
    _report_findings(findings, result.files_read, output_format, failed, hints=not no_hints)
    sys.exit(1 if failed else 0)


def _rules_text(rules) -> str:
    lines = []
    for rule in rules.values():
        options = ", ".join(f"{k}={v!r}" if not isinstance(v, list) else f"{k}=[{len(v)} items]"
                            for k, v in rule.options.items())
        severity = rule.severity.label if rule.on_by_default else f"off by default, {rule.severity.label} when on"
        lines.append(f"{rule.id} ({severity}; {rule.scope.replace('_', ' ')})"
                     + (f"  options: {options}" if options else ""))
        lines.append(f"    why: {rule.rationale}")
        lines.append(f"    fix: {rule.hint}")
    return "\n".join(lines)


@cli.command()
@click.argument("unit", required=False)
@click.option("--cycle", "cycle", metavar="CYCLE", help="Cycle id (default: the cycles running today).")
@click.option("--format", "output_format", type=click.Choice(["table", "json", "csv", "markdown"]), default="table",
              show_default=True, help="table for people; json and csv for other tools; markdown for reports.")
@click.option("--detail/--no-detail", default=None,
              help="Show objectives and key results (default: on when a UNIT is given, and for json and csv).")
@click.option("--repo", "path", type=click.Path(exists=True, file_okay=False), help="The OKR repository (default: here).")
@click.option("--width", type=click.IntRange(60, 400), default=None, help="Table width (default: the terminal's, at most 100).")
@today_option
def status(unit, cycle, output_format, detail, path, width, today) -> None:
    """Show where the organisation stands this cycle.

    The organisation tree with each unit's score, progress bar, expected progress (the elapsed
    share of the cycle), mean confidence and flags (off track, at risk, no data, stale). With
    a UNIT, that unit and the units below it, with every objective and key result.

    \b
    Example:
        okrops status
        okrops status platform --cycle 2026-Q3
        okrops status --format csv > status.csv
    """
    from okrops import clock, history, reporters
    from okrops import status as status_module

    org = _load_clean(path)
    when = clock.today(today)
    if detail is None:
        detail = unit is not None or output_format in ("json", "csv")
    report = status_module.build(org, when, unit, cycle, detail, history.last_checkins(org))
    if output_format == "json":
        _emit(reporters.status_json(report))
    elif output_format == "csv":
        click.echo(reporters.status_csv(report), nl=False)
    elif output_format == "markdown":
        _emit(reporters.status_markdown(report))
    else:
        columns = width or min(100, max(60, _terminal_width()))
        _emit(reporters.status_table(report, columns))


def _terminal_width() -> int:
    import shutil

    return shutil.get_terminal_size((80, 24)).columns


def _load_clean(path):
    """Load a repository for a reporting command; refuse (exit 1) when it does not validate."""
    from okrops import reporters
    from okrops.errors import LoadError
    from okrops.findings import Severity
    from okrops.validate import validate as run_validate

    result = run_validate(path)
    errors = [f for f in result.findings if f.severity == Severity.ERROR]
    if errors or result.organisation is None:
        click.echo(reporters.findings_text(errors, result.files_read), err=True)
        raise LoadError("the OKR repository has errors (above); fix them, then run this again")
    return result.organisation


@cli.command()
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]))
def completion(shell: str) -> None:
    """Print the shell completion script.

    \b
    Example (bash, in ~/.bashrc):
        eval "$(okrops completion bash)"
    """
    from click.shell_completion import get_completion_class

    completion_class = get_completion_class(shell)
    _emit(completion_class(cli, {}, "okrops", "_OKROPS_COMPLETE").source())


def _register_commands() -> None:
    """Commands that live in their own modules (check-ins, the pull-request workflow, the site)."""
    from okrops.cli_checkins import checkin, demo, history
    from okrops.cli_site import site
    from okrops.cli_workflow import COMMANDS as workflow_commands

    for command in (checkin, history, demo, site, *workflow_commands):
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
