"""A signed contract and a month of shop numbers for 山野茶舍's engagement in the `world` fixture."""

from __future__ import annotations

import datetime as dt

from steward.billing import services
from steward.engagements.models import DeliverableVersion
from steward.shops.models import Campaign, CampaignDaily, ShopDaily
from tests.conftest import World

CONTRACT_YAML = """\
title:
  zh: 山野茶舍天猫店 全托管服务合同
  en: Full-service management of 山野茶舍's Tmall shop
parties: {merchant: 山野茶舍, agency: 云帆托管}
currency: CNY
service_period: {start: 2026-09-01, end: 2027-08-31}
settlement_day: 10
data_source:
  system: {zh: 生意参谋后台, en: the platform back office}
  taken_at: {zh: 每月最后一天 18:00, en: at 18:00 on the last day of the month}
exclusions:
  - {zh: 商品拍摄, en: product photography}
monthly_target:
  "2026-09": 300000
  "2026-10": 300000
  "2026-11": 600000
clauses:
  - {type: base_fee, amount: 8000}
  - {type: commission_over_target, metric: gmv, rate: 0.05}
  - {type: late_duty, rate: 0.01, cap: 0.30}
  - {type: ad_spend_passthrough}
  - {type: late_payment, rate_per_day: 0.0005, grace_days: 3}
"""

OCTOBER = [dt.date(2026, 10, d) for d in range(1, 32)]


def load_october(world: World) -> None:
    """31 days of ¥10,000.01 GMV, ¥100.00 refunds and ¥500.00 ad spend: ¥310,000.31 for the month."""
    shop = world.shop
    campaign = Campaign.objects.create(shop=shop, name="全站推广")
    for day in OCTOBER:
        ShopDaily.objects.create(shop=shop, date=day, gmv_fen=1_000_001, refunds_fen=10_000)
        CampaignDaily.objects.create(shop=shop, campaign=campaign, date=day, spend_fen=50_000)


def signed_contract(world: World) -> DeliverableVersion:
    version = services.submit_contract(world.engagement, world.agency_lead, CONTRACT_YAML)
    services.sign_contract(version, world.agency_lead, sign=True)
    services.sign_contract(version, world.merchant_owner, sign=True)
    version.refresh_from_db()
    return version
