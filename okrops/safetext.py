"""Make user-written text safe for the medium it is written to.

Titles, notes, names, owners, author names and file names are written by people (or by
whoever crafted a commit) and reach terminals, CSV files, Markdown comments, JSON documents,
YAML files and CODEOWNERS. Each medium has one guard here, and every writer uses it:

- :func:`terminal` / :func:`terminal_line`: no control character, escape sequence (CSI,
  OSC 8 hyperlinks, ...), C1 control, bidirectional override or lone surrogate reaches a
  terminal; each is shown as a visible escape (``\\x1b``, ``\\u202e``). Ordinary Unicode
  (accents, CJK, emoji and their joiners) is kept. :func:`terminal_line` also folds every
  line break (the Unicode ones too) into a space, so user text cannot start a line of its
  own. :func:`guarded_streams` applies :func:`terminal` to everything a command prints, as
  a safety net behind the formatters.
- :func:`markdown` / :func:`markdown_code`: text that can never leave its place in a line
  of Markdown: no new line, heading, list item, block quote, table row, code fence, HTML,
  comment, link or image, and ``|`` cannot close a table cell.
- :func:`csv_text`: a CSV text cell a spreadsheet will not run (the OWASP CSV-injection
  guard: a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, or
  their full-width forms, also after leading spaces, gets a leading ``'``). Only text cells go through it: numeric
  columns are written from the numbers, so ``-5`` stays the number -5 (a number is not a
  formula), while a title ``-5`` becomes the text ``'-5``.
- :func:`json_dumps`: JSON whose strings carry DEL, C1 controls, bidirectional overrides,
  U+2028/U+2029 and lone surrogates as ``\\uXXXX`` escapes (json.dumps leaves them raw);
  the document decodes to exactly the same data.
- :func:`yaml_text` / :func:`yaml_scalar` / :func:`yaml_comment`: user text written into a
  YAML file through ruamel.yaml's emitter, double-quoted with escapes whenever plain or
  single-quoted style would not read back exactly; :func:`check_text` refuses text that
  should never be written into an OKR file (control characters, bidirectional overrides,
  text that is not valid Unicode) with a message naming the field.
- :func:`workflow_data` / :func:`workflow_property`: text in a GitHub Actions workflow
  command (``::error file=...::message``) that stays on its line.
- :func:`codeowners_path`: a path for a CODEOWNERS line, or None when it cannot be written
  there unambiguously.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import sys
from typing import Any, Iterator, Optional

# Line breaks as Python's str.splitlines, libyaml (YAML 1.1) and terminals know them.
_LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
_BREAK_RUN = re.compile(r"[ \t]*(?:[" + _LINE_BREAKS + r"\t][ \t]*)+")
# Bidirectional formatting characters (Trojan Source): they reorder what is displayed.
_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# Never written raw to a terminal, a CSV cell, Markdown or (unescaped) JSON: C0 controls but
# tab and newline, DEL, C1 controls, bidi controls, the Unicode line and paragraph separators,
# lone surrogates (file names that are not UTF-8).
_UNSAFE_CLASS = "\x00-\x08\x0b-\x1f\x7f-\x9f" + _BIDI + "\u2028\u2029\ud800-\udfff"
_UNSAFE = re.compile("[" + _UNSAFE_CLASS + "]")
# Refused in text written into OKR files: the unsafe set less the whitespace line breaks.
_REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f" + _BIDI + "\ud800-\udfff]")
# Characters after which plain or single-quoted YAML would not read back exactly.
_YAML_NEEDS_ESCAPES = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff]")


def _visible(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def has_unsafe(text: str) -> bool:
    """True when ``text`` holds a character :func:`terminal` would escape."""
    return _UNSAFE.search(text) is not None


# --- terminal -------------------------------------------------------------------------


# Every character these guards act on is non-printable for str.isprintable (controls, line and
# paragraph separators, format characters, surrogates), so printable text takes a fast path.


def terminal(text: Any) -> str:
    """``text`` with every control character but newline and tab shown as a visible escape."""
    text = str(text)
    return text if text.isprintable() else _UNSAFE.sub(_visible, text)


def one_line(text: Any) -> str:
    """``text`` with each run of line breaks and tabs (and the spaces around it) folded into one space."""
    text = str(text)
    return text if text.isprintable() else _BREAK_RUN.sub(" ", text)


def terminal_line(text: Any) -> str:
    """User text for one line of terminal output: one line, no control character."""
    text = str(text)
    return text if text.isprintable() else _UNSAFE.sub(_visible, _BREAK_RUN.sub(" ", text))


# The ASCII characters terminal() keeps (all but the C0 controls other than tab and newline, and DEL).
_ASCII_SAFE = bytes(code for code in range(128) if code in (9, 10) or 32 <= code < 127)


class _GuardedStream(io.TextIOBase):
    """A text stream that writes through :func:`terminal` to the stream it wraps."""

    def __init__(self, raw):
        self._raw = raw

    def write(self, text) -> int:
        if isinstance(text, (bytes, bytearray)):
            data = bytes(text)
            buffer = getattr(self._raw, "buffer", None)
            if buffer is not None and data.isascii() and not data.translate(None, _ASCII_SAFE):
                self._raw.flush()  # safe ASCII (a big JSON or CSV document, say): written as it is, in C
                buffer.write(data)
                return len(data)
            text = data.decode("utf-8", "replace")
        safe = terminal(text)
        try:
            self._raw.write(safe)
        except UnicodeEncodeError:  # a stream that cannot take Unicode (an ascii locale)
            encoding = getattr(self._raw, "encoding", None) or "ascii"
            self._raw.write(safe.encode(encoding, "backslashreplace").decode(encoding))
        return len(text)

    def flush(self) -> None:
        self._raw.flush()

    def isatty(self) -> bool:
        return bool(getattr(self._raw, "isatty", lambda: False)())

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._raw.fileno()

    @property
    def encoding(self):  # type: ignore[override]
        return getattr(self._raw, "encoding", "utf-8")

    @property
    def errors(self):  # type: ignore[override]
        return getattr(self._raw, "errors", "strict")


def unguarded(stream):
    """The stream under a guard of :func:`guarded_streams` (``stream`` itself when it has none).

    For the one writer that needs terminal control sequences (the progress bar's carriage return
    and erase-line): it makes the text it draws safe itself, with :func:`terminal_line`.
    """
    return stream._raw if isinstance(stream, _GuardedStream) else stream


@contextlib.contextmanager
def guarded_streams() -> Iterator[None]:
    """While active, everything written to sys.stdout and sys.stderr passes through :func:`terminal`.

    The formatters already make user text safe field by field; this is the net behind them
    for any message that echoes user text (an error naming a file, a folder, a ref).
    """
    out, err = sys.stdout, sys.stderr
    if out is not None and not isinstance(out, _GuardedStream):
        sys.stdout = _GuardedStream(out)
    if err is not None and not isinstance(err, _GuardedStream):
        sys.stderr = _GuardedStream(err)
    try:
        yield
    finally:
        for stream in (sys.stdout, sys.stderr):
            if isinstance(stream, _GuardedStream):
                with contextlib.suppress(Exception):
                    stream.flush()
        sys.stdout, sys.stderr = out, err


# --- Markdown ---------------------------------------------------------------------------

# Inline syntax anywhere in a line: escapes, code, emphasis, links and images, table cells,
# strikethrough, GitHub math, a heading's closing '#'s (backslash escapes are defined for
# every ASCII punctuation character); raw HTML, entities and block quotes as entities.
_MD_TABLE = str.maketrans({**{ch: "\\" + ch for ch in "\\`*_[]|~$#"}, "&": "&amp;", "<": "&lt;", ">": "&gt;"})
# Block syntax that only counts at the start of a line: ATX headings, bullet and ordered
# list items (a marker followed by a space or the end), setext underlines and thematic
# breaks made of '=' or '-' alone. Block quotes and HTML are covered by the entities.
_MD_LEADING = re.compile(r"^(?:#{1,6}|[-+]|\d{1,9}[.)])(?= |$)|^[=-]+ *$")


def markdown(text: Any) -> str:
    """User text for a place inside one line of Markdown (a list item, a heading, a table cell).

    CommonMark and GitHub render it as the literal text; it starts no block, closes no cell,
    opens no link, image, code span or HTML. Control characters show as visible escapes.
    """
    escaped = terminal_line(text).strip(" ").translate(_MD_TABLE)
    lead = _MD_LEADING.match(escaped)
    if lead:
        marker = lead.group()
        digits = len(marker) - len(marker.lstrip("0123456789"))
        at = digits if digits else 0  # '1.' -> '1\.', '#', '-', '+', '=' -> '\#', ...
        escaped = escaped[:at] + "\\" + escaped[at:]
    return escaped


_CODE_SAFE = re.compile(r"^[A-Za-z0-9/._@:+=-]+$")


def markdown_code(text: Any) -> str:
    """``text`` as an inline code span; text a code span cannot hold safely is written as :func:`markdown`."""
    value = str(text)
    if _CODE_SAFE.match(value):
        return f"`{value}`"
    return markdown(value)


# --- CSV ------------------------------------------------------------------------------------

_FORMULA_START = tuple("=+-@\t\r\uff1d\uff0b\uff0d\uff20")
_CSV_BREAKS = re.compile("\r\n|[" + _LINE_BREAKS + "]")


def csv_text(value: Any) -> str:
    """A CSV text cell that no spreadsheet evaluates and no terminal interprets.

    Line breaks become ``\\n`` (CSV quoting keeps them inside the cell); other control
    characters show as visible escapes; a cell a spreadsheet would read as a formula gets a
    leading ``'`` (OWASP). None is the empty cell. Write numeric columns from the numbers,
    not through this function.
    """
    if value is None:
        return ""
    text = str(value)
    if text.startswith(_FORMULA_START) or text.lstrip().startswith(_FORMULA_START):  # also after trimming
        text = "'" + text
    return text if text.isprintable() else terminal(_CSV_BREAKS.sub("\n", text))


# --- JSON ----------------------------------------------------------------------------------


def json_dumps(data: Any, **options: Any) -> str:
    """``json.dumps`` (``ensure_ascii=False``) with the characters a terminal would act on escaped.

    json.dumps escapes only U+0000..U+001F; DEL, C1 controls, bidi overrides, U+2028/U+2029
    and lone surrogates would be printed raw. They can only occur inside strings (the rest of
    the document is ASCII), so ``\\uXXXX`` escapes keep the decoded data exactly the same.
    """
    options.setdefault("ensure_ascii", False)
    return json_safe(json.dumps(data, **options))


def json_safe(text: str) -> str:
    """JSON text from ``json.dumps`` with the characters :func:`json_dumps` escapes escaped.

    In ASCII text json has escaped every control character but DEL already: a quick
    scan in C answers for most documents (a regular expression pass costs about
    7 ns a character).
    """
    if text.isascii():
        return text.replace("\x7f", "\\u007f") if "\x7f" in text else text
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


# --- YAML ----------------------------------------------------------------------------------


def check_text(value: Optional[str], what: str) -> Optional[str]:
    """``value`` unchanged, or a clear refusal when it should never be written into an OKR file.

    Refused: control characters other than tab and line breaks (an escape sequence, a bell, a
    backspace, NUL), bidirectional overrides, and text that is not valid Unicode (undecodable
    bytes in a command-line argument).
    """
    from okrops.errors import UsageError

    if value is None:
        return None
    bad = _REFUSED.search(value)
    if bad is not None:
        ch = bad.group()
        if "\ud800" <= ch <= "\udfff":
            raise UsageError(f"the {what} is not valid UTF-8 text; write it again in UTF-8")
        position = bad.start() + 1
        raise UsageError(f"the {what} holds the control character {_visible(bad)} at character {position}; "
                         "remove it (titles, names and notes are plain text)")
    return value


def yaml_text(value: Any) -> Any:
    """``value`` as ruamel.yaml should emit it: strings that plain or single-quoted style would
    not read back exactly (line breaks, tabs, control characters, U+2028, a BOM, surrounding
    spaces) are marked for double quotes with escapes; anything else is left to the emitter."""
    if not isinstance(value, str):
        return value
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString, ScalarString

    if isinstance(value, ScalarString):
        if _YAML_NEEDS_ESCAPES.search(value) is None:
            return value
        value = str(value)
    if _YAML_NEEDS_ESCAPES.search(value) or value != value.strip():
        return DoubleQuotedScalarString(value)
    return value


def yaml_scalar(value: str) -> str:
    """``value`` as one double-quoted YAML scalar on one line, written by ruamel.yaml's emitter."""
    from ruamel.yaml import YAML
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    emitter = YAML(typ="rt")
    emitter.width = sys.maxsize
    buffer = io.StringIO()
    emitter.dump({"k": DoubleQuotedScalarString(value)}, buffer)
    text = buffer.getvalue()
    if not text.startswith("k: ") or text.count("\n") != 1:  # pragma: no cover - an emitter we do not know
        raise ValueError(f"cannot write {value!r} as one YAML scalar")
    return text[3:-1]


def yaml_comment(text: Any) -> str:
    """User text for a YAML comment: one line (no break can end the comment), no control character."""
    return terminal_line(text)


# --- GitHub workflow commands ----------------------------------------------------------------


def workflow_data(text: Any) -> str:
    """The message of a GitHub Actions workflow command (``::error ...::MESSAGE``).

    ``%``, CR and LF are GitHub's %-escapes, so the message stays on its line and no text can
    start a command of its own; other control characters are shown as visible escapes.
    """
    return terminal(str(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def workflow_property(text: Any) -> str:
    """A property value of a workflow command (``file=...,title=...``): also ``:`` and ``,`` escaped."""
    return workflow_data(text).replace(":", "%3A").replace(",", "%2C")


# --- CODEOWNERS ----------------------------------------------------------------------------

_CODEOWNERS_PATH = re.compile(r"^[\w./ -]+$")


def codeowners_path(path: str) -> Optional[str]:
    """``path`` for a CODEOWNERS line (spaces escaped), or None when it cannot be written there.

    GitHub's CODEOWNERS reads a pattern up to the first unescaped space and treats ``#`` as
    a comment, ``*``, ``?``, ``[`` and ``\\`` as pattern syntax (``[...]`` is an error there);
    only letters, digits, ``_``, ``.``, ``/``, ``-`` and spaces are written.
    """
    if not _CODEOWNERS_PATH.match(path) or _UNSAFE.search(path):
        return None
    return path.replace(" ", "\\ ")
