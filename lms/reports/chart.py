"""Bar charts drawn on the server as SVG (no script, no library): completions per week, a share
per month, a share per unit. Pure. Each has a title and description for screen readers; the
page shows the same figures in a table beside it."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

WIDTH, HEIGHT, PAD, AXIS = 640, 220, 24, 28
ROW, LABEL = 44, 18


def _open(ident: str, width: int, height: int, title: str, desc: str) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{ident}-title">{escape(title)}</title>'
        f'<desc id="{ident}-desc">{escape(desc)}</desc>'
    )


def bar_chart(
    labels: Sequence[str],
    values: Sequence[int],
    *,
    title: str,
    desc: str,
    ident: str = "chart",
    top: int | None = None,
    suffix: str = "",
) -> Markup:
    """Upright bars, one per label (``top``: the value of a full bar, default the largest);
    ``suffix`` follows each value written above its bar (such as ``%``)."""
    top = top or max(values, default=0) or 1
    slot = (WIDTH - 2 * PAD) / max(len(values), 1)
    plot = HEIGHT - PAD - AXIS
    parts = [
        _open(ident, WIDTH, HEIGHT, title, desc),
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
            f'text-anchor="middle">{value}{escape(suffix)}</text>'
        )
        parts.append(
            f'<text x="{x + slot * 0.35:.1f}" y="{HEIGHT - PAD + 4:.1f}" class="chart-label" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def share_bars(
    labels: Sequence[str], shares: Sequence[int], *, title: str, desc: str, ident: str
) -> Markup:
    """Lying bars of percentages, each under its label: long names stay readable on a phone, where
    the chart is drawn about 390 px wide."""
    width = 390
    height = ROW * max(len(shares), 1) + PAD
    parts = [_open(ident, width, height, title, desc)]
    for i, (label, share) in enumerate(zip(labels, shares, strict=True)):
        y = PAD / 2 + i * ROW
        parts.append(f'<text x="0" y="{y + 12:.1f}" class="chart-label">{escape(label)}</text>')
        parts.append(
            f'<rect x="0" y="{y + LABEL:.1f}" width="{(width - 48) * share / 100:.1f}" '
            f'height="14" class="chart-bar"/>'
        )
        parts.append(
            f'<text x="{(width - 48) * share / 100 + 4:.1f}" y="{y + LABEL + 12:.1f}" '
            f'class="chart-value">{share}%</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
