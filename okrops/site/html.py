"""Small HTML pieces for the generated pages.

Every user-written string goes through :func:`esc` before it reaches a page:
the generated Markdown is made of raw HTML blocks, which Markdown leaves alone,
so escaped text is shown as plain text whatever HTML, Markdown or template
syntax it holds. ``{`` and ``}`` are escaped too, so a macros plugin that an
organisation adds later cannot evaluate ``{{ ... }}`` written in an OKR.
"""

from __future__ import annotations

import html
import posixpath
from typing import Optional
from urllib.parse import urlsplit

_EXTRA = str.maketrans({"{": "&#123;", "}": "&#125;", "%": "&#37;", "\n": " ", "\r": " ", "\\": "&#92;",
                        "`": "&#96;", "*": "&#42;", "_": "&#95;", "[": "&#91;", "]": "&#93;", "|": "&#124;"})

STATUS_LABELS = {
    "done": "Done",
    "on-track": "On track",
    "at-risk": "At risk",
    "off-track": "Off track",
    "no-data": "No data",
    "not-started": "Not started",
}


def esc(text: object) -> str:
    """Escape user text for HTML content or a quoted attribute; Markdown and template syntax become entities."""
    if text is None:
        return ""
    return html.escape(str(text), quote=True).translate(_EXTRA)


def title_text(text: str) -> str:
    """A page title for the theme's templates, which insert it without escaping (see overrides/main.html)."""
    return esc(text)


def safe_url(url: str) -> Optional[str]:
    """An external link's href, or None unless it is http(s)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return html.escape(url.strip(), quote=True).replace("{", "%7B").replace("}", "%7D")


def number(value: Optional[float], measure: str = "") -> str:
    if value is None:
        return "–"
    text = f"{value:,.2f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value):,}"
    if measure:
        return f"{text} {esc(measure)}" if measure not in ("%",) else f"{text}%"
    return text


def percent(value: Optional[float]) -> str:
    return "–" if value is None else f"{round(value * 100)}%"


def bar(value: Optional[float], expected: Optional[float] = None, label: str = "progress") -> str:
    """A progress bar (pure HTML/CSS) with an optional expected-progress marker and the value beside it."""
    if value is None:
        return (f'<span class="okr-bar okr-bar--none" role="img" aria-label="{label}: no data">'
                '<span class="okr-bar__track"></span><span class="okr-bar__text">–</span></span>')
    width = max(0.0, min(1.0, value)) * 100
    marker = ""
    aria = f"{label}: {percent(value)}"
    if expected is not None:
        left = max(0.0, min(1.0, expected)) * 100
        marker = f'<span class="okr-bar__expected" style="left:{left:.0f}%"></span>'
        aria += f", expected by now {percent(expected)}"
    tone = "good" if expected is None or value >= expected - 0.1 else "warn" if value >= expected - 0.25 else "bad"
    return (f'<span class="okr-bar okr-bar--{tone}" role="img" aria-label="{aria}"><span class="okr-bar__track">'
            f'<span class="okr-bar__fill" style="width:{width:.0f}%"></span>{marker}</span>'
            f'<span class="okr-bar__text">{percent(value)}</span></span>')


def status_badge(status: str) -> str:
    return f'<span class="okr-status okr-status--{esc(status)}">{STATUS_LABELS.get(status, esc(status))}</span>'


def badge(text: str, kind: str = "") -> str:
    return f'<span class="okr-badge{" okr-badge--" + kind if kind else ""}">{esc(text)}</span>'


def confidence(value: Optional[float]) -> str:
    if value is None:
        return "–"
    tone = "good" if value >= 0.7 else "warn" if value >= 0.5 else "bad"
    return f'<span class="okr-conf okr-conf--{tone}">{value:.1f}</span>'


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
        start = from_dir.strip("/") or "."
        target = to_dir.strip("/") or "."
        path = posixpath.relpath(target, start)
        if self.use_directory_urls:
            href = "./" if path == "." else path + "/"
        else:
            href = "index.html" if path == "." else path + "/index.html"
        return href + (f"#{anchor}" if anchor else "")

    def asset(self, from_dir: str, asset_path: str) -> str:
        start = from_dir.strip("/") or "."
        return posixpath.relpath(asset_path, start)


def link(href: str, text_html: str, cls: str = "") -> str:
    return f'<a href="{href}"{f" class={chr(34)}{cls}{chr(34)}" if cls else ""}>{text_html}</a>'


def anchor_id(*parts: str) -> str:
    return "-".join(p.lower() for p in parts)
