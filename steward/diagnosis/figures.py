"""Charts of a diagnosis: plotly.js figures for the page and small SVGs for the PDF.

WeasyPrint runs no JavaScript, so the PDF draws its charts as SVG from the same numbers the
page's plotly figures use. Floats only place marks on a chart; every figure a person reads as a
number is formatted from fen or Decimal elsewhere.
"""

from __future__ import annotations

from decimal import Decimal
from html import escape
from typing import Any

from steward.diagnosis.compute import Diagnosis

INK = "#1f2a37"
MUTED = "#6b7280"
GRID = "#eef0f3"
GMV = "#2f6f8f"
VISITORS = "#6d5bd0"
UP = "#1f7a3f"
DOWN = "#b42318"
COMPLAINT = "#b54708"

_LAYOUT: dict[str, Any] = {
    "paper_bgcolor": "rgba(0,0,0,0)",
    "plot_bgcolor": "rgba(0,0,0,0)",
    "font": {"color": INK, "size": 12},
    "separators": ".,",
    "showlegend": True,
    "legend": {"orientation": "h", "x": 0, "y": 1.15},
}


def _yuan(fen: int | Decimal | None) -> float | None:
    return None if fen is None else float(Decimal(fen) / 100)


def trend_figure(diagnosis: Diagnosis) -> dict[str, Any]:
    labels = [f"{w.start:%m-%d}～{w.end:%m-%d}" for w in diagnosis.weeks]
    return {
        "data": [
            {
                "type": "bar",
                "name": "支付金额（元）",
                "x": labels,
                "y": [_yuan(w.gmv_fen) for w in diagnosis.weeks],
                "marker": {"color": GMV},
            },
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": "访客数",
                "x": labels,
                "y": [w.visitors for w in diagnosis.weeks],
                "yaxis": "y2",
                "line": {"color": VISITORS},
            },
        ],
        "layout": {
            **_LAYOUT,
            "height": 320,
            "margin": {"l": 60, "r": 60, "t": 30, "b": 60},
            "yaxis": {"gridcolor": GRID, "tickprefix": "¥"},
            "yaxis2": {"overlaying": "y", "side": "right", "showgrid": False},
        },
    }


def bridge_steps(diagnosis: Diagnosis) -> list[tuple[str, int, str]]:
    """Label, fen and kind (total / up / down) of each step of the bridge, left to right."""
    bridge = diagnosis.bridge
    if bridge is None:
        return []
    steps = [("前 4 周", bridge.before.gmv_fen, "total")]
    for label, amount in (
        ("访客", bridge.visitors_fen),
        ("转化率", bridge.conversion_fen),
        ("客单价", bridge.order_value_fen),
    ):
        steps.append((label, amount, "up" if amount >= 0 else "down"))
    steps.append(("近 4 周", bridge.after.gmv_fen, "total"))
    return steps


def bridge_figure(diagnosis: Diagnosis) -> dict[str, Any]:
    steps = bridge_steps(diagnosis)
    return {
        "data": [
            {
                "type": "waterfall",
                "x": [s[0] for s in steps],
                "y": [_yuan(s[1]) for s in steps],
                "measure": ["absolute" if s[2] == "total" else "relative" for s in steps[:-1]] + ["total"],
                "increasing": {"marker": {"color": UP}},
                "decreasing": {"marker": {"color": DOWN}},
                "totals": {"marker": {"color": GMV}},
                "hovertemplate": "%{x}: ¥%{y:,.0f}<extra></extra>",
            }
        ],
        "layout": {
            **_LAYOUT,
            "height": 300,
            "showlegend": False,
            "margin": {"l": 70, "r": 12, "t": 10, "b": 30},
            "yaxis": {"gridcolor": GRID, "tickprefix": "¥"},
        },
    }


def complaints_figure(diagnosis: Diagnosis) -> dict[str, Any]:
    themes = list(reversed(diagnosis.complaints.themes if diagnosis.complaints else []))
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "x": [t.count for t in themes],
                "y": [t.term for t in themes],
                "marker": {"color": COMPLAINT},
                "hovertemplate": "%{y}: %{x} 条<extra></extra>",
            }
        ],
        "layout": {
            **_LAYOUT,
            "height": max(160, 28 * len(themes) + 40),
            "showlegend": False,
            "margin": {"l": 80, "r": 12, "t": 10, "b": 30},
            "xaxis": {"gridcolor": GRID, "dtick": 1},
        },
    }


# -- SVG for the PDF ---------------------------------------------------------------------------


def _svg(width: int, height: int, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'style="font-size:11px" role="img">{"".join(body)}</svg>'
    )


def trend_svg(diagnosis: Diagnosis) -> str:
    weeks = diagnosis.weeks
    if not weeks:
        return ""
    width, height, left, bottom, top = 680, 190, 8, 34, 16
    slot = (width - 2 * left) / len(weeks)
    peak = max((w.gmv_fen for w in weeks), default=0) or 1
    body = []
    for i, week in enumerate(weeks):
        bar = (height - bottom - top) * week.gmv_fen / peak
        x = left + i * slot + slot * 0.15
        y = height - bottom - bar
        body.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{bar:.1f}" fill="{GMV}"/>'
        )
        body.append(
            f'<text x="{x + slot * 0.35:.1f}" y="{y - 3:.1f}" text-anchor="middle" fill="{INK}">{round(week.gmv_fen / 100):,}</text>'
        )
        body.append(
            f'<text x="{x + slot * 0.35:.1f}" y="{height - bottom + 14}" text-anchor="middle" fill="{MUTED}">{week.start:%m-%d}</text>'
        )
    body.append(
        f'<text x="{left}" y="{height - 4}" fill="{MUTED}">每周支付金额（元）；横轴为每周第一天，周从数据的最后一天往前数</text>'
    )
    return _svg(width, height, body)


def bridge_svg(diagnosis: Diagnosis) -> str:
    steps = bridge_steps(diagnosis)
    if not steps:
        return ""
    width, height, bottom, top = 680, 200, 30, 18
    levels, running = [], 0
    for label, amount, kind in steps:
        if kind == "total":
            levels.append((label, 0, amount, kind, amount))
            running = amount
        else:
            levels.append((label, running, running + amount, kind, amount))
            running += amount
    peak = max(max(a, b) for _, a, b, _, _ in levels) or 1
    slot = width / len(levels)
    scale = (height - bottom - top) / peak
    colours = {"total": GMV, "up": UP, "down": DOWN}
    body = []
    for i, (label, low, high, kind, amount) in enumerate(levels):
        y0, y1 = sorted((height - bottom - low * scale, height - bottom - high * scale))
        x = i * slot + slot * 0.2
        body.append(
            f'<rect x="{x:.1f}" y="{y0:.1f}" width="{slot * 0.6:.1f}" height="{max(y1 - y0, 1):.1f}" fill="{colours[kind]}"/>'
        )
        sign = "" if kind == "total" else ("+" if amount >= 0 else "-")
        body.append(
            f'<text x="{x + slot * 0.3:.1f}" y="{y0 - 4:.1f}" text-anchor="middle" fill="{INK}">{sign}¥{abs(round(amount / 100)):,}</text>'
        )
        body.append(
            f'<text x="{x + slot * 0.3:.1f}" y="{height - 10}" text-anchor="middle" fill="{MUTED}">{escape(label)}</text>'
        )
    return _svg(width, height, body)


def complaints_svg(diagnosis: Diagnosis) -> str:
    themes = diagnosis.complaints.themes if diagnosis.complaints else []
    if not themes:
        return ""
    row, left, width = 20, 90, 680
    height = row * len(themes) + 10
    peak = max(t.count for t in themes) or 1
    body = []
    for i, theme in enumerate(themes):
        y = 5 + i * row
        bar = (width - left - 60) * theme.count / peak
        body.append(
            f'<text x="{left - 8}" y="{y + 13}" text-anchor="end" fill="{INK}">{escape(theme.term)}</text>'
        )
        body.append(f'<rect x="{left}" y="{y + 3}" width="{bar:.1f}" height="{row - 7}" fill="{COMPLAINT}"/>')
        body.append(f'<text x="{left + bar + 6:.1f}" y="{y + 13}" fill="{INK}">{theme.count} 条</text>')
    return _svg(width, height, body)
