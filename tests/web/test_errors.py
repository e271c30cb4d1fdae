"""The friendly error pages."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.test import Client

from tests.conftest import World, client_for

pytestmark = pytest.mark.django_db


def test_unknown_address_gets_the_chinese_404(world: World) -> None:
    response = client_for(world.merchant_owner).get("/no-such-page/")

    assert response.status_code == 404
    page = response.content.decode()
    assert "找不到这个页面" in page
    assert "回到店铺列表" in page
    assert "王老板" in page  # still inside the product's shell


def test_404_for_anonymous_visitors_still_renders(client: Client) -> None:
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "找不到这个页面" in response.content.decode()


def test_500_page_needs_no_request() -> None:
    page = render_to_string("500.html")

    assert "系统出错了" in page
    assert "Something went wrong" in page


def test_403_page_explains(world: World) -> None:
    page = render_to_string("403.html", {"exception": ""})

    assert "你没有进行这项操作的权限" in page
