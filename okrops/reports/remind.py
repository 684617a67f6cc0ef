"""Reminders: the key results due for a check-in, grouped by the people to nudge.

A key result is due when it has had no check-in within its unit's cadence in a running cycle:
exactly what ``okrops status``, ``okrops history --stale``, lint's ``stale`` rule and the site
call stale (:func:`okrops.record.history.staleness`, one formula). The people to nudge are the
unit's maintainers, or those of the nearest unit above that has some. Each line links to the
prefilled check-in form of its key result when ``site.repo_url`` is set.

Private key results are left out unless asked for (an issue or a chat channel may be read more
widely than the files), and then shown by reference only, without their titles.

:func:`sync_issues` keeps one open reminder issue per unit (or one for the organisation):
edited rather than opened again each week, closed when nothing is due.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Optional

from okrops.errors import UsageError
from okrops.model import Organisation
from okrops.record import ghcli, history
from okrops.record.issueform import Settings, form_url
from okrops.reports.message import Item, Message, Section

LABEL = "okrops-reminder"
MARKER = "<!-- okrops-remind:{key} -->"
ORGANISATION = "organisation"


@dataclass
class DueKr:
    ref: str
    title: str  # "" for a private key result
    last: Optional[date]
    days: int  # since the last check-in, or since the cycle started
    cadence: int
    form: Optional[str] = None
    private: bool = False


@dataclass
class UnitDue:
    slug: str
    name: str
    people: list[str]  # handles to nudge
    people_from: str  # the unit whose maintainers they are ('' when nobody maintains anything above)
    krs: list[DueKr] = field(default_factory=list)


@dataclass
class Reminders:
    today: date
    units: list[UnitDue] = field(default_factory=list)  # in the organisation's order

    @property
    def count(self) -> int:
        return sum(len(u.krs) for u in self.units)


def people_to_nudge(org: Organisation, slug: str) -> tuple[list[str], str]:
    """The maintainers of ``slug``, or of the nearest unit above with any; ([], '') when none has."""
    for name in [slug, *org.ancestors(slug)]:
        unit = org.units.get(name)
        if unit is not None and unit.maintainers:
            return list(unit.maintainers), name
    return [], ""


def due(org: Organisation, today: date, include_private: bool = False,
        last: Optional[dict[str, date]] = None) -> Reminders:
    """The key results due on ``today``, per unit, with the people to nudge."""
    stale = history.staleness(org, today, last)
    if stale is None:
        raise UsageError("there is no git history to tell when key results were last checked in: reminders need the "
                         "repository's history (in a workflow, actions/checkout with fetch-depth: 0)")
    repo_url = org.config.site.get("repo_url", "")
    label = Settings.of(org).label
    result = Reminders(today)
    per_unit: dict[str, UnitDue] = {}
    for ref, last_day in stale.key_results.items():
        kr = org.key_results[ref]
        objective = org.objective_of(kr)
        private = org.is_private_key_result(ref)
        if private and not include_private:
            continue
        cycle = org.config.cycles[objective.cycle]
        since = last_day or cycle.start
        unit = objective.unit
        if unit not in per_unit:
            people, source = people_to_nudge(org, unit)
            per_unit[unit] = UnitDue(unit, org.units[unit].name if unit in org.units else unit, people, source)
        per_unit[unit].krs.append(DueKr(ref, "" if private else kr.title, last_day, (today - since).days,
                                        org.cadence_days(unit), None if private else form_url(repo_url, kr, label),
                                        private))
    order = {u.slug: i for i, (u, _d) in enumerate(org.walk())}
    result.units = sorted(per_unit.values(), key=lambda u: order.get(u.slug, len(order)))
    for unit in result.units:
        unit.krs.sort(key=lambda k: (-k.days, k.ref))
    return result


# --- the message ---------------------------------------------------------------------


def _item(kr: DueKr) -> Item:
    when = f"last check-in {kr.last} ({kr.days} days ago)" if kr.last else f"no check-in yet ({kr.days} days into the cycle)"
    text = "(private key result)" if kr.private else kr.title
    return Item(text, kr.form, kr.ref, f"{when}; the cadence is {kr.cadence} days")


def _unit_section(unit: UnitDue, heading: Optional[str] = None) -> Section:
    lead = "please check in:" if unit.people else "nobody maintains this unit or a unit above it; please check in:"
    if unit.people and unit.people_from != unit.slug:
        lead = f"(maintainers of {unit.people_from}) please check in:"
    return Section(heading or f"{unit.name} ({unit.slug})", lead, unit.people, [_item(k) for k in unit.krs])


def unit_message(reminders: Reminders, unit: UnitDue) -> Message:
    return Message(f"Check-ins due: {unit.name}", f"As of {reminders.today}: {len(unit.krs)} key result(s) of "
                   f"{unit.name} have had no check-in within their cadence. Follow a link to check in from the browser.",
                   [_unit_section(unit, "Key results due")], marker=MARKER.format(key=unit.slug))


def organisation_message(reminders: Reminders) -> Message:
    """Everything due, grouped by the people to nudge, then by unit."""
    groups: dict[tuple[str, ...], list[UnitDue]] = {}
    for unit in reminders.units:
        groups.setdefault(tuple(unit.people), []).append(unit)
    sections = []
    for people, units in groups.items():
        section = Section(f"Maintainers of {units[0].people_from}" if people else "Units nobody maintains",
                          "please check in:" if people else "", list(people))
        section.sub = [Section(f"{u.name} ({u.slug})", items=[_item(k) for k in u.krs]) for u in units]
        sections.append(section)
    return Message(f"Check-ins due on {reminders.today}",
                   f"{reminders.count} key result(s) in {len(reminders.units)} unit(s) have had no check-in within "
                   "their cadence." if reminders.units else "", sections,
                   empty="Every key result has a check-in within its cadence.", marker=MARKER.format(key=ORGANISATION))


def messages(reminders: Reminders, per: str) -> list[tuple[str, Message]]:
    """(key, message): one per unit with something due, or one for the organisation."""
    if per == ORGANISATION:
        return [(ORGANISATION, organisation_message(reminders))]
    return [(unit.slug, unit_message(reminders, unit)) for unit in reminders.units]


# --- one open issue per unit ---------------------------------------------------------------


@dataclass
class IssueAction:
    key: str
    action: str  # opened, updated, closed, unchanged
    number: int


def sync_issues(repo: str, reminders: Reminders, per: str) -> list[IssueAction]:
    """Open, edit or close the reminder issues (label ``okrops-reminder``) so they say what is due now."""
    from okrops.reports.message import markdown

    open_issues = ghcli.api(f"repos/{repo}/issues?labels={LABEL}&state=open&per_page=100") or []
    by_key: dict[str, dict] = {}
    for issue in open_issues if isinstance(open_issues, list) else []:
        body = str(issue.get("body") or "")
        first = body.split("\n", 1)[0].strip()
        if first.startswith("<!-- okrops-remind:") and "pull_request" not in issue:
            by_key.setdefault(first[len("<!-- okrops-remind:"):-len(" -->")], issue)
    actions = []
    wanted = messages(reminders, per)
    if per == ORGANISATION and not reminders.units:
        wanted = []
    for key, message in wanted:
        body = markdown(message)
        issue = by_key.pop(key, None)
        if issue is None:
            made = ghcli.api(f"repos/{repo}/issues", method="POST",
                             fields={"title": message.title, "body": body, "labels": [LABEL]})
            actions.append(IssueAction(key, "opened", int((made or {}).get("number") or 0)))
        elif issue.get("body") != body or issue.get("title") != message.title:
            ghcli.api(f"repos/{repo}/issues/{issue['number']}", method="PATCH", fields={"title": message.title, "body": body})
            actions.append(IssueAction(key, "updated", int(issue["number"])))
        else:
            actions.append(IssueAction(key, "unchanged", int(issue["number"])))
    for key, issue in by_key.items():
        ghcli.comment(repo, int(issue["number"]), f"Nothing is due any more as of {reminders.today}: closing.")
        ghcli.api(f"repos/{repo}/issues/{issue['number']}", method="PATCH",
                  fields={"state": "closed", "state_reason": "completed"})
        actions.append(IssueAction(key, "closed", int(issue["number"])))
    return actions
