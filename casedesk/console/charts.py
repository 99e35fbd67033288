"""Charts drawn on the server as SVG (no script, no CDN): stacked weekly bars."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape


@dataclass(frozen=True)
class Series:
    label: str
    colour: str
    values: Sequence[int]


def stacked_bars(labels: Sequence[str], series: Sequence[Series], *, width: int = 720, height: int = 220) -> str:
    """An accessible SVG: one bar per label, the series stacked, a title per segment, a legend."""
    n = max(len(labels), 1)
    top = max((sum(s.values[i] for s in series) for i in range(len(labels))), default=0) or 1
    plot_h, left, bottom = height - 50, 36, height - 30
    slot = (width - left - 10) / n
    bar = slot * 0.7
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" class="chart">',
        f'<line x1="{left}" y1="{bottom}" x2="{width - 10}" y2="{bottom}" stroke="#888"/>',
        f'<text x="{left - 6}" y="{bottom - plot_h + 4}" text-anchor="end" font-size="11">{top}</text>',
        f'<text x="{left - 6}" y="{bottom}" text-anchor="end" font-size="11">0</text>',
    ]
    for i, label in enumerate(labels):
        x = left + i * slot + (slot - bar) / 2
        y = float(bottom)
        for s in series:
            v = s.values[i]
            if v:
                h = plot_h * v / top
                y -= h
                parts.append(
                    f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{s.colour}">'
                    f"<title>{escape(label)}: {v} {escape(s.label)}</title></rect>"
                )
        parts.append(
            f'<text x="{x + bar / 2:.1f}" y="{bottom + 14}" text-anchor="middle" font-size="10">{escape(label)}</text>'
        )
    for j, s in enumerate(series):
        lx = left + j * 130
        parts.append(f'<rect x="{lx}" y="{height - 12}" width="10" height="10" fill="{s.colour}"/>')
        parts.append(f'<text x="{lx + 14}" y="{height - 3}" font-size="11">{escape(s.label)}</text>')
    parts.append("</svg>")
    return "".join(parts)
