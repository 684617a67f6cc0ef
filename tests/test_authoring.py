"""okrops new unit|cycle|objective|kr: well-formed entries; every other byte of the file stays."""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from okrops.cli.rhythm import new
from okrops.validate import validate

CONFIG = """# yaml-language-server: $schema=../schema/config.json
# The organisation.
organisation: Acme

cycles:
  # quarters
  - id: 2026-Q4
    name: Q4 2026
    start: 2026-10-01
    end: 2026-12-31   # last day

site:
  title: Acme OKRs
"""
OKRS = """# yaml-language-server: $schema=../../schema/okrs.json
#
# Platform, Q4.

objectives:
  - id: O1
    title: Checkout is fast everywhere
    aligns_to:
      strategies: [growth]
    key_results:
      - id: KR1
        title: p95 latency falls from 480 to 250 ms  # measured at the edge
        unit: ms
        baseline: 480
        target: 250
      # a note about what comes next

  - id: O2
    title: "Incidents are rare: and short"
    key_results: []

initiatives:
  - id: I1
    title: Move checkout to the new payment service
    key_results: [O1/KR1]
"""


def make(tmp_path: Path) -> Path:
    okrs = tmp_path / "okrs"
    (okrs / "acme" / "platform").mkdir(parents=True)
    (okrs / "okrops.yaml").write_text(CONFIG)
    (okrs / "strategy.yaml").write_text("strategies:\n  - id: growth\n    title: Grow\n")
    (okrs / "acme" / "unit.yaml").write_text("name: Acme\n")
    (okrs / "acme" / "platform" / "unit.yaml").write_text("name: Platform\n")
    (okrs / "acme" / "platform" / "2026-Q4.yaml").write_text(OKRS)
    shutil.copytree(Path(__file__).resolve().parent.parent / "schema", tmp_path / "schema")
    return tmp_path


def run(repo: Path, *args: str):
    return CliRunner().invoke(new, [*args, "--repo", str(repo)])


def only_insertions(before: str, after: str) -> list[str]:
    """The lines added; fails when any original line was changed or removed."""
    a, b = before.splitlines(keepends=True), after.splitlines(keepends=True)
    added = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        assert tag in ("equal", "insert"), (tag, a[i1:i2], b[j1:j2])
        if tag == "insert":
            added += b[j1:j2]
    return added


def assert_valid(repo: Path) -> None:
    result = validate(str(repo))
    assert result.organisation is not None
    assert [f.message for f in result.findings] == []


def test_new_kr_into_the_middle_of_a_file(tmp_path):
    repo = make(tmp_path)
    file = repo / "okrs/acme/platform/2026-Q4.yaml"
    before = file.read_text()
    result = run(repo, "kr", "platform/2026-Q4/O1", "Error rate falls from 2% to 0.5%", "--baseline", "2",
                 "--target", "0.5", "--unit", "%", "--data-source", "Grafana: checkout errors")
    assert result.exit_code == 0, result.output
    assert "platform/2026-Q4/O1/KR2" in result.output
    added = only_insertions(before, file.read_text())
    assert added == [
        "      - id: KR2\n",
        "        title: Error rate falls from 2% to 0.5%\n",
        "        unit: '%'\n",
        "        direction: decrease\n",
        "        baseline: 2\n",
        "        target: 0.5\n",
        "        data_source: 'Grafana: checkout errors'\n",
    ]
    # the new key result comes right after KR1, before the comment about what follows
    text = file.read_text()
    assert text.index("id: KR2") < text.index("# a note about what comes next")
    assert_valid(repo)


def test_new_objective_appends_and_into_empty_list(tmp_path):
    repo = make(tmp_path)
    file = repo / "okrs/acme/platform/2026-Q4.yaml"
    before = file.read_text()
    result = run(repo, "objective", "platform", "2026-Q4", "Customers trust our numbers", "--strategy", "growth",
                 "--why", "Doubted reports go unused.")
    assert result.exit_code == 0, result.output
    after = file.read_text()
    added = only_insertions(before, after)
    assert "  - id: O3\n" in added
    # objectives are separated by blank lines here: so is the new one, and initiatives still follow a blank line
    assert "    key_results: []\n\n  - id: O3\n" in after
    assert "\n\ninitiatives:\n" in after
    assert "      strategies: [growth]\n" in added
    assert after.index("id: O3") < after.index("initiatives:")

    # a key result into O2's flow-style empty list: only that line changes to block style
    before = after
    result = run(repo, "kr", "platform/2026-Q4/O2", "Monthly incidents fall from 12 to 4", "--baseline", "12",
                 "--target", "4")
    assert result.exit_code == 0, result.output
    after = file.read_text()
    diff = [line for line in difflib.ndiff(before.splitlines(), after.splitlines()) if line[:1] in "+-"]
    assert diff[0] == "-     key_results: []"
    assert diff[1] == "+     key_results:"
    assert all(line.startswith("+") for line in diff[1:])
    assert_valid(repo)


def test_new_objective_creates_a_cycle_file_with_schema_header(tmp_path):
    repo = make(tmp_path)
    assert run(repo, "cycle", "2027-Q1", "--start", "2027-01-01", "--end", "2027-03-31", "--name", "Q1 2027").exit_code == 0
    result = run(repo, "objective", "acme", "2027-Q1", "Every customer is live in a week", "--aspirational")
    assert result.exit_code == 0, result.output
    text = (repo / "okrs/acme/2027-Q1.yaml").read_text()
    assert text.splitlines()[0] == "# yaml-language-server: $schema=../../schema/okrs.json"
    assert "type: aspirational" in text
    assert_valid(repo)


def test_new_cycle_keeps_comments(tmp_path):
    repo = make(tmp_path)
    config = repo / "okrs/okrops.yaml"
    before = config.read_text()
    result = run(repo, "cycle", "2027-Q1", "--start", "2027-01-01", "--end", "2027-03-31")
    assert result.exit_code == 0, result.output
    added = only_insertions(before, config.read_text())
    assert added == ["  - id: 2027-Q1\n", "    start: 2027-01-01\n", "    end: 2027-03-31\n"]
    assert_valid(repo)
    for args, message in [
        (["2027-Q1", "--start", "2027-01-01", "--end", "2027-03-31"], "already exists"),
        (["2027-Q2", "--start", "2027-06-30", "--end", "2027-04-01"], "ends"),
        (["2027-Q2", "--start", "2027-02-30", "--end", "2027-04-01"], "not a date"),
        (["../x", "--start", "2027-01-01", "--end", "2027-03-31"], "not a safe cycle id"),
    ]:
        refused = run(repo, "cycle", *args)
        assert refused.exit_code == 2, refused.output
        assert message in refused.output
    assert config.read_text().count("2027-Q1") == 1


def test_new_unit(tmp_path):
    repo = make(tmp_path)
    result = run(repo, "unit", "payments", "--parent", "platform", "--kind", "team", "--maintainer", "@acme/payments")
    assert result.exit_code == 0, result.output
    text = (repo / "okrs/acme/platform/payments/unit.yaml").read_text()
    assert text == ("# yaml-language-server: $schema=../../../../schema/unit.json\n"
                    "name: Payments\nkind: team\nmaintainers:\n  - '@acme/payments'\n")
    assert_valid(repo)


@pytest.mark.parametrize("args, message", [
    (["unit", "platform"], "already exists"),
    (["unit", "../evil"], "not a safe unit name"),
    (["unit", "Payments"], "not a safe unit name"),
    (["unit", "pay", "--parent", "nope"], "unknown parent unit 'nope'"),
    (["unit", "pay", "--maintainer", "alice"], "would not be valid"),
    (["objective", "platform", "2026-Q4", "Dup", "--id", "O1"], "already exists"),
    (["objective", "platform", "2026-Q4", "Bad", "--id", "1x/../"], "not a safe objective id"),
    (["objective", "nobody", "2026-Q4", "X"], "unknown unit 'nobody'"),
    (["objective", "platform", "2030-Q1", "X"], "unknown cycle '2030-Q1'"),
    (["objective", "platform", "2026-Q4", "X", "--strategy", "nope"], "unknown strategy"),
    (["kr", "platform/2026-Q4/O1", "Dup", "--id", "KR1"], "already exists"),
    (["kr", "platform/2026-Q4/O9", "X"], "platform has no objective 'O9' in 2026-Q4"),
    (["kr", "platform/O1", "X"], "not an objective reference"),
    (["kr", "platform/2026-Q4/O1", "X", "--baseline", "5", "--target", "2", "--direction", "increase"],
     "does not fit"),
])
def test_refusals_change_nothing(tmp_path, args, message):
    repo = make(tmp_path)
    snapshot = {p: p.read_bytes() for p in (repo / "okrs").rglob("*") if p.is_file()}
    result = run(repo, *args)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
    assert {p: p.read_bytes() for p in (repo / "okrs").rglob("*") if p.is_file()} == snapshot


def test_refuses_a_file_it_would_reformat(tmp_path):
    repo = make(tmp_path)
    file = repo / "okrs/acme/platform/2026-Q4.yaml"
    odd = ("objectives:\n- id: O1\n  title: Checkout is fast\n  key_results:\n  - id: KR1\n"
           "    title: p95 latency falls from 480 to 250 ms\n    baseline: 480\n    target: 250\n")
    file.write_text(odd)
    result = run(repo, "kr", "platform/2026-Q4/O1", "Another one from 1 to 2", "--baseline", "1", "--target", "2")
    assert result.exit_code == 2
    assert "would reformat" in result.output
    assert file.read_text() == odd


def test_works_on_the_example_files_of_init(tmp_path):
    from okrops.rhythm.scaffold import init

    init(tmp_path, "Acme", today=__import__("datetime").date(2026, 11, 20))
    before = (tmp_path / "okrs/acme/2026-Q4.yaml").read_text()
    result = run(tmp_path, "kr", "acme/2026-Q4/O2", "Help articles rated useful grow from 40% to 70%",
                 "--baseline", "40", "--target", "70")
    assert result.exit_code == 0, result.output
    only_insertions(before, (tmp_path / "okrs/acme/2026-Q4.yaml").read_text())
    assert_valid(tmp_path)
