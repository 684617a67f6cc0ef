"""Cycle files in many hand-written and tool-made layouts, for the parity tests (no tests here).

:func:`generate` writes one cycle file from a series of choices: 2- or 4-space
indentation, sequences flush with their parent key or indented, CRLF or LF, a
final newline or not, a BOM, comments everywhere, quoted and plain ids, flow
mappings, anchors and aliases, ``x-`` keys holding impossible dates and odd
scalars, tabs after keys and before comments, unicode. The choices come from a
:class:`Chooser`: a seeded ``random.Random`` for the fixed corpus, hypothesis'
``data.draw`` for the fuzz test (the first option of each choice is the simplest,
so hypothesis shrinks towards it).
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

TITLES = ["Cut p95 latency from 480 ms to 250 ms", "Café ☕ onboarding in 日本語 and Ελληνικά",
          "Grow NPS — from 10 to 40 — 🚀", "Raise uptime to 99.9 %", "Ship it: the numbers move"]
NUMBERS = ["10", "+10", "1_0", "10.0", "1e1", "0o12", "0xA", "10.", "-3", ".5", "+.5", "0", "250", "99.9"]
CONFIDENCES = ["0.5", "0.70", ".5", "1", "0", "1.0", "+0.25"]
ODD = ["2026-02-30", "2026-02-30T25:61:00", "0o17", "0o8", "1_000", ".5", "+1", "~", "1:30", "no", "on", "0x1F",
       ".nan", "-.inf", "1e400", "12345678901234567890123", "!!binary aGVsbG8=", "!!timestamp 2026-02-30",
       "'2026-02-30'", "[2026-02-30, 0o17, .inf]", "{when: 2026-13-45, n: 1_0}", "!!str 5", "!!float 1", "null",
       "\"quoted: yes\"", "2001:db8::1", "0b101", "1__0"]
COMMENTS = ["# a comment", "#no space", "# key: value looks like YAML", "# ünïcödé ✓", "#"]


class Chooser:
    """Where the choices come from."""

    def __init__(self, pick: Callable[[Sequence[Any]], Any]):
        self.pick = pick

    def flag(self, weight_false: int = 1) -> bool:
        return self.pick([False] * weight_false + [True])

    @classmethod
    def seeded(cls, seed: int) -> "Chooser":
        rng = random.Random(seed)
        return cls(lambda options: rng.choice(list(options)))


@dataclass
class Layout:
    indent: int = 2
    flush: bool = False  # sequences flush with their parent key (Kubernetes, GitHub Actions)
    gap: int = 1  # spaces after a dash
    eol: str = "\n"
    final_newline: bool = True
    bom: bool = False

    @classmethod
    def choose(cls, c: Chooser) -> "Layout":
        indent = c.pick([2, 4])
        return cls(indent, c.flag(), c.pick([1, indent - 1]), c.pick(["\n", "\r\n"]), not c.flag(2), c.flag(3))


@dataclass
class KeyResultCase:
    """One key result of a generated file: where it is and what a check-in must also change."""

    path: tuple
    flow: bool
    followers: list[str] = field(default_factory=list)  # x- keys aliasing its current value


@dataclass
class Generated:
    text: str
    key_results: list[KeyResultCase]
    layout: Layout


def generate(c: Chooser) -> Generated:
    layout = Layout.choose(c)
    out = _Writer(c, layout)
    if c.flag():
        out.line(0, "# yaml-language-server: $schema=../../schema/okrs.json")
    out.maybe_comment(0)
    out.line(0, "objectives:" + out.trailing())
    dash = 0 if layout.flush else layout.indent
    cases: list[KeyResultCase] = []
    for o_index in range(c.pick([1, 2, 3])):
        out.maybe_comment(dash)
        content = dash + 1 + layout.gap
        out.item(dash, f"id: {out.quoted(f'O{o_index + 1}')}" + out.trailing())
        out.line(content, f"title: {out.title(content)}")
        if c.flag(3):
            out.line(content, f"x-note:{out.sep()}{c.pick(ODD)}" + out.trailing())
        count = c.pick([1, 2, 3])
        if c.flag(4):  # a flow sequence of flow mappings
            krs = [_flow_kr(c, out, k_index, (o_index, k_index)) for k_index in range(count)]
            out.line(content, "key_results: [" + ", ".join(text for text, _ in krs) + "]")
            cases += [case for _, case in krs]
            continue
        out.line(content, "key_results:" + out.trailing())
        kr_dash = content if layout.flush else content + layout.indent
        for k_index in range(count):
            cases.append(_block_kr(c, out, kr_dash, k_index, (o_index, k_index)))
    if c.flag(2):
        out.line(0, "x-extra:" + out.trailing())
        out.line(layout.indent, f"when:{out.sep()}{c.pick(ODD)}")
    out.maybe_comment(0)
    text = layout.eol.join(out.lines) + (layout.eol if layout.final_newline else "")
    return Generated(("\ufeff" if layout.bom else "") + text, cases, layout)


def _path(where: tuple) -> tuple:
    return ("objectives", where[0], "key_results", where[1])


def _block_kr(c: Chooser, out: "_Writer", dash: int, index: int, where: tuple) -> KeyResultCase:
    layout = out.layout
    content = dash + 1 + layout.gap
    case = KeyResultCase(_path(where), flow=c.flag(5))
    if case.flow:
        text, case = _flow_kr(c, out, index, where)
        out.maybe_comment(dash)
        out.item(dash, text + out.trailing())
        return case
    out.maybe_comment(dash)
    out.item(dash, f"id: {out.quoted(f'KR{index + 1}')}" + out.trailing())
    out.line(content, f"title:{out.sep()}{out.title(content)}")
    anchor = f"b{where[0]}x{index}" if c.flag(4) else None
    ranged = c.flag(5)
    if ranged:
        out.line(content, "direction: range")
    out.line(content, f"baseline:{out.sep()}{'&' + anchor + ' ' if anchor else ''}{c.pick(NUMBERS)}" + out.trailing())
    if ranged:
        out.line(content, "range:")
        out.line(content + layout.indent, "min: 0")
        out.line(content + layout.indent, f"max: {c.pick(NUMBERS[-2:])}" + out.trailing())
    else:
        out.line(content, f"target:{out.sep()}{c.pick(NUMBERS)}" + out.trailing())
    out.maybe_comment(content)
    current = c.pick(["missing", "plain", "anchored", "alias"] if anchor else ["missing", "plain", "anchored"])
    if current == "plain":
        out.line(content, f"current:{out.sep()}{c.pick(NUMBERS)}" + out.trailing())
    elif current == "anchored":
        out.line(content, f"current: &c{where[0]}x{index} {c.pick(NUMBERS)}" + out.trailing())
        out.line(content, f"x-last: *c{where[0]}x{index}")
        case.followers.append("x-last")
    elif current == "alias":
        out.line(content, f"current: *{anchor}" + out.trailing())
    if c.flag():
        out.line(content, f"confidence:{out.sep()}{c.pick(CONFIDENCES)}" + out.trailing())
    if c.flag(2):
        out.line(content, f"x-when:{out.sep()}{c.pick(ODD)}" + out.trailing())
    if c.flag(3):
        out.line(content, "data_source: >-")
        out.line(content + layout.indent, "https://grafana.example.com/d/x")
        out.line(content + layout.indent, "folded on two lines")
    return case


def _flow_kr(c: Chooser, out: "_Writer", index: int, where: tuple) -> tuple[str, KeyResultCase]:
    json_style = c.flag(2)
    key = (lambda k: json.dumps(k)) if json_style else (lambda k: k)
    entries = [f"{key('id')}: {json.dumps(f'KR{index + 1}') if json_style else out.quoted(f'KR{index + 1}')}",
               f"{key('title')}: {json.dumps(c.pick(TITLES), ensure_ascii=False)}",
               f"{key('baseline')}: {c.pick(NUMBERS[:9])}", f"{key('target')}: {c.pick(NUMBERS[:9])}"]
    if c.flag():
        entries.append(f"{key('current')}: {c.pick(NUMBERS[:9])}")
    if c.flag():
        entries.append(f"{key('confidence')}: {c.pick(CONFIDENCES)}")
    if c.flag(2):
        entries.append(f"{key('x-odd')}: {c.pick(ODD[:12])}")
    return "{" + ", ".join(entries) + "}", KeyResultCase(_path(where), flow=True)


class _Writer:
    def __init__(self, c: Chooser, layout: Layout):
        self.c = c
        self.layout = layout
        self.lines: list[str] = []

    def line(self, column: int, text: str) -> None:
        self.lines.append(" " * column + text)

    def item(self, dash: int, text: str) -> None:
        self.lines.append(" " * dash + "-" + " " * self.layout.gap + text)

    def sep(self) -> str:
        """After a key's colon: a space, more spaces, or a tab (libyaml accepts a tab there)."""
        return self.c.pick([" ", " ", "  ", "\t", " \t"])

    def trailing(self) -> str:
        return self.c.pick(["", "", "", "    # note", "  #x", "\t# tabbed comment", " # ünïcödé"])

    def maybe_comment(self, column: int) -> None:
        choice = self.c.pick(["none", "none", "comment", "blank", "both", "flush-comment"])
        if choice in ("blank", "both"):
            self.lines.append(self.c.pick(["", "   "]))
        if choice in ("comment", "both"):
            self.line(column, self.c.pick(COMMENTS))
        if choice == "flush-comment":
            self.line(0, self.c.pick(COMMENTS))

    def quoted(self, text: str) -> str:
        quote = self.c.pick(["", "'", '"'])
        return f"{quote}{text}{quote}"

    def title(self, column: int) -> str:
        kind = self.c.pick(["plain", "double", "single", "folded", "literal-keep", "multi-line"])
        title = self.c.pick(TITLES)
        indent = " " * (column + self.layout.indent)
        if kind == "double":
            return json.dumps(title, ensure_ascii=False)
        if kind == "single":
            return "'" + title.replace("'", "''") + "'"
        if kind == "folded":
            return f">-{self.layout.eol}{indent}{title}{self.layout.eol}{indent}second line"
        if kind == "literal-keep":
            return f"|+{self.layout.eol}{indent}{title}{self.layout.eol}"
        if ": " in title:
            return json.dumps(title, ensure_ascii=False)
        if kind == "multi-line":
            return f"{title.split(' ')[0]}{self.layout.eol}{indent}{' '.join(title.split(' ')[1:]) or 'x'}"
        return title
