"""Practice health as text, JSON or Markdown: one table per unit (and the organisation), cycles as columns."""

from __future__ import annotations

from typing import Callable, Optional

from okrops.health.measures import FULL, LOW, CycleHealth, HealthReport, ScopeHealth

FORMATS = ("text", "json", "markdown")


def _pct(value: Optional[float]) -> str:
    return "–" if value is None else f"{value:.0%}"


def _num(value: Optional[float]) -> str:
    return "–" if value is None else f"{value:.2f}"


def _decisions(c: CycleHealth) -> str:
    if not c.decisions:
        return "–"
    order = ("done", "carry-over", "rewrite", "drop")
    return ", ".join(f"{c.decisions[d]} {d}" for d in order if d in c.decisions)


# (group, label, value of a cycle as text, value as a number for trends or None)
MEASURES: list[tuple[str, str, Callable[[CycleHealth], str], Callable[[CycleHealth], Optional[float]]]] = [
    ("system", "objectives aligned", lambda c: _pct(c.aligned), lambda c: c.aligned),
    ("system", "key results that are outcomes", lambda c: _pct(c.outcomes), lambda c: c.outcomes),
    ("system", "tasks / KPIs among key results", lambda c: f"{c.tasks} / {c.kpis}", lambda c: None),
    ("system", "lint warnings and errors", lambda c: "–" if c.findings is None else str(c.findings),
     lambda c: None if c.findings is None else float(c.findings)),
    ("behaviour", "weeks with a check-in", lambda c: _pct(c.rhythm), lambda c: c.rhythm),
    ("behaviour", "reflection decisions", _decisions, lambda c: None),
    ("outcome", "committed: mean score", lambda c: _num(c.mean("committed")), lambda c: c.mean("committed")),
    ("outcome", f"committed: below {LOW}", lambda c: _pct(c.share("committed", lambda v: v < LOW)),
     lambda c: c.share("committed", lambda v: v < LOW)),
    ("outcome", "aspirational: mean score", lambda c: _num(c.mean("aspirational")), lambda c: c.mean("aspirational")),
    ("outcome", f"aspirational: at {FULL:g}", lambda c: _pct(c.share("aspirational", lambda v: v >= FULL)),
     lambda c: c.share("aspirational", lambda v: v >= FULL)),
]


def render(report: HealthReport, output_format: str) -> str:
    if output_format == "json":
        from okrops.safetext import json_dumps

        return json_dumps(report.as_dict(), indent=2)
    scopes = [report.organisation, *report.units]
    if output_format == "markdown":
        return "\n\n".join(_markdown(s) for s in scopes if s.cycles)
    return "\n\n".join(_text(s) for s in scopes if s.cycles)


def _rows(scope: ScopeHealth) -> list[tuple[str, list[str]]]:
    rows = []
    for group, label, text, _value in MEASURES:
        rows.append((f"{group}: {label}", [text(c) for c in scope.cycles]))
    return rows


def _title(scope: ScopeHealth) -> str:
    return scope.name if not scope.scope else f"{scope.name} ({scope.scope})"


def _text(scope: ScopeHealth) -> str:
    from okrops.safetext import terminal_line

    head = ["measure"] + [f"{c.cycle}{'*' if c.state == 'running' else ''}" for c in scope.cycles]
    table = [head] + [[label, *cells] for label, cells in _rows(scope)]
    widths = [max(len(r[i]) for r in table) for i in range(len(head))]
    lines = [terminal_line(_title(scope))]
    lines += ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in table]
    for c in scope.cycles:
        lines += [f"  {c.cycle}: {terminal_line(s)}" for s in c.signals]
    if any(c.state == "running" for c in scope.cycles):
        lines.append("  * running: figures so far")
    return "\n".join(lines)


def _markdown(scope: ScopeHealth) -> str:
    from okrops.safetext import markdown as markdown_text

    lines = [f"### {markdown_text(_title(scope))}", "",
             "| measure | " + " | ".join(markdown_text(c.label) for c in scope.cycles) + " |",
             "|---|" + "---|" * len(scope.cycles)]
    lines += [f"| {label} | " + " | ".join(cells) + " |" for label, cells in _rows(scope)]
    signals = [f"- {markdown_text(c.label)}: {markdown_text(s)}" for c in scope.cycles for s in c.signals]
    return "\n".join(lines + ([""] + signals if signals else []))
