"""Two deciders at the same moment: one decision, and one clear "already decided"."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from steward.approvals.guardrails import Proposal
from steward.approvals.models import ApprovalRequest, ApprovalState
from steward.approvals.services import ApprovalError, decide, request_approval
from steward.audit.models import AuditEvent
from tests.conftest import World
from tests.engagements.test_concurrent_signoff import run_together


@pytest.mark.django_db(transaction=True)
def test_owner_and_staff_deciding_at_once_get_one_decision(world: World) -> None:
    request = request_approval(
        world.engagement,
        world.ads_specialist,
        Proposal("spend", Decimal("15000")),
        "双十一前加投",
        now=dt.datetime(2026, 11, 2, 2, tzinfo=dt.UTC),
    )
    results = run_together(
        lambda: decide(request, world.merchant_owner, approve=True),
        lambda: decide(request, world.merchant_staff, approve=False, reason="预算不够"),
    )
    decided = [r for r in results if isinstance(r, ApprovalRequest)]
    refused = [r for r in results if isinstance(r, ApprovalError)]
    assert len(decided) == 1, results
    assert len(refused) == 1, results
    assert str(refused[0]).startswith("already decided by ")
    final = ApprovalRequest.objects.get(pk=request.pk)
    assert final.state in {ApprovalState.APPROVED, ApprovalState.REJECTED}
    assert final.state == decided[0].state
    assert AuditEvent.objects.filter(action="approval_decided", target_id=str(request.pk)).count() == 1
