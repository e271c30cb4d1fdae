"""山野茶舍's Tmall shop with 120 days of numbers, a hero product and a few bad reviews."""

from __future__ import annotations

import datetime as dt

import pytest

from steward.shops.models import Order, Review, Sku, SkuDaily, SkuRole
from tests.conftest import World
from tests.web.shop_data import seed_days

LAST_DAY = dt.date(2026, 11, 20)


@pytest.fixture
def diagnosed(world: World) -> World:
    seed_days(world.shop, LAST_DAY)
    hero = Sku.objects.create(shop=world.shop, code="SY-01", name="高山乌龙 250g", role=SkuRole.HERO)
    SkuDaily.objects.bulk_create(
        SkuDaily(
            shop=world.shop,
            sku=hero,
            date=LAST_DAY - dt.timedelta(days=i),
            units=5,
            gmv_fen=50_000,
            stock=400,
        )
        for i in range(60)
    )
    Review.objects.bulk_create(
        Review(shop=world.shop, sku=hero, date=LAST_DAY, rating="差评", stars=1, is_bad=True, content=text)
        for text in ("发货太慢了，等了一周。", "茶叶有霉味，发货也慢。")
    )
    Order.objects.bulk_create(
        Order(
            shop=world.shop,
            order_id=f"o{i}",
            buyer=f"buyer{i % 25}",
            paid_at=dt.datetime(2026, 11, 1, 10, tzinfo=dt.UTC) + dt.timedelta(days=i % 15),
            amount_fen=10_000,
            status="交易成功",
            is_purchase=True,
            sku_code="SY-01",
            quantity=1,
        )
        for i in range(30)
    )
    return world
