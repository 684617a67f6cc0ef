"""What a unit's cycle file (``<unit>/<cycle>.yaml``) becomes in the model.

Objectives, their key results and the initiatives, read through a
:class:`~okrops.filereader.FileReader`; what the schema cannot see (duplicate ids, a direction
that contradicts the numbers, a range upside down, dates that are not dates) becomes findings.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

from okrops.filereader import FileReader
from okrops.model import (CycleFile, Dependency, Initiative, KeyResult, Milestone, Objective, Ordinal, ParentLink, Reflection, Source,
                          Unit)


def load_cycle_file(reader: FileReader, path: Path, unit: Unit, cycle: str) -> Optional[CycleFile]:
    """The cycle file as model objects, with its findings; from the validate cache when it holds them."""
    rel = reader.rel(path)
    raw = reader.read_bytes(path, rel)
    if raw is None:
        return None
    built, found, projection = cycle_file_answer(reader, rel, raw, unit.slug, cycle)
    reader.read_files[rel] += ["cycle", unit.slug, cycle, projection, len(reader.findings), len(found)]
    reader.findings.extend(found)
    return built


def cycle_file_answer(reader: FileReader, rel: str, raw: bytes, slug: str, cycle: str) -> tuple:
    """(the cycle file or None, its findings, :func:`cross_file_projection` of it) for these bytes, path, unit and cycle."""
    def build() -> tuple:
        before = len(reader.findings)
        data: list = []
        built = build_cycle_file(reader, rel, raw, _Slug(slug), cycle, data)
        added = reader.findings[before:]
        del reader.findings[before:]
        return built, added, cross_file_projection(data[0] if data else None)

    return reader.checked.answer(("cycle-file", rel, slug, cycle), raw, build, objects=True)


# What the cross-file checks (okrops.validate.check) never read of a cycle file: its prose and its check-in
# values. tests/test_runcache.py changes them in a model and checks that check() answers the same.
NOT_CROSS_FILE = {"objectives": ("title", "why"), "key_results": ("title", "current", "confidence")}


def cross_file_projection(data: Optional[dict]) -> bytes:
    """A digest of what the cross-file checks can read of a cycle file (its document, or None when broken).

    Two versions of a file with the same projection give the same cross-file findings, so
    :mod:`okrops.runcache` redoes only the file itself when an edit leaves it alone.
    """
    import hashlib
    import marshal

    if data is None:
        return b"broken"
    objectives = []
    for objective in data["objectives"]:
        kept = {k: v for k, v in objective.items() if k not in NOT_CROSS_FILE["objectives"]}
        kept["key_results"] = [{k: v for k, v in kr.items() if k not in NOT_CROSS_FILE["key_results"]}
                               for kr in objective["key_results"]]
        objectives.append(kept)
    try:
        packed = marshal.dumps((objectives, {k: v for k, v in data.items() if k != "objectives"}))
    except ValueError:  # not plain data (cannot happen after the schema check): never equal to another
        return b"unique" + os.urandom(16)
    return hashlib.sha256(packed).digest()


class _Slug:
    """What building a cycle file reads of its unit: the slug."""

    __slots__ = ("slug",)

    def __init__(self, slug: str):
        self.slug = slug


def build_cycle_file(reader: FileReader, rel: str, raw: bytes, unit, cycle: str, document: Optional[list] = None) -> Optional[CycleFile]:
    """Depends on the file's bytes, its path, its unit's slug and the cycle alone (see load_cycle_file).

    The document read is appended to ``document`` when one is given."""
    data = reader.checked_data(rel, raw, "okrs", cached=False)  # the whole answer is kept
    if document is not None and data is not None:
        document.append(data)
    if data is None:
        return None
    result = CycleFile(unit.slug, cycle, source=Source(rel))
    prefix = f"{unit.slug}/{cycle}"
    seen: set[str] = set()
    for index, raw in enumerate(data["objectives"]):
        where = ("objectives", index)
        if raw["id"] in seen:
            reader.add(rel, f"duplicate objective id {raw['id']!r} in this file; ids must be unique", "duplicate-id", where + ("id",))
            continue
        seen.add(raw["id"])
        result.objectives.append(build_objective(reader, rel, raw, where, prefix, unit, cycle))
    result.initiatives = _initiatives(reader, rel, data.get("initiatives", []), prefix)
    return result


def _initiatives(reader: FileReader, rel: str, entries: list, prefix: str) -> list[Initiative]:
    initiatives: list[Initiative] = []
    seen: set[str] = set()
    for index, raw in enumerate(entries):
        where = ("initiatives", index)
        if raw["id"] in seen:
            reader.add(rel, f"duplicate initiative id {raw['id']!r} in this file", "duplicate-id", where + ("id",))
            continue
        seen.add(raw["id"])
        milestones = []
        for m_index, m in enumerate(raw.get("milestones", [])):
            due = reader.parse_date(rel, m["due"], where + ("milestones", m_index, "due"))
            if due is not None:
                milestones.append(Milestone(m["title"], due, bool(m.get("done", False))))
        krs = [k if k.count("/") >= 3 else f"{prefix}/{k}" for k in raw.get("key_results", [])]
        initiatives.append(
            Initiative(raw["id"], f"{prefix}/{raw['id']}", raw["title"], raw.get("description", ""), krs,
                       list(raw.get("links", [])), milestones, Source(rel, where))
        )
    return initiatives


def build_objective(reader: FileReader, rel: str, raw: dict, where, prefix: str, unit: Unit, cycle: str) -> Objective:
    ref = f"{prefix}/{raw['id']}"
    aligns = raw.get("aligns_to", {})
    reflection = raw.get("reflection")
    objective = Objective(
        id=raw["id"],
        ref=ref,
        unit=unit.slug,
        cycle=cycle,
        title=raw["title"],
        why=raw.get("why", ""),
        type=raw.get("type", "committed"),
        owner=raw.get("owner"),
        visibility=raw.get("visibility", "public"),
        strategies=list(aligns.get("strategies", [])),
        parents=parent_links(aligns),
        depends_on=dependencies(raw),
        reflection=Reflection(reflection["decision"], reflection.get("score"), reflection.get("learnings", ""))
        if reflection else None,
        extensions=extensions(raw),
        source=Source(rel, where),
    )
    seen: set[str] = set()
    for index, kr in enumerate(raw["key_results"]):
        kr_where = where + ("key_results", index)
        if kr["id"] in seen:
            reader.add(rel, f"duplicate key result id {kr['id']!r} in objective {raw['id']}", "duplicate-id", kr_where + ("id",))
            continue
        seen.add(kr["id"])
        objective.key_results.append(build_key_result(reader, rel, kr, kr_where, ref))
    return objective


def build_key_result(reader: FileReader, rel: str, raw: dict, where, objective_ref: str) -> KeyResult:
    baseline, target = raw.get("baseline"), raw.get("target")
    direction = raw.get("direction")
    if direction is None:
        direction = "decrease" if baseline is not None and target is not None and target < baseline else "increase"
    elif baseline is not None and target is not None and direction != "range":
        if direction == "increase" and target < baseline:
            reader.add(rel, f"direction is increase but the target ({_num(target)}) is below the baseline ({_num(baseline)})",
                       "kr-direction", where + ("target",), hint="fix the target, or set direction: decrease")
        if direction == "decrease" and target > baseline:
            reader.add(rel, f"direction is decrease but the target ({_num(target)}) is above the baseline ({_num(baseline)})",
                       "kr-direction", where + ("target",), hint="fix the target, or set direction: increase")
    _check_commit_stretch(reader, rel, raw, where, direction)
    band = raw.get("range") or {}
    if band and band["min"] > band["max"]:
        reader.add(rel, f"range.min ({_num(band['min'])}) is above range.max ({_num(band['max'])})", "kr-range", where + ("range",))
    return KeyResult(
        id=raw["id"],
        ref=f"{objective_ref}/{raw['id']}",
        title=raw["title"],
        objective_ref=objective_ref,
        metric=raw.get("metric", ""),
        measure_unit=raw.get("unit", ""),
        direction=direction,
        baseline=baseline,
        target=target,
        range_min=band.get("min"),
        range_max=band.get("max"),
        current=raw.get("current"),
        confidence=raw.get("confidence"),
        data_source=raw.get("data_source", ""),
        weight=raw.get("weight", 1.0),
        extensions=extensions(raw),
        source=Source(rel, where),
        contributors=list(raw.get("contributors", [])),
        commit=raw.get("commit"),
        stretch=raw.get("stretch"),
        ordinal=_ordinal(reader, rel, raw, where),
        depends_on=dependencies(raw),
        metric_source=raw.get("source"),
    )


def _check_commit_stretch(reader: FileReader, rel: str, raw: dict, where, direction: str) -> None:
    """commit lies between baseline and target, stretch beyond the target (in the key result's direction)."""
    baseline, target = raw.get("baseline"), raw.get("target")
    if target is None or direction == "range":
        return
    sign = -1 if direction == "decrease" else 1
    commit, stretch = raw.get("commit"), raw.get("stretch")
    if commit is not None and (sign * commit > sign * target or (baseline is not None and sign * commit < sign * baseline)):
        reader.add(rel, f"commit ({_num(commit)}) must lie between the baseline and the target ({_num(target)})",
                   "kr-commit-stretch", where + ("commit",), hint="the commit is the part of the way to the target the team commits to")
    if stretch is not None and sign * stretch < sign * target:
        reader.add(rel, f"stretch ({_num(stretch)}) must lie beyond the target ({_num(target)})",
                   "kr-commit-stretch", where + ("stretch",), hint="the stretch is a result better than the target")


LEVEL_KEYS = (("level", "reached"), ("baseline_level", "baseline"), ("target_level", "target"),
              ("commit_level", "commit"), ("stretch_level", "stretch"))


def _ordinal(reader: FileReader, rel: str, raw: dict, where) -> Optional[Ordinal]:
    """The levels of an ordinal key result; a level name that is not one of them is a finding."""
    if "levels" not in raw:
        return None
    levels = list(raw["levels"])
    named = {}
    for key, attribute in LEVEL_KEYS:
        if key in raw:
            if raw[key] in levels:
                named[attribute] = raw[key]
            else:
                reader.add(rel, f"{key} {raw[key]!r} is not one of the levels ({', '.join(levels)})", "kr-level",
                           where + (key,), hint="use one of the names under levels, spelt the same")
    ordinal = Ordinal(levels, **named)
    order = [ordinal.index(ordinal.baseline, 0), ordinal.index(ordinal.commit), ordinal.index(ordinal.target, len(levels) - 1),
             ordinal.index(ordinal.stretch)]
    known = [i for i in order if i is not None]
    if known != sorted(known) or len(set(known)) != len(known):
        reader.add(rel, "the levels must rise from baseline_level through commit_level and target_level to "
                   "stretch_level", "kr-level", where + ("levels",))
    return ordinal


def parent_links(aligns: dict) -> list[ParentLink]:
    """The parents of ``aligns_to``: ``parent`` as one reference or a list, or ``parents`` (a list)."""
    key = "parents" if "parents" in aligns else "parent"
    given = aligns.get(key)
    if given is None:
        return []
    if isinstance(given, str):
        return [ParentLink(given, path=("aligns_to", key))]
    links = []
    for index, item in enumerate(given):
        where = ("aligns_to", key, index)
        if isinstance(item, str):
            links.append(ParentLink(item, path=where))
        else:
            links.append(ParentLink(item["ref"], item.get("weight"), item.get("reason", ""), where + ("ref",)))
    return links


def dependencies(raw: dict) -> list[Dependency]:
    found = []
    for index, item in enumerate(raw.get("depends_on", [])):
        if isinstance(item, str):
            found.append(Dependency(item, path=("depends_on", index)))
        else:
            found.append(Dependency(item["ref"], item.get("note", ""), ("depends_on", index, "ref")))
    return found


def extensions(raw: dict) -> dict:
    return {k: v for k, v in raw.items() if k.startswith("x-")}


def _num(value: float) -> str:
    return f"{value:g}"
