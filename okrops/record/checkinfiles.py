"""Reading check-in files (``okrops checkin --from``): YAML or JSON lists and CSV files.

Every row is read and checked before anything is written, and every bad row is reported at once
(row, column, what is wrong). A CSV file's delimiter is sniffed from its header line (commas,
semicolons, tabs or vertical bars); any other is refused by name.
"""

from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from okrops.errors import UsageError


@dataclass
class Request:
    """One key result to check in, as given by a user (strings or numbers)."""

    ref: str
    value: Any
    confidence: Any = None
    note: str = ""
    where: str = ""  # e.g. "checkins.csv line 3", for error messages
    provenance: tuple[tuple[str, str], ...] = ()  # more (trailer, value) pairs for this value's group


def read_requests(path: str | os.PathLike) -> list[Request]:
    """Requests from a YAML file (a list of mappings, or ``{checkins: [...]}``) or a CSV file.

    Both have the fields ``ref``, ``value``, ``confidence`` (optional) and
    ``note`` (optional). A CSV file starts with that header line.
    """
    from okrops.yamlio import NotRegularFile, read_regular

    path = Path(path)
    try:
        raw = read_regular(path)
    except NotRegularFile:
        raise UsageError(f"{path}: not a regular file; give a .yaml, .json or .csv file") from None
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UsageError(f"{path} is not UTF-8 text") from None
    if path.suffix.lower() == ".csv":
        return _requests_from_csv(text, path.name)
    if path.suffix.lower() in (".yaml", ".yml", ".json"):
        return _requests_from_yaml(text, path.name)
    raise UsageError(f"{path.name}: use a .yaml, .yml, .json or .csv file")


CSV_DELIMITERS = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "vertical bars"}


def csv_delimiter(header: str, name: str) -> str:
    """The delimiter of a check-in CSV file, sniffed from its header line (which names ref and value)."""
    for delimiter in CSV_DELIMITERS:
        fields = [f.strip().lower() for f in next(csv.reader([header], delimiter=delimiter), [])]
        if "ref" in fields and "value" in fields:
            return delimiter
    between = re.search(r"ref(.*?)value|value(.*?)ref", header, re.IGNORECASE)
    if between:
        separator = (between.group(1) if between.group(1) is not None else between.group(2)).strip() or " "
        from okrops.safetext import terminal_line

        raise UsageError(f"{name}: the columns of the header line are separated by {terminal_line(repr(separator))}; "
                         "okrops reads columns separated by commas, semicolons, tabs or vertical bars, "
                         "e.g. ref,value,confidence,note")
    raise UsageError(f"{name}: the first line must be a header with at least ref,value (and confidence,note), "
                     "separated by commas, semicolons, tabs or vertical bars")


def _requests_from_csv(text: str, name: str) -> list[Request]:
    header = text.lstrip("\r\n").split("\n", 1)[0].rstrip("\r")
    reader = csv.DictReader(io.StringIO(text), delimiter=csv_delimiter(header, name))
    fields = [f.strip().lower() for f in (reader.fieldnames or [])]
    reader.fieldnames = fields
    requests = []
    for row in reader:
        if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue
        if None in row:  # more cells than the header has columns
            raise UsageError(f"{name} line {reader.line_num}: {len(fields) + len(row[None])} cells for "
                             f"{len(fields)} columns ({', '.join(fields)}); quote a note that holds the delimiter")
        requests.append(Request((row.get("ref") or "").strip(), row.get("value"), row.get("confidence"),
                                (row.get("note") or "").strip(), f"{name} line {reader.line_num}"))
    return requests


def _requests_from_yaml(text: str, name: str) -> list[Request]:
    from okrops.yamlio import YamlProblem, load_fast

    try:
        data = load_fast(text)
    except YamlProblem as problem:
        raise UsageError(f"{name}:{problem.line}: {problem.message}") from None
    if isinstance(data, dict) and isinstance(data.get("checkins"), list):
        data = data["checkins"]
    if not isinstance(data, list):
        raise UsageError(f"{name}: expected a list of check-ins (ref, value, confidence, note)")
    requests, problems = [], []
    for index, item in enumerate(data, 1):
        if not isinstance(item, dict) or "ref" not in item or "value" not in item:
            problems.append(f"{name} check-in {index}: needs at least ref and value")
            continue
        unknown = set(item) - {"ref", "value", "confidence", "note"}
        if unknown:
            problems.append(f"{name} check-in {index}: unknown field(s) {', '.join(sorted(map(str, unknown)))} "
                            "(the fields are ref, value, confidence, note)")
            continue
        requests.append(Request(str(item["ref"]), item["value"], item.get("confidence"),
                                str(item.get("note") or ""), f"{name} check-in {index}"))
    refuse_problems(problems, len(data))
    return requests


def refuse_problems(problems: list[str], rows: int) -> None:
    """One refusal naming every bad row, so a file is fixed in one go."""
    if not problems:
        return
    if len(problems) == 1:
        raise UsageError(f"{problems[0]}; nothing was checked in")
    listed = "\n  ".join(problems)
    raise UsageError(f"{len(problems)} problems in {rows} check-in{'s' if rows != 1 else ''}, nothing was checked "
                     f"in:\n  {listed}")
