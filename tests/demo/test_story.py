"""The demo engagements' story: duties, documents, requests and approvals in realistic states."""

from __future__ import annotations

import pytest

from steward.accounts.models import Person
from steward.approvals.models import ApprovalRequest, ApprovalState
from steward.demo.cast import ENGAGEMENTS
from steward.demo.scenario import GROWTH_SHOP, MATURE_SHOP, NEW_SHOP, PROBLEM_SHOP
from steward.duties.models import DutyState
from steward.duties.services import BoardFilter, board
from steward.engagements.models import (
    DeliverableVersion,
    Engagement,
    RequestState,
    SlaBreach,
    VersionStatus,
)
from tests.demo.conftest import Loaded

pytestmark = pytest.mark.django_db


def engagement_of(shop_code: str) -> Engagement:
    return Engagement.objects.get(shops__code=shop_code)


def test_every_engagement_has_its_phase_duties(loaded: Loaded) -> None:
    for spec in ENGAGEMENTS:
        engagement = Engagement.objects.get(name=spec.name)
        assert engagement.duties.count() > 200
        assert engagement.checklist.count() == 13
        assert engagement.communication.channels


def test_running_engagements_have_accepted_late_and_overdue_duties(loaded: Loaded) -> None:
    for code in (GROWTH_SHOP, MATURE_SHOP, PROBLEM_SHOP):
        duties = engagement_of(code).duties
        assert duties.filter(state=DutyState.ACCEPTED).count() > 20, code
        assert duties.filter(late_days__gt=0).exists(), code
    problem = engagement_of(PROBLEM_SHOP).duties
    assert (
        problem.filter(state=DutyState.OVERDUE).count()
        > engagement_of(MATURE_SHOP).duties.filter(state=DutyState.OVERDUE).count()
    )


def test_signed_and_pending_documents(loaded: Loaded) -> None:
    for code in (NEW_SHOP, GROWTH_SHOP, MATURE_SHOP, PROBLEM_SHOP):
        versions = DeliverableVersion.objects.filter(deliverable__engagement=engagement_of(code))
        assert versions.filter(status=VersionStatus.AWAITING).exists(), code
    for code in (GROWTH_SHOP, MATURE_SHOP, PROBLEM_SHOP):
        versions = DeliverableVersion.objects.filter(deliverable__engagement=engagement_of(code))
        assert versions.filter(status=VersionStatus.SIGNED, deliverable__kind="handover").exists(), code


def test_open_critical_request_with_a_breached_limit(loaded: Loaded) -> None:
    critical = engagement_of(PROBLEM_SHOP).requests.get(tier="critical")
    assert critical.state == RequestState.OPEN
    assert SlaBreach.objects.filter(request=critical, clock="response").exists()
    assert SlaBreach.objects.filter(request__engagement=engagement_of(MATURE_SHOP)).exists()


def test_approvals_in_every_state(loaded: Loaded) -> None:
    states = set(ApprovalRequest.objects.values_list("state", flat=True))
    assert {
        ApprovalState.PENDING,
        ApprovalState.APPROVED,
        ApprovalState.REJECTED,
        ApprovalState.EXPIRED,
    } <= states


def test_agency_lead_board_spans_every_shop_and_a_merchant_sees_only_theirs(loaded: Loaded) -> None:
    lead = Person.objects.get(username="yf_lead")
    across = set(board(lead, which=BoardFilter.ALL).values_list("engagement__name", flat=True))
    assert across == {spec.name for spec in ENGAGEMENTS}
    owner = Person.objects.get(username="sh_owner")
    assert set(board(owner).values_list("engagement__name", flat=True)) == {engagement_of(GROWTH_SHOP).name}
    assert not board(Person.objects.get(username="qh_owner")).exists()
