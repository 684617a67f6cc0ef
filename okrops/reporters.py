"""Turn findings and status reports into text, JSON, CSV, Markdown or GitHub annotations.

Reporters return strings; the CLI decides where they go. User text is made safe for each
medium here, with the guards of :mod:`okrops.safetext`: one line and no control characters
in text and tables, escaped Markdown, CSV text cells no spreadsheet runs, JSON with every
control character escaped.
"""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING, Optional

from okrops.findings import Finding, Severity
from okrops.safetext import csv_text, json_dumps, markdown, terminal_line, workflow_data, workflow_property

if TYPE_CHECKING:  # the status modules load the model: `okrops validate` reports findings without them
    from okrops.status import StatusReport, UnitRow

FINDING_FORMATS = ("text", "json", "github")
STATUS_FORMATS = ("table", "json", "csv", "markdown")


# --- findings ------------------------------------------------------------------


def _counts(findings: list[Finding]) -> dict[str, int]:
    return {s.label: sum(1 for f in findings if f.severity == s) for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)}


def summary_line(findings: list[Finding], files: int) -> str:
    counts = _counts(findings)
    if not findings:
        return f"no problems found in {files} file{'s' if files != 1 else ''}"
    parts = [f"{n} {label}{'s' if n != 1 else ''}" for label, n in counts.items() if n]
    return f"{', '.join(parts)} in {files} file{'s' if files != 1 else ''}"


def location(f: Finding) -> str:
    """Where a finding is, as compilers print it: ``file:line:column``, ``file:line`` when the column is not
    known, and the file (or folder) alone for a finding about all of it (a missing unit.yaml, a symbolic link)."""
    if not f.line:
        return f.file
    return f"{f.file}:{f.line}:{f.column}" if f.column else f"{f.file}:{f.line}"


def findings_text(findings: list[Finding], files: int, hints: bool = True) -> str:
    lines = []
    for f in findings:
        lines.append(terminal_line(f"{location(f)}: {f.severity.label}: {f.message} [{f.rule}]"))
        if hints and f.hint:
            lines.append(f"    hint: {terminal_line(f.hint)}")
    lines.append(summary_line(findings, files))
    return "\n".join(lines)


def findings_json(findings: list[Finding], files: int, failed: bool) -> str:
    return json_dumps(
        {"status": "fail" if failed else "ok", "files": files, "counts": _counts(findings),
         "findings": [f.as_dict() for f in findings]},
        indent=2,
    )


def findings_github(findings: list[Finding]) -> str:
    """GitHub Actions workflow commands: one ::error/::warning/::notice line per finding."""
    level = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
    lines = []
    for f in findings:
        props = [f"file={workflow_property(f.file)}"]
        if f.line:
            props.append(f"line={f.line}")
        if f.column:
            props.append(f"col={f.column}")
        props.append(f"title={workflow_property('okrops ' + f.rule)}")
        message = f.message + (f" (hint: {f.hint})" if f.hint else "")
        lines.append(f"::{level[f.severity]} {','.join(props)}::{workflow_data(message)}")
    return "\n".join(lines)


# --- status --------------------------------------------------------------------

BAR_WIDTH = 10
_EIGHTHS = " ▏▎▍▌▋▊▉"


def bar(value: Optional[float], width: int = BAR_WIDTH) -> str:
    if value is None:
        return "·" * width
    value = min(max(value, 0.0), 1.0)
    eighths = round(value * width * 8)
    full, rest = divmod(eighths, 8)
    text = "█" * full + (_EIGHTHS[rest] if rest else "")
    return text + "·" * (width - len(text))


def _num(value: Optional[float], digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _value(value: Optional[float]) -> str:
    return "-" if value is None else f"{value:g}"


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: wide (CJK, emoji) characters take two, combining marks none."""
    import wcwidth

    width = wcwidth.wcswidth(text)
    return width if width >= 0 else sum(max(0, wcwidth.wcwidth(c)) for c in text)


def _fit(text: str, width: int) -> str:
    """``text`` cut to at most ``width`` columns, with an ellipsis when cut."""
    if display_width(text) <= width:
        return text
    import wcwidth

    kept, used = [], 0
    for char in text:
        columns = max(0, wcwidth.wcwidth(char))
        if used + columns > width - 1:
            break
        kept.append(char)
        used += columns
    return "".join(kept) + "…"


def _pad(text: str, width: int) -> str:
    """``text`` fitted to ``width`` columns and padded with spaces to exactly that many."""
    text = _fit(text, width)
    return text + " " * (width - display_width(text))


def status_table(report: StatusReport, width: int = 80) -> str:
    """The organisation tree, one section per cycle, fitted to ``width`` columns."""
    lines = [f"{terminal_line(report.organisation)}: OKR status on {report.today}"]
    if not report.units:
        lines.append("no OKRs in the selected cycle")
        return "\n".join(lines)
    longest = max(display_width("  " * r.depth + terminal_line(r.unit)) for r in report.units)
    name_width = max(16, min(width - 57, longest + 2))  # what is left goes to the flags
    for cycle in report.cycles:
        rows = [r for r in report.units if r.cycle == cycle["id"]]
        if not rows:
            continue
        heading = f"{cycle['id']}  {cycle['start']} to {cycle['end']}  {cycle['elapsed']:.0%} elapsed"
        lines += ["", terminal_line(heading), ""]
        lines.append(f"{'UNIT':<{name_width}} {'SCORE':>5} {'PROGRESS':<{BAR_WIDTH}} {'EXP':>4} {'CONF':>4} {'KRS':>3}  FLAGS")
        for row in rows:
            lines.append(_unit_line(row, name_width, width))
            lines.extend(_detail_lines(row, width))
    return "\n".join(lines)


_FLAG_WORDS = {"off-track": "off", "at-risk": "risk", "no-data": "no data"}


def _unit_line(row: UnitRow, name_width: int, width: int) -> str:
    from okrops.scoring import format_score

    name = _pad("  " * row.depth + terminal_line(row.unit), name_width)
    text = f"{name} {format_score(row.score, row.style):>5} {bar(row.score)} {_num(row.expected):>4} {_num(row.confidence, 1):>4} "
    text += f"{row.key_results:>3}" if row.key_results else "  -"
    flags = [f"{_FLAG_WORDS[s]} {row.statuses[s]}" for s in ("off-track", "at-risk", "no-data") if row.statuses.get(s)]
    if row.stale:
        flags.append(f"stale {row.stale}")
    if row.visibility == "private":
        flags.append("private")
    elif row.private_objectives:  # what the score counts: the site leaves private objectives out
        flags.append(f"incl. {row.private_objectives} private")
    if row.zone:
        flags.append(f"zone {row.zone}")
    if not row.key_results and row.rollup is not None:
        private = f" incl. {row.private_in_rollup} private" if row.private_in_rollup and row.visibility != "private" else ""
        flags.append(f"below: {format_score(row.rollup, row.style)}{private}")
    return _fit(text + ("  " + ", ".join(flags) if flags else ""), width)


def _detail_lines(row: UnitRow, width: int) -> list[str]:
    """A unit's objectives and key results; every key result's bar in one column, whatever the titles hold."""
    from okrops.scoring import format_score

    lines = []
    indent = "  " * row.depth + "  "
    krs = [kr for objective in row.objective_rows for kr in objective.key_results]
    ids = {id(kr): terminal_line(kr.ref.rsplit("/", 1)[-1]) for kr in krs}
    id_width = max((display_width(i) for i in ids.values()), default=0)
    tails = {id(kr): _kr_tail(kr) for kr in krs}
    longest = max((display_width(t) for t in tails.values()), default=0)
    room = max(10, width - len(indent) - 2 - id_width - 1 - 1 - 6 - 1 - longest)
    for objective in row.objective_rows:
        oid = terminal_line(objective.ref.rsplit("/", 1)[-1])
        tail = f" {format_score(objective.score, row.style):>5} {objective.status}" + (f" {objective.zone}" if objective.zone else "") \
            + (" private" if objective.visibility == "private" else "") + _aligned_text(objective, row.style)
        title_room = max(10, width - len(indent) - display_width(oid) - 1 - len(tail))
        lines.append(f"{indent}{oid} {_pad(terminal_line(objective.title), title_room)}{tail}")
        for kr in objective.key_results:
            kid = _pad(ids[id(kr)], id_width)
            lines.append(f"{indent}  {kid} {_pad(terminal_line(kr.title), room)} {bar(kr.score, 6)} {tails[id(kr)]}")
    return lines


def _aligned_text(objective, style: str) -> str:
    """' aligned 0.43 (3 below)' for an objective others align to; its shares where it has several parents."""
    from okrops.scoring import format_score

    text = f" aligned {format_score(objective.aligned, style)} ({objective.below} below)" if objective.below else ""
    if len(objective.parents) > 1:
        text += " shares " + "/".join(f"{p['share']:g}" for p in objective.parents)
    return text


def _kr_tail(kr) -> str:
    """What follows a key result's bar: baseline→current→target, confidence, status."""
    measure = terminal_line(kr.measure_unit or "")
    unit = f" {measure}" if measure and display_width(measure) <= 6 else ""
    figures = f"{_value(kr.baseline)}→{_value(kr.current)}→{_value(kr.target)}{unit}" if kr.level is None \
        else f"level {terminal_line(kr.level)}"
    conf = f" c{_num(kr.confidence, 1)}" if kr.confidence is not None else ""
    return f"{figures}{conf} {kr.status}" + (f" {kr.zone}" if kr.zone else "") + (" stale" if kr.stale else "")


def status_json(report: StatusReport) -> str:
    return json_dumps(report.as_dict(), indent=2)


STATUS_CSV_COLUMNS = [
    "unit", "cycle", "objective", "key_result", "title", "baseline", "current", "target", "unit_of_measure",
    "progress", "score", "expected", "confidence", "status", "last_checkin", "stale", "zone",
    "objective_score", "objective_aligned", "objective_parents",
]


def status_csv(report: StatusReport) -> str:
    """One row per key result (units without key results get one row of their own).

    ``zone`` is the key result's commit-target-stretch zone (the unit's on a unit's own row), empty
    where the style has none. ``objective_aligned`` is the objective's aligned score and
    ``objective_parents`` its parents with their shares (``ref=share;...``), both from
    :func:`okrops.alignment.rollups`. Text cells go through :func:`okrops.safetext.csv_text` (no
    spreadsheet formulas); numeric cells are written from the numbers, so a negative baseline stays
    a number.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(STATUS_CSV_COLUMNS)
    for unit in report.units:
        if not unit.objective_rows:
            writer.writerow([csv_text(unit.unit), csv_text(unit.cycle), "", "", csv_text(unit.name), "", "", "", "", "",
                             _csv(unit.score), _csv(unit.expected), _csv(unit.confidence), "", "", unit.stale > 0,
                             csv_text(unit.zone), "", "", ""])
        for objective in unit.objective_rows:
            parents = csv_text(";".join(f"{p['ref']}={p['share']:g}" for p in objective.parents))
            for kr in objective.key_results:
                writer.writerow([csv_text(unit.unit), csv_text(unit.cycle), csv_text(objective.ref), csv_text(kr.ref),
                                 csv_text(kr.title), _csv(kr.baseline), _csv(kr.current), _csv(kr.target),
                                 csv_text(kr.measure_unit), _csv(kr.progress), _csv(kr.score), _csv(kr.expected),
                                 _csv(kr.confidence), csv_text(kr.status), csv_text(kr.last_checkin), kr.stale,
                                 csv_text(kr.zone), _csv(objective.score), _csv(objective.aligned), parents])
    return buffer.getvalue()


def _csv(value) -> str:
    """A numeric CSV cell, written from the number (never a formula)."""
    return "" if value is None else f"{value:g}"


_md = markdown


def status_markdown(report: StatusReport) -> str:
    lines = [f"## {_md(report.organisation)}: OKR status on {report.today}", ""]
    for c in report.cycles:
        lines.append(f"- Cycle **{_md(c['id'])}** ({c['start']} to {c['end']}), {c['elapsed']:.0%} elapsed")
    lines += ["", "| Unit | Cycle | Score | Expected | Confidence | KRs | Flags |", "|---|---|---:|---:|---:|---:|---|"]
    for row in report.units:
        indent = "&nbsp;&nbsp;" * row.depth
        lines.append(f"| {indent}{_md(row.name)} | {_md(row.cycle)} | {_num(row.score)} | {_num(row.expected)} | "
                     f"{_num(row.confidence)} | {row.key_results} | {_md(', '.join(row.flags))} |")
    detail = [r for r in report.units if r.objective_rows]
    for row in detail:
        lines += ["", f"### {_md(row.name)} ({_md(row.cycle)})", "",
                  "| Key result | Baseline | Current | Target | Score | Aligned | Confidence | Status |",
                  "|---|---:|---:|---:|---:|---:|---:|---|"]
        for objective in row.objective_rows:
            aligned = f"{_num(objective.aligned)} ({objective.below} below)" if objective.below else ""
            shares = ", ".join(f"{_md(p['ref'])} {p['share']:g}" for p in objective.parents) if len(objective.parents) > 1 else ""
            status = objective.status + (f" {objective.zone}" if objective.zone else "") + (f"; shares: {shares}" if shares else "")
            lines.append(f"| **{_md(objective.ref.split('/')[-1])} {_md(objective.title)}** | | | | {_num(objective.score)} | "
                         f"{aligned} | | {status} |")
            for kr in objective.key_results:
                zone = f" {kr.zone}" if kr.zone else ""
                lines.append(f"| {_md(kr.ref.split('/')[-1])} {_md(kr.title)} | {_value(kr.baseline)} | {_value(kr.current)} | "
                             f"{_value(kr.target)} | {_num(kr.score)} | | {_num(kr.confidence)} | {kr.status}{zone}{' (stale)' if kr.stale else ''} |")
    return "\n".join(lines)
