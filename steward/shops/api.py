"""Shops and their numbers over the API. Every lookup goes through the access rule."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from ninja import Query, Router, Schema

from steward.accounts.access import get_shop_for
from steward.accounts.api_auth import current_person
from steward.shops import metrics
from steward.shops.models import Shop

router = Router(tags=["shops"])


class ShopOut(Schema):
    id: int
    code: str
    name: str
    platform: str
    category: str
    level: str
    opened_on: dt.date | None
    merchant: str
    first_day: dt.date | None = None
    last_day: dt.date | None = None


class KpiOut(Schema):
    start: dt.date
    end: dt.date
    days_with_data: int
    visitors: int | None
    conversion: Decimal | None
    aov: Decimal | None
    gmv: Decimal | None
    ad_spend: Decimal | None
    roi: Decimal | None


class PointOut(Schema):
    date: dt.date
    visitors: int | None
    gmv: Decimal | None
    ad_spend: Decimal | None


class KpiQuery(Schema):
    start: dt.date | None = None
    end: dt.date | None = None


def _shop_out(shop: Shop) -> ShopOut:
    first, last = metrics.data_range(shop)
    return ShopOut(
        id=shop.pk,
        code=shop.code,
        name=shop.name,
        platform=shop.platform,
        category=shop.category,
        level=shop.level,
        opened_on=shop.opened_on,
        merchant=shop.merchant.name,
        first_day=first,
        last_day=last,
    )


@router.get("/", response=list[ShopOut])
def list_shops(request: HttpRequest) -> list[ShopOut]:
    shops = Shop.objects.visible_to(current_person(request)).select_related("merchant")
    return [_shop_out(shop) for shop in shops]


@router.get("/{shop_id}", response=ShopOut)
def get_shop(request: HttpRequest, shop_id: int) -> ShopOut:
    return _shop_out(get_shop_for(current_person(request), pk=shop_id))


def _period(shop: Shop, query: KpiQuery) -> tuple[dt.date, dt.date]:
    _, last = metrics.data_range(shop)
    end = query.end or last or dt.date.today()
    start = query.start or end - dt.timedelta(days=29)
    return start, end


@router.get("/{shop_id}/kpis", response=KpiOut)
def shop_kpis(request: HttpRequest, shop_id: int, query: Query[KpiQuery]) -> KpiOut:
    shop = get_shop_for(current_person(request), pk=shop_id)
    start, end = _period(shop, query)
    k = metrics.kpis(shop, start, end)
    return KpiOut(
        start=k.start,
        end=k.end,
        days_with_data=k.days_with_data,
        visitors=k.visitors,
        conversion=k.conversion,
        aov=k.aov,
        gmv=k.gmv,
        ad_spend=k.ad_spend,
        roi=k.roi,
    )


@router.get("/{shop_id}/daily", response=list[PointOut])
def shop_daily(request: HttpRequest, shop_id: int, query: Query[KpiQuery]) -> list[PointOut]:
    shop = get_shop_for(current_person(request), pk=shop_id)
    start, end = _period(shop, query)
    return [
        PointOut(
            date=p.date,
            visitors=p.visitors,
            gmv=metrics.yuan(p.gmv_fen),
            ad_spend=metrics.yuan(p.ad_spend_fen),
        )
        for p in metrics.daily_series(shop, start, end)
    ]
