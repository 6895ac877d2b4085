"""Accessibility checks for a page in the browser: axe-core's WCAG 2.1 A/AA rules, and no sideways
scrolling on a phone.

axe.min.js is injected with ``page.evaluate``, which the app's Content-Security-Policy does not apply
to; a ``<script>`` tag (``page.add_script_tag``) would be refused by ``script-src 'self'``.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from playwright.sync_api import Page

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE_WIDTH = 390


@cache
def axe_source() -> str:
    return files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")


def axe_violations(page: Page) -> list[dict]:
    """Run axe on the page as it is now and return its violations (an empty list when clean)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    results = page.evaluate(
        """tags => axe.run(document, {
            runOnly: {type: "tag", values: tags},
            resultTypes: ["violations"],
        })""",
        WCAG_TAGS,
    )
    return results["violations"]


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation.get('impact') or 'unknown impact'}): "
            f"{violation['help']}\n  {violation['helpUrl']}"
        )
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            summary = (node.get("failureSummary") or "").replace("\n", "\n      ")
            lines.append(f"    at {target}\n      {node['html'][:200]}\n      {summary}")
    return "\n".join(lines)


def horizontal_overflow(page: Page, width: int | None = None) -> list[str]:
    """Describe what makes the page wider than ``width`` (default: the viewport's; empty if it fits)."""
    width = width or (page.viewport_size or {}).get("width") or PHONE_WIDTH
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    if scroll_width <= width:
        return []
    culprits = page.evaluate(
        """width => Array.from(document.querySelectorAll("body *"))
            .filter(el => el.getBoundingClientRect().right > width + 0.5)
            .slice(0, 10)
            .map(el => el.tagName.toLowerCase()
                 + (el.id ? "#" + el.id : "")
                 + (el.className && typeof el.className === "string"
                    ? "." + el.className.trim().split(/\\s+/).join(".") : "")
                 + " right=" + Math.round(el.getBoundingClientRect().right))""",
        width,
    )
    return [f"page is {scroll_width}px wide at a {width}px viewport", *culprits]


def assert_accessible(page: Page) -> None:
    """Fail unless the page passes axe's WCAG 2.1 A and AA rules and does not scroll sideways
    (the ``page`` fixture's viewport is a 390px-wide phone)."""
    problems = []
    violations = axe_violations(page)
    if violations:
        problems.append(
            f"axe found {len(violations)} WCAG 2.1 A/AA violation(s):\n"
            + describe_violations(violations)
        )
    overflow = horizontal_overflow(page)
    if overflow:
        problems.append("the page scrolls sideways on a phone:\n  " + "\n  ".join(overflow))
    if problems:
        raise AssertionError(f"{page.url} is not accessible:\n" + "\n".join(problems))


def assert_accessible_without_javascript(page: Page) -> None:
    """``assert_accessible`` for a page of a context with JavaScript off. axe cannot run there: it
    waits on timers, which never fire with scripts off, so ``axe.run`` would never return. The page
    as that browser shows it is served again at its address to a new page with JavaScript on and
    every script request refused (the same markup, styles and viewport; none of the app's scripts
    runs), and checked there."""
    html, url = page.content(), page.url
    copy = page.context.browser.new_context(
        viewport=page.viewport_size, storage_state=page.context.storage_state()
    )
    try:
        copy.set_default_timeout(10_000)
        copy.route(
            "**/*",
            lambda route: (
                route.abort() if route.request.resource_type == "script" else route.continue_()
            ),
        )
        checked = copy.new_page()
        checked.route(
            url, lambda route: route.fulfill(body=html, content_type="text/html; charset=utf-8")
        )
        checked.goto(url)
        assert_accessible(checked)
    finally:
        copy.close()
