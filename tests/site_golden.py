"""Normalised HTML of generated pages, for the golden tests (tests/test_site_golden.py).

A page's Markdown (front matter and one raw HTML block) is written one block-level element
a line, indented by nesting, attributes sorted by name, runs of whitespace in text made one
space. Text and attribute values keep their escaping exactly as written, so a change in
escaping shows. Abbreviated and full commit ids become ``<commit>``: they depend on the
fixture's file contents, not on the templates.
"""

from __future__ import annotations

import re

BLOCK = {"div", "p", "section", "nav", "h1", "h2", "h3", "h4", "ul", "ol", "li", "table", "thead", "tbody", "tr",
         "td", "th", "details", "summary", "figure", "figcaption", "svg", "text", "path", "line", "rect", "circle",
         "polyline"}
VOID = {"br", "img", "hr", "input", "meta", "link", "wbr"}
_TOKEN = re.compile(r"<!--.*?-->|<[^>]+>|[^<]+", re.S)
_TAG = re.compile(r"<(/?)([A-Za-z][\w:-]*)(.*?)(/?)>", re.S)
_ATTR = re.compile(r"""([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?""")
_COMMIT = re.compile(r"\b[0-9a-f]{40}\b|(?<=<code>)[0-9a-f]{7,8}(?=</code>)")


def _tag(token: str) -> tuple[str, bool, bool, str]:
    """(name, closing?, self-closing?, normalised text) of a tag token."""
    match = _TAG.fullmatch(token)
    if match is None:
        return "", False, False, token
    closing, name, rest, selfclosing = match.groups()
    attrs = []
    for a in _ATTR.finditer(rest):
        value = next((v for v in a.groups()[1:] if v is not None), None)
        attrs.append(a.group(1) if value is None else f'{a.group(1)}="{value}"')
    text = f"<{closing}{name}{''.join(' ' + a for a in sorted(attrs))}{selfclosing}>"
    return name.lower(), bool(closing), bool(selfclosing) or name.lower() in VOID, text


def normalise_html(html: str) -> str:
    lines: list[str] = []
    current: list[str] = []
    stack: list[list] = []  # [name, had block children?]

    def flush() -> None:
        if current:
            line = "".join(current).rstrip()
            if line.strip():
                lines.append(line)
            current.clear()

    def add(text: str) -> None:
        if not current:
            text = text.lstrip()
            if not text:
                return
            current.append("  " * len(stack))
        current.append(text)

    for match in _TOKEN.finditer(html):
        token = match.group(0)
        if not token.startswith("<"):
            add(re.sub(r"\s+", " ", token))
            continue
        name, closing, selfclosing, text = _tag(token)
        if name not in BLOCK:
            add(text)
        elif not closing:
            flush()
            if stack:
                stack[-1][1] = True
            add(text)
            if not selfclosing:
                stack.append([name, False])
        else:
            had_children = stack.pop()[1] if stack else True
            if had_children:
                flush()
            add(text)
            if had_children:
                flush()
    flush()
    return "\n".join(lines) + "\n"


def normalise_page(markdown: str) -> str:
    """A generated page's Markdown: its front matter as it is, then the normalised HTML."""
    markdown = _COMMIT.sub("<commit>", markdown)
    if markdown.startswith("---\n"):
        end = markdown.index("\n---\n", 4) + 5
        return markdown[:end] + normalise_html(markdown[end:])
    return normalise_html(markdown)
