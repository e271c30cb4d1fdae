"""工作台: an agency lead's morning across every client shop, and a merchant's view of theirs."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from steward.duties.models import Party
from steward.duties.services import DutySpec, open_duty
from tests.conftest import World, client_for
from tests.web.engagement_story import small_story, template_story

pytestmark = pytest.mark.django_db


def test_the_board_needs_a_login(client: Any) -> None:
    response = client.get("/board/")

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_agency_lead_sees_late_work_across_every_client(world: World) -> None:
    story = small_story(world)
    open_duty(
        world.other_engagement,
        DutySpec(
            title="海边渔具：补齐 SKU 主图",
            owner_party=Party.AGENCY,
            counted_from=timezone.localdate(),
            count=-2,
            count_mode="calendar_days",
        ),
        world.agency_lead,
    )

    page = client_for(world.agency_lead).get("/board/").content.decode()

    # Something is late, so the board opens on the overdue tab.
    assert 'href="?filter=overdue" aria-current="true"' in page
    assert story.late_duty.title in page
    assert "海边渔具：补齐 SKU 主图" in page
    assert "山野茶舍天猫店" in page and "海边渔具拼多多店" in page
    assert "3 天" in page  # 提交本周推广计划 is three days late
    assert story.handed_in.title not in page  # handed in, so not late


def test_merchant_sees_only_their_own_engagement(world: World) -> None:
    small_story(world)
    open_duty(
        world.other_engagement,
        DutySpec(
            title="海边渔具：补齐 SKU 主图",
            owner_party=Party.AGENCY,
            counted_from=timezone.localdate(),
            count=-2,
            count_mode="calendar_days",
        ),
        world.agency_lead,
    )

    page = client_for(world.merchant_owner).get("/board/?filter=all").content.decode()

    assert "提交本周推广计划" in page
    assert "海边渔具" not in page


def test_tabs_filter_by_whose_move_it_is(world: World) -> None:
    story = small_story(world)
    client = client_for(world.merchant_owner)

    waiting_merchant = client.get("/board/?filter=waiting_merchant").content.decode()
    waiting_agency = client.get("/board/?filter=waiting_agency").content.decode()

    # Handed in by the agency: the merchant must accept it.
    assert story.handed_in.title in waiting_merchant
    assert story.merchant_duty.title in waiting_merchant
    assert story.late_duty.title in waiting_agency
    assert story.handed_in.title not in waiting_agency


def test_an_unknown_filter_falls_back_instead_of_failing(world: World) -> None:
    small_story(world)

    response = client_for(world.agency_lead).get("/board/?filter=everything&order=sideways&page=99")

    assert response.status_code == 200


def test_grouping_by_engagement_heads_each_group(world: World) -> None:
    small_story(world)

    page = client_for(world.agency_lead).get("/board/?filter=all&order=engagement").content.decode()

    assert 'class="group-head"' in page
    assert "山野茶舍 × 云帆" in page


def test_provisional_dates_are_marked(world: World) -> None:
    # A working-day deadline in a year whose holidays are not yet published is a guess.
    open_duty(
        world.engagement,
        DutySpec(title="2028 年度复盘", owner_party=Party.AGENCY, counted_from=dt.date(2028, 3, 1), count=3),
        world.agency_lead,
    )

    page = client_for(world.agency_lead).get("/board/?filter=all").content.decode()

    assert "2028 年度复盘" in page
    assert "暂定" in page


def test_open_requests_show_their_clock_and_approvals_their_time_left(world: World) -> None:
    story = small_story(world)

    lead = client_for(world.agency_lead).get("/board/").content.decode()
    owner = client_for(world.merchant_owner).get("/board/").content.decode()

    assert story.request.title in lead
    assert "剩余" in lead or "已超时" in lead or "已暂停" in lead
    # The budget waits on the merchant, not on the agency lead.
    assert story.approval.title in owner
    assert "等我审批" in owner
    assert f'href="/approvals/{story.approval.pk}/"' in owner
    assert f'href="/approvals/{story.approval.pk}/"' not in lead


def test_board_query_count_does_not_grow_with_the_number_of_duties(
    world: World, django_assert_max_num_queries: Any
) -> None:
    template_story(world)  # about 225 duties, deliverables, checklists, requests and approvals
    client = client_for(world.agency_lead)
    for url in ("/board/?filter=all", "/board/?filter=all&order=engagement", "/board/?filter=overdue"):
        with CaptureQueriesContext(connection) as before:
            assert client.get(url).status_code == 200
        # About twenty: the tab counts, one page of duties, their shops, the open requests'
        # clocks and the inbox; none of them per duty.
        assert len(before.captured_queries) <= 30, url
        for i in range(80):
            open_duty(
                world.other_engagement,
                DutySpec(
                    title=f"补充 SKU 详情页 {url} {i}",
                    owner_party=Party.AGENCY,
                    counted_from=timezone.localdate(),
                    count=-1 - i % 5,
                    count_mode="calendar_days",
                ),
                world.agency_lead,
            )
        with django_assert_max_num_queries(len(before.captured_queries)):
            assert client.get(url).status_code == 200
