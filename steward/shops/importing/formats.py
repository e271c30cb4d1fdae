"""The six kinds of file Store Steward reads, as FORMATS.md describes them.

Each field names the headers that mean it; a header matches when it equals one of them after
Unicode compatibility folding (full-width letters and brackets become ASCII), trimming and
ignoring case.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import Enum

# Columns stored as 32-bit integers; larger values would fail in PostgreSQL, so they are
# reported as problems up front instead.
INT32_MAX = 2_147_483_647


class ValueType(Enum):
    DATE = "date"
    TIMESTAMP = "timestamp"  # a date with an optional time, in Asia/Shanghai
    COUNT = "count"  # whole, non-negative
    MONEY = "money"  # yuan to the fen
    RATE = "rate"  # 3.52% or 0.0352, kept in parts per million
    RATIO = "ratio"  # ROI: 3.25, kept in ten-thousandths
    SECONDS = "seconds"  # kept in milliseconds
    TEXT = "text"


@dataclass(frozen=True)
class Field:
    name: str
    aliases: tuple[str, ...]
    type: ValueType
    # The column must be in the file (optional and derived fields may be absent).
    required: bool = True
    # Every row must give a value (natural keys and the values a row means nothing without).
    needs_value: bool = False
    max_length: int | None = None
    # Stored as a 32-bit integer column.
    small: bool = False

    @property
    def label(self) -> str:
        """The header most exports use, for messages about a column that is not there."""
        return self.aliases[0]


@dataclass(frozen=True)
class FileFormat:
    kind: str
    title_zh: str
    title_en: str
    fields: tuple[Field, ...]
    # The fields that identify a row; the same key twice in one file is a problem.
    key: tuple[str, ...]

    @property
    def required(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.required)

    def field(self, name: str) -> Field:
        for candidate in self.fields:
            if candidate.name == name:
                return candidate
        raise KeyError(name)


def fold_header(text: str) -> str:
    """The form in which headers and aliases are compared."""
    return unicodedata.normalize("NFKC", text).replace("\ufeff", "").strip().casefold()


# Exports often add the unit to a header: 花费(元), 支付金额（元）.
_UNIT_SUFFIX = re.compile(r"\s*\([^()]*\)\s*$")


def field_for_header(fmt: FileFormat, header: str) -> tuple[Field, int] | None:
    """The field a header means and how preferred that alias is (0 = the first listed)."""
    folded = fold_header(header)
    for candidate in (folded, _UNIT_SUFFIX.sub("", folded)):
        if not candidate:
            continue
        for f in fmt.fields:
            for rank, alias in enumerate(f.aliases):
                if fold_header(alias) == candidate:
                    return f, rank
    return None


def _count(name: str, *aliases: str, required: bool = True, small: bool = True) -> Field:
    return Field(name, aliases, ValueType.COUNT, required=required, small=small)


def _money(name: str, *aliases: str, required: bool = True) -> Field:
    return Field(name, aliases, ValueType.MONEY, required=required)


SHOP_DAILY = FileFormat(
    kind="shop-daily",
    title_zh="店铺日报",
    title_en="shop daily metrics",
    fields=(
        Field("date", ("日期", "统计日期", "date"), ValueType.DATE, needs_value=True),
        _count("visitors", "访客数", "UV", "visitors"),
        _count("page_views", "浏览量", "PV", "page_views"),
        _count("paid_buyers", "支付买家数", "paid_buyers"),
        _count("paid_orders", "支付子订单数", "支付订单数", "paid_orders"),
        _money("gmv", "支付金额", "GMV", "gmv"),
        _money("refunds", "成功退款金额", "退款金额", "refunds"),
        Field(
            "conversion_rate", ("支付转化率", "conversion_rate"), ValueType.RATE, required=False, small=True
        ),
        _money("aov", "客单价", "aov", required=False),
        _count("organic_visitors", "免费流量访客数", "自然流量访客数", "organic_visitors", required=False),
        _count("paid_visitors", "付费流量访客数", "paid_visitors", required=False),
        _count("repeat_buyers", "老买家数", "复购买家数", "repeat_buyers", required=False),
        Field(
            "first_response_s",
            ("平均首次响应时长", "首响时长(秒)", "first_response_s"),
            ValueType.SECONDS,
            required=False,
            small=True,
        ),
    ),
    key=("date",),
)

CAMPAIGNS = FileFormat(
    kind="campaigns",
    title_zh="推广报表",
    title_en="ad campaign daily metrics",
    fields=(
        Field("date", ("日期", "date"), ValueType.DATE, needs_value=True),
        Field(
            "campaign", ("计划名称", "推广计划", "campaign"), ValueType.TEXT, needs_value=True, max_length=200
        ),
        _money("spend", "花费", "消耗", "spend"),
        _count("impressions", "展现量", "impressions", small=False),
        _count("clicks", "点击量", "clicks", small=False),
        _money("revenue", "总成交金额", "成交金额", "revenue"),
        _count("orders", "总成交笔数", "成交笔数", "orders"),
        Field("ctr", ("点击率", "ctr"), ValueType.RATE, required=False, small=True),
        Field("roi", ("投入产出比", "ROI", "roi"), ValueType.RATIO, required=False),
    ),
    key=("campaign", "date"),
)

SKUS = FileFormat(
    kind="skus",
    title_zh="商品日报",
    title_en="product (SKU) daily metrics",
    fields=(
        Field("date", ("日期", "统计日期", "date"), ValueType.DATE, needs_value=True),
        Field("sku", ("商品ID", "商品编码", "sku"), ValueType.TEXT, needs_value=True, max_length=64),
        Field("name", ("商品名称", "商品标题", "name"), ValueType.TEXT, required=False, max_length=300),
        _count("visitors", "商品访客数", "访客数", "visitors"),
        _count("units", "支付件数", "units"),
        _count("paid_orders", "支付子订单数", "支付订单数", "paid_orders"),
        _money("gmv", "支付金额", "gmv"),
        _count("stock", "库存", "可售库存", "stock"),
    ),
    key=("sku", "date"),
)

REVIEWS = FileFormat(
    kind="reviews",
    title_zh="评价",
    title_en="reviews",
    fields=(
        Field("date", ("评价时间", "日期", "date"), ValueType.TIMESTAMP, needs_value=True),
        Field("sku", ("商品ID", "sku"), ValueType.TEXT, max_length=64),
        Field("rating", ("评价等级", "评分", "rating"), ValueType.TEXT, needs_value=True, max_length=20),
        Field("content", ("评价内容", "内容", "content"), ValueType.TEXT),
    ),
    # Reviews have no natural key: a day's reviews are replaced as a whole.
    key=(),
)

ORDERS = FileFormat(
    kind="orders",
    title_zh="订单",
    title_en="orders",
    fields=(
        Field(
            "order_id", ("订单编号", "订单号", "order_id"), ValueType.TEXT, needs_value=True, max_length=64
        ),
        Field("buyer", ("买家会员名", "买家ID", "buyer"), ValueType.TEXT, max_length=100),
        Field("paid_at", ("付款时间", "支付时间", "paid_at"), ValueType.TIMESTAMP),
        Field("amount", ("实付金额", "买家实付", "amount"), ValueType.MONEY, needs_value=True),
        Field("status", ("订单状态", "status"), ValueType.TEXT, needs_value=True, max_length=40),
        Field("sku", ("商品ID", "sku"), ValueType.TEXT, required=False, max_length=64),
        _count("quantity", "购买数量", "数量", "quantity", required=False),
    ),
    key=("order_id",),
)

PRODUCTS = FileFormat(
    kind="products",
    title_zh="商品清单",
    title_en="product list",
    fields=(
        Field("sku", ("商品ID", "商品编码", "sku"), ValueType.TEXT, needs_value=True, max_length=64),
        Field("name", ("商品名称", "name"), ValueType.TEXT, max_length=300),
        _money("price", "售价", "价格", "price"),
        _money("cost", "成本", "成本价", "cost"),
        Field("role", ("商品角色", "定位", "role"), ValueType.TEXT, max_length=20),
        Field("substitute", ("替代商品", "substitute"), ValueType.TEXT, required=False, max_length=64),
    ),
    key=("sku",),
)

FORMATS: dict[str, FileFormat] = {
    fmt.kind: fmt for fmt in (SHOP_DAILY, CAMPAIGNS, SKUS, REVIEWS, ORDERS, PRODUCTS)
}
