"""What the organisation-wide files and a unit's file become in the model.

``okrs/okrops.yaml`` becomes a :class:`~okrops.model.Config`, ``okrs/strategy.yaml`` a
:class:`~okrops.model.StrategyMap` and a ``unit.yaml`` a :class:`~okrops.model.Unit`. Each
function reads its file through a :class:`~okrops.filereader.FileReader` and reports what the
schema cannot see (duplicate ids, dates that are not dates, bands upside down) as findings.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

from okrops.filereader import FileReader
from okrops.location import CONFIG_FILE, present
from okrops.model import Band, Config, Include, Cycle, Kpi, ScoringSettings, Source, Strategy, StrategyMap, Unit

STRATEGY_FILE = "strategy.yaml"
UNIT_FILE = "unit.yaml"


def load_config(reader: FileReader) -> Optional[Config]:
    path = reader.okrs_dir / CONFIG_FILE
    data = reader.read(path, "config")
    if data is None:
        return None
    rel = reader.rel(path)
    scoring = ScoringSettings(**data.get("scoring", {}))
    if scoring.off_track_gap < scoring.at_risk_gap:
        reader.add(rel, "scoring.off_track_gap must be at least scoring.at_risk_gap", "config", ("scoring", "off_track_gap"))
    return Config(
        organisation=data["organisation"],
        cycles=_cycles(reader, rel, data["cycles"]),
        cadence_days=data.get("checkins", {}).get("cadence_days", 7),
        scoring=scoring,
        lint_rules=dict(data.get("lint", {}).get("rules", {})),
        lint=dict(data.get("lint", {})),
        site=dict(data.get("site", {})),
        evidence=dict(data.get("evidence", {})),
        source=Source(rel),
        collect=dict(data.get("collect", {})),
        checkins=dict(data.get("checkins", {})),
        rhythm=dict(data.get("rhythm", {})),
        includes=includes_of(data),
    )


def includes_of(data: dict) -> list[Include]:
    """The ``include:`` entries of an okrops.yaml's data (schema-checked), in order."""
    return [Include(raw.get("path"), raw.get("git"), raw.get("ref"), raw.get("under"), index)
            for index, raw in enumerate(data.get("include", [])) if isinstance(raw, dict)]


def _cycles(reader: FileReader, rel: str, entries: list) -> dict[str, Cycle]:
    cycles: dict[str, Cycle] = {}
    seen: set[str] = set()
    for index, raw in enumerate(entries):
        where = ("cycles", index)
        if raw["id"] in seen:
            reader.add(rel, f"duplicate cycle id {raw['id']!r}; cycle ids must be unique", "duplicate-id", where + ("id",))
            continue
        seen.add(raw["id"])
        start = reader.parse_date(rel, raw["start"], where + ("start",))
        end = reader.parse_date(rel, raw["end"], where + ("end",))
        if start is None or end is None:
            continue
        if end < start:
            reader.add(rel, f"cycle {raw['id']!r} ends ({end}) before it starts ({start})", "cycle-dates", where + ("end",))
            continue
        cycles[raw["id"]] = Cycle(raw["id"], start, end, raw.get("name", ""))
    return cycles


def load_strategy(reader: FileReader) -> StrategyMap:
    path = reader.okrs_dir / STRATEGY_FILE
    if not present(path):
        return StrategyMap()
    data = reader.read(path, "strategy")
    rel = reader.rel(path)
    if data is None:
        return StrategyMap(source=Source(rel))
    result = StrategyMap(data.get("vision", ""), data.get("mission", ""), {}, Source(rel))
    for index, raw in enumerate(data["strategies"]):
        where = ("strategies", index)
        if raw["id"] in result.strategies:
            reader.add(rel, f"duplicate strategy id {raw['id']!r}", "duplicate-id", where + ("id",))
            continue
        horizon = raw.get("horizon") or {}
        if horizon and horizon["to"] < horizon["from"]:
            reader.add(rel, "horizon ends before it starts", "strategy-horizon", where + ("horizon", "to"))
        result.strategies[raw["id"]] = Strategy(
            raw["id"], raw["title"], raw.get("description", ""), horizon.get("from"), horizon.get("to"), Source(rel, where)
        )
    return result


def load_unit(reader: FileReader, folder: Path, parent: Optional[str]) -> Optional[Unit]:
    path = folder / UNIT_FILE
    data = reader.read(path, "unit")
    if data is None:
        return None
    rel = reader.rel(path)
    return Unit(
        slug=folder.name,
        folder=reader.unit_folder(folder),
        name=data["name"],
        kind=data.get("kind", ""),
        description=data.get("description", ""),
        maintainers=list(data.get("maintainers", [])),
        visibility=data.get("visibility", "public"),
        parent=parent,
        kpis=_kpis(reader, rel, data.get("kpis", []), folder.name),
        lint_rules=dict(data.get("lint", {}).get("rules", {})),
        lint=dict(data.get("lint", {})),
        cadence_days=data.get("checkins", {}).get("cadence_days"),
        source=Source(rel),
        scoring_style=data.get("scoring", {}).get("style"),
        provides=list(data.get("provides", [])),
    )


def _kpis(reader: FileReader, rel: str, entries: list, unit: str) -> list[Kpi]:
    kpis: list[Kpi] = []
    seen: set[str] = set()
    for index, raw in enumerate(entries):
        where = ("kpis", index)
        if raw["id"] in seen:
            reader.add(rel, f"duplicate KPI id {raw['id']!r} in this unit", "duplicate-id", where + ("id",))
            continue
        seen.add(raw["id"])
        healthy = _band(raw.get("healthy"))
        warning = _band(raw.get("warning"))
        for name, band in (("healthy", healthy), ("warning", warning)):
            if band and band.min is not None and band.max is not None and band.min > band.max:
                reader.add(rel, f"{name}.min is above {name}.max", "kpi-band", where + (name,))
        kpis.append(
            Kpi(raw["id"], raw["title"], raw.get("unit", ""), raw.get("current"), healthy, warning,
                raw.get("data_source", ""), Source(rel, where), unit, raw.get("source"))
        )
    return kpis


def _band(raw: Any) -> Optional[Band]:
    return Band(raw.get("min"), raw.get("max")) if raw else None
