"""Check-in history read from git (see issue: check-ins as commits).

Until check-in commits exist, no history is known and staleness is not judged.
"""

from __future__ import annotations

from datetime import date
from typing import Optional

from okrops.model import Organisation


def last_checkins(org: Organisation) -> Optional[dict[str, date]]:
    """Key result reference -> date of its last check-in; None when there is no history to read."""
    return None
