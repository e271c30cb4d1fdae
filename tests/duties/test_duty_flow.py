"""A duty's life: opened with a due date, handed in with evidence, accepted, rejected or measured."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from freezegun import freeze_time

from steward.audit.models import AuditEvent
from steward.duties.models import CountMode, Duty, DutyState, Metric, Party
from steward.duties.services import (
    BoardFilter,
    DutyError,
    DutySpec,
    accept_duty,
    add_evidence,
    board,
    cancel_duty,
    check_measured_bar,
    enter_holiday_schedule,
    mark_overdue,
    open_duty,
    reject_duty,
    submit_duty,
)
from steward.duties.workdays import SHANGHAI
from steward.shops.models import Campaign, CampaignDaily
from tests.conftest import World


def at(y: int, m: int, d: int, h: int = 12) -> dt.datetime:
    return dt.datetime(y, m, d, h, tzinfo=SHANGHAI)


def titles_duty(world: World, **overrides: object) -> Duty:
    spec = DutySpec(
        title="优化 20 个商品标题",
        owner_party=Party.AGENCY,
        support_party=Party.MERCHANT,
        counted_from=dt.date(2026, 9, 30),
        count=3,
        count_mode=CountMode.WORKING_DAYS,
        acceptance="20 个标题含热搜词，提交前后对比表",
    )
    for key, value in overrides.items():
        object.__setattr__(spec, key, value)
    return open_duty(world.engagement, spec, world.agency_lead)


def test_working_day_duty_skips_national_day(world: World) -> None:
    duty = titles_duty(world)
    assert duty.due_date == dt.date(2026, 10, 10)
    assert not duty.provisional
    assert AuditEvent.objects.filter(
        action="create", target_type="duties.duty", target_id=str(duty.pk)
    ).exists()


def test_agency_hands_in_and_merchant_accepts(world: World) -> None:
    duty = titles_duty(world)
    add_evidence(duty, world.ads_specialist, note="已改 20 个标题", url="https://example.com/sheet")
    with freeze_time(at(2026, 10, 9)):
        duty = submit_duty(duty, world.ads_specialist)
    assert duty.state == DutyState.SUBMITTED
    assert duty.late_days == 0
    assert duty.waiting_on() == Party.MERCHANT
    duty = accept_duty(duty, world.merchant_owner)
    assert duty.state == DutyState.ACCEPTED
    assert duty.decided_by == world.merchant_owner
    actions = list(
        AuditEvent.objects.filter(target_id=str(duty.pk), target_type="duties.duty").values_list(
            "action", flat=True
        )
    )
    assert actions == ["create", "duty_submitted", "duty_accepted"]


def test_the_owner_cannot_accept_its_own_duty(world: World) -> None:
    duty = submit_duty(titles_duty(world), world.agency_lead)
    with pytest.raises(PermissionDenied):
        accept_duty(duty, world.agency_supervisor)


def test_outsiders_cannot_touch_a_duty(world: World) -> None:
    duty = titles_duty(world)
    for person in world.outsiders:
        with pytest.raises(PermissionDenied):
            submit_duty(duty, person)
        with pytest.raises(PermissionDenied):
            add_evidence(duty, person, note="x")


def test_rejection_needs_a_reason_and_returns_the_duty(world: World) -> None:
    duty = submit_duty(titles_duty(world), world.agency_lead)
    with pytest.raises(ValidationError):
        reject_duty(duty, world.merchant_owner, "  ")
    duty = reject_duty(duty, world.merchant_owner, "只改了 12 个")
    assert duty.state == DutyState.REJECTED
    assert duty.waiting_on() == Party.AGENCY
    duty = submit_duty(duty, world.agency_lead)
    assert duty.state == DutyState.SUBMITTED


def test_lateness_is_counted_in_days_at_hand_in(world: World) -> None:
    duty = titles_duty(world)
    with freeze_time(at(2026, 10, 13, 10)):
        assert mark_overdue() == 1
        duty.refresh_from_db()
        assert duty.state == DutyState.OVERDUE
        assert duty.late_days_as_of(dt.date(2026, 10, 13)) == 3
        duty = submit_duty(duty, world.agency_lead)
    assert duty.late_days == 3
    assert duty.late_days_as_of(dt.date(2026, 10, 30)) == 3


def test_cancel_needs_a_reason_and_ends_the_duty(world: World) -> None:
    duty = cancel_duty(titles_duty(world), world.merchant_owner, "这批商品下架，不再需要")
    assert duty.state == DutyState.CANCELLED
    with pytest.raises(DutyError):
        submit_duty(duty, world.agency_lead)


def test_deadline_in_an_unknown_year_is_provisional_until_the_schedule_is_entered(world: World) -> None:
    duty = titles_duty(world, counted_from=dt.date(2026, 12, 30), count=5)
    assert duty.provisional
    assert duty.due_date == dt.date(2027, 1, 6)
    moved = enter_holiday_schedule(
        2027, [dt.date(2027, 1, 1), dt.date(2027, 1, 4)], [], world.agency_lead, note="国务院办公厅通知"
    )
    duty.refresh_from_db()
    assert moved == 1
    assert not duty.provisional
    assert duty.due_date == dt.date(2027, 1, 8)
    assert AuditEvent.objects.filter(action="duty_rescheduled", target_id=str(duty.pk)).exists()


@pytest.fixture
def ctr_days(world: World) -> Campaign:
    campaign = Campaign.objects.create(shop=world.shop, name="主图测试计划")
    for offset in range(1, 8):
        CampaignDaily.objects.create(
            shop=world.shop,
            campaign=campaign,
            date=dt.date(2026, 10, 10) + dt.timedelta(days=offset),
            impressions=10_000,
            clicks=300 if offset < 7 else 301,  # 2,101 ÷ 70,000 = 3.0014%
            spend_fen=10_000,
            revenue_fen=30_000,
        )
    return campaign


def image_duty(world: World, threshold: str) -> Duty:
    return titles_duty(
        world,
        title="三张新主图上线",
        shop_id=world.shop.pk,
        metric=Metric.CTR,
        comparator=">=",
        threshold=Decimal(threshold),
        window_offset_days=1,
        window_days=7,
    )


def test_measured_bar_accepts_with_the_figure_shown(world: World, ctr_days: Campaign) -> None:
    duty = submit_duty(image_duty(world, "0.03"), world.agency_lead)
    duty = check_measured_bar(duty)
    assert duty.state == DutyState.ACCEPTED
    assert duty.measured_value == Decimal(2101) / Decimal(70000)
    assert "met" in duty.measured_note


def test_measured_bar_rejects_with_the_figure_shown(world: World, ctr_days: Campaign) -> None:
    duty = check_measured_bar(submit_duty(image_duty(world, "0.031"), world.agency_lead))
    assert duty.state == DutyState.REJECTED
    assert "missed" in duty.state_reason


def test_measured_bar_waits_for_the_whole_window(world: World, ctr_days: Campaign) -> None:
    CampaignDaily.objects.filter(date=dt.date(2026, 10, 17)).delete()
    duty = check_measured_bar(submit_duty(image_duty(world, "0.03"), world.agency_lead))
    assert duty.state == DutyState.SUBMITTED
    assert "6 of 7 days" in duty.measured_note


def test_measured_bar_cannot_be_accepted_by_hand(world: World, ctr_days: Campaign) -> None:
    duty = submit_duty(image_duty(world, "0.03"), world.agency_lead)
    with pytest.raises(DutyError):
        accept_duty(duty, world.merchant_owner)


def test_half_filled_bar_is_refused(world: World) -> None:
    with pytest.raises(ValidationError):
        titles_duty(world, metric=Metric.CTR, shop_id=world.shop.pk)


def test_boards_filter_by_whose_move_it_is(world: World) -> None:
    agency_duty = titles_duty(world)
    merchant_duty = titles_duty(
        world, title="提供库存表", owner_party=Party.MERCHANT, support_party=Party.AGENCY
    )
    submitted = submit_duty(titles_duty(world, title="客服话术"), world.agency_lead)
    with freeze_time(at(2026, 10, 8)):
        assert set(board(world.agency_lead, which=BoardFilter.WAITING_ON_AGENCY)) == {agency_duty}
        assert set(board(world.agency_lead, which=BoardFilter.WAITING_ON_MERCHANT)) == {
            merchant_duty,
            submitted,
        }
        assert set(
            board(world.merchant_owner, which=BoardFilter.DUE_THIS_WEEK, today=dt.date(2026, 10, 8))
        ) == {
            agency_duty,
            merchant_duty,
        }
    with freeze_time(at(2026, 10, 12)):
        assert set(board(world.merchant_owner, which=BoardFilter.OVERDUE)) == {agency_duty, merchant_duty}
    for person in world.outsiders:
        assert not board(person).filter(engagement=world.engagement).exists()
    with pytest.raises(ValidationError):
        board(world.agency_lead, which="whenever")


def test_overdue_duty_is_told_to_its_owner_side(world: World) -> None:
    from steward.notifications.models import Notification

    titles_duty(world, lead_role="agency_lead")
    with freeze_time(at(2026, 10, 13, 10)):
        mark_overdue()
    told = set(Notification.objects.filter(kind="duty_overdue").values_list("recipient__username", flat=True))
    assert told == {"lead"}
