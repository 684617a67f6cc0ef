"""One message, four media: Markdown (issues, discussions, run summaries), Slack, Microsoft Teams and HTML (a PDF).

Reminders and digests are built once as a :class:`Message` of plain data (sections of items,
each with its text, an optional link and details) and rendered for each medium here, so
every user-written text goes through the one guard of that medium: :func:`okrops.safetext.markdown`
for Markdown and Teams, Slack's own escaping (``&``, ``<``, ``>``) for Slack.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from okrops import safetext

SLACK_BLOCK_LIMIT = 2900  # characters of one section block (Slack allows 3000)
SLACK_MAX_BLOCKS = 48  # Slack allows 50 blocks a message
FORMATS = ("slack", "teams")


@dataclass
class Item:
    text: str  # user text, plain
    url: Optional[str] = None
    code: str = ""  # a reference shown as code before the text, e.g. platform/2026-Q4/O1/KR2
    detail: str = ""  # plain text after the text, e.g. "last check-in 2026-11-02 (18 days ago)"


@dataclass
class Section:
    heading: str  # plain text
    lead: str = ""  # plain text under the heading, e.g. "@acme/leads, please check in:"
    mentions: list[str] = field(default_factory=list)  # handles (@user, @org/team): mentioned, not escaped
    items: list[Item] = field(default_factory=list)
    sub: list["Section"] = field(default_factory=list)  # one level of subsections


@dataclass
class Message:
    title: str
    intro: str = ""
    sections: list[Section] = field(default_factory=list)
    empty: str = "Nothing to report."  # shown when there are no sections
    marker: str = ""  # an HTML comment for Markdown, to find the issue again


_HANDLE = re.compile(r"^@[A-Za-z0-9][A-Za-z0-9-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)?$")


def _mentions(handles: list[str]) -> str:
    return ", ".join(h for h in handles if _HANDLE.match(h))


# --- Markdown ----------------------------------------------------------------------------


def _md_item(item: Item) -> str:
    text = safetext.markdown(item.text)
    if item.url:
        text = f"[{text}]({_md_url(item.url)})"
    code = f"{safetext.markdown_code(item.code)} " if item.code else ""
    detail = f" — {safetext.markdown(item.detail)}" if item.detail else ""
    return f"- {code}{text}{detail}"


def _md_url(url: str) -> str:
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29")


def _md_section(section: Section, level: int) -> list[str]:
    lines = [f"{'#' * level} {safetext.markdown(section.heading)}", ""]
    lead = " ".join(p for p in (_mentions(section.mentions), safetext.markdown(section.lead)) if p)
    if lead:
        lines += [lead, ""]
    if section.items:
        lines += [_md_item(i) for i in section.items] + [""]
    for sub in section.sub:
        lines += _md_section(sub, level + 1)
    return lines


def markdown(message: Message, level: int = 2) -> str:
    lines = [message.marker] if message.marker else []
    lines += [f"{'#' * (level - 1)} {safetext.markdown(message.title)}" if level > 1 else safetext.markdown(message.title), ""]
    if message.intro:
        lines += [safetext.markdown(message.intro), ""]
    if not message.sections:
        lines += [safetext.markdown(message.empty), ""]
    for section in message.sections:
        lines += _md_section(section, level)
    return "\n".join(lines).rstrip() + "\n"


# --- Slack ---------------------------------------------------------------------------------


def _slack(text: str) -> str:
    return safetext.one_line(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _slack_item(item: Item) -> str:
    text = _slack(item.text)
    if item.url:
        text = f"<{item.url.replace('|', '%7C').replace('>', '%3E')}|{text.replace('|', '¦')}>"
    code = f"`{_slack(item.code)}` " if item.code else ""
    detail = f" — {_slack(item.detail)}" if item.detail else ""
    return f"• {code}{text}{detail}"


def _slack_lines(section: Section, depth: int = 0) -> list[str]:
    lines = [f"*{_slack(section.heading)}*"]
    lead = " ".join(p for p in (_mentions(section.mentions), _slack(section.lead)) if p)
    if lead:
        lines.append(lead)
    lines += [_slack_item(i) for i in section.items]
    for sub in section.sub:
        lines += _slack_lines(sub, depth + 1)
    return lines


def slack(message: Message) -> dict:
    """A Slack incoming-webhook payload: a fallback text and section blocks of at most ~3000 characters."""
    chunks: list[str] = []
    body = [_slack(message.intro)] if message.intro else []
    if not message.sections:
        body.append(_slack(message.empty))
    for section in message.sections:
        body += [""] + _slack_lines(section)
    current = ""
    for line in body:
        line = line[:SLACK_BLOCK_LIMIT]
        if len(current) + len(line) + 1 > SLACK_BLOCK_LIMIT:
            chunks.append(current)
            current = ""
        current += line + "\n"
    if current.strip():
        chunks.append(current)
    blocks: list[dict] = [{"type": "header", "text": {"type": "plain_text", "text": safetext.one_line(message.title)[:150]}}]
    for chunk in chunks[:SLACK_MAX_BLOCKS]:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": chunk.strip() or " "}})
    if len(chunks) > SLACK_MAX_BLOCKS:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": "(shortened: see the issue or the site)"}]})
    return {"text": _slack(message.title), "blocks": blocks}


# --- Microsoft Teams -------------------------------------------------------------------------


def teams(message: Message) -> dict:
    """A Teams incoming-webhook (Workflows) payload: one Adaptive Card of text blocks, Markdown links."""
    body: list[dict] = [{"type": "TextBlock", "size": "Large", "weight": "Bolder", "wrap": True,
                         "text": safetext.markdown(message.title)}]
    if message.intro:
        body.append({"type": "TextBlock", "wrap": True, "text": safetext.markdown(message.intro)})
    if not message.sections:
        body.append({"type": "TextBlock", "wrap": True, "text": safetext.markdown(message.empty)})

    def add(section: Section, depth: int) -> None:
        body.append({"type": "TextBlock", "wrap": True, "weight": "Bolder", "spacing": "Medium",
                     "size": "Medium" if depth == 0 else "Default", "text": safetext.markdown(section.heading)})
        lead = " ".join(p for p in (_mentions(section.mentions), safetext.markdown(section.lead)) if p)
        if lead:
            body.append({"type": "TextBlock", "wrap": True, "text": lead})
        if section.items:
            body.append({"type": "TextBlock", "wrap": True, "text": "\n".join(_md_item(i) for i in section.items)})
        for sub in section.sub:
            add(sub, depth + 1)

    for section in message.sections:
        add(section, 0)
    card = {"$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "type": "AdaptiveCard", "version": "1.4",
            "body": body}
    return {"type": "message", "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive",
                                                "contentUrl": None, "content": card}]}


def payload(message: Message, fmt: str) -> dict:
    return slack(message) if fmt == "slack" else teams(message)


# --- HTML (for a PDF) ---------------------------------------------------------------------------

PRINT_CSS = """body { font: 11pt/1.4 sans-serif; margin: 0; } h1 { font-size: 18pt; } h2 { font-size: 14pt; }
h3 { font-size: 12pt; } .ref { font-family: monospace; color: #555; } .detail { color: #444; }
section.top { break-before: page; } section.top:first-of-type { break-before: auto; } li { break-inside: avoid; }
@page { size: A4; margin: 18mm 15mm; }"""


def html(message: Message) -> str:
    """A standalone, print-ready HTML page: each top-level section starts a new printed page."""
    from html import escape

    def item(i: Item) -> str:
        text = escape(i.text)
        if i.url and re.match(r"^https?://", i.url):
            text = f'<a href="{escape(i.url)}">{text}</a>'
        code = f'<span class="ref">{escape(i.code)}</span> ' if i.code else ""
        detail = f' <span class="detail">— {escape(i.detail)}</span>' if i.detail else ""
        return f"<li>{code}{text}{detail}</li>"

    def section(s: Section, level: int) -> str:
        parts = [f"<h{level}>{escape(s.heading)}</h{level}>"]
        lead = " ".join(p for p in (escape(_mentions(s.mentions)), escape(s.lead)) if p)
        if lead:
            parts.append(f"<p>{lead}</p>")
        if s.items:
            parts.append("<ul>" + "".join(item(i) for i in s.items) + "</ul>")
        parts += [section(sub, min(level + 1, 6)) for sub in s.sub]
        body = "".join(parts)
        return f'<section class="top">{body}</section>' if level == 2 else body

    body = "".join(section(s, 2) for s in message.sections) or f"<p>{escape(message.empty)}</p>"
    intro = f"<p>{escape(message.intro)}</p>" if message.intro else ""
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(message.title)}</title>'
            f"<style>{PRINT_CSS}</style></head><body><h1>{escape(message.title)}</h1>{intro}{body}</body></html>")
