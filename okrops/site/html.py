"""Text for the generated pages: the one escape for user text, number formats, links between pages.

The pages are Markdown files made of raw HTML blocks, rendered from the templates in
``templates/`` (see :mod:`okrops.site.render`). Every value a template prints goes through
:func:`esc` automatically, so user text is shown as plain text whatever HTML, Markdown or
template syntax it holds: besides ``& < > " '``, the characters Markdown and template
engines give a meaning (``{ } % * _ [ ] | \\`` and backquote) become entities and control
characters visible symbols, so a macros plugin that an organisation adds later cannot evaluate
``{{ ... }}`` written in an OKR, a line break cannot end the HTML block, and no escape sequence
reaches a page. Nothing else in okrops calls :func:`esc` but the
template environment and :func:`title_text`.
"""

from __future__ import annotations

import html
import posixpath
import re
from typing import Optional
from urllib.parse import urlsplit

# Control characters have no place in HTML text (a parse error; an escape sequence copied from a page could
# reach a terminal): a C0 control or DEL shows as its Unicode control picture (ESC as U+241B), a C1 control
# as U+FFFD. Tab, line feed and carriage return are spaces.
_CONTROLS = {chr(c): chr(0x2400 + c) for c in range(0x20) if chr(c) not in "\t\n\r"}
_CONTROLS.update({"\x7f": "\u2421", "\t": " "}, **{chr(c): "\ufffd" for c in range(0x80, 0xA0)})
_EXTRA = str.maketrans({"{": "&#123;", "}": "&#125;", "%": "&#37;", "\n": " ", "\r": " ", "\\": "&#92;",
                        "`": "&#96;", "*": "&#42;", "_": "&#95;", "[": "&#91;", "]": "&#93;", "|": "&#124;",
                        **_CONTROLS})
_SPECIAL = re.compile(r"[&<>\"'{}%\\`*_\[\]|\x00-\x1f\x7f-\x9f]")


def esc(text: object) -> str:
    """Escape user text for HTML content or a quoted attribute; Markdown and template syntax become entities."""
    if text is None:
        return ""
    text = str(text)
    if _SPECIAL.search(text) is None:  # most titles, every number and date: nothing to do
        return text
    return html.escape(text, quote=True).translate(_EXTRA)


def title_text(text: str) -> str:
    """A page title for the theme's templates, which insert it without escaping (see overrides/main.html)."""
    return esc(text)


def safe_url(url: str) -> Optional[str]:
    """An external link's address (to be escaped where it is written), or None unless it is http(s)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return url.strip().replace("{", "%7B").replace("}", "%7D")


def number(value: Optional[float], measure: str = "") -> str:
    """A value as plain text: ``1,250``, ``0.25``, ``99.5%``, ``12 contracts``; ``–`` for none."""
    if value is None:
        return "–"
    text = f"{value:,.2f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value):,}"
    if measure:
        return f"{text} {measure}" if measure not in ("%",) else f"{text}%"
    return text


def percent(value: Optional[float]) -> str:
    return "–" if value is None else f"{round(value * 100)}%"


class Linker:
    """Relative links between generated pages, for both directory and file URLs."""

    def __init__(self, use_directory_urls: bool = True):
        self.use_directory_urls = use_directory_urls

    def url(self, page_dir: str) -> str:
        """URL of a generated page, given as its folder ('' for the home page)."""
        page_dir = page_dir.strip("/")
        if self.use_directory_urls:
            return f"{page_dir}/" if page_dir else ""
        return f"{page_dir}/index.html" if page_dir else "index.html"

    def rel(self, from_dir: str, to_dir: str, anchor: str = "") -> str:
        """href from the page in ``from_dir`` to the page in ``to_dir``."""
        path = relative_path(to_dir, from_dir)
        if self.use_directory_urls:
            href = "./" if path == "." else path + "/"
        else:
            href = "index.html" if path == "." else path + "/index.html"
        return href + (f"#{anchor}" if anchor else "")

    def asset(self, from_dir: str, asset_path: str) -> str:
        start = from_dir.strip("/") or "."
        return posixpath.relpath(asset_path, start)


def relative_path(target: str, start: str) -> str:
    """``posixpath.relpath`` for two folders inside the site ('' is its root), without touching the file system."""
    to = [p for p in target.split("/") if p]
    here = [p for p in start.split("/") if p]
    common = 0
    for a, b in zip(to, here):
        if a != b:
            break
        common += 1
    parts = [".."] * (len(here) - common) + to[common:]
    return "/".join(parts) or "."


def anchor_id(*parts: str) -> str:
    return "-".join(p.lower() for p in parts)
