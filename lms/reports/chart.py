"""A bar chart of completions per week, drawn on the server as SVG (no script, no library). Pure."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

WIDTH, HEIGHT, PAD, AXIS = 640, 220, 24, 28


def bar_chart(labels: Sequence[str], values: Sequence[int], *, title: str, desc: str) -> Markup:
    """An SVG bar chart with a title and description for screen readers (the table beside it holds
    the same figures)."""
    top = max(values, default=0) or 1
    slot = (WIDTH - 2 * PAD) / max(len(values), 1)
    plot = HEIGHT - PAD - AXIS
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="chart-title chart-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="chart-title">{escape(title)}</title><desc id="chart-desc">{escape(desc)}</desc>',
        f'<line x1="{PAD}" y1="{PAD + plot}" x2="{WIDTH - PAD}" y2="{PAD + plot}" class="chart-axis"/>',
    ]
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        height = plot * value / top
        x = PAD + i * slot + slot * 0.15
        y = PAD + plot - height
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{height:.1f}" '
            'class="chart-bar"/>'
        )
        parts.append(
            f'<text x="{x + slot * 0.35:.1f}" y="{y - 4:.1f}" class="chart-value" '
            f'text-anchor="middle">{value}</text>'
        )
        parts.append(
            f'<text x="{x + slot * 0.35:.1f}" y="{HEIGHT - PAD + 4:.1f}" class="chart-label" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
