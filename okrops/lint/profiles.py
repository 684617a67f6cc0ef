"""Profiles: named presets of rule settings (``lint.profile``), from ``profiles.yaml`` beside this file.

A profile is applied at the level that names it (``okrs/okrops.yaml`` or a ``unit.yaml``), after
the settings inherited from above and before that level's own ``lint.rules``: an organisation
starts from a profile and overrides what it wants.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

from okrops.yamlio import load_fast

PROFILES_FILE = Path(__file__).resolve().parent / "profiles.yaml"


@lru_cache(maxsize=None)
def profiles() -> dict[str, dict]:
    return load_fast(PROFILES_FILE.read_text(encoding="utf-8")) or {}


def names() -> list[str]:
    return list(profiles())


def profile_setting(name: Optional[str], rule_id: str) -> Optional[Any]:
    """The setting the profile ``name`` gives ``rule_id`` (None: the profile leaves it alone)."""
    if not name:
        return None
    return (profiles().get(name) or {}).get("rules", {}).get(rule_id)
