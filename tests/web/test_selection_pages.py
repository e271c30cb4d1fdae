"""筛选托管方: 王老板 compares three agencies over three rounds and chooses one."""

from __future__ import annotations

from decimal import Decimal

import pytest

from steward.engagements.choosing import add_candidate, score_candidate, start_selection
from steward.engagements.models import AgencySelection, Candidate, Engagement
from tests.conftest import World, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def selection(world: World) -> AgencySelection:
    selection = start_selection(world.merchant_owner, world.merchant.pk, "2027 天猫店托管方筛选")
    yunfan = add_candidate(selection, world.merchant_owner, "云帆托管", world.agency.pk)
    score_candidate(
        yunfan,
        world.merchant_owner,
        papers={"licence_scope": True, "platform_certified": True, "case_data_verified": True},
        interview={"hero_testing": 4, "bad_review_burst": 5, "stock_shortage": 3, "reporting": 4, "team": 4},
        trial_baseline=Decimal("20000"),
        trial_actual=Decimal("25600"),
    )
    suda = add_candidate(selection, world.merchant_owner, "速达电商")
    score_candidate(
        suda,
        world.merchant_owner,
        papers={"licence_scope": True, "platform_certified": True, "case_data_verified": False},
    )
    return selection


def test_the_list_and_starting_a_selection(world: World) -> None:
    client = client_for(world.merchant_staff)

    response = client.post("/selections/", {"title": "抖音店筛选", "merchant": world.merchant.pk})

    created = AgencySelection.objects.get(title="抖音店筛选")
    assert response.status_code == 302
    assert response["Location"] == f"/selections/{created.pk}/"
    assert "抖音店筛选" in client.get("/selections/").content.decode()


def test_the_ranking_weighs_the_rounds_and_drops_failed_papers(
    world: World, selection: AgencySelection
) -> None:
    page = client_for(world.merchant_owner).get(f"/selections/{selection.pk}/").content.decode()

    assert "资质 20% · 面试 30% · 试用 50%" in page
    assert page.index("云帆托管") < page.index("速达电商")
    assert "94.0" in page  # 0.2 × 100 + 0.3 × 80 + 0.5 × 100
    assert "资质未通过" in page
    assert "营业执照经营范围包含电子商务运营" in page
    assert "20,000 → 25,600" in page


def test_scoring_each_round_on_the_candidate_page(world: World, selection: AgencySelection) -> None:
    client = client_for(world.merchant_staff)
    client.post(f"/selections/{selection.pk}/candidates/", {"name": "星火代运营"})
    candidate = Candidate.objects.get(name="星火代运营")
    base = f"/selections/{selection.pk}/candidates/{candidate.pk}"

    client.post(
        f"{base}/papers/", {"licence_scope": "on", "platform_certified": "on", "case_data_verified": "on"}
    )
    client.post(
        f"{base}/interview/",
        {
            "score_hero_testing": "3",
            "score_bad_review_burst": "2",
            "note_hero_testing": "短视频测款，预算不明",
        },
    )
    client.post(f"{base}/trial/", {"trial_baseline": "20000", "trial_actual": "22000"})

    candidate.refresh_from_db()
    assert candidate.papers == {"licence_scope": True, "platform_certified": True, "case_data_verified": True}
    assert candidate.interview == {"hero_testing": 3, "bad_review_burst": 2}
    assert candidate.interview_notes == {"hero_testing": "短视频测款，预算不明"}
    assert candidate.trial_actual == Decimal("22000")
    page = client.get(f"{base}/").content.decode()
    assert "短视频测款，预算不明" in page
    assert 'value="3" selected' in page


def test_an_impossible_trial_is_refused_with_the_reason(world: World, selection: AgencySelection) -> None:
    candidate = selection.candidates.get(name="速达电商")

    response = client_for(world.merchant_owner).post(
        f"/selections/{selection.pk}/candidates/{candidate.pk}/trial/",
        {"trial_baseline": "0", "trial_actual": "100"},
    )

    assert response.status_code == 400
    assert "试用期：基准值和目标增长都必须大于 0。" in response.content.decode()
    candidate.refresh_from_db()
    assert candidate.trial_baseline is None


def test_an_interview_score_out_of_range_is_refused(world: World, selection: AgencySelection) -> None:
    candidate = selection.candidates.get(name="速达电商")

    response = client_for(world.merchant_owner).post(
        f"/selections/{selection.pk}/candidates/{candidate.pk}/interview/", {"score_team": "9"}
    )

    assert response.status_code == 400
    candidate.refresh_from_db()
    assert candidate.interview == {}


def test_the_owner_chooses_and_an_engagement_is_created(world: World, selection: AgencySelection) -> None:
    yunfan = selection.candidates.get(name="云帆托管")
    client = client_for(world.merchant_owner)

    response = client.post(
        f"/selections/{selection.pk}/choose/",
        {
            "candidate": yunfan.pk,
            "shops": [world.shop.pk],
            "starts_on": "2027-01-04",
            "ends_on": "2027-12-31",
        },
    )

    engagement = Engagement.objects.get(name="山野茶舍 × 云帆托管")
    assert response.status_code == 302
    assert response["Location"] == f"/engagements/{engagement.pk}/"
    assert list(engagement.shops.all()) == [world.shop]
    assert engagement.duties.count() > 200
    selection.refresh_from_db()
    assert selection.chosen == yunfan and selection.engagement == engagement
    page = client.get(f"/selections/{selection.pk}/").content.decode()
    assert "已选定 云帆托管。" in page
    assert "选定并建立合作</button>" not in page


def test_staff_see_no_choose_form_and_cannot_choose(world: World, selection: AgencySelection) -> None:
    yunfan = selection.candidates.get(name="云帆托管")
    client = client_for(world.merchant_staff)
    assert "选定并建立合作</button>" not in client.get(f"/selections/{selection.pk}/").content.decode()

    response = client.post(
        f"/selections/{selection.pk}/choose/",
        {
            "candidate": yunfan.pk,
            "shops": [world.shop.pk],
            "starts_on": "2027-01-04",
            "ends_on": "2027-12-31",
        },
    )

    assert response.status_code == 403
    assert "最终选择由商家负责人做出。" in response.content.decode()
    assert not Engagement.objects.filter(name="山野茶舍 × 云帆托管").exists()


def test_a_candidate_without_an_account_cannot_be_chosen(world: World, selection: AgencySelection) -> None:
    page = client_for(world.merchant_owner).get(f"/selections/{selection.pk}/").content.decode()

    # Only candidates with an account are offered; 速达电商 has none (and failed its papers).
    choose = page[page.index('name="candidate"') :]
    assert "云帆托管" in choose[: choose.index("</select>")]
    assert "速达电商" not in choose[: choose.index("</select>")]


def test_the_end_before_the_start_is_refused(world: World, selection: AgencySelection) -> None:
    yunfan = selection.candidates.get(name="云帆托管")

    response = client_for(world.merchant_owner).post(
        f"/selections/{selection.pk}/choose/",
        {
            "candidate": yunfan.pk,
            "shops": [world.shop.pk],
            "starts_on": "2027-12-31",
            "ends_on": "2027-01-04",
        },
    )

    assert response.status_code == 400
    assert "结束日期早于开始日期" in response.content.decode()
    assert not Engagement.objects.filter(name="山野茶舍 × 云帆托管").exists()


def test_another_merchants_shop_cannot_be_chosen(world: World, selection: AgencySelection) -> None:
    yunfan = selection.candidates.get(name="云帆托管")

    response = client_for(world.merchant_owner).post(
        f"/selections/{selection.pk}/choose/",
        {
            "candidate": yunfan.pk,
            "shops": [world.other_shop.pk],
            "starts_on": "2027-01-04",
            "ends_on": "2027-12-31",
        },
    )

    assert response.status_code == 400
    assert not Engagement.objects.filter(name="山野茶舍 × 云帆托管").exists()


def test_another_merchant_gets_404(world: World, selection: AgencySelection) -> None:
    client = client_for(world.other_merchant_owner)

    assert client.get(f"/selections/{selection.pk}/").status_code == 404
    assert "2027 天猫店托管方筛选" not in client.get("/selections/").content.decode()
