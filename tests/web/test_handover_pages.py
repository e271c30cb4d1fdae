"""交接与权限: checklists ticked by the right party, and the access registry."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from steward.engagements.models import AccessGrant, ChecklistItem
from tests.conftest import World, client_for
from tests.web.engagement_story import Story, small_story

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(world: World) -> Story:
    return small_story(world)


def item(story: Story, code: str) -> ChecklistItem:
    return story.engagement.checklist.get(code=code)


def test_both_checklists_and_the_registry_are_shown(world: World, story: Story) -> None:
    page = client_for(world.agency_lead).get(f"/engagements/{story.engagement.pk}/handover/").content.decode()

    assert "交接清单" in page and "终止清单" in page and "权限台账" in page
    assert "主账号和支付密码由商家本人保管（商家确认）" in page
    assert "须商家本人确认" in page
    assert "逾期每天违约金 ¥500.00" in page
    assert "千牛子账号" in page and "山野茶舍:云帆运营" in page
    assert "托管团队名单已确认" in page and "运营小周、推广小周、客服小何" in page


def test_the_main_account_item_needs_the_merchant(world: World, story: Story) -> None:
    main = item(story, "main_account_kept")
    lead_page = (
        client_for(world.agency_lead).get(f"/engagements/{story.engagement.pk}/handover/").content.decode()
    )
    assert f'action="/checklist-items/{main.pk}/done/"' not in lead_page

    forced = client_for(world.agency_lead).post(f"/checklist-items/{main.pk}/done/", {"note": ""})

    assert forced.status_code == 403
    assert "这一项须由商家本人确认。" in forced.content.decode()
    main.refresh_from_db()
    assert not main.is_done

    done = client_for(world.merchant_owner).post(f"/checklist-items/{main.pk}/done/", {"note": "本人保管"})

    assert done.status_code == 302
    main.refresh_from_db()
    assert main.is_done and main.done_by == world.merchant_owner and main.note == "本人保管"


def test_a_done_item_cannot_be_ticked_twice(world: World, story: Story) -> None:
    roster = item(story, "team_roster")

    response = client_for(world.agency_lead).post(f"/checklist-items/{roster.pk}/done/", {"note": ""})

    assert response.status_code == 409
    assert "这一项已经完成。" in response.content.decode()


def test_the_merchant_registers_an_account_it_grants(world: World, story: Story) -> None:
    client = client_for(world.merchant_owner)

    response = client.post(
        f"/engagements/{story.engagement.pk}/access/",
        {
            "system": "京东商家后台",
            "account": "shanye_jd_op",
            "permissions": "商品编辑",
            "holder": world.ads_specialist.pk,
        },
    )

    assert response.status_code == 302
    grant = AccessGrant.objects.get(account="shanye_jd_op")
    assert grant.holder == world.ads_specialist
    assert grant.revoke_by == story.engagement.ends_on + dt.timedelta(days=3)


def test_the_agency_does_not_grant_itself_access(world: World, story: Story) -> None:
    page = client_for(world.agency_lead).get(f"/engagements/{story.engagement.pk}/handover/").content.decode()
    assert "登记新账号" not in page

    response = client_for(world.agency_lead).post(
        f"/engagements/{story.engagement.pk}/access/", {"system": "千牛", "account": "self"}
    )

    assert response.status_code == 403
    assert "只有商家可以登记授权给托管方的账号。" in response.content.decode()
    assert not AccessGrant.objects.filter(account="self").exists()


def test_a_missing_account_is_shown_next_to_the_field(world: World, story: Story) -> None:
    response = client_for(world.merchant_owner).post(
        f"/engagements/{story.engagement.pk}/access/", {"system": "千牛", "account": ""}
    )

    assert response.status_code == 400
    assert "field-invalid" in response.content.decode()


def test_revoking_records_when_and_late_days_show(world: World, story: Story) -> None:
    grant = story.engagement.access_grants.get()
    AccessGrant.objects.filter(pk=grant.pk).update(revoke_by=timezone.localdate() - dt.timedelta(days=4))
    client = client_for(world.agency_lead)

    late = client.get(f"/engagements/{story.engagement.pk}/handover/").content.decode()
    assert "4 天" in late

    response = client.post(f"/access/{grant.pk}/revoke/")

    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.revoked_by == world.agency_lead and grant.revoked_at is not None
    again = client.post(f"/access/{grant.pk}/revoke/")
    assert again.status_code == 409
    assert "这个账号已经收回。" in again.content.decode()
