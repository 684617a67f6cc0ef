"""Numbers okrops can compute with: finite, and within the range of a float.

YAML can write numbers JSON cannot hold and arithmetic cannot use: ``.nan``,
``.inf``, ``-.inf``, ``1e400`` (read as infinity) and integers of hundreds of
digits (which overflow as soon as they meet a float). The schemas reject them in
every numeric field (``$defs/number`` in ``schema/*.json``); this module is the
same rule for Python code: the model, the scores and the check-in inputs.
"""

from __future__ import annotations

import math
import sys
from typing import Any, Optional

#: The largest finite float; an integer beyond it cannot be turned into a float.
LARGEST = sys.float_info.max


def is_number(value: Any) -> bool:
    """An int or a float (a bool is not a number here)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def is_finite(value: Any) -> bool:
    """A number that is not NaN or infinite and fits in a float."""
    kind = type(value)
    if kind is float:  # the common cases first: this runs for every number the model holds
        return value - value == 0.0  # nan and inf give nan
    if kind is int:
        return -LARGEST <= value <= LARGEST
    if not is_number(value):
        return False
    if isinstance(value, int):
        return -LARGEST <= value <= LARGEST
    return math.isfinite(value)


def finite_or_none(value: Any) -> Optional[float]:
    """``value`` when it is a finite number, else None (treated as missing)."""
    return value if is_finite(value) else None


def describe(value: Any) -> str:
    """A number as a person would recognise it in a message: .nan, .inf, -.inf, a 401-digit number."""
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        return repr(value)
    if isinstance(value, int) and not isinstance(value, bool):
        if is_finite(value):
            return str(value)
        digits = _digits(value)
        return f"a {'negative ' if value < 0 else ''}{digits}-digit number"
    return repr(value)


def _digits(value: int) -> int:
    """Decimal digits of ``value`` without converting it to text (Python limits that to 4,300 digits)."""
    magnitude = abs(value)
    digits = max(1, int(magnitude.bit_length() * math.log10(2)))
    while 10 ** digits <= magnitude:
        digits += 1
    while digits > 1 and 10 ** (digits - 1) > magnitude:
        digits -= 1
    return digits


NOT_FINITE_HINT = "write a number like 42 or 0.75 (no .nan, .inf or -.inf, nothing beyond about 1.8e308)"


def format_number(value: Optional[float]) -> str:
    """A number as a person would write it: 42, 42.5, 0.6 (never 42.0)."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int):
        return str(value)
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))
