"""Nested includes (issue 15): an included repository's own include: is followed, by path and by git URL;
loops and repositories or units included twice are findings naming the okrops.yaml line and what to do."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from okrops.validate import validate
from tests.conftest import OrgBuilder, good_objective, run_git


def okrops(root: Path, *args: str, code: int = 0) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "okrops", *args], cwd=root, capture_output=True, text=True)
    assert result.returncode == code, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    return result


def include(builder: OrgBuilder, entries: str) -> None:
    builder.write("okrs/okrops.yaml", builder.okrs.joinpath("okrops.yaml").read_text(encoding="utf-8").split("include:")[0]
                  + "include:\n" + entries)


def bare_clone(work: Path, bare: Path) -> Path:
    run_git(work.parent, "clone", "-q", "--bare", str(work), str(bare))
    return bare


@pytest.fixture
def chain(tmp_path):
    """main includes dept (by path) under eng; dept includes team (by git URL) under its unit 'ops'; team
    includes squad (by path, relative to team) under 'support'. A chain of three included repositories."""
    squad = OrgBuilder(tmp_path / "squad")
    squad.unit("tier1", "Tier 1")
    squad.okrs_file("tier1", "2026-Q4", [good_objective("O1", aligns_to={"parent": "support/2026-Q4/O1"})])
    squad.git_init()
    team_work = OrgBuilder(tmp_path / "team-work")
    team_work.unit("support", "Support")
    team_work.okrs_file("support", "2026-Q4", [good_objective("O1", aligns_to={"parent": "ops/2026-Q4/O1"})])
    include(team_work, f"  - path: {squad.root.as_posix()}\n    under: support\n")
    team_work.git_init()
    team = bare_clone(team_work.root, tmp_path / "team.git")
    dept = OrgBuilder(tmp_path / "dept")
    dept.unit("ops", "Operations", kind="department")
    dept.okrs_file("ops", "2026-Q4", [good_objective("O1", aligns_to={"parent": "eng/2026-Q4/O1"})])
    include(dept, f"  - git: {team.as_uri()}\n    ref: main\n    under: ops\n")
    dept.git_init()
    main = OrgBuilder(tmp_path / "main").standard()
    include(main, "  - path: ../dept\n    under: eng\n")
    main.git_init()
    return main, dept, team, squad


def test_a_chain_of_three_is_fetched_and_read_as_one_organisation(chain, tmp_path):
    main, dept, team, squad = chain
    before = {path: run_git(path, "rev-parse", "HEAD") for path in (dept.root, squad.root)}
    # Before fetching, the nested git include is named as the problem, on the line of dept's okrops.yaml.
    unread = [f for f in validate(main.root).findings if f.rule == "include"]
    assert [(f.file, f.line) for f in unread] == [("../dept/okrs/okrops.yaml", 14)]
    assert "run 'okrops fetch'" in unread[0].message
    fetched = okrops(main.root, "fetch").stdout
    assert f"fetched {team.as_uri()}" in fetched
    result = validate(main.root)
    assert [f.message for f in result.findings] == []
    org = result.organisation
    assert (org.units["ops"].parent, org.units["support"].parent, org.units["tier1"].parent) == ("eng", "ops", "support")
    status = json.loads(okrops(main.root, "status", "--format", "json").stdout)
    assert {"ops", "support", "tier1"} <= {u["unit"] for u in status["units"]}
    # History of the innermost repository is read from its own git.
    okrops(squad.root, "checkin", "tier1/2026-Q4/O1/KR1", "170", "--date", "2026-11-20", "-m", "from the squad")
    rows = json.loads(okrops(main.root, "history", "tier1", "--format", "json").stdout)["checkins"]
    assert [(r["ref"], r["value"], r["note"]) for r in rows] == [("tier1/2026-Q4/O1/KR1", 170, "from the squad")]
    out = tmp_path / "site"
    okrops(main.root, "site", "build", "--out", str(out))
    assert (out / "units" / "tier1" / "2026-Q4" / "index.html").is_file()
    # Only read: the included repositories are as they were (the squad's own check-in aside).
    assert run_git(dept.root, "rev-parse", "HEAD") == before[dept.root]
    assert run_git(dept.root, "status", "--porcelain") == ""


def test_a_loop_of_includes_is_a_finding_naming_the_line_to_remove(chain):
    main, dept, _team, squad = chain
    include(squad, f"  - path: {dept.root.as_posix()}\n    under: tier1\n")
    okrops(main.root, "fetch")
    found = [f for f in validate(main.root).findings if f.rule == "include-loop"]
    assert len(found) == 1
    loop = found[0]
    assert loop.file == "../squad/okrs/okrops.yaml" and loop.line == 14
    assert loop.message.startswith(f"include {dept.root.as_posix()!r} makes a loop of includes: ../dept includes ")
    assert loop.message.endswith(" includes ../squad includes ../dept")
    assert "remove this include" in loop.hint
    text = okrops(main.root, "validate", code=1).stdout
    assert "../squad/okrs/okrops.yaml:14" in text and "include-loop" in text
    # Every unit is still read, once: the loop stops where it starts.
    org = validate(main.root).organisation
    assert [f.rule for f in validate(main.root).findings] == ["include-loop"]
    assert {"ops", "support", "tier1"} <= set(org.units) and org.units["ops"].parent == "eng"


def test_a_repository_included_twice_and_a_unit_in_two_repositories_are_findings(chain, tmp_path):
    main, dept, _team, squad = chain
    include(main, "  - path: ../dept\n    under: eng\n"
                  f"  - path: {squad.root.as_posix()}\n    under: acme\n")
    okrops(main.root, "fetch")
    twice = [f for f in validate(main.root).findings if f.rule == "include"]
    assert [(f.file, f.line) for f in twice] == [("okrs/okrops.yaml", 16)]
    assert "names a repository included already (by " in twice[0].message and "remove this include" in twice[0].hint
    include(main, "  - path: ../dept\n    under: eng\n")
    other = OrgBuilder(tmp_path / "other")
    other.unit("support", "Another support")
    other.git_init()
    include(dept, f"  - git: {(tmp_path / 'team.git').as_uri()}\n    ref: main\n    under: ops\n"
                  f"  - path: {other.root.as_posix()}\n    under: ops\n")
    duplicate = [f for f in validate(main.root).findings if f.rule == "duplicate-id"]
    assert len(duplicate) == 1 and duplicate[0].file == "../other/okrs/support/unit.yaml"
    assert "is already used by .okrops/cache/" in duplicate[0].message
    assert "in another repository of the organisation" in duplicate[0].message
    assert "rename one of the two unit folders" in duplicate[0].hint
