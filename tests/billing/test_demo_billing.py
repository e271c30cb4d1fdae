"""The demo: each running engagement has a signed contract and an October statement a merchant
can check line by line; 暖织家纺's JD statement is disputed and answered; seeding twice is a no-op."""

from __future__ import annotations

import io
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.db import transaction

from steward.billing import services
from steward.billing.models import LineDispute, Statement, StatementState
from steward.demo.generator import generate
from steward.demo.loading import load_demo
from steward.demo.scenario import GROWTH_SHOP, MATURE_SHOP, PROBLEM_SHOP
from steward.demo.story_billing import seed_billing
from steward.engagements.models import Engagement


@pytest.fixture(scope="module")
def seeded(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> Iterator[str]:
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        outer = transaction.atomic()
        outer.__enter__()
        try:
            # The demo load seeds billing itself; seeding again must add nothing.
            first = io.StringIO()
            load_demo(first, data=generate())
            seed_billing(io.StringIO())
            yield first.getvalue()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _statement(shop_code: str) -> Statement:
    engagement = Engagement.objects.get(shops__code=shop_code)
    return Statement.objects.get(engagement=engagement, month="2026-10")


@pytest.mark.django_db
def test_each_running_engagement_has_a_signed_contract_and_one_october_statement(seeded: str) -> None:
    for code in (GROWTH_SHOP, MATURE_SHOP, PROBLEM_SHOP):
        engagement = Engagement.objects.get(shops__code=code)
        assert services.signed_contract(engagement) is not None
        statement = _statement(code)  # exactly one: the second seeding added nothing
        lines = list(statement.lines.all())
        assert statement.total_due == sum((line.amount for line in lines), Decimal("0.00"))
        assert all(line.formula_zh for line in lines)
    assert "2026-10" in seeded


@pytest.mark.django_db
def test_the_three_statements_tell_three_stories(seeded: str) -> None:
    growth = _statement(GROWTH_SHOP)
    assert growth.state == StatementState.CONFIRMED and growth.paid_on is not None
    assert growth.lines.get(clause="commission_over_target").amount > 0

    mature = _statement(MATURE_SHOP)
    assert mature.state == StatementState.DRAFT
    assert mature.lines.get(clause="profit_share").amount > 0

    problem = _statement(PROBLEM_SHOP)
    assert problem.state == StatementState.DISPUTED
    assert problem.lines.get(clause="shortfall_per_step").amount < 0
    dispute = LineDispute.objects.get(line__statement=problem)
    assert dispute.answer and dispute.answered_by is not None
    assert problem.can_confirm()
