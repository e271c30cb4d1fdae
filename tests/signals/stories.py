"""Numbers for the stories of 山野茶舍's Tmall shop, written straight into the database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from steward.shops.models import Campaign, CampaignDaily, ImportBatch, ImportKind, Shop, Sku, SkuDaily

FIRST = dt.date(2026, 11, 1)


def day(n: int) -> dt.date:
    """Day ``n`` of November 2026 (day 1 is the 1st)."""
    return FIRST + dt.timedelta(days=n - 1)


def campaign_days(shop: Shop, name: str, rois: Mapping[int, float | None]) -> Campaign:
    """A campaign spending ¥100 a day with the given ROI per day; ``None`` spends nothing."""
    campaign, _ = Campaign.objects.get_or_create(shop=shop, name=name)
    for n, roi in rois.items():
        spend = 0 if roi is None else 10_000
        CampaignDaily.objects.update_or_create(
            shop=shop,
            campaign=campaign,
            date=day(n),
            defaults={
                "spend_fen": spend,
                "impressions": 200,
                "clicks": 20,
                "revenue_fen": round(spend * (roi or 0)),
                "orders": 2,
            },
        )
    return campaign


def hero_days(shop: Shop, code: str, stock_and_orders: dict[int, tuple[int, int]]) -> Sku:
    sku, _ = Sku.objects.get_or_create(shop=shop, code=code, defaults={"role": "hero", "name": code})
    for n, (stock, orders) in stock_and_orders.items():
        SkuDaily.objects.update_or_create(
            shop=shop,
            sku=sku,
            date=day(n),
            defaults={
                "visitors": 500,
                "units": orders,
                "paid_orders": orders,
                "gmv_fen": orders * 5_000,
                "stock": stock,
            },
        )
    return sku


def imported(shop: Shop, first: int, last: int, at: dt.datetime) -> None:
    """Record that an import replaced the numbers of days ``first``…``last``."""
    ImportBatch.objects.create(
        shop=shop,
        kind=ImportKind.CAMPAIGNS,
        filename="campaigns.csv",
        sha256="0" * 64,
        created_at=at,
        date_from=day(first),
        date_to=day(last),
    )
