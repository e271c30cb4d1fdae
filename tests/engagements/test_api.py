"""The engagement API: the same actions as the pages, and outsiders get 404 everywhere."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from steward.duties.models import Party
from steward.duties.services import DutySpec, open_duty
from steward.engagements.models import ChecklistItem, Deliverable, DeliverableKind
from steward.engagements.requests import raise_request
from steward.engagements.services import add_version, grant_access
from tests.conftest import World, token_client_headers


def call(person: Any, method: str, url: str, body: dict[str, Any] | None = None) -> Any:
    client = Client()
    headers = token_client_headers(person)
    if method == "get":
        return client.get(url, headers=headers)
    return client.post(url, body or {}, content_type="application/json", headers=headers)


@pytest.fixture
def things(world: World) -> dict[str, int]:
    duty = open_duty(
        world.engagement,
        DutySpec(title="提交周报", owner_party=Party.AGENCY, counted_from=dt.date(2026, 11, 2), count=0),
        world.agency_lead,
    )
    deliverable = Deliverable.objects.create(
        engagement=world.engagement, kind=DeliverableKind.DIAGNOSIS, title="诊断"
    )
    deliverable.signers.set([world.merchant_owner, world.agency_lead])
    add_version(deliverable, world.agency_lead, content={"v": 1})
    item = ChecklistItem.objects.create(
        engagement=world.engagement,
        checklist="handover",
        code="work_group",
        label="工作群",
        owner_party="agency",
    )
    grant = grant_access(
        world.engagement, world.merchant_owner, system="天猫", account="sub01", permissions="商品"
    )
    request = raise_request(world.engagement, world.merchant_staff, "routine", "详情页问题")
    return {
        "e": world.engagement.pk,
        "duty": duty.pk,
        "deliverable": deliverable.pk,
        "item": item.pk,
        "grant": grant.pk,
        "request": request.pk,
    }


ENDPOINTS = [
    ("get", "/api/v1/engagements/{e}"),
    ("get", "/api/v1/engagements/{e}/deliverables"),
    ("get", "/api/v1/engagements/{e}/checklists"),
    ("get", "/api/v1/engagements/{e}/access"),
    ("get", "/api/v1/engagements/{e}/requests"),
    ("get", "/api/v1/engagements/{e}/sla"),
    ("get", "/api/v1/engagements/deliverables/{deliverable}"),
    ("get", "/api/v1/duties/{duty}"),
    ("get", "/api/v1/duties/?engagement={e}"),
    ("post", "/api/v1/engagements/{e}/phase"),
    ("post", "/api/v1/engagements/{e}/access"),
    ("post", "/api/v1/engagements/{e}/requests"),
    ("post", "/api/v1/engagements/deliverables/{deliverable}/versions"),
    ("post", "/api/v1/engagements/deliverables/{deliverable}/versions/1/sign"),
    ("post", "/api/v1/engagements/deliverables/{deliverable}/versions/1/reject"),
    ("post", "/api/v1/engagements/checklist-items/{item}/done"),
    ("post", "/api/v1/engagements/access/{grant}/revoke"),
    ("post", "/api/v1/engagements/requests/{request}/answer"),
    ("post", "/api/v1/engagements/requests/{request}/pause"),
    ("post", "/api/v1/duties/{duty}/submit"),
    ("post", "/api/v1/duties/{duty}/accept"),
    ("post", "/api/v1/duties/{duty}/reject"),
    ("post", "/api/v1/duties/{duty}/cancel"),
]


@pytest.mark.parametrize(("method", "template"), ENDPOINTS)
def test_outsiders_get_404(world: World, things: dict[str, int], method: str, template: str) -> None:
    url = template.format(**things)
    body = {
        "phase": "termination",
        "tier": "routine",
        "title": "x",
        "system": "x",
        "account": "x",
        "content": {},
    }
    for person in world.outsiders:
        assert call(person, method, url, body).status_code == 404, (person, url)


def test_new_duty_on_a_hidden_engagement_is_404(world: World) -> None:
    body = {
        "engagement_id": world.engagement.pk,
        "title": "x",
        "owner_party": "agency",
        "counted_from": "2026-11-02",
        "count": 1,
    }
    assert call(world.other_merchant_owner, "post", "/api/v1/duties/", body).status_code == 404
    assert call(world.merchant_owner, "post", "/api/v1/duties/", body).status_code == 201


def test_lists_show_only_visible_engagements(world: World) -> None:
    names = {e["name"] for e in call(world.merchant_owner, "get", "/api/v1/engagements/").json()}
    assert names == {"山野茶舍 × 云帆"}
    names = {e["name"] for e in call(world.agency_lead, "get", "/api/v1/engagements/").json()}
    assert names == {"山野茶舍 × 云帆", "海边渔具 × 云帆"}


def test_duty_flow_through_the_api(world: World, things: dict[str, int]) -> None:
    duty = things["duty"]
    assert call(world.merchant_owner, "post", f"/api/v1/duties/{duty}/submit").status_code == 403
    submitted = call(world.ads_specialist, "post", f"/api/v1/duties/{duty}/submit")
    assert submitted.status_code == 200 and submitted.json()["state"] == "submitted"
    assert submitted.json()["waiting_on"] == "merchant"
    rejected = call(world.merchant_owner, "post", f"/api/v1/duties/{duty}/reject", {"reason": ""})
    assert rejected.status_code == 422
    assert rejected.json()["problems"][0]["field"] == "reason"
    again = call(world.merchant_owner, "post", f"/api/v1/duties/{duty}/accept")
    assert again.json()["state"] == "accepted"
    conflict = call(world.merchant_owner, "post", f"/api/v1/duties/{duty}/accept")
    assert conflict.status_code == 409


def test_board_filters(world: World, things: dict[str, int]) -> None:
    waiting = call(world.agency_lead, "get", "/api/v1/duties/?filter=waiting_agency").json()
    assert [d["id"] for d in waiting] == [things["duty"]]
    assert call(world.agency_lead, "get", "/api/v1/duties/?filter=someday").status_code == 422


def test_signing_through_the_api_records_the_ip(world: World, things: dict[str, int]) -> None:
    url = f"/api/v1/engagements/deliverables/{things['deliverable']}/versions/1/sign"
    body = call(world.merchant_owner, "post", url, {}).json()
    assert body["signatures"][0]["ip"] == "127.0.0.1"
    assert body["status"] == "awaiting"
    body = call(world.agency_lead, "post", url, {}).json()
    assert body["status"] == "signed"


def test_request_clock_is_shown(world: World, things: dict[str, int]) -> None:
    rows = call(world.merchant_owner, "get", f"/api/v1/engagements/{world.engagement.pk}/requests").json()
    assert rows[0]["response_clock"]["target_seconds"] == 7200


def test_holiday_schedule_is_for_platform_admins(world: World) -> None:
    body = {"year": 2027, "holidays": ["2027-01-01"], "workdays": []}
    assert call(world.agency_lead, "post", "/api/v1/holiday-schedules", body).status_code == 403
    world.agency_lead.is_staff = True
    world.agency_lead.save()
    assert call(world.agency_lead, "post", "/api/v1/holiday-schedules", body).status_code == 201
    bad = {"year": 2027, "holidays": ["2028-01-01"], "workdays": []}
    assert call(world.agency_lead, "post", "/api/v1/holiday-schedules", bad).status_code == 422
