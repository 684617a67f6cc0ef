"""okrops cycle close / open: reflections, then the next cycle's files from their decisions."""

from __future__ import annotations

import difflib
from pathlib import Path

from click.testing import CliRunner
from ruamel.yaml import YAML

from okrops.cli.rhythm import cycle
from okrops.validate import validate

CONFIG = """organisation: Acme
cycles:
  - id: FY2026
    start: 2026-01-01
    end: 2026-12-31
  - id: 2026-Q3
    start: 2026-07-01
    end: 2026-09-30
  - id: 2026-Q4
    start: 2026-10-01
    end: 2026-12-31
"""
COMPANY = """objectives:
  - id: O1
    title: Customers stay with us for years
    key_results:
      - id: KR1
        title: Net revenue retention grows from 98% to 110%
        baseline: 98
        target: 110
        current: 104
"""
TEAM_Q3 = """# Platform, Q3.
objectives:
  - id: O1
    title: Checkout is fast everywhere
    aligns_to:
      parent: acme/FY2026/O1/KR1
    key_results:
      - id: KR1
        title: p95 latency falls from 480 to 250 ms
        unit: ms
        baseline: 480
        target: 250
        current: 250
      - id: KR2
        title: Checkout conversion grows from 60% to 70%
        baseline: 60
        target: 70
        current: 70

  - id: O2
    title: Incidents are rare and short
    aligns_to:
      parent: platform/2026-Q3/O1
    key_results:
      - id: KR1
        title: Monthly incidents fall from 12 to 4
        baseline: 12
        target: 4
        current: 8
        confidence: 0.4
      # comment after the last key result

  - id: O3
    title: Developers ship on Fridays without fear
    key_results:
      - id: KR1
        title: Deploys on Fridays grow from 2 to 20 a month
        baseline: 2
        target: 20
        current: 3

  - id: O4
    title: Reports load before the coffee is ready
    type: aspirational
    key_results:
      - id: KR1
        title: Report load time falls from 30 to 5 seconds
        baseline: 30
        target: 5
        current: 12

initiatives:
  - id: I1
    title: Edge caching for checkout
    key_results: [O1/KR1, O3/KR1]
    milestones:
      - title: Cache in one region
        due: 2026-08-01
        done: true
      - title: Cache in every region
        due: 2026-09-15
  - id: I2
    title: Faster report queries
    key_results: [O4/KR1]
"""


def make(tmp_path: Path) -> Path:
    okrs = tmp_path / "okrs"
    (okrs / "acme" / "platform").mkdir(parents=True)
    (okrs / "okrops.yaml").write_text(CONFIG)
    (okrs / "acme" / "unit.yaml").write_text("name: Acme\n")
    (okrs / "acme" / "FY2026.yaml").write_text(COMPANY)
    (okrs / "acme" / "platform" / "unit.yaml").write_text("name: Platform\n")
    (okrs / "acme" / "platform" / "2026-Q3.yaml").write_text(TEAM_Q3)
    return tmp_path


def run(repo: Path, *args: str):
    return CliRunner().invoke(cycle, [*args, "--repo", str(repo)])


def load(path: Path):
    return YAML(typ="safe").load(path.read_text())


def test_close_adds_reflections_and_keeps_the_rest(tmp_path):
    repo = make(tmp_path)
    file = repo / "okrs/acme/platform/2026-Q3.yaml"
    before = file.read_text()
    result = run(repo, "close", "2026-Q3", "--decision", "platform/2026-Q3/O3=drop",
                 "--learnings", "platform/2026-Q3/O2=Paging was the problem, not the code.", "--today", "2026-10-02")
    assert result.exit_code == 0, result.output
    assert "platform/2026-Q3/O1: 1.00 -> done (suggested)" in result.output
    assert "platform/2026-Q3/O2: 0.50 -> carry-over (suggested)" in result.output
    assert "platform/2026-Q3/O3: 0.06 -> drop" in result.output
    assert "platform/2026-Q3/O4: 0.72 -> done (suggested)" in result.output  # aspirational: 0.7 is good
    after = file.read_text()
    for tag, i1, i2, _j1, _j2 in difflib.SequenceMatcher(None, before.splitlines(), after.splitlines()).get_opcodes():
        assert tag in ("equal", "insert"), before.splitlines()[i1:i2]
    data = load(file)
    o2 = data["objectives"][1]
    assert o2["reflection"] == {"score": 0.5, "learnings": "Paging was the problem, not the code.",
                                "decision": "carry-over"}
    assert "reflection" not in data["objectives"][0]["key_results"][-1]
    # the comment that followed O2's last key result is still below the inserted reflection
    assert after.index("decision: carry-over") < after.index("# comment after the last key result")
    # without learnings, a comment asks for them
    assert "Add learnings" in after.split("- id: O2")[0]
    assert validate(str(repo)).findings == []

    again = run(repo, "close", "2026-Q3")
    assert again.exit_code == 0
    assert "every objective of 2026-Q3 has a reflection" in again.output
    assert file.read_text() == after


def test_open_refuses_until_closed(tmp_path):
    repo = make(tmp_path)
    result = run(repo, "open", "2026-Q4")
    assert result.exit_code == 2
    assert "no reflection yet" in result.output and "okrops cycle close 2026-Q3" in result.output
    assert not (repo / "okrs/acme/platform/2026-Q4.yaml").exists()


def test_open_carries_over_and_rewrites(tmp_path):
    repo = make(tmp_path)
    closed = run(repo, "close", "2026-Q3", "--decision", "platform/2026-Q3/O1=carry-over",
                 "--decision", "platform/2026-Q3/O3=rewrite", "--decision", "platform/2026-Q3/O4=drop",
                 "--learnings", "platform/2026-Q3/O3=Fear came from missing rollbacks.", "--unit", "platform")
    assert closed.exit_code == 0, closed.output
    # the company's FY2026 is not closed: only the platform team's objectives are asked for
    result = run(repo, "open", "2026-Q4", "--unit", "platform")
    assert result.exit_code == 0, result.output
    assert "platform/2026-Q3/O1 -> platform/2026-Q4/O1 (carry-over, 2 key results; retitle KR1, KR2)" in result.output
    assert "platform/2026-Q3/O3 -> platform/2026-Q4/O3 (rewrite, 1 key result; retitle KR1)" in result.output
    assert "platform/2026-Q3/O4: drop, not continued" in result.output
    new_file = repo / "okrs/acme/platform/2026-Q4.yaml"
    text = new_file.read_text()
    assert "REWRITE before merging" in text and "Fear came from missing rollbacks." in text
    data = load(new_file)
    by_id = {o["id"]: o for o in data["objectives"]}
    assert set(by_id) == {"O1", "O2", "O3"}
    o1 = by_id["O1"]
    assert o1["x-carried-from"] == "platform/2026-Q3/O1"
    assert o1["aligns_to"] == {"parent": "acme/FY2026/O1/KR1"}  # FY2026 still runs: kept
    assert [(kr["id"], kr["baseline"], kr["target"], kr["current"]) for kr in o1["key_results"]] == [
        ("KR1", 250, 250, 250), ("KR2", 70, 70, 70)]  # current from the last value: ready to check in
    assert all("confidence" not in kr for kr in o1["key_results"])
    o2 = by_id["O2"]
    assert o2["aligns_to"] == {"parent": "platform/2026-Q4/O1"}  # its parent was carried: follows it
    assert o2["key_results"][0]["baseline"] == 8 and o2["key_results"][0]["direction"] == "decrease"
    assert by_id["O3"]["x-rewrite-of"] == "platform/2026-Q3/O3"
    assert "reflection" not in by_id["O3"]
    # I1 moves O1/KR1, which continues: it continues with its open milestone; I2 moved a dropped one
    assert [(i["id"], i["key_results"], [m["title"] for m in i["milestones"]], i["x-carried-from"])
            for i in data["initiatives"]] == [("I1", ["O1/KR1", "O3/KR1"], ["Cache in every region"],
                                               "platform/2026-Q3/I1")]
    findings = [f for f in validate(str(repo)).findings if f.file.endswith("2026-Q4.yaml")]
    assert findings == []

    # opening again adds nothing twice
    again = run(repo, "open", "2026-Q4", "--unit", "platform")
    assert again.exit_code == 0, again.output
    assert "already in 2026-Q4.yaml" in again.output
    assert load(new_file) == data


def test_unknown_cycle_and_decision(tmp_path):
    repo = make(tmp_path)
    assert "okrops new cycle 2027-Q1" in run(repo, "open", "2027-Q1").output
    bad = run(repo, "close", "2026-Q3", "--decision", "platform/2026-Q3/O1=maybe")
    assert bad.exit_code == 2 and "not one of" in bad.output
    unknown = run(repo, "close", "2026-Q3", "--decision", "platform/2026-Q3/O9=done")
    assert unknown.exit_code == 2 and "not an objective of this cycle" in unknown.output
    malformed = run(repo, "close", "2026-Q3", "--decision", "done")
    assert malformed.exit_code == 2 and "REF=VALUE" in malformed.output


def test_suggestions():
    from okrops.rhythm.cycles import suggest

    assert suggest(1.0, False) == "done"
    assert suggest(0.9, False) == "carry-over"
    assert suggest(0.1, False) == "rewrite"
    assert suggest(None, False) == "rewrite"
    assert suggest(0.7, True) == "done"
    assert suggest(0.35, True) == "carry-over"


def test_a_broken_file_is_refused_not_skipped(tmp_path):
    repo = make(tmp_path)
    (repo / "okrs/acme/platform/2026-Q3.yaml").write_text("objectives:\n  - id: O1\n    title: [\n")
    result = run(repo, "close", "2026-Q3")
    assert result.exit_code == 2
    assert "okrs/acme/platform/2026-Q3.yaml has errors" in result.output
