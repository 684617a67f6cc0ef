"""status and the site agree on a unit's score, or say what they include (issue 12).

The site's fixture organisation has private objectives in public units and private units: ``okrops status``
counts them and says so ('incl. N private', 'private'); ``okrops status --public`` counts what the site
counts, and every score and roll-up agrees with the site's."""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner

from okrops.cli import cli
from test_site import TODAY, commit_history, write_repo


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    root = write_repo(tmp_path_factory.mktemp("agree") / "repo")
    commit_history(root)
    return root


def status_json(repo, *args):
    result = CliRunner().invoke(cli, ["status", "--repo", str(repo), "--format", "json", "--today", TODAY, *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def site_scores(repo):
    from okrops.record import history
    from okrops.repository import load
    from okrops.site.view import SiteView

    org = load(repo).organisation
    view = SiteView(org, date.fromisoformat(TODAY), history.read_history(org))
    return {(u.slug, c.id): (view.unit_cycle(u.slug, c.id).score, view.unit_cycle(u.slug, c.id).rollup)
            for c in view.cycles for u, _d in view.walk()}


def test_public_status_agrees_with_the_site_on_every_score_and_rollup(repo):
    site = site_scores(repo)
    rows = status_json(repo, "--public")["units"]
    assert rows
    for row in rows:
        assert (row["score"], row["rollup"]) == site[(row["unit"], row["cycle"])], row["unit"]
    assert not any("private" in " ".join(row["flags"]) for row in rows)
    assert {row["unit"] for row in rows} <= {slug for slug, _c in site}


def test_default_status_says_what_it_includes_where_it_differs(repo):
    site = site_scores(repo)
    rows = status_json(repo)["units"]
    differing = [row for row in rows if (row["unit"], row["cycle"]) in site
                 and row["score"] != site[(row["unit"], row["cycle"])][0]]
    assert differing, "the fixture has a public unit with a private objective"
    for row in differing:
        assert f"incl. {row['private_objectives']} private" in row["flags"]
    private_units = [row for row in rows if (row["unit"], row["cycle"]) not in site]
    assert private_units and all("private" in row["flags"] for row in private_units)
    table = CliRunner().invoke(cli, ["status", "--repo", str(repo), "--today", TODAY, "--width", "120"]).output
    assert "incl. 1 private" in table


def test_public_refuses_a_private_unit(repo):
    result = CliRunner().invoke(cli, ["status", "stealthops", "--public", "--repo", str(repo), "--today", TODAY])
    assert result.exit_code == 2 and "stealthops is private" in result.output
