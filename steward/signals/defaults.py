"""The default rule pack (DOMAIN.md part 4). Ids are fixed; every threshold is a parameter an
engagement may override. Written in the rule language itself so it is read by the same parser
as anyone's rule file and doubles as its example."""

from __future__ import annotations

from functools import cache

from steward.signals.rules import Rule, parse_rules

DEFAULT_RULES_YAML = """\
rules:
  - id: roi-floor
    name: {zh: 推广投产比连续低于底线, en: Campaign ROI below the floor}
    scope: campaign
    condition: roi < roi_floor
    window: each day for 3 consecutive days
    guard: spend > 0
    params: {roi_floor: 2.5}
    severity: warning
    actions:
      - open_duty:
          owner: agency_ads
          within: 24 hours
          title: {zh: 暂停该推广计划并测试新关键词, en: Pause the campaign and test new keywords}
          acceptance: {zh: 计划已暂停，新关键词测试方案已提交, en: Campaign paused and a keyword test submitted}
      - recommend_pause: {target: campaign}
      - notify: {channels: [inbox]}

  - id: ctr-floor
    name: {zh: 推广点击率偏低, en: Campaign CTR below the floor}
    scope: campaign
    condition: ctr < ctr_floor
    window: over the last 7 days
    guard: impressions >= min_impressions
    params: {ctr_floor: 4%, min_impressions: 1000}
    severity: warning
    cooldown_days: 7
    actions:
      - open_duty:
          owner: agency_design
          within: 2 working days
          title: {zh: 制作 3 张新主图, en: Make 3 new main images}
          acceptance: {zh: 3 张新主图已上线, en: 3 new main images are live}
      - notify: {channels: [inbox]}

  - id: sku-daily-orders
    name: {zh: 引流款日销低于目标, en: Hero SKU daily orders below target}
    scope: sku
    role: hero
    condition: paid_orders < min_orders
    params: {min_orders: 50}
    severity: warning
    actions:
      - open_duty:
          owner: agency_operations
          within: 24 hours
          title: {zh: 检查库存与评价, en: Check stock and reviews}
          acceptance: {zh: 已说明销量下滑原因并给出处理, en: Cause of the drop explained and acted on}
      - notify: {channels: [inbox]}

  - id: stock-low
    name: {zh: 引流款库存不足, en: Hero SKU stock low}
    scope: sku
    role: hero
    condition: stock < min_stock
    # The three-level status (safe / warning / out) reads cover_warning_days: see stock_status().
    params: {min_stock: 50, cover_warning_days: 7}
    severity: critical
    actions:
      - open_duty:
          owner: agency_operations
          within: 24 hours
          title: {zh: 切换推广至替代商品并安排补货, en: Promote the substitute product and restock}
          acceptance: {zh: 推广已切换到替代商品, en: Promotion switched to the substitute}
      - notify: {channels: [inbox]}

  - id: bad-review-burst
    name: {zh: 单日差评激增, en: Burst of bad reviews}
    scope: shop
    condition: bad_reviews > max_bad_reviews
    params: {max_bad_reviews: 5}
    severity: critical
    actions:
      - recommend_pause: {target: promotion}
      - open_duty:
          owner: agency_service
          within: 24 hours
          title: {zh: 暂停推广并联系差评客户, en: Pause promotion and contact the customers}
          acceptance: {zh: 每位差评客户均已联系并记录, en: Every unhappy customer contacted and logged}
      - notify: {channels: [inbox]}

  - id: organic-drop
    name: {zh: 自然流量下滑, en: Organic traffic dropping}
    scope: shop
    condition: change(organic_visitors) <= max_drop
    window: over the last 7 days
    params: {max_drop: -30%}
    severity: warning
    cooldown_days: 7
    actions:
      - open_duty:
          owner: agency_operations
          within: 2 working days
          title: {zh: 说明自然流量下滑原因并处理, en: Explain the organic drop and act}
          acceptance: {zh: 原因分析与处理措施已提交, en: Cause and actions submitted}
      - notify: {channels: [inbox]}

  - id: spend-pace
    name: {zh: 推广花费超出预算进度, en: Ad spend ahead of budget pace}
    scope: shop
    condition: spend_vs_pace > max_ahead
    # The shop's monthly ad budget in yuan; without one the rule is not evaluated.
    params: {monthly_budget: null, max_ahead: 20%}
    severity: warning
    cooldown_days: 7
    actions:
      - request_approval:
          title: {zh: 推广花费超出预算进度，是否继续投放, en: "Spend is ahead of budget: continue?"}
          within: 24 hours
      - notify: {channels: [inbox]}
"""

DEFAULT_RULE_IDS = (
    "roi-floor",
    "ctr-floor",
    "sku-daily-orders",
    "stock-low",
    "bad-review-burst",
    "organic-drop",
    "spend-pace",
)


@cache
def _pack() -> tuple[Rule, ...]:
    return tuple(parse_rules(DEFAULT_RULES_YAML))


def default_rules() -> list[Rule]:
    return list(_pack())
