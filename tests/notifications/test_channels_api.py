"""Group bots of an engagement over the API.

Everyone who sees 山野茶舍's engagement can see its bots (keys masked); only 陈总监 (agency
lead), 赵主管 (supervisor) and 王老板 (merchant owner) can add or change them. 推广小周 is an
assigned specialist (403); 海老板, 青木老板 and 美工小林 do not see the engagement at all (404).
"""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from steward.audit.models import AuditEvent
from steward.notifications.models import Delivery, GroupChannel
from tests.conftest import World, token_client_headers

pytestmark = pytest.mark.usefixtures("_test_urls")

DINGTALK = {
    "kind": "dingtalk",
    "name": "山野茶舍钉钉群",
    "webhook_url": "https://oapi.dingtalk.com/robot/send?access_token=0123456789abcdef",
    "secret": "SECabcdef0123456789",
}


@pytest.fixture
def _test_urls() -> object:
    with override_settings(ROOT_URLCONF="tests.notifications.urls"):
        yield


def channels_url(world: World, engagement: object = None) -> str:
    return f"/api/v1/notifications/engagements/{(engagement or world.engagement).pk}/channels"  # type: ignore[attr-defined]


def post(person: object, url: str, data: dict[str, object]) -> object:
    return Client().post(
        url, data=data, content_type="application/json", headers=token_client_headers(person)
    )  # type: ignore[arg-type]


@pytest.fixture
def production_hosts(settings: object) -> None:
    settings.NOTIFICATION_WEBHOOK_ANY_HOST = False  # type: ignore[attr-defined]


def test_the_lead_adds_a_signed_dingtalk_bot(world: World, production_hosts: None) -> None:
    response = post(world.agency_lead, channels_url(world), DINGTALK)
    assert response.status_code == 201  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert body["kind"] == "dingtalk"
    assert body["signed"] is True
    assert body["webhook_url"] == "https://oapi.dingtalk.com/robot/send?***"
    assert "secret" not in body
    channel = GroupChannel.objects.get(pk=body["id"])
    assert channel.secret == "SECabcdef0123456789"
    assert channel.created_by == world.agency_lead

    event = AuditEvent.objects.get(action="create", target_type="notifications.groupchannel")
    assert event.engagement_id == world.engagement.pk
    # The webhook key and the secret are credentials: they never enter the append-only log.
    logged = str(event.after)
    assert "0123456789abcdef" not in logged
    assert "SECabcdef0123456789" not in logged


@pytest.mark.parametrize("who", ["agency_supervisor", "merchant_owner"])
def test_supervisor_and_merchant_owner_may_add_too(world: World, who: str) -> None:
    assert post(getattr(world, who), channels_url(world), DINGTALK).status_code == 201  # type: ignore[attr-defined]


@pytest.mark.parametrize("who", ["ads_specialist", "merchant_staff"])
def test_specialists_and_staff_may_look_but_not_add(world: World, who: str) -> None:
    person = getattr(world, who)
    assert post(person, channels_url(world), DINGTALK).status_code == 403  # type: ignore[attr-defined]
    assert not GroupChannel.objects.exists()
    assert Client().get(channels_url(world), headers=token_client_headers(person)).status_code == 200


def test_outsiders_get_404_for_everything(world: World) -> None:
    channel = GroupChannel.objects.create(
        engagement=world.engagement,
        kind="wecom",
        name="运营群",
        webhook_url="https://qyapi.weixin.qq.com/x?key=k",
    )
    for person in world.outsiders:
        headers = token_client_headers(person)
        assert Client().get(channels_url(world), headers=headers).status_code == 404, person
        assert post(person, channels_url(world), DINGTALK).status_code == 404, person  # type: ignore[attr-defined]
        patched = Client().patch(
            f"{channels_url(world)}/{channel.pk}",
            data={"enabled": False},
            content_type="application/json",
            headers=headers,
        )
        assert patched.status_code == 404, person
        deliveries = f"/api/v1/notifications/engagements/{world.engagement.pk}/deliveries"
        assert Client().get(deliveries, headers=headers).status_code == 404, person
    channel.refresh_from_db()
    assert channel.enabled


def test_a_channel_of_another_engagement_is_not_found_through_this_one(world: World) -> None:
    theirs = GroupChannel.objects.create(
        engagement=world.other_engagement,
        kind="wecom",
        name="海边群",
        webhook_url="https://qyapi.weixin.qq.com/x?key=k",
    )
    response = Client().patch(
        f"{channels_url(world)}/{theirs.pk}",
        data={"enabled": False},
        content_type="application/json",
        headers=token_client_headers(world.agency_lead),
    )
    assert response.status_code == 404


def test_listing_masks_keys(world: World) -> None:
    GroupChannel.objects.create(
        engagement=world.engagement,
        kind="feishu",
        name="飞书群",
        webhook_url="https://open.feishu.cn/open-apis/bot/v2/hook/secret-hook-id",
        secret="s",
    )
    GroupChannel.objects.create(
        engagement=world.other_engagement,
        kind="wecom",
        name="海边群",
        webhook_url="https://qyapi.weixin.qq.com/x?key=k",
    )
    listed = Client().get(channels_url(world), headers=token_client_headers(world.merchant_staff)).json()
    assert [(c["name"], c["webhook_url"], c["signed"]) for c in listed] == [
        ("飞书群", "https://open.feishu.cn/open-apis/bot/v2/hook/***", True)
    ]


def test_bad_input_names_the_field(world: World, production_hosts: None) -> None:
    internal = post(
        world.agency_lead, channels_url(world), {**DINGTALK, "webhook_url": "http://192.168.1.10/hook"}
    )
    assert internal.status_code == 422  # type: ignore[attr-defined]
    assert [p["field"] for p in internal.json()["problems"]] == ["webhook_url"]  # type: ignore[attr-defined]
    wecom_with_secret = post(
        world.agency_lead,
        channels_url(world),
        {
            "kind": "wecom",
            "name": "群",
            "webhook_url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
            "secret": "x",
        },
    )
    assert wecom_with_secret.status_code == 422  # type: ignore[attr-defined]
    assert [p["field"] for p in wecom_with_secret.json()["problems"]] == ["secret"]  # type: ignore[attr-defined]
    unknown_kind = post(world.agency_lead, channels_url(world), {**DINGTALK, "kind": "slack"})
    assert unknown_kind.status_code == 422  # type: ignore[attr-defined]
    assert not GroupChannel.objects.exists()


def test_switching_a_bot_off_and_rekeying_it_is_recorded(world: World) -> None:
    created = post(world.merchant_owner, channels_url(world), DINGTALK).json()  # type: ignore[attr-defined]
    url = f"{channels_url(world)}/{created['id']}"
    headers = token_client_headers(world.agency_lead)
    response = Client().patch(
        url,
        data={"enabled": False, "secret": "SECnew-secret"},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 200
    assert response.json()["enabled"] is False
    change = AuditEvent.objects.get(action="update", target_type="notifications.groupchannel")
    assert change.actor_id == world.agency_lead.pk
    assert change.before is not None and change.after is not None
    assert set(change.after) == {"enabled", "secret"}
    assert "SECnew-secret" not in str(change.after)
    # The specialist may not change it.
    refused = Client().patch(
        url,
        data={"enabled": True},
        content_type="application/json",
        headers=token_client_headers(world.ads_specialist),
    )
    assert refused.status_code == 403


def test_managers_see_failing_deliveries(world: World) -> None:
    channel = GroupChannel.objects.create(
        engagement=world.engagement,
        kind="wecom",
        name="运营群",
        webhook_url="https://qyapi.weixin.qq.com/x?key=k",
    )
    Delivery.objects.create(
        channel="wecom",
        event="6f1c1f5e-0000-4000-8000-000000000001",
        group_channel=channel,
        engagement=world.engagement,
        title="事项已逾期",
        status="given_up",
        attempts=5,
        last_error="HTTP 500",
        response_code=500,
    )
    url = f"/api/v1/notifications/engagements/{world.engagement.pk}/deliveries"
    rows = Client().get(url, headers=token_client_headers(world.merchant_owner)).json()
    assert [(r["status"], r["attempts"], r["last_error"]) for r in rows] == [("given_up", 5, "HTTP 500")]
    assert Client().get(url, headers=token_client_headers(world.ads_specialist)).status_code == 403
