"""Live preview with Pagefind's search: after a rebuild the page is served first, the index follows.

A serve session runs in this process as in test_site_incremental.py. After a change, Pagefind
re-indexes the site in a process of its own; once it is done, the index holds the change and is
the index a full build of the same input writes, and the next rebuild is not refused by the
output folder's checks (files Pagefind wrote after the build are okrops' too).
"""

from __future__ import annotations

import json

import pytest

from test_site import commit_history, write_repo
from test_site_incremental import ENV, Session, edit, full_build, tree
from test_site_search import _decoded, _with_search


@pytest.fixture
def session(tmp_path, monkeypatch):
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    repo = write_repo(tmp_path / "repo")
    commit_history(repo)
    _with_search(repo, "pagefind")
    serving = Session(repo, tmp_path / "serve-out")
    serving.repo = repo
    yield serving
    serving.close()


def fragments(site) -> dict[str, str]:
    """Page address -> the text Pagefind indexed for it."""
    found = {}
    for path in (site / "pagefind" / "fragment").glob("*.pf_fragment"):
        fragment = json.loads(_decoded(path)[len(b"pagefind_dcd"):])
        found[fragment["url"]] = fragment["content"]
    return found


def test_the_index_follows_a_rebuild_and_equals_a_full_builds(session):
    session.build()
    assert session.plugin.indexing is None  # the first build indexes before the site is served
    before = fragments(session.out)
    page = "/units/sales/2026-Q4/O1/KR1/"
    assert page in before and "Renamed for the index" not in before[page]
    path = session.repo / "okrs/acme/sales/2026-Q4.yaml"
    text = path.read_text(encoding="utf-8")
    title = text.split("- id: KR1\n", 1)[1].split("title: ", 1)[1].split("\n", 1)[0]
    edit(path, f"title: {title}\n", "title: Renamed for the index\n")
    again = session.build()
    assert not again.full
    assert session.plugin.indexing is not None  # indexing runs on after the build returned
    session.plugin.indexing.wait(300)
    after = fragments(session.out)
    assert "Renamed for the index" in after[page]
    full = full_build(session.repo, session.out.parent / "full")
    assert after == fragments(full)
    assert tree(session.out) == tree(full)  # the index and the output folder's marker too: nothing is left over
    assert not [p.name for p in session.out.iterdir() if p.name.startswith(".okrops-pagefind")]
    edit(path, "title: Renamed for the index\n", "title: Renamed once more\n")
    session.build()  # not refused: what Pagefind wrote after the last build is no stranger's file
    session.plugin.indexing.wait(300)
    assert "Renamed once more" in fragments(session.out)[page]
