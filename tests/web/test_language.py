"""Switching the pages between Chinese and English."""

from __future__ import annotations

import pytest

from tests.conftest import World, client_for

pytestmark = pytest.mark.django_db


def test_switching_to_english_and_back(seeded: World) -> None:
    client = client_for(seeded.merchant_owner)

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/shops/"})

    assert response.status_code == 302
    assert response["Location"] == "/shops/"
    page = client.get("/shops/").content.decode()
    assert '<html lang="en">' in page
    assert "Shops" in page
    assert "API tokens" in page
    assert "Log out" in page
    assert "Tmall" in page
    assert "Store Steward" in page

    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/shops/"})
    page = client.get("/shops/").content.decode()
    assert '<html lang="zh-Hans">' in page
    assert "退出" in page


def test_shop_page_in_english(seeded: World) -> None:
    client = client_for(seeded.merchant_owner)
    client.cookies["django_language"] = "en"

    page = client.get(f"/shops/{seeded.shop.pk}/").content.decode()

    for words in ["Visitors", "Conversion", "Average order value", "GMV", "Ad spend", "ROI", "vs prior"]:
        assert words in page
    assert "%b %-d" in page  # English dates on the chart axis


def test_browser_language_is_honoured(world: World) -> None:
    client = client_for(world.merchant_owner)

    page = client.get("/shops/", headers={"accept-language": "en-US,en;q=0.9"}).content.decode()

    assert '<html lang="en">' in page


def test_404_in_english(world: World) -> None:
    client = client_for(world.merchant_owner)
    client.cookies["django_language"] = "en"

    response = client.get("/shops/999999/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
