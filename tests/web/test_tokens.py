"""Personal API tokens on the tokens page."""

from __future__ import annotations

import re

import pytest

from steward.accounts.models import ApiToken
from steward.accounts.services import issue_token, person_for_token
from tests.conftest import World, client_for

pytestmark = pytest.mark.django_db


def test_tokens_page_lists_only_my_active_tokens(world: World) -> None:
    issue_token(world.merchant_owner, "每日同步")
    revoked, _ = issue_token(world.merchant_owner, "旧脚本")
    revoked.revoked_at = revoked.created_at
    revoked.save()
    issue_token(world.agency_lead, "托管方的脚本")

    page = client_for(world.merchant_owner).get("/tokens/").content.decode()

    assert "每日同步" in page
    assert "旧脚本" not in page
    assert "托管方的脚本" not in page


def test_creating_a_token_shows_the_key_once(world: World) -> None:
    client = client_for(world.merchant_owner)

    response = client.post("/tokens/", {"name": "ERP 同步"})

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    page = response.content.decode()
    key = re.search(r'value="(stw_[^"]+)"', page)
    assert key is not None
    assert person_for_token(key.group(1)) == world.merchant_owner
    assert "只显示这一次" in page
    assert "复制" in page
    assert key.group(1) not in client.get("/tokens/").content.decode()


def test_a_token_needs_a_name(world: World) -> None:
    response = client_for(world.merchant_owner).post("/tokens/", {"name": ""})

    assert response.status_code == 400
    assert ApiToken.objects.count() == 0


def test_revoking_a_token(world: World) -> None:
    token, key = issue_token(world.merchant_owner, "每日同步")
    client = client_for(world.merchant_owner)

    response = client.post(f"/tokens/{token.pk}/revoke/")

    assert response.status_code == 302
    assert response["Location"] == "/tokens/"
    assert person_for_token(key) is None
    page = client.get("/tokens/").content.decode()
    assert "令牌已撤销" in page
    assert "每日同步" not in page


def test_nobody_revokes_someone_elses_token(world: World) -> None:
    token, key = issue_token(world.agency_lead, "托管方的脚本")

    for person in [world.merchant_owner, world.other_merchant_owner]:
        assert client_for(person).post(f"/tokens/{token.pk}/revoke/").status_code == 404
    assert person_for_token(key) == world.agency_lead


def test_revoking_needs_a_post(world: World) -> None:
    token, _ = issue_token(world.merchant_owner, "每日同步")

    assert client_for(world.merchant_owner).get(f"/tokens/{token.pk}/revoke/").status_code == 405
