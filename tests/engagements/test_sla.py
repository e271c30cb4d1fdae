"""Response clocks: working hours, pauses while waiting on the raiser, escalation on breach."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from freezegun import freeze_time

from steward.audit.models import AuditEvent
from steward.duties.workdays import SHANGHAI
from steward.engagements.models import RequestState, RequestTier, SlaBreach
from steward.engagements.requests import (
    answer_request,
    check_request_clocks,
    current_clocks,
    pause_request,
    raise_request,
    resolve_request,
    resume_request,
    sla_attainment,
)
from tests.conftest import World


def sh(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=SHANGHAI)  # type: ignore[misc]


def test_routine_clock_runs_in_working_hours_only(world: World) -> None:
    request = raise_request(
        world.engagement,
        world.merchant_staff,
        RequestTier.ROUTINE,
        "详情页图片错位",
        now=sh(2026, 9, 11, 17, 30),
    )
    clocks = current_clocks(request, sh(2026, 9, 12, 12, 0))
    assert clocks.response is not None
    assert clocks.response.due_at == sh(2026, 9, 14, 10, 30)  # 30 min on Friday, 90 on Monday
    assert not clocks.response.breached
    assert request.responder_role == "agency_operations"


def test_breach_escalates_to_the_next_role_and_is_recorded_once(world: World) -> None:
    request = raise_request(
        world.engagement,
        world.merchant_staff,
        RequestTier.ROUTINE,
        "优惠券设置错误",
        now=sh(2026, 9, 14, 9, 0),
    )
    assert check_request_clocks(sh(2026, 9, 14, 10, 59)) == []
    breaches = check_request_clocks(sh(2026, 9, 14, 11, 1))
    assert [(b.level, b.role, b.escalated_to, b.party) for b in breaches] == [
        (0, "agency_operations", "agency_supervisor", "agency")
    ]
    assert breaches[0].due_at == sh(2026, 9, 14, 11, 0)
    assert check_request_clocks(sh(2026, 9, 14, 11, 30)) == []  # re-running the sweep adds nothing
    request.refresh_from_db()
    assert request.responder_role == "agency_supervisor"
    # The supervisor gets the full two hours from the moment the specialist's ran out.
    later = check_request_clocks(sh(2026, 9, 14, 13, 1))
    assert [(b.level, b.escalated_to) for b in later] == [(1, "agency_lead")]
    assert AuditEvent.objects.filter(action="sla_breached").count() == 2


def test_pause_stops_the_clock_while_waiting_on_the_raiser(world: World) -> None:
    request = raise_request(
        world.engagement,
        world.merchant_staff,
        RequestTier.IMPORTANT,
        "推广预算超支",
        now=sh(2026, 9, 14, 9, 0),
    )
    pause_request(request, world.agency_supervisor, "需要商家确认本月预算上限", now=sh(2026, 9, 14, 10, 0))
    request.refresh_from_db()
    assert request.state == RequestState.WAITING
    assert current_clocks(request, sh(2026, 9, 15, 9, 0)).response.paused  # type: ignore[union-attr]
    assert check_request_clocks(sh(2026, 9, 16, 9, 0)) == []
    resume_request(request, world.merchant_owner, now=sh(2026, 9, 16, 14, 0))
    request.refresh_from_db()
    clocks = current_clocks(request, sh(2026, 9, 16, 14, 0))
    # 1 hour used before the pause; 3 more working hours from 14:00 run to 17:00.
    assert clocks.response is not None and clocks.response.due_at == sh(2026, 9, 16, 17, 0)


def test_only_the_responder_can_pause(world: World) -> None:
    request = raise_request(
        world.engagement, world.merchant_staff, RequestTier.ROUTINE, "问题", now=sh(2026, 9, 14, 9, 0)
    )
    with pytest.raises(PermissionDenied):
        pause_request(request, world.merchant_owner, "我自己暂停")
    with pytest.raises(PermissionDenied):
        raise_request(world.engagement, world.other_merchant_owner, RequestTier.ROUTINE, "窥探")


def test_critical_runs_around_the_clock_and_must_be_resolved_in_a_day(world: World) -> None:
    request = raise_request(
        world.engagement, world.merchant_owner, RequestTier.CRITICAL, "店铺被降权", now=sh(2026, 10, 3, 22, 0)
    )
    assert request.responder_role == "agency_lead"
    breaches = check_request_clocks(sh(2026, 10, 3, 23, 5))
    assert [(b.clock, b.role, b.escalated_to) for b in breaches] == [("response", "agency_lead", "")]
    answer_request(
        request, world.agency_lead, "已排查：违规词导致，今晚修改标题并申诉", now=sh(2026, 10, 3, 23, 10)
    )
    request.refresh_from_db()
    assert request.state == RequestState.ANSWERED
    resolve = check_request_clocks(sh(2026, 10, 4, 22, 30))
    assert [(b.clock, b.due_at) for b in resolve] == [("resolve", sh(2026, 10, 4, 22, 0))]


def test_attainment_per_party_and_tier(world: World) -> None:
    with freeze_time(sh(2026, 9, 14, 9, 0)):
        kept = raise_request(world.engagement, world.merchant_staff, RequestTier.ROUTINE, "A")
        missed = raise_request(world.engagement, world.merchant_staff, RequestTier.ROUTINE, "B")
        asked = raise_request(world.engagement, world.agency_lead, RequestTier.ROUTINE, "请提供新品图片")
    answer_request(kept, world.ads_specialist, "已处理", now=sh(2026, 9, 14, 10, 0))
    resolve_request(asked, world.merchant_staff, now=sh(2026, 9, 14, 10, 0))
    check_request_clocks(sh(2026, 9, 14, 11, 30))
    answer_request(missed, world.agency_supervisor, "已处理", now=sh(2026, 9, 14, 11, 45))
    rows = {(a.party, a.tier): (a.clocks, a.met) for a in sla_attainment(world.engagement.requests.all())}
    assert rows == {("agency", "routine"): (2, 1), ("merchant", "routine"): (1, 1)}
    assert SlaBreach.objects.filter(request=missed).count() == 1


def test_breach_is_told_to_the_role_that_missed_it_and_the_next_one(world: World) -> None:
    from steward.notifications.models import Notification

    raise_request(
        world.engagement, world.merchant_staff, RequestTier.ROUTINE, "主图错位", now=sh(2026, 9, 14, 9, 0)
    )
    check_request_clocks(sh(2026, 9, 14, 11, 1))
    told = set(Notification.objects.filter(kind="sla_breach").values_list("recipient__username", flat=True))
    assert told == {"supervisor"}  # no operations specialist is assigned; the supervisor takes over
