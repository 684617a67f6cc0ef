"""depends_on: declared, checked, listed by okrops diff, confirmed by provides: or by an approving review."""

from __future__ import annotations

import json
from datetime import date

from click.testing import CliRunner

from okrops import dependencies
from okrops.cli import cli
from okrops.lint import LintContext, lint
from okrops.review.approvals import approved_dependencies
from okrops.validate import validate
from tests.conftest import good_kr, good_objective, run_git

TODAY = date(2026, 11, 25)
PLATFORM = "acme/eng/platform"


def with_sales(org):
    org.unit("acme/sales", "Sales", kind="team", maintainers=["@acme/sales", "@sally"])
    org.okrs_file("acme/sales", "2026-Q4", [good_objective("O1", aligns_to={"parent": "acme/FY2026/O1"})])
    return org


def depend(org, note="the billing API by November", **kr_extra):
    org.okrs_file(PLATFORM, "2026-Q4", [
        good_objective(f"O{i}", aligns_to={"parent": f"eng/2026-Q4/O{i}/KR1"},
                       depends_on=[{"ref": "sales/2026-Q4/O1", "note": note}] if i == 1 else [],
                       key_results=[good_kr("KR1", **(kr_extra if i == 1 else {})), good_kr("KR2")])
        for i in (1, 2, 3)])


def unconfirmed_messages(org_builder, approved=None):
    result = validate(org_builder.root)
    assert [f.message for f in result.findings if f.severity.label == "error"] == []
    ctx = LintContext(result.organisation, TODAY, None, approved)
    return [f.message for f in lint(ctx, ["dependency-unconfirmed"])]


def test_an_unconfirmed_dependency_is_a_warning_until_provides_lists_it(standard_org):
    with_sales(standard_org)
    depend(standard_org)
    assert unconfirmed_messages(standard_org) == [
        "platform/2026-Q4/O1 depends on sales/2026-Q4/O1, which sales has not confirmed (ask @acme/sales, @sally)"]
    standard_org.unit("acme/sales", "Sales", kind="team", maintainers=["@acme/sales"], provides=["platform/2026-Q4/O1"])
    assert unconfirmed_messages(standard_org) == []


def test_dependencies_must_resolve_and_cross_units(standard_org):
    with_sales(standard_org)
    standard_org.okrs_file(PLATFORM, "2026-Q4", [good_objective("O1", depends_on=["sales/2026-Q4/O9", "platform/2026-Q4/O2"],
                                                                key_results=[good_kr(depends_on=["eng/2026-Q4/O1/KR7"])]),
                                                 good_objective("O2")])
    standard_org.unit("acme/sales", "Sales", provides=["nobody/2026-Q4/O1"])
    found = sorted(f.message for f in validate(standard_org.root).findings if f.rule == "unknown-ref")
    assert found == ["depends_on 'eng/2026-Q4/O1/KR7' is not an objective or key result",
                     "depends_on 'platform/2026-Q4/O2' is in the same unit; dependencies are between units",
                     "depends_on 'sales/2026-Q4/O9' is not an objective or key result",
                     "provides 'nobody/2026-Q4/O1' is not an objective or key result"]


def merge_branch(root, branch, message):
    run_git(root, "checkout", "-q", "main")
    run_git(root, "merge", "-q", "--no-ff", branch, "-m", message)


def test_an_approved_merge_by_a_providing_maintainer_confirms_it(standard_org):
    with_sales(standard_org).git_init()
    root = standard_org.root
    run_git(root, "checkout", "-q", "-b", "dep")
    depend(standard_org)
    run_git(root, "commit", "-qam", "platform depends on sales")
    merge_branch(root, "dep", "Merge branch 'dep'\n\nApproved-by: @eng-lead\nReviewed-by: Someone <s@example.com>")
    org = validate(root).organisation
    assert approved_dependencies(org) == set()  # approved, but not by a maintainer of sales
    assert len(unconfirmed_messages(standard_org, approved_dependencies(org))) == 1
    # A later merge that adds it again (after removing it) with a sales maintainer's approval confirms it.
    run_git(root, "checkout", "-q", "-b", "drop")
    standard_org.okrs_file(PLATFORM, "2026-Q4", [good_objective("O1")])
    run_git(root, "commit", "-qam", "drop it")
    merge_branch(root, "drop", "Merge branch 'drop'")
    run_git(root, "checkout", "-q", "-b", "again")
    depend(standard_org)
    run_git(root, "commit", "-qam", "platform depends on sales again")
    merge_branch(root, "again", "Merge branch 'again'\n\nApproved-by: @sally")
    org = validate(root).organisation
    assert approved_dependencies(org) == {("platform/2026-Q4/O1", "sales/2026-Q4/O1")}
    assert unconfirmed_messages(standard_org, approved_dependencies(org)) == []


def test_host_review_data_counts_like_a_trailer(standard_org, tmp_path, monkeypatch):
    with_sales(standard_org).git_init()
    root = standard_org.root
    run_git(root, "checkout", "-q", "-b", "dep")
    depend(standard_org)
    run_git(root, "commit", "-qam", "platform depends on sales")
    merge_branch(root, "dep", "Merge pull request #7 from acme/dep")
    merge = run_git(root, "rev-parse", "HEAD").strip()
    reviews = tmp_path / "reviews.json"
    reviews.write_text(json.dumps({merge: ["@acme/sales"]}))
    org = validate(root).organisation
    assert approved_dependencies(org) == set()
    monkeypatch.setenv("OKROPS_REVIEWS", str(reviews))
    assert approved_dependencies(org) == {("platform/2026-Q4/O1", "sales/2026-Q4/O1")}
    # The lint command reads the same.
    result = CliRunner().invoke(cli, ["lint", str(root), "--rule", "dependency-unconfirmed", "--today", "2026-11-25"])
    assert "dependency-unconfirmed" not in result.output
    monkeypatch.delenv("OKROPS_REVIEWS")
    result = CliRunner().invoke(cli, ["lint", str(root), "--rule", "dependency-unconfirmed", "--today", "2026-11-25"])
    assert "dependency-unconfirmed" in result.output


def test_diff_lists_new_dependencies_and_names_the_maintainers(standard_org):
    with_sales(standard_org).git_init()
    root = standard_org.root
    depend(standard_org, note="needs the <b>billing</b> API")
    result = CliRunner().invoke(cli, ["diff", "--repo", str(root), "HEAD", "--format", "markdown", "--today", "2026-11-25"])
    assert result.exit_code == 0, result.output
    assert "new dependency on sales/2026-Q4/O1 (sales; maintainers: @acme/sales, @sally)" in result.output
    assert "<b>" not in result.output
    edges = dependencies.edges(validate(root).organisation)
    assert [(e.dependent, e.provider, e.note) for e in edges] == [
        ("platform/2026-Q4/O1", "sales/2026-Q4/O1", "needs the <b>billing</b> API")]


def test_both_units_pages_show_the_dependency(standard_org):
    from tests.test_alignment import site_pages

    with_sales(standard_org)
    depend(standard_org)
    pages = site_pages(standard_org)
    platform, sales = pages["units/platform/2026-Q4/index.md"], pages["units/sales/2026-Q4/index.md"]
    assert "depends on" in platform and "unconfirmed" in platform
    assert "is depended on by" in sales and "unconfirmed" in sales
    standard_org.unit("acme/sales", "Sales", kind="team", provides=["platform/2026-Q4/O1"])
    pages = site_pages(standard_org)
    assert "confirmed</span>" in pages["units/sales/2026-Q4/index.md"]
    assert "unconfirmed" not in pages["units/sales/2026-Q4/index.md"]


def test_diff_shows_a_change_of_several_parents(standard_org):
    standard_org.git_init()
    standard_org.okrs_file(PLATFORM, "2026-Q4", [
        good_objective("O1", aligns_to={"parent": [{"ref": "eng/2026-Q4/O1/KR1", "weight": 0.5},
                                                   {"ref": "eng/2026-Q4/O2", "weight": 0.5}]}),
        good_objective("O2", aligns_to={"parent": "eng/2026-Q4/O2/KR1"}),
        good_objective("O3", aligns_to={"parent": "eng/2026-Q4/O3/KR1"})])
    result = CliRunner().invoke(cli, ["diff", "--repo", str(standard_org.root), "HEAD", "--format", "json",
                                      "--today", "2026-11-25"])
    changes = json.loads(result.output)["changes"]
    assert [(c["ref"], c["field"], c["old"], c["new"]) for c in changes if c["field"] == "parents"] == [
        ("platform/2026-Q4/O1", "parents", "eng/2026-Q4/O1/KR1", "eng/2026-Q4/O1/KR1 (0.5), eng/2026-Q4/O2 (0.5)")]
