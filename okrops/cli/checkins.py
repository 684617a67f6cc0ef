"""Commands for check-ins and their history: ``checkin`` and ``history``.

Registered on the main group with ``cli.add_command``; the work is done in
:mod:`okrops.record.checkin` and :mod:`okrops.record.history`.
"""

from __future__ import annotations

import shlex
import sys
from typing import Optional

import click

from okrops.cli.options import CONTEXT_SETTINGS, as_of_note, as_of_option, complete_cycles, complete_refs, repo_option
from okrops.model import is_kpi_ref


def _load(path: Optional[str]):
    """Load the repository; a user error (exit 2) when there is none, findings do not stop a check-in."""
    from okrops.errors import LoadError
    from okrops.repository import load

    result = load(path)
    if result.organisation is None:
        raise LoadError("okrs/okrops.yaml has errors: run okrops validate, fix them, then try again")
    return result.organisation


@click.command(context_settings=CONTEXT_SETTINGS, short_help="Record new key result values in one commit.")
@click.argument("ref", required=False, shell_complete=complete_refs("key-result", "unit"))
@click.argument("value", required=False)
@click.option("-c", "--confidence", metavar="0..1", help="How likely the target will be reached: 0 to 1, or a percentage (70%).")
@click.option("-m", "--message", "note", default="", help="A note for the people reading the history.")
@click.option("--from", "from_file", type=click.Path(exists=True, dir_okay=False),
              help="Check in many key results and KPIs from a YAML or CSV file (ref, value, confidence, note; the "
                   "CSV delimiter is read from the header). Every bad row is reported at once; nothing is written.")
@click.option("-i", "--interactive", is_flag=True,
              help="Walk a unit's key results (REF is the unit), show each last value and ask for the new one.")
@click.option("--cycle", metavar="CYCLE", shell_complete=complete_cycles, help="With --interactive: the cycle (default: the one running today).")
@click.option("--date", "when", metavar="DATE",
              help="Back-fill: the check-in's date (YYYY-MM-DD or ISO date-time); not in the future, "
                   "not before the key result's cycle starts.")
@click.option("--allow-before-cycle", is_flag=True,
              help="Accept a check-in dated (by --date, or today) before the key result's cycle starts "
                   "(a deliberate back-fill).")
@click.option("--branch", metavar="NAME", help="Commit on a new branch NAME (for a pull request) and switch to it.")
@click.option("--push", is_flag=True, help="Push the commit's branch to --remote after committing.")
@click.option("--remote", default="origin", show_default=True, help="The remote for --push.")
@click.option("--from-issue", "from_issue", metavar="EVENT.json", type=click.Path(exists=True, dir_okay=False),
              help="Check in from a GitHub issues or issue_comment event (the check-in form, or a /checkin "
                   "comment): check who may, commit in the author's name, push, comment and close the issue.")
@repo_option
@click.option("--today", metavar="YYYY-MM-DD", envvar="OKROPS_TODAY", help="With --interactive: evaluate as of this date.")
def checkin(ref, value, confidence, note, from_file, interactive, cycle, when, allow_before_cycle, branch, push, remote,
            from_issue, path, today) -> None:
    """Record new values of key results and KPIs: edit the YAML and make one commit.

    REF is a key result (<unit>/<cycle>/<objective>/<key result>) or a KPI (<unit>/kpi/<id>, in the
    unit's unit.yaml; a KPI has no confidence). For an ordinal key result (levels:) VALUE is the
    name of the level reached, in any case; Okr-Level carries it and Okr-Value its position.

    The value (and confidence) are written into the key result's YAML file, leaving the
    rest of the file byte-for-byte as it was, and committed with a subject for people and
    git trailers (Okr-Checkin, Okr-Value, Okr-Confidence, Okr-Note) for tools. Only the
    edited files are committed; other staged changes stay staged.

    Refuses, writing nothing, when a target file has uncommitted changes, a merge or rebase is
    in progress, a reference is unknown, a value is not a number (or not one of an ordinal key
    result's levels), a confidence is outside 0..1,
    git has no user.name and user.email, --date is in the future, or the check-in's date (--date,
    else today) is before the key result's cycle starts.
    All or nothing: when the commit fails (a hook rejects it, the disk is full, Ctrl-C), the
    repository is left exactly as it was. Check-ins running at the same time take turns (one
    waits up to OKROPS_LOCK_TIMEOUT seconds, default 30, for another to finish).

    Exit status: 0 checked in, 1 the commit or the push failed, 2 refused (nothing written).

    \b
    Example:
        okrops checkin platform/2026-Q4/O1/KR2 42 --confidence 0.6 -m "Two big customers migrated"
        okrops checkin platform/kpi/uptime 99.95
        okrops checkin platform/2026-Q4/O2/KR1 beta
        okrops checkin --from checkins.csv --branch checkin-week-47 --push
        okrops checkin platform --interactive
        okrops checkin --from-issue "$GITHUB_EVENT_PATH"
    """
    from okrops.record import checkin as core
    from okrops.errors import UsageError

    if from_issue:
        if ref or value or from_file or interactive or branch or push or when:
            raise UsageError("--from-issue takes everything from the event: no REF, VALUE, --from, --interactive, "
                             "--branch, --push or --date")
        _from_issue(from_issue, path, remote)
        return
    when_iso = core.parse_date(when)
    if from_file:
        if ref or value or interactive:
            raise UsageError("--from takes no REF or VALUE and does not combine with --interactive")
        requests = core.read_requests(from_file)
        if confidence or note:
            raise UsageError("--confidence and --message go in the file with --from (columns confidence, note)")
        org = core.load_for([r.ref for r in requests], path) or _load(path)
    elif interactive:
        if not ref or value:
            raise UsageError("--interactive takes the unit to walk, e.g. okrops checkin platform --interactive")
        org = _load(path)
        requests = _ask(org, ref, cycle, today)
        if not requests:
            click.echo("Nothing to check in.")
            return
    else:
        if not ref or value is None:
            raise UsageError("give a key result and its new value, e.g. okrops checkin platform/2026-Q4/O1/KR2 42; "
                             "or use --from FILE or --interactive (see okrops checkin --help)")
        org = core.load_for([ref], path) or _load(path)
        requests = [core.Request(ref, value, confidence, note)]
    result = core.checkin(org, requests, when=when_iso, branch=branch, push=push, remote=remote,
                          allow_before_cycle=allow_before_cycle)
    click.echo(f"[{result.commit[:10]}] {result.subject}")
    if len(result.changes) > 1:
        for change in result.changes:
            click.echo(f"  {change.ref}: {core._change_text(change)}")
    if result.branch:
        click.echo(f"On new branch {result.branch}: open a pull request for it to be reviewed.")
    if push:
        if result.pushed:
            click.echo(f"Pushed {result.branch or 'the branch'} to {remote}.")
        else:
            click.echo(f"Error: committed, but the push failed: {result.push_error}\n"
                       f"Push it yourself with: {shlex.join(['git', 'push', remote, 'HEAD'])}", err=True)
            sys.exit(1)


def _from_issue(event_path: str, path: Optional[str], remote: str) -> None:
    """``--from-issue``: record the check-in of a GitHub event; the outcome also for the workflow's next steps."""
    import os

    from okrops.record import issueform

    event = issueform.read_event(event_path, os.environ.get("GITHUB_EVENT_NAME"))
    outcome = issueform.handle(event, _load(path), remote=remote)
    click.echo(f"{outcome.status}: {outcome.message}")
    if os.environ.get("GITHUB_OUTPUT"):
        with open(os.environ["GITHUB_OUTPUT"], "a", encoding="utf-8") as out:
            out.write(f"outcome={outcome.status}\ncommit={outcome.commit}\n")
    if os.environ.get("GITHUB_STEP_SUMMARY") and outcome.status != "ignored":
        with open(os.environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as out:
            out.write(f"### Check-in from #{event.number}\n\n{outcome.message}\n")


def _ask(org, unit: str, cycle_id: Optional[str], today: Optional[str]):
    from okrops.record import checkin as core
    from okrops import clock
    from okrops.record import gitlog
    from okrops.record import history
    from okrops import references, safetext
    from okrops.errors import UnknownReference

    if unit not in org.units:
        raise UnknownReference(references.unknown_unit(org, unit))
    if cycle_id is None:
        cycle = org.current_cycle(clock.today(today))
        cycle_id = cycle.id if cycle else None
    objectives = org.objectives_of(unit, cycle_id) if cycle_id else []
    if not objectives:
        raise UnknownReference(f"{unit} has no key results in cycle {cycle_id}; pick one with --cycle")
    last = history.last_checkins(org) or {}
    click.echo(f"Check-in for {org.units[unit].name} ({unit}), {cycle_id}. Press Enter to skip a key result.")
    requests = []
    for objective in objectives:
        click.echo(f"\n{objective.id}: {objective.title}")
        for kr in objective.key_results:
            target = kr.target if kr.direction != "range" else f"{kr.range_min}..{kr.range_max}"
            seen = last.get(kr.ref)
            click.echo(f"  {kr.id}: {kr.title}")
            if kr.ordinal is not None:
                now = f"      now level {safetext.terminal_line(kr.ordinal.reached or 'none')} (levels: " \
                    + ", ".join(safetext.terminal_line(name) for name in kr.ordinal.levels) + ")"
            else:
                now = f"      now {gitlog.format_number(kr.current)} {kr.measure_unit}".rstrip() \
                    + f", target {target if isinstance(target, str) else gitlog.format_number(target)}"
            click.echo(now + f", confidence {gitlog.format_number(kr.confidence)}"
                       + f", last check-in {seen.isoformat() if seen else 'never'}")
            while True:
                raw = click.prompt("      new level" if kr.ordinal is not None else "      new value", default="",
                                   show_default=False).strip()
                if not raw:
                    break
                try:
                    if kr.ordinal is not None:
                        core.parse_level(org, kr, raw)
                    else:
                        core.parse_value(raw)
                    break
                except click.ClickException as exc:
                    click.echo(f"      {exc.message}")
            if not raw:
                continue
            default_conf = gitlog.format_number(kr.confidence) if kr.confidence is not None else ""
            while True:
                conf = click.prompt("      confidence 0..1", default=default_conf, show_default=bool(default_conf)).strip()
                try:
                    core.parse_confidence(conf)
                    break
                except click.ClickException as exc:
                    click.echo(f"      {exc.message}")
            note = click.prompt("      note", default="", show_default=False).strip()
            requests.append(core.Request(kr.ref, raw, conf or None, note))
    return requests


@click.command(context_settings=CONTEXT_SETTINGS, short_help="Show the check-in history of key results.")
@click.argument("target", required=False, shell_complete=complete_refs("unit", "unit-cycle", "objective", "key-result"))
@click.option("--since", metavar="YYYY-MM-DD", help="Only check-ins on or after this date.")
@click.option("--format", "output_format", type=click.Choice(["table", "json", "csv"]), default="table",
              show_default=True, help="table for people; json and csv for other tools.")
@click.option("--stale", is_flag=True, help="List the key results and units with no check-in within the cadence instead.")
@click.option("--unverified", is_flag=True,
              help="List the check-in trailers that their commits do not bear out instead, with the reason.")
@click.option("--evidence", is_flag=True,
              help="List the evidence instead: commits and merged pull requests (here and in the delivery repositories "
                   "of okrops.yaml) that name the key result or initiative ('Okr-Evidence: REF' or REF in the message).")
@repo_option
@click.option("--today", metavar="YYYY-MM-DD", envvar="OKROPS_TODAY", help="With --stale: evaluate as of this date.")
@as_of_option
def history(target, since, output_format, stale, unverified, evidence, path, today, as_of) -> None:
    """Show the check-in history of a key result, an objective, a unit or the organisation.

    The time series of values and confidence with author, date, note and commit, oldest first,
    read from git. A check-in counts only when its commit changed that key result's value in
    its file to the value in the trailer; other trailers are unverified and listed only with
    --unverified. Values edited by hand (for example in a reviewed pull request, without
    check-in trailers) are recovered from the file change and marked 'edit'. Entries that cannot
    be read (a value that is not a number, say) are skipped with a warning on stderr.

    TARGET is a key result (unit/cycle/objective/kr), an objective, unit/cycle, a unit (with the
    units below it) or a KPI (unit/kpi/id: its check-ins); without it, the whole organisation.

    \b
    Example:
        okrops history platform/2026-Q4/O1/KR2
        okrops history platform --since 2026-10-01 --format csv > platform.csv
        okrops history platform/kpi/uptime
        okrops history --stale
        okrops history --unverified --format json
        okrops history platform --as-of 2026-11-01
        okrops history platform/2026-Q4/O1/KR2 --evidence --format json
    """
    from okrops.errors import UsageError

    if sum((stale, unverified, evidence)) > 1:
        raise UsageError("--stale, --unverified and --evidence do not go together: pick one")
    if evidence:
        stale = "evidence"
    if not as_of:
        _history(_load(path), target, since, output_format, stale, unverified, today)
        return
    from click.core import ParameterSource

    from okrops.errors import LoadError
    from okrops.record import snapshot

    with snapshot.validated(path, as_of, check=False) as (result, then):
        if result.organisation is None:
            raise LoadError(f"okrs/okrops.yaml has errors {then.label}: run okrops validate there")
        as_of_note(then)
        given = click.get_current_context().get_parameter_source("today") == ParameterSource.COMMANDLINE
        _history(result.organisation, target, since, output_format, stale, unverified,
                 today if given else then.day.isoformat())


def _history(org, target, since, output_format, stale, unverified, today) -> None:
    from datetime import date

    from okrops import clock
    from okrops.errors import UsageError
    from okrops.record import history as core

    if stale == "evidence":
        print_evidence(org, target, output_format)
        return
    if stale:
        _print_stale(org, clock.today(today), output_format)
        return
    since_day = None
    if since:
        try:
            since_day = date.fromisoformat(since)
        except ValueError:
            raise UsageError(f"invalid date {since!r} for --since: use YYYY-MM-DD") from None
    from okrops.record.gitlog import git_toplevel

    if git_toplevel(core.record_source(org)[0]) is None:
        click.echo(f"{org.root} is not in a git repository: there is no check-in history.", err=True)
    from okrops import progress
    from okrops.cli.progress import terminal
    from okrops.record import historyformat

    kpi = bool(target) and is_kpi_ref(target.strip("/"))
    if output_format != "table" and not unverified and not kpi:
        from okrops.record import historyencoded

        with progress.showing(terminal()):  # encoding the rows the first time takes seconds on a big history
            pieces = historyencoded.document(org, output_format, target, since_day)
        if pieces is not None:
            _write_escaped(pieces + ([b"\n"] if output_format == "json" else []))
            return
    if kpi:
        rows = _kpi_history(org, target.strip("/"), since_day)
    else:
        from okrops.record.includes import read_history_across

        with progress.showing(terminal()):  # reading without the cache takes seconds on a big history
            found = read_history_across(org, since_day, unverified=unverified)
        rows = core.select(org, found, target)
    if output_format != "table":
        # As UTF-8 bytes: click then writes them as they are (a text is searched for terminal
        # escapes first, 0.3 s on a big history; every control character is escaped already).
        click.echo(historyformat.document(rows, output_format), nl=output_format == "json")
    else:
        click.echo(history_table(rows, unverified))


def _write_escaped(pieces: list) -> None:
    """Write UTF-8 text that has every control character escaped already (JSON by json_safe, CSV cells by
    csv_text) to stdout as it is, in pieces: the guard on stdout (okrops.safetext.guarded_streams) would leave it
    as it is too, after copying and searching 40 MB for a big history."""
    from okrops.safetext import unguarded

    stream = unguarded(sys.stdout)
    binary = getattr(stream, "buffer", None)
    if binary is None:  # a text-only stream: through click and the guard, as any output
        click.echo(b"".join(pieces), nl=False)
        return
    stream.flush()
    for piece in pieces:
        binary.write(piece)
    binary.flush()


def _kpi_history(org, ref: str, since):
    """A KPI's verified check-ins (okrops.record.kpihistory), oldest first."""
    from okrops.errors import UnknownReference
    from okrops.record import checkin, kpihistory

    if checkin.target(org, ref) is None:
        raise UnknownReference(checkin.unknown_reference_message(org, ref))
    return [c for c in kpihistory.read(org).get(ref, []) if since is None or c.day >= since]


def history_table(rows, unverified: bool = False) -> str:
    from okrops.record.gitlog import format_number as num
    from okrops.safetext import terminal_line

    if not rows:
        return "No unverified check-ins found." if unverified else "No check-ins found."
    table = [("date", "key result", "value", "conf", "author", "commit", "reason" if unverified else "note")]
    for c in rows:
        value = num(c.value) if c.previous is None else f"{num(c.previous)} -> {num(c.value)}"
        if c.level is not None:
            value = c.level if c.previous_level is None else f"{c.previous_level} -> {c.level}"
        note = terminal_line(" ".join(c.note.split()))
        if unverified:
            note = terminal_line(c.reason)
        elif c.kind != "checkin":
            note = f"[{terminal_line(c.kind)} by hand] {note}"
        table.append((c.when.strftime("%Y-%m-%d %H:%M"), terminal_line(c.ref), terminal_line(value),
                      num(c.confidence) if c.confidence is not None else "", terminal_line(c.author),
                      terminal_line(c.commit[:10]), note[:60] + ("..." if len(note) > 60 else "")))
    widths = [max(len(r[i]) for r in table) for i in range(len(table[0]) - 1)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r[:-1], widths)) + "  " + r[-1] for r in table]
    lines.insert(1, "  ".join("-" * w for w in widths) + "  " + "-" * 4)
    what = "unverified check-in" if unverified else "check-in"
    lines.append(f"{len(rows)} {what}{'s' if len(rows) != 1 else ''}")
    return "\n".join(line.rstrip() for line in lines)


def _print_stale(org, today, output_format: str) -> None:
    import csv
    import io

    from okrops.record import history as core
    from okrops.safetext import csv_text, json_dumps, terminal_line

    report = core.staleness(org, today)
    if report is None:
        click.echo("Not a git repository: no check-in history to judge staleness by.")
        return
    if output_format == "json":
        click.echo(json_dumps({"today": today.isoformat(), "cadence_days": report.cadence_days,
                               "key_results": {k: (v.isoformat() if v else None) for k, v in report.key_results.items()},
                               "units": report.units}, indent=2))
        return
    if output_format == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["ref", "last_checkin"])
        for ref, last in report.key_results.items():
            writer.writerow([csv_text(ref), last.isoformat() if last else ""])
        click.echo(out.getvalue(), nl=False)
        return
    if not report.key_results:
        click.echo(f"No stale key results on {today} (cadence {report.cadence_days} days).")
        return
    click.echo(f"Stale on {today} (no check-in within {report.cadence_days} days):")
    for ref, last in sorted(report.key_results.items()):
        click.echo(f"  {terminal_line(ref)}  last check-in {last.isoformat() if last else 'never'}")
    if report.units:
        click.echo(f"Units with every key result stale: {terminal_line(', '.join(report.units))}")


# --- history --evidence -----------------------------------------------------------------


def _evidence_refs(org, target: Optional[str]) -> list[str]:
    """The key results and initiatives ``target`` (a key result, initiative, objective, unit/cycle or unit) covers."""
    from okrops.errors import UnknownReference

    initiatives = {i.ref for f in org.cycle_files.values() for i in f.initiatives}
    refs = sorted(set(org.key_results) | initiatives)
    if not target:
        return refs
    target = target.strip().strip("/")
    if target in org.units:
        units = {u.slug for u, _depth in org.walk(target)}
        return [r for r in refs if r.split("/", 1)[0] in units]
    chosen = [r for r in refs if r == target or r.startswith(target + "/")]
    if not chosen and target not in org.objectives:
        raise UnknownReference(f"unknown reference {target!r}: give a key result, an initiative (unit/cycle/I1), "
                               "an objective, unit/cycle or a unit")
    return chosen


def print_evidence(org, target: Optional[str], output_format: str) -> None:
    from okrops.record import evidence
    from okrops.safetext import csv_text, json_dumps, terminal_line

    index = evidence.read(org, _evidence_refs(org, target))
    for problem in index.problems:
        click.echo(f"okrops: warning: {terminal_line(problem)}", err=True)
    items = sorted((e for found in index.by_ref.values() for e in found), key=lambda e: (e.day, e.ref), reverse=True)
    rows = [{"date": e.day.isoformat(), "ref": e.ref, "title": e.title, "author": e.author, "repository": e.repository,
             "commit": e.commit, "url": e.url, "pull_request": e.pull_request, "how": e.how} for e in items]
    if output_format == "json":
        click.echo(json_dumps({"evidence": rows, "count": len(rows)}, indent=2))
        return
    if output_format == "csv":
        import csv
        import io

        out = io.StringIO()
        writer = csv.DictWriter(out, list(rows[0]) if rows else ["date", "ref", "title"], lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: csv_text(str(v)) for k, v in row.items()})
        click.echo(out.getvalue(), nl=False)
        return
    if not rows:
        click.echo("No evidence found: name a key result in a commit message, or add a trailer "
                   "'Okr-Evidence: <ref>'.")
        return
    for row in rows:
        pull = f" (#{row['pull_request']})" if row["pull_request"] else ""
        click.echo(f"{row['date']}  {terminal_line(row['ref'])}  {terminal_line(row['repository'])} "
                   f"{row['commit'][:10]}  {terminal_line(row['author'])}: {terminal_line(row['title'][:80])}{pull}")
    click.echo(f"{len(rows)} piece{'s' if len(rows) != 1 else ''} of evidence")


COMMANDS = [checkin, history]
