"""The guardrail check on an engagement: allowed, needs approval (who, by when), not allowed (why)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from steward.approvals.models import ApprovalRequest
from tests.conftest import World, client_for
from tests.web.engagement_story import tea_sku

pytestmark = pytest.mark.django_db


def check(world: World, person: object, **query: str) -> str:
    client = client_for(person)  # type: ignore[arg-type]
    response = client.get(f"/engagements/{world.engagement.pk}/guardrails/", query)
    assert response.status_code in {200, 400}, response.status_code
    return response.content.decode()


def test_a_small_budget_is_allowed(world: World) -> None:
    page = check(world, world.ads_specialist, kind="spend", value="8000")

    assert "verdict-allowed" in page
    assert "没有触发任何红线" in page
    assert "提交审批申请" not in page


def test_a_price_below_the_floor_needs_the_owner_with_the_numbers(world: World) -> None:
    tea_sku(world)

    page = check(world, world.ads_specialist, kind="price", value="89", sku="T-001")

    assert "verdict-needs_approval" in page
    assert "¥89.00 是成本 ¥70.00 的 1.27 倍；底线是 ¥105.00（1.5 倍成本）" in page
    assert "商家负责人" in page
    assert "24 小时" in page and "现在提交则截止" in page
    assert "提交给商家审批" in page


def test_selling_below_cost_is_not_allowed(world: World) -> None:
    tea_sku(world)

    page = check(world, world.merchant_owner, kind="price", value="60", sku="T-001")

    assert "verdict-not_allowed" in page
    assert "¥60.00 低于成本 ¥70.00，不允许亏本销售" in page
    assert "提交审批申请" not in page


def test_a_missing_value_is_shown_next_to_the_field(world: World) -> None:
    page = check(world, world.ads_specialist, kind="price", sku="T-001")

    assert "field-invalid" in page
    assert "请填写数值。" in page


def test_an_unknown_product_is_shown_next_to_the_field(world: World) -> None:
    page = check(world, world.ads_specialist, kind="discount", value="0.4", sku="NOPE")

    assert "这项合作的店铺里没有商品“NOPE”。" in page


def test_a_late_event_plan_needs_approval_in_working_days(world: World) -> None:
    soon = timezone.localdate() + dt.timedelta(days=10)

    page = check(world, world.ads_specialist, kind="campaign_plan", planned_date=soon.isoformat())

    assert "少于约定的 15 天" in page
    assert "7 个工作日" in page


def test_turning_the_check_into_a_request(world: World) -> None:
    tea_sku(world)
    client = client_for(world.ads_specialist)

    response = client.post(
        f"/engagements/{world.engagement.pk}/guardrails/request/",
        {
            "kind": "price",
            "value": "89",
            "sku": "T-001",
            "reason": "清理临期库存",
            "evidence": "临期 200 件\nhttps://example.com/stock",
        },
    )

    assert response.status_code == 302
    created = ApprovalRequest.objects.get()
    assert response["Location"] == f"/approvals/{created.pk}/"
    assert created.decider_role == "merchant_owner"
    assert created.evidence == [{"note": "临期 200 件"}, {"link": "https://example.com/stock"}]


def test_a_request_needs_a_reason(world: World) -> None:
    response = client_for(world.ads_specialist).post(
        f"/engagements/{world.engagement.pk}/guardrails/request/",
        {"kind": "spend", "value": "20000", "reason": ""},
    )

    assert response.status_code == 400
    assert "field-invalid" in response.content.decode()
    assert not ApprovalRequest.objects.exists()


def test_an_allowed_action_cannot_be_sent_for_approval(world: World) -> None:
    response = client_for(world.ads_specialist).post(
        f"/engagements/{world.engagement.pk}/guardrails/request/",
        {"kind": "spend", "value": "500", "reason": "小额"},
    )

    assert response.status_code == 409
    assert "这项操作不触发任何审批规则，无需审批。" in response.content.decode()
    assert not ApprovalRequest.objects.exists()


def test_the_merchant_cannot_raise_a_request(world: World) -> None:
    page = check(world, world.merchant_owner, kind="spend", value="20000")
    assert "审批申请由托管方提出" in page

    response = client_for(world.merchant_owner).post(
        f"/engagements/{world.engagement.pk}/guardrails/request/",
        {"kind": "spend", "value": "20000", "reason": "x"},
    )

    assert response.status_code == 403
    assert not ApprovalRequest.objects.exists()


def test_the_policies_are_listed_in_words(world: World) -> None:
    page = check(world, world.merchant_owner)

    assert "单次推广预算或活动预算超过 ¥10,000.00" in page
    assert "商家员工（¥20,000.00 以内） → 商家负责人" in page
    assert "先升级给商家负责人，仍未处理视为驳回" in page
