"""``kind: file``: a number from a CSV file (column and row) or a JSON file (JSONPath)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from okrops.collect.sources.base import (MAX_RESPONSE, Fetched, MetricSource, SourceFailed, as_number, json_path_one,
                                          one_line, parse_json)


class FileSource(MetricSource):
    kind = "file"

    def describe(self) -> str:
        path = self.spec["path"]
        if "json_path" in self.spec:
            return one_line(f"{path} {self.spec['json_path']}")
        row = self.spec.get("row", "last")
        where = (f"row {', '.join(f'{k}={v}' for k, v in row.items())}" if isinstance(row, dict) else f"{row} row")
        return one_line(f"{path} column {self.spec.get('column')}, {where}")

    def fetch(self) -> Fetched:
        written = self.spec["path"]
        path = Path(self.expand(written, "path"))
        if not path.is_absolute():
            path = self.context.root / path
        if "${" not in written and not path.resolve().is_relative_to(self.context.root.resolve()):
            # A path written in the file stays in the repository; one from outside comes through ${NAME}.
            raise SourceFailed(f"{written} is outside the repository: give files elsewhere through an environment "
                               "variable, e.g. ${EXPORTS}/nps.csv")
        try:
            with open(path, "rb") as handle:
                raw = handle.read(MAX_RESPONSE + 1)
        except OSError as exc:
            raise SourceFailed(f"cannot read {self.spec['path']}: {exc.strerror}") from None
        if len(raw) > MAX_RESPONSE:
            raise SourceFailed(f"{self.spec['path']} is larger than {MAX_RESPONSE // (1024 * 1024)} MB")
        if path.suffix.lower() == ".csv":
            return Fetched(self._from_csv(raw), raw)
        if "json_path" not in self.spec:
            raise SourceFailed("a JSON file source needs json_path")
        return Fetched(json_path_one(parse_json(raw, self.spec["path"]), self.spec["json_path"], self.spec["path"]), raw)

    def _from_csv(self, raw: bytes) -> float:
        name = self.spec["path"]
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise SourceFailed(f"{name} is not UTF-8 text") from None
        column = self.spec.get("column")
        if not column:
            raise SourceFailed("a CSV file source needs column")
        reader = csv.DictReader(io.StringIO(text))
        try:
            rows = list(reader)
        except csv.Error as exc:
            raise SourceFailed(f"{name} is not valid CSV: {exc}") from None
        if column not in (reader.fieldnames or []):
            raise SourceFailed(f"{name} has no column {column!r} (its header: {', '.join(reader.fieldnames or [])})")
        row = self.spec.get("row", "last")
        if isinstance(row, dict):
            chosen = [r for r in rows if all(str(r.get(k, "")).strip() == _text(v) for k, v in row.items())]
            if len(chosen) != 1:
                wanted = ", ".join(f"{k}={v}" for k, v in row.items())
                raise SourceFailed(f"{len(chosen)} rows of {name} match {wanted}; exactly one must")
            picked = chosen[0]
        elif not rows:
            raise SourceFailed(f"{name} has no rows")
        else:
            picked = rows[0] if row == "first" else rows[-1]
        return as_number((picked.get(column) or "").strip(), f"{name} column {column}")


def _text(value) -> str:
    from okrops.numbers import format_number

    return format_number(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)
