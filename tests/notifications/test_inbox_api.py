"""The inbox over the API: each person reads and marks only their own notifications.

王老板 has three notifications, one already read; 小李 has one. Neither can touch the other's.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from steward.audit.models import AuditEvent
from steward.notifications.models import Notification, NotificationKind, Severity
from tests.conftest import World, client_for, token_client_headers

pytestmark = pytest.mark.usefixtures("_test_urls")
INBOX = "/api/v1/notifications/"


@pytest.fixture
def _test_urls() -> object:
    with override_settings(ROOT_URLCONF="tests.notifications.urls"):
        yield


def item(
    world_person: object, title: str, minutes_ago: int, *, read: bool = False, en: str = ""
) -> Notification:
    created = timezone.now() - dt.timedelta(minutes=minutes_ago)
    return Notification.objects.create(
        recipient=world_person,
        kind=NotificationKind.DUTY_DUE,
        severity=Severity.INFO,
        title_zh=title,
        body_zh=f"{title}。",
        title_en=en,
        body_en=f"{en}." if en else "",
        link="/duties/1",
        created_at=created,
        read_at=created if read else None,
    )


@pytest.fixture
def inboxes(world: World) -> dict[str, Notification]:
    return {
        "old_unread": item(world.merchant_owner, "提交资料即将到期", 120, en="Materials due soon"),
        "new_unread": item(world.merchant_owner, "交接确认书待签署", 10),
        "read": item(world.merchant_owner, "周报已提交", 5, read=True),
        "staffs": item(world.merchant_staff, "客服话术待确认", 1),
    }


def test_unread_first_then_newest(world: World, inboxes: dict[str, Notification]) -> None:
    response = Client().get(INBOX, headers=token_client_headers(world.merchant_owner))
    assert response.status_code == 200
    body = response.json()
    assert body["unread"] == 2
    assert [i["title"] for i in body["items"]] == ["交接确认书待签署", "提交资料即将到期", "周报已提交"]
    assert [i["unread"] for i in body["items"]] == [True, True, False]


def test_only_unread_when_asked(world: World, inboxes: dict[str, Notification]) -> None:
    response = Client().get(f"{INBOX}?unread=true", headers=token_client_headers(world.merchant_owner))
    assert [i["id"] for i in response.json()["items"]] == [inboxes["new_unread"].pk, inboxes["old_unread"].pk]


def test_shown_in_the_persons_language(world: World, inboxes: dict[str, Notification]) -> None:
    world.merchant_owner.language = "en"
    world.merchant_owner.save()
    items = client_for(world.merchant_owner).get(INBOX).json()["items"]
    by_id = {i["id"]: i for i in items}
    assert by_id[inboxes["old_unread"].pk]["title"] == "Materials due soon"
    assert by_id[inboxes["old_unread"].pk]["title_zh"] == "提交资料即将到期"
    assert by_id[inboxes["new_unread"].pk]["title"] == "交接确认书待签署"  # no English text: Chinese


def test_nobody_sees_another_persons_inbox(world: World, inboxes: dict[str, Notification]) -> None:
    staff_items = Client().get(INBOX, headers=token_client_headers(world.merchant_staff)).json()["items"]
    assert [i["title"] for i in staff_items] == ["客服话术待确认"]
    assert Client().get(INBOX, headers=token_client_headers(world.lonely_owner)).json() == {
        "unread": 0,
        "items": [],
    }


def test_marking_ones_own_notification_read(world: World, inboxes: dict[str, Notification]) -> None:
    note = inboxes["new_unread"]
    response = Client().post(f"{INBOX}{note.pk}/read", headers=token_client_headers(world.merchant_owner))
    assert response.status_code == 200
    assert response.json()["unread"] is False
    note.refresh_from_db()
    assert note.read_at is not None
    assert AuditEvent.objects.filter(action="notification_read", target_id=str(note.pk)).count() == 1
    # Marking it again changes nothing and records nothing more.
    Client().post(f"{INBOX}{note.pk}/read", headers=token_client_headers(world.merchant_owner))
    assert AuditEvent.objects.filter(action="notification_read", target_id=str(note.pk)).count() == 1


def test_another_persons_notification_is_not_found(world: World, inboxes: dict[str, Notification]) -> None:
    staffs = inboxes["staffs"]
    for person in [world.merchant_owner, world.agency_lead, world.other_merchant_owner]:
        response = Client().post(f"{INBOX}{staffs.pk}/read", headers=token_client_headers(person))
        assert response.status_code == 404, person
    assert (
        Client().post(f"{INBOX}999999/read", headers=token_client_headers(world.merchant_owner)).status_code
        == 404
    )
    staffs.refresh_from_db()
    assert staffs.read_at is None


def test_read_all_marks_only_ones_own(world: World, inboxes: dict[str, Notification]) -> None:
    response = Client().post(f"{INBOX}read-all", headers=token_client_headers(world.merchant_owner))
    assert response.json() == {"marked": 2}
    assert not Notification.objects.filter(recipient=world.merchant_owner, read_at__isnull=True).exists()
    inboxes["staffs"].refresh_from_db()
    assert inboxes["staffs"].read_at is None
    assert Client().post(f"{INBOX}read-all", headers=token_client_headers(world.merchant_owner)).json() == {
        "marked": 0
    }


def test_anonymous_requests_are_refused(world: World, inboxes: dict[str, Notification]) -> None:
    assert Client().get(INBOX).status_code == 401
    assert Client().post(f"{INBOX}read-all").status_code == 401


def test_own_settings(world: World) -> None:
    client = client_for(world.merchant_staff)
    assert client.get(f"{INBOX}preferences").json() == {
        "email_enabled": True,
        "digest_enabled": True,
        "digest_hour": 8,
    }
    changed = client.patch(
        f"{INBOX}preferences",
        data={"email_enabled": False, "digest_hour": 18},
        content_type="application/json",
    )
    assert changed.json() == {"email_enabled": False, "digest_enabled": True, "digest_hour": 18}
    refused = client.patch(f"{INBOX}preferences", data={"digest_hour": 24}, content_type="application/json")
    assert refused.status_code == 422
    assert client_for(world.merchant_owner).get(f"{INBOX}preferences").json()["digest_hour"] == 8


def test_the_inbox_costs_the_same_few_queries_however_long(
    world: World, django_assert_max_num_queries: object
) -> None:
    for n in range(40):
        item(world.merchant_owner, f"通知 {n}", n)
    headers = token_client_headers(world.merchant_owner)
    with django_assert_max_num_queries(6):  # type: ignore[operator]
        response = Client().get(INBOX, headers=headers)
    assert len(response.json()["items"]) == 40
