"""Check-ins from the browser: the check-in issue form and ``/checkin`` comments, recorded as commits.

A GitHub workflow hands the event it runs on (``$GITHUB_EVENT_PATH``: an ``issues`` or an
``issue_comment`` event, in the shape GitHub documents) to :func:`handle`, which

1. reads the check-in from the issue form's body (``### Key result`` ... sections) or from a
   ``/checkin <ref> <value> [confidence] [note]`` comment; anything else is ignored;
2. checks that the issue's (or comment's) author may check in on that key result: a
   maintainer of its unit or of a unit above it (per unit.yaml: ``@user``, or ``@org/team``
   asked of GitHub), or someone with write permission to the repository, as
   ``checkins.from_issues.allowed`` in okrs/okrops.yaml says;
3. records it with :func:`okrops.record.checkin.checkin` (the one transaction of every
   check-in), authored by the issue's author with the workflow's bot as committer, with
   trailers naming the issue, and pushes it, or opens a pull request (``land: pull-request``);
4. comments with the result (old value -> new value, the commit) and closes the issue.

A refused or malformed check-in gets a comment saying what to fix, and the issue stays
open; nothing is committed. Every call to GitHub goes through :mod:`okrops.record.ghcli`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional
from urllib.parse import quote, urlencode

from okrops import safetext
from okrops.errors import OkropsError, UsageError
from okrops.model import KeyResult, Organisation
from okrops.record import checkin as core
from okrops.record import ghcli, gitlog

# The issue form's fields: (id, label). The form (.github/ISSUE_TEMPLATE/checkin.yml), the
# links on the site (which prefill fields by id) and the parser here all use these.
FIELD_REF = ("ref", "Key result")
FIELD_VALUE = ("value", "New value")
FIELD_CONFIDENCE = ("confidence", "Confidence")
FIELD_NOTE = ("note", "Note")
FIELDS = (FIELD_REF, FIELD_VALUE, FIELD_CONFIDENCE, FIELD_NOTE)
TEMPLATE = "checkin.yml"
DEFAULT_LABEL = "checkin"
NO_RESPONSE = "_No response_"  # what GitHub writes for an optional field left empty
COMMAND = "/checkin"
WRITE_ROLES = ("admin", "maintain", "write")
ALLOWED = ("maintainers", "write", "maintainers-or-write")
LANDING = ("push", "pull-request")
TRAILER_ISSUE = "Checkin-Issue"
TRAILER_BY = "Checkin-By"


class Refused(OkropsError):
    """A check-in the author must fix; the message says how (it becomes the comment)."""


@dataclass
class Settings:
    allowed: str = "maintainers-or-write"
    land: str = "push"
    label: str = DEFAULT_LABEL

    @classmethod
    def of(cls, org: Organisation) -> "Settings":
        raw = org.config.checkins.get("from_issues") or {}
        return cls(raw.get("allowed", cls.allowed), raw.get("land", cls.land), raw.get("label", cls.label))


@dataclass
class Event:
    """What okrops needs of an issues or issue_comment event."""

    kind: str  # "form" or "comment"
    action: str
    repo: str  # owner/name
    repo_url: str
    default_branch: str
    number: int
    issue_url: str
    issue_state: str
    labels: list[str]
    login: str
    user_id: int
    user_type: str
    body: str
    is_pull_request: bool = False
    where: str = ""  # the comment's or the issue's address


@dataclass
class Outcome:
    status: str  # recorded, refused or ignored
    message: str  # Markdown: the comment posted, or why nothing was done
    commit: str = ""
    pull_request: str = ""
    changes: list[core.Change] = field(default_factory=list)


# --- reading the event ---------------------------------------------------------------


def read_event(path: str | Path, event_name: Optional[str] = None) -> Event:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"cannot read the event {path}: {exc.strerror}") from None
    except ValueError as exc:
        raise UsageError(f"{path} is not a JSON event payload: {exc}") from None
    try:
        return _event(data, event_name)
    except (KeyError, TypeError, ValueError, AttributeError):
        raise UsageError(f"{path} is not an issues or issue_comment event of GitHub (it lacks issue, repository or "
                         "user fields)") from None


def _event(data: dict, event_name: Optional[str]) -> Event:
    issue, repository = data["issue"], data["repository"]
    comment = data.get("comment")
    if event_name not in (None, "", "issues", "issue_comment"):
        raise UsageError(f"okrops checkin --from-issue reads issues and issue_comment events, not {event_name}")
    kind = "comment" if comment is not None or event_name == "issue_comment" else "form"
    source = comment if kind == "comment" else issue
    user = source["user"]
    return Event(
        kind=kind, action=str(data.get("action", "")), repo=str(repository["full_name"]),
        repo_url=str(repository.get("html_url", "")), default_branch=str(repository.get("default_branch") or "main"),
        number=int(issue["number"]), issue_url=str(issue.get("html_url", "")), issue_state=str(issue.get("state", "")),
        labels=[str(label["name"]) for label in issue.get("labels") or []], login=str(user["login"]),
        user_id=int(user.get("id") or 0), user_type=str(user.get("type", "User")), body=str(source.get("body") or ""),
        is_pull_request="pull_request" in issue, where=str(source.get("html_url", "")))


def parse_form(body: str) -> core.Request:
    """The check-in in an issue form's body: ``### <label>`` headings, each followed by its answer."""
    sections: dict[str, str] = {}
    current: Optional[str] = None
    lines: list[str] = []
    for line in body.replace("\r\n", "\n").split("\n"):
        heading = re.match(r"^###\s+(.+?)\s*$", line)
        if heading:
            if current is not None:
                sections[current] = "\n".join(lines).strip()
            current, lines = heading.group(1).strip(), []
        elif current is not None:
            lines.append(line)
    if current is not None:
        sections[current] = "\n".join(lines).strip()
    answers = {fid: ("" if sections.get(label, "") == NO_RESPONSE else sections.get(label, "")) for fid, label in FIELDS}
    missing = [label for fid, label in (FIELD_REF, FIELD_VALUE) if not answers[fid]]
    if missing:
        raise Refused(f"the form has no {' and no '.join(repr(m) for m in missing)}: edit the issue and fill in "
                      f"{' and '.join(missing).lower()} (open the form from the key result's page on the site to get "
                      "it prefilled)")
    ref = answers["ref"].strip().strip("`").strip()
    return core.Request(ref, answers["value"].strip().strip("`"), answers["confidence"].strip() or None,
                        answers["note"].strip(), "the form")


def parse_command(body: str) -> Optional[core.Request]:
    """``/checkin <ref> <value> [confidence] [note]`` on the comment's first line (the note may go on); else None."""
    text = body.replace("\r\n", "\n").strip()
    first, _newline, rest = text.partition("\n")
    words = first.split(None, 3)
    if not words or words[0] != COMMAND:
        return None
    if len(words) < 3:
        raise Refused(f"write {COMMAND} <key result> <value> [confidence] [note], e.g. "
                      f"`{COMMAND} platform/2026-Q4/O1/KR2 42 0.7 Two customers migrated`")
    ref, value = words[1], words[2]
    tail = words[3] if len(words) > 3 else ""
    confidence = None
    head, _space, after = tail.partition(" ")
    if head and re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)", head):
        confidence, tail = head, after
    note = "\n".join(part for part in (tail.strip(), rest.strip()) if part)
    return core.Request(ref, value, confidence, note, "the comment")


# --- who may check in ----------------------------------------------------------------


def maintainers_of(org: Organisation, unit: str) -> list[tuple[str, list[str]]]:
    """(unit, its maintainers) from the key result's unit up to the top."""
    return [(slug, list(org.units[slug].maintainers)) for slug in [unit, *org.ancestors(unit)] if slug in org.units]


def may_check_in(org: Organisation, kr: KeyResult, event: Event, settings: Settings) -> Optional[str]:
    """None when ``event.login`` may check in on ``kr``; else why not (for the comment)."""
    unit = org.objective_of(kr).unit
    login = event.login.lower()
    if settings.allowed in ("maintainers", "maintainers-or-write"):
        for _slug, handles in maintainers_of(org, unit):
            for handle in handles:
                name = handle.lstrip("@")
                if "/" not in name and name.lower() == login:
                    return None
                if "/" in name:
                    team_org, team = name.split("/", 1)
                    if ghcli.in_team(team_org, team, event.login):
                        return None
    if settings.allowed in ("write", "maintainers-or-write"):
        if ghcli.permission(event.repo, event.login) in WRITE_ROLES:
            return None
    who = {"maintainers": f"maintainers of {unit} or of a unit above it (unit.yaml)",
           "write": "people with write permission to this repository",
           "maintainers-or-write": f"maintainers of {unit} or of a unit above it (unit.yaml), or people with write "
                                   "permission to this repository"}[settings.allowed]
    return f"@{event.login} may not check in on {kr.ref}: only {who} may. Ask one of them to check in, or to add you"


# --- doing it ------------------------------------------------------------------------


def author_of(event: Event) -> tuple[str, str]:
    """(name, e-mail) for the commit: the GitHub profile's name (else the login) and its no-reply address."""
    profile = ghcli.api(f"users/{event.login}", check=False)
    name = profile.get("name") if isinstance(profile, dict) else None
    name = safetext.one_line(name or event.login).strip() or event.login
    if re.search(r"[<>\n]", name):
        name = event.login
    email = f"{event.user_id}+{event.login}@users.noreply.github.com" if event.user_id else \
        f"{event.login}@users.noreply.github.com"
    return name, email


def request_of(event: Event, settings: Settings) -> Optional[core.Request]:
    """The check-in the event asks for; None when the event is not one (it is then ignored)."""
    if event.user_type == "Bot":
        return None  # our own comments, and other bots'
    if event.kind == "comment":
        if event.action != "created":
            return None
        return parse_command(event.body)
    # Not "labeled": GitHub sends it too when the form creates a labelled issue (the check-in would be recorded twice).
    if event.action not in ("opened", "edited") or event.issue_state == "closed":
        return None
    if settings.label not in event.labels:
        return None
    return parse_form(event.body)


def handle(event: Event, org: Organisation, *, remote: str = "origin") -> Outcome:
    """Record the check-in ``event`` asks for, or say why not; comment on the issue either way."""
    settings = Settings.of(org)
    try:
        request = request_of(event, settings)
        if request is None:
            return Outcome("ignored", "not a check-in: nothing to do")
        outcome = _record(event, org, request, settings, remote)
    except Refused as refused:
        outcome = Outcome("refused", _refusal(refused.message))
    except (core.CheckinError, UsageError, OkropsError) as error:
        if isinstance(error, (core.CommitFailed, ghcli.GhError)):
            raise
        outcome = Outcome("refused", _refusal(error.message))
    ghcli.comment(event.repo, event.number, outcome.message)
    if outcome.status == "recorded" and event.kind == "form" and not outcome.pull_request:
        ghcli.close_issue(event.repo, event.number)
    return outcome


def _refusal(message: str) -> str:
    return ("**Not checked in**: " + safetext.markdown(message) + ".\n\nNothing was committed. "
            + "Edit the issue (or comment again) to try again.")


def _record(event: Event, org: Organisation, request: core.Request, settings: Settings, remote: str) -> Outcome:
    if settings.allowed not in ALLOWED or settings.land not in LANDING:
        raise UsageError("checkins.from_issues in okrs/okrops.yaml has an unknown setting: run okrops validate")
    kr = org.key_results.get(request.ref)
    if kr is None:
        raise Refused(core.unknown_reference_message(org, request.ref))
    problem = may_check_in(org, kr, event, settings)
    if problem:
        raise Refused(problem)
    author = author_of(event)
    trailers = [f"{TRAILER_ISSUE}: {event.issue_url or f'{event.repo}#{event.number}'}", f"{TRAILER_BY}: @{event.login}"]
    branch = f"okrops/checkin-{event.number}" if settings.land == "pull-request" else None
    result = core.checkin(org, [request], branch=branch, push=True, remote=remote, author=author, author_only=True,
                          trailers=trailers)
    if not result.pushed:
        raise core.CommitFailed(f"committed {result.commit[:10]}, but the push failed: {result.push_error}. "
                                "If the branch is protected, set checkins.from_issues.land: pull-request "
                                "in okrs/okrops.yaml")
    change = result.changes[0]
    pull = ""
    if branch:
        proc = ghcli.run(["pr", "create", "--repo", event.repo, "--base", event.default_branch, "--head", branch,
                          "--title", result.subject, "--body", _pr_body(event, result)])
        pull = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""
    return Outcome("recorded", _result_text(event, change, result.commit, pull), result.commit, pull, result.changes)


def _commit_link(event: Event, commit: str) -> str:
    if event.repo_url.startswith("https://"):
        return f"[`{commit[:10]}`]({event.repo_url}/commit/{commit})"
    return f"`{commit[:10]}`"


def _result_text(event: Event, change: core.Change, commit: str, pull: str) -> str:
    kr = change.kr
    unit = kr.measure_unit
    old = gitlog.format_number(change.previous) if change.previous is not None else "no value"
    new = gitlog.format_number(change.value)
    if change.level is not None:  # an ordinal key result: the levels by name
        old = safetext.markdown(change.previous_level) if change.previous_level is not None else "no level"
        new, unit = safetext.markdown(change.level), ""
    text = (f"**Checked in** {safetext.markdown_code(kr.ref)}: {old} → **{new}**"
            + (f" {safetext.markdown(unit)}" if unit else ""))
    if change.confidence is not None:
        text += f", confidence {gitlog.format_number(change.confidence)}"
    text += f"\n\nCommit {_commit_link(event, commit)} by @{event.login}"
    if pull:
        text += f", in the pull request {pull} (it lands when merged)"
    return text + ". It shows on the site after the next build."


def _pr_body(event: Event, result: core.Result) -> str:
    return (f"Check-in from #{event.number} by @{event.login}, recorded by okrops.\n\n"
            + "\n".join(f"- {safetext.markdown_code(c.ref)}: {core._change_text(c)}" for c in result.changes)
            + f"\n\nCloses #{event.number}\n")


# --- the link to the form ------------------------------------------------------------


def form_url(repo_url: str, kr: KeyResult, label: str = DEFAULT_LABEL) -> Optional[str]:
    """The address of the check-in form for ``kr``, with its reference prefilled and its numbers in the title.

    None without a repository address (the site then shows no check-in link).
    """
    if not repo_url or not re.match(r"^https?://", repo_url):
        return None
    unit = f" {kr.measure_unit}" if kr.measure_unit else ""
    now = gitlog.format_number(kr.current) if kr.current is not None else "no value yet"
    if kr.direction == "range":
        goal = f"keep {gitlog.format_number(kr.range_min)}–{gitlog.format_number(kr.range_max)}{unit}"
    else:
        goal = f"target {gitlog.format_number(kr.target)}{unit}" if kr.target is not None else "no target"
    title = f"Check-in {kr.ref}: now {now}{unit if kr.current is not None else ''}, {goal}"
    query = urlencode({"template": TEMPLATE, "labels": label, "title": title, FIELD_REF[0]: kr.ref}, quote_via=quote)
    return f"{repo_url.rstrip('/')}/issues/new?{query}"
