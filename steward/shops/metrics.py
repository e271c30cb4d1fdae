"""A shop's headline numbers over a period, read from the imported daily tables.

Sums are taken in the database; ratios are formed from the sums (never averaged per day),
in Decimal, so the page, the API and the reports agree to the fen.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Max, Min, Sum

from steward.shops.models import CampaignDaily, Shop, ShopDaily

FEN = Decimal("0.01")


def yuan(fen: int | None) -> Decimal | None:
    return None if fen is None else (Decimal(fen) / 100).quantize(FEN)


def ratio(numerator: int | Decimal | None, denominator: int | Decimal | None) -> Decimal | None:
    if numerator is None or not denominator:
        return None
    return Decimal(numerator) / Decimal(denominator)


@dataclass(frozen=True)
class Kpis:
    start: dt.date
    end: dt.date
    days_with_data: int
    visitors: int | None
    paid_buyers: int | None
    gmv_fen: int | None
    ad_spend_fen: int | None
    ad_revenue_fen: int | None

    @property
    def conversion(self) -> Decimal | None:
        """Payment conversion: paid buyers ÷ visitors."""
        return ratio(self.paid_buyers, self.visitors)

    @property
    def aov(self) -> Decimal | None:
        """Average order value per paying buyer, in yuan, to the fen."""
        value = ratio(self.gmv_fen, self.paid_buyers)
        return None if value is None else (value / 100).quantize(FEN, ROUND_HALF_UP)

    @property
    def gmv(self) -> Decimal | None:
        return yuan(self.gmv_fen)

    @property
    def ad_spend(self) -> Decimal | None:
        return yuan(self.ad_spend_fen)

    @property
    def roi(self) -> Decimal | None:
        """Ad revenue ÷ ad spend; undefined when nothing was spent."""
        return ratio(self.ad_revenue_fen, self.ad_spend_fen)


def kpis(shop: Shop, start: dt.date, end: dt.date) -> Kpis:
    daily = ShopDaily.objects.filter(shop=shop, date__gte=start, date__lte=end).aggregate(
        visitors=Sum("visitors"), paid_buyers=Sum("paid_buyers"), gmv=Sum("gmv_fen")
    )
    days = ShopDaily.objects.filter(shop=shop, date__gte=start, date__lte=end).count()
    ads = CampaignDaily.objects.filter(shop=shop, date__gte=start, date__lte=end).aggregate(
        spend=Sum("spend_fen"), revenue=Sum("revenue_fen")
    )
    return Kpis(
        start=start,
        end=end,
        days_with_data=days,
        visitors=daily["visitors"],
        paid_buyers=daily["paid_buyers"],
        gmv_fen=daily["gmv"],
        ad_spend_fen=ads["spend"],
        ad_revenue_fen=ads["revenue"],
    )


def data_range(shop: Shop) -> tuple[dt.date | None, dt.date | None]:
    span = ShopDaily.objects.filter(shop=shop).aggregate(first=Min("date"), last=Max("date"))
    return span["first"], span["last"]


@dataclass(frozen=True)
class DailyPoint:
    date: dt.date
    visitors: int | None
    gmv_fen: int | None
    paid_buyers: int | None
    ad_spend_fen: int | None
    ad_revenue_fen: int | None


def daily_series(shop: Shop, start: dt.date, end: dt.date) -> list[DailyPoint]:
    """One point per calendar day in [start, end]; days without data have ``None`` values."""
    shop_rows: dict[dt.date, dict[str, Any]] = {
        row["date"]: dict(row)
        for row in ShopDaily.objects.filter(shop=shop, date__gte=start, date__lte=end).values(
            "date", "visitors", "gmv_fen", "paid_buyers"
        )
    }
    ad_rows: dict[dt.date, dict[str, Any]] = {
        row["date"]: dict(row)
        for row in CampaignDaily.objects.filter(shop=shop, date__gte=start, date__lte=end)
        .values("date")
        .annotate(spend=Sum("spend_fen"), revenue=Sum("revenue_fen"))
        .order_by()
    }
    points = []
    day = start
    while day <= end:
        s: dict[str, Any] = shop_rows.get(day, {})
        a: dict[str, Any] = ad_rows.get(day, {})
        points.append(
            DailyPoint(
                date=day,
                visitors=s.get("visitors"),
                gmv_fen=s.get("gmv_fen"),
                paid_buyers=s.get("paid_buyers"),
                ad_spend_fen=a.get("spend"),
                ad_revenue_fen=a.get("revenue"),
            )
        )
        day += dt.timedelta(days=1)
    return points
