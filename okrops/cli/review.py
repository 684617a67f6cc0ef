"""Commands for the pull-request side: ``diff`` (what a change means) and ``codeowners`` (who reviews it).

The work is done in :mod:`okrops.review.diff` and :mod:`okrops.review.codeowners`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from okrops.cli.options import CONTEXT_SETTINGS, as_of_option, repo_option


# --- diff ------------------------------------------------------------------------------


@click.command(context_settings=CONTEXT_SETTINGS, short_help="Show what changed in the OKRs between two git refs.")
@click.argument("base", required=False)
@click.argument("head", required=False)
@click.option("--format", "output_format", type=click.Choice(["markdown", "json", "text"]), default="text",
              show_default=True, help="markdown: a pull-request comment; json: for tools; text: for the terminal.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="Write to this file instead of standard output.")
@click.option("--fail-on-flags", is_flag=True, help="Exit 1 when a change is flagged for reviewers (a warning).")
@click.option("--show-private", is_flag=True,
              help="markdown: show the titles, texts and values of private OKRs too (default: only that they changed).")
@repo_option
@click.option("--today", metavar="YYYY-MM-DD", envvar="OKROPS_TODAY",
              help="Judge 'mid-cycle' as of this date (also OKROPS_TODAY).")
@as_of_option(help="Compare the OKRs as they stood on this date (the last commit on the main line on or before it) "
                   "or at this ref, instead of BASE: what changed since then.")
def diff(base, head, output_format, output, fail_on_flags, show_private, path, today, as_of) -> None:
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
        okrops diff --as-of 2026-10-01
    """
    from okrops import clock
    from okrops.review.diff import diff_refs
    from okrops.review.diffreport import render

    if as_of and base and not head:  # okrops diff --as-of DATE HEAD: --as-of is the base
        base, head = None, base
    result = diff_refs(path, base, head, clock.today(today), as_of)
    text = render(result, output_format, show_private)
    if output:
        Path(output).write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    else:
        click.echo(text.rstrip("\n"))
    if fail_on_flags and any(f.level == "warning" for _c, f in result.flags):
        sys.exit(1)


# --- codeowners ---------------------------------------------------------------------------


@click.command(context_settings=CONTEXT_SETTINGS, short_help="Write .github/CODEOWNERS from unit maintainers.")
@repo_option
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
    from okrops.review import codeowners as module
    from okrops.record import gitrefs
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


# --- fetch ----------------------------------------------------------------------------------


@click.command(context_settings=CONTEXT_SETTINGS, short_help="Fetch the repositories that okrops.yaml includes.")
@repo_option
def fetch(path) -> None:
    """Fetch the repositories okrs/okrops.yaml includes by git URL into the cache folder.

    Each include: with a git URL is cloned (or updated) into .okrops/cache/ and its ref checked
    out; validate, lint, status, history and the site then read it from there. The included
    repositories' own include: are followed too, and their git ones fetched into the same cache.
    The included repositories are only read, never changed; includes by path are read in place.

    \b
    Example:
        okrops fetch
    """
    from okrops.errors import LoadError
    from okrops.record.includes import fetch as fetch_all
    from okrops.repository import find_okrs_dir, load
    from okrops.safetext import terminal_line

    _root, okrs_dir = find_okrs_dir(path)
    result = load(okrs_dir)
    if result.organisation is None:
        raise LoadError("okrs/okrops.yaml has errors; run okrops validate and fix them first")
    fetched = fetch_all(result.organisation)
    if not fetched:
        click.echo("nothing to fetch: okrs/okrops.yaml and the repositories it includes include no repository "
                   "by git URL")
    for item in fetched:
        click.echo(f"fetched {terminal_line(item.source)} at {item.commit[:12]} into {terminal_line(str(item.folder))}")


COMMANDS = [diff, codeowners, fetch]
