"""Server-drawn SVG charts for the console: no script, no inline style, scaled to the screen by their viewBox."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from markupsafe import Markup, escape

PLOT_HEIGHT: Final = 120  # SVG units of the tallest column
COLUMN: Final = 20  # SVG units per column (bar and gap)
TOP, BOTTOM, LEFT = 18, 22, 4


def column_chart(values: Sequence[int], labels: Sequence[str], title: str, every: int = 3) -> Markup:
    """Columns for ``values`` (the tallest ``PLOT_HEIGHT`` high), each count above it, every ``every``-th label
    below; a ``<title>`` and ``aria-label`` name it for screen readers."""
    if len(values) != len(labels):
        raise ValueError("one label per value")
    top = max([*values, 1])
    width = LEFT * 2 + COLUMN * len(values)
    height = TOP + PLOT_HEIGHT + BOTTOM
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
             f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>',
             f'<line x1="{LEFT}" y1="{TOP + PLOT_HEIGHT}" x2="{width - LEFT}" y2="{TOP + PLOT_HEIGHT}" '
             f'stroke="#5b6677"></line>']
    for index, (value, label) in enumerate(zip(values, labels)):
        bar = round(PLOT_HEIGHT * value / top)
        x = LEFT + index * COLUMN
        middle = x + COLUMN // 2
        parts.append(f'<rect x="{x + 2}" y="{TOP + PLOT_HEIGHT - bar}" width="{COLUMN - 4}" height="{bar}" '
                     f'fill="#0b5cad"><title>{escape(label)} : {value}</title></rect>')
        if value:
            parts.append(f'<text x="{middle}" y="{TOP + PLOT_HEIGHT - bar - 3}" text-anchor="middle" '
                         f'font-size="9">{value}</text>')
        if index % every == 0:
            parts.append(f'<text x="{middle}" y="{height - 6}" text-anchor="middle" font-size="10">'
                         f'{escape(label)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def hours_chart(per_hour: Sequence[int], title: str) -> Markup:
    """Hops per hour of a day: 24 columns labelled ``00h`` to ``23h``."""
    if len(per_hour) != 24:
        raise ValueError("one value per hour")
    return column_chart(per_hour, [f"{hour:02d}h" for hour in range(24)], title)
