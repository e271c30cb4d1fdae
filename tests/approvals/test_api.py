"""The guardrail check and approval endpoints: three outcomes with numbers; outsiders get 404."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from steward.approvals.guardrails import Proposal
from steward.approvals.services import request_approval
from steward.shops.models import Sku
from tests.conftest import World, token_client_headers


def post(person: Any, url: str, body: dict[str, Any]) -> Any:
    return Client().post(url, body, content_type="application/json", headers=token_client_headers(person))


@pytest.fixture
def tea(world: World) -> Sku:
    return Sku.objects.create(
        shop=world.shop, code="T-001", name="明前龙井", price=Decimal(128), cost=Decimal(70), role="profit"
    )


def test_check_answers_the_three_outcomes_with_the_numbers(world: World, tea: Sku) -> None:
    url = f"/api/v1/engagements/{world.engagement.pk}/guardrails/check"
    allowed = post(world.ads_specialist, url, {"kind": "price", "sku": "T-001", "value": "118"}).json()
    assert allowed["outcome"] == "allowed" and allowed["findings"] == []
    needs = post(world.ads_specialist, url, {"kind": "price", "sku": "T-001", "value": "89"}).json()
    assert needs["outcome"] == "needs_approval"
    assert needs["findings"][0]["message_en"] == "¥89.00 is 1.27 × cost ¥70.00; the floor is ¥105.00"
    assert needs["decider"] == "merchant_owner" and needs["due_at"]
    refused = post(world.ads_specialist, url, {"kind": "price", "sku": "T-001", "value": "65"}).json()
    assert refused["outcome"] == "not_allowed"
    assert "below the cost" in refused["findings"][0]["message_en"]


def test_bad_proposal_names_the_field(world: World) -> None:
    url = f"/api/v1/engagements/{world.engagement.pk}/guardrails/check"
    response = post(world.agency_lead, url, {"kind": "price", "value": "10"})
    assert response.status_code == 422
    assert response.json()["problems"][0]["field"] == "sku"
    unknown = post(world.agency_lead, url, {"kind": "price", "sku": "NOPE", "value": "10"})
    assert unknown.status_code == 422


def test_request_and_decide_over_the_api(world: World) -> None:
    url = f"/api/v1/engagements/{world.engagement.pk}/approvals"
    created = post(world.ads_specialist, url, {"kind": "spend", "value": "50000", "reason": "双十二加投"})
    assert created.status_code == 201
    approval = created.json()["id"]
    assert post(world.merchant_staff, f"/api/v1/approvals/{approval}/approve", {}).status_code == 403
    assert post(world.merchant_owner, f"/api/v1/approvals/{approval}/reject", {"text": ""}).status_code == 422
    assert (
        post(world.merchant_owner, f"/api/v1/approvals/{approval}/approve", {}).json()["state"] == "approved"
    )
    again = post(world.merchant_owner, f"/api/v1/approvals/{approval}/reject", {"text": "改主意"})
    assert again.status_code == 409 and "already decided" in again.json()["detail"]


@pytest.mark.parametrize(
    "template",
    [
        "/api/v1/engagements/{e}/guardrails/check",
        "/api/v1/engagements/{e}/approvals",
        "/api/v1/approvals/{a}/approve",
        "/api/v1/approvals/{a}/ask",
        "/api/v1/approvals/{a}/withdraw",
    ],
)
def test_outsiders_get_404(world: World, template: str) -> None:
    approval = request_approval(
        world.engagement, world.agency_lead, Proposal("spend", Decimal(50000)), "加投"
    )
    url = template.format(e=world.engagement.pk, a=approval.pk)
    for person in world.outsiders:
        assert (
            post(person, url, {"kind": "spend", "value": "1", "reason": "x", "text": "x"}).status_code == 404
        )
    for getter in (
        f"/api/v1/approvals/{approval.pk}",
        f"/api/v1/engagements/{world.engagement.pk}/approval-policies",
    ):
        for person in world.outsiders:
            assert Client().get(getter, headers=token_client_headers(person)).status_code == 404


def test_inbox_lists_only_what_waits_on_me(world: World) -> None:
    request_approval(world.engagement, world.agency_lead, Proposal("spend", Decimal(50000)), "加投")
    mine = Client().get("/api/v1/approvals/inbox", headers=token_client_headers(world.merchant_owner)).json()
    assert len(mine["items"]) == 1
    theirs = (
        Client()
        .get("/api/v1/approvals/inbox", headers=token_client_headers(world.other_merchant_owner))
        .json()
    )
    assert theirs["items"] == []
