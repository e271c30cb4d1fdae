"""A merchant compares agencies in three rounds and turns the best into an engagement."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from steward.engagements.choosing import (
    add_candidate,
    choose_candidate,
    get_selection_for,
    ranking,
    score_candidate,
    start_selection,
)
from steward.engagements.models import Phase
from steward.engagements.selection import (
    CandidateScores,
    SelectionError,
    TrialResult,
    TrialTerms,
    Weights,
    interview_score,
    papers_score,
    trial_score,
)
from tests.conftest import World

ALL_PAPERS = {"licence_scope": True, "platform_certified": True, "case_data_verified": True}


def test_paper_round_eliminates_on_any_failed_check() -> None:
    assert papers_score(ALL_PAPERS) == (Decimal("100.0"), True)
    assert papers_score({**ALL_PAPERS, "case_data_verified": False}) == (Decimal("66.7"), False)
    with pytest.raises(SelectionError, match="unknown check"):
        papers_score({"nice_office": True})


def test_interview_scores_concrete_answers() -> None:
    assert interview_score(
        {"hero_testing": 5, "bad_review_burst": 5, "stock_shortage": 4, "reporting": 4, "team": 2}
    ) == Decimal("80.0")
    with pytest.raises(SelectionError, match="0 to 5"):
        interview_score({"team": 7})


def test_trial_target_of_twenty_percent_growth() -> None:
    terms = TrialTerms(Decimal("0.8"), Decimal("0.20"), Decimal("0.5"))
    assert trial_score(terms, TrialResult(Decimal(10000), Decimal(12400))) == (Decimal("100.0"), True)
    assert trial_score(terms, TrialResult(Decimal(10000), Decimal(11000))) == (Decimal("50.0"), False)
    assert trial_score(terms, TrialResult(Decimal(10000), Decimal(9000))) == (Decimal("0.0"), False)


def test_weights_must_add_up() -> None:
    with pytest.raises(SelectionError):
        Weights(Decimal("0.5"), Decimal("0.5"), Decimal("0.5"))


def test_total_uses_the_rounds_taken_so_far() -> None:
    scores = CandidateScores("甲", Decimal(100), Decimal(60), None, False)
    assert scores.total(Weights()) == Decimal("76.0")  # (0.2×100 + 0.3×60) ÷ 0.5


def test_merchant_ranks_candidates_and_chooses_one(world: World) -> None:
    selection = start_selection(world.merchant_owner, world.merchant.pk, "2027 年托管方筛选")
    yunfan = add_candidate(selection, world.merchant_owner, "云帆托管", world.agency.pk)
    shiny = add_candidate(selection, world.merchant_staff, "闪亮代运营")
    fake = add_candidate(selection, world.merchant_staff, "刷单工作室")
    score_candidate(
        yunfan,
        world.merchant_owner,
        papers=ALL_PAPERS,
        interview={"hero_testing": 5, "bad_review_burst": 4, "stock_shortage": 4, "reporting": 5, "team": 4},
        trial_baseline=Decimal(20000),
        trial_actual=Decimal(25000),
    )
    score_candidate(
        shiny,
        world.merchant_owner,
        papers=ALL_PAPERS,
        interview={"hero_testing": 2, "bad_review_burst": 1, "stock_shortage": 1, "reporting": 1, "team": 1},
        trial_baseline=Decimal(20000),
        trial_actual=Decimal(21000),
    )
    score_candidate(fake, world.merchant_owner, papers={**ALL_PAPERS, "case_data_verified": False})
    places = [(place, candidate.name) for place, candidate, _, _ in ranking(selection)]
    assert places == [(1, "云帆托管"), (2, "闪亮代运营"), (0, "刷单工作室")]
    with pytest.raises(PermissionDenied):
        choose_candidate(
            selection,
            yunfan,
            world.merchant_staff,
            shops=[world.shop],
            starts_on=dt.date(2027, 1, 4),
            ends_on=dt.date(2027, 12, 31),
        )
    with pytest.raises(ValidationError):
        choose_candidate(
            selection,
            fake,
            world.merchant_owner,
            shops=[world.shop],
            starts_on=dt.date(2027, 1, 4),
            ends_on=dt.date(2027, 12, 31),
        )
    engagement = choose_candidate(
        selection,
        yunfan,
        world.merchant_owner,
        shops=[world.shop],
        starts_on=dt.date(2027, 1, 4),
        ends_on=dt.date(2027, 12, 31),
    )
    assert engagement.agency == world.agency
    assert engagement.phase == Phase.RESEARCH
    assert engagement.duties.filter(source_ref="diagnosis").exists()
    selection.refresh_from_db()
    assert selection.engagement == engagement


def test_bad_scores_are_refused_and_nothing_is_saved(world: World) -> None:
    selection = start_selection(world.merchant_owner, world.merchant.pk, "筛选")
    candidate = add_candidate(selection, world.merchant_owner, "某公司")
    with pytest.raises(ValidationError, match="某公司"):
        score_candidate(candidate, world.merchant_owner, papers=ALL_PAPERS, interview={"team": 9})
    candidate.refresh_from_db()
    assert candidate.papers == {}


def test_agencies_and_other_merchants_never_see_a_selection(world: World) -> None:
    selection = start_selection(world.merchant_owner, world.merchant.pk, "筛选")
    assert get_selection_for(world.merchant_staff, selection.pk) == selection
    for person in [world.agency_lead, world.other_merchant_owner, world.ads_specialist]:
        with pytest.raises(Http404):
            get_selection_for(person, selection.pk)
    with pytest.raises(PermissionDenied):
        start_selection(world.agency_lead, world.merchant.pk, "冒充")
