"""Load a shop's numbers from the database into frames and run the pure diagnosis on them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from steward.diagnosis.compute import (
    ADS_SCHEMA,
    DAILY_SCHEMA,
    ORDER_SCHEMA,
    REVIEW_SCHEMA,
    SKU_DAILY_SCHEMA,
    WINDOW_DAYS,
    Diagnosis,
    ShopData,
    ShopFacts,
    SkuFact,
    diagnose,
)
from steward.diagnosis.content import as_content
from steward.diagnosis.models import Benchmark
from steward.shops.models import CampaignDaily, Order, Review, Shop, ShopDaily, Sku, SkuDaily

# The product matrix compares the last 4 weeks with the 4 before and the stage looks back 56
# days, both inside the 90-day window; reading 90 days back from the last day is enough.


def _frame(rows: list[dict[str, Any]] | list[tuple[Any, ...]], schema: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=schema, orient="row")


def shop_data(shop: Shop) -> ShopData:
    last = ShopDaily.objects.filter(shop=shop).order_by("-date").values_list("date", flat=True).first()
    since = (last or dt.date.min) - dt.timedelta(days=WINDOW_DAYS - 1) if last else dt.date.min
    daily = _frame(
        list(
            ShopDaily.objects.filter(shop=shop, date__gte=since).order_by("date").values_list(*DAILY_SCHEMA)
        ),
        DAILY_SCHEMA,
    )
    ads = _frame(
        list(
            CampaignDaily.objects.filter(shop=shop, date__gte=since).values_list(
                "date", "campaign__name", "spend_fen", "revenue_fen"
            )
        ),
        ADS_SCHEMA,
    )
    sku_daily = _frame(
        list(
            SkuDaily.objects.filter(shop=shop, date__gte=since).values_list(
                "sku__code", "date", "units", "gmv_fen", "stock"
            )
        ),
        SKU_DAILY_SCHEMA,
    )
    reviews = _frame(
        list(
            Review.objects.filter(shop=shop, date__gte=since).values_list(
                "date", "sku__code", "is_bad", "content"
            )
        ),
        REVIEW_SCHEMA,
    )
    orders = _frame(
        [
            (paid_at.date() if paid_at else None, buyer, sku_code, is_purchase)
            for paid_at, buyer, sku_code, is_purchase in Order.objects.filter(
                shop=shop, paid_at__date__gte=since
            ).values_list("paid_at", "buyer", "sku_code", "is_purchase")
        ],
        ORDER_SCHEMA,
    )
    benchmark = Benchmark.for_shop(shop)
    return ShopData(
        shop=ShopFacts(
            code=shop.code,
            name=shop.name,
            platform=shop.platform,
            platform_label=str(shop.get_platform_display()),
            category=shop.category,
            level=shop.level,
            opened_on=shop.opened_on,
        ),
        daily=daily,
        ads=ads,
        skus=[
            SkuFact(code, name, role)
            for code, name, role in Sku.objects.filter(shop=shop).values_list("code", "name", "role")
        ],
        sku_daily=sku_daily,
        reviews=reviews,
        orders=orders,
        benchmark=benchmark.values() if benchmark else None,
    )


def diagnosis_of(shop: Shop) -> Diagnosis:
    return diagnose(shop_data(shop))


def diagnosis_content(shop: Shop) -> dict[str, Any]:
    """The diagnosis as JSON-able content, to be stored as the research-phase deliverable."""
    return as_content(diagnosis_of(shop))
