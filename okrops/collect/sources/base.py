"""The interface every kind of metric source implements, and what they share.

A source is made from its ``source:`` mapping and a :class:`Context`; ``fetch``
returns the number it found with the raw bytes it found it in (their digest is
recorded), or raises :class:`SourceFailed` with a reason a person can act on.
A source never returns a guess: no number, more than one number, text that is
not a number, NaN or infinity are failures.
"""

from __future__ import annotations

import json
import math
import os
import re
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Mapping

from okrops.numbers import is_finite
from okrops.sourcecheck import compile_jsonpath

DEFAULT_TIMEOUT = 30.0
MAX_RESPONSE = 20 * 1024 * 1024  # bytes read from any source at most
_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_NUMBER_TEXT = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")


class SourceFailed(Exception):
    """A source gave no usable number; ``reason`` says why (never holding a secret)."""

    def __init__(self, reason: str, body: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.body = body  # an HTTP error's response body (up to a few kilobytes), for kinds that read it


@dataclass
class Context:
    """What sources may use: the repository root, the environment, and the organisation's permissions."""

    root: Path
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    allow_commands: bool = False


@dataclass
class Fetched:
    """One number as a source found it (before scale and round), and the raw bytes it came from."""

    value: float
    raw: bytes


class MetricSource:
    """One ``source:``; subclasses set ``kind`` and implement :meth:`fetch` and :meth:`describe`."""

    kind = ""

    def __init__(self, spec: dict, context: Context):
        self.spec = spec
        self.context = context

    @property
    def timeout(self) -> float:
        value = self.spec.get("timeout", DEFAULT_TIMEOUT)
        return float(value) if is_finite(value) and value > 0 else DEFAULT_TIMEOUT

    def describe(self) -> str:
        """A short description of the query, from the file as written (environment references unexpanded)."""
        raise NotImplementedError

    def fetch(self) -> Fetched:
        """Fetch the number within :attr:`timeout` seconds, or raise :class:`SourceFailed`."""
        raise NotImplementedError

    # -- helpers for subclasses -------------------------------------------------------

    def expand(self, text: str, what: str) -> str:
        """``${NAME}`` replaced by the environment variable NAME; a missing one is a failure naming it."""
        def value(match: re.Match) -> str:
            name = match.group(1)
            if name not in self.context.environ:
                raise SourceFailed(f"the environment variable {name} (used in {what}) is not set")
            return self.context.environ[name]

        return _ENV.sub(value, text)

    def env(self, name: str, what: str) -> str:
        value = self.context.environ.get(name)
        if not value:
            raise SourceFailed(f"the environment variable {name} ({what}) is not set")
        return value


def one_line(text: str, limit: int = 160) -> str:
    """``text`` on one line (whitespace runs collapsed), at most ``limit`` characters."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def as_number(value: Any, what: str) -> float:
    """A finite number from a JSON or database value: numbers, and text holding exactly one decimal number."""
    if isinstance(value, bool):
        raise SourceFailed(f"{what} is {str(value).lower()}, not a number")
    if isinstance(value, Decimal):
        value = int(value) if value == value.to_integral_value() and abs(value) < 2 ** 63 else float(value)
    if isinstance(value, str):
        text = value.strip()
        if not _NUMBER_TEXT.fullmatch(text):
            lowered = text.lower()
            if lowered in ("nan", "+inf", "-inf", "inf", "infinity", "-infinity"):
                raise SourceFailed(f"{what} is {text}, not a finite number")
            raise SourceFailed(f"{what} is the text {one_line(text, 40)!r}, not a number")
        value = float(text) if any(c in text for c in ".eE") else int(text)
    if value is None:
        raise SourceFailed(f"{what} is null, not a number")
    if not isinstance(value, (int, float)):
        raise SourceFailed(f"{what} is {type(value).__name__ if not isinstance(value, (list, dict)) else 'a list or mapping'}, not a number")
    if not is_finite(value):
        raise SourceFailed(f"{what} is {'NaN' if value != value else 'not a finite number'}")
    return value


def parse_json(raw: bytes, what: str) -> Any:
    try:
        return json.loads(raw.decode("utf-8-sig"), parse_constant=lambda name: float(name))
    except (UnicodeDecodeError, ValueError) as exc:
        raise SourceFailed(f"{what} is not JSON ({one_line(str(exc), 80)})") from None


def json_path_one(document: Any, expression: str, what: str) -> float:
    """The one number that the JSONPath ``expression`` selects in ``document``."""
    try:
        compiled = compile_jsonpath(expression)
    except Exception as exc:  # noqa: BLE001 - jsonpath-ng raises its own errors and plain Exceptions
        raise SourceFailed(f"the JSONPath {expression!r} does not parse: {one_line(str(exc), 100)}") from None
    matches = [m.value for m in compiled.find(document)]
    if not matches:
        raise SourceFailed(f"{expression} selects nothing in {what}")
    if len(matches) > 1:
        raise SourceFailed(f"{expression} selects {len(matches)} values in {what}; it must select exactly one")
    return as_number(matches[0], f"the value at {expression}")


def transform(spec: dict, value: float) -> float:
    """``scale`` then ``round`` as the source declares; the result must still be finite."""
    scale = spec.get("scale")
    if scale is not None:
        value = value * scale
    places = spec.get("round")
    if isinstance(places, int) and not isinstance(places, bool):
        value = round(value, places)
        if places == 0 or (isinstance(value, float) and value.is_integer() and abs(value) < 2 ** 53):
            value = int(value)
    if not is_finite(value):
        raise SourceFailed("the value is not a finite number after scale")
    return value


class Deadline:
    """A point in time by which a fetch must be done."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        left = self.end - time.monotonic()
        if left <= 0:
            raise SourceFailed(f"timed out after {self.seconds:g} s")
        return left


def finite(value: float) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
