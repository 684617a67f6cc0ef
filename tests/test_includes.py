"""Many repositories, one organisation: include: by path and by git URL, with real git repositories."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from okrops.cli import cli
from okrops.validate import validate
from tests.conftest import OrgBuilder, good_kr, good_objective, run_git

TODAY = "2026-11-25"


def run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def three_repos(tmp_path):
    """main (acme > eng > platform) including team-a by path under eng, and team-b by git URL under acme."""
    team_a = OrgBuilder(tmp_path / "team-a")
    team_a.unit("payments", "Payments", maintainers=["@acme/payments"])
    team_a.okrs_file("payments", "2026-Q4", [good_objective(f"O{i}", aligns_to={"parent": f"eng/2026-Q4/O{i}/KR1"})
                                             for i in (1, 2)])
    team_a.git_init()
    team_b_work = OrgBuilder(tmp_path / "team-b-work")
    team_b_work.unit("growth", "Growth")
    team_b_work.okrs_file("growth", "2026-Q4", [good_objective("O1", aligns_to={
        "parents": ["acme/FY2026/O1", "payments/2026-Q4/O1"]})])
    team_b_work.git_init()
    bare = tmp_path / "team-b.git"
    run_git(tmp_path, "clone", "-q", "--bare", str(team_b_work.root), str(bare))
    main = OrgBuilder(tmp_path / "main").standard()
    main.write("okrs/okrops.yaml", main.okrs.joinpath("okrops.yaml").read_text() + (
        "include:\n  - path: ../team-a\n    under: eng\n"
        f"  - git: {bare.as_uri()}\n    ref: main\n    under: acme\n"))
    main.git_init()
    return main, team_a, bare


def test_a_git_include_must_be_fetched_first(three_repos):
    main, _a, _bare = three_repos
    messages = [f.message for f in validate(main.root).findings]
    assert any("cannot be read" in m and "run 'okrops fetch'" in m for m in messages)


def test_fetch_then_validate_lint_status_across_repositories(three_repos):
    main, team_a, bare = three_repos
    bare_refs = run_git(bare, "show-ref")
    a_head = run_git(team_a.root, "rev-parse", "HEAD")
    result = run("fetch", "--repo", str(main.root))
    assert result.exit_code == 0, result.output
    assert "fetched" in result.output
    assert (main.root / ".okrops" / "cache").is_dir()
    found = validate(main.root)
    assert [f.message for f in found.findings] == []
    org = found.organisation
    assert org.units["payments"].parent == "eng" and org.units["growth"].parent == "acme"
    assert org.objectives["growth/2026-Q4/O1"].parent_refs == ["acme/FY2026/O1", "payments/2026-Q4/O1"]
    status = run("status", "--repo", str(main.root), "--today", TODAY, "--format", "json")
    units = {u["unit"] for u in json.loads(status.output)["units"]}
    assert {"payments", "growth", "platform"} <= units
    lint = run("lint", str(main.root), "--today", TODAY, "--format", "json")
    assert lint.exit_code == 0, lint.output
    # The included repositories were only read.
    assert run_git(bare, "show-ref") == bare_refs
    assert run_git(team_a.root, "rev-parse", "HEAD") == a_head
    assert run_git(team_a.root, "status", "--porcelain") == ""
    # Fetching again updates the clone to new commits of the included repository.
    assert run("fetch", "--repo", str(main.root)).exit_code == 0


def test_references_across_repositories_are_checked_with_their_file_and_line(three_repos):
    main, team_a, _bare = three_repos
    team_a.okrs_file("payments", "2026-Q4", [good_objective("O1", aligns_to={"parent": "eng/2026-Q4/O9"})])
    found = [f for f in validate(main.root).findings if f.rule == "unknown-ref"]
    assert [(f.file, f.line > 0) for f in found] == [("../team-a/okrs/payments/2026-Q4.yaml", True)]
    main.okrs_file("acme/eng/platform", "2026-Q4", [good_objective("O1", aligns_to={"parent": "payments/2026-Q4/O7"})])
    assert any("payments/2026-Q4/O7" in f.message for f in validate(main.root).findings)


def test_units_must_be_unique_across_repositories_and_under_must_exist(three_repos):
    main, team_a, _bare = three_repos
    team_a.unit("platform", "Another platform")
    messages = [f.message for f in validate(main.root).findings]
    assert any("unit id 'platform' is already used" in m for m in messages)
    main.write("okrs/okrops.yaml", main.okrs.joinpath("okrops.yaml").read_text().replace("under: eng", "under: nope"))
    messages = [f.message for f in validate(main.root).findings]
    assert any("attaches under 'nope', which is not a unit" in m for m in messages)


def test_history_of_an_included_repository_is_read_from_its_own_git(three_repos):
    main, team_a, _bare = three_repos
    result = run("checkin", "payments/2026-Q4/O1/KR1", "170", "--confidence", "0.8", "--repo", str(team_a.root),
                 "--date", "2026-11-20", "-m", "from the payments repository")
    assert result.exit_code == 0, result.output
    history = run("history", "payments", "--repo", str(main.root), "--format", "json")
    assert history.exit_code == 0, history.output
    rows = json.loads(history.output)["checkins"]
    assert [(r["ref"], r["value"], r["note"]) for r in rows if r["kind"] == "checkin"] == [
        ("payments/2026-Q4/O1/KR1", 170, "from the payments repository")]


def test_the_site_shows_one_organisation(three_repos):
    from tests.test_alignment import site_pages

    main, _a, _bare = three_repos
    run("fetch", "--repo", str(main.root))
    pages = site_pages(main)
    assert "units/payments/2026-Q4/index.md" in pages and "units/growth/2026-Q4/index.md" in pages
    assert "Payments" in pages["units/eng/2026-Q4/index.md"]


def test_check_ins_of_included_key_results_happen_in_their_own_repository(three_repos):
    main, team_a, _bare = three_repos
    before = run_git(main.root, "rev-parse", "HEAD")
    result = CliRunner().invoke(cli, ["checkin", "payments/2026-Q4/O1/KR1", "170", "--repo", str(main.root)])
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert "payments/2026-Q4/O1/KR1" in result.output
    assert run_git(main.root, "rev-parse", "HEAD") == before
    assert run_git(team_a.root, "status", "--porcelain") == ""


@pytest.mark.parametrize("path,why", [("../te\0am", "NUL byte"), ("a" * 5000, "name too long")])
def test_an_include_path_the_system_refuses_is_a_finding_never_a_crash(three_repos, path, why):
    main, _a, _bare = three_repos
    text = main.okrs.joinpath("okrops.yaml").read_text().replace("path: ../team-a", 'path: "' + path.replace("\0", "\\0") + '"')
    main.write("okrs/okrops.yaml", text)
    line = text.splitlines().index("include:") + 2
    for args in (["validate", str(main.root)], ["status", "--repo", str(main.root), "--today", TODAY],
                 ["lint", str(main.root)], ["fetch", "--repo", str(main.root)]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code in ((0, 1, 2) if args[0] == "fetch" else (1,)), (args, result.output, result.exception)
        if args[0] != "fetch":  # fetch fetches the git include and leaves the path one to validate
            assert f"okrs/okrops.yaml:{line}:5: error: include " in result.output and why in result.output, result.output


def test_a_git_include_that_cannot_be_fetched_names_its_okrops_yaml_line(three_repos, tmp_path):
    main, _a, bare = three_repos
    text = main.okrs.joinpath("okrops.yaml").read_text()
    line = text.splitlines().index(f"  - git: {bare.as_uri()}") + 1
    for old, new, says in ((bare.as_uri(), (tmp_path / "nope.git").as_uri(), "does not appear to be a git repository"),
                           ("ref: main", "ref: no-such-branch", "'no-such-branch' is not a branch")):
        main.write("okrs/okrops.yaml", text.replace(old, new))
        result = CliRunner().invoke(cli, ["fetch", "--repo", str(main.root)])
        assert result.exit_code == 2, result.output
        assert f"okrs/okrops.yaml:{line}: include " in result.output and says in result.output, result.output
        assert "Traceback" not in result.output


@pytest.mark.parametrize("entry,says", [
    ("  - path: ../team-a\n    git: https://example.com/a.git\n    under: eng\n", "must not have git here: an include names"),
    ("  - under: eng\n", "missing required key 'path': an include names its repository by path"),
])
def test_an_include_with_both_or_neither_path_and_git_says_so(three_repos, entry, says):
    main, _a, _bare = three_repos
    text = main.okrs.joinpath("okrops.yaml").read_text()
    main.write("okrs/okrops.yaml", text[:text.index("include:\n")] + "include:\n" + entry)
    messages = [f.message for f in validate(main.root).findings]
    assert any(says in m for m in messages), messages
    assert not any("direction" in m for m in messages), messages  # never another field's advice
