"""Golden pages: the generated Markdown of one page of each kind, normalised, as checked in.

A change to a template, a view object or the escaping shows here as a diff of
``tests/golden/site/*.html`` in review. After an intended change, regenerate them with::

    OKROPS_UPDATE_GOLDEN=1 python -m pytest tests/test_site_golden.py

and read the diff before committing it. The pages come from the fixture organisation of
test_site.py (hostile titles, private units, real check-in commits) as of its TODAY; the
normalisation is in ``site_golden.py`` (one block element a line, attributes sorted,
escaping kept exactly, commit ids replaced).
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from site_golden import normalise_page
from test_site import TODAY, _BUILT, commit_history, write_repo

GOLDEN = Path(__file__).parent / "golden" / "site"
UPDATE = os.environ.get("OKROPS_UPDATE_GOLDEN") == "1"
PAGES = {
    "home": "index.md",
    "strategy": "strategy/index.md",
    "alignment": "alignment/index.md",
    "map": "map/index.md",
    "activity": "activity/index.md",
    "health": "health/index.md",
    "cycles": "cycles/index.md",
    "cycle": "cycles/2026-Q4/index.md",
    "unit-index": "units/engineering/index.md",
    "units": "units/index.md",
    "unit": "units/platform/2026-Q4/index.md",
    "unit-past-cycle": "units/engineering/2026-Q3/index.md",
    "unit-private-parent": "units/labs/2026-Q4/index.md",
    "key-result": "units/platform/2026-Q4/O1/KR1/index.md",
}


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> dict[str, str]:
    """src_uri -> Markdown of every generated page of the fixture organisation."""
    from okrops.record import history
    from okrops.repository import load
    from okrops.site.html import Linker
    from okrops.site.pages import Site
    from okrops.site.view import SiteView

    repo = _BUILT.get("repo")
    if repo is None:
        repo = write_repo(tmp_path_factory.mktemp("golden") / "repo")
        commit_history(repo)
    org = load(repo).organisation
    view = SiteView(org, date.fromisoformat(TODAY), history.read_history(org))
    site = Site(view, Linker(True), org.config.site.get("repo_url", ""))
    return {page.src_uri: page.markdown() for page in site.pages()}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_generated_page_matches_its_golden_copy(generated, name):
    path = GOLDEN / f"{name}.html"
    actual = normalise_page(generated[PAGES[name]])
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert path.is_file(), f"{path} is missing: run OKROPS_UPDATE_GOLDEN=1 python -m pytest {Path(__file__).name}"
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, (f"{PAGES[name]} differs from {path.relative_to(Path(__file__).parent)}; if the change "
                                "is intended, regenerate with OKROPS_UPDATE_GOLDEN=1 and review the diff")


def test_every_golden_file_belongs_to_a_page():
    assert sorted(p.stem for p in GOLDEN.glob("*.html")) == sorted(PAGES)


def test_the_normalisation_keeps_escaping_and_text_and_drops_only_layout():
    raw = ('---\ntitle: "x"\n---\n<div class="okr b a"><p id="p" class="c">A &lt;b&gt; &#123;&#123;  x\n'
           ' <a href="y">link</a></p><table><tr><td>1</td><td><code>abcdef12</code></td></tr></table></div>\n')
    assert normalise_page(raw) == (
        '---\ntitle: "x"\n---\n'
        '<div class="okr b a">\n'
        '  <p class="c" id="p">A &lt;b&gt; &#123;&#123; x <a href="y">link</a></p>\n'
        '  <table>\n'
        '    <tr>\n'
        '      <td>1</td>\n'
        '      <td><code><commit></code></td>\n'
        '    </tr>\n'
        '  </table>\n'
        '</div>\n')
