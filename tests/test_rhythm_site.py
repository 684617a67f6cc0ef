"""The site's part of the weekly rhythm: "Check in" links and the "This week" pages, public only."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    from okrops.cli.demo import build

    root = tmp_path_factory.mktemp("demo-site") / "repo"
    build(root, site=False)
    return root


def site_pages(root: Path, repo_url: str | None = "keep", weeks: int = 0) -> dict[str, str]:
    from okrops.record.history import read_history
    from okrops.repository import load
    from okrops.site.html import Linker
    from okrops.site.pages import Site
    from okrops.site.view import SiteView

    org = load(root).organisation
    view = SiteView(org, date(2026, 11, 25), read_history(org))
    url = org.config.site.get("repo_url", "") if repo_url == "keep" else (repo_url or "")
    site = Site(view, Linker(True), url)
    site.weeks = weeks
    return {page.src_uri: page.body for page in site.pages()}


def test_every_public_key_result_page_and_unit_row_has_a_check_in_link(demo):
    from okrops.repository import load

    org = load(demo).organisation
    pages = site_pages(demo)
    kr_pages = {uri: body for uri, body in pages.items() if uri.count("/") == 5}
    assert kr_pages
    for uri, body in kr_pages.items():
        ref = "/".join(uri.split("/")[1:5])
        assert f"ref={ref.replace('/', '&#37;2F')}" in body, uri
    for ref in (r for r in org.key_results if org.is_private_key_result(r)):
        assert not any(ref.replace("/", "&#37;2F") in body for body in pages.values()), ref
    unit = pages["units/deployment/2026-Q4/index.md"]
    rows = re.findall(r"<tr id=\"o\d+-kr\d+\">.*?</tr>", unit)
    assert rows and all("okr-checkin-link" in row for row in rows)


def test_no_repository_address_no_check_in_link(demo):
    pages = site_pages(demo, repo_url=None)
    assert not any("okr-checkin-link" in body for body in pages.values())


def test_this_week_and_its_archive_are_public_only(demo):
    from okrops.repository import load

    org = load(demo).organisation
    pages = site_pages(demo, weeks=3)
    weeks = {uri: body for uri, body in pages.items() if uri.startswith("week/")}
    assert set(weeks) == {"week/index.md", "week/2026-11-18/index.md", "week/2026-11-11/index.md"}
    assert "What moved" in weeks["week/index.md"] and "Earlier weeks" in weeks["week/index.md"]
    private = [r for r in org.key_results if org.is_private_key_result(r)]
    for body in weeks.values():
        assert not any(r in body or org.key_results[r].title in body for r in private)
    # the archive's page of a week is the digest okrops report week prints for that date
    assert "OKR week 2026-11-12 to 2026-11-18" in weeks["week/2026-11-18/index.md"]


def test_without_history_the_week_page_says_why(demo):
    pages = site_pages(demo, weeks=0)
    assert "No weekly digest: it is rebuilt from git" in pages["week/index.md"]
