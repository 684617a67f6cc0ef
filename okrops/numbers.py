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


#: How far a ratio computed from the user's numbers (a key result's progress) may go either way. A ratio of two
#: finite numbers can still be huge (1e308 over a span of 14) or overflow (a huge value over a tiny span); every
#: reader multiplies it (x 100 for a percentage, by a weight, by a chart's height), so it is held to a bound
#: well beyond any meaningful progress (a hundred million per cent) instead of reaching them as infinity.
RATIO_LIMIT = 1e6


def bounded_ratio(value: Any) -> Optional[float]:
    """``value`` held to -RATIO_LIMIT .. RATIO_LIMIT (an overflow to infinity included); None for NaN or a
    non-number."""
    if not is_number(value) or value != value:
        return None
    return float(max(-RATIO_LIMIT, min(RATIO_LIMIT, value)))


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


CONFIDENCE_EXAMPLES = "write a confidence from 0 to 1 like 0.7, or as a percentage like 70%"


def file_confidence_hint(value) -> str:
    """For a confidence in an OKR file, which holds a number from 0 to 1: what to write instead of ``value``."""
    import re

    text = str(value).strip()
    match = re.fullmatch(r"([-+]?\d+(?:\.\d+)?)\s*%?", text)
    if match and 0 <= float(match.group(1)) <= 100 and (text.endswith("%") or float(match.group(1)) > 1):
        return f"a confidence is a number from 0 to 1: write {format_number(round(float(match.group(1)) / 100, 6))} " \
               f"for {format_number(float(match.group(1)))}%"
    return "a confidence is a number from 0 to 1, e.g. 0.7 (0 is 'no chance', 1 is 'certain')"


def value_hint(text: str, what: str = "value") -> str:
    """What to write instead of ``text`` (which is not a number), with valid examples for the field.

    One wording for the CLI, check-in files, prompts and schema messages: thousands separators,
    decimal commas, a % sign, or plain examples; for a confidence, 0.7 or 70%.
    """
    import re

    text = str(text).strip()
    if what == "confidence":
        return CONFIDENCE_EXAMPLES
    if re.fullmatch(r"[-+]?\d{1,3}([,.' ]\d{3})+([.,]\d+)?", text):
        plain = re.sub(r"[,.' ]", "", text)
        decimal = f" (or {text.replace(',', '.')}, with a point for decimals)" if re.fullmatch(r"[-+]?\d+,\d+", text) else ""
        return f"write it without thousands separators, e.g. {plain}{decimal}"
    if re.fullmatch(r"[-+]?\d+,\d+", text):
        return f"use a point for decimals, e.g. {text.replace(',', '.')}"
    if re.fullmatch(r"[-+]?[\d.]+\s*%", text):
        return f"write the number without the % sign, e.g. {text.rstrip('% ')}"
    return "write it like 42, -3 or 0.75"
