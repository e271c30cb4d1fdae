"""Personal API tokens: issued once, stored as a hash, revocable."""

from __future__ import annotations

from django.test import Client

from steward.accounts.models import ApiToken
from tests.conftest import World, client_for, token_client_headers


def test_anonymous_gets_401() -> None:
    assert Client().get("/api/v1/me").status_code == 401


def test_token_identifies_the_person(world: World) -> None:
    response = Client().get("/api/v1/me", headers=token_client_headers(world.merchant_owner))
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "owner"
    assert body["memberships"] == [
        {
            "organisation_id": world.merchant.pk,
            "organisation": "山野茶舍",
            "kind": "merchant",
            "role": "merchant_owner",
        }
    ]


def test_created_key_is_shown_once_and_only_its_hash_is_kept(world: World) -> None:
    client = client_for(world.agency_lead)
    created = client.post("/api/v1/tokens", {"name": "报表脚本"}, content_type="application/json")
    assert created.status_code == 201
    key = created.json()["key"]
    token = ApiToken.objects.get(pk=created.json()["id"])
    assert key not in (token.digest, token.lookup)
    assert ApiToken.hash_secret(key.split("_", 2)[2]) == token.digest
    listed = client.get("/api/v1/tokens").json()
    assert [t["name"] for t in listed] == ["报表脚本"]
    assert "key" not in listed[0]
    assert Client().get("/api/v1/me", headers={"Authorization": f"Bearer {key}"}).status_code == 200


def test_revoked_or_forged_tokens_are_refused(world: World) -> None:
    headers = token_client_headers(world.merchant_owner)
    key = headers["Authorization"].removeprefix("Bearer ")
    forged = key[:-4] + ("aaaa" if not key.endswith("aaaa") else "bbbb")
    assert Client().get("/api/v1/me", headers={"Authorization": f"Bearer {forged}"}).status_code == 401
    token = ApiToken.objects.get(person=world.merchant_owner)
    assert client_for(world.merchant_owner).delete(f"/api/v1/tokens/{token.pk}").status_code == 204
    assert Client().get("/api/v1/me", headers=headers).status_code == 401


def test_nobody_revokes_another_persons_token(world: World) -> None:
    token_client_headers(world.merchant_owner)
    token = ApiToken.objects.get(person=world.merchant_owner)
    assert client_for(world.other_merchant_owner).delete(f"/api/v1/tokens/{token.pk}").status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


def test_token_of_a_deactivated_person_stops_working(world: World) -> None:
    headers = token_client_headers(world.merchant_staff)
    world.merchant_staff.is_active = False
    world.merchant_staff.save()
    assert Client().get("/api/v1/me", headers=headers).status_code == 401
