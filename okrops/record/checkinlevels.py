"""Ordinal key results in check-ins: the level reached, named in any case, or refused naming the levels.

An ordinal key result (``levels:`` in its file) is checked in by the name of the level it reached;
:func:`parse_level` finds it whatever its case and returns it as the file spells it, or refuses
with the file and line of its ``levels`` and the levels there are.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from okrops.errors import UsageError
from okrops.model import KeyResult, Organisation


def parse_level(org: Organisation, kr: KeyResult, raw: Any) -> str:
    """The level of an ordinal key result named by ``raw`` (case does not matter), as its file spells it."""
    ordinal = kr.ordinal
    assert ordinal is not None
    text = str(raw).strip() if raw is not None and not isinstance(raw, bool) else ""
    found = [name for name in ordinal.levels if name.casefold() == text.casefold()]
    if text and len(found) == 1:
        return found[0]
    if text in ordinal.levels:  # two levels differing only in case: the exact one
        return text
    from okrops.safetext import terminal_line

    if len(found) > 1:
        raise UsageError(f"{_levels_where(org, kr)}: {kr.ref} has levels that differ only in case, and "
                         f"{terminal_line(repr(_shortened(text)))} names {len(found)} of them "
                         f"({', '.join(terminal_line(name) for name in found)}); give the level as the file spells it")
    shown = ", ".join(terminal_line(name) for name in ordinal.levels)
    raise UsageError(f"{_levels_where(org, kr)}: {kr.ref} is an ordinal key result and "
                     f"{terminal_line(repr(_shortened(str(raw))))} is not one of its levels; give one of: {shown}")


def _levels_where(org: Organisation, kr: KeyResult) -> str:
    """file:line of an ordinal key result's ``levels`` (the file alone when it cannot be read)."""
    from okrops.yamlio import YamlProblem, locate, read_text

    try:
        line, _column = locate(read_text(Path(org.root) / kr.source.file), kr.source.path + ("levels",))
    except (OSError, YamlProblem, KeyError, IndexError, TypeError, ValueError):
        return kr.source.file
    return f"{kr.source.file}:{line}" if line else kr.source.file




def _shortened(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."
