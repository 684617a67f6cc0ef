"""Several parents, shares, shared key results and the roll-up rule (okrops.alignment)."""

from __future__ import annotations

from datetime import date

from okrops import alignment
from okrops.validate import validate
from tests.conftest import good_kr, good_objective

TODAY = date(2026, 11, 25)


def diamond(org, team_parents):
    """acme > (sales, eng) > eng/platform; platform's O1 serves both departments (a diamond)."""
    org.unit("acme", "Acme", kind="company")
    org.unit("acme/sales", "Sales", kind="department")
    org.unit("acme/eng", "Engineering", kind="department")
    org.unit("acme/eng/platform", "Platform")
    org.okrs_file("acme", "FY2026", [good_objective("O1", key_results=[good_kr(current=100)])])
    for dept in ("sales", "eng"):
        org.okrs_file(f"acme/{dept}", "2026-Q4", [
            good_objective("O1", aligns_to={"parent": "acme/FY2026/O1"}, key_results=[good_kr(current=100)])])
    org.okrs_file("acme/eng/platform", "2026-Q4", [
        good_objective("O1", aligns_to={"parents": team_parents}, key_results=[good_kr(current=200)])])
    result = validate(org.root)
    assert [f.message for f in result.findings if f.severity.label == "error"] == []
    return result.organisation


def test_a_diamond_counts_the_shared_objective_once(org):
    o = diamond(org, ["sales/2026-Q4/O1", "eng/2026-Q4/O1"])
    weights = alignment.weights_below(o, "acme/FY2026/O1")
    assert weights == {"acme/FY2026/O1": 1.0, "sales/2026-Q4/O1": 1.0, "eng/2026-Q4/O1": 1.0,
                       "platform/2026-Q4/O1": 1.0}
    # Four objectives, each once: 0, 0, 0 and 1.0 -> 0.25 (counted twice it would be 0.4).
    assert alignment.aligned_score(o, "acme/FY2026/O1", TODAY) == 0.25
    assert alignment.aligned_score(o, "sales/2026-Q4/O1", TODAY) == round(0.5 / 1.5, 2)


def test_weights_split_the_progress_between_parents(org):
    o = diamond(org, [{"ref": "sales/2026-Q4/O1", "weight": 0.25}, {"ref": "eng/2026-Q4/O1", "weight": 0.75}])
    assert alignment.weights_below(o, "sales/2026-Q4/O1")["platform/2026-Q4/O1"] == 0.25
    assert alignment.weights_below(o, "eng/2026-Q4/O1")["platform/2026-Q4/O1"] == 0.75
    assert alignment.weights_below(o, "acme/FY2026/O1")["platform/2026-Q4/O1"] == 1.0
    assert alignment.aligned_score(o, "eng/2026-Q4/O1", TODAY) == round(0.75 / 1.75, 2)


def test_weights_that_do_not_add_up_are_scaled_so_progress_still_counts_once(org):
    o = diamond(org, [{"ref": "sales/2026-Q4/O1", "weight": 0.9}, {"ref": "eng/2026-Q4/O1", "weight": 0.9}])
    assert alignment.weights_below(o, "acme/FY2026/O1")["platform/2026-Q4/O1"] == 1.0
    shares = [share for _link, share in alignment.shares(o.objectives["platform/2026-Q4/O1"])]
    assert shares == [0.5, 0.5]


def test_the_list_form_of_parent_and_one_parent_both_load(org):
    o = diamond(org, ["sales/2026-Q4/O1", {"ref": "eng/2026-Q4/O1/KR1", "weight": 0.5}])
    objective = o.objectives["platform/2026-Q4/O1"]
    assert objective.parent == "sales/2026-Q4/O1"
    assert objective.parent_refs == ["sales/2026-Q4/O1", "eng/2026-Q4/O1/KR1"]
    assert o.objectives["eng/2026-Q4/O1"].parent_refs == ["acme/FY2026/O1"]
    assert o.objectives["acme/FY2026/O1"].parents == []


def errors(org):
    return [(f.rule, f.message, f.path) for f in validate(org.root).findings if f.severity.label == "error"]


def test_every_parent_in_a_list_is_checked(standard_org):
    standard_org.okrs_file("acme/eng/platform", "2026-Q4", [good_objective("O1", aligns_to={
        "parent": ["eng/2026-Q4/O1", {"ref": "eng/2026-Q4/O9", "weight": 0.5}, "eng/2026-Q4/O1"]})])
    found = errors(standard_org)
    assert ("unknown-ref", "parent 'eng/2026-Q4/O9' is not an objective or key result: eng has no objective 'O9' in 2026-Q4",
            ("objectives", 0, "aligns_to", "parent", 1, "ref")) in found
    assert ("duplicate-id", "parent 'eng/2026-Q4/O1' is named twice",
            ("objectives", 0, "aligns_to", "parent", 2)) in found


def test_a_cycle_through_a_second_parent_is_an_error(standard_org):
    standard_org.okrs_file("acme", "FY2026", [good_objective("O1", aligns_to={
        "parents": ["acme/FY2026/O2", "platform/2026-Q4/O1"]}), good_objective("O2")])
    found = [m for rule, m, _p in errors(standard_org) if rule == "alignment-cycle"]
    assert found and all("platform/2026-Q4/O1" in m for m in found)


def test_parent_and_parents_together_are_refused(standard_org):
    standard_org.okrs_file("acme/eng/platform", "2026-Q4", [good_objective("O1", aligns_to={
        "parent": "eng/2026-Q4/O1", "parents": ["eng/2026-Q4/O2"]})])
    assert any(rule == "schema" for rule, _m, _p in errors(standard_org))


def test_contributors_must_be_other_units(standard_org):
    standard_org.okrs_file("acme/eng/platform", "2026-Q4", [good_objective("O1", key_results=[
        good_kr(contributors=["eng", "platform", "nobody"])])])
    found = [(m, p[-1]) for rule, m, p in errors(standard_org) if rule == "unknown-ref"]
    assert found == [("unit 'platform' owns key result KR1 and cannot also be a contributor", 1),
                     ("contributor 'nobody' is not a unit", 2)]


def test_a_shared_key_result_counts_once_in_the_organisation_score(standard_org):
    from okrops import scoring

    before = validate(standard_org.root).organisation
    plain = scoring.rollup(before, "acme", "2026-Q4", TODAY)
    standard_org.okrs_file("acme/eng/platform", "2026-Q4", [
        good_objective(f"O{i}", aligns_to={"parent": f"eng/2026-Q4/O{i}/KR1"},
                       key_results=[good_kr("KR1", contributors=["eng"]), good_kr("KR2")]) for i in (1, 2, 3)])
    after = validate(standard_org.root).organisation
    assert scoring.rollup(after, "acme", "2026-Q4", TODAY) == plain
    assert sum(1 for kr in after.key_results.values() if kr.contributors) == 3


def site_pages(org) -> dict[str, str]:
    from okrops.repository import load
    from okrops.site.html import Linker
    from okrops.site.pages import Site
    from okrops.site.view import SiteView

    loaded = load(org.root).organisation
    site = Site(SiteView(loaded, TODAY, []), Linker(True), "")
    return {page.src_uri: page.markdown() for page in site.pages()}


def test_the_site_shows_several_parents_and_shared_key_results(org):
    o = diamond(org, ["sales/2026-Q4/O1", "eng/2026-Q4/O1"])
    assert o is not None
    org.unit("acme/secret", "HIDDEN-UNIT-NAME", visibility="private")
    org.okrs_file("acme/eng/platform", "2026-Q4", [
        good_objective("O1", aligns_to={"parents": ["sales/2026-Q4/O1", "eng/2026-Q4/O1"]},
                       key_results=[good_kr(title="Shared signups from 100 to 200", contributors=["sales", "secret"])])])
    pages = site_pages(org)
    unit = pages["units/platform/2026-Q4/index.md"]
    assert "Contributes to 2 parents:" in unit
    assert "shared</span>" in unit and "Sales" in unit
    sales = pages["units/sales/2026-Q4/index.md"]
    assert "Shared key results" in sales and "Shared signups from 100 to 200" in sales
    tree = next(text for uri, text in pages.items() if "alignment" in uri)
    assert tree.count("⑂") >= 2  # listed with a marker under its own unit and under its other parent's unit
    for text in pages.values():
        assert "HIDDEN-UNIT-NAME" not in text and "secret" not in text.lower().replace("okr-", "")


def test_the_alignment_map_draws_public_objectives_and_their_parents_only(org):
    diamond(org, ["sales/2026-Q4/O1", "eng/2026-Q4/O1"])
    org.unit("acme/eng/hidden", "HIDDEN-UNIT-NAME", visibility="private")
    org.okrs_file("acme/eng/hidden", "2026-Q4", [good_objective("O1", title="HIDDEN-OBJECTIVE",
                                                                aligns_to={"parent": "eng/2026-Q4/O1"})])
    org.okrs_file("acme/sales", "2026-Q4", [
        good_objective("O1", aligns_to={"parent": "acme/FY2026/O1"}, key_results=[good_kr(current=100)]),
        good_objective("O2", title="SECRET-OBJECTIVE", visibility="private", aligns_to={"parent": "acme/FY2026/O1"})])
    pages = site_pages(org)
    drawn = pages["map/index.md"]
    assert drawn.count('class="okr-map__box ') == 4  # acme O1, sales O1, eng O1, platform O1: no private ones
    # Platform O1 has two parents on the map: two lines from it; sales O1 and eng O1 one each.
    assert drawn.count("okr-map__line--parent") == 4
    assert "⑂" in drawn and 'width="100%"' in drawn and "<script" not in drawn
    assert pages["map/eng/index.md"].count('class="okr-map__box ') == 2
    for text in pages.values():
        assert "HIDDEN" not in text and "SECRET-OBJECTIVE" not in text


def test_a_large_organisation_gets_one_map_per_department(org):
    org.unit("acme", "Acme", kind="company")
    org.okrs_file("acme", "FY2026", [good_objective("O1")])
    for d in range(3):
        org.unit(f"acme/dept{d}", f"Dept {d}", kind="department")
        org.okrs_file(f"acme/dept{d}", "2026-Q4", [good_objective("O1", aligns_to={"parent": "acme/FY2026/O1"})])
        for t in range(15):
            org.unit(f"acme/dept{d}/team{d}-{t}", f"Team {d}-{t}")
            org.okrs_file(f"acme/dept{d}/team{d}-{t}", "2026-Q4",
                          [good_objective("O1", aligns_to={"parent": f"dept{d}/2026-Q4/O1"})])
    pages = site_pages(org)
    top = pages["map/index.md"]
    assert top.count('class="okr-map__box ') == 4 and "Team 0-1" not in top
    assert top.count("(its map)") == 3
    for d in range(3):
        assert pages[f"map/dept{d}/index.md"].count('class="okr-map__box ') == 16
