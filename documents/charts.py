"""Charts for documents as standalone SVG (WeasyPrint draws them as vectors).

    bar_chart_svg([("SCR-101 Bar screen", 588164.0), …], value_text=lambda v: "588,164 EUR")

A horizontal bar chart: one row per item, largest first, the label on the
left, the bar scaled to the largest value and the value's text after it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from xml.sax.saxutils import escape

PALETTE = ("#1f5fa8", "#2f855a", "#b7791f", "#7c3aed", "#c53030", "#2c7a7b", "#6b7280", "#d53f8c", "#3182ce", "#805ad5")
WIDTH = 680
ROW = 24
LABEL_WIDTH = 250
VALUE_WIDTH = 150
LABEL_CHARS = 40
FONT = "DejaVu Sans, sans-serif"


def _short(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bar_chart_svg(
    rows: Sequence[tuple[str, float]],
    *,
    value_text: Callable[[float], str] = lambda v: f"{v:,.0f}",
    title: str = "",
) -> str:
    rows = sorted(((str(label), float(value)) for label, value in rows if value and value > 0), key=lambda r: -r[1])
    top = 28 if title else 6
    height = top + ROW * max(len(rows), 1) + 8
    largest = max((value for _label, value in rows), default=1.0)
    bar_space = WIDTH - LABEL_WIDTH - VALUE_WIDTH - 16
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" font-family="{FONT}" font-size="11">'
    ]
    if title:
        parts.append(f'<text x="0" y="16" font-size="12" font-weight="bold" fill="#1f2937">{escape(title)}</text>')
    for index, (label, value) in enumerate(rows):
        y = top + index * ROW
        width = max(1.0, bar_space * value / largest)
        colour = PALETTE[index % len(PALETTE)]
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 15}" text-anchor="end" fill="#1f2937">{escape(_short(label))}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y + 4}" width="{width:.1f}" height="{ROW - 8}" rx="2" fill="{colour}"/>'
            f'<text x="{LABEL_WIDTH + width + 6:.1f}" y="{y + 15}" fill="#374151">{escape(value_text(value))}</text>'
        )
    parts.append(f'<line x1="{LABEL_WIDTH}" y1="{top}" x2="{LABEL_WIDTH}" y2="{height - 6}" stroke="#9ca3af"/>')
    parts.append("</svg>")
    return "".join(parts)
