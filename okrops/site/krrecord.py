"""A key result's record on its page: moved goalposts, confidence over time, a forecast, evidence.

Read once per build from git (:mod:`okrops.record.targets`, :mod:`okrops.record.evidence`)
for the public key results only. A target change made while its objective was private, and
evidence from a commit that also names a key result or initiative that is not public, stay
off the site (when in doubt, private).
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Optional

from okrops.errors import OkropsError
from okrops.model import Cycle, Organisation
from okrops.site import charts
from okrops.site import viewmodels as vm
from okrops.site.html import number
from okrops.site.view import KrInfo

log = logging.getLogger("mkdocs.plugins.okrops")


class KrRecord:
    def __init__(self, org: Organisation, today: date, repo_url: Optional[str]):
        from okrops.record import targets
        from okrops.record.history import record_source

        self.today, self.repo_url = today, repo_url
        try:
            found = targets.target_changes(*record_source(org))
        except OkropsError as error:
            log.warning("okrops: target changes not read: %s", error.message)
            found = {}
        self.changes = {ref: [c for c in changes if not c.private] for ref, changes in found.items()
                        if ref in org.key_results}
        self._as_tagged(org)
        self.org = org
        self._evidence = None

    def _as_tagged(self, org: Organisation) -> None:
        """A cycle shown as its tag left it lists only the changes its tagged commit holds, not later edits."""
        if not org.tagged_cycles:
            return
        from okrops.record import gitrefs, snapshot
        from okrops.record.history import record_source

        try:
            top = snapshot.repository_paths(record_source(org)[1])[2]
            held = {cycle: set(str(gitrefs.git(top, "rev-list", revs=[commit])).split())
                    for cycle, commit in org.tagged_cycles.items()}
        except OkropsError as error:
            log.warning("okrops: target changes of tagged cycles not read: %s", error.message)
            held = {cycle: set() for cycle in org.tagged_cycles}
        for ref, changes in self.changes.items():
            cycle = ref.split("/")[1]
            if cycle in held:
                self.changes[ref] = [c for c in changes if c.commit in held[cycle]]

    # -- evidence ---------------------------------------------------------------------------------
    def evidence_rows(self, ref: str, limit: int = 50) -> list[vm.EvidenceRow]:
        """Evidence for a public key result or initiative, newest first; none from a commit naming anything not public."""
        if self._evidence is None:
            from okrops.record import evidence

            try:
                index = evidence.read(self.org)
            except OkropsError as error:
                log.warning("okrops: evidence not read: %s", error.message)
                index = evidence.EvidenceIndex({}, [])
            for problem in index.problems:
                log.warning("okrops: %s", problem)
            public = set(self.org.objectives)
            self._evidence = {r: [e for e in found if not (set(e.others) - public)] for r, found in index.by_ref.items()}
        rows = []
        for e in self._evidence.get(ref, [])[:limit]:
            rows.append(vm.EvidenceRow(e.day.isoformat(), e.title, e.author, e.repository, e.commit[:8], e.url or None,
                                       f"#{e.pull_request}" if e.pull_request else ""))
        return rows

    def _commit_href(self, sha: str) -> Optional[str]:
        return f"{self.repo_url}/commit/{sha}" if self.repo_url and sha else None

    # -- the chart ------------------------------------------------------------------------------
    def chart_extras(self, info: KrInfo, cycle: Cycle) -> dict:
        """ChartSpec fields: target and baseline steps, change markers, the forecast."""
        kr = info.kr
        changes = [c for c in self.changes.get(kr.ref, []) if c.day <= cycle.end]
        extras: dict = {"forecast": self.forecast(info, cycle)}
        if not any(c.day > cycle.start for c in changes):
            return extras
        for field, name, current in (("target", "target_steps", kr.target), ("baseline", "baseline_steps", kr.baseline)):
            moves = [c for c in changes if c.field == field]
            if kr.direction == "range" or current is None or not any(c.day > cycle.start for c in moves):
                continue
            at_start = next((c.new for c in reversed(moves) if c.day <= cycle.start), moves[0].old)
            steps = [(cycle.start, at_start)] if at_start is not None else []
            steps += [(c.day, c.new) for c in moves if c.day > cycle.start and c.new is not None]
            if steps and steps[-1][1] != current:
                steps.append((min(max(self.today, cycle.start), cycle.end), current))
            extras[name] = steps
        if kr.direction == "range":
            extras["range_steps"] = self._range_steps(kr, cycle, changes)
        extras["changes"] = [charts.Point(c.day, 0.0, f"{c.day.isoformat()}: {_text(c, kr.measure_unit)}")
                             for c in changes if c.day > cycle.start]
        return extras

    def _range_steps(self, kr, cycle: Cycle, changes: list) -> list[tuple[date, float, float]]:
        """(day, min, max) of a range key result's band from the cycle's start, a step each day it changed."""
        moves = [c for c in changes if c.field in ("range min", "range max")]
        if not any(c.day > cycle.start for c in moves):
            return []
        bounds = {}
        for field, current in (("range min", kr.range_min), ("range max", kr.range_max)):
            mine = [c for c in moves if c.field == field]
            bounds[field] = next((c.new for c in reversed(mine) if c.day <= cycle.start), mine[0].old if mine else current)
        steps = [(cycle.start, bounds["range min"], bounds["range max"])]
        for c in (c for c in moves if c.day > cycle.start):
            bounds[c.field] = c.new
            step = (c.day, bounds["range min"], bounds["range max"])
            steps[-1:] = [steps[-1], step] if steps[-1][0] != c.day else [step]  # one step a day: its last state
        if steps[-1][1:] != (kr.range_min, kr.range_max):
            steps.append((min(max(self.today, cycle.start), cycle.end), kr.range_min, kr.range_max))
        known = [step for step in steps if step[1] is not None and step[2] is not None]
        return known if len(known) > 1 else []

    def forecast(self, info: KrInfo, cycle: Cycle) -> Optional[charts.Forecast]:
        points = [charts.Point(min(max(c.day, cycle.start), cycle.end), c.value)
                  for c in info.history if c.value is not None]
        if not (cycle.start <= self.today < cycle.end):
            return None
        return charts.forecast(points, cycle.end, self.today)

    # -- below the chart ---------------------------------------------------------------------------
    def change_rows(self, info: KrInfo) -> list[vm.TargetChangeRow]:
        rows = []
        measure = info.kr.measure_unit
        for c in reversed(self.changes.get(info.kr.ref, [])):
            pull_href = f"{self.repo_url}/pull/{c.pull_request}" if self.repo_url and c.pull_request else None
            rows.append(vm.TargetChangeRow(
                c.day.isoformat(), c.field, _value(c.old, measure), _value(c.new, measure), c.commit[:8],
                self._commit_href(c.commit), c.author, c.merged_by, f"#{c.pull_request}" if c.pull_request else "",
                pull_href))
        return rows

    def confidence_chart(self, info: KrInfo, cycle: Cycle) -> Optional[charts.HistoryChart]:
        points = [charts.Point(min(max(c.day, cycle.start), cycle.end), c.confidence,
                               f"{c.day.isoformat()}: confidence {charts._fmt(c.confidence)}")
                  for c in info.history if c.confidence is not None]
        if not points:
            return None
        return charts.confidence_chart(cycle.start, cycle.end, points, self.today,
                                       f"Confidence in {info.kr.title}")

    def forecast_text(self, info: KrInfo, cycle: Cycle) -> str:
        f = self.forecast(info, cycle)
        if f is None:
            return ""
        value = round(f.value, 1) if abs(f.value) < 1000 else round(f.value)
        return (f"Forecast: about {number(value, info.kr.measure_unit)} on {f.end.isoformat()} at the current pace "
                f"(a straight line through the last {f.points} values; a forecast, not a promise).")


def _value(value: Optional[float], measure: str) -> str:
    return "none" if value is None else number(value, measure)


def _text(change, measure: str) -> str:
    merged = f", merged by {change.merged_by}" if change.merged_by else ""
    return (f"{change.field} {_value(change.old, measure)} → {_value(change.new, measure)} "
            f"({change.author}{merged})")
