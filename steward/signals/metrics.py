"""What a rule can watch: the imported metrics of each scope and the ones derived from them.

Every metric is a ratio of two integer columns, ``numerator ÷ denominator`` (a plain count or
sum has no denominator), so a rule compares ``numerator × q  OP  p × denominator × scale`` for a
threshold ``p/q`` and never divides. Money columns are integer fen; thresholds and displayed
values are in yuan, hence ``scale = 100`` when money is divided by a count or stands alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Scope(StrEnum):
    SHOP = "shop"
    CAMPAIGN = "campaign"
    SKU = "sku"


class Unit(StrEnum):
    COUNT = "count"
    MONEY = "money"  # shown in yuan
    RATIO = "ratio"  # shown as a fraction: 0.0352 is 3.52%
    DAYS = "days"


class Formula(StrEnum):
    SUM = "sum"  # numerator and denominator are summed over the window, then divided
    LEVEL = "level"  # a state at the end of the day (stock): the day's value, never summed
    COVER = "cover"  # stock ÷ average daily units sold over the last 7 days
    PACE = "pace"  # month-to-date ad spend against the monthly budget's pace


@dataclass(frozen=True)
class Metric:
    name: str
    zh: str
    en: str
    unit: Unit
    numerator: str
    denominator: str | None = None
    scale: int = 1
    formula: Formula = Formula.SUM
    # Sales and conversion of a SKU fall to nothing when it is out of stock: the stock-out is the
    # root cause, so these alerts are silenced while it lasts.
    sales: bool = False
    # Parameters of the rule the metric itself reads (the budget of the pace metric).
    needs: tuple[str, ...] = ()

    @property
    def summable(self) -> bool:
        return self.formula is Formula.SUM and self.denominator is None


COVER_BASIS_DAYS = 7  # days of cover are measured against the last week's sales
PACE_HISTORY_DAYS = 31  # a month-to-date sum reads at most the whole month


def _catalogue(*metrics: Metric) -> dict[str, Metric]:
    return {metric.name: metric for metric in metrics}


CAMPAIGN_METRICS = _catalogue(
    Metric("spend", "花费", "spend", Unit.MONEY, "spend_fen", scale=100),
    Metric("revenue", "成交金额", "revenue", Unit.MONEY, "revenue_fen", scale=100),
    Metric("impressions", "展现量", "impressions", Unit.COUNT, "impressions"),
    Metric("clicks", "点击量", "clicks", Unit.COUNT, "clicks"),
    Metric("orders", "成交笔数", "orders", Unit.COUNT, "orders"),
    Metric("roi", "投入产出比", "ROI", Unit.RATIO, "revenue_fen", "spend_fen"),
    Metric("ctr", "点击率", "CTR", Unit.RATIO, "clicks", "impressions"),
    Metric("cpc", "平均点击花费", "cost per click", Unit.MONEY, "spend_fen", "clicks", scale=100),
    Metric("conversion", "点击转化率", "conversion", Unit.RATIO, "orders", "clicks"),
    Metric("aov", "笔单价", "order value", Unit.MONEY, "revenue_fen", "orders", scale=100),
)

SKU_METRICS = _catalogue(
    Metric("visitors", "商品访客数", "visitors", Unit.COUNT, "visitors"),
    Metric("units", "支付件数", "units sold", Unit.COUNT, "units", sales=True),
    Metric("paid_orders", "支付子订单数", "paid orders", Unit.COUNT, "paid_orders", sales=True),
    Metric("gmv", "支付金额", "GMV", Unit.MONEY, "gmv_fen", scale=100, sales=True),
    Metric("conversion", "支付转化率", "conversion", Unit.RATIO, "paid_orders", "visitors", sales=True),
    Metric("aov", "客单价", "order value", Unit.MONEY, "gmv_fen", "paid_orders", scale=100),
    Metric("stock", "库存", "stock", Unit.COUNT, "stock", formula=Formula.LEVEL),
    Metric(
        "days_of_cover", "库存可售天数", "days of cover", Unit.DAYS, "stock", "units", formula=Formula.COVER
    ),
    Metric("bad_reviews", "差评数", "bad reviews", Unit.COUNT, "bad_reviews"),
)

SHOP_METRICS = _catalogue(
    Metric("visitors", "访客数", "visitors", Unit.COUNT, "visitors"),
    Metric("page_views", "浏览量", "page views", Unit.COUNT, "page_views"),
    Metric("paid_buyers", "支付买家数", "paid buyers", Unit.COUNT, "paid_buyers"),
    Metric("paid_orders", "支付子订单数", "paid orders", Unit.COUNT, "paid_orders"),
    Metric("gmv", "支付金额", "GMV", Unit.MONEY, "gmv_fen", scale=100),
    Metric("refunds", "成功退款金额", "refunds", Unit.MONEY, "refunds_fen", scale=100),
    Metric("organic_visitors", "免费流量访客数", "organic visitors", Unit.COUNT, "organic_visitors"),
    Metric("paid_visitors", "付费流量访客数", "paid visitors", Unit.COUNT, "paid_visitors"),
    Metric("repeat_buyers", "老买家数", "repeat buyers", Unit.COUNT, "repeat_buyers"),
    Metric("conversion", "支付转化率", "conversion", Unit.RATIO, "paid_buyers", "visitors"),
    Metric("aov", "客单价", "order value", Unit.MONEY, "gmv_fen", "paid_buyers", scale=100),
    Metric("refund_rate", "退款率", "refund rate", Unit.RATIO, "refunds_fen", "gmv_fen"),
    Metric("bad_reviews", "差评数", "bad reviews", Unit.COUNT, "bad_reviews"),
    Metric("ad_spend", "推广花费", "ad spend", Unit.MONEY, "ad_spend_fen", scale=100),
    Metric("ad_revenue", "推广成交金额", "ad revenue", Unit.MONEY, "ad_revenue_fen", scale=100),
    Metric("ad_roi", "推广投入产出比", "ad ROI", Unit.RATIO, "ad_revenue_fen", "ad_spend_fen"),
    Metric("ad_ctr", "推广点击率", "ad CTR", Unit.RATIO, "ad_clicks", "ad_impressions"),
    Metric(
        "spend_vs_pace",
        "推广花费超出预算进度",
        "ad spend ahead of the budget's pace",
        Unit.RATIO,
        "ad_spend_fen",
        formula=Formula.PACE,
        needs=("monthly_budget",),
    ),
)

CATALOGUE: dict[Scope, dict[str, Metric]] = {
    Scope.SHOP: SHOP_METRICS,
    Scope.CAMPAIGN: CAMPAIGN_METRICS,
    Scope.SKU: SKU_METRICS,
}


def base_columns(scope: Scope) -> tuple[str, ...]:
    """The integer columns a scope's day rows carry, in a fixed order."""
    columns: dict[str, None] = {}
    for metric in CATALOGUE[scope].values():
        columns[metric.numerator] = None
        if metric.denominator is not None:
            columns[metric.denominator] = None
    return tuple(columns)
