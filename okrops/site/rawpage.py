"""A generated page's HTML without running it through Python-Markdown: the same bytes, much sooner.

Every page okrops generates is front matter and one raw HTML block with no blank line
(:meth:`okrops.site.pages.GeneratedPage.markdown`). Python-Markdown passes a raw HTML block
through untouched, and strips the whitespace around the result, so the HTML MkDocs gets from
such a page is its body, stripped. Getting there costs Python-Markdown two full HTML parses of
the block (its own, and MkDocs' search for anchor ids), which is most of a large page's
rendering: at 1,000 units the two review pages and the health page took minutes.

So a generated page is rendered by :func:`render` instead of Python-Markdown, when every
Markdown extension the site uses is one that only reads Markdown outside raw HTML
(:data:`PASSIVE_EXTENSIONS`); with any other extension, Python-Markdown renders it as before.
Test: every generated page of the example organisations gives the same content through both.
"""

from __future__ import annotations

import html
import re
import types

from mkdocs.structure.toc import get_toc

# Extensions that work on the Markdown text and its element tree only: a raw HTML block is
# stashed before they run and put back unchanged after them. (md_in_html, for one, is not:
# it renders Markdown inside HTML marked markdown="1".)
PASSIVE_EXTENSIONS = frozenset({
    "toc", "tables", "admonition", "attr_list", "def_list", "footnotes", "abbr", "sane_lists", "smarty",
    "meta", "nl2br", "wikilinks", "fenced_code", "codehilite",
    "markdown.extensions.toc", "markdown.extensions.tables", "markdown.extensions.admonition",
    "markdown.extensions.attr_list", "markdown.extensions.def_list", "markdown.extensions.footnotes",
    "markdown.extensions.abbr", "markdown.extensions.sane_lists", "markdown.extensions.smarty",
    "markdown.extensions.meta", "markdown.extensions.nl2br", "markdown.extensions.wikilinks",
    "markdown.extensions.fenced_code", "markdown.extensions.codehilite",
})
# MkDocs collects the anchors a page holds (for its link checks): every id, and <a name>.
_ID = re.compile(r"""<([A-Za-z][^\s/>]*)([^<>]*?)\s(id|name)="([^"]*)\"""")


def applies(config) -> bool:
    """True when the site's Markdown extensions leave raw HTML as it is."""
    names = [name if isinstance(name, str) else type(name).__module__ for name in config.markdown_extensions]
    return all(name in PASSIVE_EXTENSIONS for name in names)


def is_raw_block(body: str) -> bool:
    """``body`` is one raw HTML block as okrops writes it: it opens with a tag and has no blank line."""
    stripped = body.strip()
    return stripped.startswith("<") and "\n\n" not in body and not any(
        not line.strip() for line in stripped.split("\n"))


def render(page, config, files) -> None:
    """What :meth:`mkdocs.structure.pages.Page.render` makes of a page that is one raw HTML block (any
    other page: that method)."""
    body = page.markdown
    if not is_raw_block(body):
        type(page).render(page, config, files)
        return
    page.content = body.strip()
    page.toc = get_toc([])
    page._title_from_render = None
    page.present_anchor_ids = anchor_ids(body)
    page.links_to_anchors = {}


def anchor_ids(body: str) -> set[str]:
    """The ids (and names of <a> elements) in ``body``, as MkDocs' HTML parser reports them."""
    found = set()
    for match in _ID.finditer(body):
        tag, attribute, value = match.group(1).lower(), match.group(3), match.group(4)
        if attribute == "id" or tag == "a":
            found.add(html.unescape(value))
    return found


def use_for(page) -> None:
    """Render ``page`` with :func:`render` (a page of okrops', while the site's extensions allow it)."""
    page.render = types.MethodType(render, page)
