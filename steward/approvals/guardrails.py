"""Guardrails: does a proposed action need the merchant's yes, or is it not allowed at all?

Pure: a proposal, the engagement's policies and the facts about the product in; a verdict with
the numbers out. Money is Decimal and every comparison is exact.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

KINDS = ("price", "discount", "spend", "campaign_plan", "service")
ALLOWED, NEEDS_APPROVAL, NOT_ALLOWED = "allowed", "needs_approval", "not_allowed"
TIMEOUTS = ("escalate_then_reject", "reject", "approve")


class GuardrailError(ValueError):
    """A proposal or policy that cannot be checked; the message names the field."""


def yuan(value: Decimal) -> str:
    return f"¥{value.quantize(Decimal('0.01'), ROUND_HALF_UP):,}"


def pct(share: Decimal) -> str:
    return f"{(share * 100).quantize(Decimal('0.1'), ROUND_HALF_UP).normalize():f}%"


@dataclass(frozen=True)
class DeciderTier:
    role: str  # merchant_staff or merchant_owner
    up_to: Decimal | None = None  # amounts up to this one; None = any amount


@dataclass(frozen=True)
class Policy:
    code: str
    kind: str  # spend_over | discount_over | price_floor | hero_price_change | event_plan_lead | unlisted_service
    params: dict[str, Any] = field(default_factory=dict)
    tiers: tuple[DeciderTier, ...] = (DeciderTier("merchant_owner"),)
    response_hours: int = 24
    working_time: bool = False
    on_timeout: str = "escalate_then_reject"
    enabled: bool = True

    def decider_for(self, amount: Decimal | None) -> str:
        for tier in self.tiers:
            if amount is not None and tier.up_to is not None and amount <= tier.up_to:
                return tier.role
        return self.tiers[-1].role


def default_policies() -> list[Policy]:
    """The practitioners' defaults; an engagement changes parameters, tiers and limits."""
    owner_only = (DeciderTier("merchant_owner"),)
    return [
        Policy(
            "budget-over-10k",
            "spend_over",
            {"threshold": Decimal("10000")},
            (DeciderTier("merchant_staff", Decimal("20000")), DeciderTier("merchant_owner")),
            24,
        ),
        Policy("discount-over-30", "discount_over", {"max_discount": Decimal("0.30")}, owner_only, 24),
        Policy("price-floor-1.5x-cost", "price_floor", {"multiple": Decimal("1.5"), "forbid_below_cost": True}, owner_only, 24),
        Policy("hero-price-change", "hero_price_change", {}, owner_only, 24),
        Policy("event-plan-15-days", "event_plan_lead", {"min_days": 15}, owner_only, 7 * 24, True),
        Policy("unlisted-paid-service", "unlisted_service", {}, owner_only, 7 * 24, True),
    ]  # fmt: skip


@dataclass(frozen=True)
class Product:
    code: str
    price: Decimal | None
    cost: Decimal | None
    role: str


@dataclass(frozen=True)
class Proposal:
    kind: str
    value: Decimal | None = None  # new price; discount share (0.35); budget; service fee
    sku: str | None = None
    campaign: str | None = None
    planned_date: dt.date | None = None
    service: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise GuardrailError(f"kind: must be one of {', '.join(KINDS)}")
        if self.kind in {"price", "discount", "spend"} and self.value is None:
            raise GuardrailError(f"value: a {self.kind} proposal needs a value")
        if self.value is not None and self.value < 0:
            raise GuardrailError("value: must not be negative")
        if self.kind in {"price", "discount"} and not self.sku:
            raise GuardrailError(f"sku: a {self.kind} proposal names the product")
        if self.kind == "discount" and self.value is not None and self.value >= 1:
            raise GuardrailError("value: a discount is a share below 1 (0.35 = 35% off)")
        if self.kind == "campaign_plan" and self.planned_date is None:
            raise GuardrailError("planned_date: a campaign plan needs the date of the event")
        if self.kind == "service" and not self.service:
            raise GuardrailError("service: name the service")


@dataclass(frozen=True)
class Finding:
    policy: str
    verdict: str  # needs_approval or not_allowed
    message_zh: str
    message_en: str
    decider: str = ""
    response_hours: int = 0
    working_time: bool = False


@dataclass(frozen=True)
class Verdict:
    outcome: str
    findings: tuple[Finding, ...]
    amount: Decimal | None

    @property
    def decider(self) -> str:
        """The most senior decider any triggered policy asks for."""
        roles = [f.decider for f in self.findings if f.verdict == NEEDS_APPROVAL and f.decider]
        return "merchant_owner" if "merchant_owner" in roles else (roles[0] if roles else "")

    @property
    def response_hours(self) -> int:
        hours = [f.response_hours for f in self.findings if f.verdict == NEEDS_APPROVAL]
        return min(hours) if hours else 0

    @property
    def working_time(self) -> bool:
        return any(f.working_time for f in self.findings if f.verdict == NEEDS_APPROVAL)


def _effective_price(proposal: Proposal, product: Product | None) -> Decimal | None:
    if proposal.kind == "price":
        return proposal.value
    if (
        proposal.kind == "discount"
        and product is not None
        and product.price is not None
        and proposal.value is not None
    ):
        return (product.price * (1 - proposal.value)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return None


def check(
    proposal: Proposal,
    policies: Sequence[Policy],
    product: Product | None = None,
    contract_services: frozenset[str] = frozenset(),
    today: dt.date | None = None,
) -> Verdict:
    today = today or dt.date.today()
    findings: list[Finding] = []
    amount = proposal.value if proposal.kind in {"spend", "service"} else None

    def need(policy: Policy, zh: str, en: str) -> None:
        findings.append(
            Finding(
                policy.code,
                NEEDS_APPROVAL,
                zh,
                en,
                policy.decider_for(amount),
                policy.response_hours,
                policy.working_time,
            )
        )

    def forbid(policy: Policy, zh: str, en: str) -> None:
        findings.append(Finding(policy.code, NOT_ALLOWED, zh, en))

    price = _effective_price(proposal, product)
    for policy in policies:
        if not policy.enabled:
            continue
        p = policy.params
        if policy.kind == "spend_over" and proposal.kind == "spend" and proposal.value is not None:
            limit = Decimal(str(p["threshold"]))
            if proposal.value > limit:
                need(
                    policy,
                    f"单次预算 {yuan(proposal.value)} 超过 {yuan(limit)}，需要商家批准",
                    f"a single budget of {yuan(proposal.value)} is over {yuan(limit)}",
                )
        elif policy.kind == "discount_over" and proposal.kind == "discount" and proposal.value is not None:
            limit = Decimal(str(p["max_discount"]))
            if proposal.value > limit:
                need(
                    policy,
                    f"折扣力度 {pct(proposal.value)} 超过 {pct(limit)}，需要商家批准",
                    f"a discount of {pct(proposal.value)} is deeper than {pct(limit)}",
                )
        elif (
            policy.kind == "price_floor"
            and price is not None
            and product is not None
            and product.cost is not None
        ):
            multiple = Decimal(str(p["multiple"]))
            floor = (product.cost * multiple).quantize(Decimal("0.01"), ROUND_HALF_UP)
            ratio = (price / product.cost).quantize(Decimal("0.01"), ROUND_HALF_UP) if product.cost else None
            shown = f"{ratio}" if ratio is not None else "—"
            if p.get("forbid_below_cost", True) and price < product.cost:
                forbid(
                    policy,
                    f"{yuan(price)} 低于成本 {yuan(product.cost)}，不允许亏本销售",
                    f"{yuan(price)} is below the cost of {yuan(product.cost)}: selling at a loss is not allowed",
                )
            elif price < floor:
                need(
                    policy,
                    f"{yuan(price)} 是成本 {yuan(product.cost)} 的 {shown} 倍；底线是 {yuan(floor)}（{multiple} 倍成本）",
                    f"{yuan(price)} is {shown} × cost {yuan(product.cost)}; the floor is {yuan(floor)}",
                )
        elif (
            policy.kind == "hero_price_change"
            and product is not None
            and product.role == "hero"
            and price is not None
        ):
            if product.price is None or price != product.price:
                was = yuan(product.price) if product.price is not None else "—"
                need(
                    policy,
                    f"{product.code} 是引流款，价格从 {was} 改为 {yuan(price)} 需要商家批准",
                    f"{product.code} is a hero product: changing its price from {was} to {yuan(price)} needs approval",
                )
        elif policy.kind == "event_plan_lead" and proposal.kind == "campaign_plan" and proposal.planned_date:
            days = (proposal.planned_date - today).days
            minimum = int(p.get("min_days", 15))
            if days < 0:
                forbid(
                    policy,
                    f"活动日期 {proposal.planned_date} 已过",
                    f"the event date {proposal.planned_date} has passed",
                )
            elif days < minimum:
                need(
                    policy,
                    f"活动方案距活动仅 {days} 天，少于约定的 {minimum} 天，需要商家特批",
                    f"the plan comes {days} days before the event, fewer than the agreed {minimum}",
                )
            else:
                need(
                    policy,
                    f"活动方案提前 {days} 天提交，请商家在期限内确认",
                    f"the plan comes {days} days ahead; the merchant confirms it",
                )
        elif (
            policy.kind == "unlisted_service"
            and proposal.kind == "service"
            and proposal.service
            and proposal.service not in contract_services
        ):
            fee = f"（{yuan(proposal.value)}）" if proposal.value is not None else ""
            need(
                policy,
                f"“{proposal.service}”{fee}不在合同服务范围内，新增付费服务需要商家批准",
                f"'{proposal.service}' is not in the contract: a new paid service needs approval",
            )
    if any(f.verdict == NOT_ALLOWED for f in findings):
        outcome = NOT_ALLOWED
    elif findings:
        outcome = NEEDS_APPROVAL
    else:
        outcome = ALLOWED
    return Verdict(outcome, tuple(findings), amount)


def parse_policy(raw: dict[str, Any], position: int) -> Policy:
    """A policy from stored JSON; errors name the policy and the field."""
    where = f"policy {position + 1} ({raw.get('code', '?')})"
    try:
        tiers = tuple(
            DeciderTier(str(t["role"]), Decimal(str(t["up_to"])) if t.get("up_to") is not None else None)
            for t in raw.get("tiers", [{"role": "merchant_owner"}])
        )
    except (KeyError, TypeError, ArithmeticError) as exc:
        raise GuardrailError(f"{where}: field 'tiers' needs a role and an optional up_to amount") from exc
    if not tiers or tiers[-1].up_to is not None:
        raise GuardrailError(f"{where}: field 'tiers' must end with a role for any amount")
    for tier in tiers:
        if tier.role not in {"merchant_staff", "merchant_owner"}:
            raise GuardrailError(f"{where}: field 'tiers' names {tier.role!r}; only merchant roles decide")
    on_timeout = raw.get("on_timeout", "escalate_then_reject")
    if on_timeout not in TIMEOUTS:
        raise GuardrailError(f"{where}: field 'on_timeout' must be one of {', '.join(TIMEOUTS)}")
    hours = raw.get("response_hours", 24)
    if not isinstance(hours, int) or hours <= 0:
        raise GuardrailError(f"{where}: field 'response_hours' must be a positive whole number")
    return Policy(
        code=str(raw["code"]),
        kind=str(raw["kind"]),
        params=dict(raw.get("params", {})),
        tiers=tiers,
        response_hours=hours,
        working_time=bool(raw.get("working_time", False)),
        on_timeout=on_timeout,
        enabled=bool(raw.get("enabled", True)),
    )
