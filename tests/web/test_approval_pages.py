"""审批: the inbox, one request and its decision, questions that pause the clock, the monthly view."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from freezegun import freeze_time

from steward.approvals.guardrails import Proposal
from steward.approvals.models import ApprovalState
from steward.approvals.services import decide, request_approval, sweep_timeouts
from steward.duties.workdays import SHANGHAI
from tests.conftest import World, client_for
from tests.web.engagement_story import Story, small_story

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(world: World) -> Story:
    return small_story(world)


def test_the_inbox_lists_what_waits_on_me_with_time_left(world: World, story: Story) -> None:
    page = client_for(world.merchant_staff).get("/approvals/").content.decode()

    # ¥15,000 is within the staff's ¥20,000 tier.
    assert story.approval.title in page
    assert "剩余 23 小时" in page
    assert "¥15,000.00" in page
    assert "我提出的" not in page  # merchants do not raise approvals


def test_the_agency_sees_what_it_raised(world: World, story: Story) -> None:
    page = client_for(world.ads_specialist).get("/approvals/").content.decode()

    assert "我提出的" in page
    assert story.approval.title in page
    assert "没有等你处理的审批。" in page


def test_the_request_page_shows_proposal_findings_reason_and_evidence(world: World, story: Story) -> None:
    page = client_for(world.merchant_owner).get(f"/approvals/{story.approval.pk}/").content.decode()

    assert "推广预算" in page
    assert "单次预算 ¥15,000.00 超过 ¥10,000.00，需要商家批准" in page
    assert "双十二预热期搜索推广追加预算，预计 ROI 3.0" in page
    assert "上周 ROI 3.4" in page
    assert "商家员工" in page  # the decider role for this amount
    assert f'action="/approvals/{story.approval.pk}/approve/"' in page


def test_the_agency_cannot_decide_but_may_withdraw(world: World, story: Story) -> None:
    page = client_for(world.ads_specialist).get(f"/approvals/{story.approval.pk}/").content.decode()

    assert f'action="/approvals/{story.approval.pk}/approve/"' not in page
    assert f'action="/approvals/{story.approval.pk}/withdraw/"' in page

    forced = client_for(world.ads_specialist).post(f"/approvals/{story.approval.pk}/approve/")
    assert forced.status_code == 403
    assert "你不是这项审批的决定人。" in forced.content.decode()


def test_approving(world: World, story: Story) -> None:
    client = client_for(world.merchant_staff)

    response = client.post(f"/approvals/{story.approval.pk}/approve/", {"reason": ""})

    assert response.status_code == 302
    story.approval.refresh_from_db()
    assert story.approval.state == ApprovalState.APPROVED
    assert story.approval.decided_by == world.merchant_staff
    assert "已批准" in client.get(response["Location"]).content.decode()


def test_rejecting_needs_a_reason(world: World, story: Story) -> None:
    client = client_for(world.merchant_owner)

    empty = client.post(f"/approvals/{story.approval.pk}/reject/", {"reason": ""})

    assert empty.status_code == 400
    assert "驳回需要写明理由。" in empty.content.decode() or "请写明理由。" in empty.content.decode()
    story.approval.refresh_from_db()
    assert story.approval.state == ApprovalState.PENDING

    client.post(f"/approvals/{story.approval.pk}/reject/", {"reason": "先查清降权原因再加投"})
    story.approval.refresh_from_db()
    assert story.approval.state == ApprovalState.REJECTED
    assert story.approval.decision_reason == "先查清降权原因再加投"


def test_a_second_decision_is_told_it_was_already_decided(world: World, story: Story) -> None:
    decide(story.approval, world.merchant_staff, approve=True)

    response = client_for(world.merchant_owner).post(
        f"/approvals/{story.approval.pk}/reject/", {"reason": "不同意"}
    )

    assert response.status_code == 409
    assert "这项审批已经处理过了：已批准。" in response.content.decode()
    story.approval.refresh_from_db()
    assert story.approval.state == ApprovalState.APPROVED


def test_a_question_pauses_the_clock_until_the_agency_answers(world: World, story: Story) -> None:
    owner = client_for(world.merchant_owner)
    agency = client_for(world.ads_specialist)

    owner.post(f"/approvals/{story.approval.pk}/ask/", {"text": "去年同期 ROI 是多少？"})

    story.approval.refresh_from_db()
    assert story.approval.state == ApprovalState.QUESTION
    agency_inbox = agency.get("/approvals/").content.decode()
    assert story.approval.title in agency_inbox and "商家提了问题，等你回答" in agency_inbox
    detail = agency.get(f"/approvals/{story.approval.pk}/").content.decode()
    assert "去年同期 ROI 是多少？" in detail and "计时暂停" in detail

    agency.post(f"/approvals/{story.approval.pk}/answer/", {"text": "去年同期 2.8"})

    story.approval.refresh_from_db()
    assert story.approval.state == ApprovalState.PENDING
    assert "去年同期 2.8" in owner.get(f"/approvals/{story.approval.pk}/").content.decode()


def test_an_empty_question_is_refused(world: World, story: Story) -> None:
    response = client_for(world.merchant_owner).post(f"/approvals/{story.approval.pk}/ask/", {"text": ""})

    assert response.status_code == 400
    assert " open>" in response.content.decode()


def test_withdrawing(world: World, story: Story) -> None:
    client_for(world.ads_specialist).post(f"/approvals/{story.approval.pk}/withdraw/")

    story.approval.refresh_from_db()
    assert story.approval.state == ApprovalState.WITHDRAWN


def test_an_unknown_action_is_not_found(world: World, story: Story) -> None:
    assert (
        client_for(world.merchant_owner).post(f"/approvals/{story.approval.pk}/explode/").status_code == 404
    )


def test_the_monthly_view_counts_speed_and_lateness(world: World) -> None:
    with freeze_time(dt.datetime(2026, 10, 12, 10, 0, tzinfo=SHANGHAI)):
        quick = request_approval(
            world.engagement, world.ads_specialist, Proposal("spend", Decimal("12000")), "加投"
        )
    with freeze_time(dt.datetime(2026, 10, 12, 14, 0, tzinfo=SHANGHAI)):
        decide(quick, world.merchant_staff, approve=True)
    with freeze_time(dt.datetime(2026, 10, 20, 10, 0, tzinfo=SHANGHAI)):
        request_approval(world.engagement, world.ads_specialist, Proposal("spend", Decimal("50000")), "大促")
    with freeze_time(dt.datetime(2026, 10, 22, 10, 0, tzinfo=SHANGHAI)):
        sweep_timeouts()  # escalated to the owner
        sweep_timeouts(dt.datetime(2026, 10, 24, 10, 0, tzinfo=SHANGHAI))  # then expired

    page = client_for(world.merchant_owner).get("/approvals/monthly/?month=2026-10").content.decode()

    assert "2026-10 审批统计" in page
    assert "4.0 小时" in page
    assert '<span class="late">1</span>' in page  # expired, and late on the merchant's side
    assert "?month=2026-09" in page and "?month=2026-11" in page


def test_a_bad_month_falls_back_to_this_month(world: World) -> None:
    assert client_for(world.merchant_owner).get("/approvals/monthly/?month=2026-13").status_code == 200


def test_evidence_from_the_api_never_becomes_a_script_link(world: World) -> None:
    sneaky = request_approval(
        world.engagement,
        world.ads_specialist,
        Proposal("spend", Decimal("15000")),
        "加投",
        evidence=[{"link": "javascript:alert(1)"}, {"link": "https://example.com/roi"}],
    )

    page = client_for(world.merchant_owner).get(f"/approvals/{sneaky.pk}/").content.decode()

    assert 'href="javascript:' not in page
    assert "javascript:alert(1)" in page  # shown as text, for the record
    assert 'href="https://example.com/roi"' in page
