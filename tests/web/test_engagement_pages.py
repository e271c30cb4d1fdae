"""The engagement list, its head (parties, shops, period, phase stepper) and moving its phase."""

from __future__ import annotations

import pytest

from steward.engagements.models import Engagement, Phase
from tests.conftest import World, client_for
from tests.web.engagement_story import small_story, template_story

pytestmark = pytest.mark.django_db


def test_the_list_shows_each_engagement_with_what_needs_attention(world: World) -> None:
    small_story(world)

    page = client_for(world.agency_lead).get("/engagements/").content.decode()

    assert "山野茶舍 × 云帆" in page and "海边渔具 × 云帆" in page
    assert f'href="/shops/{world.shop.pk}/"' in page
    assert "执行与复盘" in page
    assert "2026-09-01 ~ 2027-08-31" in page
    assert f'href="/engagements/{world.engagement.pk}/?filter=overdue">1</a>' in page


def test_a_merchant_lists_only_their_engagements(world: World) -> None:
    page = client_for(world.merchant_owner).get("/engagements/").content.decode()

    assert "山野茶舍 × 云帆" in page
    assert "海边渔具" not in page


def test_a_specialist_lists_only_assigned_engagements(world: World) -> None:
    page = client_for(world.ads_specialist).get("/engagements/").content.decode()

    assert "山野茶舍 × 云帆" in page
    assert "海边渔具" not in page


def test_the_engagement_page_names_parties_shops_period_and_phase(world: World) -> None:
    small_story(world)

    page = client_for(world.merchant_owner).get(f"/engagements/{world.engagement.pk}/").content.decode()

    assert "山野茶舍" in page and "云帆托管" in page
    assert f'href="/shops/{world.shop.pk}/"' in page
    assert "我是商家" in page
    assert 'aria-current="step"' in page
    # Five phases done, execution current, two to go.
    assert page.count("step step-done") == 4
    assert "step step-current" in page
    assert "提交本周推广计划" in page  # the duties tab is the board of this engagement


def test_the_duties_tab_is_the_board_filtered_to_this_engagement(world: World) -> None:
    small_story(world)
    other = world.other_engagement.duties.create(
        title="海边渔具的事项", owner_party="agency", due_at=world.engagement.created_at
    )

    page = (
        client_for(world.agency_lead).get(f"/engagements/{world.engagement.pk}/?filter=all").content.decode()
    )

    assert "提交本周推广计划" in page
    assert other.title not in page


def test_the_phase_gate_refusal_is_shown_and_nothing_moves(world: World) -> None:
    engagement = template_story(world)  # in foundation; the hand-over is signed by the agency only
    client = client_for(world.agency_lead)

    response = client.post(f"/engagements/{engagement.pk}/phase/", {"target": Phase.EXECUTION})

    assert response.status_code == 409
    assert "交接确认书须由双方签字后，才能进入执行阶段。" in response.content.decode()
    engagement.refresh_from_db()
    assert engagement.phase == Phase.FOUNDATION


def test_the_agency_moves_to_the_next_phase(world: World) -> None:
    Engagement.objects.filter(pk=world.engagement.pk).update(phase=Phase.HANDOVER)

    client = client_for(world.agency_lead)

    response = client.post(f"/engagements/{world.engagement.pk}/phase/", {"target": "foundation"})

    assert response.status_code == 302
    world.engagement.refresh_from_db()
    assert world.engagement.phase == Phase.FOUNDATION
    page = client.get(response["Location"]).content.decode()
    assert "合作已进入“基础优化”阶段。" in page


def test_a_stale_page_cannot_skip_a_phase(world: World) -> None:
    Engagement.objects.filter(pk=world.engagement.pk).update(phase=Phase.FOUNDATION)
    client = client_for(world.agency_lead)

    # Two clicks on a page that said "next: foundation" while the engagement was in hand-over.
    response = client.post(f"/engagements/{world.engagement.pk}/phase/", {"target": "foundation"})

    assert response.status_code == 409
    assert "每次只能前进一个阶段" in response.content.decode()


def test_the_merchant_sees_the_next_phase_but_no_forward_button(world: World) -> None:
    Engagement.objects.filter(pk=world.engagement.pk).update(phase=Phase.HANDOVER)

    page = client_for(world.merchant_owner).get(f"/engagements/{world.engagement.pk}/").content.decode()

    assert "下一阶段：基础优化，由托管方推进" in page
    assert "进入下一阶段" not in page
    assert "确认发起终止交接" in page  # either side may start termination


def test_a_merchant_forcing_the_step_is_told_why(world: World) -> None:
    Engagement.objects.filter(pk=world.engagement.pk).update(phase=Phase.HANDOVER)

    response = client_for(world.merchant_owner).post(
        f"/engagements/{world.engagement.pk}/phase/", {"target": "foundation"}
    )

    assert response.status_code == 403
    assert "阶段由托管方推进" in response.content.decode()
    world.engagement.refresh_from_db()
    assert world.engagement.phase == Phase.HANDOVER


def test_either_party_may_start_termination(world: World) -> None:
    response = client_for(world.merchant_owner).post(
        f"/engagements/{world.engagement.pk}/phase/", {"target": "termination"}
    )

    assert response.status_code == 302
    world.engagement.refresh_from_db()
    assert world.engagement.phase == Phase.TERMINATION


def test_a_missing_target_is_a_bad_request(world: World) -> None:
    response = client_for(world.agency_lead).post(f"/engagements/{world.engagement.pk}/phase/", {})

    assert response.status_code == 400
