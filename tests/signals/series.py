"""Hand-made series for the signal tests: a few days of one campaign, SKU or shop."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal

import polars as pl

from steward.signals.frames import MetricFrames

DAY0 = dt.date(2026, 3, 1)


def day(n: int) -> dt.date:
    """The n-th day of the series, counting from 1."""
    return DAY0 + dt.timedelta(days=n - 1)


def fen(yuan: str) -> int:
    return int(Decimal(yuan) * 100)


def campaign_rows(
    days: Sequence[int],
    spend: Sequence[str],
    revenue: Sequence[str],
    *,
    shop: str = "s1",
    campaign: str = "c1",
    impressions: Sequence[int] | None = None,
    clicks: Sequence[int] | None = None,
) -> list[dict[str, object]]:
    return [
        {
            "shop": shop,
            "campaign": campaign,
            "date": day(n),
            "spend_fen": fen(s),
            "impressions": impressions[i] if impressions else 10_000,
            "clicks": clicks[i] if clicks else 500,
            "revenue_fen": fen(r),
            "orders": 1,
        }
        for i, (n, s, r) in enumerate(zip(days, spend, revenue, strict=True))
    ]


def campaigns(*groups: Iterable[dict[str, object]]) -> MetricFrames:
    rows = [row for group in groups for row in group]
    return MetricFrames(campaigns=pl.DataFrame(rows, schema_overrides={"date": pl.Date}))


def sku_frames(rows: Sequence[dict[str, object]], roles: dict[str, str]) -> MetricFrames:
    products = pl.DataFrame(
        [{"shop": "s1", "sku": sku, "role": role, "substitute": None} for sku, role in roles.items()],
        schema={"shop": pl.String, "sku": pl.String, "role": pl.String, "substitute": pl.String},
    )
    return MetricFrames(skus=pl.DataFrame(rows), products=products)
