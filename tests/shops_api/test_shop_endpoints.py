"""Shop endpoints: insiders see their shops and numbers, outsiders get 404."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from steward.shops.models import Campaign, CampaignDaily, ShopDaily
from tests.conftest import World, token_client_headers

SHOP_ENDPOINTS = ["/api/v1/shops/{id}", "/api/v1/shops/{id}/kpis", "/api/v1/shops/{id}/daily"]


@pytest.fixture
def numbers(world: World) -> None:
    campaign = Campaign.objects.create(shop=world.shop, name="春茶-关键词")
    for offset in range(30):
        day = dt.date(2026, 10, 1) + dt.timedelta(days=offset)
        ShopDaily.objects.create(shop=world.shop, date=day, visitors=1000, paid_buyers=25, gmv_fen=2_500_000)
        CampaignDaily.objects.create(
            shop=world.shop, campaign=campaign, date=day, spend_fen=10_168, revenue_fen=25_420, clicks=10
        )


def test_list_shows_only_visible_shops(world: World) -> None:
    for person, expected in [
        (world.merchant_owner, {"shanye-tmall"}),
        (world.agency_lead, {"shanye-tmall", "haibian-pdd"}),
        (world.ads_specialist, {"shanye-tmall"}),
        (world.lonely_owner, {"qingmu-jd"}),
    ]:
        response = Client().get("/api/v1/shops/", headers=token_client_headers(person))
        assert {s["code"] for s in response.json()} == expected, person


@pytest.mark.parametrize("template", SHOP_ENDPOINTS)
def test_outsiders_get_404(world: World, template: str) -> None:
    url = template.format(id=world.shop.pk)
    for person in world.outsiders:
        assert Client().get(url, headers=token_client_headers(person)).status_code == 404, person
    for person in world.insiders:
        assert Client().get(url, headers=token_client_headers(person)).status_code == 200, person


def test_unknown_shop_is_404_like_a_hidden_one(world: World) -> None:
    assert (
        Client().get("/api/v1/shops/999999", headers=token_client_headers(world.agency_lead)).status_code
        == 404
    )


def test_kpis_are_ratios_of_sums_and_exact(world: World, numbers: None) -> None:
    response = Client().get(
        f"/api/v1/shops/{world.shop.pk}/kpis?start=2026-10-01&end=2026-10-30",
        headers=token_client_headers(world.merchant_owner),
    )
    body = response.json()
    assert body["days_with_data"] == 30
    assert Decimal(body["gmv"]) == Decimal("750000.00")
    assert Decimal(body["aov"]) == Decimal("1000.00")
    assert Decimal(body["conversion"]) == Decimal("0.025")
    # ¥254.20 ÷ ¥101.68 is exactly 2.5: no float on the way.
    assert Decimal(body["roi"]) == Decimal("2.5")


def test_daily_series_has_every_calendar_day(world: World, numbers: None) -> None:
    response = Client().get(
        f"/api/v1/shops/{world.shop.pk}/daily?start=2026-09-29&end=2026-10-02",
        headers=token_client_headers(world.merchant_owner),
    )
    days = response.json()
    assert [d["date"] for d in days] == ["2026-09-29", "2026-09-30", "2026-10-01", "2026-10-02"]
    assert days[0]["gmv"] is None
    assert Decimal(days[2]["gmv"]) == Decimal("25000.00")
