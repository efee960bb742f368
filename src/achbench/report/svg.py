"""Inline SVG charts for the HTML report: plain horizontal bars, no script, no fonts.

Every string that reaches the SVG passes through ``_e`` (``html.escape`` after
``achbench.core.text.visible``: XML allows no control characters); numbers are
formatted by us.  Colours come from classes styled by the report's CSS, with
fill attributes as a fallback for viewers that drop the stylesheet.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from achbench.core.text import visible

ROW = 22
"""Height of one bar's row, in px."""
LABEL = 40
"""Least width kept for the labels left of the bars (more for longer labels)."""
CHAR = 7.5
"""Roughly the width of one 12 px character, to size the label column."""
VALUE = 92
"""Width kept for the value right of the bars."""

FILL = {"lead": "#2e7d32", "bar": "#5c7cae", "warn": "#c62828", "mid": "#ef8f00", "none": "#999"}


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar: its label, its length as a share of the longest, the text beside it."""

    label: str
    share: float
    text: str
    kind: str = "bar"
    """``lead``, ``bar``, ``warn``, ``mid`` or ``none`` (no bar, text only)."""
    tooltip: str = ""


def _e(text: str) -> str:
    return escape(visible(text))


def bar_chart(title: str, bars: Sequence[Bar], width: int = 520, note: str = "") -> str:
    """A titled horizontal bar chart as an ``<svg>`` element."""
    top = 28
    height = top + ROW * max(len(bars), 1) + (22 if note else 8)
    label = max(LABEL, round(CHAR * max((len(b.label) for b in bars), default=0)) + 10)
    span = width - label - VALUE
    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-label="{_e(title)}">',
        f"<title>{_e(title)}</title>",
        f'<text class="chart-title" x="0" y="16" font-size="14" font-weight="bold" '
        f'fill="#222">{_e(title)}</text>',
        f'<line x1="{label}" y1="{top - 4}" x2="{label}" y2="{top + ROW * len(bars)}" '
        f'stroke="#bbb"/>',
    ]
    for n, bar in enumerate(bars):
        y = top + n * ROW
        length = max(0.0, min(1.0, bar.share)) * span
        tip = f"<title>{_e(bar.tooltip)}</title>" if bar.tooltip else ""
        parts.append(
            f'<text x="{label - 6}" y="{y + 15}" font-size="12" text-anchor="end" '
            f'fill="#222">{_e(bar.label)}</text>'
        )
        if bar.kind != "none":
            parts.append(
                f'<rect class="bar {bar.kind}" x="{label}" y="{y + 3}" '
                f'width="{max(length, 1.5):.1f}" height="{ROW - 6}" '
                f'fill="{FILL[bar.kind]}">{tip}</rect>'
            )
        parts.append(
            f'<text x="{label + (length if bar.kind != "none" else 0) + 6:.1f}" y="{y + 15}" '
            f'font-size="12" fill="#333">{_e(bar.text)}</text>'
        )
    if note:
        parts.append(f'<text x="0" y="{height - 6}" font-size="11" fill="#555">{_e(note)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def reliability_diagram(
    title: str, points: Sequence[tuple[float | None, float | None, int]], size: int = 260
) -> str:
    """A reliability diagram as an ``<svg>``: per probability bin, the mean probability
    given (x) against how often it came true (y), a dot sized by the bin's count; the
    diagonal is perfect calibration.  ``points`` are (mean p, frequency, count); empty
    bins (None) are left out."""
    pad = 34
    span = size - 2 * pad
    top = 24
    height = size + top

    def x(p: float) -> float:
        return pad + p * span

    def y(f: float) -> float:
        return top + pad + (1 - f) * span

    most = max((n for _, _, n in points), default=1) or 1
    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" role="img" width="{size}" '
        f'height="{height}" viewBox="0 0 {size} {height}" aria-label="{_e(title)}">',
        f"<title>{_e(title)}</title>",
        f'<text x="0" y="16" font-size="14" font-weight="bold" fill="#222">{_e(title)}</text>',
        f'<rect x="{pad}" y="{top + pad}" width="{span}" height="{span}" fill="none" '
        f'stroke="#bbb"/>',
        f'<line x1="{x(0):.1f}" y1="{y(0):.1f}" x2="{x(1):.1f}" y2="{y(1):.1f}" '
        f'stroke="#999" stroke-dasharray="4 3"/>',
        f'<text x="{pad + span / 2:.1f}" y="{height - 6}" font-size="11" text-anchor="middle" '
        f'fill="#555">probability given</text>',
        f'<text x="10" y="{top + pad + span / 2:.1f}" font-size="11" text-anchor="middle" '
        f'fill="#555" transform="rotate(-90 10 {top + pad + span / 2:.1f})">came true</text>',
    ]
    shown = [(p, f, n) for p, f, n in points if p is not None and f is not None and n]
    if len(shown) > 1:
        path = " ".join(f"{x(p):.1f},{y(f):.1f}" for p, f, _ in shown)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{FILL["bar"]}"/>')
    for p, f, n in shown:
        radius = 2.5 + 4.5 * (n / most) ** 0.5
        parts.append(
            f'<circle class="bar bar" cx="{x(p):.1f}" cy="{y(f):.1f}" r="{radius:.1f}" '
            f'fill="{FILL["bar"]}"><title>{n} judgements, mean {p:.2f}, '
            f"{f:.0%} came true</title></circle>"
        )
    parts.append("</svg>")
    return "".join(parts)


def sparkline_chart(
    title: str, rows: Sequence[tuple[str, Sequence[float | None], str]], width: int = 520
) -> str:
    """One small line per row (a hypothesis' score across versions, oldest left),
    scaled from the row's lowest to its highest value, with the label left and the
    text right; a value of None breaks the line."""
    top = 28
    height = top + ROW * max(len(rows), 1) + 8
    label = max(LABEL, round(CHAR * max((len(r[0]) for r in rows), default=0)) + 10)
    span = width - label - VALUE - 10
    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-label="{_e(title)}">',
        f"<title>{_e(title)}</title>",
        f'<text x="0" y="16" font-size="14" font-weight="bold" fill="#222">{_e(title)}</text>',
    ]
    for n, (name, values, text) in enumerate(rows):
        y = top + n * ROW
        parts.append(
            f'<text x="{label - 6}" y="{y + 15}" font-size="12" text-anchor="end" '
            f'fill="#222">{_e(name)}</text>'
        )
        known = [v for v in values if v is not None]
        low, high = (min(known), max(known)) if known else (0.0, 0.0)
        step = span / max(len(values) - 1, 1)
        segment: list[str] = []
        segments = [segment]
        for i, v in enumerate(values):
            if v is None:
                segment = []
                segments.append(segment)
                continue
            share = 0.5 if high == low else (v - low) / (high - low)
            segment.append(f"{label + i * step:.1f},{y + ROW - 5 - share * (ROW - 8):.1f}")
        for points in segments:
            if len(points) > 1:
                parts.append(
                    f'<polyline points="{" ".join(points)}" fill="none" '
                    f'stroke="{FILL["bar"]}" stroke-width="1.5"/>'
                )
            elif points:
                x, y_dot = points[0].split(",")
                parts.append(f'<circle cx="{x}" cy="{y_dot}" r="1.5" fill="{FILL["bar"]}"/>')
        parts.append(
            f'<text x="{label + span + 8}" y="{y + 15}" font-size="12" fill="#333">'
            f"{_e(text)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
