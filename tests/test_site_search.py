"""Search that scales (issue 16): Pagefind's sharded index with ``search: pagefind``, Material's as the fallback.

The fixture organisation of test_site (private units, objectives, notes and initiatives) is built with the
plugin option ``search: pagefind``: the index Pagefind writes is searched for every private marker after
decompressing it, and a real browser finds key results through the search box in the header.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import json
import os
import threading
from pathlib import Path

import pytest

from test_site import PRIVATE_MARKERS, TODAY, commit_history, write_repo

pagefind_bin = pytest.importorskip("pagefind_bin", reason="Pagefind is not installed: pip install 'pagefind[bin]'")


def _with_search(repo: Path, choice: str) -> None:
    from okrops.site import scaffold_files

    for rel, text in scaffold_files().items():
        path = repo / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if rel.endswith("mkdocs.yml"):
            assert "  - okrops\n" in text
            text = text.replace("  - okrops\n", f"  - okrops:\n      search: {choice}\n")
        path.write_text(text, encoding="utf-8")


def _build(base: Path, env: dict | None = None, strict: bool = True) -> Path:
    from okrops.site import build_site

    repo = write_repo(base / "repo")
    commit_history(repo)
    _with_search(repo, "pagefind")
    saved = dict(os.environ)
    os.environ.update({"OKROPS_TODAY": TODAY, **(env or {})})
    try:
        return build_site(repo, base / "out", strict=strict)
    finally:
        os.environ.clear()
        os.environ.update(saved)


@pytest.fixture(scope="module")
def pagefind_site(tmp_path_factory) -> Path:
    return _build(tmp_path_factory.mktemp("pagefind-site"))


def _decoded(path: Path) -> bytes:
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":  # Pagefind's index, fragments and metadata are gzip-compressed
        data = gzip.decompress(data)
    return data


def test_pagefind_writes_a_sharded_index_and_material_search_is_gone(pagefind_site):
    bundle = pagefind_site / "pagefind"
    assert (bundle / "pagefind-modular-ui.js").is_file() and (bundle / "pagefind-entry.json").is_file()
    assert len(list((bundle / "fragment").glob("*.pf_fragment"))) > 20  # one a page
    assert not (pagefind_site / "search" / "search_index.json").exists()
    home = (pagefind_site / "index.html").read_text(encoding="utf-8")
    assert "pagefind/pagefind-modular-ui.js" in home and "assets/okrops/search.js" in home
    assert "pagefind/pagefind-ui.js" not in home  # the default UI (134 KB) is not fetched
    assert "md-search__input" not in home  # one search box, not two


def test_the_pagefind_index_holds_public_text_and_nothing_private(pagefind_site):
    fragments = [json.loads(_decoded(p)[len(b"pagefind_dcd"):])
                 for p in (pagefind_site / "pagefind" / "fragment").glob("*.pf_fragment")]
    text = json.dumps(fragments)
    assert "API p95 latency falls from 480 to 250 ms" in text  # a key result's title
    assert "platform/2026-Q4/O1/KR1" in text or "O1/KR1" in text  # its reference
    urls = {f["url"] for f in fragments}
    assert "/units/platform/2026-Q4/O1/KR1/" in urls
    leaks = []
    for path in sorted(pagefind_site.rglob("*")):
        if path.is_file():
            data = _decoded(path).lower()
            leaks += [(str(path.relative_to(pagefind_site)), m) for m in PRIVATE_MARKERS if m.lower().encode() in data]
    assert leaks == []


def test_without_the_pagefind_binary_the_build_keeps_material_search_and_warns(tmp_path, caplog):
    import logging

    with caplog.at_level(logging.WARNING):
        out = _build(tmp_path, {"OKROPS_PAGEFIND": ""}, strict=False)
    assert (out / "search" / "search_index.json").is_file()
    assert not (out / "pagefind").exists()
    assert any("Pagefind is not installed" in record.getMessage() for record in caplog.records)


def test_a_strict_build_without_the_binary_fails_on_that_warning(tmp_path):
    from mkdocs.exceptions import Abort

    from okrops.errors import OkropsError

    with pytest.raises((Abort, OkropsError, SystemExit)):
        _build(tmp_path, {"OKROPS_PAGEFIND": ""}, strict=True)


# --- in a browser ------------------------------------------------------------------------------

from test_site_browser import Watched  # noqa: E402 - the browser fixture is in conftest.py


@pytest.fixture
def browser_page(browser):
    watched = Watched(browser)
    yield watched
    watched.close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def pagefind_url(pagefind_site):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             functools.partial(_QuietHandler, directory=str(pagefind_site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_the_search_box_in_the_header_finds_a_key_result(browser_page, pagefind_url):
    watched = browser_page
    page = watched.goto(pagefind_url)
    box = page.locator("header .okr-search input")
    box.wait_for(timeout=10000)
    box.press_sequentially("latency", delay=30)
    page.locator(".okr-search .pagefind-modular-list-link").first.wait_for(timeout=10000)
    hrefs = [a.get_attribute("href") for a in page.locator(".okr-search .pagefind-modular-list-link").all()]
    assert any("/units/platform/2026-Q4/" in (h or "") for h in hrefs), hrefs
    box.fill("")
    box.press_sequentially("stealthops", delay=30)  # a private unit: nothing
    page.wait_for_timeout(800)
    assert page.locator(".okr-search .pagefind-modular-list-link").count() == 0
    assert watched.dialogs == [] and watched.problems == []


@pytest.mark.parametrize("path", ["", "units/platform/2026-Q4/O1/KR1/"])
def test_no_serious_accessibility_violations_with_the_search_box_and_its_results(browser_page, pagefind_url, path):
    from test_site_browser import serious_violations

    page = browser_page.goto(pagefind_url + path)
    box = page.locator("header .okr-search input")
    box.wait_for(timeout=10000)
    box.press_sequentially("latency", delay=30)
    page.locator(".okr-search .pagefind-modular-list-link").first.wait_for(timeout=10000)
    serious = serious_violations(page)
    assert not serious, "\n".join(serious)
