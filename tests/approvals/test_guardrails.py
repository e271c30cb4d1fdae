"""The guardrail check on plain data: allowed, needs approval or not allowed, with the numbers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from steward.approvals.guardrails import (
    ALLOWED,
    NEEDS_APPROVAL,
    NOT_ALLOWED,
    DeciderTier,
    GuardrailError,
    Product,
    Proposal,
    check,
    default_policies,
    parse_policy,
)

TEA = Product("T-001", Decimal("128.00"), Decimal("70.00"), "profit")
HERO = Product("H-001", Decimal("59.00"), Decimal("20.00"), "hero")
TODAY = dt.date(2026, 11, 2)


def run(proposal: Proposal, product: Product | None = None, services: frozenset[str] = frozenset()):  # type: ignore[no-untyped-def]
    return check(proposal, default_policies(), product, services, TODAY)


def test_price_below_one_and_a_half_times_cost_needs_approval_with_the_numbers() -> None:
    verdict = run(Proposal("price", Decimal("89"), sku="T-001"), TEA)
    assert verdict.outcome == NEEDS_APPROVAL
    assert verdict.findings[0].message_en == "¥89.00 is 1.27 × cost ¥70.00; the floor is ¥105.00"
    assert "1.27 倍" in verdict.findings[0].message_zh
    assert verdict.decider == "merchant_owner"
    assert verdict.response_hours == 24


def test_exactly_on_the_floor_is_allowed() -> None:
    assert run(Proposal("price", Decimal("105.00"), sku="T-001"), TEA).outcome == ALLOWED


def test_price_below_cost_is_not_allowed() -> None:
    verdict = run(Proposal("price", Decimal("69.99"), sku="T-001"), TEA)
    assert verdict.outcome == NOT_ALLOWED
    assert "below the cost of ¥70.00" in verdict.findings[0].message_en


def test_any_hero_price_change_needs_approval() -> None:
    verdict = run(Proposal("price", Decimal("65"), sku="H-001"), HERO)
    assert verdict.outcome == NEEDS_APPROVAL
    assert [f.policy for f in verdict.findings] == ["hero-price-change"]
    assert run(Proposal("price", Decimal("59.00"), sku="H-001"), HERO).outcome == ALLOWED


def test_discount_deeper_than_thirty_percent() -> None:
    roomy = Product("W-001", Decimal("200.00"), Decimal("70.00"), "profit")
    assert run(Proposal("discount", Decimal("0.30"), sku="W-001"), roomy).outcome == ALLOWED
    deep = run(Proposal("discount", Decimal("0.35"), sku="T-001"), TEA)
    assert deep.outcome == NEEDS_APPROVAL
    assert any(f.policy == "discount-over-30" for f in deep.findings)
    # 35% off ¥128 is ¥83.20, also under the 1.5 × cost floor of ¥105.
    assert any("¥83.20" in f.message_en for f in deep.findings)
    ruinous = run(Proposal("discount", Decimal("0.50"), sku="T-001"), TEA)
    assert ruinous.outcome == NOT_ALLOWED  # ¥64.00 is below cost


def test_budget_tiers_by_amount() -> None:
    assert run(Proposal("spend", Decimal("10000.00"))).outcome == ALLOWED
    staff = run(Proposal("spend", Decimal("10000.01")))
    assert staff.outcome == NEEDS_APPROVAL and staff.decider == "merchant_staff"
    owner = run(Proposal("spend", Decimal("20000.01")))
    assert owner.decider == "merchant_owner"


def test_event_plan_lead_time() -> None:
    early = run(Proposal("campaign_plan", planned_date=dt.date(2026, 11, 30)))
    assert early.outcome == NEEDS_APPROVAL and "28 days ahead" in early.findings[0].message_en
    assert early.response_hours == 168 and early.working_time
    late = run(Proposal("campaign_plan", planned_date=dt.date(2026, 11, 11)))
    assert "fewer than the agreed 15" in late.findings[0].message_en
    past = run(Proposal("campaign_plan", planned_date=dt.date(2026, 11, 1)))
    assert past.outcome == NOT_ALLOWED


def test_service_outside_the_contract() -> None:
    assert (
        run(
            Proposal("service", Decimal("3000"), service="直播代播"), services=frozenset({"直播代播"})
        ).outcome
        == ALLOWED
    )
    assert run(Proposal("service", Decimal("3000"), service="商标注册")).outcome == NEEDS_APPROVAL


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"kind": "refund"}, "kind"),
        ({"kind": "price", "sku": "T-001"}, "value"),
        ({"kind": "price", "value": Decimal(1)}, "sku"),
        ({"kind": "discount", "value": Decimal("1.2"), "sku": "T"}, "value"),
        ({"kind": "campaign_plan"}, "planned_date"),
        ({"kind": "spend", "value": Decimal(-1)}, "value"),
    ],
)
def test_bad_proposals_name_the_field(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(GuardrailError, match=f"^{field}:"):
        Proposal(**kwargs)  # type: ignore[arg-type]


def test_policy_errors_name_the_policy_and_field() -> None:
    with pytest.raises(GuardrailError, match=r"policy 2 \(x\): field 'tiers'"):
        parse_policy({"code": "x", "kind": "spend_over", "tiers": [{"role": "agency_lead"}]}, 1)
    with pytest.raises(GuardrailError, match="on_timeout"):
        parse_policy({"code": "x", "kind": "spend_over", "on_timeout": "whatever"}, 0)
    with pytest.raises(GuardrailError, match="must end with a role for any amount"):
        parse_policy(
            {"code": "x", "kind": "spend_over", "tiers": [{"role": "merchant_staff", "up_to": 100}]}, 0
        )


def test_decider_tiers() -> None:
    policy = default_policies()[0]
    assert policy.tiers == (DeciderTier("merchant_staff", Decimal("20000")), DeciderTier("merchant_owner"))
    assert policy.decider_for(Decimal("20000")) == "merchant_staff"
    assert policy.decider_for(None) == "merchant_owner"
