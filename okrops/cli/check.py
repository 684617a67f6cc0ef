"""Commands that check and report: ``validate``, ``lint`` and ``status``.

The work is done in :mod:`okrops.validate`, :mod:`okrops.lint`, :mod:`okrops.status` and
:mod:`okrops.reporters`; these only parse options, call them and pick the output.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Optional

import click

from okrops.cli.options import (CONTEXT_SETTINGS, as_of_option, changed_scope, complete_cycles, complete_units, emit,
                                paths_argument, scoped, today_option)


@click.command(context_settings=CONTEXT_SETTINGS, short_help="Check OKR files against the schemas and each other.")
@paths_argument
@click.option("--format", "output_format", type=click.Choice(["text", "json", "github"]), default="text",
              show_default=True, help="text: file:line:col lines; json: one document; github: workflow annotations.")
def validate(paths: tuple[str, ...], changed: bool, output_format: str) -> None:
    """Check OKR files against the schemas and each other.

    Checks every file under okrs/: YAML syntax, the JSON Schemas in schema/, unique ids, that
    references (parents, strategies, owners, initiatives' key results) resolve, that alignment
    has no cycles and that a child's cycle lies within its parent's.

    A repeated run redoes only what changed since the last one (okrops/runcache.py). With
    --changed (the pre-commit hook), only the findings about the given files and the files
    one reference away from them are reported.

    Exit status: 0 clean, 1 problems found, 2 usage or I/O error.

    \b
    Example:
        okrops validate
        okrops validate path/to/repo --format github
        okrops validate --changed okrs/platform/2026-Q4.yaml
    """
    from okrops.runcache import validate_run

    path, files = changed_scope(paths, changed)
    result = validate_run(path)
    findings = scoped(result.findings, result.graph, files, path)
    failed = bool(findings)
    _report_findings(findings, result.files_read, output_format, failed)
    sys.exit(1 if failed else 0)


def _report_findings(findings, files: int, output_format: str, failed: bool, hints: bool = True) -> None:
    from okrops import reporters

    if output_format == "json":
        emit(reporters.findings_json(findings, files, failed))
    elif output_format == "github":
        emit(reporters.findings_github(findings))
        click.echo(reporters.summary_line(findings, files), err=True)
    else:
        emit(reporters.findings_text(findings, files, hints))


@click.command(context_settings=CONTEXT_SETTINGS, short_help="Check that the OKRs are good OKRs.")
@paths_argument
@click.option("--format", "output_format", type=click.Choice(["text", "json", "github"]), default="text",
              show_default=True, help="Output format.")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info"]), default="error", show_default=True,
              help="Exit 1 when a finding of this severity or worse is reported.")
@click.option("--rule", "only", multiple=True, metavar="RULE", help="Run only this rule (repeatable).")
@click.option("--no-hints", is_flag=True, help="Leave out the fix hints in text output.")
@click.option("--list-rules", is_flag=True, help="List every rule with its severity, options and rationale, then exit.")
@today_option
@as_of_option
def lint(paths, changed, output_format, fail_on, only, no_hints, list_rules, today, as_of) -> None:
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
        okrops lint --as-of 2026-08-01
        okrops lint --changed okrs/platform/2026-Q4.yaml
    """
    from okrops.findings import Severity
    from okrops.lint import LintContext, all_rules
    from okrops.lint import lint as run_lint

    rules = all_rules()
    if list_rules:
        emit(_rules_text(rules))
        return
    unknown = [r for r in only if r not in rules]
    if unknown:
        raise click.BadParameter(f"unknown rule {unknown[0]!r}; see okrops lint --list-rules", param_hint="--rule")
    path, files = changed_scope(paths, changed)
    with validated_at(path, as_of, today) as (result, when):
        findings = list(result.findings)
        graph = None
        if result.organisation is not None:
            from okrops.filegraph import edges
            from okrops.record.includes import last_checkins_across
            from okrops.review.approvals import approved_dependencies

            org = result.organisation
            ctx = LintContext(org, when, last_checkins_across(org), approved_dependencies(org))
            findings += run_lint(ctx, only)
            graph = edges(org) if files is not None else None
        findings = scoped(findings, graph, files, path)
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


@click.command(context_settings=CONTEXT_SETTINGS, short_help="Show where the organisation stands this cycle.")
@click.argument("unit", required=False, shell_complete=complete_units)
@click.option("--cycle", "cycle", metavar="CYCLE", shell_complete=complete_cycles, help="Cycle id (default: the cycles running today).")
@click.option("--format", "output_format", type=click.Choice(["table", "json", "csv", "markdown"]), default="table",
              show_default=True, help="table for people; json and csv for other tools; markdown for reports.")
@click.option("--detail/--no-detail", default=None,
              help="Show objectives and key results (default: on when a UNIT is given, and for json and csv).")
@click.option("--repo", "path", type=click.Path(exists=True, file_okay=False), help="The OKR repository (default: here).")
@click.option("--width", type=click.IntRange(60, 400), default=None, help="Table width (default: the terminal's, at most 100).")
@click.option("--public", "public_only", is_flag=True,
              help="Only what the site shows: public units and objectives, scored as the site scores them.")
@today_option
@as_of_option
def status(unit, cycle, output_format, detail, path, width, public_only, today, as_of) -> None:
    """Show where the organisation stands this cycle.

    The organisation tree with each unit's score, progress bar, expected progress (the elapsed
    share of the cycle), mean confidence and flags (off track, at risk, no data, stale). With
    a UNIT, that unit and the units below it, with every objective and key result.

    Scores count private objectives and units too (flagged 'incl. N private' and 'private');
    the site shows only public ones. With --public, status counts what the site counts, and
    the two agree.

    \b
    Example:
        okrops status
        okrops status platform --cycle 2026-Q3
        okrops status --format csv > status.csv
        okrops status --as-of 2026-10-12
    """
    from okrops import reporters
    from okrops.record.includes import last_checkins_across
    from okrops import status as status_module

    if detail is None:
        detail = unit is not None or output_format in ("json", "csv")
    with validated_at(path, as_of, today) as (result, when):
        org = _clean(result)
        if public_only and unit is not None and org.is_private_unit(unit):
            from okrops.errors import UsageError

            raise UsageError(f"{unit} is private (or below a private unit): --public leaves it out")
        report = status_module.build(org, when, unit, cycle, detail, last_checkins_across(org),
                                     include_private=not public_only)
    if output_format == "json":
        emit(reporters.status_json(report))
    elif output_format == "csv":
        click.echo(reporters.status_csv(report), nl=False)
    elif output_format == "markdown":
        emit(reporters.status_markdown(report))
    else:
        columns = width or min(100, max(60, _terminal_width()))
        emit(reporters.status_table(report, columns))


def _terminal_width() -> int:
    import shutil

    return shutil.get_terminal_size((80, 24)).columns


@contextmanager
def validated_at(path, as_of: Optional[str], today: Optional[str]):
    """``with validated_at(path, as_of, today) as (result, day)``: the validated repository and the day to judge it on.

    Without ``as_of``: the working tree, and today (``--today``, ``OKROPS_TODAY``). With it: the
    OKRs as they stood then (:mod:`okrops.record.snapshot`), judged on that day unless
    ``--today`` is given on the command line.
    """
    from okrops import clock
    from okrops.validate import validate as run_validate

    if not as_of:
        yield run_validate(path), clock.today(today)
        return
    from click.core import ParameterSource

    from okrops.cli.options import as_of_note
    from okrops.record import snapshot

    given = click.get_current_context().get_parameter_source("today") == ParameterSource.COMMANDLINE
    with snapshot.validated(path, as_of) as (result, then):
        as_of_note(then)
        yield result, clock.today(today) if given else then.day


def _clean(result):
    """The organisation of a validated repository; refuse (exit 1) when it has errors."""
    from okrops import reporters
    from okrops.errors import LoadError
    from okrops.findings import Severity

    errors = [f for f in result.findings if f.severity == Severity.ERROR]
    if errors or result.organisation is None:
        click.echo(reporters.findings_text(errors, result.files_read), err=True)
        raise LoadError("the OKR repository has errors (above); fix them, then run this again")
    return result.organisation


COMMANDS = [validate, lint, status]
