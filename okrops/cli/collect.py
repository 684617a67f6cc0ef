"""``okrops collect``: fetch key result and KPI values from their sources and check them in with provenance.

The work is done in :mod:`okrops.collect.runner`; this module parses options and prints.
"""

from __future__ import annotations

import sys

import click

from okrops.cli.options import CONTEXT_SETTINGS, repo_option, today_option


@click.command(context_settings=CONTEXT_SETTINGS, short_help="Fetch values from their sources and check them in.")
@click.argument("names", nargs=-1, metavar="[UNIT|REF]...")
@click.option("--dry-run", is_flag=True, help="Fetch and show the values; write and commit nothing.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github"]), default="text", show_default=True,
              help="text: a table; json: one document; github: workflow annotations and a summary.")
@click.option("--branch", metavar="NAME", help="Commit on a new branch NAME (for review in a pull request).")
@click.option("--jobs", type=click.IntRange(1, 64), metavar="N",
              help="Sources fetched at once (default: collect.jobs in okrs/okrops.yaml, else 8).")
@repo_option
@today_option(help="Which cycles are running: as of this date (also OKROPS_TODAY).")
def collect(names, dry_run, fmt, branch, jobs, path, today) -> None:
    """Fetch key result and KPI values from their source: and check in the ones that changed.

    Runs the sources of the running cycles' key results and of every unit's KPIs (or of the
    units and references given, a unit with the units below it), several at once, and records
    every changed value as one check-in commit. Each value's trailers say where it came from:
    Okr-Source (the kind), Okr-Query (what was asked), Okr-Fetched (when, UTC) and Okr-Digest
    (sha256 of the raw response). Values equal to the current one are not recorded.

    A source that fails (cannot connect, times out, an HTTP error, no number, more than one
    number, not a finite number, a missing environment variable) is reported with its reason and
    makes the exit status 1; it records nothing for that value and the other sources go on.
    Secrets come from environment variables only; command sources run only where okrs/okrops.yaml
    says collect: {commands: true}.

    Exit status: 0 all sources answered, 1 a source failed (or the commit failed), 2 usage error.

    \b
    Example:
        okrops collect
        okrops collect platform --dry-run
        okrops collect platform/kpi/uptime platform/2026-Q4/O1/KR2 --format json
        okrops collect --branch collect-week-48
    """
    from okrops import clock, progress
    from okrops.cli.checkins import _load
    from okrops.cli.progress import terminal
    from okrops.collect import runner
    from okrops.safetext import json_dumps

    org = _load(path)
    targets = runner.select(org, names, clock.today(today))
    with progress.showing(terminal()):  # a bar on a terminal (stderr); plain lines in CI; nothing if quick
        outcomes = runner.run(org, targets, jobs)
    result = None if dry_run else runner.record(org, outcomes, branch=branch)
    failed = any(o.status == runner.FAILED for o in outcomes)
    if fmt == "json":
        click.echo(json_dumps(_document(outcomes, result, dry_run), indent=2))
    elif fmt == "github":
        click.echo(_annotations(outcomes, result, dry_run))
    else:
        click.echo(_table(outcomes, result, dry_run, len(targets)))
    sys.exit(1 if failed else 0)


def _number(value) -> str:
    from okrops.numbers import format_number

    return "-" if value is None else format_number(value)


def _change(outcome) -> str:
    from okrops.collect import runner

    if outcome.status == runner.FAILED:
        return f"{_number(outcome.previous)} (kept)"
    if outcome.status == runner.UNCHANGED:
        return f"{_number(outcome.value)} (unchanged)"
    return f"{_number(outcome.previous)} → {_number(outcome.value)}"


def _table(outcomes, result, dry_run: bool, count: int) -> str:
    from okrops.collect import runner
    from okrops.safetext import terminal_line

    if not outcomes:
        return "No sources to collect: add source: to a key result of a running cycle or to a KPI."
    rows = [("REFERENCE", "VALUE", "SOURCE", "TIME")]
    for o in outcomes:
        rows.append((terminal_line(o.ref), _change(o), terminal_line(f"{o.kind}: {o.query}")[:70], f"{o.seconds:.2f} s"))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    lines = ["  ".join(r[i].ljust(widths[i]) for i in range(3)) + "  " + r[3] for r in rows]
    failures = [o for o in outcomes if o.status == runner.FAILED]
    for o in failures:
        lines.append(f"error: {terminal_line(o.ref)}: {terminal_line(o.reason)} (nothing recorded for it)")
    changed = sum(o.status == runner.CHANGED for o in outcomes)
    summary = f"{count} sources: {changed} changed, {len(failures)} failed, {len(outcomes) - changed - len(failures)} unchanged."
    if dry_run:
        summary += " Dry run: nothing written."
    elif result is not None:
        summary += f" Recorded in [{result.commit[:10]}] {terminal_line(result.subject)}"
        if result.branch:
            summary += f" on the new branch {terminal_line(result.branch)}"
    lines.append(summary)
    return "\n".join(lines)


def _document(outcomes, result, dry_run: bool) -> dict:
    from okrops.collect import runner

    return {
        "status": "fail" if any(o.status == runner.FAILED for o in outcomes) else "ok",
        "dry_run": dry_run,
        "commit": result.commit if result else None,
        "branch": result.branch if result else None,
        "values": [{
            "ref": o.ref, "status": o.status, "kind": o.kind, "query": o.query, "previous": o.previous,
            "value": o.value, "reason": o.reason or None, "seconds": round(o.seconds, 3),
            "fetched": o.provenance.fetched if o.provenance else None,
            "digest": o.provenance.digest if o.provenance else None,
        } for o in outcomes],
    }


def _annotations(outcomes, result, dry_run: bool) -> str:
    from okrops.collect import runner
    from okrops.safetext import workflow_data, workflow_property

    lines = []
    for o in outcomes:
        title = workflow_property(f"okrops collect {o.ref}")
        if o.status == runner.FAILED:
            lines.append(f"::error title={title}::{workflow_data(f'{o.kind} source failed: {o.reason}')}")
        elif o.status == runner.CHANGED:
            lines.append(f"::notice title={title}::{workflow_data(f'{_change(o)} from {o.kind}: {o.query}')}")
    changed = sum(o.status == runner.CHANGED for o in outcomes)
    if result is not None:
        lines.append(f"::notice title=okrops collect::{workflow_data(f'{changed} values recorded in {result.commit[:10]}')}")
    elif dry_run:
        lines.append("::notice title=okrops collect::dry run, nothing written")
    return "\n".join(lines)


COMMANDS = [collect]
