"""Approval requests: tiers, timeouts, escalation, questions that pause the clock, the inbox."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from freezegun import freeze_time

from steward.approvals.guardrails import Proposal
from steward.approvals.models import ApprovalState
from steward.approvals.services import (
    ApprovalError,
    answer_question,
    ask_question,
    decide,
    ensure_policies,
    inbox,
    monthly_stats,
    request_approval,
    sweep_timeouts,
    update_policy,
    withdraw,
)
from steward.audit.models import AuditEvent
from steward.duties.workdays import SHANGHAI
from steward.notifications.models import Notification
from steward.shops.models import Sku
from tests.conftest import World


def sh(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=SHANGHAI)  # type: ignore[misc]


@pytest.fixture
def tea_sku(world: World) -> Sku:
    return Sku.objects.create(
        shop=world.shop,
        code="T-001",
        name="明前龙井 250g",
        price=Decimal("128"),
        cost=Decimal("70"),
        role="profit",
    )


def budget(world: World, amount: str, at: dt.datetime) -> object:
    return request_approval(
        world.engagement,
        world.ads_specialist,
        Proposal("spend", Decimal(amount)),
        "双十一加投搜索推广",
        now=at,
    )


def test_staff_decides_small_budgets_and_the_owner_large_ones(world: World) -> None:
    small = budget(world, "15000", sh(2026, 11, 2, 10))
    assert small.decider_role == "merchant_staff"  # type: ignore[attr-defined]
    assert small.due_at == sh(2026, 11, 3, 10)  # type: ignore[attr-defined]
    large = budget(world, "50000", sh(2026, 11, 2, 10))
    assert large.decider_role == "merchant_owner"  # type: ignore[attr-defined]
    with pytest.raises(PermissionDenied):
        decide(large, world.merchant_staff, approve=True)  # type: ignore[arg-type]
    assert decide(small, world.merchant_staff, approve=True).state == ApprovalState.APPROVED  # type: ignore[arg-type]
    assert Notification.objects.filter(recipient=world.merchant_staff, kind="approval_requested").exists()
    assert Notification.objects.filter(recipient=world.ads_specialist, kind="approval_decided").exists()


def test_price_request_carries_the_check_numbers(world: World, tea_sku: Sku) -> None:
    request = request_approval(
        world.engagement, world.agency_lead, Proposal("price", Decimal("89"), sku="T-001"), "清库存"
    )
    assert request.findings[0]["message_en"] == "¥89.00 is 1.27 × cost ¥70.00; the floor is ¥105.00"
    assert AuditEvent.objects.filter(action="create", target_type="approvals.approvalrequest").exists()


def test_nothing_to_approve_and_forbidden_actions_are_refused(world: World, tea_sku: Sku) -> None:
    with pytest.raises(ApprovalError, match="does not need approval"):
        request_approval(
            world.engagement, world.agency_lead, Proposal("price", Decimal("120"), sku="T-001"), "调价"
        )
    with pytest.raises(ApprovalError, match="not allowed"):
        request_approval(
            world.engagement, world.agency_lead, Proposal("price", Decimal("60"), sku="T-001"), "亏本冲量"
        )
    with pytest.raises(PermissionDenied):
        request_approval(
            world.engagement, world.merchant_owner, Proposal("spend", Decimal("20000")), "自己批自己"
        )


def test_rejection_needs_a_reason(world: World) -> None:
    request = budget(world, "50000", sh(2026, 11, 2, 10))
    with pytest.raises(ValidationError):
        decide(request, world.merchant_owner, approve=False)  # type: ignore[arg-type]
    rejected = decide(request, world.merchant_owner, approve=False, reason="本月预算已用完")  # type: ignore[arg-type]
    assert rejected.decision_reason == "本月预算已用完"
    with pytest.raises(ApprovalError, match="already decided"):
        decide(request, world.merchant_owner, approve=True)  # type: ignore[arg-type]


def test_timeout_escalates_to_the_owner_then_expires_as_rejected(world: World) -> None:
    request = budget(world, "15000", sh(2026, 11, 2, 10))
    assert sweep_timeouts(sh(2026, 11, 3, 9)) == []
    escalated = sweep_timeouts(sh(2026, 11, 3, 10, 1))
    assert [r.decider_role for r in escalated] == ["merchant_owner"]
    assert escalated[0].due_at == sh(2026, 11, 4, 10, 1)
    assert Notification.objects.filter(recipient=world.merchant_owner, kind="approval_escalated").exists()
    expired = sweep_timeouts(sh(2026, 11, 4, 10, 2))
    assert [r.state for r in expired] == [ApprovalState.EXPIRED]
    request.refresh_from_db()  # type: ignore[attr-defined]
    assert request.state == ApprovalState.EXPIRED  # type: ignore[attr-defined]


def test_silence_approves_only_when_the_policy_says_so(world: World) -> None:
    policy = next(p for p in ensure_policies(world.engagement) if p.code == "budget-over-10k")
    update_policy(policy, world.merchant_owner, on_timeout="approve")
    request = budget(world, "15000", sh(2026, 11, 2, 10))
    [done] = sweep_timeouts(sh(2026, 11, 3, 10, 1))
    assert done.state == ApprovalState.APPROVED
    assert done.decided_by is None
    assert AuditEvent.objects.filter(
        action="approval_approved_by_silence", target_id=str(request.pk)
    ).exists()  # type: ignore[attr-defined]


def test_only_the_owner_changes_guardrails(world: World) -> None:
    policy = ensure_policies(world.engagement)[0]
    with pytest.raises(PermissionDenied):
        update_policy(policy, world.agency_lead, enabled=False)
    with pytest.raises(ValidationError, match="on_timeout"):
        update_policy(policy, world.merchant_owner, on_timeout="maybe")


def test_question_pauses_the_clock(world: World) -> None:
    request = budget(world, "50000", sh(2026, 11, 2, 10))
    ask_question(request, world.merchant_owner, "预计带来多少成交？", now=sh(2026, 11, 2, 12))  # type: ignore[arg-type]
    assert sweep_timeouts(sh(2026, 11, 3, 12)) == []  # paused: no timeout while the agency owes an answer
    answered = answer_question(
        request, world.ads_specialist, "预计 ROI 3.2，成交约 16 万", now=sh(2026, 11, 3, 12)
    )  # type: ignore[arg-type]
    assert answered.state == ApprovalState.PENDING
    assert answered.due_at == sh(2026, 11, 4, 10)  # 24 hours of pause given back


def test_working_time_window_for_event_plans(world: World) -> None:
    request = request_approval(
        world.engagement, world.agency_lead, Proposal("campaign_plan", planned_date=dt.date(2026, 12, 12)), "双十二方案",
        now=sh(2026, 11, 20, 10),
    )  # fmt: skip
    # 7 working days of office hours from Friday 10:00 end the following Tuesday-week at 10:00.
    assert request.due_at == sh(2026, 12, 1, 10)


def test_inbox_shows_what_waits_on_each_person(world: World) -> None:
    with freeze_time(sh(2026, 11, 2, 10)):
        small = budget(world, "15000", sh(2026, 11, 2, 10))
        large = budget(world, "50000", sh(2026, 11, 2, 10))
        assert {i.request for i in inbox(world.merchant_staff)} == {small}
        assert {i.request for i in inbox(world.merchant_owner)} == {small, large}
        assert inbox(world.other_merchant_owner) == []
        ask_question(large, world.merchant_owner, "依据？")  # type: ignore[arg-type]
        assert {i.request for i in inbox(world.ads_specialist)} == {large}


def test_withdraw_by_the_agency_only(world: World) -> None:
    request = budget(world, "15000", sh(2026, 11, 2, 10))
    with pytest.raises(PermissionDenied):
        withdraw(request, world.merchant_owner)  # type: ignore[arg-type]
    assert withdraw(request, world.ads_specialist).state == ApprovalState.WITHDRAWN  # type: ignore[arg-type]


def test_monthly_view(world: World) -> None:
    quick = budget(world, "15000", sh(2026, 11, 2, 10))
    decide(quick, world.merchant_staff, approve=True, now=sh(2026, 11, 2, 12))  # type: ignore[arg-type]
    slow = budget(world, "50000", sh(2026, 11, 3, 10))
    decide(slow, world.merchant_owner, approve=False, reason="不批", now=sh(2026, 11, 3, 16))  # type: ignore[arg-type]
    budget(world, "15000", sh(2026, 11, 5, 10))
    sweep_timeouts(sh(2026, 11, 6, 11))  # escalated to the owner
    sweep_timeouts(sh(2026, 11, 7, 12))  # and expired
    request_approval(
        world.engagement, world.agency_lead, Proposal("campaign_plan", planned_date=dt.date(2026, 11, 11)), "晚交的方案",
        now=sh(2026, 11, 2, 10),
    )  # fmt: skip
    stats = monthly_stats(world.engagement.approval_requests.all(), 2026, 11)
    assert (stats.requested, stats.approved, stats.rejected, stats.expired) == (4, 1, 1, 1)
    assert stats.median_hours_to_decide == Decimal("4.0")
    assert stats.late_by_agency == 1
    assert stats.late_by_merchant >= 1
