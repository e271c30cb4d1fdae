"""Hand-made shop data for the diagnosis maths: a shop's days written as a few numbers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import polars as pl

from steward.diagnosis.compute import (
    ADS_SCHEMA,
    DAILY_SCHEMA,
    ORDER_SCHEMA,
    REVIEW_SCHEMA,
    SKU_DAILY_SCHEMA,
    Benchmark,
    ShopData,
    ShopFacts,
    SkuFact,
)

END = dt.date(2026, 11, 20)
SHOP = ShopFacts("shanye-tmall", "山野茶舍天猫店", "tmall", "天猫", "茶叶", "", None)


def days(count: int, *, end: dt.date = END) -> list[dt.date]:
    return [end - dt.timedelta(days=count - 1 - i) for i in range(count)]


def daily(
    count: int,
    *,
    visitors: int | Callable[[int], int] = 1000,
    buyers: int | Callable[[int], int] = 30,
    order_value_fen: int = 10000,
    refunds_fen: int = 0,
    first_response_ms: int | None = 20000,
    end: dt.date = END,
) -> pl.DataFrame:
    """``count`` days up to ``end``; callables get the day's index (0 is the first day)."""
    rows = []
    for i, day in enumerate(days(count, end=end)):
        v = visitors(i) if callable(visitors) else visitors
        b = buyers(i) if callable(buyers) else buyers
        rows.append(
            (
                day,
                v,
                b,
                b * order_value_fen,
                refunds_fen,
                v * 7 // 10,
                v - v * 7 // 10,
                b // 10,
                first_response_ms,
            )
        )
    return pl.DataFrame(rows, schema=DAILY_SCHEMA, orient="row")


def empty(schema: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame([], schema=schema, orient="row")


def shop_data(
    frame: pl.DataFrame,
    *,
    benchmark: Benchmark | None = None,
    skus: Sequence[SkuFact] = (),
    sku_daily: pl.DataFrame | None = None,
    reviews: pl.DataFrame | None = None,
    orders: pl.DataFrame | None = None,
    ads: pl.DataFrame | None = None,
) -> ShopData:
    return ShopData(
        shop=SHOP,
        daily=frame,
        ads=ads if ads is not None else empty(ADS_SCHEMA),
        skus=list(skus),
        sku_daily=sku_daily if sku_daily is not None else empty(SKU_DAILY_SCHEMA),
        reviews=reviews if reviews is not None else empty(REVIEW_SCHEMA),
        orders=orders if orders is not None else empty(ORDER_SCHEMA),
        benchmark=benchmark,
    )
