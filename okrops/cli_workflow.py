"""Commands for the pull-request workflow and the cycle rhythm: ``diff``, ``codeowners``, ``init``, ``new``, ``cycle``.

Registered on the main group with ``cli.add_command``; the work is done in
:mod:`okrops.diff`, :mod:`okrops.codeowners`, :mod:`okrops.scaffold`,
:mod:`okrops.authoring` and :mod:`okrops.rhythm`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import click

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _repo_option(function):
    return click.option("--repo", "path", type=click.Path(exists=True, file_okay=False),
                        help="The OKR repository (default: here).")(function)


def _root(path: Optional[str]) -> Path:
    from okrops.repository import find_okrs_dir

    return find_okrs_dir(path)[0]


# --- diff ------------------------------------------------------------------------------


@click.command(context_settings=CONTEXT_SETTINGS)
@click.argument("base", required=False)
@click.argument("head", required=False)
@click.option("--format", "output_format", type=click.Choice(["markdown", "json", "text"]), default="text",
              show_default=True, help="markdown: a pull-request comment; json: for tools; text: for the terminal.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="Write to this file instead of standard output.")
@click.option("--fail-on-flags", is_flag=True, help="Exit 1 when a change is flagged for reviewers (a warning).")
@click.option("--show-private", is_flag=True,
              help="markdown: show the titles, texts and values of private OKRs too (default: only that they changed).")
@_repo_option
@click.option("--today", metavar="YYYY-MM-DD", envvar="OKROPS_TODAY",
              help="Judge 'mid-cycle' as of this date (also OKROPS_TODAY).")
def diff(base, head, output_format, output, fail_on_flags, show_private, path, today) -> None:
    """Show what changed in the OKRs between two git refs, in OKR terms.

    Objectives and key results added, removed or reworded; targets, baselines, owners,
    alignment and visibility changed; check-in values moved. Flags what reviewers care
    about: a target lowered or a baseline moved mid-cycle, a key result turned into a task,
    an objective unlinked from strategy, a private OKR made public, an OKR dropped
    mid-cycle.

    Private OKRs (private objectives, those of private units or of units whose unit.yaml cannot
    be read, initiatives that move only private key results) are marked private everywhere. A
    pull-request comment may be read more widely than the files, so the markdown lists them
    with a lock and without their titles, texts or values unless --show-private is given.

    BASE defaults to the merge base of HEAD with the default branch; HEAD defaults to the
    working tree (uncommitted changes included).

    \b
    Example:
        okrops diff
        okrops diff origin/main HEAD --format markdown >> "$GITHUB_STEP_SUMMARY"
        okrops diff v2026-Q3 v2026-Q4 --format json
    """
    from okrops import clock
    from okrops import diff as diff_module

    result = diff_module.diff_refs(path, base, head, clock.today(today))
    text = diff_module.render(result, output_format, show_private)
    if output:
        Path(output).write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    else:
        click.echo(text.rstrip("\n"))
    if fail_on_flags and any(f.level == "warning" for _c, f in result.flags):
        sys.exit(1)


# --- codeowners ---------------------------------------------------------------------------


@click.command(context_settings=CONTEXT_SETTINGS)
@_repo_option
@click.option("--check", is_flag=True, help="Do not write; exit 1 when the file is out of date (for CI).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write here instead of .github/CODEOWNERS.")
def codeowners(path, check, output) -> None:
    """Write .github/CODEOWNERS from the maintainers in each unit.yaml.

    A change to a unit's OKRs then needs a review from that unit's maintainers; units
    without maintainers fall back to the nearest unit above them. Only the block between
    okrops' markers is managed: other lines in the file are kept.

    \b
    Example:
        okrops codeowners
        okrops codeowners --check
    """
    from okrops import codeowners as module
    from okrops import gitrefs
    from okrops.errors import LoadError
    from okrops.repository import find_okrs_dir, load
    from okrops.safetext import terminal_line

    root, okrs_dir = find_okrs_dir(path)
    result = load(okrs_dir)
    if result.organisation is None:
        raise LoadError("okrs/okrops.yaml has errors; run okrops validate and fix them first")
    top = gitrefs.toplevel(okrs_dir) or root
    plan = module.plan(result.organisation, top, okrs_dir, Path(output) if output else None)
    shown = plan.path.relative_to(top).as_posix() if plan.path.is_relative_to(top) else str(plan.path)
    for skipped in plan.skipped:
        click.echo(f"warning: {terminal_line(skipped)} is left out of {shown}: CODEOWNERS cannot hold its name "
                   "(use letters, digits, '-', '_', '.' and spaces); its files fall back to the owners above it",
                   err=True)
    if check:
        if plan.up_to_date:
            click.echo(f"{shown} is up to date")
            return
        click.echo(module.unified_diff(plan), nl=False, err=True)
        click.echo(f"{shown} is out of date: run okrops codeowners and commit the result", err=True)
        sys.exit(1)
    if plan.up_to_date:
        click.echo(f"{shown} is already up to date")
        return
    module.write(plan)
    click.echo(f"wrote {shown}")


# --- init ----------------------------------------------------------------------------------


@click.command(context_settings=CONTEXT_SETTINGS)
@click.argument("directory", required=False, default=".", type=click.Path(file_okay=False))
@click.option("--organisation", "--org", "organisation", help="The organisation's name (default: from the folder name).")
@click.option("--unit", help="Folder name of the first unit (default: from the organisation's name).")
@click.option("--maintainer", "maintainers", multiple=True, metavar="@HANDLE",
              help="Git-host handle (@user or @org/team) who reviews the first unit's OKRs (repeatable).")
@click.option("--today", metavar="YYYY-MM-DD", envvar="OKROPS_TODAY", help="Start the cycles from this date's quarter.")
@click.option("--git/--no-git", "git", default=True, show_default=True,
              help="Run git init when DIRECTORY is not inside a git repository (nothing is committed).")
def init(directory, organisation, unit, maintainers, today, git) -> None:
    """Create a new OKR repository: OKRs, schemas, site, CI workflows, CODEOWNERS, pre-commit, README.

    Writes into DIRECTORY (default: here) the root configuration with this quarter and the
    next, a strategy, a first unit with example OKRs, the schemas, the site sources, GitHub
    workflows (checks and an OKR diff on pull requests, the site on GitHub Pages),
    CODEOWNERS, a pre-commit configuration and a README. Existing files are never
    overwritten. The result passes okrops validate and okrops lint.

    \b
    Example:
        okrops init acme-okrs --org "Acme Inc" --maintainer @acme/leads
        cd acme-okrs && git add . && git commit -m "OKRs as code"
    """
    from okrops import clock, scaffold

    result = scaffold.init(directory, organisation, unit, maintainers, clock.today(today), git=git)
    for rel in result.created:
        click.echo(f"created {rel}")
    for rel in result.kept:
        click.echo(f"kept    {rel} (exists)")
    for note in result.notes:
        click.echo(f"note: {note}")
    click.echo(f"\n{len(result.created)} files created in {result.root}. Next: okrops validate && okrops lint")


# --- new -------------------------------------------------------------------------------------


@click.group(context_settings=CONTEXT_SETTINGS)
def new() -> None:
    """Add a unit, cycle, objective or key result, leaving the rest of each file untouched.

    \b
    Example:
        okrops new unit payments --parent engineering --name "Payments" --maintainer @acme/payments
        okrops new cycle 2027-Q1 --start 2027-01-01 --end 2027-03-31
        okrops new objective payments 2027-Q1 "Paying is effortless" --strategy self-serve
        okrops new kr payments/2027-Q1/O1 "Checkout conversion from 61% to 70%" --baseline 61 --target 70 --unit %
    """


def _echo_written(written, path) -> None:
    click.echo(written.describe(_root(path)))


@new.command("unit", context_settings=CONTEXT_SETTINGS)
@click.argument("slug")
@click.option("--name", help="Display name (default: from SLUG).")
@click.option("--parent", help="The unit this one belongs to (its folder name).")
@click.option("--kind", help="company, department, team, ...")
@click.option("--description", help="What the unit is for.")
@click.option("--maintainer", "maintainers", multiple=True, metavar="@HANDLE", help="Reviewer handle (repeatable).")
@click.option("--private", is_flag=True, help="Keep the unit and everything below it off the site.")
@_repo_option
def new_unit(slug, name, parent, kind, description, maintainers, private, path) -> None:
    """Create a unit: a folder with a unit.yaml, below PARENT when given.

    \b
    Example:
        okrops new unit payments --parent engineering --kind team --maintainer @acme/payments
    """
    from okrops import authoring

    written = authoring.new_unit(slug, name or slug.replace("-", " ").title(), parent, kind, description,
                                 maintainers, "private" if private else None, path)
    _echo_written(written, path)
    if maintainers:
        click.echo("run okrops codeowners to update .github/CODEOWNERS")


@new.command("cycle", context_settings=CONTEXT_SETTINGS)
@click.argument("cycle_id", metavar="CYCLE")
@click.option("--start", required=True, metavar="YYYY-MM-DD", help="First day.")
@click.option("--end", required=True, metavar="YYYY-MM-DD", help="Last day.")
@click.option("--name", help="Display name, e.g. 'Q1 2027'.")
@_repo_option
def new_cycle(cycle_id, start, end, name, path) -> None:
    """Add a cycle to okrs/okrops.yaml.

    \b
    Example:
        okrops new cycle 2027-Q1 --start 2027-01-01 --end 2027-03-31 --name "Q1 2027"
    """
    from okrops import authoring

    _echo_written(authoring.new_cycle(cycle_id, start, end, name, path), path)


@new.command("objective", context_settings=CONTEXT_SETTINGS)
@click.argument("unit")
@click.argument("cycle")
@click.argument("title")
@click.option("--id", "objective_id", help="Objective id (default: the next O<n>).")
@click.option("--why", help="Why it matters now.")
@click.option("--aspirational", is_flag=True, help="A stretch goal: about 0.7 is a good result.")
@click.option("--strategy", "strategies", multiple=True, help="Strategy id it serves (repeatable).")
@click.option("--parent", help="The objective or key result one level up, e.g. company/FY2027/O1/KR2.")
@click.option("--owner", help="Owning unit when not UNIT.")
@click.option("--private", is_flag=True, help="Keep it off the site.")
@_repo_option
def new_objective(unit, cycle, title, objective_id, why, aspirational, strategies, parent, owner, private, path) -> None:
    """Add an objective to UNIT's OKRs for CYCLE (the file is created when missing).

    \b
    Example:
        okrops new objective payments 2027-Q1 "Paying is effortless" --strategy self-serve --why "..."
    """
    from okrops import authoring

    written = authoring.new_objective(unit, cycle, title, objective_id, why, "aspirational" if aspirational else None,
                                      owner, "private" if private else None, strategies, parent, path)
    _echo_written(written, path)
    click.echo(f"add key results with: okrops new kr {written.ref} \"<metric> from X to Y\" --baseline X --target Y")


@new.command("kr", context_settings=CONTEXT_SETTINGS)
@click.argument("objective_ref", metavar="OBJECTIVE")
@click.argument("title")
@click.option("--id", "kr_id", help="Key result id (default: the next KR<n>).")
@click.option("--metric", help="What is measured.")
@click.option("--unit", "measure_unit", help="Unit of measure, e.g. %, ms, customers.")
@click.option("--baseline", type=float, help="The value at the start of the cycle.")
@click.option("--target", type=float, help="The value that means full success.")
@click.option("--direction", type=click.Choice(["increase", "decrease"]),
              help="Default: decrease when the target is below the baseline.")
@click.option("--data-source", help="Where the number comes from.")
@click.option("--weight", type=click.FloatRange(min=0, min_open=True), help="Relative weight (default 1).")
@_repo_option
def new_kr(objective_ref, title, kr_id, metric, measure_unit, baseline, target, direction, data_source, weight,
           path) -> None:
    """Add a key result to OBJECTIVE (<unit>/<cycle>/<objective>).

    \b
    Example:
        okrops new kr payments/2027-Q1/O1 "Checkout conversion from 61% to 70%" --baseline 61 --target 70 --unit %
    """
    from okrops import authoring

    written = authoring.new_kr(objective_ref, title, kr_id, metric, measure_unit, direction, baseline, target,
                               data_source, weight, path)
    _echo_written(written, path)


# --- cycle ------------------------------------------------------------------------------------


@click.group(context_settings=CONTEXT_SETTINGS)
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


@cycle.command("close", context_settings=CONTEXT_SETTINGS)
@click.argument("cycle_id", metavar="CYCLE")
@click.option("--decision", "decisions", multiple=True, metavar="REF=DECISION",
              help="done, carry-over, rewrite or drop for one objective (repeatable; default: suggested from the score).")
@click.option("--learnings", "learnings", multiple=True, metavar="REF=TEXT", help="What was learned (repeatable).")
@click.option("--unit", "units", multiple=True, help="Only these units (repeatable).")
@_repo_option
@click.option("--today", metavar="YYYY-MM-DD", envvar="OKROPS_TODAY", help="Score as of this date.")
def cycle_close(cycle_id, decisions, learnings, units, path, today) -> None:
    """Add a reflection (score, learnings, decision) to every objective of CYCLE that has none.

    The final score comes from the key results. Without --decision, okrops suggests one:
    done when achieved, rewrite when far off, carry-over otherwise. Review and edit the
    reflections in a pull request, then run okrops cycle open for the next cycle.

    \b
    Example:
        okrops cycle close 2026-Q4
        okrops cycle close 2026-Q4 --decision platform/2026-Q4/O3=drop --learnings "platform/2026-Q4/O3=..."
    """
    from okrops import clock, rhythm

    result = rhythm.close_cycle(cycle_id, path, _pairs(decisions, "--decision"), _pairs(learnings, "--learnings"),
                                list(units) or None, clock.today(today))
    for item in result.reflected:
        score = "no score" if item.score is None else f"{item.score:.2f}"
        click.echo(f"{item.ref}: {score} -> {item.decision}{' (suggested)' if item.suggested else ''}")
    if result.already:
        click.echo(f"{len(result.already)} objective(s) already had a reflection and were left as they are")
    root = _root(path)
    for file in result.files:
        click.echo(f"updated {file.relative_to(root).as_posix()}")
    if not result.reflected:
        click.echo(f"nothing to do: every objective of {cycle_id} has a reflection")


@cycle.command("open", context_settings=CONTEXT_SETTINGS)
@click.argument("cycle_id", metavar="CYCLE")
@click.option("--from", "source", metavar="CYCLE", help="The cycle to continue from (default: the one before).")
@click.option("--unit", "units", multiple=True, help="Only these units (repeatable).")
@_repo_option
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
    from okrops import rhythm

    result = rhythm.open_cycle(cycle_id, path, source, list(units) or None)
    for item in result.carried:
        click.echo(f"{item.old_ref} -> {item.new_ref} ({item.decision})")
    for item in result.initiatives:
        click.echo(f"{item.old_ref} -> {item.new_ref} (initiative, open milestones only)")
    for ref, decision in result.ended:
        click.echo(f"{ref}: {decision}, not continued")
    root = _root(path)
    for file in result.created:
        click.echo(f"created {file.relative_to(root).as_posix()}")
    for file in result.updated:
        click.echo(f"updated {file.relative_to(root).as_posix()}")
    for note in result.notes:
        click.echo(f"note: {note}")
    if not result.carried:
        click.echo(f"nothing continues from {result.source} into {cycle_id}")


COMMANDS = [diff, codeowners, init, new, cycle]
