"""Today's date, overridable for reproducible reports, demos and tests.

Set ``OKROPS_TODAY=YYYY-MM-DD`` (or pass ``--today``) to evaluate an OKR
repository as of another day.
"""

from __future__ import annotations

import os
from datetime import date
from typing import Optional

from okrops.errors import UsageError


#: The days a person can ask about (--today, OKROPS_TODAY, --as-of): far enough from date.min and date.max that
#: every computation from them (a week back, a cadence or a cycle ahead) stays a date.
EARLIEST, LATEST = date(1900, 1, 1), date(9000, 12, 31)


def within(day: date) -> bool:
    """Whether okrops can compute from ``day`` (every date it derives, a week back or a cycle ahead, stays a date)."""
    return EARLIEST <= day <= LATEST


def in_range(day: date, text: str, what: str) -> date:
    """``day`` when okrops can compute from it; a usage error naming the range otherwise."""
    if not within(day):
        raise UsageError(f"date {text!r} for {what} is out of range: give a day from {EARLIEST} to {LATEST}")
    return day


def today(override: Optional[str] = None) -> date:
    text = override or os.environ.get("OKROPS_TODAY")
    if not text:
        return date.today()
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"invalid date {text!r} for today: use YYYY-MM-DD") from None
    return in_range(day, text, "today")
