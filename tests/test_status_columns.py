"""okrops status UNIT: key results' progress bars line up in one column at any title length and with wide
(CJK, emoji) and combining characters, measured in terminal columns (issue 12)."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from okrops.cli import cli
from okrops.reporters import display_width
from tests.conftest import good_kr, good_objective

BAR = re.compile(r" [█▏▎▍▌▋▊▉·]{6} ")
TITLES = [
    "Short",
    "A very long key result title that will certainly not fit on one line of eighty columns at all",
    "Kundenzufriedenheit steigt",
    "顧客満足度を70から85に上げる顧客満足度を70から85に上げる",
    "🚀 Deploys per week from 2 to 20 🚀🚀",
    "Cafe\u0301 visits from 10 to 20",  # a combining accent takes no column
    "x",
]


@pytest.mark.parametrize("width", [80, 100, 132])
def test_bars_line_up_in_one_column(standard_org, width):
    standard_org.okrs_file("acme/eng/platform", "2026-Q4", [
        good_objective("O1", aligns_to={"parent": "eng/2026-Q4/O1"},
                       key_results=[good_kr(f"KR{i + 1}", title=t, current=100 + 20 * i) for i, t in enumerate(TITLES[:4])]),
        good_objective("O2", aligns_to={"parent": "eng/2026-Q4/O2"},
                       key_results=[{k: v for k, v in good_kr("KR1", title=TITLES[4]).items() if k != "confidence"},
                                    good_kr("KR10", title=TITLES[5], current=123456789.5, unit="ms"),
                                    {k: v for k, v in good_kr("KR2", title=TITLES[6]).items() if k != "current"}]),
    ])
    result = CliRunner().invoke(cli, ["status", "platform", "--repo", str(standard_org.root), "--width", str(width)])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.lstrip().startswith("KR")]
    assert len(lines) == 7
    columns = set()
    for line in lines:
        match = list(BAR.finditer(line))[-1]
        columns.add(display_width(line[:match.start()]))
    assert len(columns) == 1, (columns, lines)
    assert all(display_width(line) <= width for line in result.output.splitlines()), result.output


def test_display_width_counts_terminal_columns():
    assert display_width("abc") == 3
    assert display_width("日本") == 4
    assert display_width("e\u0301") == 1
    assert display_width("🚀") == 2
