"""A shop's page: KPI cards against the period before, the 90-day chart, and who may open it."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from steward.accounts.models import Person
from steward.shops import metrics
from steward.web.templatetags.formatting import num, pct, signed_pct, yuan
from tests.conftest import World, client_for

pytestmark = pytest.mark.django_db


def shop_url(world: World) -> str:
    return f"/shops/{world.shop.pk}/"


@pytest.mark.parametrize(
    "who", ["merchant_owner", "merchant_staff", "agency_lead", "agency_supervisor", "ads_specialist"]
)
def test_insiders_open_the_shop_page(seeded: World, who: str) -> None:
    response = client_for(getattr(seeded, who)).get(shop_url(seeded))

    assert response.status_code == 200
    assert "山野茶舍天猫店" in response.content.decode()


def test_outsiders_get_a_friendly_404(seeded: World) -> None:
    for person in seeded.outsiders:
        response = client_for(person).get(shop_url(seeded))
        assert response.status_code == 404, person.username
        page = response.content.decode()
        assert "找不到这个页面" in page
        assert "山野茶舍天猫店" not in page


def test_an_unknown_shop_looks_the_same_as_a_hidden_one(world: World) -> None:
    response = client_for(world.merchant_owner).get("/shops/999999/")

    assert response.status_code == 404
    assert "找不到这个页面" in response.content.decode()


def test_kpi_cards_show_last_30_days_against_the_30_before(seeded: World, yesterday: dt.date) -> None:
    start = yesterday - dt.timedelta(days=29)
    now = metrics.kpis(seeded.shop, start, yesterday)
    before = metrics.kpis(seeded.shop, start - dt.timedelta(days=30), start - dt.timedelta(days=1))

    page = client_for(seeded.merchant_owner).get(shop_url(seeded)).content.decode()

    assert f"{start.isoformat()} 至 {yesterday.isoformat()}" in page
    for key, shown in [
        ("visitors", num(now.visitors)),
        ("conversion", pct(now.conversion)),
        ("aov", yuan(now.aov)),
        ("gmv", yuan(now.gmv)),
        ("ad_spend", yuan(now.ad_spend)),
        ("roi", num(now.roi, 2)),
    ]:
        card = re.search(rf'data-kpi="{key}">(.*?)</article>', page, re.S)
        assert card is not None, key
        assert shown in card.group(1), key
    assert now.gmv is not None and before.gmv is not None
    gmv_card = re.search(r'data-kpi="gmv">(.*?)</article>', page, re.S)
    assert gmv_card is not None
    assert signed_pct((now.gmv - before.gmv) / before.gmv) in gmv_card.group(1)
    assert "较前期" in gmv_card.group(1)


def test_chart_has_90_days_of_gmv_spend_and_visitors(seeded: World, yesterday: dt.date) -> None:
    page = client_for(seeded.merchant_owner).get(shop_url(seeded)).content.decode()

    data = re.search(r'<script id="shop-chart-data" type="application/json">(.*?)</script>', page, re.S)
    assert data is not None
    figure = json.loads(data.group(1))
    names = [trace["name"] for trace in figure["data"]]
    assert names == ["支付金额", "推广花费", "访客数"]
    for trace in figure["data"]:
        assert len(trace["x"]) == 90
        assert trace["x"][-1] == yesterday.isoformat()
    assert "/assets/plotly.min.js?v=" in page
    assert "cdn" not in page.lower()


def test_data_range_is_stated(seeded: World, yesterday: dt.date) -> None:
    first = yesterday - dt.timedelta(days=119)

    page = client_for(seeded.merchant_owner).get(shop_url(seeded)).content.decode()

    assert f"已有数据：{first.isoformat()} 至 {yesterday.isoformat()}" in page


def test_a_shop_without_data_says_so_plainly(world: World) -> None:
    page = client_for(world.merchant_owner).get(shop_url(world)).content.decode()

    assert "这家店铺还没有数据" in page
    assert "shop-chart-data" not in page
    assert "plotly" not in page
    assert f'href="/shops/{world.shop.pk}/import/"' in page


def test_import_link_only_for_people_who_may_import(seeded: World, service_specialist: Person) -> None:
    import_link = f'href="/shops/{seeded.shop.pk}/import/"'

    assert import_link in client_for(seeded.ads_specialist).get(shop_url(seeded)).content.decode()
    page = client_for(service_specialist).get(shop_url(seeded)).content.decode()
    assert "山野茶舍天猫店" in page
    assert import_link not in page


def test_the_engagement_and_its_phase_are_shown(world: World) -> None:
    page = client_for(world.merchant_owner).get(shop_url(world)).content.decode()

    assert "云帆托管" in page
    assert "执行与复盘" in page


def test_post_is_not_allowed(seeded: World) -> None:
    assert client_for(seeded.merchant_owner).post(shop_url(seeded)).status_code == 405
