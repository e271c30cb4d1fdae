"""The 90-day chart of a shop page as a plotly.js figure (data and layout), built on the server
so its labels are translated and its numbers come from the same metrics as the cards."""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from steward.shops.metrics import DailyPoint, yuan

INK = "#1f2a37"
MUTED = "#6b7280"
GRID = "#eef0f3"
GMV_COLOUR = "#2f6f8f"
SPEND_COLOUR = "#d97706"
VISITORS_COLOUR = "#6d5bd0"


def _money(fen: int | None) -> float | None:
    # Floats are fine here: they only place points on a chart. Every figure a person reads
    # as a number on the page is formatted from Decimal.
    value = yuan(fen)
    return None if value is None else float(value)


def shop_chart(points: list[DailyPoint]) -> dict[str, Any]:
    english = (get_language() or "").startswith("en")
    dates = [point.date.isoformat() for point in points]
    money_hover = "%{x|%Y-%m-%d}<br>%{fullData.name}: ¥%{y:,.2f}<extra></extra>"
    data = [
        {
            "type": "bar",
            "name": _("支付金额"),
            "x": dates,
            "y": [_money(point.gmv_fen) for point in points],
            "marker": {"color": GMV_COLOUR, "opacity": 0.85},
            "hovertemplate": money_hover,
        },
        {
            "type": "scatter",
            "mode": "lines",
            "name": _("推广花费"),
            "x": dates,
            "y": [_money(point.ad_spend_fen) for point in points],
            "line": {"color": SPEND_COLOUR, "width": 2},
            "hovertemplate": money_hover,
        },
        {
            "type": "scatter",
            "mode": "lines",
            "name": _("访客数"),
            "x": dates,
            "y": [point.visitors for point in points],
            "yaxis": "y2",
            "line": {"color": VISITORS_COLOUR, "width": 2},
            "fill": "tozeroy",
            "fillcolor": "rgba(109, 91, 208, 0.08)",
            "hovertemplate": "%{x|%Y-%m-%d}<br>%{fullData.name}: %{y:,}<extra></extra>",
        },
    ]
    axis = {"gridcolor": GRID, "zeroline": False, "tickfont": {"color": MUTED, "size": 11}}
    layout = {
        "height": 360,
        "margin": {"l": 56, "r": 12, "t": 8, "b": 28},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "font": {"color": INK, "size": 12},
        "separators": ".,",
        "bargap": 0.25,
        "hovermode": "x unified",
        "showlegend": True,
        "legend": {"orientation": "h", "x": 0, "y": 1.1, "font": {"size": 12}},
        "xaxis": {
            **axis,
            "type": "date",
            "anchor": "y2",
            "tickformat": "%b %-d" if english else "%-m月%-d日",
            "hoverformat": "%Y-%m-%d",
            "showgrid": False,
        },
        "yaxis": {
            **axis,
            "domain": [0.36, 1],
            "tickprefix": "¥",
            "tickformat": ",.0f",
            "rangemode": "tozero",
        },
        "yaxis2": {
            **axis,
            "domain": [0, 0.26],
            "anchor": "x",
            "tickformat": ",d",
            "rangemode": "tozero",
        },
    }
    return {"data": data, "layout": layout}
