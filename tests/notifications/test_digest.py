"""The daily digest: what is due today, what is overdue, what is still unread; once a day.

Monday 12 October 2026, 08:00 in Shanghai. 推广小周 has this week's report and a CTR task due
today; 王老板 still owes the new products' materials, due last Friday; 陈总监 and 赵主管 answer
for a task of 海边渔具's engagement due today. 青木老板 has nothing, and gets nothing.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from steward.accounts.models import Role
from steward.duties.models import CountMode, Duty, Party
from steward.duties.services import DutySpec, open_duty
from steward.duties.workdays import SHANGHAI
from steward.notifications.models import Notification, NotificationKind, NotificationPreference, Severity
from steward.notifications.services import (
    duties_waiting_on,
    send_daily_digest,
    send_due_digests,
    update_preference,
)
from tests.conftest import World

MONDAY = dt.date(2026, 10, 12)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), SHANGHAI)


def duty(world: World, title: str, owner: str, due_from: dt.date, days: int, **extra: object) -> Duty:
    engagement = extra.pop("engagement", world.engagement)
    spec = DutySpec(
        title=title,
        owner_party=owner,
        counted_from=due_from,
        count=days,
        count_mode=CountMode.CALENDAR_DAYS,
        **extra,  # type: ignore[arg-type]
    )
    return open_duty(engagement, spec, world.agency_lead)  # type: ignore[arg-type]


@pytest.fixture
def monday(world: World) -> World:
    duty(
        world,
        "提交第 41 周周报",
        Party.AGENCY,
        MONDAY - dt.timedelta(days=1),
        1,
        lead_person=world.ads_specialist,
    )
    duty(world, "主图点击率优化", Party.AGENCY, MONDAY - dt.timedelta(days=2), 2, lead_role=Role.AGENCY_ADS)
    duty(world, "提供新品资料", Party.MERCHANT, dt.date(2026, 10, 6), 3)
    duty(world, "确认主图方案", Party.MERCHANT, MONDAY, 1, lead_role=Role.MERCHANT_STAFF)
    duty(world, "海边渔具月度复盘", Party.AGENCY, MONDAY, 0, engagement=world.other_engagement)
    world.merchant_owner.email = "wang@shanye.example"
    world.merchant_owner.save()

    def note(title: str, created: dt.datetime, *, read: bool = False) -> None:
        Notification.objects.create(
            recipient=world.merchant_owner,
            engagement=world.engagement,
            kind=NotificationKind.APPROVAL_REQUESTED,
            severity=Severity.WARNING,
            title_zh=title,
            title_en=f"EN {title}",
            created_at=created,
            read_at=created if read else None,
        )

    note("待审批：直通车日预算提高到 ¥800", at(MONDAY, 7) - dt.timedelta(hours=11))
    note("待审批：更早的申请", at(MONDAY, 7) - dt.timedelta(days=2))  # older than a day
    note("已读的通知", at(MONDAY, 7) - dt.timedelta(hours=2), read=True)
    return world


def test_the_owners_digest_lists_the_overdue_duty_and_the_unread_notice(monday: World) -> None:
    world = monday
    note = send_daily_digest(world.merchant_owner, MONDAY, at(MONDAY, 8))

    assert note is not None
    assert note.kind == NotificationKind.DIGEST
    assert note.severity == Severity.WARNING  # something is overdue
    assert note.title_zh == "每日摘要 2026-10-12：今天到期 0 项，已逾期 1 项，未读通知 1 条"
    assert note.body_zh == (
        "王老板 您好，这是 2026-10-12 的每日摘要：今天到期 0 项，已逾期 1 项，未读通知 1 条。\n"
        "\n已逾期（1）：\n"
        "- [山野茶舍 × 云帆] 提供新品资料（截止 2026-10-09，已逾期 3 天）\n"
        "\n未读通知（1）：\n"
        "- 【警告】待审批：直通车日预算提高到 ¥800"
    )
    assert note.title_en == "Daily digest 2026-10-12: 0 due today, 1 overdue, 1 unread"
    assert "- [山野茶舍 × 云帆] 提供新品资料 (due 2026-10-09, 3 days late)" in note.body_en
    assert "- [warning] EN 待审批：直通车日预算提高到 ¥800" in note.body_en


def test_the_digest_is_also_an_email(monday: World, django_capture_on_commit_callbacks: object) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        send_daily_digest(monday.merchant_owner, MONDAY, at(MONDAY, 8))
    (message,) = mail.outbox
    assert message.to == ["wang@shanye.example"]
    assert message.subject == "【店铺托管】每日摘要 2026-10-12：今天到期 0 项，已逾期 1 项，未读通知 1 条"
    assert "提供新品资料（截止 2026-10-09，已逾期 3 天）" in message.body


def test_the_specialist_sees_what_is_due_today_for_them(monday: World) -> None:
    note = send_daily_digest(monday.ads_specialist, MONDAY, at(MONDAY, 8))
    assert note is not None
    assert note.body_zh == (
        "推广小周 您好，这是 2026-10-12 的每日摘要：今天到期 2 项，已逾期 0 项，未读通知 0 条。\n"
        "\n今天到期（2）：\n"
        "- [山野茶舍 × 云帆] 提交第 41 周周报（18:00 截止）\n"
        "- [山野茶舍 × 云帆] 主图点击率优化（18:00 截止）"
    )


def test_whose_duty_is_it(monday: World) -> None:
    world = monday
    titles = {
        person.username: sorted(duties_waiting_on(person).values_list("title", flat=True))
        for person in [world.ads_specialist, world.merchant_owner, world.merchant_staff, world.agency_lead]
    }
    assert titles == {
        "ads": ["主图点击率优化", "提交第 41 周周报"],
        "owner": ["提供新品资料"],
        "staff": ["确认主图方案"],
        "lead": ["海边渔具月度复盘"],
    }
    assert not duties_waiting_on(world.lonely_owner).exists()
    assert not duties_waiting_on(world.design_specialist).exists()


def test_nothing_to_say_means_no_digest(monday: World) -> None:
    assert send_daily_digest(monday.lonely_owner, MONDAY, at(MONDAY, 8)) is None
    assert not Notification.objects.filter(recipient=monday.lonely_owner).exists()
    assert mail.outbox == []


def test_once_a_day_and_not_when_switched_off(monday: World) -> None:
    world = monday
    assert send_daily_digest(world.merchant_owner, MONDAY, at(MONDAY, 8)) is not None
    assert send_daily_digest(world.merchant_owner, MONDAY, at(MONDAY, 9)) is None
    update_preference(world.ads_specialist, digest_enabled=False)
    assert send_daily_digest(world.ads_specialist, MONDAY, at(MONDAY, 8)) is None


def test_the_hourly_sweep_sends_each_digest_at_its_hour(monday: World) -> None:
    world = monday
    update_preference(world.agency_supervisor, digest_hour=9)

    def told() -> set[str]:
        return set(
            Notification.objects.filter(kind=NotificationKind.DIGEST).values_list(
                "recipient__username", flat=True
            )
        )

    assert send_due_digests(at(MONDAY, 7, 59)) == 0
    assert send_due_digests(at(MONDAY, 8)) == 3
    assert told() == {"owner", "ads", "lead"}
    assert send_due_digests(at(MONDAY, 8, 30)) == 0  # already had today's
    assert send_due_digests(at(MONDAY, 9)) == 1
    assert told() == {"owner", "ads", "lead", "supervisor"}
    # Everyone's day was handled, including those with nothing to hear about.
    assert NotificationPreference.objects.get(person=world.lonely_owner).last_digest_on == MONDAY


def test_a_digest_missed_at_its_hour_is_sent_later_that_day(monday: World) -> None:
    assert send_due_digests(at(MONDAY, 14)) == 4
