"""Generate the demo data set from a seed, as plain rows that ``load`` and ``export`` share.

Values are held the way the database stores them (fen, parts per million, ROI in ten-thousandths)
and every rate a file states is rounded exactly as the exported file prints it, so exporting and
importing gives back, to the fen, what ``load`` writes.

The numbers are built bottom-up so they agree with each other: campaigns give the paid visitors,
visitors and conversion give each product's orders, the orders give the SKU and shop totals, and
stock follows the units sold. Each shop and each concern draws from its own random stream, so
tuning one campaign does not move the dates of another shop's situations.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import random
from collections import defaultdict
from dataclasses import dataclass

from steward.demo.cast import SHOPS, CampaignSpec, ShopSpec
from steward.demo.scenario import (
    BAD_REVIEW_BURST,
    DAYS,
    DOUBLE11,
    DOUBLE11_FIRST_WAVE,
    END,
    MAX_ORDERS_PER_BUYER,
    MID_YEAR_SALE,
    NATIONAL_DAY,
    ORDINARY_BAD_REVIEWS_PER_DAY,
    PRESALE_START,
    PROBLEM_DECLINE_FROM,
    ROI_SLUMP,
    SEED,
    START,
    STOCKOUT,
    STOCKOUT_STOCK_PATH,
)
from steward.demo.texts import (
    BURST_TEXTS,
    FAMILY_OF_CATEGORY,
    bad_review,
    buyer_name,
    good_review,
    medium_review,
    order_id,
)

GOOD, MEDIUM, BAD = "好评", "中评", "差评"
STARS = {GOOD: 5, MEDIUM: 3, BAD: 1}

AWAITING_SHIPMENT = "买家已付款"
SHIPPED = "卖家已发货"
COMPLETED = "交易成功"
CLOSED = "交易关闭"  # refunded before shipping
REFUNDED = "退款成功"  # refunded after shipping
NOT_PURCHASES = frozenset({CLOSED, REFUNDED})

DAY = dt.timedelta(days=1)


class ScenarioError(RuntimeError):
    """The generated data lost one of the documented situations (a tuning change broke it)."""


def half_up(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` rounded half up, for non-negative integers (exact, no floats)."""
    return (2 * numerator + denominator) // (2 * denominator)


def stated_rate_ppm(part: int, whole: int) -> int | None:
    """A rate as an export states it (a percentage with two decimals), in parts per million."""
    if whole == 0:
        return None
    return half_up(part * 10_000, whole) * 100


def stated_roi_e4(revenue_fen: int, spend_fen: int) -> int | None:
    """ROI as the ad tool states it (two decimals), in ten-thousandths; none without spend."""
    if spend_fen == 0:
        return None
    return half_up(revenue_fen * 100, spend_fen) * 100


@dataclass(frozen=True, slots=True)
class ShopDay:
    date: dt.date
    visitors: int
    page_views: int
    paid_buyers: int
    paid_orders: int
    gmv_fen: int
    refunds_fen: int
    conversion_ppm: int | None
    aov_fen: int | None
    organic_visitors: int
    paid_visitors: int
    repeat_buyers: int
    first_response_ms: int


@dataclass(frozen=True, slots=True)
class CampaignDay:
    date: dt.date
    campaign: str
    spend_fen: int
    impressions: int
    clicks: int
    revenue_fen: int
    orders: int
    ctr_ppm: int | None
    roi_e4: int | None


@dataclass(frozen=True, slots=True)
class SkuDay:
    date: dt.date
    sku: str
    visitors: int
    units: int
    paid_orders: int
    gmv_fen: int
    stock: int


@dataclass(frozen=True, slots=True)
class ReviewRow:
    reviewed_at: dt.datetime  # naive, China time, as the export prints it
    sku: str
    rating: str  # 好评 / 中评 / 差评
    content: str

    @property
    def date(self) -> dt.date:
        return self.reviewed_at.date()

    @property
    def stars(self) -> int:
        return STARS[self.rating]

    @property
    def is_bad(self) -> bool:
        return self.rating == BAD


@dataclass(frozen=True, slots=True)
class OrderRow:
    order_id: str
    buyer: str
    paid_at: dt.datetime  # naive, China time
    amount_fen: int
    status: str
    sku: str
    quantity: int

    @property
    def is_purchase(self) -> bool:
        return self.status not in NOT_PURCHASES


@dataclass(frozen=True)
class ShopData:
    spec: ShopSpec
    days: tuple[ShopDay, ...]
    campaign_days: tuple[CampaignDay, ...]
    sku_days: tuple[SkuDay, ...]
    reviews: tuple[ReviewRow, ...]
    orders: tuple[OrderRow, ...]

    @property
    def code(self) -> str:
        return self.spec.code

    def day(self, date: dt.date) -> ShopDay:
        return self.days[(date - self.days[0].date).days]


@dataclass(frozen=True)
class DemoData:
    seed: int
    shops: tuple[ShopData, ...]

    def shop(self, code: str) -> ShopData:
        for shop in self.shops:
            if shop.code == code:
                return shop
        raise KeyError(code)


def generate(seed: int = SEED) -> DemoData:
    """The whole demo data set; the same seed always gives identical rows."""
    return DemoData(seed=seed, shops=tuple(_ShopBuilder(spec, seed).build() for spec in SHOPS))


# --- the calendar -----------------------------------------------------------------------------

# Monday first. Weekends bring more browsers who buy a little less readily.
WEEKDAY_TRAFFIC = (0.96, 0.94, 0.97, 0.99, 1.02, 1.13, 1.16)
WEEKDAY_CONVERSION = (1.02, 1.03, 1.01, 1.0, 0.99, 0.95, 0.96)
# Share of a day's orders per hour: lunch, afternoon and the evening peak after work.
HOUR_WEIGHTS = (
    3,
    1.5,
    0.8,
    0.4,
    0.3,
    0.4,
    0.8,
    1.6,
    2.6,
    3.8,
    5,
    5,
    4.5,
    4.6,
    5,
    5.2,
    5,
    4.4,
    4.2,
    5,
    6.5,
    7.5,
    7,
    5,
)


@dataclass(frozen=True)
class _Lift:
    traffic: float = 1.0
    conversion: float = 1.0
    price_pct: int = 100  # promotional price as a percentage of the list price


def _festival(day: dt.date) -> _Lift:
    """How the sales calendar moves traffic, conversion and price on ``day``."""
    if day in (dt.date(2026, 5, 31), dt.date(2026, 6, 1)):
        return _Lift(1.5, 1.5, 92)  # 618 first wave
    if dt.date(2026, 6, 2) <= day < MID_YEAR_SALE - 2 * DAY:
        return _Lift(1.1, 0.95)
    if MID_YEAR_SALE - 2 * DAY <= day < MID_YEAR_SALE:
        return _Lift(1.3, 1.1, 95)
    if day == MID_YEAR_SALE:
        return _Lift(2.2, 2.0, 90)
    if day == MID_YEAR_SALE + DAY:
        return _Lift(1.2, 1.1, 95)
    if NATIONAL_DAY[0] <= day <= NATIONAL_DAY[1]:
        return _Lift(1.1, 1.05, 95)
    if PRESALE_START <= day < DOUBLE11_FIRST_WAVE:
        # Pre-sale: people browse and add to cart, most wait for the payment days.
        ramp = (day - PRESALE_START).days / (DOUBLE11_FIRST_WAVE - PRESALE_START).days
        return _Lift(1.15 + 0.25 * ramp, 0.85)
    if day == DOUBLE11_FIRST_WAVE:
        return _Lift(1.9, 1.7, 88)
    if DOUBLE11_FIRST_WAVE < day <= DOUBLE11_FIRST_WAVE + 2 * DAY:
        return _Lift(1.4, 1.2, 90)
    if DOUBLE11_FIRST_WAVE + 3 * DAY <= day < DOUBLE11:
        ramp = (day - DOUBLE11_FIRST_WAVE - 3 * DAY).days / 6
        return _Lift(1.3 + 0.4 * ramp, 0.8)
    if day == DOUBLE11:
        return _Lift(3.4, 2.6, 85)
    if day == DOUBLE11 + DAY:
        return _Lift(1.5, 1.25, 90)
    if DOUBLE11 + 2 * DAY <= day <= DOUBLE11 + 6 * DAY:
        return _Lift(0.82, 0.9)  # the slump after the peak
    return _Lift()


def _in_double11_run(day: dt.date) -> bool:
    return PRESALE_START <= day <= DOUBLE11 + DAY


@dataclass(frozen=True)
class _Trend:
    organic: float
    conversion: float
    ads: float


def _trend(spec: ShopSpec, day: dt.date) -> _Trend:
    """Where the shop's stage puts it on ``day``: growing, steady, new or sliding."""
    progress = (day - START).days / (DAYS - 1)
    if spec.stage == "new":
        age = (day - spec.opened_on).days
        # No reviews and no sales history yet: few visitors, and they hesitate.
        return _Trend(min(1.0, 0.2 + 0.8 * age / 50), 0.55 + 0.45 * min(1.0, age / 45), 1.0)
    if spec.stage == "problem":
        if day < PROBLEM_DECLINE_FROM:
            return _Trend(1.0, 1.0, 1.0)
        slide = (day - PROBLEM_DECLINE_FROM).days / (END - PROBLEM_DECLINE_FROM).days
        # Organic search is what falls; paid traffic keeps coming, so ROI still looks fine.
        return _Trend(1.0 - 0.8 * slide, 1.0 - 0.15 * slide, 1.0)
    if spec.stage == "mature":
        return _Trend(0.94 + 0.06 * progress, 1.0, 1.0)
    return _Trend(0.7 + 0.3 * progress, 0.9 + 0.1 * progress, 0.6 + 0.4 * progress)


# --- random helpers ---------------------------------------------------------------------------


def _stream(seed: int, *parts: str) -> random.Random:
    # String seeds hash with SHA-512 inside ``random``: stable across runs and PYTHONHASHSEED.
    return random.Random("/".join((str(seed), *parts)))


def _noise(rng: random.Random, sigma: float) -> float:
    return math.exp(rng.gauss(0.0, sigma))


def _poisson(rng: random.Random, mean: float) -> int:
    if mean <= 0:
        return 0
    if mean > 40:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _quantity(rng: random.Random, multi_buy: float) -> int:
    roll = rng.random()
    if roll < multi_buy * 0.25:
        return 3
    if roll < multi_buy:
        return 2
    return 1


# --- one shop ---------------------------------------------------------------------------------

# Relative conversion of a product page by role: hero pages convert best, long tail worst.
ROLE_CONVERSION = {"hero": 1.25, "traffic": 1.0, "profit": 0.8, "long_tail": 0.65}
PAID_VISITORS_PER_CLICK = 0.88  # some clicks come from the same person
SKU_VISITS_PER_SHOP_VISITOR = 1.3  # a visitor looks at more than one product


@dataclass
class _Traffic:
    organic: int
    paid: int
    conversion: float

    @property
    def visitors(self) -> int:
        return self.organic + self.paid


class _ShopBuilder:
    def __init__(self, spec: ShopSpec, seed: int) -> None:
        self.spec = spec
        self.seed = seed
        first = spec.first_day
        self.dates = [first + i * DAY for i in range((END - first).days + 1)]
        self.index = {day: i for i, day in enumerate(self.dates)}
        self.avg_price_fen = sum(int(s.price * 100) * s.weight for s in spec.skus) / sum(
            s.weight for s in spec.skus
        )
        self.family = FAMILY_OF_CATEGORY[spec.category]

    def rng(self, *purpose: str) -> random.Random:
        return _stream(self.seed, self.spec.code, *purpose)

    def lift(self, day: dt.date) -> _Lift:
        base = _festival(day)
        strength = self.spec.festival_strength
        return _Lift(1 + (base.traffic - 1) * strength, 1 + (base.conversion - 1) * strength, base.price_pct)

    def build(self) -> ShopData:
        campaign_days = self._campaigns()
        clicks: dict[dt.date, int] = defaultdict(int)
        for row in campaign_days:
            clicks[row.date] += row.clicks
        traffic = self._traffic(clicks)
        demand = self._demand(traffic)
        stock = self._stock(demand)
        orders, refunds = self._orders(demand)
        reviews = self._reviews(orders)
        days, sku_days = self._totals(traffic, stock, orders, refunds)
        return ShopData(
            spec=self.spec,
            days=days,
            campaign_days=tuple(sorted(campaign_days, key=lambda r: (r.date, r.campaign))),
            sku_days=sku_days,
            reviews=reviews,
            orders=tuple(sorted(orders, key=lambda o: (o.paid_at, o.order_id))),
        )

    # campaigns -> paid clicks

    def _campaigns(self) -> list[CampaignDay]:
        rows: list[CampaignDay] = []
        for campaign in self.spec.campaigns:
            rows.extend(self._campaign(campaign))
        return rows

    def _campaign(self, campaign: CampaignSpec) -> list[CampaignDay]:
        rng = self.rng("ads", campaign.name)
        slumping = self.spec.code == ROI_SLUMP.shop and campaign.name == ROI_SLUMP.campaign
        rows = []
        dipped_yesterday = False
        for day in self.dates:
            if (campaign.starts and day < campaign.starts) or (campaign.ends and day > campaign.ends):
                continue
            if slumping and ROI_SLUMP.paused_from <= day <= ROI_SLUMP.paused_to:
                rows.append(CampaignDay(day, campaign.name, 0, 0, 0, 0, 0, None, None))
                continue
            lift = self.lift(day)
            trend = _trend(self.spec, day)
            spend = (
                self.spec.ad_spend_yuan
                * campaign.share
                * trend.ads
                * (1 + (lift.traffic - 1) * 0.6)
                * math.sqrt(WEEKDAY_TRAFFIC[day.weekday()])
                * _noise(rng, 0.15)
            )
            # Everyone bids for the same buyers before Double 11: clicks get dearer.
            cpc = campaign.cpc_yuan * _noise(rng, 0.08) * (1.25 if _in_double11_run(day) else 1.0)
            roi = self._roi(rng, campaign, day)
            dipped_today = False
            if slumping and ROI_SLUMP.low_from <= day <= ROI_SLUMP.low_to:
                spend *= 1.35
                roi = rng.uniform(1.72, 2.34)
            elif not slumping and not dipped_yesterday and rng.random() < 0.025:
                # A single weak day now and then; never two in a row, so only the planted
                # slump makes a streak that the ROI rule reacts to.
                roi = rng.uniform(2.05, 2.45)
                dipped_today = True
            dipped_yesterday = dipped_today
            spend_fen = max(100, round(spend * 100))
            clicks = max(1, round(spend_fen / (cpc * 100)))
            impressions = max(clicks, round(clicks / (campaign.ctr * _noise(rng, 0.1))))
            revenue_fen = round(spend_fen * roi)
            orders = round(revenue_fen / (self.avg_price_fen * 1.1))
            rows.append(
                CampaignDay(
                    date=day,
                    campaign=campaign.name,
                    spend_fen=spend_fen,
                    impressions=impressions,
                    clicks=clicks,
                    revenue_fen=revenue_fen,
                    orders=orders,
                    ctr_ppm=stated_rate_ppm(clicks, impressions),
                    roi_e4=stated_roi_e4(revenue_fen, spend_fen),
                )
            )
        return rows

    def _roi(self, rng: random.Random, campaign: CampaignSpec, day: dt.date) -> float:
        roi = campaign.roi * _noise(rng, 0.12)
        if day in (DOUBLE11, MID_YEAR_SALE):
            return min(9.0, max(2.6, roi * 1.6))
        if day == DOUBLE11_FIRST_WAVE:
            roi *= 1.3
        elif _in_double11_run(day):
            roi *= 0.88  # carts fill now, payments come on the 11th
        return min(6.8, max(2.6, roi))

    # visitors and conversion

    def _traffic(self, clicks: dict[dt.date, int]) -> list[_Traffic]:
        rng = self.rng("traffic")
        result = []
        for day in self.dates:
            lift = self.lift(day)
            trend = _trend(self.spec, day)
            organic = round(
                self.spec.organic_visitors
                * trend.organic
                * WEEKDAY_TRAFFIC[day.weekday()]
                * lift.traffic
                * _noise(rng, 0.07)
            )
            conversion = (
                self.spec.conversion
                * trend.conversion
                * WEEKDAY_CONVERSION[day.weekday()]
                * lift.conversion
                * _noise(rng, 0.06)
            )
            result.append(_Traffic(organic, round(clicks[day] * PAID_VISITORS_PER_CLICK), conversion))
        return result

    # orders per product: list of quantities per (day index, sku)

    def _weights(self, day: dt.date) -> dict[str, float]:
        weights = {sku.code: sku.weight for sku in self.spec.skus}
        if self.spec.code == STOCKOUT.shop:
            hero = weights[STOCKOUT.sku]
            if STOCKOUT.out_from < day <= STOCKOUT.out_to:
                weights[STOCKOUT.sku] = 0.0
                weights[STOCKOUT.substitute] += hero * 0.55  # promotion moved; some buyers leave
            elif STOCKOUT.low_on < day <= STOCKOUT.out_from:
                weights[STOCKOUT.substitute] += hero * 0.3
        return weights

    def _demand(self, traffic: list[_Traffic]) -> list[dict[str, list[int]]]:
        rng = self.rng("demand")
        total_weight = sum(sku.weight for sku in self.spec.skus)
        forced = _forced_hero_units() if self.spec.code == STOCKOUT.shop else {}
        result = []
        for day, today in zip(self.dates, traffic, strict=True):
            # A few buyers place two orders a day, so orders run slightly above buyers.
            expected = today.visitors * today.conversion / 0.97
            weights = self._weights(day)
            quantities: dict[str, list[int]] = {}
            for sku in self.spec.skus:
                if sku.code == STOCKOUT.sku and day in forced:
                    quantities[sku.code] = _split_units(rng, forced[day], sku.multi_buy)
                    continue
                count = _poisson(rng, expected * weights[sku.code] / total_weight)
                quantities[sku.code] = [_quantity(rng, sku.multi_buy) for _ in range(count)]
            result.append(quantities)
        return result

    # stock follows units sold

    def _stock(self, demand: list[dict[str, list[int]]]) -> dict[str, list[int]]:
        stock = {}
        for position, sku in enumerate(self.spec.skus):
            units = [sum(day[sku.code]) for day in demand]
            stock[sku.code] = self._stock_of(position, sku.code, units)
        return stock

    def _stock_of(self, position: int, code: str, units: list[int]) -> list[int]:
        """End-of-day stock with a delivery every ten days that covers demand plus a safety margin.

        Safety stock is never below 60, so no hero drops under the warning level of 50 except the
        planted stock-out, whose delivery before the holiday was too small and whose next one is late.
        """
        days = len(units)
        mean = sum(units) / days
        safety = max(60, math.ceil(5 * mean))
        carton = 50 if mean >= 8 else 10
        deliveries = [i for i in range(days) if i % 10 == (position * 3 + 1) % 10]
        special: int | None = None
        planted = self.spec.code == STOCKOUT.shop and code == STOCKOUT.sku
        if planted:
            last_full = self.index[STOCKOUT.low_on - DAY]
            restock = self.index[STOCKOUT.restocked_on]
            special = max(i for i in deliveries if i <= last_full - 7)
            deliveries = sorted({i for i in deliveries if i <= special or i > restock} | {restock})
        levels = []
        level = sum(units[: deliveries[0]]) + safety if deliveries else safety
        for i in range(days):
            delivered = 0
            if i in deliveries:
                following = next((d for d in deliveries if d > i), days)
                if i == special:
                    last_full = self.index[STOCKOUT.low_on - DAY]
                    delivered = (
                        sum(units[i : last_full + 1]) + STOCKOUT_STOCK_PATH[self.dates[last_full]] - level
                    )
                    if delivered <= 0:
                        raise ScenarioError("the delivery before the stock-out would be negative")
                else:
                    need = sum(units[i:following]) + safety - level
                    delivered = math.ceil(need / carton) * carton if need > 0 else 0
            level += delivered - units[i]
            if level < 0:
                raise ScenarioError(f"{self.spec.code} {code}: stock below zero on {self.dates[i]}")
            levels.append(level)
        if planted:
            self._check_stockout(levels)
        return levels

    def _check_stockout(self, levels: list[int]) -> None:
        for day, expected in STOCKOUT_STOCK_PATH.items():
            if levels[self.index[day]] != expected:
                raise ScenarioError(f"stock-out path broken on {day}")
        for i, day in enumerate(self.dates):
            below = levels[i] < 50
            if below != (STOCKOUT.low_on <= day < STOCKOUT.restocked_on):
                raise ScenarioError(f"{STOCKOUT.sku} stock is {levels[i]} on {day}")

    # orders, buyers, refunds

    def _orders(self, demand: list[dict[str, list[int]]]) -> tuple[list[OrderRow], dict[dt.date, int]]:
        rng = self.rng("orders")
        people = self.rng("buyers")
        platform = self.spec.platform
        prices = {sku.code: int(sku.price * 100) for sku in self.spec.skus}
        counts: dict[str, int] = {}
        returning: list[str] = []  # earlier buyers who may order again
        used_ids: set[str] = set()
        refunds: dict[dt.date, int] = defaultdict(int)
        orders: list[OrderRow] = []
        for day, quantities in zip(self.dates, demand, strict=True):
            lines = [(code, qty) for code, qtys in quantities.items() for qty in qtys]
            rng.shuffle(lines)
            times = sorted(self._paid_at(rng, day) for _ in lines)
            today: list[str] = []
            newcomers: list[str] = []
            price_pct = _festival(day).price_pct
            for (code, quantity), paid_at in zip(lines, times, strict=True):
                buyer = self._buyer(people, platform, counts, returning, today)
                if counts[buyer] == 1:
                    newcomers.append(buyer)
                amount = half_up(prices[code] * price_pct, 100) * quantity
                if amount >= 5000 and rng.random() < 0.12:
                    amount -= rng.choice((300, 500, 1000))  # shop coupon
                number = order_id(rng, platform, day.strftime("%y%m%d"))
                while number in used_ids:
                    number = order_id(rng, platform, day.strftime("%y%m%d"))
                used_ids.add(number)
                status = self._status(rng, day, amount, refunds)
                orders.append(OrderRow(number, buyer, paid_at, amount, status, code, quantity))
            # Today's new buyers may come back from tomorrow on (same-day extra orders aside).
            returning.extend(b for b in newcomers if counts[b] < MAX_ORDERS_PER_BUYER)
        return orders, refunds

    def _paid_at(self, rng: random.Random, day: dt.date) -> dt.datetime:
        weights = list(HOUR_WEIGHTS)
        if day == DOUBLE11:
            weights[0] *= 12  # the midnight rush when the final payments open
        elif day == DOUBLE11_FIRST_WAVE:
            weights[0] *= 5
        hour = rng.choices(range(24), weights)[0]
        return dt.datetime.combine(day, dt.time(hour, rng.randrange(60), rng.randrange(60)))

    def _buyer(
        self,
        rng: random.Random,
        platform: str,
        counts: dict[str, int],
        returning: list[str],
        today: list[str],
    ) -> str:
        repeat_chance = self.spec.repeat_rate * min(1.0, len(returning) / 150)
        roll = rng.random()
        buyer: str | None = None
        if today and roll < 0.02:
            candidate = rng.choice(today)  # a second order the same day
            buyer = candidate if counts[candidate] < MAX_ORDERS_PER_BUYER else None
        elif returning and roll < 0.02 + repeat_chance:
            buyer = rng.choice(returning)
        if buyer is None:
            buyer = buyer_name(rng, platform)
            while buyer in counts:
                buyer = buyer_name(rng, platform)
            counts[buyer] = 0
        counts[buyer] += 1
        if counts[buyer] == MAX_ORDERS_PER_BUYER and buyer in returning:
            returning.remove(buyer)
        today.append(buyer)
        return buyer

    def _status(self, rng: random.Random, day: dt.date, amount: int, refunds: dict[dt.date, int]) -> str:
        chance = self.spec.refund_rate
        if day == DOUBLE11:
            chance *= 1.3  # impulse buys come back
        if self.spec.stage == "problem" and day > DOUBLE11:
            chance *= 1.8
        if rng.random() < chance:
            before_shipping = rng.random() < 0.35
            refunded_on = day + (rng.randint(0, 1) if before_shipping else rng.randint(4, 10)) * DAY
            if refunded_on <= END:
                refunds[refunded_on] += amount
                return CLOSED if before_shipping else REFUNDED
        age = (END - day).days
        if age == 0:
            return AWAITING_SHIPMENT
        return SHIPPED if age < 10 else COMPLETED

    # reviews

    def _reviews(self, orders: list[OrderRow]) -> tuple[ReviewRow, ...]:
        rng = self.rng("reviews")
        words = self.rng("review-texts")
        pending: list[tuple[dt.datetime, str, str]] = []
        for order in sorted(orders, key=lambda o: (o.paid_at, o.order_id)):
            if order.status == CLOSED:
                continue
            refunded = order.status == REFUNDED
            if rng.random() >= self.spec.review_rate * (0.5 if refunded else 1.0):
                continue
            day = order.paid_at.date() + rng.randint(3, 12) * DAY
            if day > END:
                continue
            bad_chance = self.spec.bad_review_rate * (6 if refunded else 1)
            roll = rng.random()
            rating = BAD if roll < bad_chance else MEDIUM if roll < bad_chance + 0.05 else GOOD
            at = dt.datetime.combine(day, dt.time(rng.randint(8, 23), rng.randrange(60), rng.randrange(60)))
            pending.append((at, order.sku, rating))
        pending.sort()
        burst = BAD_REVIEW_BURST if self.spec.code == BAD_REVIEW_BURST.shop else None
        bad_per_day: dict[dt.date, int] = defaultdict(int)
        rows = []
        for at, sku, rating in pending:
            if rating == BAD:
                # Ordinary days stay under the "more than 5" rule; only the planted day crosses it.
                if (burst and at.date() == burst.on) or bad_per_day[
                    at.date()
                ] >= ORDINARY_BAD_REVIEWS_PER_DAY:
                    rating = MEDIUM
                else:
                    bad_per_day[at.date()] += 1
            rows.append(ReviewRow(at, sku, rating, self._review_text(words, rating)))
        if burst:
            substitute = next(s.substitute for s in self.spec.skus if s.code == burst.sku)
            for i in range(burst.count):
                at = dt.datetime.combine(
                    burst.on, dt.time(9 + i * 13 // burst.count, 7 * i % 60, 11 * i % 60)
                )
                sku = burst.sku if i < burst.count - 2 or substitute is None else substitute
                rows.append(ReviewRow(at, sku, BAD, BURST_TEXTS[i % len(BURST_TEXTS)]))
        return tuple(sorted(rows, key=lambda r: (r.reviewed_at, r.sku, r.content)))

    def _review_text(self, rng: random.Random, rating: str) -> str:
        if rating == BAD:
            return bad_review(rng, self.family)
        if rating == MEDIUM:
            return medium_review(rng, self.family)
        return good_review(rng, self.family)

    # daily totals from the rows

    def _totals(
        self,
        traffic: list[_Traffic],
        stock: dict[str, list[int]],
        orders: list[OrderRow],
        refunds: dict[dt.date, int],
    ) -> tuple[tuple[ShopDay, ...], tuple[SkuDay, ...]]:
        rng = self.rng("totals")
        by_day: dict[dt.date, list[OrderRow]] = defaultdict(list)
        first_seen: dict[str, dt.date] = {}
        for order in sorted(orders, key=lambda o: o.paid_at):
            by_day[order.paid_at.date()].append(order)
            first_seen.setdefault(order.buyer, order.paid_at.date())
        shop_days = []
        sku_days = []
        for i, (day, today) in enumerate(zip(self.dates, traffic, strict=True)):
            placed = by_day[day]
            buyers = {o.buyer for o in placed}
            gmv = sum(o.amount_fen for o in placed)
            visitors = today.visitors
            weights = self._weights(day)
            view_weight = {s.code: weights[s.code] / ROLE_CONVERSION[s.role] for s in self.spec.skus}
            if self.spec.code == STOCKOUT.shop and STOCKOUT.out_from < day <= STOCKOUT.out_to:
                # A sold-out page still draws some visitors from old links and searches.
                hero = next(s for s in self.spec.skus if s.code == STOCKOUT.sku)
                view_weight[hero.code] = 0.35 * hero.weight / ROLE_CONVERSION[hero.role]
            view_total = sum(view_weight.values()) or 1.0
            for sku in self.spec.skus:
                mine = [o for o in placed if o.sku == sku.code]
                seen = round(
                    visitors
                    * SKU_VISITS_PER_SHOP_VISITOR
                    * view_weight[sku.code]
                    / view_total
                    * _noise(rng, 0.1)
                )
                sku_days.append(
                    SkuDay(
                        date=day,
                        sku=sku.code,
                        visitors=max(seen, len({o.buyer for o in mine})),
                        units=sum(o.quantity for o in mine),
                        paid_orders=len(mine),
                        gmv_fen=sum(o.amount_fen for o in mine),
                        stock=stock[sku.code][i],
                    )
                )
            shop_days.append(
                ShopDay(
                    date=day,
                    visitors=visitors,
                    page_views=round(visitors * self.spec.pv_per_visitor * _noise(rng, 0.05)),
                    paid_buyers=len(buyers),
                    paid_orders=len(placed),
                    gmv_fen=gmv,
                    refunds_fen=refunds.get(day, 0),
                    conversion_ppm=stated_rate_ppm(len(buyers), visitors),
                    aov_fen=half_up(gmv, len(buyers)) if buyers else None,
                    organic_visitors=today.organic,
                    paid_visitors=today.paid,
                    repeat_buyers=sum(1 for b in buyers if first_seen[b] < day),
                    first_response_ms=self._first_response_ms(rng, day),
                )
            )
        return tuple(shop_days), tuple(sku_days)

    def _first_response_ms(self, rng: random.Random, day: dt.date) -> int:
        seconds = self.spec.first_response_s * (1.08 if day.weekday() >= 5 else 1.0)
        if day == DOUBLE11:
            seconds *= 1.7
        elif day == DOUBLE11 + DAY:
            seconds *= 1.3
        if self.spec.stage == "problem" and day > DOUBLE11:
            seconds *= 2.4  # a backlog of complaints after the peak
        # The back office states it in seconds with one decimal.
        return round(seconds * _noise(rng, 0.12) * 10) * 100


def _forced_hero_units() -> dict[dt.date, int]:
    """Units the stock-out hero sells on the days its stock runs down to zero."""
    path = sorted(STOCKOUT_STOCK_PATH.items())
    return {day: before - after for (_, before), (day, after) in itertools.pairwise(path)}


def _split_units(rng: random.Random, units: int, multi_buy: float) -> list[int]:
    quantities = []
    while units > 0:
        quantity = min(units, _quantity(rng, multi_buy))
        quantities.append(quantity)
        units -= quantity
    return quantities
