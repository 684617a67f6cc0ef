"""Commands for writing OKRs over time: ``init``, ``new`` and ``cycle`` (close and open).

The work is done in :mod:`okrops.rhythm.scaffold`, :mod:`okrops.rhythm.authoring` and
:mod:`okrops.rhythm.cycles`.
"""

from __future__ import annotations


import click

from okrops.cli.options import (CONFIDENCE, CONTEXT_SETTINGS, NUMBER, RANGE, complete_cycles, complete_refs,
                                complete_strategies, complete_units, repo_option, repo_root)


@click.command(context_settings=CONTEXT_SETTINGS, short_help="Create a new OKR repository with CI and a site.")
@click.argument("directory", required=False, default=".", type=click.Path(file_okay=False))
@click.option("--organisation", "--org", "organisation", help="The organisation's name (default: from the folder name).")
@click.option("--unit", help="Folder name of the first unit (default: from the organisation's name).")
@click.option("--maintainer", "maintainers", multiple=True, metavar="@HANDLE",
              help="Git-host handle (@user or @org/team) who reviews the first unit's OKRs (repeatable).")
@click.option("--today", metavar="YYYY-MM-DD", envvar="OKROPS_TODAY", help="Start the cycles from this date's quarter.")
@click.option("--git/--no-git", "git", default=True, show_default=True,
              help="Run git init when DIRECTORY is not inside a git repository (nothing is committed).")
@click.option("--okrops-source", metavar="SOURCE",
              help="Where the workflows and pre-commit get okrops (default: okrops' repository at this version's "
                   "tag): a fork or pinned commit (owner/okrops@3f9c2e1, URL@REF, PATH@REF) or a requirement "
                   "(okrops==0.2.0).")
@click.option("--update", is_flag=True,
              help="Also refresh okrops' own files (workflows, check-in form, pre-commit configuration) that "
                   "are still exactly what an okrops wrote; a file you edited is kept as it is.")
def init(directory, organisation, unit, maintainers, today, git, okrops_source, update) -> None:
    """Create a new OKR repository: OKRs, schemas, site, CI workflows, CODEOWNERS, pre-commit, README.

    Writes into DIRECTORY (default: here) the root configuration with this quarter and the
    next, a strategy, a first unit with example OKRs, the schemas, the site sources, GitHub
    workflows (checks and an OKR diff on pull requests, the site on GitHub Pages),
    CODEOWNERS, a pre-commit configuration and a README. Existing files are never
    overwritten. The result passes okrops validate and okrops lint.

    With --update, okrops' own files (the workflows, the check-in issue form and the
    pre-commit configuration, each ending with an okrops-generated line) are replaced with
    this version's when they are still exactly what an okrops wrote; a file you edited, or
    one without that line, is kept byte for byte. The OKRs, README.md, CODEOWNERS and
    .gitignore are never replaced.

    The workflows use okrops' composite action and the pre-commit configuration its hooks,
    both from okrops' repository at the tag of this version; --okrops-source names another.

    \b
    Example:
        okrops init acme-okrs --org "Acme Inc" --maintainer @acme/leads
        cd acme-okrs && git add . && git commit -m "OKRs as code"
        okrops init --okrops-source acme/okrops-fork@3f9c2e1
        okrops init --update
    """
    from okrops import clock
    from okrops.rhythm import scaffold, source

    result = scaffold.init(directory, organisation, unit, maintainers, clock.today(today), git=git,
                           source=source.parse(okrops_source), update=update)
    for rel in result.created:
        click.echo(f"created {rel}")
    for rel in result.updated:
        click.echo(f"updated {rel}")
    for rel in result.current:
        click.echo(f"up to date {rel}")
    for rel in result.edited:
        click.echo(f"kept    {rel}: you edited it (remove the okrops-generated line to keep it as yours, "
                   "or delete the file and run okrops init --update)")
    for rel in result.unmarked:
        click.echo(f"kept    {rel}: no okrops-generated line, so it is yours (delete it and run "
                   "okrops init --update for this version's)")
    for rel in result.kept:
        click.echo(f"kept    {rel} (exists)")
    for note in result.notes:
        click.echo(f"note: {note}")
    updated = f", {len(result.updated)} updated" if update else ""
    click.echo(f"\n{len(result.created)} files created{updated} in {result.root}. Next: okrops validate && okrops lint")


# --- new -------------------------------------------------------------------------------------


@click.group(context_settings=CONTEXT_SETTINGS, short_help="Add a unit, cycle, objective or key result.")
def new() -> None:
    """Add a unit, cycle, objective, key result or KPI, leaving the rest of each file untouched.

    \b
    Example:
        okrops new unit payments --parent engineering --name "Payments" --maintainer @acme/payments
        okrops new cycle 2027-Q1 --start 2027-01-01 --end 2027-03-31
        okrops new objective payments 2027-Q1 "Paying is effortless" --strategy self-serve
        okrops new kr payments/2027-Q1/O1 "Checkout conversion from 61% to 70%" --baseline 61 --target 70 --unit %
        okrops new kpi payments "Payment success rate" --unit % --healthy '>=99.5' --warning '>=99'
    """


def _echo_written(written, path) -> None:
    click.echo(written.describe(repo_root(path)))


@new.command("unit", context_settings=CONTEXT_SETTINGS, short_help="Create a unit: a folder with a unit.yaml.")
@click.argument("slug")
@click.option("--name", help="Display name (default: from SLUG).")
@click.option("--parent", shell_complete=complete_units, help="The unit this one belongs to (its folder name).")
@click.option("--kind", help="company, department, team, ...")
@click.option("--description", help="What the unit is for.")
@click.option("--maintainer", "maintainers", multiple=True, metavar="@HANDLE", help="Reviewer handle (repeatable).")
@click.option("--private", is_flag=True, help="Keep the unit and everything below it off the site.")
@repo_option
def new_unit(slug, name, parent, kind, description, maintainers, private, path) -> None:
    """Create a unit: a folder with a unit.yaml, below PARENT when given.

    \b
    Example:
        okrops new unit payments --parent engineering --kind team --maintainer @acme/payments
    """
    from okrops.rhythm import authoring

    written = authoring.new_unit(slug, name or slug.replace("-", " ").title(), parent, kind, description,
                                 maintainers, "private" if private else None, path)
    _echo_written(written, path)
    if maintainers:
        click.echo("run okrops codeowners to update .github/CODEOWNERS")


@new.command("cycle", context_settings=CONTEXT_SETTINGS, short_help="Add a cycle to okrs/okrops.yaml.")
@click.argument("cycle_id", metavar="CYCLE")
@click.option("--start", required=True, metavar="YYYY-MM-DD", help="First day.")
@click.option("--end", required=True, metavar="YYYY-MM-DD", help="Last day.")
@click.option("--name", help="Display name, e.g. 'Q1 2027'.")
@repo_option
def new_cycle(cycle_id, start, end, name, path) -> None:
    """Add a cycle to okrs/okrops.yaml.

    \b
    Example:
        okrops new cycle 2027-Q1 --start 2027-01-01 --end 2027-03-31 --name "Q1 2027"
    """
    from okrops.rhythm import authoring

    _echo_written(authoring.new_cycle(cycle_id, start, end, name, path), path)


@new.command("objective", context_settings=CONTEXT_SETTINGS, short_help="Add an objective to a unit's OKRs for a cycle.")
@click.argument("unit", shell_complete=complete_units)
@click.argument("cycle", shell_complete=complete_cycles)
@click.argument("title")
@click.option("--id", "objective_id", help="Objective id (default: the next O<n>).")
@click.option("--why", help="Why it matters now.")
@click.option("--aspirational", is_flag=True, help="A stretch goal: about 0.7 is a good result.")
@click.option("--strategy", "strategies", multiple=True, shell_complete=complete_strategies,
              help="Strategy id it serves (repeatable).")
@click.option("--parent", shell_complete=complete_refs("objective", "key-result"),
              help="The objective or key result one level up, e.g. company/FY2027/O1/KR2.")
@click.option("--owner", help="Owning unit when not UNIT.")
@click.option("--private", is_flag=True, help="Keep it off the site.")
@repo_option
def new_objective(unit, cycle, title, objective_id, why, aspirational, strategies, parent, owner, private, path) -> None:
    """Add an objective to UNIT's OKRs for CYCLE (the file is created when missing).

    \b
    Example:
        okrops new objective payments 2027-Q1 "Paying is effortless" --strategy self-serve --why "..."
    """
    from okrops.rhythm import authoring

    written = authoring.new_objective(unit, cycle, title, objective_id, why, "aspirational" if aspirational else None,
                                      owner, "private" if private else None, strategies, parent, path)
    _echo_written(written, path)
    click.echo(f"add key results with: okrops new kr {written.ref} \"<metric> from X to Y\" --baseline X --target Y")


@new.command("kr", context_settings=CONTEXT_SETTINGS, short_help="Add a key result to an objective.")
@click.argument("objective_ref", metavar="OBJECTIVE", shell_complete=complete_refs("objective"))
@click.argument("title")
@click.option("--id", "kr_id", help="Key result id (default: the next KR<n>).")
@click.option("--metric", help="What is measured.")
@click.option("--unit", "measure_unit", help="Unit of measure, e.g. %, ms, customers.")
@click.option("--baseline", type=NUMBER, help="The value at the start of the cycle.")
@click.option("--target", type=NUMBER, help="The value that means full success.")
@click.option("--range", "band", type=RANGE, metavar="MIN..MAX",
              help="Instead of a target: the band the value should stay in, e.g. 95..99.")
@click.option("--direction", type=click.Choice(["increase", "decrease"]),
              help="Default: decrease when the target is below the baseline.")
@click.option("--current", type=NUMBER, help="The value today, when it is already measured.")
@click.option("--confidence", type=CONFIDENCE, metavar="0..1",
              help="How likely the target will be reached: 0 to 1, or a percentage (70%).")
@click.option("--data-source", help="Where the number comes from.")
@click.option("--weight", type=click.FloatRange(min=0, min_open=True), help="Relative weight (default 1).")
@click.option("--draft", is_flag=True, help="Write it without a target or range (okrops lint reports it until it has one).")
@repo_option
def new_kr(objective_ref, title, kr_id, metric, measure_unit, baseline, target, band, direction, current, confidence,
           data_source, weight, draft, path) -> None:
    """Add a key result to OBJECTIVE (<unit>/<cycle>/<objective>).

    A key result needs a target (or a range) unless --draft is given. A title that reads as
    a task rather than a result gets the kr-is-task warning right away.

    \b
    Example:
        okrops new kr payments/2027-Q1/O1 "Checkout conversion from 61% to 70%" --baseline 61 --target 70 --unit %
        okrops new kr payments/2027-Q1/O1 "p95 latency from 480 ms to 250 ms" --baseline 480 --target 250 --current 470 --confidence 60%
    """
    from okrops.rhythm import authoring

    written = authoring.new_kr(objective_ref, title, kr_id, metric, measure_unit, direction, baseline, target,
                               data_source, weight, path, current=current, confidence=confidence, band=band,
                               draft=draft)
    _echo_written(written, path)
    for finding in authoring.lint_new(path, written.ref):
        click.echo(f"warning: {finding.message} [{finding.rule}]" + (f"; {finding.hint}" if finding.hint else ""),
                   err=True)
    if draft and target is None and band is None:
        click.echo(f"draft: add a target before merging, e.g. edit {written.ref} and set target: <number>", err=True)


@new.command("kpi", context_settings=CONTEXT_SETTINGS, short_help="Add a KPI to a unit's unit.yaml.")
@click.argument("unit")
@click.argument("title")
@click.option("--id", "kpi_id", help="KPI id (default: from TITLE, e.g. api-uptime).")
@click.option("--unit", "measure_unit", help="Unit of measure, e.g. %, ms, tickets.")
@click.option("--healthy", metavar="BAND", help="Where it is healthy (green): '>=99.9', '<=250' or '10..20'.")
@click.option("--warning", metavar="BAND", help="The wider band where it needs watching (amber); outside is red.")
@click.option("--current", type=float, help="The value now (later: okrops checkin UNIT/kpi/ID VALUE).")
@click.option("--data-source", help="Where the number comes from.")
@repo_option
def new_kpi(unit, title, kpi_id, measure_unit, healthy, warning, current, data_source, path) -> None:
    """Add a KPI (a health metric kept apart from OKRs) to UNIT's unit.yaml.

    Its reference is UNIT/kpi/ID: check in its values with okrops checkin UNIT/kpi/ID VALUE, or give
    it a source: for okrops collect.

    \b
    Example:
        okrops new kpi platform "API uptime" --id uptime --unit % --healthy '>=99.9' --warning '>=99.5'
        okrops new kpi support "First response time" --unit h --healthy '<=4' --warning '<=8'
    """
    from okrops.rhythm import authoring

    written = authoring.new_kpi(unit, title, kpi_id, measure_unit, healthy, warning, current, data_source, path)
    _echo_written(written, path)


# --- cycle ------------------------------------------------------------------------------------


@click.group(context_settings=CONTEXT_SETTINGS, short_help="Close a cycle, then open the next from its decisions.")
def cycle() -> None:
    """Close a cycle with a reflection on every objective, and open the next from its decisions.

    \b
    Example:
        okrops cycle close 2026-Q4 --decision platform/2026-Q4/O2=drop
        okrops cycle open 2027-Q1
    """


def _pairs(values, what: str) -> dict[str, str]:
    from okrops.errors import UsageError

    result = {}
    for value in values:
        ref, sep, text = value.partition("=")
        if not sep or not ref.strip() or not text.strip():
            raise UsageError(f"{what} {value!r}: write REF=VALUE, e.g. platform/2026-Q4/O1=carry-over")
        result[ref.strip()] = text.strip()
    return result


@cycle.command("close", context_settings=CONTEXT_SETTINGS, short_help="Add a reflection to every objective of a cycle.")
@click.argument("cycle_id", metavar="CYCLE", shell_complete=complete_cycles)
@click.option("--decision", "decisions", multiple=True, metavar="REF=DECISION",
              help="done, carry-over, rewrite or drop for one objective (repeatable; default: suggested from the score).")
@click.option("--learnings", "learnings", multiple=True, metavar="REF=TEXT", help="What was learned (repeatable).")
@click.option("--unit", "units", multiple=True, shell_complete=complete_units, help="Only these units (repeatable).")
@click.option("--early", is_flag=True, help="Close CYCLE before it has ended without asking.")
@repo_option
@click.option("--today", metavar="YYYY-MM-DD", envvar="OKROPS_TODAY", help="Score as of this date.")
@click.option("--tag", "tag", is_flag=True,
              help="When every objective already has its reflection committed (after the close pull request is "
                   "merged): tag HEAD okrs/CYCLE, the scored state the site shows for the cycle from then on.")
def cycle_close(cycle_id, decisions, learnings, units, early, path, today, tag) -> None:
    """Add a reflection (score, learnings, decision) to every objective of CYCLE that has none.

    The final score comes from the key results. Without --decision, okrops suggests one:
    done when achieved, rewrite when far off, carry-over otherwise. Review and edit the
    reflections in a pull request, then run okrops cycle open for the next cycle. Before
    CYCLE has ended, okrops says when it ends and asks first (--early: do not ask).

    \b
    Example:
        okrops cycle close 2026-Q4
        okrops cycle close 2026-Q4 --decision platform/2026-Q4/O3=drop --learnings "platform/2026-Q4/O3=..."
        okrops cycle close 2026-Q4 --tag && git push origin okrs/2026-Q4   # after the merge
    """
    from okrops import clock
    from okrops.rhythm import cycles as rhythm

    if tag:
        if decisions or learnings or units:
            raise click.UsageError("--tag tags the merged reflections: give no --decision, --learnings or --unit")
        commit, created = rhythm.tag_closed(cycle_id, path)
        tag_name = f"okrs/{cycle_id}"
        click.echo(f"tagged {tag_name} at {commit[:10]}; push it: git push origin {tag_name}" if created
                   else f"{tag_name} already marks HEAD ({commit[:10]})")
        return

    def confirm(found, days_left: int) -> bool:
        if early:
            return True
        left = "today is its last day" if days_left == 0 else f"{days_left} day{'s' if days_left != 1 else ''} left"
        try:
            return click.confirm(f"{found.id} ends on {found.end} ({left}). Close it early?", default=False, err=True)
        except click.Abort:  # no answer (end of input)
            click.echo("", err=True)
            return False

    result = rhythm.close_cycle(cycle_id, path, _pairs(decisions, "--decision"), _pairs(learnings, "--learnings"),
                                list(units) or None, clock.today(today), confirm_early=confirm)
    for item in result.reflected:
        score = "no score" if item.score is None else f"{item.score:.2f}"
        click.echo(f"{item.ref}: {score} -> {item.decision}{' (suggested)' if item.suggested else ''}")
    if result.already:
        click.echo(f"{len(result.already)} objective(s) already had a reflection and were left as they are")
    root = repo_root(path)
    for file in result.files:
        click.echo(f"updated {file.relative_to(root).as_posix()}")
    if not result.reflected:
        click.echo(f"nothing to do: every objective of {cycle_id} has a reflection")
    opening = f"okrops cycle open {result.next}" if result.next else \
        "okrops new cycle <id> --start YYYY-MM-DD --end YYYY-MM-DD, then okrops cycle open <id>"
    click.echo(f"\nNext: write the learnings and check the decisions in a pull request; once it is merged: {opening}")


@cycle.command("open", context_settings=CONTEXT_SETTINGS, short_help="Create a cycle's OKR files from the last one's decisions.")
@click.argument("cycle_id", metavar="CYCLE", shell_complete=complete_cycles)
@click.option("--from", "source", metavar="CYCLE", shell_complete=complete_cycles,
              help="The cycle to continue from (default: the one before).")
@click.option("--unit", "units", multiple=True, shell_complete=complete_units, help="Only these units (repeatable).")
@repo_option
def cycle_open(cycle_id, source, units, path) -> None:
    """Create CYCLE's OKR files from the decisions of the cycle before it.

    carry-over: the objective continues, each key result starting from where it ended.
    rewrite: it comes back as a draft marked x-rewrite-of, with its learnings, to be
    rewritten before merging. done and drop end there. Refuses while any objective of the
    previous cycle has no reflection.

    \b
    Example:
        okrops new cycle 2027-Q1 --start 2027-01-01 --end 2027-03-31
        okrops cycle open 2027-Q1
    """
    from okrops.rhythm import cycles as rhythm

    from okrops.safetext import terminal_line

    result = rhythm.open_cycle(cycle_id, path, source, list(units) or None)
    for unit, lines in result.units.items():
        click.echo(f"{terminal_line(unit)}:")
        for line in lines:
            click.echo(f"  {terminal_line(line)}")
    for ref, decision in result.ended:
        click.echo(f"{ref}: {decision}, not continued")
    root = repo_root(path)
    for file in result.created:
        click.echo(f"created {file.relative_to(root).as_posix()}")
    for file in result.updated:
        click.echo(f"updated {file.relative_to(root).as_posix()}")
    for note in result.notes:
        click.echo(f"note: {note}")
    if not result.carried:
        click.echo(f"nothing continues from {result.source} into {cycle_id}")
    elif any(item.retitle for item in result.carried + result.initiatives) or \
            any(item.decision == "rewrite" for item in result.carried):
        click.echo("Next: rewrite what is marked REWRITE or MOVE in the new files (okrops lint lists each one), "
                   "then open a pull request")


# --- import --------------------------------------------------------------------------------


@click.command("import", context_settings=CONTEXT_SETTINGS, short_help="Turn a spreadsheet of OKRs into units and cycle files.")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--mapping", type=click.Path(dir_okay=False), metavar="MAP.yaml",
              help="Which column holds what (YAML: columns, sheet, parent, units); default: found by column names.")
@click.option("--partial", is_flag=True, help="Write the rows that can be placed and report the others.")
@click.option("--dry-run", is_flag=True, help="Report what would be written; write nothing.")
@repo_option
def import_(file, mapping, partial, dry_run, path) -> None:
    """Turn a spreadsheet of OKRs (CSV or xlsx, one row per key result) into units and cycle files.

    Each row names a unit, a cycle, an objective and a key result, with baseline, target, current,
    confidence and owner. Columns are found by their names (Team, Quarter, Objective, Key result,
    Baseline, Target, Current, Confidence, Owner, ...) or named in a mapping file. Blank unit,
    cycle and objective cells repeat the row above; 1,200, 12 500, 0,7 and 45% are numbers.

    New units are created below their parent unit (a Parent unit column, the mapping's parent, or
    the one top-level unit); quarters like 2027-Q1 are added as cycles. An existing cycle file is
    never written into: the import is refused, as it is when any row cannot be placed, naming
    every such row with its number and column, and nothing is written.

    \b
    Example:
        okrops import okrs-2027.xlsx
        okrops import okrs.csv --mapping columns.yaml --dry-run

    \b
    A mapping file:
        columns: {unit: Team, cycle: Quarter, objective: Goal, key_result: Measure}
        sheet: OKRs
        parent: engineering
        units: {"Platform Team": platform}
    """
    from okrops import progress
    from okrops.cli.progress import terminal
    from okrops.rhythm import importer

    with progress.showing(terminal()):  # a bar on a terminal (stderr); plain lines in CI; nothing if quick
        plan, written = importer.run_import(file, mapping, path, partial=partial, dry_run=dry_run)
    for note in plan.notes:
        click.echo(f"note: {note}")
    for problem in plan.problems:
        click.echo(f"skipped: {problem.describe(plan.sheet.path)}", err=True)
    for line in written:
        click.echo(line)
    verb = "would import" if dry_run else "imported"
    click.echo(f"{verb} {plan.key_results()} key results in {sum(len(o) for o in plan.files.values())} objectives "
               f"from {plan.sheet.path} ({plan.sheet.dialect}): {len(plan.files)} cycle files, "
               f"{len(plan.units)} new units, {len(plan.cycles)} new cycles")
    if plan.problems:
        raise SystemExit(1)
    if not dry_run:
        click.echo("next: okrops validate && okrops lint, then review and commit")


COMMANDS = [init, new, cycle, import_]
