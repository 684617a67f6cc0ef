"""When the rhythm's scheduled workflow acts: the day and hour of ``rhythm:`` in okrs/okrops.yaml (UTC).

The workflow runs every hour; ``--scheduled`` makes ``okrops remind`` and ``okrops report``
act only in the configured hour, so changing the time is a change to okrs/okrops.yaml alone.
``OKROPS_NOW`` (an ISO date-time) stands in for the clock, for tests and dry runs.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone

from okrops.errors import UsageError
from okrops.model import Organisation

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DEFAULT_DAY, DEFAULT_HOUR = "monday", 8


def now() -> datetime:
    text = os.environ.get("OKROPS_NOW")
    if not text:
        return datetime.now(timezone.utc)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"OKROPS_NOW={text!r} is not an ISO date-time, e.g. 2026-11-23T08:17:00Z") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def slot(org: Organisation) -> tuple[str, int]:
    rhythm = org.config.rhythm
    return str(rhythm.get("day", DEFAULT_DAY)), int(rhythm.get("hour", DEFAULT_HOUR))


def is_due(org: Organisation, moment: datetime | None = None) -> bool:
    """Is ``moment`` (default: now) in the rhythm's hour, in UTC?"""
    moment = (moment or now()).astimezone(timezone.utc)
    day, hour = slot(org)
    return DAYS[moment.weekday()] == day and moment.hour == hour
