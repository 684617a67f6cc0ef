"""The semantic diff as people and tools read it: a pull-request comment, plain text, JSON.

:func:`render` picks the form; Markdown withholds private titles unless asked (``--show-private``)
and makes every user-written value safe for Markdown (:mod:`okrops.safetext`).
"""

from __future__ import annotations

from typing import Any

from okrops.review.diff import MARKER, Change, Diff, format_value
from okrops.safetext import json_dumps, markdown, markdown_code, terminal_line


_KIND_LABEL = {"objective": "Objective", "key_result": "Key result", "unit": "Unit", "cycle": "Cycle",
               "strategy": "Strategy", "initiative": "Initiative", "config": "Configuration", "kpi": "KPI"}
_FIELD_LABEL = {"measure_unit": "unit of measure", "data_source": "data source", "strategies": "strategies",
                "parent": "parent", "healthy": "healthy band", "warning": "warning band"}


def render(result: Diff, output_format: str, show_private: bool = False) -> str:
    """``output_format`` is markdown, json or text; only markdown withholds private text (see render_markdown)."""
    if output_format == "json":
        return json_dumps(result.as_dict(), indent=2, default=str)
    if output_format == "markdown":
        return render_markdown(result, show_private)
    return render_text(result)


def _summary_words(result: Diff) -> str:
    counts = result.counts()
    singular = {"objectives": "objective", "key results": "key result", "check-ins": "check-in"}
    parts = []
    for label, n in counts.items():
        if n:
            noun = next((k for k in singular if label.startswith(k)), "")
            parts.append(f"{n} {label if n != 1 or not noun else singular[noun] + label[len(noun):]}")
    other = sum(1 for c in result.changes if c.kind not in ("objective", "key_result"))
    if other:
        parts.append(f"{other} other change{'s' if other != 1 else ''}")
    return ", ".join(parts) if parts else "no OKR changes"


def _describe(c: Change) -> str:
    label = _FIELD_LABEL.get(c.field, c.field)
    if c.field == "title":
        return f"reworded: “{format_value(c.old)}” → “{format_value(c.new)}”"
    return f"{label}: {format_value(c.old)} → {format_value(c.new)}"


def render_text(result: Diff) -> str:
    """One line per change for a terminal; user text is folded onto its line, controls shown visibly."""
    lines = [f"OKR changes from {result.base} to {result.head}: {_summary_words(result)}"]
    for note in result.notes:
        lines.append(f"note: {note}")
    symbol = {"added": "+", "removed": "-", "changed": "~"}
    for c in result.changes:
        kind = _KIND_LABEL.get(c.kind, c.kind).lower()
        if c.action == "changed":
            text = f"{symbol[c.action]} {kind} {c.ref} {_describe(c)}"
        else:
            detail = f" ({format_value(c.new if c.action == 'added' else c.old)})" if (c.new or c.old) and c.kind == "key_result" else ""
            text = f"{symbol[c.action]} {kind} {c.ref}: {c.title}{detail}"
        lines.append(text + (" (private)" if c.private else ""))
        for f in c.flags:
            lines.append(f"    {'!' if f.level == 'warning' else 'i'} {f.label}: {f.message}")
    return "\n".join(terminal_line(line) for line in lines)


def _md(text: Any) -> str:
    return markdown(format_value(text))


LOCK = "🔒"


def render_markdown(result: Diff, show_private: bool = False) -> str:
    """A pull-request comment: a one-line summary, what needs attention, then the changes by unit and cycle.

    Changes about private OKRs carry a lock and "(private)". Unless ``show_private``, they
    are listed without their titles, texts and values (the comment may be read by more
    people than the files): the reference, what kind of change, and which fields.
    """
    withhold = not show_private
    lines = [MARKER, "## OKR changes", ""]
    lines.append(f"**{_md(_summary_words(result))}** · comparing {_md(result.head)} with {_md(result.base)}")
    lines.append("")
    for note in result.notes:
        lines.append(f"> [!NOTE]\n> {_md(note)}\n")
    private = sum(1 for c in result.changes if c.private)
    if private:
        lines.append(_private_note(private, withhold))
    flagged = result.flags
    if flagged:
        lines += ["### ⚠️ For reviewers", ""]
        for c, f in flagged:
            icon = "⚠️" if f.level == "warning" else "ℹ️"
            message = "details withheld" if c.private and withhold else _md(f.message)
            lines.append(f"- {icon} **{_md(f.label)}** · {markdown_code(c.ref)}{_lock(c)}: {message}")
        lines.append("")
    if not result.changes:
        lines.append("No objectives, key results or settings changed.")
        return "\n".join(lines) + "\n"
    general = [c for c in result.changes if c.kind not in ("objective", "key_result", "initiative")]
    if general:
        lines += ["### Organisation", ""]
        lines += _private_lines([c for c in general if c.private]) if withhold else []
        for c in general:
            if not (c.private and withhold):
                lines.append(_md_line(c))
        lines.append("")
    groups: dict[tuple[str, str], list[Change]] = {}
    for c in result.changes:
        if c.kind in ("objective", "key_result", "initiative"):
            groups.setdefault((c.unit, c.cycle), []).append(c)
    for (unit, cycle), items in groups.items():
        lines += [f"### {_md(unit)} · {_md(cycle)}{' ' + LOCK if all(i.private for i in items) else ''}", ""]
        hidden = [i for i in items if i.private and withhold]
        shown = [i for i in items if not (i.private and withhold)]
        lines += _private_lines(hidden)
        lines += _md_lines([i for i in shown if not i.checkin])
        lines += _checkin_table([i for i in shown if i.checkin])
        lines.append("")
    lines.append("<sub>Generated by `okrops diff`. Scores and status are derived; only the YAML is reviewed.</sub>")
    return "\n".join(lines) + "\n"


def _private_note(count: int, withhold: bool) -> str:
    what = f"{count} change{'s' if count != 1 else ''} concern{'s' if count == 1 else ''} private OKRs"
    if withhold:
        return (f"> {LOCK} {what}: they are marked {LOCK} and listed without their titles, texts or values, because "
                "this comment may be read by people who cannot read the files. `okrops diff --show-private` shows "
                "them.\n")
    return (f"> {LOCK} {what}, shown in full (`--show-private`) and marked {LOCK}: post this comment only where "
            "everyone may read them.\n")


def _lock(c: Change) -> str:
    return f" {LOCK} (private)" if c.private else ""


def _private_lines(items: list[Change]) -> list[str]:
    """One line per private entity: what kind of change and which fields, no titles, texts or values."""
    order: list[tuple[str, str]] = []
    what: dict[tuple[str, str], list[str]] = {}
    warned: set[tuple[str, str]] = set()
    for c in items:
        key = (c.kind, c.ref)
        if key not in what:
            order.append(key)
            what[key] = []
        word = c.action if c.action != "changed" else _FIELD_LABEL.get(c.field, c.field)
        if word not in what[key]:
            what[key].append(word)
        if any(f.level == "warning" for f in c.flags):
            warned.add(key)
    lines = []
    for kind, ref in order:
        short = ref.split("/", 2)[-1] if kind in ("objective", "key_result", "initiative") else ref
        indent = "  " if kind == "key_result" else ""
        words = what[(kind, ref)]
        summary = words[0] if words[0] in ("added", "removed") else "changed: " + ", ".join(_md(w) for w in words)
        warn = " ⚠️" if (kind, ref) in warned else ""
        lines.append(f"{indent}- {LOCK} {_KIND_LABEL.get(kind, kind)} **{_md(short)}** (private) {summary}{warn}")
    return lines


def _checkin_table(checkins: list[Change]) -> list[str]:
    if not checkins:
        return []
    count = len({c.ref for c in checkins})
    lines = ["", f"<details><summary>Check-ins: {count} key result{'s' if count != 1 else ''} updated</summary>", "",
             "| Key result | | Before | After |", "|---|---|---:|---:|"]
    for c in checkins:
        lines.append(f"| {markdown_code(c.ref.split('/', 2)[-1])} {_md(c.title)}{_lock(c)} | {_md(c.field)} | {_md(c.old)} | "
                     f"{_md(c.new)} |")
    return lines + ["", "</details>"]


def _md_lines(items: list[Change]) -> list[str]:
    """One line per added, removed or reworded entity; other changes of one entity share a line."""
    lines: list[str] = []
    grouped: dict[tuple[str, str], list[Change]] = {}
    order: list[object] = []
    for c in items:
        if c.action == "changed" and c.field != "title":
            key = (c.kind, c.ref)
            if key not in grouped:
                grouped[key] = []
                order.append(key)
            grouped[key].append(c)
        else:
            order.append(c)
    for entry in order:
        if isinstance(entry, Change):
            lines.append(_md_line(entry))
            continue
        changes = grouped[entry]
        first = changes[0]
        short = first.ref.split("/", 2)[-1]
        kind = _KIND_LABEL.get(first.kind, first.kind)
        indent = "  " if first.kind == "key_result" else ""
        warn = " ⚠️" if any(f.level == "warning" for c in changes for f in c.flags) else ""
        parts = [f"{_md(_FIELD_LABEL.get(c.field, c.field))} {_md(c.old)} → **{_md(c.new)}**" for c in changes]
        lines.append(f"{indent}- 🔁 {kind} **{_md(short)}**{_lock(first)} {'; '.join(parts)}{warn} · _{_md(first.title)}_")
    return lines


def _md_line(c: Change) -> str:
    short = c.ref.split("/", 2)[-1] if c.kind in ("objective", "key_result", "initiative") else c.ref
    kind = _KIND_LABEL.get(c.kind, c.kind)
    indent = "  " if c.kind == "key_result" else ""
    warn = (" ⚠️" if any(f.level == "warning" for f in c.flags) else "") + _lock(c)
    if c.action == "added":
        extra = f" ({_md(c.new)})" if c.kind == "key_result" and c.new else ""
        return f"{indent}- ➕ {kind} **{_md(short)}** added: {_md(c.title)}{extra}{warn}"
    if c.action == "removed":
        return f"{indent}- ➖ {kind} **{_md(short)}** removed: ~~{_md(c.title)}~~{warn}"
    if c.field == "title":
        return f"{indent}- ✏️ {kind} **{_md(short)}** reworded: ~~{_md(c.old)}~~ → {_md(c.new)}{warn}"
    label = _FIELD_LABEL.get(c.field, c.field)
    return f"{indent}- 🔁 {kind} **{_md(short)}** {_md(label)}: {_md(c.old)} → **{_md(c.new)}**{warn}"
