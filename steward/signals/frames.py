"""The plain tables the evaluator reads: one Polars frame per kind of export.

Column names are the app's model fields (``steward/shops/models.py``): money in integer fen,
counts as integers. The app builds these frames from the database, ``folder.py`` from a data
folder, the benchmark from Parquet; the evaluator does not care where they came from. ``shop``
(and ``campaign`` / ``sku``) may be codes or database ids, as long as one call is consistent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields, replace

import polars as pl

SHOP_DAILY = (
    "visitors",
    "page_views",
    "paid_buyers",
    "paid_orders",
    "gmv_fen",
    "refunds_fen",
    "organic_visitors",
    "paid_visitors",
    "repeat_buyers",
)
CAMPAIGN_DAILY = ("spend_fen", "impressions", "clicks", "revenue_fen", "orders")
SKU_DAILY = ("visitors", "units", "paid_orders", "gmv_fen", "stock")

# Product roles as the app stores them (SkuRole).
ROLES = ("hero", "traffic", "profit", "long_tail")


@dataclass(frozen=True)
class MetricFrames:
    """Daily numbers of any number of shops.

    - ``shop_daily``: shop, date, and the ``SHOP_DAILY`` columns
    - ``campaigns``: shop, campaign, date, and the ``CAMPAIGN_DAILY`` columns
    - ``skus``: shop, sku, date, and the ``SKU_DAILY`` columns (``stock`` is end-of-day stock)
    - ``reviews``: shop, sku (may be null), date, is_bad
    - ``products``: shop, sku, role (one of ``ROLES``), substitute (may be null)

    A frame left as ``None`` means the shops sent no such file. Metric columns may be missing
    or null: a missing number is "no value", never zero.
    """

    shop_daily: pl.DataFrame | None = None
    campaigns: pl.DataFrame | None = None
    skus: pl.DataFrame | None = None
    reviews: pl.DataFrame | None = None
    products: pl.DataFrame | None = None

    def dated(self) -> dict[str, pl.DataFrame]:
        """The time-series frames that are present, by field name."""
        return {
            f.name: frame
            for f in fields(self)
            if f.name != "products" and (frame := getattr(self, f.name)) is not None
        }

    def through(self, last: dt.date) -> MetricFrames:
        """Only the rows up to and including ``last``: what was known that day."""
        return replace(
            self, **{name: frame.filter(pl.col("date") <= last) for name, frame in self.dated().items()}
        )

    def on(self, day: dt.date) -> MetricFrames:
        """Only the rows of one day (the products list is kept whole)."""
        return replace(
            self, **{name: frame.filter(pl.col("date") == day) for name, frame in self.dated().items()}
        )

    def days(self) -> list[dt.date]:
        """Every calendar day with any row, in order."""
        found: set[dt.date] = set()
        for frame in self.dated().values():
            found.update(frame.get_column("date").unique().to_list())
        return sorted(found)
