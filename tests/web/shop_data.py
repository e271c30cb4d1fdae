"""Daily numbers for a shop, written straight into the metric tables (no importer, no demo)."""

from __future__ import annotations

import datetime as dt

from steward.shops.models import Campaign, CampaignDaily, Shop, ShopDaily


def seed_days(shop: Shop, last_day: dt.date, days: int = 120) -> None:
    """``days`` days of shop and campaign numbers ending at ``last_day``, growing slowly.

    Weekends draw more visitors, so the chart has a shape a person would recognise.
    """
    campaign, _ = Campaign.objects.get_or_create(shop=shop, name="直通车-核心词")
    shop_rows = []
    ad_rows = []
    for offset in range(days):
        day = last_day - dt.timedelta(days=days - 1 - offset)
        weekend = 300 if day.weekday() >= 5 else 0
        visitors = 1_000 + 5 * offset + weekend
        buyers = visitors * 3 // 100
        gmv_fen = buyers * 8_850
        shop_rows.append(
            ShopDaily(
                shop=shop,
                date=day,
                visitors=visitors,
                page_views=visitors * 3,
                paid_buyers=buyers,
                paid_orders=buyers,
                gmv_fen=gmv_fen,
                conversion_ppm=30_000,
                aov_fen=8_850,
            )
        )
        spend_fen = 30_000 + 100 * offset
        ad_rows.append(
            CampaignDaily(
                shop=shop,
                campaign=campaign,
                date=day,
                spend_fen=spend_fen,
                impressions=20_000,
                clicks=600,
                revenue_fen=spend_fen * 16 // 5,
                orders=10,
            )
        )
    ShopDaily.objects.bulk_create(shop_rows)
    CampaignDaily.objects.bulk_create(ad_rows)
