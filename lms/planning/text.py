"""Free text people type into the plan and the survey, made plain at the edge: any markup is
stripped with bleach, so the pages (which escape) and the exported document (which does not know
HTML) show the words only."""

from __future__ import annotations

import html

import bleach


def plain(text: str | None, limit: int) -> str:
    """``text`` without tags, trimmed, at most ``limit`` characters."""
    cleaned = html.unescape(bleach.clean(text or "", tags=set(), strip=True, strip_comments=True))
    return cleaned.strip()[:limit]
