"""Set numbers in YAML text in place, found with the same parser validate reads with.

A check-in changes one or two values of a key result. Rather than load and dump
the whole document (a round trip through an editing library reads some scalars
differently from validate, refuses files validate accepts, and reformats every
layout but its own), the text itself is edited:

* the document is parsed with the libyaml loader of :func:`okrops.yamlio.load_fast`
  into a tree of character positions (built from the parser's events, because a
  composed node tree points an alias at its anchor and so loses where the alias is);
* a value that is written is replaced where it stands: only its characters change
  (and the spaces before a comment on its line, so the comment keeps its column).
  An anchored value keeps its anchor (``&c 7``): its aliases are references, not
  copies, so they read the new value, as YAML says. An alias (``current: *b``) is
  replaced by the number itself; the anchor and its other aliases stay as they were;
* a missing key is inserted as one line after the right sibling key, with the
  siblings' indentation, key quoting and the file's line ending, so comment lines
  below the sibling stay below; in a flow mapping (``{id: KR1}``) it is written as
  ``, key: value`` after the sibling;
* the new text is read again with :func:`~okrops.yamlio.load_fast` and must hold
  exactly the intended values, everything else parsing to the same data.

Everything else stays byte for byte: a BOM, CRLF line endings, a missing final
newline, comments, quotes, anchors, tabs, flush or indented sequences. The only
layout refused is one a new line cannot follow: a file whose lines end in
different ways (:func:`line_break_problem`, also a validate warning).
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Optional, Sequence

import yaml

from okrops.findings import DocPath
from okrops.numbers import format_number
from okrops.yamlio import FastLoader, YamlProblem, load_fast

#: What libyaml takes for a line break (YAML 1.1 also counts NEL, LS and PS).
_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_BREAK_NAMES = {"\r\n": "CRLF", "\n": "LF", "\r": "CR", "\x85": "U+0085 (NEXT LINE)",
                "\u2028": "U+2028 (LINE SEPARATOR)", "\u2029": "U+2029 (PARAGRAPH SEPARATOR)"}
_UNUSUAL = re.compile("[\x85\u2028\u2029]")

Edit = tuple[DocPath, str, Any]  # (path of the mapping, key, new number or word: an ordinal level's name)


@dataclass
class EditRefused(Exception):
    """An edit that cannot be made; ``line`` is 1-based (0: the whole file)."""

    message: str
    line: int = 0

    def __str__(self) -> str:
        return self.message


@dataclass(eq=False)
class _Node:
    kind: str  # "scalar", "mapping", "sequence" or "alias"
    start: int
    end: int
    line: int  # 0-based line of ``start``
    anchor: Optional[str] = None
    tagged: bool = False
    style: Optional[str] = None  # of a scalar: None (plain), "'", '"', "|" or ">"
    flow: bool = False
    value: str = ""  # of a scalar
    children: list["_Node"] = field(default_factory=list)  # a mapping's are key, value, key, value...
    target: Optional["_Node"] = None  # of an alias: the anchored node

    def pairs(self) -> list[tuple["_Node", "_Node"]]:
        return list(zip(self.children[0::2], self.children[1::2]))


# --- layout -------------------------------------------------------------------


def line_break_problem(text: str) -> Optional[tuple[int, str]]:
    """(line, message) when the lines of ``text`` do not all end the same way, else None.

    A line inserted into such a file would match some lines and not others. NEL,
    LS and PS are named on their own: libyaml (YAML 1.1) takes them for line
    breaks where YAML 1.2 readers (editors, other tools) read them as text.
    """
    unusual = None if text.isascii() else _UNUSUAL.search(text)
    if unusual:
        line = _line_of(text, unusual.start())
        name = _BREAK_NAMES[unusual.group()]
        return line, (f"line {line} holds the character {name}, which okrops reads as a line break and other "
                      f"YAML tools as text; remove it (inside double quotes write it as an escape, e.g. \\u2028)")
    if "\r" not in text:
        return None
    first = None
    for number, match in enumerate(_BREAK.finditer(text), 1):
        if first is None:
            first = match.group()
        elif match.group() != first:
            return number, (f"the file mixes line endings: line 1 ends with {_BREAK_NAMES[first]}, line {number} "
                            f"with {_BREAK_NAMES[match.group()]}; save it with one kind of line ending")
    return None


def _line_of(text: str, index: int) -> int:
    return len(_BREAK.findall(text, 0, index)) + 1


def _newline(text: str) -> str:
    match = _BREAK.search(text)
    return match.group() if match else "\n"


# --- the position tree -------------------------------------------------------------


def _parse(text: str) -> _Node:
    """The document's nodes with their character positions, from libyaml's events."""
    loader = FastLoader(text)
    anchors: dict[str, _Node] = {}
    open_nodes: list[_Node] = []
    root: Optional[_Node] = None
    try:
        while True:
            event = loader.get_event()
            if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                open_nodes.pop().end = event.end_mark.index
                continue
            if isinstance(event, yaml.StreamEndEvent):
                break
            node = _node_of(event, anchors)
            if node is None:
                continue
            if open_nodes:
                open_nodes[-1].children.append(node)
            elif root is None:
                root = node
            if node.anchor is not None:
                anchors[node.anchor] = node
            if node.kind in ("mapping", "sequence"):
                open_nodes.append(node)
    finally:
        loader.dispose()
    if root is None:
        raise EditRefused("the file holds no YAML document")
    return root


def _node_of(event: yaml.Event, anchors: dict[str, _Node]) -> Optional[_Node]:
    start, end = event.start_mark, event.end_mark
    if isinstance(event, yaml.ScalarEvent):
        return _Node("scalar", start.index, end.index, start.line, event.anchor, event.tag is not None,
                     event.style or None, value=event.value)
    if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
        kind = "mapping" if isinstance(event, yaml.MappingStartEvent) else "sequence"
        return _Node(kind, start.index, end.index, start.line, event.anchor, event.tag is not None,
                     flow=bool(event.flow_style))
    if isinstance(event, yaml.AliasEvent):
        return _Node("alias", start.index, end.index, start.line, target=anchors.get(event.anchor))
    return None


def _follow(node: _Node) -> _Node:
    while node.kind == "alias" and node.target is not None:
        node = node.target
    return node


def _entry(mapping: _Node, key: str) -> Optional[tuple[_Node, _Node]]:
    for key_node, value_node in mapping.pairs():
        if _follow(key_node).value == key:
            return key_node, value_node
    return None


def _mapping_at(root: _Node, path: DocPath) -> _Node:
    node = _follow(root)
    for part in path:
        child = None
        if node.kind == "mapping" and isinstance(part, str):
            entry = _entry(node, part)
            child = entry[1] if entry else None
        elif node.kind == "sequence" and isinstance(part, int) and 0 <= part < len(node.children):
            child = node.children[part]
        if child is None:
            raise EditRefused(f"nothing at {'/'.join(map(str, path))} in the file")
        node = _follow(child)
    if node.kind != "mapping":
        raise EditRefused(f"{'/'.join(map(str, path))} is not a mapping of keys", node.line + 1)
    return node


# --- planning the edits ------------------------------------------------------------


@dataclass
class _Plan:
    """Text operations (start, end, new text) and what they mean for the data."""

    text: str
    operations: list[tuple[int, int, int, str]] = field(default_factory=list)  # (start, end, order, text)
    node_effects: list[tuple[_Node, Any]] = field(default_factory=list)  # every place this node is read
    key_effects: list[tuple[_Node, str, Any]] = field(default_factory=list)  # key in every place of the mapping
    inserted: dict[tuple[int, str], tuple[int, str, str]] = field(default_factory=dict)  # -> (at, shape, indent)
    touched: dict[tuple[int, str], str] = field(default_factory=dict)

    def add(self, start: int, end: int, new: str) -> None:
        self.operations.append((start, end, len(self.operations), new))


def set_numbers(text: str, edits: Iterable[Edit], after: Optional[Mapping[str, Sequence[str]]] = None) -> str:
    """``text`` with each (mapping path, key, number) of ``edits`` set; the rest byte for byte the same.

    ``after[key]`` lists the keys a missing ``key`` goes after, the first present
    winning (else it goes last). Raises :class:`EditRefused` (nothing changed) for
    a layout a new line cannot follow, a value that is not a scalar, or an edit
    whose result would read differently from what was intended.
    """
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    body = text[len(bom):]
    after = after or {}
    try:
        old_data = load_fast(body)
    except YamlProblem as problem:
        raise EditRefused(problem.message, problem.line) from None
    root = _parse(body)
    plan = _Plan(body)
    for path, key, value in edits:
        mapping = _mapping_at(root, path)
        where = (id(mapping), key)
        if where in plan.touched:
            raise EditRefused(f"{plan.touched[where]} and {'/'.join(map(str, path))} are the same mapping "
                              f"(an alias); set its {key} once", mapping.line + 1)
        plan.touched[where] = "/".join(map(str, path))
        entry = _entry(mapping, key)
        if entry is None:
            _plan_insert(plan, mapping, key, value, after.get(key, ()))
        else:
            _plan_replace(plan, mapping, key, entry[1], value)
    new_body = _apply(body, plan.operations)
    _verify(old_data, new_body, root, plan)
    return bom + new_body


def scalar_text(value: Any, style: Optional[str] = None) -> str:
    """How a value is written: a number as okrops writes numbers; a word (an ordinal level's name) plain when
    YAML reads it back as that word, else quoted (in the quotes ``style`` asks for, else double quotes)."""
    if not isinstance(value, str):
        return format_number(value)
    if style == "'":
        return "'" + value.replace("'", "''") + "'"
    plain = style is None and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.-]*(?: [A-Za-z0-9_.-]+)*", value) is not None
    if plain:
        try:
            plain = load_fast(f"[{value}]") == [value] and load_fast(f"k: {value}") == {"k": value}
        except YamlProblem:
            plain = False
    if plain:
        return value
    import json

    return json.dumps(value, ensure_ascii=False)


def _plan_replace(plan: _Plan, mapping: _Node, key: str, node: _Node, value: Any) -> None:
    text = plan.text
    number = scalar_text(value, node.style if node.kind == "scalar" and node.style in ("'", '"') else None)
    if node.kind == "alias":  # the number replaces the alias; the anchor and its other aliases stay
        start, end, new = node.start, node.end, number
        plan.key_effects.append((mapping, key, value))
    elif node.kind == "scalar":
        end = node.end
        written = text[end - len(node.value):end] if node.style is None and not node.tagged else None
        if node.value and written == node.value:
            start, new = end - len(node.value), number  # the plain scalar itself: an anchor before it stays
        else:  # tagged, quoted or block: the whole value is rewritten, its anchor kept
            start = node.start
            end = start + len(text[start:end].rstrip())
            new = (f"&{node.anchor} " if node.anchor else "") + number
        plan.node_effects.append((node, value))  # an anchored value: its aliases read the new one
    else:
        raise EditRefused(f"{key} holds a {node.kind}, not a number; write a number", node.line + 1)
    if not mapping.flow:  # a comment after the value keeps its column when there is room
        spaces = len(text[end:end + 200]) - len(text[end:end + 200].lstrip(" "))
        if spaces and text[end + spaces:end + spaces + 1] == "#":
            new += " " * max(1, spaces - (len(new) - (end - start)))
            end += spaces
    plan.add(start, end, new)


def _plan_insert(plan: _Plan, mapping: _Node, key: str, value: Any, after: Sequence[str]) -> None:
    pairs = mapping.pairs()
    if not pairs:
        raise EditRefused(f"cannot add {key} to an empty mapping", mapping.line + 1)
    sibling, place = pairs[-1], None
    for name in after:
        place = plan.inserted.get((id(mapping), name))  # a key added by this edit: go right below it
        entry = _entry(mapping, name)
        if place is not None or entry is not None:
            sibling = entry or sibling
            break
    key_node, value_node = sibling
    if place is None:
        place = _flow_place(plan.text, key_node, value_node) if mapping.flow else \
            _block_place(plan.text, mapping, key, key_node, value_node)
    at, shape, indent = place
    entry_text = f"{_quoted(key, key_node.style)}: {scalar_text(value)}"
    newline = _newline(plan.text)
    plan.add(at, at, shape.format(entry=entry_text, indent=indent, newline=newline))
    plan.inserted[(id(mapping), key)] = place
    plan.key_effects.append((mapping, key, value))


def _block_place(text: str, mapping: _Node, key: str, key_node: _Node, value_node: _Node) -> tuple[int, str, str]:
    """A new line after the sibling's last line, at the mapping's indentation."""
    problem = line_break_problem(text)
    if problem is not None:
        line, message = problem
        raise EditRefused(f"{key} must be added as a new line, and {message} (or add {key} by hand)", line)
    indent = " " * _indentation(text, mapping, key_node)
    at, at_end_without_break = _line_after(text, value_node)
    return at, "{newline}{indent}{entry}" if at_end_without_break else "{indent}{entry}{newline}", indent


def _flow_place(text: str, key_node: _Node, value_node: _Node) -> tuple[int, str, str]:
    """After the sibling in a flow mapping: on a line of its own when the sibling has one, else inline."""
    end = max(value_node.end, key_node.end)
    before = text[_line_start(text, key_node.start):key_node.start]
    if not before.strip() and line_break_problem(text) is None:  # one entry a line, as JSON often is
        line_end = _BREAK.search(text, end)
        rest = text[end:line_end.start() if line_end else len(text)]
        if not rest.strip():
            return end, ",{newline}{indent}{entry}", before
        if rest.strip() == ",":
            return end + rest.index(",") + 1, "{newline}{indent}{entry},", before
    return end, ", {entry}", ""


def _quoted(key: str, style: Optional[str]) -> str:
    if style == '"':
        return f'"{key}"'
    if style == "'":
        return f"'{key}'"
    return key


def _indentation(text: str, mapping: _Node, key_node: _Node) -> int:
    """The column of a block mapping's keys (where the mapping starts, unless an anchor or tag stands there)."""
    where = key_node.start if mapping.anchor is not None or mapping.tagged else mapping.start
    return where - _line_start(text, where)


def _line_start(text: str, index: int) -> int:
    starts = [text.rfind(ch, 0, index) for ch in "\r\n\x85\u2028\u2029"]
    return max(starts) + 1


def _line_after(text: str, value: _Node) -> tuple[int, bool]:
    """Where the line after ``value``'s last line starts; (end of text, True) when there is none."""
    node = value
    while node.kind in ("mapping", "sequence") and not node.flow and node.children:
        node = node.children[-1]
    end = node.end
    if node.kind == "scalar" and node.style in ("|", ">") and end > 0 and _BREAK.match(text, end - 1):
        return end, False  # a block scalar ends at the start of a line, its trailing empty lines included
    match = _BREAK.search(text, end)
    if match is None:
        return len(text), True
    return match.end(), False


def _apply(text: str, operations: list[tuple[int, int, int, str]]) -> str:
    """Apply non-overlapping operations, from the end so earlier positions stay valid."""
    ordered = sorted(operations, key=lambda op: (op[0], op[1], op[2]))
    for previous, current in zip(ordered, ordered[1:]):
        if current[0] < previous[1]:
            raise EditRefused("two edits change the same text; check the key results in one at a time",
                              _line_of(text, current[0]))
    pieces = []
    position = len(text)
    for start, end, _order, new in sorted(ordered, key=lambda op: (op[0], op[1] > op[0], op[2]), reverse=True):
        pieces.append(text[end:position])
        pieces.append(new)
        position = start
    pieces.append(text[:position])
    return "".join(reversed(pieces))


# --- checking the result ------------------------------------------------------------


def _verify(old_data: Any, new_text: str, root: _Node, plan: _Plan) -> None:
    """The new text must read as the old data with exactly the intended values changed."""
    wanted = {id(node) for node, _ in plan.node_effects} | {id(m) for m, _, _ in plan.key_effects}
    places = _paths_of(root, wanted)
    expected = copy.deepcopy(old_data)
    for node, value in plan.node_effects:  # an anchored value: its aliases follow it
        for path in places.get(id(node), ()):
            _container(expected, path[:-1])[path[-1]] = value
    for mapping, key, value in plan.key_effects:  # an alias replaced or a key added: only there
        for path in places.get(id(mapping), ()):
            _container(expected, path)[key] = value
    try:
        new_data = load_fast(new_text)
    except YamlProblem as problem:
        raise EditRefused(f"the edited file would not read back ({problem.message}); nothing was changed. "
                          "This is a bug in okrops: please report it", problem.line) from None
    if not same_data(new_data, expected):
        raise EditRefused("the edited file would read differently from the intended change; nothing was "
                          "changed. This is a bug in okrops: please report it with the file")


def _paths_of(root: _Node, wanted: set[int]) -> dict[int, list[DocPath]]:
    """Every path at which each wanted node is read, aliases expanded (load_fast bounded their number)."""
    found: dict[int, list[DocPath]] = {}
    pending: list[tuple[_Node, DocPath]] = [(root, ())]
    while pending:
        node, path = pending.pop()
        node = _follow(node)
        if id(node) in wanted:
            found.setdefault(id(node), []).append(path)
        if node.kind == "mapping":
            for key_node, value_node in node.pairs():
                pending.append((value_node, path + (_follow(key_node).value,)))
        elif node.kind == "sequence":
            pending.extend((child, path + (index,)) for index, child in enumerate(node.children))
    return found


def _container(data: Any, path: DocPath) -> Any:
    for part in path:
        data = data[part]
    return data


def same_data(left: Any, right: Any) -> bool:
    """Equal plain data, types included (True is not 1), NaN equal to NaN, ints equal to equal floats."""
    pending = [(left, right)]
    while pending:
        a, b = pending.pop()
        if isinstance(a, dict) and isinstance(b, dict):
            if a.keys() != b.keys():
                return False
            pending.extend((a[k], b[k]) for k in a)
        elif isinstance(a, list) and isinstance(b, list):
            if len(a) != len(b):
                return False
            pending.extend(zip(a, b))
        elif isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool) \
                and not isinstance(b, bool):
            if not (a == b or (a != a and b != b)):
                return False
        elif type(a) is not type(b) or a != b:
            return False
    return True
