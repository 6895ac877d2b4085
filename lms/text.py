"""Untrusted text made safe, once, at the edge: Markdown rendered and cleaned against one allow-list.

Markdown from module packages and anything people type (reflections, notes, descriptions) goes
through ``render_markdown``; templates autoescape everything else.
"""

from __future__ import annotations

import bleach
from markdown_it import MarkdownIt
from markupsafe import Markup

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr", "strong", "em", "b", "i", "s", "sub", "sup", "mark", "small",
        "h2", "h3", "h4", "ul", "ol", "li", "blockquote", "code", "pre", "a", "img",
        "table", "thead", "tbody", "tr", "th", "td", "figure", "figcaption", "abbr", "dl", "dt", "dd",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": ["href", "title", "lang"],
    "img": ["src", "alt", "title", "width", "height"],
    "abbr": ["title"],
    "th": ["scope"],
    "*": ["lang"],
}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto", "tel"})

_markdown = MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False}).enable(
    "table"
)
_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
)


def clean_html(html: str) -> Markup:
    """``html`` with everything outside the allow-list removed."""
    return Markup(_cleaner.clean(html))


def render_markdown(text: str) -> Markup:
    """Markdown rendered to HTML and cleaned; headings start at h2 (the page owns h1)."""
    return clean_html(_shift_headings(_markdown.render(text or "")))


def _shift_headings(html: str) -> str:
    for level in (5, 4, 3, 2, 1):
        html = html.replace(f"<h{level}>", f"<h{level + 1}>").replace(f"</h{level}>", f"</h{level + 1}>")
    return html
