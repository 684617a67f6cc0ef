"""Key result values in one version of a cycle file, and in the version before it.

Verifying the history reads every version of every cycle file (about 100,000
in a big repository). Parsing each with libyaml costs about 0.3 ms, while two
versions of a file usually differ only in a few numbers: a check-in changes a
key result's ``current`` and ``confidence``. So:

* :func:`index` parses one version with the loader okrops reads files with
  (:func:`okrops.yamlio.load_fast`) and records every key result's values,
  whether its objective is private, and where the number tokens of its values
  are in the text;
* :func:`derive` reads another version cheaply when it equals an indexed one
  except inside those number tokens: it then holds the same document with
  other numbers. Otherwise it answers "don't know" (None) and the caller
  parses that version with :func:`index`.

:func:`derive` never guesses. Outside the tokens, the two texts are compared
byte for byte; a token may only hold a plain decimal number (``42``,
``-0.5``), which YAML reads as a number whatever surrounds it, and the text
after it is the text that ended the number in the indexed version. So the
derived answer is what parsing the text would give.
"""

from __future__ import annotations

import re
from typing import Any, Optional

# A number token: what YAML 1.2 reads as an int (-?[0-9]+) or a float (-?[0-9]+.[0-9]+) wherever it
# stands as a plain scalar. Nothing else is ever written into a token's place.
_TOKEN = re.compile(rb"-?[0-9]+(?:\.[0-9]+)?")
_BOM = b"\xef\xbb\xbf"

CURRENT, CONFIDENCE = 0, 1


class FileIndex:
    """One version of a cycle file: key result values, and the number tokens that hold them.

    ``values`` maps ``"<objective id>/<key result id>"`` to ``(current, confidence,
    objective_private)`` as :func:`okrops.yamlio.load_fast` reads them (None when
    absent); for an ordinal key result (``levels``) ``current`` is the position of its
    ``level`` in ``levels`` (None when it names none), and ``levels`` keeps its levels.
    A level is a word, never a number token, so a version whose level differs is parsed,
    not derived. ``problem`` says why the text does not read as YAML (then ``values``
    is empty). ``starts``/``ends``/``owners`` list the number tokens in text order
    with the key result and field each holds.
    """

    __slots__ = ("data", "values", "problem", "starts", "ends", "owners", "first_token", "levels")

    def __init__(self, data: bytes, values: dict, problem: str = "", tokens: Optional[list] = None,
                 levels: Optional[dict] = None):
        self.data = data
        self.values = values
        self.problem = problem
        self.levels: dict[str, tuple] = levels or {}  # ordinal key results: key -> their levels
        tokens = sorted(tokens or [])
        self.starts = [t[0] for t in tokens]
        self.ends = [t[1] for t in tokens]
        self.owners = [t[2] for t in tokens]
        self.first_token: dict[str, int] = {}  # key -> its first token's number
        for number, (key, _field) in enumerate(self.owners):
            self.first_token.setdefault(key, number)


EMPTY = FileIndex(b"", {})  # a file that does not exist


def private_objective(objective: dict) -> bool:
    """An objective is public only when its visibility says so or is left out (fail closed)."""
    return objective.get("visibility", "public") != "public"


def index(data: bytes) -> FileIndex:
    """Parse one version of a cycle file (bytes as git holds them)."""
    from okrops.yamlio import YamlProblem, decode, load_fast

    try:
        text = decode(data)
        document = load_fast(text)
    except YamlProblem as problem:
        where = f"line {problem.line}: " if problem.line else ""
        return FileIndex(data, {}, where + problem.message)
    values: dict[str, tuple[Any, Any, bool]] = {}
    levels: dict[str, tuple] = {}
    if not isinstance(document, dict) or not isinstance(document.get("objectives"), list):
        return FileIndex(data, values)
    duplicates: set[str] = set()
    for objective in document["objectives"]:
        if not isinstance(objective, dict) or not isinstance(objective.get("key_results"), list):
            continue
        private = private_objective(objective)
        for kr in objective["key_results"]:
            if isinstance(kr, dict) and "id" in kr:
                key = f"{objective.get('id')}/{kr['id']}"
                if key in values:
                    duplicates.add(key)
                current = kr.get("current")
                if isinstance(kr.get("levels"), list):
                    names = tuple(kr["levels"])
                    levels[key] = names
                    level = kr.get("level")
                    current = names.index(level) if isinstance(level, str) and level in names else None
                else:
                    levels.pop(key, None)
                values[key] = (current, kr.get("confidence"), private)  # the last one wins, as in lint
    return FileIndex(data, values, "", _tokens(data, text, values, duplicates), levels)


def _tokens(data: bytes, text: str, values: dict, duplicates: set[str]) -> list:
    """(start, end, (key, field)) of the number tokens holding current and confidence, as byte offsets."""
    import yaml

    from okrops.yamlio import FastLoader

    loader = FastLoader(text)
    try:
        root = loader.get_single_node()
    except (yaml.YAMLError, RecursionError, ValueError):  # pragma: no cover - load_fast read it already
        return []
    finally:
        loader.dispose()
    offset = len(_BOM) if data.startswith(_BOM) else 0
    ascii_only = len(data) - offset == len(text)
    found: list = []
    for objective in _items(_value(root, "objectives")):
        objective_id = _scalar(_value(objective, "id"))
        for kr in _items(_value(objective, "key_results")):
            key = f"{objective_id}/{_scalar(_value(kr, 'id'))}"
            if key not in values or key in duplicates:
                continue
            for field, name in ((CURRENT, "current"), (CONFIDENCE, "confidence")):
                if field == CURRENT and _value(kr, "levels") is not None:
                    continue  # an ordinal key result's current is its level's position, not a token
                node = _value(kr, name)
                if not isinstance(node, yaml.ScalarNode) or node.style:
                    continue
                start, end = node.start_mark.index, node.end_mark.index
                if text[start:end] != node.value:  # a plain scalar over several lines, say
                    continue
                if not ascii_only:
                    start, end = len(text[:start].encode()), len(text[:end].encode())
                start, end = start + offset, end + offset
                if _TOKEN.fullmatch(data, start, end):
                    found.append((start, end, (key, field)))
    if len({start for start, _end, _owner in found}) != len(found):
        return []  # a token read twice (through an alias): never splice such a file
    return found


def _value(node, key: str):
    import yaml

    if isinstance(node, yaml.MappingNode):
        for key_node, value in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                return value
    return None


def _items(node) -> list:
    import yaml

    return [item for item in node.value if isinstance(item, yaml.MappingNode)] \
        if isinstance(node, yaml.SequenceNode) else []


def _scalar(node) -> Any:
    """The id as :func:`index` builds keys from it (ids are plain words; anything else never matches)."""
    import yaml

    return node.value if isinstance(node, yaml.ScalarNode) else None


def _number(token: bytes) -> Any:
    """A token's value; the few texts that come back in every history (``1000``, ``0.7``) are remembered."""
    value = _NUMBER_OF.get(token)
    if value is None:
        value = float(token) if b"." in token else int(token)
        if len(token) <= 24:
            if len(_NUMBER_OF) > 4096:
                _NUMBER_OF.clear()
            _NUMBER_OF[token] = value
    return value


_NUMBER_OF: dict[bytes, Any] = {}
_match_token = _TOKEN.match


_NUMBERS = (int, float)


def same(a: Any, b: Any) -> bool:
    """Equal as values in a file: 5 and 5.0 are, True and 1 are not, a nan is equal to a nan."""
    ta, tb = type(a), type(b)
    if ta in _NUMBERS and tb in _NUMBERS:
        return a == b or (a != a and b != b)
    return ta is tb and a == b


def derive(newer: FileIndex, older: bytes, hint: str = "") -> Optional[tuple[FileIndex, list[str]]]:
    """The index of ``older`` from the index of ``newer``, when only number tokens differ; else None.

    Returns the new index and the keys whose values differ; ``newer`` is left as
    it was. ``hint`` names a key result that probably changed (a check-in's): its
    first token is tried first as the place of the first difference.
    """
    a, b = older, newer.data
    starts, ends = newer.starts, newer.ends
    if not starts:
        return None
    view = memoryview(b)
    first = newer.first_token.get(hint, -1) if hint else -1
    if first >= 0:
        quick = _derive_one(newer, a, view, hint, first)
        if quick is not None:
            return quick
    if first < 0 or not a.startswith(view[:starts[first]]):
        # The token that may hold the first difference: the last one whose start the texts share.
        low, high = 0, len(starts)
        while low < high:
            middle = (low + high) >> 1
            if a.startswith(view[:starts[middle]]):
                low = middle + 1
            else:
                high = middle
        first = low - 1
        if first < 0:
            return None
    replaced: list[tuple[int, bytes]] = []
    position = starts[first]
    token = first
    length_a, length_b = len(a), len(b)
    match_token = _TOKEN.match
    while True:
        match = match_token(a, position)
        if match is None:
            return None
        end = match.end()
        replaced.append((token, match.group()))
        if length_a - end == length_b - ends[token] and a.endswith(view[ends[token]:]):
            break  # the rest is the same
        token += 1
        if token == len(starts):
            return None
        gap = view[ends[token - 1]:starts[token]]
        if not a.startswith(gap, end):
            return None
        position = end + len(gap)
    # a is b with these tokens replaced: its index is b's with their values and shifted positions.
    values = dict(newer.values)
    changed: dict[str, list] = {}
    shift = 0
    new_starts, new_ends = list(starts), list(ends)
    owners = newer.owners
    for number, text in replaced:
        old_start = starts[number]
        new_starts[number] = old_start + shift
        shift += len(text) - (ends[number] - old_start)
        new_ends[number] = ends[number] + shift
        key, field = owners[number]
        slot = changed.get(key)
        if slot is None:
            slot = changed[key] = list(values[key])
        slot[field] = _number(text)
    if shift:
        for number in range(replaced[-1][0] + 1, len(starts)):
            new_starts[number] += shift
            new_ends[number] += shift
    differ = []
    for key, slot in changed.items():
        before = values[key]
        if not (same(slot[CURRENT], before[CURRENT]) and same(slot[CONFIDENCE], before[CONFIDENCE])):
            differ.append(key)
        values[key] = tuple(slot)
    result = FileIndex.__new__(FileIndex)
    result.data, result.values, result.problem, result.levels = a, values, "", newer.levels
    result.starts, result.ends, result.owners, result.first_token = new_starts, new_ends, owners, newer.first_token
    return result, differ


def _derive_one(newer: FileIndex, a: bytes, view: memoryview, key: str, first: int):
    """:func:`derive` when only the tokens of one key result differ (a check-in): the same answer, sooner.

    The fields no token replaced are the ones ``newer`` has, so only the replaced ones can differ; a
    token's value is a number, so :func:`same` of it and the value it replaces is ``==`` of two numbers.
    """
    starts = newer.starts
    start = starts[first]
    if not a.startswith(view[:start]):
        return None
    match = _match_token(a, start)
    if match is None:
        return None
    end = match.end()
    ends = newer.ends
    old_end = ends[first]
    shift = len(a) - len(view)
    owners = newer.owners
    before = newer.values[key]
    value = _number(match.group())
    if end - old_end == shift and a.endswith(view[old_end:]):
        if owners[first][1] == CURRENT:
            now = (value, before[1], before[2])
        else:
            now = (before[0], value, before[2])
        old = before[owners[first][1]]
        unchanged = value == old and old.__class__ in _NUMBERS
        last = first
    else:
        last = first + 1  # the key result's other token must come next, and the rest must be the same
        if last == len(starts) or owners[last][0] != key:
            return None
        gap = view[old_end:starts[last]]
        if not a.startswith(gap, end):
            return None
        match = _match_token(a, end + len(gap))
        if match is None:
            return None
        last_end = ends[last]
        if match.end() - last_end != shift or not a.endswith(view[last_end:]):
            return None
        second = _number(match.group())
        if owners[first][1] == CURRENT:  # (current, confidence), the order okrops writes them in
            now = (value, second, before[2])
        else:
            now = (second, value, before[2])
        unchanged = (now[0] == before[0] and now[1] == before[1] and before[0].__class__ in _NUMBERS
                     and before[1].__class__ in _NUMBERS)
    values = newer.values.copy()
    values[key] = now
    result = FileIndex.__new__(FileIndex)
    result.data, result.values, result.problem, result.owners, result.first_token, result.levels = (
        a, values, "", owners, newer.first_token, newer.levels)
    if shift == 0 and (last == first or end == old_end):
        result.starts, result.ends = starts, ends  # same places: share the (never changed) lists
    else:
        new_starts, new_ends = starts[:], ends[:]
        if last != first:
            new_ends[first] = end
            new_starts[last] += end - old_end
        new_ends[last] += shift
        if shift:
            for number in range(last + 1, len(starts)):
                new_starts[number] += shift
                new_ends[number] += shift
        result.starts, result.ends = new_starts, new_ends
    return result, [] if unchanged else [key]


def differences(older: FileIndex, newer: FileIndex) -> list[str]:
    """Keys whose (current, confidence) differ between two parsed versions, created keys included."""
    result = []
    old_values = older.values
    for key, (current, confidence, _private) in newer.values.items():
        before = old_values.get(key)
        if before is None or not (same(current, before[CURRENT]) and same(confidence, before[CONFIDENCE])):
            result.append(key)
    return result
