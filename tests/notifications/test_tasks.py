"""The queue wiring: what runs when, and that the tasks call the same services."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from steward.notifications.models import Delivery, DeliveryStatus, GroupChannel
from steward.notifications.tasks import deliver, retry_deliveries, send_digests
from tests.conftest import World
from tests.notifications.conftest import HookServer


def test_the_sweep_runs_every_minute_and_digests_every_hour() -> None:
    quarter_past = dt.datetime(2026, 10, 12, 0, 15)
    on_the_hour = dt.datetime(2026, 10, 12, 0, 0)
    assert retry_deliveries.task_class().validate_datetime(quarter_past)
    assert retry_deliveries.task_class().validate_datetime(on_the_hour)
    assert not send_digests.task_class().validate_datetime(quarter_past)
    assert send_digests.task_class().validate_datetime(on_the_hour)


def test_queued_delivery_and_the_sweep_send_through_the_services(world: World, hooks: HookServer) -> None:
    channel = GroupChannel.objects.create(
        engagement=world.engagement, kind="wecom", name="运营群", webhook_url=hooks.url("/hook?key=k")
    )
    first = Delivery.objects.create(
        channel="wecom",
        event="6f1c1f5e-0000-4000-8000-000000000001",
        group_channel=channel,
        engagement=world.engagement,
        title="第一条",
        next_attempt_at=timezone.now(),
    )
    deliver(first.pk)  # the queue runs it inline in tests
    first.refresh_from_db()
    assert first.status == DeliveryStatus.SENT

    # A delivery the queue never got (Redis was down) is picked up by the sweep.
    lost = Delivery.objects.create(
        channel="wecom",
        event="6f1c1f5e-0000-4000-8000-000000000002",
        group_channel=channel,
        engagement=world.engagement,
        title="第二条",
        next_attempt_at=timezone.now() - dt.timedelta(minutes=5),
    )
    assert retry_deliveries.call_local() == 1
    lost.refresh_from_db()
    assert lost.status == DeliveryStatus.SENT
    assert [r.body["markdown"]["content"] for r in hooks.received] == [
        '<font color="info">【提示】</font>**第一条**',
        '<font color="info">【提示】</font>**第二条**',
    ]


def test_the_digest_task_runs_the_hourly_sweep(world: World) -> None:
    assert send_digests.call_local() == 0  # nobody has anything due in this world
