"""Group bots hear about an event once, in their vendor's format, and failures are retried.

陈总监 (the agency lead) connects the engagement's work groups; when a duty of 山野茶舍 goes
overdue, the groups are told once, however many people get it in their inbox.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac

import pytest
from django.utils import timezone

from steward.audit.models import AuditEvent
from steward.notifications.models import Delivery, DeliveryStatus, GroupChannel, Notification, Severity
from steward.notifications.services import (
    MAX_ATTEMPTS,
    add_group_channel,
    attempt_delivery,
    notify,
    retry_delivery,
    send_due_deliveries,
)
from tests.conftest import World
from tests.notifications.conftest import FEISHU_OK, HookServer

LINK = "https://steward.example.com/duties/7"


def overdue_notice(world: World, capture: object) -> list[Notification]:
    with capture(execute=True):  # type: ignore[operator]
        return notify(
            [world.merchant_owner, world.merchant_staff, world.agency_lead],
            engagement=world.engagement,
            kind="duty_overdue",
            severity=Severity.CRITICAL,
            title_zh="事项已逾期：确认交接清单",
            body_zh="截止 2026-10-09，已逾期 3 天",
            title_en="Duty overdue: confirm the hand-over checklist",
            body_en="Due 2026-10-09, 3 days late",
            link="/duties/7",
            actor=world.agency_lead,
        )


def wecom_group(world: World, hooks: HookServer) -> GroupChannel:
    return add_group_channel(
        world.engagement,
        world.agency_lead,
        kind="wecom",
        name="山野茶舍运营群",
        webhook_url=hooks.url("/cgi-bin/webhook/send?key=wecom-key"),
    )


def test_wecom_group_gets_one_markdown_message_per_event(
    world: World, hooks: HookServer, django_capture_on_commit_callbacks: object
) -> None:
    group = wecom_group(world, hooks)
    notes = overdue_notice(world, django_capture_on_commit_callbacks)

    assert len(notes) == 3
    assert len(hooks.received) == 1
    received = hooks.received[0]
    assert received.path == "/cgi-bin/webhook/send"
    assert received.query == {"key": "wecom-key"}
    assert received.headers["content-type"] == "application/json; charset=utf-8"
    assert received.body == {
        "msgtype": "markdown",
        "markdown": {
            "content": '<font color="warning">【紧急】</font>**事项已逾期：确认交接清单**\n'
            f"截止 2026-10-09，已逾期 3 天\n[查看详情]({LINK})"
        },
    }
    delivery = Delivery.objects.get(group_channel=group)
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.attempts == 1
    assert delivery.response_code == 200
    assert delivery.sent_at is not None
    assert AuditEvent.objects.filter(action="notification_delivered", target_id=str(delivery.pk)).exists()


def test_dingtalk_group_is_signed_in_the_query(
    world: World, hooks: HookServer, django_capture_on_commit_callbacks: object
) -> None:
    secret = "SEC0123456789abcdef"
    add_group_channel(
        world.engagement,
        world.merchant_owner,
        kind="dingtalk",
        name="山野茶舍钉钉群",
        webhook_url=hooks.url("/robot/send?access_token=ding-token"),
        secret=secret,
    )
    before_ms = int(timezone.now().timestamp() * 1000)
    overdue_notice(world, django_capture_on_commit_callbacks)
    after_ms = int(timezone.now().timestamp() * 1000)

    (received,) = hooks.received
    assert received.path == "/robot/send"
    assert set(received.query) == {"access_token", "timestamp", "sign"}
    assert received.query["access_token"] == "ding-token"
    timestamp = received.query["timestamp"]
    assert before_ms <= int(timestamp) <= after_ms
    expected = base64.b64encode(
        hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    ).decode()
    assert received.query["sign"] == expected  # parse_qs has undone the URL-encoding
    assert received.body == {
        "msgtype": "markdown",
        "markdown": {
            "title": "【紧急】事项已逾期：确认交接清单",
            "text": f"#### 【紧急】事项已逾期：确认交接清单\n\n截止 2026-10-09，已逾期 3 天\n\n[查看详情]({LINK})",
        },
    }


def test_feishu_group_is_signed_in_the_body(
    world: World, hooks: HookServer, django_capture_on_commit_callbacks: object
) -> None:
    hooks.default = (200, FEISHU_OK)
    secret = "feishu-signing-secret"
    add_group_channel(
        world.engagement,
        world.agency_supervisor,
        kind="feishu",
        name="山野茶舍飞书群",
        webhook_url=hooks.url("/open-apis/bot/v2/hook/feishu-hook"),
        secret=secret,
    )
    before = int(timezone.now().timestamp())
    overdue_notice(world, django_capture_on_commit_callbacks)

    (received,) = hooks.received
    assert received.path == "/open-apis/bot/v2/hook/feishu-hook"
    timestamp = received.body["timestamp"]
    assert before <= int(timestamp) <= before + 5
    expected = base64.b64encode(
        hmac.new(f"{timestamp}\n{secret}".encode(), b"", hashlib.sha256).digest()
    ).decode()
    assert received.body == {
        "timestamp": timestamp,
        "sign": expected,
        "msg_type": "post",
        "content": {
            "post": {
                "zh_cn": {
                    "title": "【紧急】事项已逾期：确认交接清单",
                    "content": [
                        [{"tag": "text", "text": "截止 2026-10-09，已逾期 3 天"}],
                        [{"tag": "a", "text": "查看详情", "href": LINK}],
                    ],
                }
            }
        },
    }
    assert Delivery.objects.get().status == DeliveryStatus.SENT


def test_a_switched_off_group_and_another_engagements_group_hear_nothing(
    world: World, hooks: HookServer, django_capture_on_commit_callbacks: object
) -> None:
    quiet = wecom_group(world, hooks)
    quiet.enabled = False
    quiet.save()
    GroupChannel.objects.create(
        engagement=world.other_engagement, kind="wecom", name="海边渔具群", webhook_url=hooks.url("/other")
    )
    overdue_notice(world, django_capture_on_commit_callbacks)
    assert hooks.received == []
    assert not Delivery.objects.exists()


def test_retried_after_a_500_then_sent(
    world: World, hooks: HookServer, django_capture_on_commit_callbacks: object
) -> None:
    wecom_group(world, hooks)
    hooks.answer(500, {"error": "upstream"})
    started = timezone.now()
    overdue_notice(world, django_capture_on_commit_callbacks)

    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == 1
    assert delivery.response_code == 500
    assert delivery.last_error.startswith("HTTP 500")
    assert delivery.next_attempt_at is not None
    assert (
        started + dt.timedelta(minutes=1)
        <= delivery.next_attempt_at
        <= timezone.now() + dt.timedelta(minutes=1)
    )

    # Half a minute later the back-off has not run out: the sweep leaves it alone.
    assert send_due_deliveries(timezone.now() + dt.timedelta(seconds=30)) == 0
    assert len(hooks.received) == 1

    assert send_due_deliveries(delivery.next_attempt_at) == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.attempts == 2
    assert delivery.response_code == 200
    assert delivery.last_error == ""
    assert len(hooks.received) == 2
    assert hooks.received[0].body == hooks.received[1].body


def test_a_non_zero_errcode_with_http_200_is_a_failure(
    world: World, hooks: HookServer, django_capture_on_commit_callbacks: object
) -> None:
    add_group_channel(
        world.engagement,
        world.agency_lead,
        kind="dingtalk",
        name="钉钉群",
        webhook_url=hooks.url("/robot/send?access_token=t"),
        secret="SECwrong",
    )
    hooks.answer(200, {"errcode": 310000, "errmsg": "sign not match"})
    overdue_notice(world, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.response_code == 200
    assert "310000" in delivery.last_error

    assert delivery.next_attempt_at is not None
    attempt_delivery(delivery.pk, delivery.next_attempt_at)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT


def test_feishu_code_other_than_zero_is_retried(
    world: World, hooks: HookServer, django_capture_on_commit_callbacks: object
) -> None:
    hooks.default = (200, FEISHU_OK)
    hooks.answer(200, {"code": 19021, "msg": "sign match fail or timestamp is not within one hour"})
    add_group_channel(
        world.engagement,
        world.agency_lead,
        kind="feishu",
        name="飞书群",
        webhook_url=hooks.url("/open-apis/bot/v2/hook/h"),
    )
    overdue_notice(world, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert "19021" in delivery.last_error
    assert delivery.next_attempt_at is not None
    send_due_deliveries(delivery.next_attempt_at)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT


def test_given_up_after_every_attempt_fails_with_doubling_waits(
    world: World, hooks: HookServer, django_capture_on_commit_callbacks: object
) -> None:
    wecom_group(world, hooks)
    hooks.default = (503, {"error": "maintenance"})
    overdue_notice(world, django_capture_on_commit_callbacks)

    waits = []
    delivery = Delivery.objects.get()
    while delivery.status == DeliveryStatus.FAILED:
        assert delivery.next_attempt_at is not None and delivery.last_attempt_at is not None
        waits.append(delivery.next_attempt_at - delivery.last_attempt_at)
        send_due_deliveries(delivery.next_attempt_at)
        delivery.refresh_from_db()

    assert delivery.status == DeliveryStatus.GIVEN_UP
    assert delivery.attempts == MAX_ATTEMPTS == 5
    assert waits == [dt.timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert delivery.next_attempt_at is None
    assert delivery.last_error.startswith("HTTP 503")
    assert len(hooks.received) == MAX_ATTEMPTS
    assert AuditEvent.objects.filter(action="notification_given_up", target_id=str(delivery.pk)).exists()

    # Nothing more happens on its own ...
    assert send_due_deliveries(timezone.now() + dt.timedelta(days=1)) == 0
    # ... until someone fixes the webhook and asks for a fresh series of attempts.
    hooks.default = (200, {"errcode": 0, "errmsg": "ok"})
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        retry_delivery(delivery, world.agency_lead)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.attempts == 1


def test_an_unreachable_bot_is_a_failed_attempt_not_a_crash(
    world: World, django_capture_on_commit_callbacks: object
) -> None:
    # A port nobody listens on: bind one, then close it.
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    GroupChannel.objects.create(
        engagement=world.engagement, kind="wecom", name="失联群", webhook_url=f"http://127.0.0.1:{port}/hook"
    )
    overdue_notice(world, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.response_code is None
    assert delivery.last_error.startswith("no answer from 127.0.0.1")


def test_a_delivery_being_sent_is_not_sent_twice(
    world: World, hooks: HookServer, django_capture_on_commit_callbacks: object
) -> None:
    wecom_group(world, hooks)
    hooks.answer(500, {})
    overdue_notice(world, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get()
    assert delivery.next_attempt_at is not None
    due = delivery.next_attempt_at
    # A worker claims it (its lease pushes the next attempt out) ...
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=due + dt.timedelta(minutes=2))
    # ... so the sweep running at the same moment leaves it to that worker.
    assert attempt_delivery(delivery.pk, due) is not None
    assert len(hooks.received) == 1


@pytest.mark.parametrize("kind", ["wecom", "dingtalk", "feishu"])
def test_bots_only_on_vendor_hosts_in_production(world: World, settings: object, kind: str) -> None:
    from django.core.exceptions import ValidationError

    settings.NOTIFICATION_WEBHOOK_ANY_HOST = False  # type: ignore[attr-defined]
    with pytest.raises(ValidationError) as caught:
        add_group_channel(
            world.engagement, world.agency_lead, kind=kind, name="内网", webhook_url="https://10.0.0.5/hook"
        )
    assert "webhook_url" in caught.value.message_dict
