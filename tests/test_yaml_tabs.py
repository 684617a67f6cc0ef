"""A tab in YAML indentation gives the "tab character" message with file:line everywhere YAML is read (issue 12)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from okrops.cli import cli
from okrops.yamlio import YamlProblem, load_fast, load_roundtrip

TAB_TEXTS = [
    ("a:\n\tb: 1\n", 2, 1),
    ("a:\n  b:\n    c: 1\n  \t  d: 2\n", 4, 3),
    ("k:\n  - x\n\t- y\n", 3, 1),
    ("k:\n  -\tx: 1\n    y: 2\n", 2, 4),
    ("a: |\n\tline\n", 2, 1),
]


@pytest.mark.parametrize("text, line, column", TAB_TEXTS)
@pytest.mark.parametrize("reader", [load_fast, load_roundtrip])
def test_both_readers_name_the_tab_at_its_line(reader, text, line, column):
    with pytest.raises(YamlProblem) as info:
        reader(text)
    assert (info.value.line, info.value.column) == (line, column)
    assert "a tab character is used for indentation here" in info.value.message


def test_a_tab_between_key_and_value_in_the_editor_is_named_too():
    with pytest.raises(YamlProblem) as info:
        load_roundtrip("a:\n  b:\t1\n")
    assert "a tab character separates the parts of this line" in info.value.message
    assert (info.value.line, info.value.column) == (2, 5)


def _tab_in(path):
    text = path.read_text()
    lines = text.splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.startswith("  ") and i > 1)
    lines[index] = "\t" + lines[index][2:]
    path.write_text("".join(lines))
    return index + 1


def _run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.mark.parametrize("rel", ["okrs/acme/eng/platform/2026-Q4.yaml", "okrs/acme/eng/unit.yaml", "okrs/okrops.yaml",
                                 "okrs/strategy.yaml"])
def test_validate_and_lint_name_file_and_line(standard_org, rel):
    standard_org.write("okrs/acme/eng/unit.yaml", "name: Eng\nkind: department\nmaintainers:\n  - '@acme/eng'\n")
    line = _tab_in(standard_org.root / rel)
    for command in ("validate", "lint"):
        result = _run(command, str(standard_org.root))
        assert f"{rel}:{line}:1: error: invalid YAML: a tab character is used for indentation here" in result.output


def test_new_and_cycle_close_name_file_and_line(standard_org):
    standard_org.write("okrs/acme/eng/platform/2026-Q4.yaml",
                       "objectives:\n  - id: O1\n    title: Fast\n\t  key_results: []\n")
    root = str(standard_org.root)
    for args in (["new", "objective", "platform", "2026-Q4", "Another", "--repo", root],
                 ["new", "kr", "platform/2026-Q4/O1", "Latency from 3 to 2", "--target", "2", "--repo", root]):
        result = _run(*args)
        assert result.exit_code != 0
        assert "2026-Q4.yaml:4" in result.output and "a tab character" in result.output, result.output
    result = _run("cycle", "close", "2026-Q4", "--repo", root)
    assert result.exit_code != 0 and "2026-Q4.yaml" in result.output


def test_checkin_from_a_yaml_file_names_file_and_line(standard_org, tmp_path):
    standard_org.git_init()
    rows = tmp_path / "week.yaml"
    rows.write_text("- ref: platform/2026-Q4/O1/KR1\n\t value: 3\n")
    result = _run("checkin", "--from", str(rows), "--repo", str(standard_org.root))
    assert result.exit_code == 2
    assert "week.yaml:2: invalid YAML: a tab character is used for indentation here" in result.output
