"""A bar chart of completions per week, drawn on the server as SVG (no script, no library). Pure.

The bars lie down, one row per week with its label on the left and its figure on the right, so the
chart is drawn about as wide as a phone's screen: there the text keeps its size instead of being
shrunk with a wide chart (ten week labels side by side at 390 px would be 7 px tall).
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

WIDTH, ROW, LABELS, FIGURES, PAD = 360, 26, 64, 36, 4
"""The drawing's width, a row's height, the width of the label column and of the figure column."""


def bar_chart(labels: Sequence[str], values: Sequence[int], *, title: str, desc: str) -> Markup:
    """An SVG bar chart with a title and description for screen readers (the table beside it holds
    the same figures)."""
    top = max(values, default=0) or 1
    room = WIDTH - LABELS - FIGURES
    height = ROW * max(len(values), 1) + 2 * PAD
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="chart-title chart-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="chart-title">{escape(title)}</title><desc id="chart-desc">{escape(desc)}</desc>',
        f'<line x1="{LABELS}" y1="{PAD}" x2="{LABELS}" y2="{height - PAD}" class="chart-axis"/>',
    ]
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = PAD + i * ROW
        length = room * value / top
        middle = y + ROW / 2
        parts.append(
            f'<text x="{LABELS - 8}" y="{middle:.1f}" class="chart-label" text-anchor="end" '
            f'dominant-baseline="middle">{escape(label)}</text>'
        )
        parts.append(
            f'<rect x="{LABELS}" y="{y + ROW * 0.15:.1f}" width="{length:.1f}" '
            f'height="{ROW * 0.7:.1f}" class="chart-bar"/>'
        )
        parts.append(
            f'<text x="{LABELS + length + 6:.1f}" y="{middle:.1f}" class="chart-value" '
            f'dominant-baseline="middle">{value}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
