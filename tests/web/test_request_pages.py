"""沟通请求: raised with a tier, answered, paused with a reason, resumed, resolved; clocks shown."""

from __future__ import annotations

import datetime as dt

import pytest
from freezegun import freeze_time

from steward.duties.workdays import SHANGHAI
from steward.engagements.models import RequestState, SupportRequest
from steward.engagements.requests import check_request_clocks, raise_request
from tests.conftest import World, client_for
from tests.web.engagement_story import Story, small_story

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(world: World) -> Story:
    return small_story(world)


def tab(story: Story) -> str:
    return f"/engagements/{story.engagement.pk}/requests/"


def test_raising_a_request_starts_its_clock(world: World, story: Story) -> None:
    client = client_for(world.merchant_owner)

    response = client.post(tab(story), {"tier": "critical", "title": "店铺被降权", "body": "搜索流量掉一半"})

    assert response.status_code == 302
    raised = SupportRequest.objects.get(title="店铺被降权")
    assert raised.raised_party == "merchant" and raised.responder_role == "agency_lead"
    page = client.get(tab(story)).content.decode()
    assert "店铺被降权" in page and "紧急" in page
    assert "剩余 59 分" in page or "剩余 1 小时" in page


def test_a_request_without_title_is_refused_next_to_the_field(world: World, story: Story) -> None:
    response = client_for(world.merchant_owner).post(tab(story), {"tier": "routine", "title": ""})

    assert response.status_code == 400
    assert "field-invalid" in response.content.decode()
    assert story.engagement.requests.count() == 1


def test_only_the_responder_sees_answer_and_pause(world: World, story: Story) -> None:
    merchant = client_for(world.merchant_owner).get(tab(story)).content.decode()
    agency = client_for(world.agency_supervisor).get(tab(story)).content.decode()

    answer = f'action="/requests/{story.request.pk}/answer/"'
    assert answer in agency and answer not in merchant
    assert f'action="/requests/{story.request.pk}/resolve/"' in merchant


def test_pause_needs_a_reason_then_stops_the_clock(world: World, story: Story) -> None:
    client = client_for(world.agency_supervisor)

    empty = client.post(f"/requests/{story.request.pk}/pause/", {"reason": ""})
    assert empty.status_code == 400
    assert "field-invalid" in empty.content.decode()

    client.post(f"/requests/{story.request.pk}/pause/", {"reason": "等商家提供昨天的推广报表截图"})

    story.request.refresh_from_db()
    assert story.request.state == RequestState.WAITING
    page = client.get(tab(story)).content.decode()
    assert "已暂停" in page and "等商家提供昨天的推广报表截图" in page


def test_resume_answer_and_resolve(world: World, story: Story) -> None:
    agency = client_for(world.agency_supervisor)
    agency.post(f"/requests/{story.request.pk}/pause/", {"reason": "等截图"})
    client_for(world.merchant_owner).post(f"/requests/{story.request.pk}/resume/")
    story.request.refresh_from_db()
    assert story.request.state == RequestState.OPEN

    agency.post(f"/requests/{story.request.pk}/answer/", {"text": "已把日限额降到 1,500 元"})
    story.request.refresh_from_db()
    assert story.request.state == RequestState.RESOLVED  # an important request is done when answered
    assert story.request.answer == "已把日限额降到 1,500 元"

    again = agency.post(f"/requests/{story.request.pk}/resolve/")
    assert again.status_code == 409
    assert "请求已经解决。" in again.content.decode()


def test_the_merchant_cannot_answer_its_own_request(world: World, story: Story) -> None:
    response = client_for(world.merchant_owner).post(
        f"/requests/{story.request.pk}/answer/", {"text": "自问自答"}
    )

    assert response.status_code == 403
    assert "只有托管方可以进行这项操作。" in response.content.decode()
    story.request.refresh_from_db()
    assert story.request.answer == ""


def test_an_unknown_action_is_not_found(world: World, story: Story) -> None:
    assert client_for(world.merchant_owner).post(f"/requests/{story.request.pk}/explode/").status_code == 404


def test_a_breached_clock_and_the_attainment_table(world: World) -> None:
    # Monday 23 Nov 2026, 10:00: a critical request; nobody answers for two hours.
    with freeze_time(dt.datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)):
        late = raise_request(world.engagement, world.merchant_owner, "critical", "账号被封")
    with freeze_time(dt.datetime(2026, 11, 23, 11, 5, tzinfo=SHANGHAI)):
        check_request_clocks()  # the sweep records the breach (the lead had until 11:00)
    with freeze_time(dt.datetime(2026, 11, 23, 12, 30, tzinfo=SHANGHAI)):
        page = (
            client_for(world.merchant_owner)
            .get(f"/engagements/{world.engagement.pk}/requests/")
            .content.decode()
        )

    # After a breach the service starts the next level's hour from 11:00, so it too ran out.
    assert "已超时 30 分" in page
    assert "超时 1 次" in page
    assert late.title in page
    assert "时限达成率" in page
    assert "托管方" in page and "紧急" in page
    assert "0%" in page
