"""notify(): inbox items for the right people, e-mail for those who want it, nothing on rollback.

王老板 (merchant owner) reads Chinese; 陈总监 (agency lead) has switched to English; 小李
(merchant staff) has turned e-mail off. 海老板 belongs to another merchant and must never hear
about 山野茶舍's engagement.
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction

from steward.audit.models import AuditEvent
from steward.notifications.models import Delivery, DeliveryStatus, Notification, NotificationKind, Severity
from steward.notifications.services import notify, people_of, update_preference
from tests.conftest import World


@pytest.fixture
def addresses(world: World) -> World:
    world.merchant_owner.email = "wang@shanye.example"
    world.merchant_owner.save()
    world.agency_lead.email = "chen@yunfan.example"
    world.agency_lead.language = "en"
    world.agency_lead.save()
    world.merchant_staff.email = "li@shanye.example"
    world.merchant_staff.save()
    update_preference(world.merchant_staff, email_enabled=False)
    world.other_merchant_owner.email = "hai@haibian.example"
    world.other_merchant_owner.save()
    return world


def approval_needed(world: World, **overrides: object) -> list[Notification]:
    arguments: dict[str, object] = {
        "engagement": world.engagement,
        "kind": NotificationKind.APPROVAL_REQUESTED,
        "severity": Severity.WARNING,
        "title_zh": "待审批：直通车日预算提高到 ¥800",
        "body_zh": "推广小周申请把日预算从 ¥500 提高到 ¥800。",
        "title_en": "Approval needed: raise the daily ad budget to ¥800",
        "body_en": "推广小周 asks to raise the daily budget from ¥500 to ¥800.",
        "link": "/approvals/12",
        "actor": world.ads_specialist,
    }
    arguments.update(overrides)
    recipients = [world.merchant_owner, world.merchant_staff, world.agency_lead, world.other_merchant_owner]
    return notify(recipients, **arguments)  # type: ignore[arg-type]


def test_inbox_items_for_everyone_who_sees_the_engagement(
    addresses: World, django_capture_on_commit_callbacks: object
) -> None:
    world = addresses
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        notes = approval_needed(world)

    assert {n.recipient for n in notes} == {world.merchant_owner, world.merchant_staff, world.agency_lead}
    assert not Notification.objects.filter(recipient=world.other_merchant_owner).exists()
    assert len({n.event for n in notes}) == 1
    owners = Notification.objects.get(recipient=world.merchant_owner)
    assert owners.is_unread
    assert owners.title_in("zh-hans") == "待审批：直通车日预算提高到 ¥800"
    assert owners.title_in("en") == "Approval needed: raise the daily ad budget to ¥800"


def test_email_in_each_persons_language_only_for_those_who_want_it(
    addresses: World, django_capture_on_commit_callbacks: object
) -> None:
    world = addresses
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        approval_needed(world)

    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {"wang@shanye.example", "chen@yunfan.example"}  # 小李 turned e-mail off
    wang = by_address["wang@shanye.example"]
    assert wang.subject == "【店铺托管】待审批：直通车日预算提高到 ¥800"
    assert wang.body.startswith(
        "推广小周申请把日预算从 ¥500 提高到 ¥800。\n\n查看：https://steward.example.com/approvals/12"
    )
    chen = by_address["chen@yunfan.example"]
    assert chen.subject == "[Store Steward] Approval needed: raise the daily ad budget to ¥800"
    assert "Open: https://steward.example.com/approvals/12" in chen.body
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}


def test_one_event_in_the_audit_log_naming_who_was_told(addresses: World) -> None:
    world = addresses
    notes = approval_needed(world)
    event = AuditEvent.objects.get(action="notified", target_id=str(notes[0].event))
    assert event.actor_id == world.ads_specialist.pk
    assert event.engagement_id == world.engagement.pk
    assert event.after is not None
    assert event.after["recipients"] == sorted(n.recipient_id for n in notes)


def test_a_rolled_back_change_tells_no_one(
    addresses: World, django_capture_on_commit_callbacks: object
) -> None:
    world = addresses
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        try:
            with transaction.atomic():
                approval_needed(world)
                raise RuntimeError("the approval request failed to save")
        except RuntimeError:
            pass
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_a_failing_mail_server_is_retried_later(
    addresses: World, settings: object, django_capture_on_commit_callbacks: object
) -> None:
    settings.EMAIL_BACKEND = "tests.notifications.conftest.RefusingEmailBackend"  # type: ignore[attr-defined]
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        approval_needed(addresses)
    failed = Delivery.objects.filter(channel="email")
    assert failed.count() == 2
    for delivery in failed:
        assert delivery.status == DeliveryStatus.FAILED
        assert "mail server refused" in delivery.last_error


def test_the_same_person_twice_gets_one_item(world: World) -> None:
    notes = notify(
        [world.merchant_owner, world.merchant_owner],
        engagement=world.engagement,
        kind=NotificationKind.DELIVERABLE_TO_SIGN,
        severity=Severity.INFO,
        title_zh="待签署：交接确认书 v2",
        body_zh="",
        title_en="",
        body_en="",
        link="/deliverables/3",
    )
    assert len(notes) == 1
    # Without an English text the inbox falls back to Chinese in either language.
    assert notes[0].title_in("en") == "待签署：交接确认书 v2"


@pytest.mark.parametrize("link", ["https://evil.example/x", "//evil.example/x", "duties/7"])
def test_links_stay_inside_the_site(world: World, link: str) -> None:
    with pytest.raises(ValueError, match="link"):
        approval_needed(world, link=link)


def test_people_of_an_engagement_by_role(world: World) -> None:
    everyone = set(people_of(world.engagement))
    assert everyone == set(world.insiders)
    assert people_of(world.engagement, roles=["merchant_owner", "agency_lead"]) == sorted(
        [world.merchant_owner, world.agency_lead], key=lambda p: p.pk
    )
    assert people_of(world.engagement, roles=["agency_ads"]) == [world.ads_specialist]
