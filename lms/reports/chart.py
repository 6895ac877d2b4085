"""Bar charts drawn on the server as SVG (no script, no library): completions per week, a share
per month, a share per unit. Pure. Each has a title and description for screen readers; the
page shows the same figures in a table beside it."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

ROW, LABEL, PAD = 44, 18, 24
"""share_bars: a row's height, the height of its label line, the padding below the last row."""
BAR_WIDTH, BAR_ROW, BAR_LABELS, BAR_FIGURES, BAR_PAD = 360, 26, 64, 44, 4
"""bar_chart: the drawing's width, a row's height, the label column's and the figure column's
width, the padding above and below."""


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
    """Lying bars, one row per label with the label on the left and the value (followed by
    ``suffix``, such as ``%``) on the right; ``top`` is the value of a full bar, by default the
    largest. The chart is drawn about as wide as a phone's screen, so there its text keeps its size
    (ten labels side by side at 390 px would be 7 px tall)."""
    top = top or max(values, default=0) or 1
    room = BAR_WIDTH - BAR_LABELS - BAR_FIGURES
    height = BAR_ROW * max(len(values), 1) + 2 * BAR_PAD
    parts = [
        _open(ident, BAR_WIDTH, height, title, desc),
        f'<line x1="{BAR_LABELS}" y1="{BAR_PAD}" x2="{BAR_LABELS}" y2="{height - BAR_PAD}" '
        'class="chart-axis"/>',
    ]
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = BAR_PAD + i * BAR_ROW
        length = room * value / top
        middle = y + BAR_ROW / 2
        parts.append(
            f'<text x="{BAR_LABELS - 8}" y="{middle:.1f}" class="chart-label" text-anchor="end" '
            f'dominant-baseline="middle">{escape(label)}</text>'
        )
        parts.append(
            f'<rect x="{BAR_LABELS}" y="{y + BAR_ROW * 0.15:.1f}" width="{length:.1f}" '
            f'height="{BAR_ROW * 0.7:.1f}" class="chart-bar"/>'
        )
        parts.append(
            f'<text x="{BAR_LABELS + length + 6:.1f}" y="{middle:.1f}" class="chart-value" '
            f'dominant-baseline="middle">{value}{escape(suffix)}</text>'
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
