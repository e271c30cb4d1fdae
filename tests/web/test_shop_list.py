"""The shop list: who sees which shops, the 30-day summary, and its query count."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from steward.shops import metrics
from steward.shops.models import Platform, Shop
from steward.web.templatetags.formatting import pct, yuan
from tests.conftest import World, client_for
from tests.web.shop_data import seed_days

pytestmark = pytest.mark.django_db


def test_home_leads_to_the_shop_list(world: World) -> None:
    response = client_for(world.merchant_owner).get("/")

    assert response.status_code == 302
    assert response["Location"] == "/shops/"


@pytest.mark.parametrize(
    "who", ["merchant_owner", "merchant_staff", "agency_lead", "agency_supervisor", "ads_specialist"]
)
def test_insiders_see_the_shop(seeded: World, who: str) -> None:
    page = client_for(getattr(seeded, who)).get("/shops/").content.decode()

    assert "山野茶舍天猫店" in page
    assert f'href="/shops/{seeded.shop.pk}/"' in page


def test_outsiders_do_not_see_the_shop(world: World) -> None:
    for person in world.outsiders:
        response = client_for(person).get("/shops/")
        assert response.status_code == 200
        assert "山野茶舍天猫店" not in response.content.decode(), person.username


def test_merchant_sees_only_its_own_shops(world: World) -> None:
    page = client_for(world.merchant_owner).get("/shops/").content.decode()

    assert "海边渔具拼多多店" not in page
    assert "青木家居京东店" not in page


def test_agency_lead_sees_every_client_shop(world: World) -> None:
    page = client_for(world.agency_lead).get("/shops/").content.decode()

    assert "山野茶舍天猫店" in page
    assert "海边渔具拼多多店" in page
    assert "青木家居京东店" not in page


def test_summary_shows_the_last_30_days(seeded: World, yesterday: dt.date) -> None:
    expected = metrics.kpis(seeded.shop, yesterday - dt.timedelta(days=29), yesterday)

    page = client_for(seeded.merchant_owner).get("/shops/").content.decode()

    assert yuan(expected.gmv) in page
    assert f"{expected.visitors:,}" in page
    assert pct(expected.conversion) in page
    assert f"{expected.roi:.2f}" in page
    assert "天猫" in page and "茶叶" in page
    assert yesterday.isoformat() in page


def test_shop_without_data_says_so(world: World) -> None:
    page = client_for(world.merchant_owner).get("/shops/").content.decode()

    assert "还没有导入数据" in page


def test_stale_data_is_flagged(world: World, yesterday: dt.date) -> None:
    seed_days(world.shop, yesterday - dt.timedelta(days=9), days=40)

    page = client_for(world.merchant_owner).get("/shops/").content.decode()

    assert "10 天未更新" in page


def test_person_without_shops_gets_a_helpful_empty_page(world: World) -> None:
    from steward.accounts.models import Person

    nobody = Person.objects.create_user(username="nobody", password="x-long-password")

    page = client_for(nobody).get("/shops/").content.decode()

    assert "你还看不到任何店铺" in page


def _more_shops(world: World, count: int, yesterday: dt.date) -> None:
    for number in range(count):
        shop = Shop.objects.create(
            code=f"shanye-extra-{number}",
            name=f"山野茶舍分店{number}",
            platform=Platform.TAOBAO,
            merchant=world.merchant,
        )
        # Different newest days, so the list cannot get away with one shared window.
        seed_days(shop, yesterday - dt.timedelta(days=number % 3), days=35)


def _count_queries(client: Any) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/shops/").status_code == 200
    return len(queries)


def test_query_count_does_not_grow_with_the_number_of_shops(
    seeded: World, yesterday: dt.date, django_assert_max_num_queries: Any
) -> None:
    client = client_for(seeded.merchant_owner)
    with_one_shop = _count_queries(client)

    _more_shops(seeded, 12, yesterday)
    with django_assert_max_num_queries(8):
        page = client.get("/shops/").content.decode()

    assert page.count('class="tag tag-') == 13
    assert _count_queries(client) == with_one_shop
