"""The generated demo data: deterministic, internally consistent, and the planted situations
sit exactly at their documented dates."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import subprocess
import sys
from collections import Counter, defaultdict
from collections.abc import Callable

import pytest

from steward.demo.cast import SHOPS, ShopSpec
from steward.demo.export import shop_files
from steward.demo.generator import (
    BAD,
    CLOSED,
    REFUNDED,
    CampaignDay,
    DemoData,
    ShopData,
    ShopDay,
    generate,
    half_up,
    stated_rate_ppm,
    stated_roi_e4,
)
from steward.demo.scenario import (
    BAD_REVIEW_BURST,
    BAD_REVIEW_LIMIT,
    DAYS,
    DOUBLE11,
    DROP_AT_LEAST,
    DROP_WINDOW_DAYS,
    END,
    GROWTH_SHOP,
    HERO_STOCK_WARNING,
    MATURE_SHOP,
    MAX_ORDERS_PER_BUYER,
    NATIONAL_DAY,
    NEW_SHOP,
    PRESALE_START,
    PROBLEM_SHOP,
    ROI_SLUMP,
    ROI_THRESHOLD,
    SEED,
    START,
    STOCKOUT,
    STOCKOUT_STOCK_PATH,
)

DAY = dt.timedelta(days=1)


def _window(shop: ShopData, first: dt.date, last: dt.date) -> list[ShopDay]:
    return [d for d in shop.days if first <= d.date <= last]


def _total(days: list[ShopDay], field: Callable[[ShopDay], int]) -> int:
    return sum(field(d) for d in days)


# --- determinism ------------------------------------------------------------------------------


def test_the_same_seed_gives_identical_data(demo_data: DemoData) -> None:
    again = generate(SEED)
    assert again == demo_data
    # Equality of the dataclasses covers every row; spot-check that it is not vacuous.
    assert again.shop(MATURE_SHOP).orders[100] == demo_data.shop(MATURE_SHOP).orders[100]


_DIGEST_SCRIPT = """
import hashlib
from steward.demo.export import shop_files
from steward.demo.generator import generate
digest = hashlib.sha256()
for shop in generate().shops:
    for name, content in sorted(shop_files(shop).items()):
        digest.update(content)
print(digest.hexdigest())
"""


def test_generation_does_not_depend_on_hash_randomisation(demo_data: DemoData) -> None:
    # Iterating a set of strings would reorder rows between interpreter runs.
    digest = hashlib.sha256()
    for shop in demo_data.shops:
        for _, content in sorted(shop_files(shop).items()):
            digest.update(content)
    other = subprocess.run(
        [sys.executable, "-c", _DIGEST_SCRIPT],
        env={**os.environ, "PYTHONHASHSEED": "12345"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert other.stdout.strip() == digest.hexdigest()


def test_another_seed_gives_other_numbers(demo_data: DemoData) -> None:
    other = generate(SEED + 1)
    assert other.shop(MATURE_SHOP).days != demo_data.shop(MATURE_SHOP).days


def test_the_data_set_ends_on_its_fixed_date(demo_data: DemoData) -> None:
    assert dt.date(2026, 5, 25) == START
    for shop in demo_data.shops:
        assert shop.days[-1].date == END
        expected_days = DAYS if shop.code != NEW_SHOP else (END - shop.spec.opened_on).days + 1
        assert len(shop.days) == expected_days
        assert [d.date for d in shop.days] == [shop.days[0].date + i * DAY for i in range(len(shop.days))]
    young = demo_data.shop(NEW_SHOP)
    assert young.days[0].date == young.spec.opened_on
    assert len(young.days) < 90


# --- the world's products and campaigns -------------------------------------------------------


@pytest.mark.parametrize("spec", SHOPS, ids=lambda s: s.code)
def test_product_lists_have_roles_and_substitutes(spec: ShopSpec) -> None:
    assert 8 <= len(spec.skus) <= 20
    assert len({s.code for s in spec.skus}) == len(spec.skus)
    roles = Counter(s.role for s in spec.skus)
    assert 0.1 <= roles["hero"] / len(spec.skus) <= 0.3
    assert 0.35 <= (roles["traffic"] + roles["profit"]) / len(spec.skus) <= 0.65
    assert 0.2 <= roles["long_tail"] / len(spec.skus) <= 0.4
    codes = {s.code for s in spec.skus}
    for sku in spec.skus:
        assert sku.price >= sku.cost * 3 / 2, "no demo price is below the 1.5x-cost guardrail"
        if sku.role == "hero":
            assert sku.substitute in codes and sku.substitute != sku.code
    assert 3 <= len(spec.campaigns) <= 8
    assert len({c.name for c in spec.campaigns}) == len(spec.campaigns)
    assert len({s.platform for s in SHOPS}) == len(SHOPS), "every shop on its own platform"


# --- consistency ------------------------------------------------------------------------------


@pytest.mark.parametrize("code", [s.code for s in SHOPS])
def test_shop_totals_agree_with_products_and_orders(demo_data: DemoData, code: str) -> None:
    shop = demo_data.shop(code)
    sku_days: dict[dt.date, list] = defaultdict(list)
    for row in shop.sku_days:
        sku_days[row.date].append(row)
    orders = defaultdict(list)
    for order in shop.orders:
        orders[order.paid_at.date()].append(order)
    for day in shop.days:
        products = sku_days[day.date]
        placed = orders[day.date]
        assert len(products) == len(shop.spec.skus)
        assert day.gmv_fen == sum(p.gmv_fen for p in products) == sum(o.amount_fen for o in placed)
        assert day.paid_orders == sum(p.paid_orders for p in products) == len(placed)
        assert day.paid_buyers == len({o.buyer for o in placed})
        assert day.visitors == day.organic_visitors + day.paid_visitors
        assert day.conversion_ppm == stated_rate_ppm(day.paid_buyers, day.visitors)
        assert day.aov_fen == (half_up(day.gmv_fen, day.paid_buyers) if day.paid_buyers else None)
        assert day.page_views > day.visitors
        assert 0 <= day.repeat_buyers <= day.paid_buyers
        assert day.paid_buyers / day.visitors < 0.12  # Double 11 converts far above normal
        for product in products:
            assert product.stock >= 0
            assert product.units >= product.paid_orders
            assert product.visitors >= product.paid_orders or product.paid_orders == 0
    assert {o.status for o in shop.orders} >= {CLOSED, REFUNDED}
    # Refunds are booked on the day the money goes back, which is never before the payment.
    refunded = sum(o.amount_fen for o in shop.orders if not o.is_purchase)
    assert sum(d.refunds_fen for d in shop.days) == refunded
    conversion = _total(list(shop.days), lambda d: d.paid_buyers) / _total(
        list(shop.days), lambda d: d.visitors
    )
    assert 0.01 <= conversion <= 0.06


@pytest.mark.parametrize("code", [s.code for s in SHOPS])
def test_campaign_rows_are_consistent_and_roi_mostly_healthy(demo_data: DemoData, code: str) -> None:
    shop = demo_data.shop(code)
    clicks: dict[dt.date, int] = defaultdict(int)
    for row in shop.campaign_days:
        clicks[row.date] += row.clicks
        assert row.clicks <= row.impressions
        assert row.ctr_ppm == stated_rate_ppm(row.clicks, row.impressions)
        assert row.roi_e4 == stated_roi_e4(row.revenue_fen, row.spend_fen)
    for day in shop.days:
        assert day.paid_visitors <= clicks[day.date]
    rois = [row.roi_e4 / 10_000 for row in shop.campaign_days if row.roi_e4 is not None]
    assert sum(1 for r in rois if 2.5 <= r <= 6) / len(rois) >= 0.8
    ad_revenue = sum(row.revenue_fen for row in shop.campaign_days)
    assert ad_revenue < _total(list(shop.days), lambda d: d.gmv_fen) * 0.6


# --- the stage of each shop -------------------------------------------------------------------


def _last_days_gmv(shop: ShopData, days: int) -> int:
    return _total(_window(shop, END - (days - 1) * DAY, END), lambda d: d.gmv_fen)


def test_each_shop_sits_in_its_stage_by_last_30_days_gmv(demo_data: DemoData) -> None:
    assert _last_days_gmv(demo_data.shop(NEW_SHOP), 30) < 10_000_00
    assert 10_000_00 <= _last_days_gmv(demo_data.shop(GROWTH_SHOP), 30) <= 100_000_00
    assert _last_days_gmv(demo_data.shop(MATURE_SHOP), 30) > 100_000_00


def test_problem_shop_falls_more_than_20_percent_over_4_weeks(demo_data: DemoData) -> None:
    shop = demo_data.shop(PROBLEM_SHOP)
    last = _window(shop, END - (DROP_WINDOW_DAYS - 1) * DAY, END)
    before = _window(shop, END - (2 * DROP_WINDOW_DAYS - 1) * DAY, END - DROP_WINDOW_DAYS * DAY)
    assert len(last) == len(before) == DROP_WINDOW_DAYS
    for field in (lambda d: d.visitors, lambda d: d.gmv_fen):
        assert _total(last, field) <= (1 - DROP_AT_LEAST) * _total(before, field)
    # The fall is organic (search) traffic, over 30%, while paid traffic holds.
    assert _total(last, lambda d: d.organic_visitors) <= 0.7 * _total(before, lambda d: d.organic_visitors)
    for other in (NEW_SHOP, GROWTH_SHOP, MATURE_SHOP):
        shop = demo_data.shop(other)
        last = _window(shop, END - (DROP_WINDOW_DAYS - 1) * DAY, END)
        before = _window(shop, END - (2 * DROP_WINDOW_DAYS - 1) * DAY, END - DROP_WINDOW_DAYS * DAY)
        assert _total(last, lambda d: d.gmv_fen) > _total(before, lambda d: d.gmv_fen)


# --- the calendar -----------------------------------------------------------------------------


def test_double_11_is_the_peak_after_a_presale_run_up(demo_data: DemoData) -> None:
    for shop in demo_data.shops:
        since_autumn = _window(shop, NATIONAL_DAY[0], END)
        assert max(since_autumn, key=lambda d: d.gmv_fen).date == DOUBLE11
        if shop.code != PROBLEM_SHOP:  # a sliding JD shop's 618 outsold its Double 11
            assert max(shop.days, key=lambda d: d.gmv_fen).date == DOUBLE11
        if shop.code in {NEW_SHOP, PROBLEM_SHOP}:  # too young for a baseline / sliding underneath
            continue
        run_up = _window(shop, PRESALE_START, DOUBLE11 - DAY)
        before = _window(shop, PRESALE_START - 28 * DAY, PRESALE_START - DAY)
        mean = _total(run_up, lambda d: d.visitors) / len(run_up)
        assert mean > 1.1 * _total(before, lambda d: d.visitors) / len(before)


def test_weekends_bring_more_visitors(demo_data: DemoData) -> None:
    shop = demo_data.shop(MATURE_SHOP)
    ordinary = _window(shop, dt.date(2026, 7, 1), dt.date(2026, 9, 27))
    weekend = [d.visitors for d in ordinary if d.date.weekday() >= 5]
    midweek = [d.visitors for d in ordinary if d.date.weekday() <= 3]
    assert sum(weekend) / len(weekend) > 1.1 * sum(midweek) / len(midweek)


# --- the planted situations -------------------------------------------------------------------


def test_hero_runs_out_of_stock_and_the_substitute_picks_up(demo_data: DemoData) -> None:
    shop = demo_data.shop(STOCKOUT.shop)
    hero = {r.date: r for r in shop.sku_days if r.sku == STOCKOUT.sku}
    substitute = {r.date: r for r in shop.sku_days if r.sku == STOCKOUT.substitute}
    assert next(s for s in shop.spec.skus if s.code == STOCKOUT.sku).substitute == STOCKOUT.substitute
    for day, stock in STOCKOUT_STOCK_PATH.items():
        assert hero[day].stock == stock
    low = [d for d, row in sorted(hero.items()) if row.stock < HERO_STOCK_WARNING]
    assert low == [STOCKOUT.low_on + i * DAY for i in range((STOCKOUT.restocked_on - STOCKOUT.low_on).days)]
    out = [d for d, row in sorted(hero.items()) if row.stock == 0]
    assert out == [STOCKOUT.out_from + i * DAY for i in range((STOCKOUT.out_to - STOCKOUT.out_from).days + 1)]
    assert len(out) >= 5
    assert hero[STOCKOUT.restocked_on].stock > 100
    sold_out = [d for d in out if d > STOCKOUT.out_from]
    assert all(hero[d].paid_orders == 0 for d in sold_out)
    two_weeks_before = [STOCKOUT.low_on - i * DAY for i in range(1, 15)]
    assert sum(substitute[d].units for d in sold_out) / len(sold_out) > 1.5 * (
        sum(substitute[d].units for d in two_weeks_before) / len(two_weeks_before)
    )
    conversion_out = sum(shop.day(d).paid_buyers for d in sold_out) / sum(
        shop.day(d).visitors for d in sold_out
    )
    conversion_before = sum(shop.day(d).paid_buyers for d in two_weeks_before) / sum(
        shop.day(d).visitors for d in two_weeks_before
    )
    assert conversion_out < conversion_before


def test_no_other_hero_ever_drops_below_the_warning_level(demo_data: DemoData) -> None:
    for shop in demo_data.shops:
        heroes = {s.code for s in shop.spec.skus if s.role == "hero"}
        for row in shop.sku_days:
            if row.sku in heroes and (shop.code, row.sku) != (STOCKOUT.shop, STOCKOUT.sku):
                assert row.stock >= HERO_STOCK_WARNING, (shop.code, row)


def _low_roi_streaks(rows: list[CampaignDay]) -> list[tuple[dt.date, dt.date]]:
    """Runs of consecutive days with spend and ROI below the threshold (3 days or more)."""
    streaks = []
    run: list[dt.date] = []
    for row in sorted(rows, key=lambda r: r.date):
        low = row.spend_fen > 0 and row.roi_e4 is not None and row.roi_e4 < ROI_THRESHOLD * 10_000
        if low and (not run or row.date == run[-1] + DAY):
            run.append(row.date)
            continue
        if len(run) >= 3:
            streaks.append((run[0], run[-1]))
        run = [row.date] if low else []
    if len(run) >= 3:
        streaks.append((run[0], run[-1]))
    return streaks


def test_one_campaign_sinks_below_roi_2_5_for_five_days(demo_data: DemoData) -> None:
    found = {}
    for shop in demo_data.shops:
        by_campaign: dict[str, list[CampaignDay]] = defaultdict(list)
        for row in shop.campaign_days:
            by_campaign[row.campaign].append(row)
        for name, rows in by_campaign.items():
            for streak in _low_roi_streaks(rows):
                found[(shop.code, name)] = streak
    assert found == {(ROI_SLUMP.shop, ROI_SLUMP.campaign): (ROI_SLUMP.low_from, ROI_SLUMP.low_to)}
    assert (ROI_SLUMP.low_to - ROI_SLUMP.low_from).days + 1 == 5
    slump = {
        r.date: r for r in demo_data.shop(ROI_SLUMP.shop).campaign_days if r.campaign == ROI_SLUMP.campaign
    }
    paused = [slump[ROI_SLUMP.paused_from], slump[ROI_SLUMP.paused_to]]
    assert all(r.spend_fen == 0 and r.roi_e4 is None for r in paused)
    assert slump[ROI_SLUMP.paused_to + DAY].spend_fen > 0


def test_bad_reviews_burst_on_one_day_only(demo_data: DemoData) -> None:
    for shop in demo_data.shops:
        bad = Counter(r.date for r in shop.reviews if r.rating == BAD)
        for day, count in bad.items():
            if (shop.code, day) == (BAD_REVIEW_BURST.shop, BAD_REVIEW_BURST.on):
                assert count == BAD_REVIEW_BURST.count > BAD_REVIEW_LIMIT
            else:
                assert count <= BAD_REVIEW_LIMIT, (shop.code, day, count)
    burst = [
        r for r in demo_data.shop(BAD_REVIEW_BURST.shop).reviews if r.date == BAD_REVIEW_BURST.on and r.is_bad
    ]
    assert Counter(r.sku for r in burst).most_common(1)[0][0] == BAD_REVIEW_BURST.sku
    assert len({r.content for r in burst}) == len(burst)
    assert any("味" in r.content for r in burst) and any("慢" in r.content for r in burst)
    for shop in demo_data.shops:
        assert {r.rating for r in shop.reviews} >= {"好评", BAD} or shop.code == NEW_SHOP


def test_repeat_buyers_order_two_to_five_times(demo_data: DemoData) -> None:
    for shop in demo_data.shops:
        per_buyer = Counter(o.buyer for o in shop.orders)
        assert max(per_buyer.values()) <= MAX_ORDERS_PER_BUYER
        assert any(n >= 2 for n in per_buyer.values())
        assert sum(d.repeat_buyers for d in shop.days) > 0
        if shop.code != NEW_SHOP:
            assert any(n >= 3 for n in per_buyer.values())
            assert sum(1 for n in per_buyer.values() if n >= 2) >= 50
        assert len({o.order_id for o in shop.orders}) == len(shop.orders)
