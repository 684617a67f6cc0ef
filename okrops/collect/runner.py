"""Which sources to run, running them (in parallel, bounded), and recording what changed as one check-in.

A failing source (network, timeout, HTTP error, no number, more than one, NaN,
a missing environment variable) is an outcome with its reason: it is never
recorded, never turned into zero, and the other sources go on. Values equal to
the current one are not recorded either.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Optional, Union

from okrops import progress
from okrops.collect import provenance, sources
from okrops.collect.sources.base import Context, SourceFailed, one_line, transform
from okrops.errors import UsageError
from okrops.model import KeyResult, Kpi, Organisation
from okrops.record import checkin

DEFAULT_JOBS = 8
CHANGED, UNCHANGED, FAILED = "changed", "unchanged", "failed"


@dataclass
class Target:
    """One key result or KPI with a ``source:``."""

    item: Union[KeyResult, Kpi]

    @property
    def ref(self) -> str:
        return self.item.ref

    @property
    def spec(self) -> dict:
        return self.item.metric_source or {}


@dataclass
class Outcome:
    """What running one target's source gave."""

    target: Target
    status: str  # changed, unchanged or failed
    kind: str
    query: str
    previous: Optional[float]
    value: Optional[float] = None
    reason: str = ""  # why it failed
    seconds: float = 0.0
    provenance: Optional[provenance.Provenance] = None

    @property
    def ref(self) -> str:
        return self.target.ref


def select(org: Organisation, names: Iterable[str], today: date) -> list[Target]:
    """The targets of ``names`` (units, with the units below them, or references); all running ones without names.

    Without names: the running cycles' key results and every unit's KPIs that have a source.
    A unit name selects the same within that unit and the units below it; a reference selects
    that key result or KPI, in any cycle. An unknown name, or a reference without a source, is a usage error.
    """
    names = list(names)
    running = {c.id for c in org.config.cycles.values() if c.start <= today <= c.end}
    if not names:
        return _all(org, set(org.units), running)
    targets: dict[str, Target] = {}
    for name in names:
        if name in org.units:
            for target in _all(org, _below(org, name), running):
                targets.setdefault(target.ref, target)
            continue
        item = checkin.target(org, name)
        if item is None:
            raise UsageError(f"{name!r} is neither a unit nor a key result or KPI reference "
                             "(<unit>/<cycle>/<objective>/<kr> or <unit>/kpi/<id>)")
        if item.metric_source is None:
            raise UsageError(f"{name} has no source: add one to collect its value (see 'Numbers from your systems' "
                             "in the README)")
        targets.setdefault(item.ref, Target(item))
    return list(targets.values())


def _below(org: Organisation, slug: str) -> set[str]:
    found, pending = set(), [slug]
    while pending:
        current = pending.pop()
        found.add(current)
        pending.extend(org.units[current].children if current in org.units else [])
    return found


def _all(org: Organisation, units: set[str], running: set[str]) -> list[Target]:
    targets = []
    for objective in org.objectives.values():
        if objective.unit in units and objective.cycle in running:
            targets += [Target(kr) for kr in objective.key_results if kr.metric_source is not None]
    for slug in sorted(units):
        unit = org.units.get(slug)
        if unit is not None:
            targets += [Target(kpi) for kpi in unit.kpis if kpi.metric_source is not None]
    return targets


def run(org: Organisation, targets: list[Target], jobs: Optional[int] = None,
        environ: Optional[Mapping[str, str]] = None, now: Optional[Callable[[], datetime]] = None) -> list[Outcome]:
    """Run every target's source, at most ``jobs`` at once; outcomes in the order of ``targets``.

    ``environ`` (default: this process's environment) is what ``${NAME}`` references read; ``now``
    (default: the clock) gives the fetch times recorded (the demo replays fixed times).
    """
    jobs = jobs or int(org.config.collect.get("jobs", DEFAULT_JOBS))
    context = Context(Path(org.root), dict(os.environ if environ is None else environ),
                      allow_commands=org.config.collect.get("commands") is True)
    if not targets:
        return []
    work = progress.current()  # reported from this thread: the workers do not see the command's reporter
    work.stage("fetching values from their sources", total=len(targets), unit="sources")
    with ThreadPoolExecutor(max_workers=max(1, min(jobs, len(targets))), thread_name_prefix="okrops-collect") as pool:
        futures = [pool.submit(fetch_one, target, context, now) for target in targets]
        for _finished in as_completed(futures):
            work.advance()
    work.done()
    return [future.result() for future in futures]  # fetch_one turns every failure into an outcome


def fetch_one(target: Target, context: Context, now: Optional[Callable[[], datetime]] = None) -> Outcome:
    """Run one source; every failure becomes an outcome with its reason."""
    from okrops.record.checkin import changes_file

    spec = target.spec
    kind = str(spec.get("kind"))
    previous = target.item.current
    started = time.monotonic()
    query = one_line(spec.get("description") or kind)
    try:
        source = sources.make(spec, context)
        query = one_line(spec.get("description") or source.describe())
        fetched = source.fetch()
        fetched_at = provenance.timestamp(now() if now else None)
        value = transform(spec, fetched.value)
    except SourceFailed as failed:
        return Outcome(target, FAILED, kind, query, previous, reason=failed.reason,
                       seconds=time.monotonic() - started)
    except Exception as exc:  # a plug-in's bug is that source's failure; the others go on
        return Outcome(target, FAILED, kind, query, previous, seconds=time.monotonic() - started,
                       reason=f"the {kind} source raised {type(exc).__name__}: {one_line(exc, 150)}")
    status = CHANGED if changes_file(target.item, value) else UNCHANGED
    return Outcome(target, status, kind, query, previous, value, seconds=time.monotonic() - started,
                   provenance=provenance.Provenance(kind, query, fetched_at, provenance.digest(fetched.raw)))


def record(org: Organisation, outcomes: list[Outcome], branch: Optional[str] = None, **commit: Any):
    """The changed values as one check-in commit (:func:`okrops.record.checkin.checkin`); None when none changed.

    ``commit`` passes ``when``, ``commit_date`` and ``author`` on to the check-in.
    """
    requests = [checkin.Request(o.ref, o.value, provenance=o.provenance.trailers())
                for o in outcomes if o.status == CHANGED and o.provenance is not None]
    if not requests:
        return None
    return checkin.checkin(org, requests, branch=branch, **commit)
