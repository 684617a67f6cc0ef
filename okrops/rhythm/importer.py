"""``okrops import``: a spreadsheet of OKRs (one row per key result) as units and cycle files.

Each row names a unit, a cycle, an objective and a key result, with its numbers (baseline, target,
current, confidence) and optionally an owner, a metric, a unit of measure, a data source, ids and a
parent unit. Which column holds what comes from a mapping file or, by default, from the column
names (:data:`ALIASES`: "Team" is the unit, "Quarter" the cycle, "KR" the key result, ...).

Placing a row:

* blank unit, cycle and objective cells take the value of the row above (the way sheets show an
  objective once over its key results, or merged cells);
* a unit is an existing unit (by folder name or display name) or a new one: its folder name is
  made from the name, below its parent unit (the parent column, the mapping's ``parent``, or the
  organisation's one top-level unit);
* a cycle is an existing cycle (by id or name) or a quarter written as ``2027-Q1``, ``Q1 2027`` or
  ``2027 Q1``, added to okrs/okrops.yaml;
* an owner that is a unit becomes the objective's ``owner``; any other owner (a person) is kept
  as ``x-owner`` on the key result: okrops gives OKRs to teams, but nothing written is dropped.

Nothing is written unless every row can be placed (or ``partial``, which writes the rows that can
and reports the others) and no file to be written exists yet: an import never touches an
existing cycle file, so importing the same sheet twice is refused, not doubled. Every problem is
reported with its row number and column.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from okrops import progress
from okrops.errors import UsageError
from okrops.rhythm.spreadsheet import Cell, Sheet, parse_number
from okrops.safetext import check_text

# okrops field -> column names it is found under by default (compared without case, spaces and punctuation)
ALIASES: dict[str, tuple[str, ...]] = {
    "unit": ("unit", "team", "department", "group", "org unit"),
    "parent_unit": ("parent unit", "parent", "department", "division", "parent team"),
    "cycle": ("cycle", "quarter", "period", "timeframe"),
    "objective_id": ("objective id", "o id"),
    "objective": ("objective", "objectives", "objective title"),
    "kr_id": ("kr id", "key result id"),
    "key_result": ("key result", "key results", "kr", "krs", "key result title"),
    "metric": ("metric", "measure"),
    "measure_unit": ("unit of measure", "uom", "units", "measure unit"),
    "baseline": ("baseline", "start", "starting value", "start value", "from"),
    "target": ("target", "goal", "target value", "to"),
    "current": ("current", "current value", "actual", "latest", "value"),
    "confidence": ("confidence", "conf", "confidence level"),
    "owner": ("owner", "owners", "responsible", "dri"),
    "data_source": ("data source", "source"),
}
REQUIRED = ("unit", "cycle", "objective", "key_result")
NUMBERS = ("baseline", "target", "current", "confidence")
CARRIED = ("unit", "parent_unit", "cycle")


class ImportRefused(UsageError):
    """The import wrote nothing: every problem, one a line, with its row and column."""

    exit_code = 1

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(f"nothing imported: {len(problems)} problem(s) (--partial imports the rows that can be "
                         "placed)\n" + "\n".join(problems))


@dataclass
class Mapping:
    columns: dict[str, str] = field(default_factory=dict)  # field -> column name
    sheet: Optional[str] = None
    parent: Optional[str] = None
    units: dict[str, str] = field(default_factory=dict)  # name in the sheet -> unit folder name


def load_mapping(path: Optional[str | Path]) -> Mapping:
    """The mapping file's settings (YAML): ``columns``, ``sheet``, ``parent``, ``units``."""
    if path is None:
        return Mapping()
    import yaml

    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except OSError as error:
        raise UsageError(f"{path}: cannot read the mapping ({error.strerror})") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        raise UsageError(f"{path}{where}: not valid YAML ({getattr(error, 'problem', error)})") from None
    example = "columns: {unit: Team, cycle: Quarter, objective: Objective, key_result: KR}"
    if not isinstance(data, dict) or set(data) - {"columns", "sheet", "parent", "units"}:
        raise UsageError(f"{path}: a mapping has the keys columns, sheet, parent and units, e.g. {example}")
    columns = data.get("columns") or {}
    if not isinstance(columns, dict) or set(columns) - set(ALIASES):
        unknown = sorted(set(columns) - set(ALIASES)) if isinstance(columns, dict) else columns
        raise UsageError(f"{path}: columns: unknown field(s) {unknown}; the fields are {', '.join(ALIASES)}")
    units = data.get("units") or {}
    if not isinstance(units, dict):
        raise UsageError(f"{path}: units maps names in the sheet to unit folder names, e.g. units: {{Platform Team: platform}}")
    return Mapping({k: str(v) for k, v in columns.items()}, _opt(data.get("sheet")), _opt(data.get("parent")),
                   {str(k): str(v) for k, v in units.items()})


def _opt(value: Any) -> Optional[str]:
    return None if value is None else str(value)


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", name.lower()).strip()


def resolve_columns(sheet: Sheet, mapping: Mapping) -> dict[str, int]:
    """field -> column index; a refusal naming the missing fields and the columns there are."""
    index = {_key(h): i for i, h in reversed(list(enumerate(sheet.headers))) if h}
    found: dict[str, int] = {}
    problems = []
    for name, aliases in ALIASES.items():
        if name in mapping.columns:
            wanted = mapping.columns[name]
            if _key(wanted) not in index:
                problems.append(f"the mapping names column {wanted!r} for {name}, but the sheet has no such column")
                continue
            found[name] = index[_key(wanted)]
            continue
        claimed = set(found.values()) | {index.get(_key(c)) for c in mapping.columns.values()}
        hit = next((index[_key(a)] for a in aliases if _key(a) in index and index[_key(a)] not in claimed), None)
        if hit is not None:
            found[name] = hit
    missing = [name for name in REQUIRED if name not in found]
    if missing:
        problems.append(f"no column for {', '.join(missing)} (looked for "
                        + "; ".join(f"{m}: {', '.join(ALIASES[m])}" for m in missing) + ")")
    if problems:
        columns = ", ".join(repr(h) for h in sheet.headers if h)
        raise UsageError(f"{sheet.path}: " + "; ".join(problems) + f". The columns are: {columns}. "
                         "Name the columns in a mapping file (--mapping), e.g. "
                         "columns: {unit: Team, cycle: Quarter, objective: Objective, key_result: KR}")
    return found


# --- reading the rows -------------------------------------------------------------------------


@dataclass
class Row:
    number: int
    values: dict[str, Any]  # field -> text (or float for NUMBERS, with percent flags in ``percent``)
    percent: dict[str, bool] = field(default_factory=dict)


@dataclass
class Problem:
    row: int
    column: str
    message: str

    def describe(self, path: Path) -> str:
        if not self.row:
            return f"{path}: {self.message}"
        where = f", column {self.column!r}" if self.column else ""
        return f"{path}: row {self.row}{where}: {self.message}"


def read_rows(sheet: Sheet, columns: dict[str, int]) -> tuple[list[Row], list[Problem]]:
    """Each row's values with blanks carried down from the row above; problems with row and column."""
    rows, problems = [], []
    previous: dict[str, Any] = {}
    for number, cells in sheet.rows:
        row = Row(number, {})
        for name, at in columns.items():
            cell = cells[at] if at < len(cells) else Cell(None)
            header = sheet.headers[at]
            if cell.blank:
                continue
            if name in NUMBERS:
                try:
                    row.values[name], row.percent[name] = parse_number(cell, sheet.decimal_comma)
                except ValueError as error:
                    problems.append(Problem(number, header, f"{cell.text!r} {error}"))
                continue
            try:
                row.values[name] = check_text(cell.text, header)
            except UsageError as error:
                problems.append(Problem(number, header, str(error)))
        _carry(row, previous)
        previous = row.values
        rows.append(row)
    return rows, problems


def _carry(row: Row, previous: dict) -> None:
    """Blank unit, parent and cycle cells take the row above's; a blank objective too, in the same unit and cycle."""
    same_place = all(row.values.get(k, previous.get(k)) == previous.get(k) for k in ("unit", "cycle"))
    for name in CARRIED:
        if name not in row.values and name in previous:
            row.values[name] = previous[name]
    if same_place and "objective" not in row.values and "objective_id" not in row.values:
        for name in ("objective", "objective_id"):
            if name in previous:
                row.values[name] = previous[name]


# --- the plan ------------------------------------------------------------------------------------


@dataclass
class NewUnit:
    slug: str
    name: str
    parent: Optional[str]
    rows: list[int] = field(default_factory=list)


@dataclass
class Plan:
    """What an import writes: new units, new cycles, and a document per new cycle file."""

    root: Path
    okrs_dir: Path
    sheet: Sheet
    units: dict[str, NewUnit] = field(default_factory=dict)
    cycles: dict[str, tuple[str, Any, Any]] = field(default_factory=dict)  # id -> (name, start, end)
    files: dict[tuple[str, str], list[dict]] = field(default_factory=dict)  # (unit, cycle) -> objectives
    file_rows: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    refused: set = field(default_factory=set)  # (unit, cycle) files that cannot be written
    notes: list[str] = field(default_factory=list)
    placed: int = 0

    def key_results(self) -> int:
        return sum(len(o["key_results"]) for objectives in self.files.values() for o in objectives)


class _Unplaced(Exception):
    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column, self.message = column, message


_QUARTER = re.compile(r"^(?:(?P<y1>\d{4})\s*[-/ ]?\s*Q(?P<q1>[1-4])|Q(?P<q2>[1-4])\s*[-/ ]?\s*(?:FY)?(?P<y2>\d{4}))$", re.I)


class Places:
    """Where a row's unit and cycle are: existing ones by id or name, or new ones the plan adds."""

    def __init__(self, org, mapping: Mapping, plan: Plan, headers: dict[str, str]):
        self.org, self.mapping, self.plan, self.headers = org, mapping, plan, headers
        self.known: dict[str, str] = {}
        for slug, unit in org.units.items():
            self.known.setdefault(_key(unit.name), slug)
        self.known.update({_key(slug): slug for slug in org.units})
        tops = [slug for slug, unit in org.units.items() if unit.parent is None]
        self.default_parent = mapping.parent or (tops[0] if len(tops) == 1 else None)
        if self.default_parent is not None and self.default_parent not in org.units:
            raise UsageError(f"the mapping's parent {self.default_parent!r} is not a unit; known: {', '.join(sorted(org.units))}")

    def unit(self, value: str, parent: Optional[str], row: int, column: str = "unit") -> str:
        from okrops.repository import SAFE_NAME

        named = self.mapping.units.get(value)
        if named is None and _key(value) in self.known:
            return self.known[_key(value)]
        slug = named or (value if SAFE_NAME.match(value) else re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")[:63])
        if slug in self.org.units:
            return slug
        if not SAFE_NAME.match(slug):
            raise _Unplaced(self.headers[column], f"{value!r} makes no unit folder name (lower-case letters, digits, "
                                                  "dashes); name its folder in the mapping (units: {name: folder})")
        parent_slug = self.unit(parent, None, row, "parent_unit") if parent else self.default_parent
        if parent_slug == slug:
            raise _Unplaced(self.headers.get("parent_unit", column), f"unit {value!r} cannot be its own parent")
        new = self.plan.units.get(slug)
        if new is None:
            new = self.plan.units[slug] = NewUnit(slug, value, parent_slug)
            self.known[_key(value)] = self.known[_key(slug)] = slug
        elif parent and new.parent != parent_slug:
            raise _Unplaced(self.headers["parent_unit"], f"unit {value!r} is below {new.parent!r} in row {new.rows[0]}, "
                                                         f"below {parent_slug!r} here")
        new.rows.append(row)
        return slug

    def cycle(self, value: str) -> str:
        for cycle_id, cycle in self.org.config.cycles.items():
            if _key(value) in (_key(cycle_id), _key(cycle.name or cycle_id)):
                return cycle_id
        match = _QUARTER.match(value.strip())
        if not match:
            known = ", ".join(sorted(self.org.config.cycles))
            raise _Unplaced(self.headers["cycle"], f"cycle {value!r} is not in okrs/okrops.yaml (known: {known}); add it "
                                                   "with okrops new cycle, or write a quarter like 2027-Q1")
        from okrops.rhythm.scaffold import quarter

        year, number = int(match["y1"] or match["y2"]), int(match["q1"] or match["q2"])
        cycle_id, name, start, end = quarter(dt.date(year, number * 3, 1))
        if cycle_id not in self.org.config.cycles:
            self.plan.cycles[cycle_id] = (name, start, end)
        return cycle_id


def plan_import(sheet_path: str | Path, mapping_path: Optional[str | Path] = None, repo: Optional[str] = None) -> Plan:
    """Read the sheet and work out everything the import would write; nothing is written."""
    from okrops.errors import LoadError
    from okrops.repository import find_okrs_dir, load
    from okrops.rhythm.spreadsheet import read

    root, okrs_dir = find_okrs_dir(repo)
    org = load(okrs_dir).organisation
    if org is None:
        raise LoadError(f"{okrs_dir}/okrops.yaml has errors; run okrops validate and fix them first")
    mapping = load_mapping(mapping_path)
    sheet = read(sheet_path, mapping.sheet)
    columns = resolve_columns(sheet, mapping)
    rows, problems = read_rows(sheet, columns)
    plan = Plan(root, okrs_dir, sheet, problems=problems)
    unused = [h for i, h in enumerate(sheet.headers) if h and i not in columns.values()]
    if unused:
        plan.notes.append(f"columns not imported: {', '.join(unused)}")
    places = Places(org, mapping, plan, {name: sheet.headers[at] for name, at in columns.items()})
    bad = {p.row for p in problems}
    work = progress.current()
    work.stage("placing the rows", total=len(rows), unit="rows")
    for row in rows:
        work.advance()
        if row.number not in bad:
            try:
                _place(plan, places, row)
            except _Unplaced as unplaced:
                plan.problems.append(Problem(row.number, unplaced.column, unplaced.message))
    work.done()
    _check_files(plan, org)
    plan.problems.sort(key=lambda p: p.row)
    return plan


def _place(plan: Plan, places: Places, row: Row) -> None:
    values = row.values
    for name in REQUIRED[:3]:
        if name not in values and not (name == "objective" and "objective_id" in values):
            raise _Unplaced(places.headers.get(name, name), f"no {name.replace('_', ' ')} here or in the rows above")
    unit = places.unit(values["unit"], values.get("parent_unit"), row.number)
    cycle = places.cycle(values["cycle"])
    objective = _objective(plan, places, (unit, cycle), row)
    if "key_result" not in values:
        if any(name in values for name in NUMBERS):
            raise _Unplaced(places.headers["key_result"], "numbers but no key result title")
        plan.placed += 1
        return
    objective["key_results"].append(_key_result(objective, places, row))
    plan.file_rows.setdefault((unit, cycle), []).append(row.number)
    plan.placed += 1


def _objective(plan: Plan, places: Places, where: tuple[str, str], row: Row) -> dict:
    objectives = plan.files.setdefault(where, [])
    title, wanted = row.values.get("objective"), row.values.get("objective_id")
    for objective in objectives:
        if (wanted and objective["id"] == wanted) or (not wanted and title and objective["title"] == title):
            if title and objective["title"] != title:
                raise _Unplaced(places.headers["objective_id"], f"objective id {wanted!r} is {objective['title']!r} "
                                                                f"in row {objective['row']}")
            break
    else:
        if not title:
            raise _Unplaced(places.headers["objective"], f"objective {wanted!r} has no title here or in the rows above")
        objective_id = _safe_id(wanted, places, "objective_id") if wanted else _next([o["id"] for o in objectives], "O")
        if wanted and objective_id in [o["id"] for o in objectives]:
            raise _Unplaced(places.headers["objective_id"], f"objective id {wanted!r} is used twice")
        objective = {"id": objective_id, "title": title, "row": row.number, "key_results": []}
        objectives.append(objective)
    owner = row.values.get("owner")
    if owner and _key(owner) in places.known and places.known[_key(owner)] != where[0]:
        objective.setdefault("owner", places.known[_key(owner)])
    return objective


def _safe_id(value: str, places: Places, column: str) -> str:
    from okrops.rhythm.authoring import ID_PATTERN

    if not ID_PATTERN.match(value):
        raise _Unplaced(places.headers[column], f"{value!r} is not an id: letters, digits and dashes, starting "
                                                "with a letter (e.g. O1, KR2)")
    return value


def _next(taken: list[str], prefix: str) -> str:
    from okrops.rhythm.authoring import next_id

    return next_id(prefix, taken)


def _key_result(objective: dict, places: Places, row: Row) -> dict:
    values, percent = row.values, row.percent
    taken = [kr["id"] for kr in objective["key_results"]]
    kr_id = _safe_id(values["kr_id"], places, "kr_id") if "kr_id" in values else _next(taken, "KR")
    if kr_id in taken:
        raise _Unplaced(places.headers["kr_id"], f"key result id {kr_id!r} is used twice in objective {objective['id']}")
    kr: dict[str, Any] = {"id": kr_id, "title": values["key_result"]}
    for name in ("metric", "measure_unit", "data_source"):
        if name in values:
            kr[name] = values[name]
    if "measure_unit" not in kr and any(percent.get(n) for n in ("baseline", "target", "current")):
        kr["measure_unit"] = "%"
    for name in ("baseline", "target", "current"):
        if name in values:
            kr[name] = values[name]
    if "baseline" in kr and "target" in kr and kr["target"] < kr["baseline"]:
        kr["direction"] = "decrease"
    if "confidence" in values:
        kr["confidence"] = _confidence(values["confidence"], percent.get("confidence", False), places)
    owner = values.get("owner")
    if owner and _key(owner) not in places.known:
        kr["x-owner"] = owner  # a person: okrops gives OKRs to units, but nothing the sheet says is dropped
    return kr


def _confidence(value: float, percent: bool, places: Places) -> float:
    if percent:
        value = value / 100
    elif 1 < value <= 100:
        raise _Unplaced(places.headers["confidence"], f"confidence {value:g} is not between 0 and 1: "
                                                      f"write {value / 100:g} or {value:g}%")
    if not 0 <= value <= 1:
        raise _Unplaced(places.headers["confidence"], f"confidence {value:g} is not between 0 and 1 (write e.g. 0.7 or 70%)")
    return round(value, 6)


# --- checking and writing ---------------------------------------------------------------------


def folder_of(plan: Plan, org, slug: str) -> Path:
    """Where a unit's folder is (an existing unit's, or a new unit's below its parent)."""
    if slug in org.units:
        return plan.okrs_dir / org.units[slug].folder
    parent = plan.units[slug].parent
    return (folder_of(plan, org, parent) if parent else plan.okrs_dir) / slug


def _check_files(plan: Plan, org) -> None:
    """Refuse files and folders that exist, and documents the schema would not accept."""
    for slug in plan.units:
        folder = folder_of(plan, org, slug)
        if folder.exists():
            plan.problems.append(Problem(plan.units[slug].rows[0], "", f"unit {slug!r} would be the folder "
                                         f"{_rel(plan, folder)}, which exists without a unit.yaml; name the unit "
                                         "differently (mapping: units) or add the unit.yaml first"))
    for (unit, cycle), objectives in list(plan.files.items()):
        path = folder_of(plan, org, unit) / f"{cycle}.yaml"
        rows = [o["row"] for o in objectives] + plan.file_rows.get((unit, cycle), [])
        if path.exists():
            plan.refused.add((unit, cycle))
            plan.problems.append(Problem(min(rows), "", f"{_rel(plan, path)} exists ({_rows(rows)} would go "
                                         "there): import writes new cycle files only, never into existing ones; "
                                         "remove those rows or move the file away"))
            continue
        try:
            _check_schema(path, _document(objectives))
        except UsageError as error:
            plan.refused.add((unit, cycle))
            plan.problems.append(Problem(min(rows), "", str(error.message)))
    if plan.cycles:
        from okrops.repository import CONFIG_FILE
        from okrops.rhythm.authoring import load_for_edit

        try:
            load_for_edit(plan.okrs_dir / CONFIG_FILE)
        except UsageError as error:
            plan.problems.append(Problem(0, "", f"cannot add the cycles {', '.join(plan.cycles)}: {error.message}"))
            plan.refused.update(where for where in plan.files if where[1] in plan.cycles)
            plan.cycles.clear()


def _rel(plan: Plan, path: Path) -> str:
    return path.relative_to(plan.root).as_posix()


def _rows(numbers: list[int]) -> str:
    return ("row " if len(set(numbers)) == 1 else "rows ") + _ranges(numbers)


def _ranges(numbers: list[int]) -> str:
    numbers = sorted(set(numbers))
    parts, start = [], None
    for i, n in enumerate(numbers):
        start = n if start is None else start
        if i + 1 == len(numbers) or numbers[i + 1] != n + 1:
            parts.append(str(start) if start == n else f"{start}-{n}")
            start = None
    return ", ".join(parts)


def _document(objectives: list[dict]):
    from okrops.rhythm.authoring import _cmap, kr_entry, objective_entry

    entries = []
    for objective in objectives:
        key_results = [kr_entry(kr["id"], kr["title"], kr.get("metric"), kr.get("measure_unit"), kr.get("direction"),
                                kr.get("baseline"), kr.get("target"), kr.get("data_source"),
                                extra=[(k, _number(kr[k])) for k in ("current", "confidence") if k in kr]
                                + [("x-owner", kr[k]) for k in ("x-owner",) if k in kr])
                       for kr in objective["key_results"]]
        entries.append(objective_entry(objective["id"], objective["title"], owner=objective.get("owner"),
                                       key_results=key_results))
    return _cmap([("objectives", entries)])


def _number(value: float):
    return int(value) if float(value).is_integer() else value


def _check_schema(path: Path, document) -> None:
    from okrops.rhythm.authoring import check_schema

    check_schema("okrs", document, path)


def write(plan: Plan) -> list[str]:
    """Write what the plan holds (new units, then new cycles, then the cycle files); returns what was written."""
    from okrops.repository import load
    from okrops.rhythm import authoring

    org = load(plan.okrs_dir).organisation
    written = []
    work = progress.current()
    work.stage("writing units and cycle files", total=len(plan.units) + len(plan.cycles) + len(plan.files),
               unit="files")
    for slug in sorted(plan.units, key=lambda s: len(folder_of(plan, org, s).parts)):
        path = folder_of(plan, org, slug) / "unit.yaml"
        _create(path, authoring.dump_new(plan.root, path, "unit", authoring._cmap([("name", plan.units[slug].name)])))
        written.append(f"created {_rel(plan, path)} (unit {slug})")
        work.advance()
    for cycle_id, (name, start, end) in sorted(plan.cycles.items()):
        authoring.new_cycle(cycle_id, start.isoformat(), end.isoformat(), name, str(plan.root))
        written.append(f"updated okrs/okrops.yaml (cycle {cycle_id}, {start} to {end})")
        work.advance()
    for (unit, cycle), objectives in plan.files.items():
        path = folder_of(plan, org, unit) / f"{cycle}.yaml"
        _create(path, authoring.dump_new(plan.root, path, "okrs", _document(objectives)))
        count = sum(len(o["key_results"]) for o in objectives)
        written.append(f"created {_rel(plan, path)} ({len(objectives)} objectives, {count} key results)")
        work.advance()
    work.done()
    return written


def _create(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "x", encoding="utf-8", newline="") as handle:  # "x": never replace a file
        handle.write(text)


def run_import(sheet_path: str | Path, mapping_path: Optional[str | Path] = None, repo: Optional[str] = None,
               partial: bool = False, dry_run: bool = False) -> tuple[Plan, list[str]]:
    """Plan, then write unless a row could not be placed (``partial``: write the rest) or ``dry_run``."""
    plan = plan_import(sheet_path, mapping_path, repo)
    if plan.problems and not partial:
        raise ImportRefused([p.describe(plan.sheet.path) for p in plan.problems])
    if plan.problems:
        _drop_refused_files(plan)
    return plan, ([] if dry_run else write(plan))


def _drop_refused_files(plan: Plan) -> None:
    """With --partial: leave out the files that cannot be written, and units no file needs."""
    from okrops.repository import load

    org = load(plan.okrs_dir).organisation
    for where in plan.refused:
        plan.files.pop(where, None)
    needed: set[str] = set()
    for unit, _cycle in plan.files:
        while unit in plan.units and unit not in needed:
            needed.add(unit)
            unit = plan.units[unit].parent
    for slug in [s for s in plan.units if s not in needed or folder_of(plan, org, s).exists()]:
        del plan.units[slug]
