"""The rate-vs-baseline chart of an alert as inline SVG (no plotting library, renders in PDF)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from xml.sax.saxutils import escape

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 16, 36


def rate_chart(days: Sequence[date], rate: Sequence[float | None], baseline: Sequence[float | None],
               opened: date | None = None) -> str:
    """Observed rate and expected (baseline) rate per 1000 vehicle-days over time."""
    if not days:
        return ""
    values = [v for v in (*rate, *baseline) if v is not None]
    top = max(values + [1e-9]) * 1.1
    n = len(days)

    def x(i: int) -> float:
        return LEFT + (WIDTH - LEFT - RIGHT) * (i / max(n - 1, 1))

    def y(v: float) -> float:
        return TOP + (HEIGHT - TOP - BOTTOM) * (1 - v / top)

    def line(series: Sequence[float | None]) -> str:
        return " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(series) if v is not None)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
             f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="failure rate against baseline">']
    for k in range(5):
        v = top * k / 4
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{LEFT - 4}" y="{y(v) + 4:.1f}" font-size="10" text-anchor="end">{v:.2f}</text>')
    for i in sorted({0, n // 2, n - 1}):
        anchor = "start" if i == 0 else "end" if i == n - 1 else "middle"
        parts.append(f'<text x="{x(i):.1f}" y="{HEIGHT - 18}" font-size="10" text-anchor="{anchor}">'
                     f'{escape(str(days[i]))}</text>')
    if opened in days:
        i = list(days).index(opened)
        parts.append(f'<line x1="{x(i):.1f}" x2="{x(i):.1f}" y1="{TOP}" y2="{HEIGHT - BOTTOM}" '
                     'stroke="#c00" stroke-dasharray="4 3"/>')
        parts.append(f'<text x="{x(i) + 3:.1f}" y="{TOP + 10}" font-size="10" fill="#c00">alert</text>')
    parts.append(f'<polyline fill="none" stroke="#888" stroke-width="2" stroke-dasharray="6 3" points="{line(baseline)}"/>')
    parts.append(f'<polyline fill="none" stroke="#d35400" stroke-width="2" points="{line(rate)}"/>')
    parts.append(f'<text x="{LEFT}" y="{HEIGHT - 4}" font-size="10" fill="#d35400">— observed</text>')
    parts.append(f'<text x="{LEFT + 80}" y="{HEIGHT - 4}" font-size="10" fill="#888">- - expected (peers)</text>')
    parts.append(f'<text x="{WIDTH - RIGHT}" y="{HEIGHT - 4}" font-size="10" text-anchor="end">'
                 'failures per 1000 vehicle-days, rolling window</text>')
    parts.append("</svg>")
    return "".join(parts)
