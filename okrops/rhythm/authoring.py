"""Write well-formed OKR entries: ``okrops new unit|cycle|objective|kr``.

New files start with a ``# yaml-language-server: $schema=...`` line. Existing
files are edited on the round-trip path: the new entry is appended and every
other byte of the file stays as it was. A file that a no-op round trip would
already reformat is refused rather than rewritten. Every edit is checked
against the schema before anything is written; names and ids that are
unsafe, unknown or already taken are refused with a message that says why.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Optional

from okrops import references, yamlio
from okrops.errors import OkropsError, UnknownReference, UsageError
from okrops.safetext import check_text, yaml_text

ID_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9-]{0,31}$")
CYCLE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,31}$")
SCHEMA_URL = "https://okrops.dev/schema/{kind}.json"


class AuthoringError(OkropsError):
    """An entry cannot be written: duplicate, unsafe name, unknown parent, or a file okrops will not reformat."""


@dataclass
class Written:
    path: Path  # the file written
    ref: str  # the new entry's reference (unit slug, cycle id, objective or key result ref)
    created: bool  # True: a new file; False: an entry appended to an existing file

    def describe(self, root: Path) -> str:
        try:
            shown = self.path.relative_to(root).as_posix()
        except ValueError:
            shown = str(self.path)
        return f"{'created' if self.created else 'updated'} {shown}: {self.ref}"


# --- shared helpers ---------------------------------------------------------------


def schema_header(root: Path, file: Path, kind: str) -> str:
    """The first line of a new file: the schema next to the repository (schema/), else the published URL."""
    local = Path(root) / "schema" / f"{kind}.json"
    if local.is_file():
        target = os.path.relpath(local, Path(file).parent).replace(os.sep, "/")
    else:
        target = _schema_id(kind)
    return f"# yaml-language-server: $schema={target}\n"


def _schema_id(kind: str) -> str:
    from okrops import schemas

    return schemas.schema(kind).get("$id") or SCHEMA_URL.format(kind=kind)


def load_for_edit(path: Path) -> tuple[str, Any]:
    """The text and round-trip document of ``path``; refused when a no-op round trip would change it."""
    from okrops.yamlio import YamlProblem, dump_roundtrip, load_roundtrip, read_text

    try:
        text = read_text(path)
        document = load_roundtrip(text)
    except YamlProblem as problem:
        where = f":{problem.line}" if problem.line else ""
        raise AuthoringError(f"{path}{where}: {problem.message}; fix the file first (okrops validate)") from None
    if dump_roundtrip(document) != text:
        raise AuthoringError(
            f"{path}: okrops would reformat this file when editing it (its indentation, quoting or line breaks differ "
            "from the okrops layout), so it leaves it alone; add the entry by hand, or reformat the file "
            "(two-space mappings, list items indented by two with '- ') and try again"
        )
    if not hasattr(document, "get"):
        raise AuthoringError(f"{path}: the top level must be a mapping of keys")
    return text, document


def check_schema(kind: str, document: Any, path: Path) -> None:
    from okrops import schemas
    from okrops.yamlio import to_plain

    problems = schemas.errors(kind, to_plain(document))
    if problems:
        where, message = problems[0]
        location = "/".join(str(p) for p in where) or "top level"
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise AuthoringError(f"{path}: the result would not be valid at {location}: {message}{more}")


def dump_new(root: Path, path: Path, kind: str, document: Any) -> str:
    from okrops.yamlio import dump_roundtrip

    return schema_header(root, path, kind) + dump_roundtrip(document)


def _write(path: Path, text: str) -> None:
    from okrops.yamlio import write_atomic

    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, text)


def _cmap(pairs: Iterable[tuple[str, Any]]):
    """A new mapping for the emitter; text is written so that it reads back exactly (safetext.yaml_text)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    result = CommentedMap()
    for key, value in pairs:
        if value is None or value == "" or value == [] or value == {}:
            continue
        if isinstance(value, list):
            seq = CommentedSeq(yaml_text(v) for v in value)
            value = seq
        result[key] = yaml_text(value)
    return result


def check_texts(**fields: Optional[str]) -> None:
    """Refuse text options that should never be written into an OKR file (see safetext.check_text)."""
    for name, value in fields.items():
        check_text(value, name.replace("_", " "))


def _append(seq, item) -> None:
    """Append to a round-trip list, switching an empty flow list ([]) to block style.

    Blank lines and comments that followed the old last item stay below the new one,
    so the new entry lands right after the last one and before what came after it.
    """
    if not len(seq) and hasattr(seq, "fa"):
        seq.fa.set_block_style()
    previous = seq[-1] if len(seq) else None
    separator = _blank_separator(seq[-2]) if len(seq) >= 2 else None
    seq.append(item)
    if previous is not None:
        move_trailing(previous, item)
    if separator is not None:  # the items are separated by blank lines: so is the new one
        holder, key = _last_key_holder(previous)
        if holder is not None:
            entry = holder.ca.items.setdefault(key, [None, None, None, None])
            if entry[2] is None:
                entry[2] = separator
            elif entry[2].value.endswith("\n") and not entry[2].value.endswith("\n\n"):
                entry[2].value += "\n"


def _blank_separator(item: Any):
    """A copy of the comment token holding a blank line after ``item``, when one follows it; else None."""
    import copy

    holder, key = _last_key_holder(item)
    if holder is None:
        return None
    entry = holder.ca.items.get(key)
    token = entry[2] if entry and len(entry) > 2 else None
    if token is None or not token.value.endswith("\n\n"):
        return None
    blank = copy.copy(token)
    blank.value = "\n\n"
    return blank


def _last_key_holder(node: Any):
    """(mapping, key) of the last scalar value written inside ``node``, where ruamel keeps following comments."""
    while hasattr(node, "ca") and hasattr(node, "keys") and len(node):
        key = list(node.keys())[-1]
        value = node[key]
        if hasattr(value, "keys") and len(value):
            node = value
            continue
        if isinstance(value, list) and len(value) and hasattr(value[-1], "keys") and len(value[-1]):
            if getattr(value, "fa", None) is not None and value.fa.flow_style():
                return node, key
            node = value[-1]
            continue
        return node, key
    return None, None


def move_trailing(previous: Any, new: Any) -> None:
    """Move the comment lines and blank lines that followed ``previous`` to below ``new``.

    The end-of-line comment of the last line of ``previous`` stays where it is.
    """

    holder, key = _last_key_holder(previous)
    target, target_key = _last_key_holder(new)
    if holder is None or target is None:
        return
    yamlio.move_trailing_comment(holder, key, target, target_key)


def _number(value: Optional[float]) -> Optional[float]:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def _context(path: Optional[str]):
    """(root, okrs_dir, organisation) for authoring; the organisation must at least load its config."""
    from okrops.errors import LoadError
    from okrops.repository import find_okrs_dir, load

    root, okrs_dir = find_okrs_dir(path)
    result = load(okrs_dir)
    if result.organisation is None:
        raise LoadError(f"{okrs_dir}/okrops.yaml has errors; run okrops validate and fix them first")
    return root, okrs_dir, result.organisation


def _safe_id(value: str, what: str, pattern: re.Pattern = ID_PATTERN) -> str:
    if not pattern.match(value or ""):
        raise AuthoringError(f"{value!r} is not a safe {what}: use letters, digits and dashes, "
                             f"starting with a letter, at most 32 characters (e.g. O1, KR2)")
    return value


def next_id(prefix: str, taken: Iterable[str]) -> str:
    numbers = [int(t[len(prefix):]) for t in taken if t.startswith(prefix) and t[len(prefix):].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1}"


# --- unit ---------------------------------------------------------------------------


def new_unit(slug: str, name: str, parent: Optional[str] = None, kind: Optional[str] = None,
             description: Optional[str] = None, maintainers: Iterable[str] = (), visibility: Optional[str] = None,
             path: Optional[str] = None) -> Written:
    from okrops.repository import SAFE_NAME, UNIT_FILE

    check_texts(name=name, kind=kind, description=description)
    root, okrs_dir, org = _context(path)
    if not SAFE_NAME.match(slug or ""):
        raise AuthoringError(f"{slug!r} is not a safe unit name: use lower-case letters, digits and dashes "
                             "(it becomes a folder, the unit id in references and part of URLs)")
    if slug in org.units:
        raise AuthoringError(f"unit {slug!r} already exists (okrs/{org.units[slug].folder}); unit names are unique "
                             "across the organisation")
    if parent is not None:
        if parent not in org.units:
            raise UnknownReference(references.unknown_unit(org, parent, "parent unit"))
        folder = okrs_dir / org.units[parent].folder / slug
    else:
        folder = okrs_dir / slug
    target = folder / UNIT_FILE
    if folder.exists():
        raise AuthoringError(f"{folder} already exists; pick another name or add a {UNIT_FILE} there by hand")
    document = _cmap([("name", name), ("kind", kind), ("description", description),
                      ("maintainers", list(maintainers)), ("visibility", visibility)])
    check_schema("unit", document, target)
    _write(target, dump_new(root, target, "unit", document))
    return Written(target, slug, True)


# --- cycle --------------------------------------------------------------------------


def _date(text: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(text))
    except ValueError:
        raise UsageError(f"{what} {text!r} is not a date: use YYYY-MM-DD") from None


def new_cycle(cycle_id: str, start: str, end: str, name: Optional[str] = None, path: Optional[str] = None) -> Written:
    from okrops.repository import CONFIG_FILE, find_okrs_dir

    check_texts(cycle_name=name)
    root, okrs_dir = find_okrs_dir(path)
    _safe_id(cycle_id, "cycle id", CYCLE_PATTERN)
    first, last = _date(start, "start"), _date(end, "end")
    if last < first:
        raise UsageError(f"the cycle ends ({last}) before it starts ({first})")
    config = okrs_dir / CONFIG_FILE
    text, document = load_for_edit(config)
    cycles = document.get("cycles")
    if cycles is None:
        raise AuthoringError(f"{config}: it has no cycles list; add 'cycles:' first")
    if any(str(c.get("id")) == cycle_id for c in cycles if hasattr(c, "get")):
        raise AuthoringError(f"cycle {cycle_id!r} already exists in {config}")
    _append(cycles, _cmap([("id", cycle_id), ("name", name), ("start", first), ("end", last)]))
    check_schema("config", document, config)
    from okrops.yamlio import dump_roundtrip

    _write(config, dump_roundtrip(document))
    return Written(config, cycle_id, False)


# --- objective and key result --------------------------------------------------------


def _cycle_file(okrs_dir: Path, org, unit: str, cycle: str) -> Path:
    if unit not in org.units:
        raise UnknownReference(references.unknown_unit(org, unit) + " (create it with okrops new unit)")
    if cycle not in org.config.cycles:
        raise UnknownReference(references.unknown_cycle(org, cycle) + " (add it with okrops new cycle)")
    return okrs_dir / org.units[unit].folder / f"{cycle}.yaml"


def objective_entry(objective_id: str, title: str, why: Optional[str] = None, type_: Optional[str] = None,
                    owner: Optional[str] = None, visibility: Optional[str] = None, strategies: Iterable[str] = (),
                    parent: Optional[str] = None, key_results: Optional[list] = None, extra: Iterable = ()):
    from ruamel.yaml.comments import CommentedSeq

    aligns = _cmap([("strategies", list(strategies)), ("parent", parent)])
    if "strategies" in aligns:
        aligns["strategies"].fa.set_flow_style()
    entry = _cmap([("id", objective_id), ("title", title), ("why", why), ("type", type_), ("owner", owner),
                   ("visibility", visibility), ("aligns_to", aligns or None), *extra])
    entry["key_results"] = CommentedSeq(key_results or [])
    if not key_results:
        entry["key_results"].fa.set_flow_style()
    return entry


def kr_entry(kr_id: str, title: str, metric: Optional[str] = None, measure_unit: Optional[str] = None,
             direction: Optional[str] = None, baseline: Optional[float] = None, target: Optional[float] = None,
             data_source: Optional[str] = None, weight: Optional[float] = None, extra: Iterable = ()):
    return _cmap([("id", kr_id), ("title", title), ("metric", metric), ("unit", measure_unit),
                  ("direction", direction), ("baseline", _number(baseline)), ("target", _number(target)),
                  ("data_source", data_source), ("weight", _number(weight)), *extra])


def new_objective(unit: str, cycle: str, title: str, objective_id: Optional[str] = None, why: Optional[str] = None,
                  type_: Optional[str] = None, owner: Optional[str] = None, visibility: Optional[str] = None,
                  strategies: Iterable[str] = (), parent: Optional[str] = None, path: Optional[str] = None) -> Written:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    from okrops.yamlio import dump_roundtrip

    check_texts(objective_title=title, why=why, owner=owner)
    root, okrs_dir, org = _context(path)
    target = _cycle_file(okrs_dir, org, unit, cycle)
    strategies = list(strategies)
    unknown = [s for s in strategies if s not in org.strategy.strategies]
    if unknown:
        raise UnknownReference(references.unknown_strategy(org, unknown[0]))
    if parent and parent not in org.objectives and parent not in org.key_results:
        raise UnknownReference(references.unknown_reference(org, parent, "parent"))
    created = not target.exists()
    if not created:
        _text, document = load_for_edit(target)
        objectives = document.get("objectives")
        if objectives is None:
            objectives = document["objectives"] = CommentedSeq()
    else:
        document = CommentedMap()
        objectives = document["objectives"] = CommentedSeq()
    taken = [str(o.get("id")) for o in objectives if hasattr(o, "get")]
    objective_id = objective_id or next_id("O", taken)
    _safe_id(objective_id, "objective id")
    if objective_id in taken:
        raise AuthoringError(f"objective {unit}/{cycle}/{objective_id} already exists in {target}")
    _append(objectives, objective_entry(objective_id, title, why, type_, owner, visibility, strategies, parent))
    check_schema("okrs", document, target)
    _write(target, dump_new(root, target, "okrs", document) if created else dump_roundtrip(document))
    return Written(target, f"{unit}/{cycle}/{objective_id}", created)


def _check_measure(target, band, direction, draft: bool) -> None:
    if band is not None and target is not None:
        raise UsageError("give either --target or --range, not both")
    if band is not None and band[0] > band[1]:
        raise UsageError(f"the range {band[0]:g}..{band[1]:g} ends below where it starts: write MIN..MAX, e.g. 95..99")
    if target is None and band is None and not draft:
        raise UsageError("a key result needs a target (--target 70) or a range (--range 95..99) to be measurable; "
                         "to write it down before the number is known, add --draft (okrops lint reports it until "
                         "it has one)")


def _measured(band, current, confidence) -> list:
    """The range, current value and confidence of a new key result, in okrops' key order."""
    from ruamel.yaml.comments import CommentedMap

    extra = []
    if band is not None:
        value = CommentedMap([("min", _number(band[0])), ("max", _number(band[1]))])
        value.fa.set_flow_style()
        extra.append(("range", value))
    if current is not None:
        extra.append(("current", _number(current)))
    if confidence is not None:
        extra.append(("confidence", _number(confidence)))
    return extra


def lint_new(path: Optional[str], ref: str, rules: Iterable[str] = ("kr-is-task",)) -> list:
    """Findings of the given lint rules about the entry ``ref`` just written (e.g. a title that reads as a task)."""
    from okrops import clock
    from okrops.lint import LintContext, lint
    from okrops.repository import load

    result = load(path)
    if result.organisation is None:
        return []
    return [f for f in lint(LintContext(result.organisation, clock.today()), only=rules) if f.ref == ref]


def new_kr(objective_ref: str, title: str, kr_id: Optional[str] = None, metric: Optional[str] = None,
           measure_unit: Optional[str] = None, direction: Optional[str] = None, baseline: Optional[float] = None,
           target: Optional[float] = None, data_source: Optional[str] = None, weight: Optional[float] = None,
           path: Optional[str] = None, current: Optional[float] = None, confidence: Optional[float] = None,
           band: Optional[tuple[float, float]] = None, draft: bool = False) -> Written:
    """Append a key result to an objective. Without a target (or a range ``band``) it is refused unless ``draft``:
    a key result that cannot be measured is not one yet."""
    from okrops.yamlio import dump_roundtrip

    check_texts(key_result_title=title, metric=metric, unit_of_measure=measure_unit, data_source=data_source)
    root, okrs_dir, org = _context(path)
    parts = objective_ref.split("/")
    if len(parts) != 3:
        raise UsageError(f"{objective_ref!r} is not an objective reference: write <unit>/<cycle>/<objective>, "
                         "e.g. platform/2026-Q4/O1")
    unit, cycle, objective_id = parts
    file = _cycle_file(okrs_dir, org, unit, cycle)
    if not file.exists():
        raise UnknownReference(f"{unit} has no OKRs for {cycle} yet ({file} is missing); add an objective first")
    if objective_ref not in org.objectives and not any(f.endswith(f"/{unit}/{cycle}.yaml") for f in org.broken_files):
        raise UnknownReference(references.unknown_reference(org, objective_ref, "objective"))
    _text, document = load_for_edit(file)
    matches = [o for o in (document.get("objectives") or []) if hasattr(o, "get") and str(o.get("id")) == objective_id]
    if not matches:
        raise UnknownReference(references.unknown_reference(org, objective_ref, "objective") + f" (in {file})")
    objective = matches[0]
    krs = objective.get("key_results")
    if krs is None:
        from ruamel.yaml.comments import CommentedSeq

        krs = objective["key_results"] = CommentedSeq()
    taken = [str(k.get("id")) for k in krs if hasattr(k, "get")]
    kr_id = kr_id or next_id("KR", taken)
    _safe_id(kr_id, "key result id")
    if kr_id in taken:
        raise AuthoringError(f"key result {objective_ref}/{kr_id} already exists in {file}")
    if baseline is not None and target is not None:
        if direction is None:
            direction = "decrease" if target < baseline else None
        elif (direction == "increase" and target < baseline) or (direction == "decrease" and target > baseline):
            raise UsageError(f"direction {direction} does not fit a target of {target:g} from a baseline of {baseline:g}")
    _check_measure(target, band, direction, draft)
    entry = kr_entry(kr_id, title, metric, measure_unit, "range" if band else direction, baseline, target,
                     data_source, weight)
    keys = list(entry.keys())
    position = next((keys.index(k) for k in ("data_source", "weight") if k in keys), len(keys))
    for offset, (key, value) in enumerate(_measured(band, current, confidence)):
        entry.insert(position + offset, key, value)
    _append(krs, entry)
    check_schema("okrs", document, file)
    _write(file, dump_roundtrip(document))
    return Written(file, f"{objective_ref}/{kr_id}", False)


# --- KPI ------------------------------------------------------------------------------

_BAND = re.compile(r"^\s*(?:(?P<op>>=|<=|≥|≤)\s*(?P<bound>\S+)|(?P<low>[^.\s][^\s]*?)\s*\.\.\s*(?P<high>\S+))\s*$")
BAND_HELP = "'>=99.9' (99.9 or more), '<=250' (250 or less) or '10..20' (from 10 to 20)"


def parse_band(text: str, what: str) -> dict:
    """A band as typed: ``>=99.9`` -> {min: 99.9}, ``<=250`` -> {max: 250}, ``10..20`` -> {min: 10, max: 20}."""
    from okrops.record.checkin import parse_value

    match = _BAND.match(text or "")
    if not match:
        raise UsageError(f"{what} {text!r} is not a band: write {BAND_HELP}")
    try:
        if match.group("op"):
            bound = _number(parse_value(match.group("bound"), f"{what} bound"))
            return {"min": bound} if match.group("op") in (">=", "≥") else {"max": bound}
        low = _number(parse_value(match.group("low"), f"{what} lower bound"))
        high = _number(parse_value(match.group("high"), f"{what} upper bound"))
    except UsageError as exc:
        raise UsageError(f"{exc.message}; a band is written {BAND_HELP}") from None
    if low > high:
        raise UsageError(f"{what} {text!r} runs from {low:g} down to {high:g}: write the lower bound first")
    return {"min": low, "max": high}


def _check_bands(healthy: Optional[dict], warning: Optional[dict]) -> None:
    """The warning band holds the healthy one: it is where the KPI needs watching before it is red."""
    if not healthy or not warning:
        return
    if "min" in healthy and "min" in warning and warning["min"] > healthy["min"]:
        raise UsageError(f"the warning band starts at {warning['min']:g}, above the healthy band's {healthy['min']:g}: "
                         "the warning band is the wider one around the healthy band")
    if "max" in healthy and "max" in warning and warning["max"] < healthy["max"]:
        raise UsageError(f"the warning band ends at {warning['max']:g}, below the healthy band's {healthy['max']:g}: "
                         "the warning band is the wider one around the healthy band")


def _kpi_id(title: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:40].strip("-")
    return slug if slug[:1].isalpha() else f"kpi-{slug}".strip("-")


def new_kpi(unit: str, title: str, kpi_id: Optional[str] = None, measure_unit: Optional[str] = None,
            healthy: Optional[str] = None, warning: Optional[str] = None, current: Optional[float] = None,
            data_source: Optional[str] = None, path: Optional[str] = None) -> Written:
    """Add a KPI to UNIT's unit.yaml, with its healthy and warning bands given as ``>=99.9``, ``<=250`` or ``10..20``."""
    from ruamel.yaml.comments import CommentedSeq

    from okrops.model import kpi_ref
    from okrops.repository import UNIT_FILE
    from okrops.yamlio import dump_roundtrip

    check_texts(kpi_title=title, unit_of_measure=measure_unit, data_source=data_source)
    healthy_band = parse_band(healthy, "--healthy") if healthy is not None else None
    warning_band = parse_band(warning, "--warning") if warning is not None else None
    if warning_band and not healthy_band:
        raise UsageError("--warning needs --healthy: the warning band lies around the healthy one")
    _check_bands(healthy_band, warning_band)
    root, okrs_dir, org = _context(path)
    if unit not in org.units:
        raise UnknownReference(references.unknown_unit(org, unit))
    file = okrs_dir / org.units[unit].folder / UNIT_FILE
    _text, document = load_for_edit(file)
    kpis = document.get("kpis")
    if kpis is None:
        kpis = document["kpis"] = CommentedSeq()
    taken = [str(k.get("id")) for k in kpis if hasattr(k, "get")]
    kpi_id = kpi_id or _kpi_id(title)
    if not re.match(r"^[A-Za-z][A-Za-z0-9-]{0,47}$", kpi_id):
        raise AuthoringError(f"{kpi_id!r} is not a safe KPI id: use letters, digits and dashes, starting with a "
                             "letter, at most 48 characters (e.g. uptime, p95-latency); give one with --id")
    if kpi_id in taken:
        raise AuthoringError(f"KPI {kpi_ref(unit, kpi_id)} already exists in {file}; choose another --id")
    entry = _cmap([("id", kpi_id), ("title", title), ("unit", measure_unit), ("current", _number(current)),
                   ("healthy", _cmap(healthy_band.items()) if healthy_band else None),
                   ("warning", _cmap(warning_band.items()) if warning_band else None),
                   ("data_source", data_source)])
    for band in ("healthy", "warning"):
        if band in entry:
            entry[band].fa.set_flow_style()
    _append(kpis, entry)
    check_schema("unit", document, file)
    _write(file, dump_roundtrip(document))
    return Written(file, kpi_ref(unit, kpi_id), False)
