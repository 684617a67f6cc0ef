"""Reading and writing OKR YAML.

Two paths, one meaning:

* the fast read path (:func:`load_fast`) uses libyaml through PyYAML's
  ``CSafeLoader`` with YAML 1.2 core-schema resolvers, so ``yes``/``no``/``on``
  stay strings and dates stay ``YYYY-MM-DD`` strings, exactly as ruamel.yaml's
  round-trip loader (YAML 1.2) reads them;
* the round-trip path (:func:`load_roundtrip`, :func:`dump_roundtrip`) keeps
  comments, quotes and layout, for the files ``okrops new`` and the cycle
  commands write. Check-ins do not use it: they edit values in the text,
  located with the fast path's parser (:mod:`okrops.yamledit`).

Both refuse what a user may feed them by mistake: binary or non-UTF-8 files,
huge files, duplicate keys, non-text keys and alias bombs.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from okrops.findings import DocPath
from okrops.numbers import NOT_FINITE_HINT

MAX_FILE_BYTES = 2 * 1024 * 1024
# Every symbolic link in an OKR repository is refused, wherever it points: one that leaves the
# repository would publish or edit a file outside it. Completed with "file" or "folder".
SYMLINK_REFUSED = "symbolic links are not followed in an OKR repository; replace it with a real"
MAX_EXPANDED_NODES = 200_000


@dataclass
class YamlProblem(Exception):
    """A file that cannot be read as OKR YAML. ``line``/``column`` are 1-based (0: unknown)."""

    message: str
    line: int = 0
    column: int = 0
    rule: str = "yaml-syntax"

    def __str__(self) -> str:
        return self.message


try:  # pragma: no cover - depends on the installed PyYAML
    _BaseLoader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _BaseLoader = yaml.SafeLoader


class FastLoader(_BaseLoader):  # type: ignore[misc,valid-type]
    """libyaml loader with YAML 1.2 core-schema scalars and strict mappings."""

    yaml_implicit_resolvers: dict = {}

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        if not isinstance(node, yaml.MappingNode):
            raise yaml.constructor.ConstructorError(
                None, None, f"expected a mapping, found {node.id}", node.start_mark
            )
        seen: dict[str, yaml.Node] = {}
        for key_node, _value in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge" or (
                isinstance(key_node, yaml.ScalarNode) and key_node.value == "<<" and not key_node.style
            ):
                raise _problem_at(key_node, "merge keys (<<) are not supported; write the keys out")
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != "tag:yaml.org,2002:str":
                raise _problem_at(
                    key_node,
                    f"key {_node_text(key_node)!r} is not text; quote it or rename it",
                )
            key = key_node.value
            if key in seen:
                first = seen[key].start_mark.line + 1
                raise _problem_at(
                    key_node, f"duplicate key {key!r} (first defined on line {first}); remove one", "duplicate-key"
                )
            seen[key] = key_node
        return super().construct_mapping(node, deep=deep)


def _node_text(node: yaml.Node) -> str:
    return node.value if isinstance(node, yaml.ScalarNode) else node.id


def _problem_at(node: yaml.Node, message: str, rule: str = "yaml-syntax") -> YamlProblem:
    mark = node.start_mark
    return YamlProblem(message, mark.line + 1, mark.column + 1, rule)


# YAML 1.2 core schema (https://yaml.org/spec/1.2.2/#1032-tag-resolution).
_CORE_RESOLVERS = [
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    # Underscores in numbers (1_000) are read as ruamel.yaml reads them, so both paths agree.
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9][0-9_]*|0o[0-7_]+|0x[0-9a-fA-F_]+)$", "-+0123456789"),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+0123456789.",
    ),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
]
for _tag, _regexp, _first in _CORE_RESOLVERS:
    FastLoader.add_implicit_resolver(_tag, re.compile(_regexp), list(_first))


def _construct_core_int(loader: FastLoader, node: yaml.ScalarNode) -> int:
    value = loader.construct_scalar(node).replace("_", "")
    if value.startswith("0o"):
        return int(value[2:], 8)
    if value.startswith("0x"):
        return int(value[2:], 16)
    try:
        return int(value, 10)
    except ValueError:  # more digits than Python converts (4,300): far beyond any finite number anyway
        raise _problem_at(node, f"a number of {len(value.lstrip('+-'))} digits cannot be read: "
                                f"{NOT_FINITE_HINT}") from None


def _construct_core_float(loader: FastLoader, node: yaml.ScalarNode) -> float:
    value = loader.construct_scalar(node).lower().replace("_", "")
    if value.endswith(".inf"):
        return float("-inf") if value.startswith("-") else float("inf")
    if value == ".nan":
        return float("nan")
    return float(value)


FastLoader.add_constructor("tag:yaml.org,2002:int", _construct_core_int)
FastLoader.add_constructor("tag:yaml.org,2002:float", _construct_core_float)
# Explicit !!timestamp or !!binary tags would make objects JSON cannot hold: keep them text.
FastLoader.add_constructor("tag:yaml.org,2002:timestamp", FastLoader.construct_yaml_str)
FastLoader.add_constructor("tag:yaml.org,2002:binary", FastLoader.construct_yaml_str)


def _refuse_tag(loader: FastLoader, node: yaml.Node) -> None:
    raise _problem_at(node, f"the tag {node.tag!r} is not supported in OKR files; remove it")


for _tag in ("set", "omap", "pairs"):
    FastLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _refuse_tag)
FastLoader.add_constructor(None, _refuse_tag)  # any unknown tag, e.g. !!python/object


def decode(raw: bytes) -> str:
    """Bytes of a YAML file to text, refusing binary, non-UTF-8 and huge files."""
    if len(raw) > MAX_FILE_BYTES:
        raise YamlProblem(
            f"file is {len(raw) / 1024 / 1024:.1f} MiB; OKR files are limited to "
            f"{MAX_FILE_BYTES // 1024 // 1024} MiB: split it or remove what does not belong",
            rule="file-too-large",
        )
    if b"\x00" in raw:
        offset = raw.index(b"\x00")
        line = raw.count(b"\n", 0, offset) + 1
        raise YamlProblem("file is binary (it contains a NUL byte), not YAML text", line, 1, "not-text")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise YamlProblem(
            f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save it as UTF-8",
            line,
            column,
            "not-text",
        ) from None
    return text[1:] if text.startswith("\ufeff") else text


def read_text(path: Path) -> str:
    """The text of an OKR file; a symbolic link is refused (rule ``unsafe-path``), never followed."""
    return decode(read_raw(path))


def read_raw(path: Path) -> bytes:
    """The bytes of an OKR file; a symbolic link is refused (rule ``unsafe-path``), never followed."""
    if os.path.islink(path):
        raise YamlProblem(f"{SYMLINK_REFUSED} file", rule="unsafe-path")
    try:
        return read_regular(path)
    except NotRegularFile:
        raise YamlProblem(NOT_REGULAR, rule="unsafe-path") from None
    except OSError as exc:
        raise YamlProblem(f"cannot read file: {exc.strerror}", rule="io-error") from None


NOT_REGULAR = "not a regular file (a pipe, socket or device would never end, or block); replace it with a real file"


class NotRegularFile(OSError):
    """A path that names a pipe, a socket or a device instead of a file."""


def read_regular(path: str | os.PathLike) -> bytes:
    """The bytes of a regular file. A FIFO, socket or device is refused before a byte is read: opening a FIFO
    does not wait for a writer (O_NONBLOCK), and /dev/zero is never read to the end."""
    import stat

    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotRegularFile(f"{path}: {NOT_REGULAR}")
        with open(fd, "rb", closefd=False) as handle:
            return handle.read()
    finally:
        os.close(fd)


def load_fast(text: str) -> Any:
    """Parse one YAML document into plain Python data (dict, list, str, int, float, bool, None)."""
    if not text.strip() or all(
        not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()
    ):
        raise YamlProblem("file is empty; add content or delete the file", 1, 1, "empty-file")
    try:
        loader = FastLoader(text)
        try:
            data = loader.get_single_data()
        finally:
            loader.dispose()
    except YamlProblem:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = exc.problem or "invalid YAML"
        if exc.context:
            what = f"{exc.context}, {what}"
        if "expected a single document" in what:
            what = "the file holds more than one YAML document (---); keep one document per file"
        raise _marked_problem(text, mark, what) from None
    except (yaml.YAMLError, ValueError, RecursionError) as exc:
        raise YamlProblem(f"invalid YAML: {exc}") from None
    if ("*" in text) and _expanded_size(data) > MAX_EXPANDED_NODES:
        raise YamlProblem(
            f"aliases expand to more than {MAX_EXPANDED_NODES:,} values (an 'alias bomb'); "
            "write the values out instead of nesting aliases",
            rule="alias-bomb",
        )
    return data


TAB_INDENT = "a tab character is used for indentation here; YAML indents with spaces only: replace the tab with spaces"
TAB_SEPARATOR = "a tab character separates the parts of this line; write a space instead"


def _marked_problem(text: str, mark: Any, what: str) -> YamlProblem:
    """The problem at a parser's mark (libyaml or ruamel.yaml: both readers word it the same way).

    A tab in the indentation of the line the parser stopped on, or of the line before it, is
    the "tab character" message at that tab's line and column, whatever the parser said.
    """
    if mark is None:
        return YamlProblem(f"invalid YAML: {what}")
    lines = text.splitlines()
    for number in (mark.line, mark.line - 1):
        if 0 <= number < len(lines):
            indent = re.match(r"(?:[ \t]|-(?=[ \t]))*", lines[number]).group(0)  # spaces, tabs, list dashes
            if "\t" in indent:
                return YamlProblem(f"invalid YAML: {TAB_INDENT}", number + 1, indent.index("\t") + 1)
    if text[mark.index:mark.index + 1] == "\t" or "tab character" in str(what):
        return YamlProblem(f"invalid YAML: {TAB_SEPARATOR}", mark.line + 1, mark.column + 1)
    return YamlProblem(f"invalid YAML: {what}", mark.line + 1, mark.column + 1)


def _expanded_size(data: Any) -> int:
    """Number of values ``data`` would have if every alias were written out (linear time)."""
    memo: dict[int, int] = {}

    def size(value: Any, depth: int = 0) -> int:
        if isinstance(value, (dict, list)):
            known = memo.get(id(value))
            if known is not None:
                return known
            if depth > 200:
                return MAX_EXPANDED_NODES + 1
            children = value.values() if isinstance(value, dict) else value
            total = 1
            for child in children:
                total += size(child, depth + 1)
                if total > MAX_EXPANDED_NODES:
                    break
            memo[id(value)] = total
            return total
        return 1

    return size(data)


def locate(text: str, path: DocPath) -> tuple[int, int]:
    """Line and column (1-based) of the key or item at ``path`` in ``text``.

    Walks as far down the path as the document goes; a mapping key is reported
    at the key itself, so editors put the cursor on the offending key.
    """
    return locate_many(text, [path])[0]


# Line and column of key paths, by a digest of the file's text (positions depend on the text alone, so an
# answer is never stale): a long-lived process (``okrops site serve``) composes a file again only when it changed.
_POSITIONS: dict[bytes, dict[tuple, tuple[int, int]]] = {}
MAX_POSITION_FILES = 8192


def locate_many(text: str, paths: list[DocPath]) -> list[tuple[int, int]]:
    """:func:`locate` for many paths in one file, composing the document once (and not at all when this
    process already located them in the same text)."""
    import hashlib

    key = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
    known = _POSITIONS.get(key)
    wanted = [tuple(path) for path in paths]
    if known is not None and all(path in known for path in wanted):
        return [known[path] for path in wanted]
    positions = _compose_positions(text, wanted)
    if known is None:
        while len(_POSITIONS) >= MAX_POSITION_FILES:
            del _POSITIONS[next(iter(_POSITIONS))]
        known = _POSITIONS[key] = {}
    known.update(zip(wanted, positions))
    return positions


def _compose_positions(text: str, paths: list[tuple]) -> list[tuple[int, int]]:
    try:
        loader = FastLoader(text)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.YAMLError:
        return [(1, 1)] * len(paths)
    if root is None:
        return [(1, 1)] * len(paths)
    return [_walk(root, path) for path in paths]


def _walk(node: yaml.Node, path: DocPath) -> tuple[int, int]:
    mark = node.start_mark
    for part in path:
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            for key_node, value_node in node.value:
                if key_node.value == part:
                    mark = key_node.start_mark
                    node = value_node
                    break
            else:
                break
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            node = node.value[part]
            mark = node.start_mark
        else:
            break
    return (mark.line + 1, mark.column + 1)


# --- round-trip path -------------------------------------------------------


def roundtrip_yaml():
    """A ruamel.yaml round-trip instance with the layout okrops files use."""
    from ruamel.yaml import YAML

    rt = YAML(typ="rt")
    rt.indent(mapping=2, sequence=4, offset=2)
    rt.preserve_quotes = True
    rt.width = 4096
    rt.allow_duplicate_keys = False
    return rt


def load_roundtrip(text: str) -> Any:
    """Parse ``text`` keeping comments and layout, for editing and writing back."""
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    try:
        return roundtrip_yaml().load(text)
    except MarkedYAMLError as exc:
        raise _marked_problem(text, exc.problem_mark or exc.context_mark, exc.problem or exc.context) from None
    except YAMLError as exc:
        raise YamlProblem(f"invalid YAML: {exc}") from None


def dump_roundtrip(document: Any) -> str:
    buffer = io.StringIO()
    roundtrip_yaml().dump(document, buffer)
    return buffer.getvalue()


def move_trailing_comment(source: Any, source_key: Any, target: Any, target_key: Any) -> None:
    """Move the comment lines that follow ``source[source_key]`` to after ``target[target_key]``.

    ruamel attaches the lines after a value (blank lines, comments about what comes
    next) to the key before them; when a key is inserted after it, those lines must
    move below the new key. The end-of-line comment of ``source_key`` stays where it is.
    """
    import copy

    entry = source.ca.items.get(source_key)
    if not entry or len(entry) < 3 or entry[2] is None:
        return
    token = entry[2]
    text = token.value
    cut = text.find("\n")
    if cut < 0 or cut == len(text) - 1:
        return
    head, tail = text[: cut + 1], text[cut + 1:]
    moved = copy.copy(token)
    moved.value = "\n" + tail
    if head.strip():
        token.value = head
    else:
        entry[2] = None
    target.ca.items.setdefault(target_key, [None, None, None, None])[2] = moved


def to_plain(value: Any) -> Any:
    """ruamel round-trip data to the plain data :func:`load_fast` returns."""
    import datetime

    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_plain(v) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, datetime.datetime):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename."""
    path = Path(path)
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
