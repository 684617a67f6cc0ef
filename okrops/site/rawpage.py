"""A generated page's HTML without running it through Python-Markdown: the same bytes, much sooner.

Every page okrops generates is front matter and one raw HTML block with no blank line
(:meth:`okrops.site.pages.GeneratedPage.markdown`). Python-Markdown passes a raw HTML block
through untouched, and strips the whitespace around the result, so the HTML MkDocs gets from
such a page is its body, stripped. Getting there costs Python-Markdown two full HTML parses of
the block (its own, and MkDocs' search for anchor ids), which is most of a large page's
rendering: at 1,000 units the two review pages and the health page took minutes.

So a generated page is rendered by :func:`render` instead of Python-Markdown when nothing could
make Python-Markdown change it: every Markdown extension the site uses only reads Markdown outside
raw HTML (:data:`PASSIVE_EXTENSIONS`; fenced_code, which MkDocs always adds, is the one that reads
raw text first: a line opening a fence sends the page through Python-Markdown), the pages come from
okrops' own templates (an organisation's template in ``site/overrides/okrops/`` could put text
outside any element, which Python-Markdown wraps in a paragraph), and the body holds none of what
Python-Markdown's first step rewrites (tabs, carriage returns, its two marker characters). Any page
that is not so goes through Python-Markdown as before. Test: every generated page of the fixture
organisation gives the same content, table of contents, title and anchor ids through both.
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
    "meta", "nl2br", "wikilinks", "fenced_code",
    "markdown.extensions.toc", "markdown.extensions.tables", "markdown.extensions.admonition",
    "markdown.extensions.attr_list", "markdown.extensions.def_list", "markdown.extensions.footnotes",
    "markdown.extensions.abbr", "markdown.extensions.sane_lists", "markdown.extensions.smarty",
    "markdown.extensions.meta", "markdown.extensions.nl2br", "markdown.extensions.wikilinks",
    "markdown.extensions.fenced_code",
})
# What Python-Markdown rewrites in raw HTML before it sets it aside: tabs and line ends (its whitespace
# normalisation), its own marker characters, and fenced code blocks (fenced_code runs first).
_REWRITTEN = re.compile(r"[\t\r\x02\x03]|^(?:~{3,}|`{3,})", re.M)
# MkDocs collects the anchors a page holds (for its link checks): every id, and <a name>.
_ID = re.compile(r"""<([A-Za-z][^\s/>]*)([^<>]*?)\s(id|name)="([^"]*)\"""")


def applies(config, overrides) -> bool:
    """True when the site's Markdown extensions leave raw HTML as it is and no page template of okrops' is
    replaced (``overrides``: the organisation's ``site/overrides/okrops/`` folder, None without one)."""
    names = [name if isinstance(name, str) else type(name).__module__ for name in config.markdown_extensions]
    if overrides is not None and any(path.suffix == ".html" for path in overrides.rglob("*")):
        return False
    return all(name in PASSIVE_EXTENSIONS for name in names)


def is_raw_block(body: str) -> bool:
    """``body`` is one raw HTML block as okrops writes it: it opens with a tag and has no blank line."""
    stripped = body.strip()
    return stripped.startswith("<") and _REWRITTEN.search(body) is None and not any(
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
