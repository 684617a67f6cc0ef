"""When a check-in may be dated: ``--date`` parsed for git, the future and dates before a cycle refused."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Optional

from okrops.errors import UsageError
from okrops.model import Organisation

if TYPE_CHECKING:
    from okrops.record.checkin import Change

FUTURE_SKEW = timedelta(minutes=1)  # clocks disagree a little; a check-in a minute "ahead" is not a typo


def parse_date(text: Optional[str]) -> Optional[str]:
    """``--date`` (YYYY-MM-DD or an ISO date and time) as git's internal date; None when not given.

    A day alone means noon there, or now when that day is today and noon is still to come.
    """
    if not text:
        return None
    try:
        if len(text.strip()) == 10:
            day = date.fromisoformat(text.strip())
            moment = datetime.combine(day, time(12, 0)).astimezone()
            now = datetime.now().astimezone().replace(microsecond=0)
            if day == now.date() and moment > now:
                moment = now
        else:
            moment = datetime.fromisoformat(text.strip())
            if moment.tzinfo is None:
                moment = moment.astimezone()
    except ValueError:
        raise UsageError(f"invalid date {text!r}: use YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][+HH:MM]") from None
    return git_date(moment)


def git_date(moment: datetime) -> str:
    """A timezone-aware datetime in git's internal date format, ``<unix seconds> +HHMM``."""
    offset = moment.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "-" if minutes < 0 else "+"
    minutes = abs(minutes)
    return f"{int(moment.timestamp())} {sign}{minutes // 60:02d}{minutes % 60:02d}"


def _moment(stamp: str) -> datetime:
    """git's internal date (``<unix seconds> +HHMM``) or an ISO date-time, as an aware datetime."""
    match = re.fullmatch(r"@?(\d+) ([+-])(\d\d)(\d\d)", stamp.strip())
    try:
        if match:
            seconds, sign, hours, minutes = match.groups()
            offset = timedelta(hours=int(hours), minutes=int(minutes)) * (-1 if sign == "-" else 1)
            return datetime.fromtimestamp(int(seconds), timezone(offset))
        moment = datetime.fromisoformat(stamp.strip())
    except (ValueError, OverflowError, OSError):
        raise UsageError(f"invalid date {stamp!r}: use YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][+HH:MM]") from None
    return moment if moment.tzinfo else moment.astimezone()


def check_date(org: Organisation, changes: "list[Change]", when: Optional[str], commit_date: Optional[str] = None,
               allow_before_cycle: bool = False) -> None:
    """Refuse a back-fill date in the future, or before the cycle of a key result starts.

    "The future" is the real clock plus a minute, or the commit's own date when one is
    given (a replay: a value cannot be measured after the commit that records it).
    A date after the cycle ended is fine: a late check-in for a closed cycle is real. Without
    ``when`` the check-in is dated now (or at ``commit_date``), and the same cycle rule holds:
    a value measured before a cycle starts is not one of its check-ins.
    """
    limit = _moment(commit_date) if commit_date else datetime.now(timezone.utc)
    moment = _moment(when) if when else limit.astimezone()
    if when and moment > limit + FUTURE_SKEW:
        now = "the commit's date" if commit_date else "now"
        raise UsageError(f"the check-in date {moment.isoformat()} is in the future ({now} is "
                         f"{limit.astimezone(moment.tzinfo).isoformat(timespec='seconds')}): a check-in records a "
                         "value already measured; give today or an earlier date")
    if allow_before_cycle:
        return
    cycles = _cycles(org)
    for change in changes:
        if not hasattr(change.kr, "objective_ref"):
            continue  # a KPI has no cycle
        objective = org.objectives.get(change.kr.objective_ref)
        cycle = cycles.get(objective.cycle if objective else change.ref.split("/")[1])
        if cycle is not None and moment.date() < cycle.start:
            raise UsageError(
                f"the check-in date {moment.date()} is before {change.ref}'s cycle {cycle.id} starts "
                f"(it runs from {cycle.start} to {cycle.end}): " + (
                    "check the date, or add --allow-before-cycle to back-fill a value measured before the cycle "
                    "on purpose" if when else "check in once the cycle has started (a value measured before it "
                    "belongs in the key result's baseline), or add --allow-before-cycle to record it anyway"))


def _cycles(org: Organisation) -> dict:
    if org.config.cycles:
        return org.config.cycles
    from okrops.repository import read_config  # a partial organisation (load_for) has no cycles: read them

    config = read_config(Path(org.root), Path(org.okrs_dir))
    return config.cycles if config is not None else {}
