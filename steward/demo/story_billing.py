"""The demo's contracts and October statements, told through the same steps people use.

Each running engagement gets a contract in the terms of DOMAIN.md (8,000 + 5% over target, or
5,000 + 15% profit share; bonus and shortfall; late duty 1%/day; ad spend at cost; late payment
0.05%/day), signed by the merchant's owner and the agency's lead, and a statement for October
2026, the last full month of the data set:

- 山禾茶业 (growth) beat its target: commission and bonus; the owner confirmed the statement and
  paid it on the 10th;
- 暖织家纺 Tmall (mature) shares profit: the draft waits for the owner to check it;
- 暖织家纺 JD (problem) fell short: the owner disputed the shortfall line, the agency answered.

Monthly targets are the plan's, rounded to ¥10,000 from how each shop actually sells, so the
stories above hold for the generated numbers. Running it twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import TextIO

from django.db.models import Sum

from steward.accounts.models import Person
from steward.billing import services
from steward.billing.contract import Month
from steward.billing.models import ContractFile, Statement
from steward.demo.scenario import END, GROWTH_SHOP, MATURE_SHOP, PROBLEM_SHOP
from steward.engagements.models import Engagement, VersionStatus
from steward.shops.models import ShopDaily

OCTOBER = Month(2026, 10)
TEN_THOUSAND = Decimal(10000)

HEADER = """\
title:
  zh: {shop} 托管服务合同
  en: Management of {merchant}'s shop {shop}
parties: {{merchant: {merchant}, agency: 云帆托管}}
currency: CNY
service_period: {{start: {start}, end: {end}}}
settlement_day: 10
data_source:
  system: {{zh: 平台商家后台（生意参谋 / 京麦）, en: the platform back office}}
  taken_at: {{zh: 每月最后一天 18:00, en: at 18:00 on the last day of the month}}
exclusions:
  - {{zh: 品牌注册、商标申请, en: brand registration and trademark applications}}
  - {{zh: 商品拍摄, en: product photography}}
monthly_target:
{targets}
clauses:
"""

COMMISSION = """\
  - {type: base_fee, amount: 8000}
  - {type: commission_over_target, metric: gmv, rate: 0.05}
  - {type: bonus_over_target, over: 0.20, rate: 0.10}
  - {type: shortfall_per_step, step: 0.10, rate: 0.10}
  - {type: late_duty, rate: 0.01, cap: 0.30}
  - {type: ad_spend_passthrough}
  - {type: late_payment, rate_per_day: 0.0005, grace_days: 3}
"""

PROFIT_SHARE = """\
  - {type: base_fee, amount: 5000}
  - {type: profit_share, rate: 0.15}
  - {type: shortfall_below, threshold: 0.80, rate: 0.20}
  - {type: late_duty, rate: 0.01, cap: 0.30}
  - {type: ad_spend_passthrough}
  - {type: late_payment, rate_per_day: 0.0005, grace_days: 3}
"""

PROBLEM = """\
  - {type: base_fee, amount: 8000}
  - {type: commission_over_target, metric: gmv, rate: 0.05}
  - {type: shortfall_per_step, step: 0.10, rate: 0.10}
  - {type: late_duty, rate: 0.01, cap: 0.30}
  - {type: ad_spend_passthrough}
  - {type: late_payment, rate_per_day: 0.0005, grace_days: 3}
  - {type: termination_right, months: 2, threshold: 0.90}
"""

# How each shop's plan set its targets against what it sells: the growth shop's plan was modest,
# the mature shop's about right, the problem shop's a little ambitious.
TARGET_FACTOR = {GROWTH_SHOP: Decimal("0.80"), MATURE_SHOP: Decimal("0.95"), PROBLEM_SHOP: Decimal("1.15")}
# The problem shop's plan for October and November was made in September, before its organic
# traffic slid (scenario.PROBLEM_DECLINE_FROM): its targets follow September's pace.
PLANNED_IN = {PROBLEM_SHOP: Month(2026, 9)}
CLAUSES = {GROWTH_SHOP: COMMISSION, MATURE_SHOP: PROFIT_SHARE, PROBLEM_SHOP: PROBLEM}
# The owner's reported profit for October, as a share of net sales (their own books, not ours).
MARGIN = Decimal("0.12")


def _gmv(engagement: Engagement, month: Month) -> Decimal:
    first, last = services.month_days(month)
    fen = ShopDaily.objects.filter(shop__in=engagement.shops.all(), date__range=(first, last)).aggregate(
        total=Sum("gmv_fen")
    )["total"]
    return Decimal(fen or 0) / 100


def _target(gmv: Decimal, factor: Decimal) -> Decimal:
    return max(TEN_THOUSAND, (gmv * factor / TEN_THOUSAND).quantize(Decimal(1), ROUND_HALF_UP) * TEN_THOUSAND)


def contract_source(engagement: Engagement, shop_code: str) -> str:
    start = Month.of(engagement.starts_on)
    months = [start.shifted(n) for n in range(OCTOBER.months_after(start) + 2)]  # through November
    lines = []
    for month in months:
        planned_in = min(month, PLANNED_IN.get(shop_code, OCTOBER))
        gmv = _gmv(engagement, planned_in)
        lines.append(f'  "{month}": {_target(gmv, TARGET_FACTOR[shop_code])}')
    shop = engagement.shops.get(code=shop_code)
    return (
        HEADER.format(
            merchant=engagement.merchant.name,
            shop=shop.name,
            start=engagement.starts_on,
            end=engagement.ends_on,
            targets="\n".join(lines),
        )
        + CLAUSES[shop_code]
    )


def _person(username: str) -> Person:
    return Person.objects.get(username=username)


def seed_billing(out: TextIO) -> None:
    lead = _person("yf_lead")
    for shop_code, owner_name in (
        (GROWTH_SHOP, "sh_owner"),
        (MATURE_SHOP, "nz_owner"),
        (PROBLEM_SHOP, "nz_owner"),
    ):
        engagement = Engagement.objects.filter(shops__code=shop_code).first()
        if engagement is None:
            continue
        owner = _person(owner_name)
        if not ContractFile.objects.filter(engagement=engagement).exists():
            version = services.submit_contract(
                engagement, lead, contract_source(engagement, shop_code), note="签约版本"
            )
            services.sign_contract(version, lead, sign=True)
            services.sign_contract(version, owner, sign=True)
            version.refresh_from_db()
            assert version.status == VersionStatus.SIGNED
        if Statement.objects.filter(engagement=engagement, month=str(OCTOBER)).exists():
            continue
        profit = None
        if shop_code == MATURE_SHOP:
            first, last = services.month_days(OCTOBER)
            rows = ShopDaily.objects.filter(shop__in=engagement.shops.all(), date__range=(first, last))
            net_fen = sum((r.gmv_fen or 0) - (r.refunds_fen or 0) for r in rows)
            profit = (Decimal(net_fen) / 100 * MARGIN).quantize(Decimal("0.01"), ROUND_HALF_UP)
        statement = services.draft_statement(engagement, lead, OCTOBER, profit=profit, as_of=END)
        if shop_code == GROWTH_SHOP:
            services.confirm_statement(statement, owner)
            services.mark_paid(statement, lead, dt.date(2026, 11, 10))
        elif shop_code == PROBLEM_SHOP:
            line = statement.lines.get(clause="shortfall_per_step")
            dispute = services.dispute_line(
                line,
                owner,
                "9 月下旬起自然流量受平台搜索排名调整影响,不是运营原因,这部分差额不应扣服务费。",
            )
            services.answer_dispute(
                dispute,
                lead,
                "按合同第 3 条,差额按达成率计算,不区分原因;搜索排名下滑的应对方案已在 10 月周报中提出并获确认。"
                "本月扣款按合同执行,11 月起我们加投搜索推广补回流量。",
            )
        statement.refresh_from_db()
        out.write(
            f"  statement {engagement.name} {OCTOBER}: ¥{statement.total_due} ({statement.get_state_display()})\n"
        )
