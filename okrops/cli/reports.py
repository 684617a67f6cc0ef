"""Commands of the weekly rhythm: ``remind`` and ``report`` (``week``, ``review``).

The work is done in :mod:`okrops.reports`; here options are parsed and results printed,
posted or written as issues.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from typing import Optional

import click

from okrops.cli.options import CONTEXT_SETTINGS, as_of_note, as_of_option, emit, repo_option, today_option
from okrops.errors import UsageError

FORMATS = ("slack", "teams")


def _load(path: Optional[str]):
    from okrops.errors import LoadError
    from okrops.repository import load

    result = load(path)
    if result.organisation is None:
        raise LoadError("okrs/okrops.yaml has errors: run okrops validate, fix them, then try again")
    return result.organisation


@contextmanager
def _organisation_at(path: Optional[str], as_of: Optional[str], today: Optional[str]):
    """``with _organisation_at(path, as_of, today) as (org, day)``: the organisation now, or as it stood at ``as_of``.

    With ``as_of`` the organisation comes from that commit (:mod:`okrops.record.snapshot`), its
    check-in history ends there, and it is judged on that day unless --today is on the command line.
    """
    from okrops import clock

    if not as_of:
        yield _load(path), clock.today(today)
        return
    from click.core import ParameterSource

    from okrops.errors import LoadError
    from okrops.record import snapshot

    given = click.get_current_context().get_parameter_source("today") == ParameterSource.COMMANDLINE
    with snapshot.validated(path, as_of, check=False) as (result, then):
        if result.organisation is None:
            raise LoadError(f"okrs/okrops.yaml had errors {then.label}: run okrops validate --as-of {as_of}")
        as_of_note(then)
        yield result.organisation, clock.today(today) if given else then.day


def _not_now(org, scheduled: bool) -> bool:
    """With --scheduled: True (and say so) unless it is the rhythm's day and hour."""
    from okrops.reports import schedule

    if not scheduled or schedule.is_due(org):
        return False
    day, hour = schedule.slot(org)
    click.echo(f"Not the rhythm's hour ({day.capitalize()} {hour:02d}:00 UTC, rhythm: in okrs/okrops.yaml): nothing to do.",
               err=True)
    return True


def _github_repo(given: Optional[str]) -> str:
    from okrops.errors import UsageError

    repo = given or os.environ.get("GITHUB_REPOSITORY", "")
    if not repo or repo.count("/") != 1:
        raise UsageError("--issues needs the GitHub repository: --github-repo OWNER/NAME (in a workflow, "
                         "GITHUB_REPOSITORY is set)")
    return repo


def _post(message, fmt: str, env_name: str) -> None:
    from okrops.reports import message as msg
    from okrops.reports import webhook

    url = webhook.url_from_env(env_name)
    status = webhook.post(url, msg.payload(message, fmt))
    click.echo(f"Posted to the {fmt} webhook (HTTP {status}).", err=True)


webhook_options = [
    click.option("--webhook", "webhook_format", type=click.Choice(FORMATS),
                 help="Post to a chat incoming webhook in this format; the address comes from --webhook-env."),
    click.option("--webhook-env", default="OKROPS_WEBHOOK_URL", show_default=True, metavar="NAME",
                 help="The environment variable holding the webhook's address (never a file: it is a secret)."),
    click.option("--scheduled", is_flag=True,
                 help="Act only at the day and hour of rhythm: in okrs/okrops.yaml (UTC); for the hourly workflow."),
]


def _with(options):
    def decorate(function):
        for option in reversed(options):
            function = option(function)
        return function
    return decorate


@click.command(context_settings=CONTEXT_SETTINGS, short_help="Remind owners of key results that are due.")
@click.option("--per", type=click.Choice(["unit", "organisation"]),
              help="One reminder per unit, or one for the organisation (default: rhythm.reminders in okrops.yaml).")
@click.option("--issues", is_flag=True,
              help="Keep one open GitHub issue per reminder (label okrops-reminder): edited, not opened again; "
                   "closed when nothing is due. Uses gh.")
@click.option("--github-repo", metavar="OWNER/NAME", help="With --issues: the repository (default: GITHUB_REPOSITORY).")
@click.option("--format", "output_format", type=click.Choice(["markdown", "json"]), default="markdown",
              show_default=True, help="What to print when not writing issues or posting.")
@click.option("--show-private", is_flag=True,
              help="Include private key results (by reference only, without titles).")
@_with(webhook_options)
@repo_option
@today_option
@as_of_option(help="The reminder as it was on this date (the last commit on the main line on or before it) or at "
                   "this git ref: the OKRs and their check-ins as they stood then, judged on that day (or --today).")
def remind(per, issues, github_repo, output_format, show_private, webhook_format, webhook_env, scheduled, path,
           today, as_of) -> None:
    """Remind the people of each unit to check in on the key results that are due.

    A key result is due when it has had no check-in within its unit's cadence (checkins.cadence_days in
    okrops.yaml or the unit's unit.yaml) in a running cycle: the same as stale in okrops status. It is
    grouped with its unit, and the people to nudge are the unit's maintainers, or those of the nearest
    unit above with any. Each line links to the prefilled check-in form when site.repo_url is set.
    Private key results are left out unless --show-private.

    With --as-of, the reminder of a past day is rebuilt from git: the OKRs and the check-ins as
    they stood then (check-ins made later do not count), so it says what it said that day.

    Exit status: 0 done (also when nothing is due), 1 the webhook or GitHub failed, 2 usage.

    \b
    Example:
        okrops remind
        okrops remind --issues --scheduled
        okrops remind --as-of 2026-11-09
        OKROPS_WEBHOOK_URL=https://hooks.slack.com/... okrops remind --webhook slack
    """
    from okrops.reports import message as msg
    from okrops.reports import remind as core
    from okrops.safetext import json_dumps

    if as_of and issues:
        raise UsageError("--as-of rebuilds a past reminder; it does not edit the reminder issues of today: "
                         "leave out --issues")
    with _organisation_at(path, as_of, today) as (org, day):
        if _not_now(org, scheduled):
            return
        reminders = core.due(org, day, include_private=show_private)
        per = per or ("organisation" if org.config.rhythm.get("reminders") == "organisation" else "unit")
        if issues:
            for action in core.sync_issues(_github_repo(github_repo), reminders, per):
                click.echo(f"{action.action} reminder issue #{action.number} ({action.key})")
        if webhook_format:
            _post(core.organisation_message(reminders), webhook_format, webhook_env)
        if issues or webhook_format:
            return
        if output_format == "json":
            emit(json_dumps({"today": day.isoformat(), "units": [
                {"unit": u.slug, "name": u.name, "people": u.people, "people_from": u.people_from,
                 "key_results": [{"ref": k.ref, "title": k.title, "last_checkin": k.last.isoformat() if k.last else None,
                                  "days": k.days, "cadence_days": k.cadence, "form": k.form} for k in u.krs]}
                for u in reminders.units]}, indent=2))
            return
        texts = [msg.markdown(m) for _key, m in core.messages(reminders, per)]
        emit("\n---\n\n".join(texts) if texts else f"Nothing is due on {day}: every key result has a check-in within its cadence.")


def _as_of(value: Optional[str]):
    from okrops import clock

    return clock.today(value)


@click.group(context_settings=CONTEXT_SETTINGS, short_help="Weekly digests and cycle reviews, for any date.")
def report() -> None:
    """Reports rebuilt from git for any date: the weekly digest and the review of a cycle.

    \b
    Example:
        okrops report week
        okrops report week --as-of 2026-11-20 --webhook slack
        okrops report review --cycle 2026-Q4
    """


@report.command(context_settings=CONTEXT_SETTINGS, short_help="The weekly digest: what moved, turned red, went stale.")
@click.option("--as-of", "as_of", metavar="DATE", envvar="OKROPS_TODAY",
              help="The week up to this date (YYYY-MM-DD; default: today), read from git as it was then.")
@click.option("--format", "output_format", type=click.Choice(["markdown", "json"]), default="markdown",
              show_default=True, help="markdown: for an issue, a discussion or a run summary; json: for tools.")
@click.option("--show-private", is_flag=True, help="Include private OKRs (the digest is shared widely: off by default).")
@_with(webhook_options)
@repo_option
def week(as_of, output_format, show_private, webhook_format, webhook_env, scheduled, path) -> None:
    """The weekly digest: what moved, what turned red, what went stale, milestones, KPIs, OKR changes.

    For the seven days up to --as-of: the check-ins with their notes by unit, the key results that
    turned at risk or off track (with their latest notes), those that went stale, initiatives'
    milestones done, slipped or due next week, KPIs whose health changed, and the OKR changes
    merged. Both ends of the week are read from git as they were (nothing is checked out), so the
    digest of any past week can be rebuilt; the numbers are those of okrops status.

    \b
    Example:
        okrops report week >> "$GITHUB_STEP_SUMMARY"
        okrops report week --as-of 2026-11-13 --format json
        OKROPS_WEBHOOK_URL=https://hooks.slack.com/... okrops report week --webhook slack
    """
    from dataclasses import asdict

    from okrops.record import history
    from okrops.reports import message as msg
    from okrops.reports import weekly
    from okrops.reports.snapshot import Snapshots
    from okrops.safetext import json_dumps

    org = _load(path)
    if _not_now(org, scheduled):
        return
    day = _as_of(as_of)
    checkins = history.read_history(org)
    with Snapshots(org.root, org.okrs_dir) as snapshots:
        digest = weekly.build(snapshots, checkins, day, include_private=show_private)
    message = weekly.message(digest)
    if webhook_format:
        _post(message, webhook_format, webhook_env)
        return
    if output_format == "json":
        emit(json_dumps(asdict(digest), indent=2, default=str))
        return
    emit(msg.markdown(message))


@report.command(context_settings=CONTEXT_SETTINGS, short_help="A cycle's review: scores, red key results, notes.")
@click.option("--cycle", "cycle_id", required=True, metavar="CYCLE", help="The cycle to review, e.g. 2026-Q4.")
@click.option("--unit", metavar="UNIT", help="One unit and the units below it (default: the organisation).")
@click.option("--as-of", "as_of", metavar="DATE",
              help="Review as of this date (YYYY-MM-DD), the OKRs read from git as they were then (default: today, "
                   "the files as they are).")
@click.option("--format", "output_format", type=click.Choice(["markdown", "json", "html"]), default="markdown",
              show_default=True, help="markdown: for an issue or a discussion; json: for tools; html: a print-ready page.")
@click.option("--pdf", "pdf", type=click.Path(dir_okay=False, writable=True), metavar="FILE",
              help="Write a PDF (needs WeasyPrint: pip install 'okrops[pdf]').")
@click.option("--show-private", is_flag=True, help="Include private OKRs.")
@_with(webhook_options)
@repo_option
def review(cycle_id, unit, as_of, output_format, pdf, show_private, webhook_format, webhook_env, scheduled, path) -> None:
    """The review of a cycle: scores against expected progress, red key results with their notes, confidence, decisions.

    For the organisation, or one unit and the units below it: each unit's score against the
    expected progress, its objectives, the key results that are off track or at risk with their
    latest notes (red is a learning signal: the notes say what was learned), how confidence moved
    since the cycle's first check-in, and, once the cycle is closed, the reflections and decisions.
    The site has the same review as a print-ready page (one unit per printed page).

    \b
    Example:
        okrops report review --cycle 2026-Q4
        okrops report review --cycle 2026-Q4 --unit engineering --as-of 2026-10-31
        okrops report review --cycle 2026-Q4 --pdf review.pdf
    """
    from dataclasses import asdict

    from okrops import clock
    from okrops.record import history
    from okrops.reports import message as msg
    from okrops.reports import review as core
    from okrops.safetext import json_dumps

    org = _load(path)
    if _not_now(org, scheduled):
        return
    day = clock.today(as_of)
    checkins = history.read_history(org)
    if as_of:
        from okrops.errors import UsageError
        from okrops.reports.snapshot import Snapshots

        with Snapshots(org.root, org.okrs_dir) as snapshots:
            then = snapshots.at(day).org
            if then is None:
                raise UsageError(f"there is no commit by {day} (or okrs/okrops.yaml did not load then)")
            result = core.build(then, checkins, cycle_id, day, unit, include_private=show_private)
    else:
        result = core.build(org, checkins, cycle_id, day, unit, include_private=show_private)
    message = core.message(result)
    if pdf:
        _write_pdf(msg.html(message), pdf)
        click.echo(f"Wrote {pdf}.", err=True)
        return
    if webhook_format:
        _post(message, webhook_format, webhook_env)
        return
    if output_format == "json":
        emit(json_dumps(asdict(result), indent=2, default=str))
    elif output_format == "html":
        emit(msg.html(message))
    else:
        emit(msg.markdown(message))


def _write_pdf(html_text: str, target: str) -> None:
    from okrops.errors import UsageError

    try:
        import weasyprint  # type: ignore[import-not-found]
    except ImportError:
        raise UsageError("--pdf needs WeasyPrint, an optional extra: pip install 'okrops[pdf]' (or print the site's "
                         "review page to PDF from the browser)") from None
    try:
        weasyprint.HTML(string=html_text).write_pdf(target)
    except OSError as exc:
        raise UsageError(f"cannot write {target}: {exc.strerror or exc}") from None


COMMANDS = [remind, report]
