"""One duty: its fields and bar, its evidence, and the steps each party may take."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from steward.duties.models import Duty, DutyState, Evidence, Party
from steward.duties.services import DutySpec, check_measured_bar, open_duty, submit_duty
from tests.conftest import World, client_for
from tests.web.engagement_story import Story, small_story
from tests.web.shop_data import seed_days

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(world: World) -> Story:
    return small_story(world)


def page_of(world_person: object, duty: Duty) -> str:
    return client_for(world_person).get(f"/duties/{duty.pk}/").content.decode()  # type: ignore[arg-type]


def test_every_field_is_shown(world: World, story: Story) -> None:
    page = page_of(world.merchant_owner, story.late_duty)

    assert "提交本周推广计划" in page
    assert "山野茶舍 × 云帆" in page
    assert "托管方" in page and "配合方：商家" in page
    assert "陈总监" in page
    assert "含关键词、日预算和目标 ROI" in page
    assert "逾期 3 天" in page
    assert story.late_duty.due_at.astimezone(dt.UTC).date() is not None
    assert timezone.localtime(story.late_duty.due_at).strftime("%Y-%m-%d") in page


def test_the_owner_party_sees_hand_in_and_the_other_side_does_not(world: World, story: Story) -> None:
    agency = page_of(world.ads_specialist, story.late_duty)
    merchant = page_of(world.merchant_owner, story.late_duty)

    hand_in = f'action="/duties/{story.late_duty.pk}/submit/"'
    assert hand_in in agency
    assert hand_in not in merchant
    assert f'action="/duties/{story.late_duty.pk}/cancel/"' in merchant


def test_the_merchant_reviews_what_the_agency_handed_in(world: World, story: Story) -> None:
    merchant = page_of(world.merchant_owner, story.handed_in)
    agency = page_of(world.agency_lead, story.handed_in)

    assert f'action="/duties/{story.handed_in.pk}/accept/"' in merchant
    assert f'action="/duties/{story.handed_in.pk}/reject/"' in merchant
    assert f'action="/duties/{story.handed_in.pk}/accept/"' not in agency
    assert "5 款主图已替换，附对比图" in merchant
    assert "https://example.com/images" in merchant
    assert "主图对比" in merchant  # storage may add a suffix: evidence keeps no original name


def test_handing_in_records_lateness(world: World, story: Story) -> None:
    client = client_for(world.ads_specialist)

    response = client.post(f"/duties/{story.late_duty.pk}/submit/")

    assert response.status_code == 302
    story.late_duty.refresh_from_db()
    assert story.late_duty.state == DutyState.SUBMITTED
    assert story.late_duty.late_days == 3
    assert "已提交，等待对方验收。" in client.get(response["Location"]).content.decode()


def test_the_wrong_side_handing_in_is_told_why(world: World, story: Story) -> None:
    response = client_for(world.merchant_owner).post(f"/duties/{story.late_duty.pk}/submit/")

    assert response.status_code == 403
    assert "只有托管方可以进行这项操作。" in response.content.decode()
    story.late_duty.refresh_from_db()
    assert story.late_duty.state == DutyState.OPEN


def test_rejecting_needs_a_reason(world: World, story: Story) -> None:
    client = client_for(world.merchant_owner)

    empty = client.post(f"/duties/{story.handed_in.pk}/reject/", {"reason": ""})

    assert empty.status_code == 400
    assert "field-invalid" in empty.content.decode()
    assert " open>" in empty.content.decode()  # the reject form stays unfolded
    story.handed_in.refresh_from_db()
    assert story.handed_in.state == DutyState.SUBMITTED

    client.post(f"/duties/{story.handed_in.pk}/reject/", {"reason": "第 3 款主图文字太多"})
    story.handed_in.refresh_from_db()
    assert story.handed_in.state == DutyState.REJECTED
    assert "退回理由：" in page_of(world.ads_specialist, story.handed_in)


def test_accepting(world: World, story: Story) -> None:
    client_for(world.merchant_owner).post(f"/duties/{story.handed_in.pk}/accept/")

    story.handed_in.refresh_from_db()
    assert story.handed_in.state == DutyState.ACCEPTED
    assert story.handed_in.decided_by == world.merchant_owner


def test_accepting_twice_says_it_is_no_longer_waiting(world: World, story: Story) -> None:
    client = client_for(world.merchant_owner)
    client.post(f"/duties/{story.handed_in.pk}/accept/")

    again = client.post(f"/duties/{story.handed_in.pk}/accept/")

    assert again.status_code == 409
    assert "只有待验收的事项才能验收或退回（这一项当前为“已验收”）。" in again.content.decode()


def test_cancelling_needs_a_reason_and_records_it(world: World, story: Story) -> None:
    client = client_for(world.agency_lead)
    assert client.post(f"/duties/{story.late_duty.pk}/cancel/", {"reason": " "}).status_code == 400

    client.post(f"/duties/{story.late_duty.pk}/cancel/", {"reason": "双方同意改为每两周一次"})

    story.late_duty.refresh_from_db()
    assert story.late_duty.state == DutyState.CANCELLED
    assert story.late_duty.state_reason == "双方同意改为每两周一次"


def test_adding_evidence_a_note_a_link_and_a_file(world: World, story: Story) -> None:
    client = client_for(world.ads_specialist)

    response = client.post(
        f"/duties/{story.late_duty.pk}/evidence/",
        {
            "note": "本周计划已发群里",
            "url": "https://example.com/plan",
            "file": SimpleUploadedFile("推广计划.xlsx", b"PK fake xlsx"),
        },
    )

    assert response.status_code == 302
    kinds = sorted(Evidence.objects.filter(duty=story.late_duty).values_list("kind", flat=True))
    assert kinds == ["file", "link", "note"]


def test_empty_evidence_is_refused(world: World, story: Story) -> None:
    response = client_for(world.ads_specialist).post(f"/duties/{story.late_duty.pk}/evidence/", {"note": " "})

    assert response.status_code == 400
    assert "请至少填写说明、链接或上传文件中的一项。" in response.content.decode()
    assert not Evidence.objects.filter(duty=story.late_duty).exists()


def test_a_measured_bar_shows_metric_window_and_figure(world: World) -> None:
    today = timezone.localdate()
    seed_days(world.shop, today - dt.timedelta(days=1), days=40)
    duty = open_duty(
        world.engagement,
        DutySpec(
            title="主图点击后转化率达标",
            owner_party=Party.AGENCY,
            counted_from=today - dt.timedelta(days=20),
            count=0,
            count_mode="calendar_days",
            shop_id=world.shop.pk,
            metric="conversion",
            comparator=">=",
            threshold=Decimal("0.01"),
            window_offset_days=1,
            window_days=7,
        ),
        world.agency_lead,
    )
    submit_duty(duty, world.agency_lead)
    duty = check_measured_bar(duty)

    page = page_of(world.merchant_owner, duty)

    assert "量化标准，按导入的数据自动验收" in page
    assert "支付转化率" in page
    assert "≥ 1.00%" in page
    first, last = duty.measure_window()
    assert f"{first:%Y-%m-%d} ~ {last:%Y-%m-%d}" in page
    assert duty.measured_value is not None
    assert f"{duty.measured_value * 100:.2f}%" in page
    assert f'action="/duties/{duty.pk}/accept/"' not in page  # measured bars are not accepted by hand


def test_a_duty_without_a_bar_says_so(world: World) -> None:
    duty = open_duty(
        world.engagement,
        DutySpec(title="优化详情页", owner_party=Party.AGENCY, counted_from=timezone.localdate(), count=5),
        world.agency_lead,
    )

    assert "这项事项没有写明验收标准" in page_of(world.merchant_owner, duty)
