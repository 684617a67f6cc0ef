"""Check-ins as JSON and CSV for other tools: what ``okrops history --format json|csv`` writes.

Each check-in is encoded on its own (:func:`json_blocks`, :func:`csv_lines`) and the
document is put together from the encoded rows (:func:`json_document`,
:func:`csv_document`), so rows encoded once and kept (:mod:`okrops.record.historyencoded`)
make exactly the document that encoding them afresh makes. Everything user-written is
escaped as :func:`okrops.safetext.json_dumps` and :func:`okrops.safetext.csv_text` escape it.
"""

from __future__ import annotations

COLUMNS = ["date", "ref", "value", "previous", "confidence", "author", "email", "kind", "commit", "note",
           "verified", "reason", "level", "previous_level"]
NUMBERS = {"value", "previous", "confidence"}
JSON_SEPARATOR = b",\n"  # between two rows' blocks in the "checkins" list
CSV_SEPARATOR = b""  # each CSV line ends with its own line break


def row(c) -> dict:
    """One check-in as the dictionary the JSON document lists (in :data:`COLUMNS` order)."""
    return {"date": c.when.isoformat(), "ref": c.ref, "value": c.value, "previous": c.previous,
            "confidence": c.confidence, "author": c.author, "email": c.email, "kind": c.kind,
            "commit": c.commit, "note": c.note, "verified": c.verified, "reason": c.reason, "level": c.level,
            "previous_level": c.previous_level}


def document(rows, output_format: str) -> bytes:
    """The JSON (without a final line break) or CSV document of ``rows``, as UTF-8."""
    if output_format == "json":
        return json_document(JSON_SEPARATOR.join([b.encode("utf-8") for b in json_blocks(rows)]), len(rows))
    return csv_document(CSV_SEPARATOR.join([line.encode("utf-8", "replace") for line in csv_lines(rows)]))


def history_json(rows) -> str:
    """``json_dumps({"checkins": [row(c), ...], "count": n}, indent=2)``, the same text, written many times faster."""
    return document(rows, "json").decode("utf-8")


def json_document(body: bytes, count: int) -> bytes:
    """The JSON document around ``count`` rows' blocks joined by :data:`JSON_SEPARATOR`."""
    return b"".join(json_pieces([body], count))


def json_pieces(body: list, count: int) -> list:
    """:func:`json_document` in pieces (``body`` in pieces too): a big body is never copied."""
    if not count:
        return [b'{\n  "checkins": [],\n  "count": 0\n}']
    return [b'{\n  "checkins": [\n', *body, b'\n  ],\n  "count": ' + str(count).encode() + b"\n}"]


def json_blocks(rows) -> list[str]:
    """Each row as the lines ``json.dumps(..., indent=2)`` writes for it inside the document.

    With ``indent`` json encodes in pure Python (about 18 us a check-in). Here json's C
    encoder writes every field of every row at once, as one flat list whose items it
    separates by NUL (JSON writes a NUL inside a string as ``\\u0000``, so a NUL is only
    ever between two fields); the encoded fields then go into the lines ``indent=2``
    writes for a row. The tests hold the two byte for byte.
    """
    import json
    from itertools import chain

    from okrops.safetext import json_safe

    if not rows:
        return []
    fields = json.dumps(list(chain.from_iterable(
        (c.when.isoformat(), c.ref, c.value, c.previous, c.confidence, c.author, c.email, c.kind, c.commit, c.note,
         c.verified, c.reason, c.level, c.previous_level) for c in rows)), ensure_ascii=False,
        separators=("\0", ":"))[1:-1].split("\0")
    width = len(COLUMNS)
    return [json_safe(_JSON_ROW % tuple(fields[start:start + width])) for start in range(0, len(fields), width)]


_JSON_ROW = "    {\n" + ",\n".join(f'      "{name}": %s' for name in COLUMNS) + "\n    }"


def history_csv(rows) -> str:
    """One row per check-in; text cells cannot run in a spreadsheet, numbers are written as numbers."""
    return document(rows, "csv").decode("utf-8")


def csv_document(body: bytes) -> bytes:
    """The header line, then the rows' lines (``body``, each line ending in a line break)."""
    return _CSV_HEADER + body


def csv_pieces(body: list) -> list:
    """:func:`csv_document` in pieces (``body`` in pieces too): a big body is never copied."""
    return [_CSV_HEADER, *body]


_CSV_HEADER = (",".join(COLUMNS) + "\n").encode()


def csv_lines(rows) -> list[str]:
    """Each row's CSV line (or lines, when a cell holds a line break), as ``csv.writer`` writes it."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    text = _CsvCells()  # authors, e-mails, references, kinds and levels repeat: each made safe once
    lines = []
    for c in rows:
        # A date (datetime.isoformat: digits first, ASCII) and a letters-and-digits text (a commit id) are safe as
        # they are.
        writer.writerow((c.when.isoformat(), text[c.ref], _csv_number(c.value), _csv_number(c.previous),
                         _csv_number(c.confidence), text[c.author], text[c.email], text[c.kind],
                         c.commit if c.commit.isalnum() else text[c.commit], text[c.note],
                         "true" if c.verified else "false", text[c.reason], text[c.level], text[c.previous_level]))
        lines.append(out.getvalue())
        out.seek(0)
        out.truncate()
    return lines


class _CsvCells(dict):
    """text -> :func:`okrops.safetext.csv_text` of it, worked out once per text."""

    def __missing__(self, value):
        from okrops.safetext import csv_text

        cell = self[value] = csv_text(value)
        return cell


def _csv_number(value):
    return "" if value is None else value
