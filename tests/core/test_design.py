"""The contrast table in docs/design.md against the colour tokens in the stylesheet, light and dark."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CSS = (ROOT / "lms" / "static" / "css" / "app.css").read_text(encoding="utf-8")
DOC = (ROOT / "docs" / "design.md").read_text(encoding="utf-8")
TOKEN = re.compile(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})\b")
PAIR_ROW = re.compile(
    r"^\| `--([a-z-]+)` \| `--([a-z-]+)` \| ([\d.]+) \| ([\d.]+) \| ([\d.]+) \|", re.MULTILINE
)
DARK = "@media (prefers-color-scheme: dark)"


def colour_tokens() -> tuple[dict[str, str], dict[str, str]]:
    """The light tokens (the first ``:root``) and the dark ones (light overridden by the dark block)."""
    light_block = CSS[CSS.index(":root {") : CSS.index(DARK)]
    dark_block = CSS[CSS.index(DARK) : CSS.index("}\n}", CSS.index(DARK))]
    light = dict(TOKEN.findall(light_block))
    return light, {**light, **dict(TOKEN.findall(dark_block))}


def luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    red, green, blue = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(foreground: str, background: str) -> float:
    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_white_on_the_brand_blue_is_the_known_ratio():
    assert contrast("#ffffff", "#0b5394") == pytest.approx(7.84, abs=0.005)
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)


def test_the_doc_states_the_contrast_of_each_pair_as_the_tokens_give_it():
    light, dark = colour_tokens()
    rows = PAIR_ROW.findall(DOC)
    assert len(rows) >= 15, "the contrast table in docs/design.md was not found"
    for foreground, background, stated_light, stated_dark, minimum in rows:
        for scheme, tokens, stated in (("light", light, stated_light), ("dark", dark, stated_dark)):
            actual = contrast(tokens[foreground], tokens[background])
            pair = f"--{foreground} on --{background} ({scheme})"
            assert actual == pytest.approx(float(stated), abs=0.01), f"{pair} is {actual:.2f}"
            assert actual >= float(minimum), f"{pair} is {actual:.2f}, under {minimum}"


def test_every_colour_token_has_a_dark_value():
    light, _ = colour_tokens()
    dark_block = CSS[CSS.index(DARK) : CSS.index("}\n}", CSS.index(DARK))]
    assert set(dict(TOKEN.findall(dark_block))) == set(light)


# Colour literals ----------------------------------------------------------------------------------

STYLESHEETS = sorted((ROOT / "lms" / "static" / "css").glob("*.css"))
COLOUR_LITERAL = re.compile(
    r"#[0-9a-fA-F]{3,8}\b|\b(?:rgba?|hsla?|hwb|lab|lch|oklab|oklch|color)\("
    r"|(?<![\w-])(?:white|black|red|green|blue|gr[ae]y|silver|yellow|orange|navy|maroon)(?![\w-])"
)
RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
ALLOWED_LITERALS = {("qr", "background: #fff"), ("video", "background: #000")}
"""docs/design.md's exceptions: white behind QR codes (a scanner needs them dark on light) and
black behind video."""


def _rules(path: Path) -> list[tuple[str, str]]:
    """(selector, declarations) of each rule, comments and app.css's token blocks left out."""
    text = re.sub(r"/\*.*?\*/", "", path.read_text(encoding="utf-8"), flags=re.DOTALL)
    return [
        (selector.strip(), body)
        for selector, body in RULE.findall(text)
        if not selector.strip().endswith(":root")
    ]


@pytest.mark.parametrize("path", STYLESHEETS, ids=lambda path: path.name)
def test_a_stylesheet_uses_the_colour_tokens_not_literals(path):
    found = []
    for selector, body in _rules(path):
        for declaration in body.split(";"):
            declaration = " ".join(declaration.split())
            if not COLOUR_LITERAL.search(declaration):
                continue
            if any(part in selector and declaration == allowed for part, allowed in ALLOWED_LITERALS):
                continue
            found.append(f"{selector} {{ {declaration} }}")
    assert found == [], f"{path.name} has colours outside the tokens (docs/design.md)"


@pytest.mark.parametrize("path", STYLESHEETS, ids=lambda path: path.name)
def test_a_stylesheet_uses_only_tokens_that_app_css_defines(path):
    defined = set(re.findall(r"--([a-z0-9-]+):", CSS[CSS.index(":root {") : CSS.index(DARK)]))
    used = set(re.findall(r"var\(--([a-z0-9-]+)", path.read_text(encoding="utf-8")))
    assert used - defined == set()
