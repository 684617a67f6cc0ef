"""Generated pages skip Python-Markdown (okrops.site.rawpage) and MkDocs gets the same page from them.

Every generated page of the fixture organisation of test_site.py (hostile titles and notes,
private units, real check-in commits) is rendered both ways, through MkDocs' own Markdown
rendering and through okrops' shortcut: content, table of contents, title and anchor ids agree.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from mkdocs.config import load_config
from mkdocs.structure.files import get_files
from mkdocs.structure.pages import Page

from okrops.site import rawpage
from test_site import TODAY, commit_history, write_repo


@pytest.fixture
def generated(tmp_path, monkeypatch):
    monkeypatch.setenv("OKROPS_TODAY", TODAY)
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    repo = write_repo(tmp_path / "repo")
    commit_history(repo)

    def load(extensions=None):
        config = load_config(str(repo / "site" / "mkdocs.yml"), site_dir=str(tmp_path / "out"))
        if extensions is not None:
            config.markdown_extensions = extensions
        config = config.plugins.on_config(config)
        files = config.plugins.on_files(get_files(config), config=config)
        plugin = config.plugins["okrops"]
        return config, files, [f for f in files.documentation_pages() if f.src_uri in plugin.generated]

    return load


def rendered(file, config, files, shortcut: bool) -> tuple:
    page = Page(None, file, config)
    page.read_source(config)
    if shortcut:
        rawpage.use_for(page)
    page.render(config, files)
    return page.content, page.toc.items, page._title_from_render, page.present_anchor_ids


def test_every_generated_page_renders_the_same_without_markdown(generated):
    config, files, pages = generated()
    assert config.plugins["okrops"].raw_html
    assert len(pages) > 30
    kinds = {f.src_uri.split("/")[0] for f in pages}
    assert {"units", "health", "review", "week", "alignment"} <= kinds
    for file in pages:
        markdown = rendered(file, config, files, shortcut=False)
        assert rendered(file, config, files, shortcut=True) == markdown, file.src_uri
        assert markdown[0]  # not empty: the comparison says something
    assert any(rendered(f, config, files, shortcut=False)[3] for f in pages)  # pages with anchors were compared


def test_an_extension_that_reads_raw_html_keeps_markdown(generated):
    config, _files, _pages = generated(["toc", "md_in_html"])
    assert config.plugins["okrops"].raw_html is False


def test_an_organisations_page_template_keeps_markdown(generated, tmp_path):
    override = tmp_path / "repo" / "site" / "overrides" / "okrops" / "kr.html"
    override.parent.mkdir(parents=True)
    override.write_text('{% extends "default/kr.html" %}\n', encoding="utf-8")
    config, _files, _pages = generated()
    assert config.plugins["okrops"].raw_html is False


@pytest.mark.parametrize("body", ["<div>\n<p>a note\n```\nits code\n```\n</p>\n</div>\n",
                                  "<div>\n<p>a\ttab</p>\n</div>\n", "<div>\r\n<p>x</p>\r\n</div>\n",
                                  "<div>\n<p>\x02x\x03</p>\n</div>\n"])
def test_what_python_markdown_would_rewrite_goes_through_it(generated, body):
    config, files, pages = generated()
    plain, shortcut = Page(None, pages[0], config), Page(None, pages[0], config)
    for page in (plain, shortcut):
        page.read_source(config)
        page.markdown = body
    rawpage.use_for(shortcut)
    plain.render(config, files)
    shortcut.render(config, files)
    assert shortcut.content == plain.content


def test_a_page_that_is_not_one_raw_html_block_goes_through_markdown(generated, tmp_path):
    config, files, pages = generated()
    page = Page(None, pages[0], config)
    page.read_source(config)
    page.markdown = "# A heading\n\nSome *text*.\n"
    rawpage.use_for(page)
    page.render(config, files)
    assert page.content.startswith("<h1 id=\"a-heading\">") and "<em>text</em>" in page.content
    assert page._title_from_render == "A heading"
