"""The numbers the shop pages show, read through ``steward.shops.metrics``.

The shop list needs the last 30 days of every visible shop; asking ``metrics.kpis`` once per
shop would cost three queries a shop, so the list reads all shops' sums in a constant number
of queries and builds the same ``Kpis`` values from them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Count, Max, Min, Q, Sum
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from steward.shops import metrics
from steward.shops.metrics import Kpis
from steward.shops.models import CampaignDaily, Shop, ShopDaily

PERIOD_DAYS = 30
CHART_DAYS = 90
# Exports arrive the day after; a shop whose newest day is older than this is worth a flag.
STALE_AFTER_DAYS = 3


@dataclass(frozen=True)
class ShopLine:
    """One row of the shop list: the shop and its last 30 days of data."""

    shop: Shop
    first_day: dt.date | None
    last_day: dt.date | None
    kpis: Kpis | None
    days_behind: int | None

    @property
    def is_stale(self) -> bool:
        return self.days_behind is not None and self.days_behind > STALE_AFTER_DAYS


def shop_lines(shops: Sequence[Shop], today: dt.date) -> list[ShopLine]:
    """Each shop's last ``PERIOD_DAYS`` days of data, ending at its own newest day."""
    ids = [shop.pk for shop in shops]
    spans: dict[int, tuple[dt.date, dt.date]] = {
        row["shop_id"]: (row["first"], row["last"])
        for row in ShopDaily.objects.filter(shop_id__in=ids)
        .values("shop_id")
        .annotate(first=Min("date"), last=Max("date"))
        .order_by()
    }
    # Shops updated on the same day share one window, so the filter has one clause per
    # distinct newest day (usually one or two), not one per shop.
    shops_by_last: dict[dt.date, list[int]] = defaultdict(list)
    for shop_id, (_first, last) in spans.items():
        shops_by_last[last].append(shop_id)
    windows = [
        Q(shop_id__in=shop_ids, date__gte=_period_start(last), date__lte=last)
        for last, shop_ids in shops_by_last.items()
    ]
    daily: dict[int, dict[str, Any]] = {}
    ads: dict[int, dict[str, Any]] = {}
    if windows:
        in_window = reduce(or_, windows)
        daily = {
            row["shop_id"]: dict(row)
            for row in ShopDaily.objects.filter(in_window)
            .values("shop_id")
            .annotate(
                visitors=Sum("visitors"), paid_buyers=Sum("paid_buyers"), gmv=Sum("gmv_fen"), days=Count("pk")
            )
            .order_by()
        }
        ads = {
            row["shop_id"]: dict(row)
            for row in CampaignDaily.objects.filter(in_window)
            .values("shop_id")
            .annotate(spend=Sum("spend_fen"), revenue=Sum("revenue_fen"))
            .order_by()
        }
    lines = []
    for shop in shops:
        span = spans.get(shop.pk)
        if span is None:
            lines.append(ShopLine(shop, None, None, None, None))
            continue
        first, last = span
        day_sums = daily.get(shop.pk, {})
        ad_sums = ads.get(shop.pk, {})
        kpis = Kpis(
            start=_period_start(last),
            end=last,
            days_with_data=day_sums.get("days", 0),
            visitors=day_sums.get("visitors"),
            paid_buyers=day_sums.get("paid_buyers"),
            gmv_fen=day_sums.get("gmv"),
            ad_spend_fen=ad_sums.get("spend"),
            ad_revenue_fen=ad_sums.get("revenue"),
        )
        lines.append(ShopLine(shop, first, last, kpis, (today - last).days))
    return lines


def _period_start(last: dt.date, days: int = PERIOD_DAYS) -> dt.date:
    return last - dt.timedelta(days=days - 1)


@dataclass(frozen=True)
class KpiCard:
    key: str
    label: str | Promise
    # The definition is printed under the figure: disputes start with "which conversion?".
    definition: str | Promise
    value: int | Decimal | None
    previous: int | Decimal | None
    # How the value is written: "count", "money" (yuan), "ratio" (as %), "multiple" (ROI).
    unit: str

    @property
    def change(self) -> Decimal | None:
        """Relative change against the period before; none when there is nothing to compare."""
        if self.value is None or self.previous is None or self.previous == 0:
            return None
        return (Decimal(self.value) - Decimal(self.previous)) / abs(Decimal(self.previous))


@dataclass(frozen=True)
class ShopOverview:
    first_day: dt.date | None
    last_day: dt.date | None
    current: Kpis | None
    previous: Kpis | None
    cards: list[KpiCard]
    series: list[metrics.DailyPoint]
    days_behind: int | None

    @property
    def has_data(self) -> bool:
        return self.last_day is not None

    @property
    def is_stale(self) -> bool:
        return self.days_behind is not None and self.days_behind > STALE_AFTER_DAYS

    @property
    def has_ads(self) -> bool:
        return any(point.ad_spend_fen is not None for point in self.series)


def shop_overview(shop: Shop, today: dt.date) -> ShopOverview:
    """The last 30 days of data against the 30 before, and 90 days of daily points."""
    first, last = metrics.data_range(shop)
    if last is None:
        return ShopOverview(first, last, None, None, [], [], None)
    start = _period_start(last)
    current = metrics.kpis(shop, start, last)
    previous_end = start - dt.timedelta(days=1)
    before = metrics.kpis(shop, _period_start(previous_end), previous_end)
    previous = before if before.days_with_data else None
    series = metrics.daily_series(shop, _period_start(last, CHART_DAYS), last)
    return ShopOverview(
        first_day=first,
        last_day=last,
        current=current,
        previous=previous,
        cards=_cards(current, previous),
        series=series,
        days_behind=(today - last).days,
    )


def _cards(current: Kpis, previous: Kpis | None) -> list[KpiCard]:
    def before(attribute: str) -> Any:
        return None if previous is None else getattr(previous, attribute)

    return [
        KpiCard(
            "visitors", _("访客数"), _("店铺日报访客数之和"), current.visitors, before("visitors"), "count"
        ),
        KpiCard(
            "conversion",
            _("支付转化率"),
            _("支付买家数 ÷ 访客数"),
            current.conversion,
            before("conversion"),
            "ratio",
        ),
        KpiCard("aov", _("客单价"), _("支付金额 ÷ 支付买家数"), current.aov, before("aov"), "money"),
        KpiCard("gmv", _("支付金额"), _("含运费，未扣退款"), current.gmv, before("gmv"), "money"),
        KpiCard(
            "ad_spend", _("推广花费"), _("推广报表花费之和"), current.ad_spend, before("ad_spend"), "money"
        ),
        KpiCard("roi", _("投入产出比"), _("推广成交金额 ÷ 推广花费"), current.roi, before("roi"), "multiple"),
    ]
