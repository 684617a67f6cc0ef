"""The history as ``okrops history --format json|csv`` writes it, encoded once per commit and kept.

Encoding 100,000 check-ins as JSON takes longer than reading them from the history cache,
and writes the same bytes for the same commit every time. So each row's encoded text is
kept beside the history cache, in ``.git/okrops/history-json.cache`` (``history-csv.cache``
for CSV): every row's text, in the order the command lists them (oldest first), joined
into one block with the offset of each row, and each row's reference and day for
``TARGET`` and ``--since``. A run whose HEAD is the commit the file was made at writes the
block as it is (every check-in) or the rows it selects; any other run encodes the history
afresh (through :mod:`okrops.record.historyformat`, which makes the same document from the
same rows) and keeps that instead.

The file is never stale: it is kept under HEAD's commit, the history cache's key (the
reading code, see :func:`okrops.record.historycache.code_key`) and a hash of the code that
builds and encodes the rows (:data:`CODE_FILES`). ``OKROPS_NO_CACHE=1`` turns it off; it is
used only for the working tree's history without included repositories (the others take
the usual way).
"""

from __future__ import annotations

import marshal
import os
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Optional

from okrops.record import historycache, historyformat

# The code the encoded rows depend on besides the reading code (relative to the package).
CODE_FILES = ("record/historyencoded.py", "record/historyformat.py", "record/history.py", "safetext.py")
_FORMATS = {"json": (historyformat.JSON_SEPARATOR, "strict"), "csv": (historyformat.CSV_SEPARATOR, "replace")}


@lru_cache(maxsize=None)
def code_key() -> str:
    """A hash of the reading code's key and of the code that builds and encodes the rows."""
    from okrops import cache

    package = Path(__file__).resolve().parent.parent
    parts: list[bytes | str] = [historycache.code_key()]
    for name in CODE_FILES:
        try:
            parts.append((package / name).read_bytes())
        except OSError:  # pragma: no cover - an installation without sources: never reuse rows
            parts.append(os.urandom(16))
    return cache.digest(*parts)[:24]


@dataclass
class Encoded:
    """Every verified check-in of one commit's history, encoded in one format, oldest first."""

    body: bytes  # every row's text, joined by the format's separator
    starts: list[int]  # where each row begins in ``body``, and one more: where a row after the last would
    index: bytes  # marshal of (references, days as YYYY-MM-DD): read only to select rows
    warnings: list  # the entries skipped while reading, as (commit, subject, message)
    _references: Optional[tuple] = field(default=None, repr=False)

    def since(self, day: Optional[date]) -> list[int]:
        """The positions of the rows on or after ``day`` (None: every row)."""
        if day is None:
            return list(range(len(self.starts) - 1))
        first = day.isoformat()
        return [i for i, row_day in enumerate(self.references()[1]) if row_day >= first]

    def text(self, separator: bytes, rows: Optional[list[int]]) -> bytes:
        """The text of the rows at ``rows`` (None: all), joined by ``separator``."""
        if rows is None:
            return self.body
        cut, starts, body = len(separator), self.starts, self.body
        return separator.join([body[starts[i]:starts[i + 1] - cut] for i in rows])

    def references(self) -> tuple[list[str], list[str]]:
        """(each row's reference, each row's day as YYYY-MM-DD)."""
        if self._references is None:
            self._references = marshal.loads(self.index)
        return self._references


def document(org, output_format: str, target: Optional[str] = None, since: Optional[date] = None) -> Optional[bytes]:
    """What ``okrops history [TARGET] [--since] --format json|csv`` writes (JSON without the final line break).

    Through the kept encoded rows, made first when there are none for HEAD; the skipped
    entries are reported as :func:`okrops.record.history.read_history` reports them. None
    when this way does not apply: time travel, included repositories, no commits, outside
    git, or ``OKROPS_NO_CACHE``.
    """
    from okrops import cache
    from okrops.record import history

    if org.record_at is not None or org.included or cache.disabled():
        return None
    found = historycache._where(org.root, "HEAD")  # (work tree, git folder, HEAD's commit) in one git process
    if found is None or not found[1] or not found[2]:
        return None
    encoded = _kept_or_made(org, found, output_format)
    history.report([history.Skipped(*w) for w in encoded.warnings], None, org.root)
    rows = None  # every one
    if target or since is not None:
        rows = encoded.since(since)
        refs = encoded.references()[0] if target else []
        keeps = history.selector(org, target, (refs[i] for i in rows))  # as select: among the rows since
        if keeps is not None:
            rows = [i for i in rows if keeps(refs[i])]
    body = encoded.text(_FORMATS[output_format][0], rows)
    if output_format == "json":
        return historyformat.json_document(body, len(encoded.starts) - 1 if rows is None else len(rows))
    return historyformat.csv_document(body)


def _kept_or_made(org, found: tuple[str, str, str], output_format: str) -> Encoded:
    from okrops import cache

    toplevel, git_dir, tip = found
    path = Path(git_dir) / "okrops" / f"history-{output_format}.cache"
    key = (code_key(), historycache.okrs_prefix(toplevel, org.okrs_dir), output_format, tip)
    kept = cache.load(path, key)
    if isinstance(kept, tuple) and len(kept) == 4:
        return Encoded(*kept)
    # The rows of exactly ``tip`` (HEAD's, through the history cache; cut down to ``tip``'s when HEAD has moved on).
    made = encode(historycache.read_rows(org.root, org.okrs_dir, tip), output_format)
    cache.save(path, key, (made.body, made.starts, made.index, made.warnings))
    return made


def encode(rows, output_format: str) -> Encoded:
    """The verified check-ins in ``rows`` (:class:`okrops.record.historyread.Rows`) encoded, oldest first."""
    from itertools import accumulate

    from okrops.record import history

    checkins = history.from_rows(rows, unverified=False).checkins
    separator, errors = _FORMATS[output_format]
    texts = historyformat.json_blocks(checkins) if output_format == "json" else historyformat.csv_lines(checkins)
    encoded = [text.encode("utf-8", errors) for text in texts]
    starts = list(accumulate((len(text) + len(separator) for text in encoded), initial=0))
    index = marshal.dumps(([c.ref for c in checkins], [c.day.isoformat() for c in checkins]))
    return Encoded(separator.join(encoded), starts, index, [tuple(w) for w in rows.warnings])
