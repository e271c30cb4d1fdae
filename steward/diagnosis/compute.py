"""The diagnosis maths: plain data and Polars frames in, plain data out; no database, no Django.

Money stays integer fen and rates stay Decimal, so a figure in the PDF is the same figure the
API returns and a threshold compares exactly. Windows are counted back from the last day that
has data (not from today), so a diagnosis of an export from last month still reads right.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import polars as pl

from steward.diagnosis.bridge import Bridge, Totals, gmv_bridge
from steward.diagnosis.complaints import Theme, complaint_themes

WINDOW_DAYS = 90  # "the last three months" of DOMAIN.md §2
WEEKS = 12
BRIDGE_DAYS = 28  # the last 4 weeks against the 4 before
STAGE_GMV_DAYS = 30  # the stage thresholds are per month
NEW_BELOW_FEN = 1_000_000  # 10k CNY a month
MATURE_ABOVE_FEN = 10_000_000  # 100k CNY a month
PROBLEM_DROP = Decimal("-0.20")  # GMV or visitors down 20% or more, whatever the size
# The product-matrix guide of the seeds: lead products 20%, profit products 50%, long tail 30%.
ROLE_GUIDE = {"hero": Decimal("0.20"), "profit": Decimal("0.50"), "long_tail": Decimal("0.30")}
ROLE_LABELS = {"hero": "引流款", "profit": "利润款", "long_tail": "长尾款"}
ROLE_NAMES = {"hero": "引流款", "traffic": "流量款", "profit": "利润款", "long_tail": "长尾款"}
KEY_PRODUCT_SHARE = Decimal("0.10")
ROLE_OFF_GUIDE = Decimal("0.10")  # more than 10 points away from the guide is worth a remark
RECENT_PACE_DAYS = 7
STOCK_COVER_WARN_DAYS = Decimal(14)  # two weeks is the usual reorder lead time
STRONG_REPURCHASE = Decimal("0.10")
MIN_BUYERS_FOR_RATE = 20  # fewer buyers make a repurchase rate an anecdote
PAR = Decimal("0.05")  # within 5% of the peer value counts as on par
MAX_PROBLEMS = 5
# The seeds' adjustment rule: a campaign whose ROI stays under 1:2.5 for three days gets paused.
ROI_FLOOR = Decimal("2.5")
LOW_ROI_DAYS = 3
BURST_BAD_REVIEWS = 5  # DOMAIN.md §4: more than five bad reviews is a burst


def ratio(numerator: int | Decimal | None, denominator: int | Decimal | None) -> Decimal | None:
    if numerator is None or denominator is None or denominator == 0:
        return None
    return Decimal(numerator) / Decimal(denominator)


def change(after: int | Decimal | None, before: int | Decimal | None) -> Decimal | None:
    """Relative change; None when there is nothing to compare with."""
    if after is None or before is None or before == 0:
        return None
    return (Decimal(after) - Decimal(before)) / Decimal(before)


def to_fen(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def yuan_text(fen: int | Decimal | None) -> str:
    if fen is None:
        return "—"
    amount = (Decimal(fen) / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return f"-¥{-amount:,}" if amount < 0 else f"¥{amount:,}"


def pct_text(rate: Decimal | None, digits: int = 1) -> str:
    if rate is None:
        return "—"
    return f"{(rate * 100).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)}%"


# -- inputs -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShopFacts:
    code: str
    name: str
    platform: str
    platform_label: str
    category: str
    level: str
    opened_on: dt.date | None


@dataclass(frozen=True)
class SkuFact:
    code: str
    name: str
    role: str  # hero / traffic / profit / long_tail


@dataclass(frozen=True)
class Benchmark:
    """What a typical shop of the platform and category achieves; None where unknown."""

    label: str
    conversion: Decimal | None = None
    aov_fen: int | None = None
    refund_rate: Decimal | None = None
    roi: Decimal | None = None
    organic_share: Decimal | None = None
    first_response_s: Decimal | None = None
    repeat_rate: Decimal | None = None
    bad_review_rate: Decimal | None = None


DAILY_SCHEMA = {
    "date": pl.Date,
    "visitors": pl.Int64,
    "paid_buyers": pl.Int64,
    "gmv_fen": pl.Int64,
    "refunds_fen": pl.Int64,
    "organic_visitors": pl.Int64,
    "paid_visitors": pl.Int64,
    "repeat_buyers": pl.Int64,
    "first_response_ms": pl.Int64,
}
ADS_SCHEMA = {"date": pl.Date, "campaign": pl.String, "spend_fen": pl.Int64, "revenue_fen": pl.Int64}
SKU_DAILY_SCHEMA = {
    "sku_code": pl.String,
    "date": pl.Date,
    "units": pl.Int64,
    "gmv_fen": pl.Int64,
    "stock": pl.Int64,
}
REVIEW_SCHEMA = {"date": pl.Date, "sku_code": pl.String, "is_bad": pl.Boolean, "content": pl.String}
ORDER_SCHEMA = {"date": pl.Date, "buyer": pl.String, "sku_code": pl.String, "is_purchase": pl.Boolean}


@dataclass(frozen=True)
class ShopData:
    """Everything the diagnosis reads, as frames with the schemas above."""

    shop: ShopFacts
    daily: pl.DataFrame
    ads: pl.DataFrame
    skus: Sequence[SkuFact]
    sku_daily: pl.DataFrame
    reviews: pl.DataFrame
    orders: pl.DataFrame
    benchmark: Benchmark | None = None


# -- outputs ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kpis:
    start: dt.date
    end: dt.date
    days_with_data: int
    visitors: int
    buyers: int
    gmv_fen: int
    refunds_fen: int
    ad_spend_fen: int
    ad_revenue_fen: int
    organic_visitors: int
    paid_visitors: int
    conversion: Decimal | None  # paid buyers / visitors (payment conversion)
    aov_fen: Decimal | None  # GMV / paid buyers
    refund_rate: Decimal | None  # refunds / GMV
    roi: Decimal | None  # ad revenue / ad spend
    organic_share: Decimal | None  # organic / (organic + paid) visitors
    repeat_rate: Decimal | None  # repeat buyers / paid buyers
    first_response_s: Decimal | None  # mean of the days' first-response times

    @property
    def totals(self) -> Totals:
        return Totals(self.visitors, self.buyers, self.gmv_fen)


@dataclass(frozen=True)
class PeerRow:
    key: str
    label: str
    unit: str  # ratio / money / multiple / seconds
    ours: Decimal | None
    peer: Decimal | None
    higher_is_better: bool
    verdict: str  # better / par / worse / unknown


@dataclass(frozen=True)
class ProductRow:
    code: str
    name: str
    role: str
    gmv_fen: int  # last 28 days
    share: Decimal | None
    trend: Decimal | None  # against the 28 days before
    stock: int | None
    cover_days: Decimal | None  # stock / mean daily units of the last 7 days
    days_out: int  # days of the window that ended with no stock

    @property
    def role_label(self) -> str:
        return ROLE_NAMES.get(self.role, self.role)

    buyers: int
    repurchase_rate: Decimal | None


@dataclass(frozen=True)
class RoleShare:
    role: str
    label: str
    products: int
    count_share: Decimal | None
    gmv_share: Decimal | None
    guide: Decimal
    off_guide: bool


@dataclass(frozen=True)
class Complaints:
    reviews: int
    bad_reviews: int
    bad_rate: Decimal | None
    themes: list[Theme]
    worst_sku: str | None  # the product with the most bad reviews
    worst_sku_bad: int
    worst_sku_reviews: int


@dataclass(frozen=True)
class Stage:
    stage: str  # new / growth / mature / problem
    label: str
    reason: str
    gmv_30_fen: int
    gmv_28_fen: int
    gmv_prev_28_fen: int
    gmv_change: Decimal | None
    visitors_28: int
    visitors_prev_28: int
    visitors_change: Decimal | None


@dataclass(frozen=True)
class Problem:
    key: str
    title: str
    at_stake_fen: int  # estimated GMV at stake over the next four weeks
    basis: str  # how the estimate was made
    evidence: list[str]


@dataclass(frozen=True)
class Diagnosis:
    shop: ShopFacts
    has_data: bool
    window_start: dt.date | None = None
    window_end: dt.date | None = None
    history_days: int = 0
    short_history: str | None = None  # said plainly when the shop has fewer than 90 days
    summary: Kpis | None = None
    weeks: list[Kpis] = field(default_factory=list)
    benchmark_label: str | None = None
    peers: list[PeerRow] = field(default_factory=list)
    bridge: Bridge | None = None
    bridge_before: Kpis | None = None
    bridge_after: Kpis | None = None
    products: list[ProductRow] = field(default_factory=list)
    roles: list[RoleShare] = field(default_factory=list)
    strengths: list[str] = field(default_factory=list)
    complaints: Complaints | None = None
    stage: Stage | None = None
    problems: list[Problem] = field(default_factory=list)


# -- parts ------------------------------------------------------------------------------------


def _between(frame: pl.DataFrame, start: dt.date, end: dt.date) -> pl.DataFrame:
    return frame.filter(pl.col("date").is_between(start, end))


def _sum(frame: pl.DataFrame, column: str) -> int:
    value = frame.get_column(column).sum() if frame.height else 0
    return int(value or 0)


def period_kpis(daily: pl.DataFrame, ads: pl.DataFrame, start: dt.date, end: dt.date) -> Kpis:
    days = _between(daily, start, end)
    spend = _between(ads, start, end)
    visitors, buyers, gmv = _sum(days, "visitors"), _sum(days, "paid_buyers"), _sum(days, "gmv_fen")
    refunds = _sum(days, "refunds_fen")
    ad_spend, ad_revenue = _sum(spend, "spend_fen"), _sum(spend, "revenue_fen")
    organic, paid = _sum(days, "organic_visitors"), _sum(days, "paid_visitors")
    response = (
        days.get_column("first_response_ms").drop_nulls() if days.height else pl.Series([], dtype=pl.Int64)
    )
    first_response = Decimal(int(response.sum())) / Decimal(response.len()) / 1000 if response.len() else None
    return Kpis(
        start=start,
        end=end,
        days_with_data=days.height,
        visitors=visitors,
        buyers=buyers,
        gmv_fen=gmv,
        refunds_fen=refunds,
        ad_spend_fen=ad_spend,
        ad_revenue_fen=ad_revenue,
        organic_visitors=organic,
        paid_visitors=paid,
        conversion=ratio(buyers, visitors),
        aov_fen=ratio(gmv, buyers),
        refund_rate=ratio(refunds, gmv),
        roi=ratio(ad_revenue, ad_spend),
        organic_share=ratio(organic, organic + paid),
        repeat_rate=ratio(_sum(days, "repeat_buyers"), buyers),
        first_response_s=first_response,
    )


PEER_METRICS: tuple[tuple[str, str, str, bool], ...] = (
    ("conversion", "支付转化率", "ratio", True),
    ("aov_fen", "客单价", "money", True),
    ("refund_rate", "退款率", "ratio", False),
    ("roi", "推广投入产出比", "multiple", True),
    ("organic_share", "自然流量占比", "ratio", True),
    ("repeat_rate", "复购买家占比", "ratio", True),
    ("first_response_s", "首次响应时长", "seconds", False),
    ("bad_review_rate", "差评率", "ratio", False),
)


def peer_rows(ours: dict[str, Decimal | None], benchmark: Benchmark | None) -> list[PeerRow]:
    rows = []
    for key, label, unit, higher in PEER_METRICS:
        mine = ours.get(key)
        raw = getattr(benchmark, key) if benchmark else None
        peer = None if raw is None else Decimal(raw)
        verdict = "unknown"
        if mine is not None and peer is not None and peer != 0:
            gap = (mine - peer) / peer
            verdict = "par" if abs(gap) <= PAR else "better" if (gap > 0) == higher else "worse"
        rows.append(PeerRow(key, label, unit, mine, peer, higher, verdict))
    return rows


def decide_stage(daily: pl.DataFrame, end: dt.date, first_day: dt.date) -> Stage:
    gmv_30 = _sum(_between(daily, end - dt.timedelta(days=STAGE_GMV_DAYS - 1), end), "gmv_fen")
    last = _between(daily, end - dt.timedelta(days=BRIDGE_DAYS - 1), end)
    prev_end = end - dt.timedelta(days=BRIDGE_DAYS)
    prev = _between(daily, prev_end - dt.timedelta(days=BRIDGE_DAYS - 1), prev_end)
    gmv_28, gmv_prev = _sum(last, "gmv_fen"), _sum(prev, "gmv_fen")
    vis_28, vis_prev = _sum(last, "visitors"), _sum(prev, "visitors")
    # A fall can only be judged against a full four weeks before: a young shop's first days
    # would make any shop look like it is growing or collapsing.
    comparable = first_day <= prev_end - dt.timedelta(days=BRIDGE_DAYS - 1)
    gmv_change = change(gmv_28, gmv_prev) if comparable else None
    vis_change = change(vis_28, vis_prev) if comparable else None
    falls = [
        f"{name}较前 28 天下降 {pct_text(-c)}"
        for name, c in (("支付金额", gmv_change), ("访客数", vis_change))
        if c is not None and c <= PROBLEM_DROP
    ]
    if falls:
        stage, label = "problem", "问题期"
        reason = "；".join(falls) + "（下降 20% 及以上即为问题期，不论规模）"
    elif gmv_30 < NEW_BELOW_FEN:
        stage, label = "new", "新店期"
        reason = f"近 30 天支付金额 {yuan_text(gmv_30)}，低于 1 万元"
    elif gmv_30 <= MATURE_ABOVE_FEN:
        stage, label = "growth", "成长期"
        reason = f"近 30 天支付金额 {yuan_text(gmv_30)}，在 1 万至 10 万元之间"
    else:
        stage, label = "mature", "成熟期"
        reason = f"近 30 天支付金额 {yuan_text(gmv_30)}，超过 10 万元"
    if stage != "problem" and not comparable:
        reason += "；数据不足 56 天，暂不能判断是否在下滑"
    return Stage(stage, label, reason, gmv_30, gmv_28, gmv_prev, gmv_change, vis_28, vis_prev, vis_change)


def _role_group(role: str) -> str:
    # The secondary traffic product leads traffic too: it counts with the hero in the 20% part.
    return "hero" if role in {"hero", "traffic"} else role if role in ROLE_GUIDE else "long_tail"


def product_matrix(data: ShopData, end: dt.date) -> tuple[list[ProductRow], list[RoleShare]]:
    last_start = end - dt.timedelta(days=BRIDGE_DAYS - 1)
    prev_end = last_start - dt.timedelta(days=1)
    prev_start = prev_end - dt.timedelta(days=BRIDGE_DAYS - 1)
    # The pace of the last week, not of the last month: a sale peak two weeks ago would make the
    # stock look shorter than it is.
    recent_start = end - dt.timedelta(days=RECENT_PACE_DAYS - 1)
    frame = data.sku_daily
    gmv_last = _by_sku(_between(frame, last_start, end), "gmv_fen")
    gmv_prev = _by_sku(_between(frame, prev_start, prev_end), "gmv_fen")
    units_recent = _by_sku(_between(frame, recent_start, end), "units")
    stock_now: dict[str, int | None] = {}
    days_out: dict[str, int] = {}
    if frame.height:
        outs = frame.filter(pl.col("stock") == 0).group_by("sku_code").agg(pl.len().alias("n"))
        days_out = {row["sku_code"]: int(row["n"]) for row in outs.iter_rows(named=True)}
        latest = frame.drop_nulls("stock").sort("date").group_by("sku_code").last()
        stock_now = {row["sku_code"]: row["stock"] for row in latest.iter_rows(named=True)}
    buyers, repeaters = _repurchase_by_sku(data.orders)
    total = sum(gmv_last.values())
    rows = []
    for sku in data.skus:
        gmv = gmv_last.get(sku.code, 0)
        stock = stock_now.get(sku.code)
        daily_units = Decimal(units_recent.get(sku.code, 0)) / RECENT_PACE_DAYS
        cover = None if stock is None or daily_units == 0 else (Decimal(stock) / daily_units)
        rows.append(
            ProductRow(
                code=sku.code,
                name=sku.name,
                role=sku.role,
                gmv_fen=gmv,
                share=ratio(gmv, total),
                trend=change(gmv, gmv_prev.get(sku.code)),
                stock=stock,
                cover_days=None if cover is None else cover.quantize(Decimal("0.1")),
                days_out=days_out.get(sku.code, 0),
                buyers=buyers.get(sku.code, 0),
                repurchase_rate=ratio(repeaters.get(sku.code, 0), buyers.get(sku.code, 0)),
            )
        )
    rows.sort(key=lambda r: (-r.gmv_fen, r.code))
    shares = []
    for group, guide in ROLE_GUIDE.items():
        members = [r for r in rows if _role_group(r.role) == group]
        count_share = ratio(len(members), len(rows))
        shares.append(
            RoleShare(
                role=group,
                label=ROLE_LABELS[group],
                products=len(members),
                count_share=count_share,
                gmv_share=ratio(sum(r.gmv_fen for r in members), total),
                guide=guide,
                off_guide=count_share is not None and abs(count_share - guide) > ROLE_OFF_GUIDE,
            )
        )
    return rows, shares


def _by_sku(frame: pl.DataFrame, column: str) -> dict[str, int]:
    if not frame.height:
        return {}
    grouped = frame.group_by("sku_code").agg(pl.col(column).sum())
    return {row["sku_code"]: int(row[column] or 0) for row in grouped.iter_rows(named=True)}


def _repurchase_by_sku(orders: pl.DataFrame) -> tuple[dict[str, int], dict[str, int]]:
    """Buyers of each product, and those of them who bought it on two or more orders."""
    if not orders.height:
        return {}, {}
    per_buyer = (
        orders.filter(pl.col("is_purchase") & (pl.col("sku_code") != ""))
        .group_by("sku_code", "buyer")
        .agg(pl.len().alias("orders"))
    )
    summary = per_buyer.group_by("sku_code").agg(
        pl.len().alias("buyers"),
        (pl.col("orders") >= 2).sum().alias("repeaters"),
    )
    buyers = {r["sku_code"]: int(r["buyers"]) for r in summary.iter_rows(named=True)}
    repeaters = {r["sku_code"]: int(r["repeaters"]) for r in summary.iter_rows(named=True)}
    return buyers, repeaters


def complaints_of(reviews: pl.DataFrame, product_names: Sequence[str] = ()) -> Complaints:
    bad = reviews.filter(pl.col("is_bad")) if reviews.height else reviews
    worst, worst_count = None, 0
    if bad.height:
        per_sku = bad.drop_nulls("sku_code").group_by("sku_code").agg(pl.len().alias("n"))
        if per_sku.height:
            top = per_sku.sort(["n", "sku_code"], descending=[True, False]).row(0, named=True)
            worst, worst_count = top["sku_code"], int(top["n"])
    worst_reviews = reviews.filter(pl.col("sku_code") == worst).height if worst else 0
    texts = bad.get_column("content").to_list() if bad.height else []
    return Complaints(
        reviews=reviews.height,
        bad_reviews=bad.height,
        bad_rate=ratio(bad.height, reviews.height),
        themes=complaint_themes(texts, products=product_names),
        worst_sku=worst,
        worst_sku_bad=worst_count,
        worst_sku_reviews=worst_reviews,
    )


def strengths_of(peers: list[PeerRow], products: list[ProductRow], summary: Kpis) -> list[str]:
    found = []
    for row in products:
        rate = row.repurchase_rate
        if rate is not None and rate >= STRONG_REPURCHASE and row.buyers >= MIN_BUYERS_FOR_RATE:
            found.append(
                f"{row.name or row.code} 复购率 {pct_text(rate)}（{row.buyers} 位买家中 {to_fen(rate * row.buyers)} 位"
                "下过两单及以上），适合做老客召回和组合销售的主角"
            )
    for peer in peers:
        if peer.verdict == "better":
            found.append(
                f"{peer.label}优于同类：我们 {_peer_text(peer.unit, peer.ours)}，类目 {_peer_text(peer.unit, peer.peer)}"
            )
    repeat_peer = next((p for p in peers if p.key == "repeat_rate"), None)
    # With a peer value the comparison above has already said it, or says the opposite.
    judged = repeat_peer is not None and repeat_peer.verdict != "unknown"
    if not judged and summary.repeat_rate is not None and summary.repeat_rate >= STRONG_REPURCHASE:
        found.append(f"复购买家占支付买家的 {pct_text(summary.repeat_rate)}，老客基础扎实")
    return found


def _peer_text(unit: str, value: Decimal | None) -> str:
    if value is None:
        return "—"
    if unit == "ratio":
        return pct_text(value)
    if unit == "money":
        return yuan_text(value)
    if unit == "multiple":
        return f"{value.quantize(Decimal('0.01'))}"
    return f"{value.quantize(Decimal('0.1'))} 秒"


def peer_text(row: PeerRow) -> str:
    """The comparison the way a merchant says it: "ours 2.0% vs category 3.5%"."""
    return f"我们 {_peer_text(row.unit, row.ours)}，类目 {_peer_text(row.unit, row.peer)}"


def _factor_problem(
    key: str,
    name: str,
    lost_fen: int,
    bridge: Bridge | None,
    peer: PeerRow | None,
    peer_stake: Decimal | None,
    peer_basis: str,
    volume: str,
) -> Problem | None:
    """One problem per factor, whether it fell against last month, lags the peers, or both.

    The larger of the two estimates is the figure at stake; counting both would count the same
    lost buyers twice.
    """
    falling = lost_fen if lost_fen > 0 else 0
    lagging = to_fen(peer_stake) if peer_stake is not None and peer_stake > 0 else 0
    if not falling and not lagging:
        return None
    evidence = []
    if falling and bridge is not None:
        evidence.append(
            f"近 4 周支付金额 {yuan_text(bridge.before.gmv_fen)} → {yuan_text(bridge.after.gmv_fen)}，"
            f"其中{name}变化带来 {yuan_text(-falling)}"
        )
    if lagging and peer is not None:
        evidence.append(f"{peer.label}：{peer_text(peer)}；{volume}")
    if falling >= lagging:
        title, basis = f"{name}下滑拖累支付金额", "近 4 周对比前 4 周的支付金额拆解中，这一项带来的减少额"
    else:
        title, basis = f"{name}低于同类店铺", peer_basis
    return Problem(key, title, max(falling, lagging), basis, evidence)


def _peer_gap(peer: PeerRow | None) -> Decimal | None:
    """How far we trail the peer value, in the metric's own unit; None when we do not trail."""
    if peer is None or peer.verdict != "worse" or peer.ours is None or peer.peer is None:
        return None
    return abs(peer.peer - peer.ours)


def rank_problems(
    summary: Kpis,
    before: Kpis,
    after: Kpis,
    bridge: Bridge | None,
    peers: dict[str, PeerRow],
    products: list[ProductRow],
    complaints: Complaints,
    campaigns: list[Problem] | None = None,
) -> list[Problem]:
    """The problems to fix first, each with the GMV it puts at stake over the next four weeks.

    The estimates are deliberately simple (the gap to the peer value times the volume it applies
    to, or the loss the bridge already shows) so that a merchant can check them by hand.
    """
    parts = bridge.parts if bridge is not None and bridge.change_fen < 0 else {}
    found: list[Problem | None] = []

    visitors = _factor_problem("visitors", "访客", -parts.get("visitors", 0), bridge, None, None, "", "")
    if visitors is not None and before.organic_visitors:
        visitors.evidence.append(
            f"自然流量访客 {before.organic_visitors:,} → {after.organic_visitors:,}"
            f"（{pct_text(change(after.organic_visitors, before.organic_visitors))}），"
            f"付费流量访客 {before.paid_visitors:,} → {after.paid_visitors:,}"
        )
    found.append(visitors)

    conv = peers.get("conversion")
    gap = _peer_gap(conv)
    conv_stake = (
        gap * after.visitors * after.aov_fen if gap is not None and after.aov_fen is not None else None
    )
    found.append(
        _factor_problem(
            "conversion",
            "支付转化率",
            -parts.get("conversion", 0),
            bridge,
            conv,
            conv_stake,
            "近 4 周访客 ×（类目转化率 − 我们的转化率）× 客单价",
            f"近 4 周访客 {after.visitors:,} 人，客单价 {yuan_text(after.aov_fen)}",
        )
    )
    aov = peers.get("aov_fen")
    gap = _peer_gap(aov)
    found.append(
        _factor_problem(
            "order-value",
            "客单价",
            -parts.get("order_value", 0),
            bridge,
            aov,
            gap * after.buyers if gap is not None else None,
            "近 4 周支付买家 ×（类目客单价 − 我们的客单价）",
            f"近 4 周支付买家 {after.buyers:,} 人",
        )
    )

    refund = peers.get("refund_rate")
    gap = _peer_gap(refund)
    if refund is not None and gap is not None:
        found.append(
            Problem(
                "refunds",
                "退款率高于同类店铺",
                to_fen(gap * after.gmv_fen),
                "近 4 周支付金额 ×（我们的退款率 − 类目退款率）",
                [f"退款率：{peer_text(refund)}", f"近 90 天退款 {yuan_text(summary.refunds_fen)}"],
            )
        )
    roi = peers.get("roi")
    gap = _peer_gap(roi)
    if roi is not None and gap is not None and after.ad_spend_fen:
        found.append(
            Problem(
                "ads-roi",
                "推广投入产出比偏低",
                to_fen(gap * after.ad_spend_fen),
                "近 4 周推广花费 ×（类目投入产出比 − 我们的投入产出比）",
                [f"投入产出比：{peer_text(roi)}", f"近 4 周推广花费 {yuan_text(after.ad_spend_fen)}"],
            )
        )
    elif campaigns:
        # The shop's ROI as a whole is fine, but some campaigns spent on days below the floor.
        found.extend(campaigns)
    repeat = peers.get("repeat_rate")
    gap = _peer_gap(repeat)
    if repeat is not None and gap is not None and after.aov_fen is not None:
        found.append(
            Problem(
                "repeat",
                "老客复购低于同类店铺",
                to_fen(gap * after.buyers * after.aov_fen),
                "近 4 周支付买家 ×（类目复购买家占比 − 我们的占比）× 客单价",
                [f"复购买家占比：{peer_text(repeat)}", f"近 4 周支付买家 {after.buyers:,} 人"],
            )
        )
    found.extend(_stock_problem(row) for row in products)
    found.append(_review_problem(products, complaints, peers.get("bad_review_rate")))
    ranked = [p for p in found if p is not None and p.at_stake_fen > 0]
    ranked.sort(key=lambda p: (-p.at_stake_fen, p.key))
    return ranked[:MAX_PROBLEMS]


def campaign_problems(ads: pl.DataFrame, start: dt.date, end: dt.date) -> list[Problem]:
    """Campaigns that spent on three or more days with an ROI under 2.5 in the window.

    At stake is what those days' spend should have brought at the floor and did not.
    """
    window = _between(ads, start, end).filter(pl.col("spend_fen") > 0)
    if not window.height:
        return []
    per_day = window.group_by("campaign", "date").agg(pl.col("spend_fen").sum(), pl.col("revenue_fen").sum())
    low = per_day.filter(pl.col("revenue_fen").fill_null(0) * 10 < pl.col("spend_fen") * int(ROI_FLOOR * 10))
    summary = low.group_by("campaign").agg(
        pl.len().alias("days"),
        pl.col("spend_fen").sum(),
        pl.col("revenue_fen").fill_null(0).sum(),
        pl.col("date").min().alias("first"),
        pl.col("date").max().alias("last"),
    )
    problems = []
    for row in summary.filter(pl.col("days") >= LOW_ROI_DAYS).iter_rows(named=True):
        spend, revenue = int(row["spend_fen"]), int(row["revenue_fen"])
        problems.append(
            Problem(
                f"campaign-{row['campaign']}",
                f"推广计划「{row['campaign']}」有 {row['days']} 天投入产出比低于 {ROI_FLOOR}",
                to_fen(ROI_FLOOR * spend - revenue),
                f"这些天的花费 × {ROI_FLOOR} − 这些天的推广成交",
                [
                    f"{row['first']:%m-%d} 至 {row['last']:%m-%d} 间有 {row['days']} 天低于 {ROI_FLOOR}："
                    f"花费 {yuan_text(spend)}，成交 {yuan_text(revenue)}（投入产出比 {_peer_text('multiple', ratio(revenue, spend))}）"
                ],
            )
        )
    return problems


def _stock_problem(row: ProductRow) -> Problem | None:
    """A product that leads traffic or carries a tenth of sales, short of stock or already out."""
    leads = row.role in {"hero", "traffic"} or (row.share is not None and row.share >= KEY_PRODUCT_SHARE)
    short = row.cover_days is not None and row.cover_days < STOCK_COVER_WARN_DAYS
    if not leads or not (short or row.days_out):
        return None
    # Sales of the days the product would be missing: before a two-week reorder arrives, or as
    # many days as it was already sold out in the window, whichever is longer.
    missing = max(
        STOCK_COVER_WARN_DAYS - row.cover_days if short and row.cover_days is not None else Decimal(0),
        Decimal(row.days_out),
    )
    evidence = []
    if short:
        evidence.append(f"现有库存 {row.stock} 件，按近 7 天的销量只够卖 {row.cover_days} 天")
    if row.days_out:
        evidence.append(f"近 90 天有 {row.days_out} 天库存为零")
    evidence.append(f"近 4 周支付金额 {yuan_text(row.gmv_fen)}，占全店 {pct_text(row.share)}")
    return Problem(
        f"stock-{row.code}",
        f"{ROLE_NAMES.get(row.role, '商品')} {row.name or row.code} {'库存不足两周' if short else '曾经断货'}",
        to_fen(Decimal(row.gmv_fen) / BRIDGE_DAYS * missing),
        "该商品日均支付金额 × 可能缺货的天数（距两周补货期的缺口，或近 90 天已断货的天数，取大者）",
        evidence,
    )


def _review_problem(
    products: list[ProductRow], complaints: Complaints, peer: PeerRow | None
) -> Problem | None:
    worst = next((r for r in products if r.code == complaints.worst_sku), None)
    if worst is None or not complaints.worst_sku_reviews:
        return None
    above_peer = peer is not None and peer.verdict == "worse"
    if not above_peer and complaints.worst_sku_bad <= BURST_BAD_REVIEWS:
        return None
    # The product's unhappy buyers are taken as the share of its sales the bad reviews put at
    # risk: later buyers read them on the product page before they pay.
    unhappy = Decimal(complaints.worst_sku_bad) / Decimal(complaints.worst_sku_reviews)
    themes = "、".join(f"{t.term}（{t.count}）" for t in complaints.themes[:3])
    evidence = [
        f"近 90 天差评 {complaints.bad_reviews} 条，其中 {worst.name or worst.code} {complaints.worst_sku_bad} 条，"
        f"占它全部评价的 {pct_text(unhappy)}"
    ]
    if themes:
        evidence.append(f"差评里最常见的词：{themes}")
    if above_peer and peer is not None:
        evidence.append(f"差评率：{peer_text(peer)}")
    return Problem(
        "bad-reviews",
        f"差评集中在 {worst.name or worst.code}",
        to_fen(Decimal(worst.gmv_fen) * unhappy),
        "该商品近 4 周支付金额 × 它的评价中差评的占比",
        evidence,
    )


# -- the whole ---------------------------------------------------------------------------------


def diagnose(data: ShopData) -> Diagnosis:
    daily = data.daily.drop_nulls("date")
    if not daily.height:
        return Diagnosis(shop=data.shop, has_data=False)
    end: dt.date = daily.get_column("date").max()  # type: ignore[assignment]
    first: dt.date = daily.get_column("date").min()  # type: ignore[assignment]
    start = max(end - dt.timedelta(days=WINDOW_DAYS - 1), first)
    history = (end - first).days + 1
    short = None
    if history < WINDOW_DAYS:
        short = f"这家店铺只有 {history} 天的数据（{first:%Y-%m-%d} 起），不足 90 天；以下结论只基于这 {history} 天，趋势和同比仅供参考。"
    summary = period_kpis(daily, data.ads, start, end)
    weeks = []
    for back in range(WEEKS - 1, -1, -1):
        week_end = end - dt.timedelta(days=7 * back)
        week_start = week_end - dt.timedelta(days=6)
        if week_end >= first:
            weeks.append(period_kpis(daily, data.ads, max(week_start, first), week_end))
    after_start = end - dt.timedelta(days=BRIDGE_DAYS - 1)
    before_end = after_start - dt.timedelta(days=1)
    after = period_kpis(daily, data.ads, after_start, end)
    before = period_kpis(daily, data.ads, before_end - dt.timedelta(days=BRIDGE_DAYS - 1), before_end)
    # Without four earlier weeks the bridge would explain a young shop's launch, not a change.
    bridge = gmv_bridge(before.totals, after.totals) if before.days_with_data else None
    reviews = _between(data.reviews, start, end)
    complaints = complaints_of(reviews, [sku.name for sku in data.skus])
    ours: dict[str, Decimal | None] = {
        "conversion": summary.conversion,
        "aov_fen": summary.aov_fen,
        "refund_rate": summary.refund_rate,
        "roi": summary.roi,
        "organic_share": summary.organic_share,
        "repeat_rate": summary.repeat_rate,
        "first_response_s": summary.first_response_s,
        "bad_review_rate": complaints.bad_rate,
    }
    peers = peer_rows(ours, data.benchmark)
    orders = _between(data.orders, start, end)
    products, roles = product_matrix(
        ShopData(data.shop, daily, data.ads, data.skus, data.sku_daily, reviews, orders), end
    )
    stage = decide_stage(daily, end, first)
    campaigns = campaign_problems(data.ads, after_start, end)
    problems = rank_problems(
        summary, before, after, bridge, {p.key: p for p in peers}, products, complaints, campaigns
    )
    return Diagnosis(
        shop=data.shop,
        has_data=True,
        window_start=start,
        window_end=end,
        history_days=history,
        short_history=short,
        summary=summary,
        weeks=weeks,
        benchmark_label=data.benchmark.label if data.benchmark else None,
        peers=peers,
        bridge=bridge,
        bridge_before=before if bridge else None,
        bridge_after=after if bridge else None,
        products=products,
        roles=roles,
        strengths=strengths_of(peers, products, summary),
        complaints=complaints,
        stage=stage,
        problems=problems,
    )
