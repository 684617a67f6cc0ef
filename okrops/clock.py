"""Today's date, overridable for reproducible reports, demos and tests.

Set ``OKROPS_TODAY=YYYY-MM-DD`` (or pass ``--today``) to evaluate an OKR
repository as of another day.
"""

from __future__ import annotations

import os
from datetime import date
from typing import Optional

from okrops.errors import UsageError


def today(override: Optional[str] = None) -> date:
    text = override or os.environ.get("OKROPS_TODAY")
    if not text:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"invalid date {text!r} for today: use YYYY-MM-DD") from None
