"""README's "Performance at scale" (issue 16): one table, every figure with its before, after, goal and script.

The table is 'figure | before | after | goal | benchmark script'; each script it names is in
benchmarks/ (a row marked *pending* may name a script still being written).
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER = "| figure | before | after | goal | benchmark script |"


def _table() -> list[list[str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Performance at scale\n", 1)[1].split("\n## ", 1)[0]
    lines = section.splitlines()
    assert HEADER in lines, "the performance section has one table: " + HEADER
    start = lines.index(HEADER) + 2
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return rows


def test_the_performance_table_gives_each_figure_before_and_after_with_its_script():
    rows = _table()
    assert len(rows) >= 8
    figures = " ".join(row[0] for row in rows)
    for needed in ("search query, 1,000 units", "live preview", "validate", "pre-commit", "history --format json"):
        assert needed in figures, needed
    for row in rows:
        assert len(row) == 5, row
        figure, before, after, _goal, script = row
        assert figure and before and after, row
        named = re.findall(r"`([\w.]+\.py)`", script)
        assert named, row
        if "*pending*" not in figure:
            for name in named:
                assert (ROOT / "benchmarks" / name).is_file(), f"{name} (row {figure!r}) is not in benchmarks/"
