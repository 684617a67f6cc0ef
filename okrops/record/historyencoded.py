"""The history as ``okrops history --format json|csv`` writes it, encoded once per commit and kept.

Encoding 100,000 check-ins as JSON takes longer than reading them from the history cache,
and writes the same bytes for the same commit every time. So each row's encoded text is
kept beside the history cache, in ``.git/okrops/history-json.cache`` (``history-csv.cache``
for CSV): every row's text, in the order the command lists them (oldest first), joined
into one block with the offset of each row, and each row's reference and day for
``TARGET`` and ``--since``. A run whose HEAD is the commit the file was made at writes the
text as it is (every check-in) or the rows it selects. After new commits, their check-ins are
encoded and added at the end (when they are dated after the last one kept, as new check-ins
are); any other run encodes the history afresh (through :mod:`okrops.record.historyformat`,
which makes the same document from the same rows) and keeps that instead.

The file is never stale: it names the commit it was made at, and it is kept under the history
cache's key (the reading code, see :func:`okrops.record.historycache.code_key`) and a hash of
the code that builds and encodes the rows (:data:`CODE_FILES`); rows are added only to the
very rows they were encoded from (a CRC-32 of their commits in order is kept). ``OKROPS_NO_CACHE=1`` turns it off; it is
used only for the working tree's history without included repositories (the others take
the usual way).
"""

from __future__ import annotations

import marshal
import zlib
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from itertools import accumulate
from pathlib import Path
from typing import Optional

from okrops.record import historycache, historyformat
from okrops.record.historyread import COMMIT

# The code the encoded rows depend on besides the reading code (relative to the package).
CODE_FILES = ("record/historyencoded.py", "record/historyformat.py", "record/history.py", "safetext.py")
_FORMATS = {"json": (historyformat.JSON_SEPARATOR, "strict"), "csv": (historyformat.CSV_SEPARATOR, "replace")}


@lru_cache(maxsize=None)
def code_key() -> str:
    """A hash of the reading code's key and of the code that builds and encodes the rows."""
    from okrops import cache

    return cache.digest(historycache.code_key(), *cache.source_files(*CODE_FILES))[:24]


@dataclass
class Encoded:
    """Every verified check-in of one commit's history, encoded in one format, oldest first."""

    pieces: list  # every row's text, joined by the format's separator, in pieces (one when read from the file)
    count: int
    index: bytes  # marshal of (where each row begins in the text, references, days as YYYY-MM-DD): read to select
    warnings: list  # the entries skipped while reading, as (commit, subject, message)
    tip: str = ""  # the commit whose history this is
    check: int = 0  # CRC-32 of the rows' commits, in order (:func:`_check`): do a newer commit's rows extend them?
    last: str = ""  # the date and time of the last row (ISO); "" without rows
    _index: Optional[tuple] = field(default=None, repr=False)

    def since(self, day: Optional[date]) -> list[int]:
        """The positions of the rows on or after ``day`` (None: every row)."""
        if day is None:
            return list(range(self.count))
        first = day.isoformat()
        return [i for i, row_day in enumerate(self.rows()[2]) if row_day >= first]

    def text(self, separator: bytes, chosen: Optional[list[int]]) -> list:
        """The text of the rows at ``chosen`` (None: all), joined by ``separator``, in pieces."""
        if chosen is None:
            return self.pieces
        body = self.pieces[0] if len(self.pieces) == 1 else b"".join(self.pieces)
        cut, starts = len(separator), self.rows()[0]
        return [separator.join([body[starts[i]:starts[i + 1] - cut] for i in chosen])]

    def rows(self) -> tuple[list[int], list[str], list[str]]:
        """(where each row begins in the text, and one more; each row's reference; each row's day)."""
        if self._index is None:
            self._index = marshal.loads(self.index)
        return self._index


def document(org, output_format: str, target: Optional[str] = None, since: Optional[date] = None) -> Optional[list]:
    """What ``okrops history [TARGET] [--since] --format json|csv`` writes, as pieces of UTF-8 to write in turn.

    Through the kept encoded rows, made first when there are none for HEAD; the skipped
    entries are reported as :func:`okrops.record.history.read_history` reports them. The
    text has every control character escaped (see :mod:`okrops.record.historyformat`). None
    when this way does not apply: time travel, included repositories, no commits, outside
    git, or ``OKROPS_NO_CACHE``.
    """
    from okrops import cache
    from okrops.record import history

    if org.record_at is not None or org.included or cache.disabled():
        return None
    found = historycache.where(org.root, "HEAD")  # (work tree, git folder, HEAD's commit) in one git process
    if found is None or not found[1] or not found[2]:
        return None
    encoded = _kept_or_made(org, found, output_format)
    history.report([history.Skipped(*w) for w in encoded.warnings], None, org.root)
    chosen = None  # every row
    if target or since is not None:
        chosen = encoded.since(since)
        refs = encoded.rows()[1]
        keeps = history.selector(org, target, (refs[i] for i in chosen))  # as select: among the rows since
        if keeps is not None:
            chosen = [i for i in chosen if keeps(refs[i])]
    pieces = encoded.text(_FORMATS[output_format][0], chosen)
    if output_format == "json":
        return historyformat.json_pieces(pieces, encoded.count if chosen is None else len(chosen))
    return historyformat.csv_pieces(pieces)


def _kept_or_made(org, found: tuple[str, str, str], output_format: str) -> Encoded:
    toplevel, git_dir, tip = found
    path = Path(git_dir) / "okrops" / f"history-{output_format}.cache"
    key = (code_key(), historycache.okrs_prefix(toplevel, org.okrs_dir), output_format)
    kept = _load(path, key)
    if kept is not None and kept.tip == tip:
        return kept
    # The rows of exactly ``tip`` (HEAD's, through the history cache; cut down to ``tip``'s when HEAD has moved on).
    rows = historycache.read_rows(org.root, org.okrs_dir, tip)
    made = None
    if kept is not None and historycache.is_ancestor(toplevel, kept.tip, tip):
        made = extend(kept, rows, output_format, tip)
    if made is None:
        from okrops import progress

        work = progress.current()
        work.stage(f"encoding the check-in history as {output_format.upper()}", unit="check-ins")
        try:
            made = encode(rows, output_format, tip)
            work.advance(made.count)
        finally:
            work.done()
    _save(path, key, made)
    return made


def encode(rows, output_format: str, tip: str = "") -> Encoded:
    """The verified check-ins in ``rows`` (:class:`okrops.record.historyread.Rows`) encoded, oldest first."""
    from okrops.record import history

    checkins = history.from_rows(rows, unverified=False).checkins
    separator = _FORMATS[output_format][0]
    texts = _texts(checkins, output_format)
    starts = list(accumulate((len(text) + len(separator) for text in texts), initial=0))
    index = marshal.dumps((starts, [c.ref for c in checkins], [c.day.isoformat() for c in checkins]))
    return Encoded([separator.join(texts)], len(texts), index, [tuple(w) for w in rows.warnings], tip,
                   _check(rows.checkins), checkins[-1].when.isoformat() if checkins else "")


def extend(kept: Encoded, rows, output_format: str, tip: str) -> Optional[Encoded]:
    """``kept`` with the check-ins of newer commits at the end: the rows of a commit after ``kept.tip``.

    What :func:`encode` makes of ``rows``, or None when that is not ``kept`` with rows added at the
    end: when the rows of ``kept.tip`` in ``rows`` are not the ones kept (read again, in another
    order), or when a newer check-in is dated before the last one kept (a back-fill: oldest first,
    its place is among them).
    """
    from datetime import datetime

    from okrops.record import history
    from okrops.record.historyread import Rows

    newer = len(rows.checkins) - kept.count
    if newer < 0 or _check(rows.checkins[newer:]) != kept.check:
        return None
    added = history.from_rows(Rows(rows.checkins[:newer], [], [], []), unverified=False).checkins
    if added and kept.last and added[0].when < datetime.fromisoformat(kept.last):
        return None
    separator = _FORMATS[output_format][0]
    texts = _texts(added, output_format)
    starts, refs, days = kept.rows()
    starts = starts + list(accumulate((len(text) + len(separator) for text in texts), initial=starts[-1]))[1:]
    index = marshal.dumps((starts, refs + [c.ref for c in added], days + [c.day.isoformat() for c in added]))
    pieces = kept.pieces + [(separator if kept.count else b"") + separator.join(texts)] if texts else kept.pieces
    return Encoded(pieces, kept.count + len(texts), index, [tuple(w) for w in rows.warnings], tip,
                   _check(rows.checkins), added[-1].when.isoformat() if added else kept.last)


def _texts(checkins: list, output_format: str) -> list[bytes]:
    if output_format == "json":
        return [text.encode("utf-8") for text in historyformat.json_blocks(checkins)]
    return [text.encode("utf-8", "replace") for text in historyformat.csv_lines(checkins)]


def _check(rows: list) -> int:
    """CRC-32 of the rows' commits in order: what a commit's rows are does not change (the reading code is in the
    key), their order may (a history read again in full lists commits in git log's order)."""
    return zlib.crc32("\n".join([row[COMMIT] for row in rows]).encode())


# --- the file: MAGIC, the header's length (8 bytes), CRC-32 of the rest (4 bytes), the header, the body ----------
# Not :mod:`okrops.cache`'s format: the body (40 MB for 100,000 check-ins) is mapped and written as it is, not read,
# hashed with SHA-256 and copied (each pass over it costs tens of milliseconds). A file cut short or damaged fails
# the length or CRC check and reads as "not found".

_MAGIC = b"okrops encoded history 2\n"


def _load(path: Path, key: tuple) -> Optional[Encoded]:
    import mmap

    try:
        with open(path, "rb") as handle:
            view = memoryview(mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ))
    except (OSError, ValueError):  # missing, unreadable or empty
        return None
    top = len(_MAGIC) + 12
    if len(view) < top or view[:len(_MAGIC)] != _MAGIC:
        return None
    size = int.from_bytes(view[len(_MAGIC):len(_MAGIC) + 8], "little")
    if top + size > len(view) or zlib.crc32(view[top:]) != int.from_bytes(view[top - 4:top], "little"):
        return None
    try:
        header = marshal.loads(view[top:top + size])
    except (ValueError, EOFError, TypeError):
        return None
    if not isinstance(header, tuple) or len(header) != 7 or header[0] != key:
        return None
    return Encoded([view[top + size:]], *header[1:])


def _save(path: Path, key: tuple, encoded: Encoded) -> None:
    """Keep ``encoded`` at ``path``; a read-only repository keeps none, with the same output."""
    from okrops import cache

    header = marshal.dumps((key, encoded.count, encoded.index, encoded.warnings, encoded.tip, encoded.check,
                            encoded.last))
    check = zlib.crc32(header)
    for piece in encoded.pieces:
        check = zlib.crc32(piece, check)
    cache.write_file(path, (_MAGIC + len(header).to_bytes(8, "little") + check.to_bytes(4, "little") + header,
                            *encoded.pieces))
