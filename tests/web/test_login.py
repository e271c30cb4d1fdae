"""Logging in through the page, being slowed down after failures, and logging out."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import PASSWORD, World, client_for

pytestmark = pytest.mark.django_db


def test_login_page_speaks_chinese_by_default(client: Client) -> None:
    response = client.get("/login/")

    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="zh-Hans">' in page
    assert "店铺托管协作台" in page
    assert "用户名" in page and "密码" in page


def test_pages_send_anonymous_visitors_to_login(client: Client) -> None:
    for path in ["/", "/shops/", "/shops/1/", "/shops/1/import/", "/import/", "/tokens/"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/login/?next="), path


def test_merchant_owner_logs_in_and_lands_on_the_shop_list(world: World, client: Client) -> None:
    response = client.post("/login/", {"username": "owner", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/"
    page = client.get("/shops/").content.decode()
    assert "王老板" in page
    assert "山野茶舍" in page


def test_login_returns_to_the_page_asked_for(world: World, client: Client) -> None:
    response = client.post(
        "/login/", {"username": "owner", "password": PASSWORD, "next": f"/shops/{world.shop.pk}/"}
    )

    assert response["Location"] == f"/shops/{world.shop.pk}/"


def test_login_never_redirects_off_site(world: World, client: Client) -> None:
    response = client.post(
        "/login/", {"username": "owner", "password": PASSWORD, "next": "https://evil.example/steal"}
    )

    assert response["Location"] == "/"


def test_wrong_password_says_so_without_logging_in(world: World, client: Client) -> None:
    response = client.post("/login/", {"username": "owner", "password": "wrong-password"})

    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()
    assert client.get("/shops/").status_code == 302


def test_empty_form_names_the_missing_fields(client: Client) -> None:
    response = client.post("/login/", {"username": "", "password": ""})

    assert response.status_code == 200
    assert "这个字段是必填项" in response.content.decode()


def test_after_five_failures_login_is_refused_for_a_while(world: World, client: Client) -> None:
    for _ in range(5):
        assert client.post("/login/", {"username": "owner", "password": "guess"}).status_code == 200

    # Even the right password is refused now: the throttle is checked before the password.
    response = client.post("/login/", {"username": "owner", "password": PASSWORD})

    assert response.status_code == 429
    page = response.content.decode()
    assert "登录失败次数过多" in page
    assert "15 分钟后再试" in page
    assert int(response["Retry-After"]) > 0
    assert client.get("/shops/").status_code == 302


def test_throttle_message_in_english(world: World, client: Client) -> None:
    client.cookies["django_language"] = "en"
    for _ in range(5):
        client.post("/login/", {"username": "owner", "password": "guess"})

    response = client.post("/login/", {"username": "owner", "password": PASSWORD})

    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()


def test_logged_in_person_visiting_login_goes_home(world: World) -> None:
    response = client_for(world.merchant_owner).get("/login/")

    assert response.status_code == 302


def test_logout_needs_a_post(world: World) -> None:
    client = client_for(world.merchant_owner)

    assert client.get("/logout/").status_code == 405
    assert client.get("/shops/").status_code == 200


def test_logout_ends_the_session(world: World) -> None:
    client = client_for(world.merchant_owner)

    response = client.post("/logout/")

    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert client.get("/shops/").status_code == 302
