"""Reading a spreadsheet of OKRs for ``okrops import``: CSV (any common dialect) or xlsx, as rows of cells.

CSV: the encoding is UTF-8 (with or without a byte-order mark), else Windows-1252 as spreadsheet
programs write it; the dialect (comma, semicolon, tab or pipe; quoting) is sniffed with the
standard library, and refused with a message naming the candidates when it cannot be told.
xlsx: openpyxl reads the values (the results of formulas, as last saved) and the number formats,
so a cell shown as ``45%`` (the value 0.45) is known to be a percentage. Merged cells read as
blank below and beside their first cell, like blank follow-up cells in CSV.

Row numbers are the ones the user sees: the spreadsheet's row, or the CSV line where the record
starts. Numbers in text cells are read by :func:`parse_number`: thousands separators (``1,200``,
``1.200.000``, ``12 500``, ``1'200``), a decimal comma (``0,7``), a percent sign, a currency sign.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from okrops import progress
from okrops.errors import UsageError
from okrops.numbers import is_finite

DELIMITERS = ",;\t|"
MAX_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class Cell:
    value: Any  # str, int, float, a date or None
    percent: bool = False  # xlsx: a number shown as a percentage (the value is the fraction)

    @property
    def blank(self) -> bool:
        return self.value is None or (isinstance(self.value, str) and not self.value.strip())

    @property
    def text(self) -> str:
        if self.value is None:
            return ""
        if isinstance(self.value, float) and self.value.is_integer():
            return str(int(self.value))
        if isinstance(self.value, (dt.datetime, dt.date)):
            return self.value.isoformat()[:10]
        return str(self.value).strip()


@dataclass
class Sheet:
    path: Path
    headers: list[str]
    rows: list[tuple[int, list[Cell]]]  # (row number as the user sees it, one cell per header)
    dialect: str = ""  # how it was read, for the report: "xlsx, sheet OKRs" or "CSV separated by ';'"
    decimal_comma: bool = False  # a CSV separated by semicolons: 1.200 is a thousand and 0,7 a decimal


def read(path: str | Path, sheet: Optional[str] = None) -> Sheet:
    """The rows of a .csv, .tsv or .xlsx file: the first non-blank row holds the column names."""
    path = Path(path)
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    if path.stat().st_size > MAX_BYTES:
        raise UsageError(f"{path}: larger than {MAX_BYTES // (1024 * 1024)} MB; split it")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, sheet)
    if suffix in (".csv", ".tsv", ".txt"):
        return _read_csv(path)
    raise UsageError(f"{path}: okrops imports .csv and .xlsx files (save other formats as one of them)")


def _decode(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _read_csv(path: Path) -> Sheet:
    text = _decode(path)
    dialect = _sniff(path, text)
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    records: list[tuple[int, list[str]]] = []
    work = progress.current()
    work.stage(f"reading {path.name}", unit="rows")
    try:
        while True:
            start = reader.line_num + 1
            try:
                record = next(reader)
            except StopIteration:
                break
            records.append((start, record))
            work.advance()
    except csv.Error as error:
        raise UsageError(f"{path}:{reader.line_num}: not readable as CSV ({error})") from None
    work.done()
    sheet = _sheet(path, [(n, [Cell(v) for v in r]) for n, r in records],
                   "CSV separated by " + {"\t": "tabs"}.get(dialect.delimiter, repr(dialect.delimiter)))
    sheet.decimal_comma = dialect.delimiter == ";"
    return sheet


def _sniff(path: Path, text: str):
    sample = "\n".join(text.splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS)
    except csv.Error:
        pass
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: first.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    if counts[best] == 0 and first:
        raise UsageError(f"{path}: the first line has no comma, semicolon, tab or pipe between column names; "
                         "save the sheet as CSV with one of them")

    class Fallback(csv.excel):
        delimiter = best
    return Fallback


def _read_xlsx(path: Path, sheet: Optional[str]) -> Sheet:
    import zipfile

    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise UsageError(f"{path}: not a readable xlsx workbook ({error})") from None
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise UsageError(f"{path}: no sheet {sheet!r}; the sheets are: {', '.join(book.sheetnames)}")
        worksheet = book[sheet] if sheet is not None else book.worksheets[0]
        rows = []
        work = progress.current()
        work.stage(f"reading {path.name}, sheet {worksheet.title}", total=worksheet.max_row, unit="rows")
        for row in worksheet.iter_rows():
            work.advance()
            cells = [Cell(c.value, "%" in str(getattr(c, "number_format", "") or "") and isinstance(c.value, (int, float)))
                     for c in row]
            number = next((c.row for c in row if getattr(c, "row", None)), None)
            if number is not None:
                rows.append((number, cells))
        work.done()
        return _sheet(path, rows, f"xlsx, sheet {worksheet.title!r}")
    finally:
        book.close()


def _sheet(path: Path, rows: list[tuple[int, list[Cell]]], dialect: str) -> Sheet:
    rows = [(n, cells) for n, cells in rows if not all(c.blank for c in cells)]
    if not rows:
        raise UsageError(f"{path}: no rows")
    (_, header), body = rows[0], rows[1:]
    headers = [c.text for c in header]
    while headers and not headers[-1]:
        headers.pop()
    width = len(headers)
    body = [(n, (cells + [Cell(None)] * width)[:width]) for n, cells in body]
    return Sheet(path, headers, body, dialect)


_PLAIN = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_THOUSANDS_COMMA = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
# 1.200.000 and 1.200,5 use dots for thousands; a lone 1.234 is a decimal point (and 1,234 a thousand)
_THOUSANDS_DOT = re.compile(r"^[+-]?\d{1,3}((\.\d{3}){2,}(,\d+)?|(\.\d{3})+,\d+)$")
_DECIMAL_COMMA = re.compile(r"^[+-]?\d*,\d+$")
_CURRENCY = "$€£¥₹"


def parse_number(cell: Cell, decimal_comma: bool = False) -> tuple[float, bool]:
    """(value, written as a percentage) of a cell; ValueError with what was wrong.

    A percentage keeps its number: ``45%`` is (45.0, True); an xlsx cell formatted as a
    percentage holding 0.45 is (45.0, True) too. With ``decimal_comma`` (sheets that separate
    columns with semicolons, where the comma is the decimal mark), ``1.200`` is 1200 and ``1,234``
    is 1.234; otherwise a lone ``1.234`` is a decimal and ``1,234`` a thousand.
    """
    value = cell.value
    if isinstance(value, bool):
        raise ValueError("is TRUE/FALSE, not a number")
    if isinstance(value, (int, float)):
        number = float(value) * (100 if cell.percent else 1)
        if not is_finite(number):
            raise ValueError("is not a finite number")
        return number, cell.percent
    text = cell.text.replace("\u00a0", " ").replace("\u202f", " ").strip()
    percent = text.endswith("%")
    text = text.rstrip("%").strip().strip(_CURRENCY).strip()
    text = re.sub(r"(?<=\d)[ '’](?=\d{3}\b)", "", text)  # 12 500, 1'200
    text = text.replace("\u2212", "-")
    if decimal_comma and re.match(r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$", text):
        text = text.replace(".", "").replace(",", ".")
    elif decimal_comma and _DECIMAL_COMMA.match(text.replace(",", ",", 1)) and text.count(",") == 1:
        text = text.replace(",", ".")
    elif _THOUSANDS_COMMA.match(text):
        text = text.replace(",", "")
    elif _THOUSANDS_DOT.match(text):
        text = text.replace(".", "").replace(",", ".")
    elif _DECIMAL_COMMA.match(text):
        text = text.replace(",", ".")
    if not _PLAIN.match(text):
        raise ValueError("is not a number (write e.g. 1200, 1,200, 12.5, 0,7 or 45%)")
    number = float(text)
    if not is_finite(number):
        raise ValueError("is too large to be a number")
    return number, percent
