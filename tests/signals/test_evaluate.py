"""The evaluator on hand-made series: each window meaning, exact money, guards, suppression."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from fractions import Fraction

import polars as pl
import pytest

from steward.signals.defaults import default_rules
from steward.signals.episodes import episode_records
from steward.signals.evaluate import DataProblem, backtest, day_rows, rule_episodes, stock_status
from steward.signals.frames import MetricFrames
from steward.signals.metrics import Scope
from steward.signals.rules import Rule, parse_rules, with_overrides
from tests.signals.series import campaign_rows, campaigns, day, fen, sku_frames

ROI_FLOOR = next(rule for rule in default_rules() if rule.id == "roi-floor")


def rule_of(text: str) -> Rule:
    (rule,) = parse_rules(text)
    return rule


def episodes(rule: Rule, frames: MetricFrames) -> list[tuple[dt.date, dt.date, dt.date, Fraction | None]]:
    found = backtest([rule], frames).episodes[rule.id]
    return [(e.start, e.fired, e.end, e.value) for e in episode_records(rule, found)]


def test_streak_of_exactly_n_days_fires_on_the_nth() -> None:
    frames = campaigns(campaign_rows([1, 2, 3], ["100"] * 3, ["200"] * 3))
    assert episodes(ROI_FLOOR, frames) == [(day(1), day(3), day(3), Fraction(2))]


def test_streak_of_n_minus_one_days_does_not_fire() -> None:
    frames = campaigns(campaign_rows([1, 2, 4, 5], ["100"] * 4, ["200"] * 4))
    assert episodes(ROI_FLOOR, frames) == []


def test_a_missing_day_breaks_the_streak() -> None:
    # Days 1, 2, 4, 5, 6 are low; day 3 has no row: the streak restarts on day 4.
    frames = campaigns(campaign_rows([1, 2, 4, 5, 6, 7], ["100"] * 6, ["200"] * 5 + ["400"]))
    assert episodes(ROI_FLOOR, frames) == [(day(4), day(6), day(6), Fraction(2))]


def test_zero_spend_breaks_the_streak() -> None:
    # ROI is undefined on a day with no spend: that day does not hold.
    frames = campaigns(campaign_rows([1, 2, 3, 4, 5], ["100", "100", "0", "100", "100"], ["200"] * 5))
    assert episodes(ROI_FLOOR, frames) == []


def test_episode_runs_until_the_condition_stops() -> None:
    frames = campaigns(campaign_rows(list(range(1, 9)), ["100"] * 8, ["200"] * 5 + ["300"] + ["100"] * 2))
    assert episodes(ROI_FLOOR, frames) == [(day(1), day(3), day(5), Fraction(2))]


def test_roi_of_exactly_the_floor_does_not_fire() -> None:
    # ¥254.20 ÷ ¥101.68 is 2.4999999999999996 in float; in fen it is exactly 2.5.
    assert 254.20 / 101.68 < 2.5
    exact = campaigns(campaign_rows([1, 2, 3], ["101.68"] * 3, ["254.20"] * 3))
    assert episodes(ROI_FLOOR, exact) == []
    one_fen_less = campaigns(campaign_rows([1, 2, 3], ["101.68"] * 3, ["254.19"] * 3))
    assert episodes(ROI_FLOOR, one_fen_less) == [(day(1), day(3), day(3), Fraction(25419, 10168))]


def test_seven_day_spend_of_exactly_ten_thousand_yuan() -> None:
    daily = ["1997.40", "1589.15", "1618.98", "1854.05", "1497.56", "1275.19", "167.67"]
    assert sum(float(x) for x in daily) == 10000.000000000002  # what float would have compared
    frames = campaigns(campaign_rows(list(range(1, 8)), daily, ["0"] * 7))
    above = rule_of(
        "- {id: big-spend, name: {zh: 花费, en: spend}, scope: campaign,"
        " condition: 'spend > 10000', window: over the last 7 days}"
    )
    at_least = rule_of(
        "- {id: big-spend, name: {zh: 花费, en: spend}, scope: campaign,"
        " condition: 'spend >= ¥10,000.00', window: over the last 7 days}"
    )
    assert episodes(above, frames) == []
    assert episodes(at_least, frames) == [(day(7), day(7), day(7), Fraction(10_000))]


CTR = rule_of(
    "- {id: ctr, name: {zh: 点击率, en: CTR}, scope: campaign, condition: 'ctr < 4%',"
    " window: over the last 2 days, guard: 'impressions >= 1000'}"
)


def test_over_the_last_n_days_sums_first_then_divides() -> None:
    # Day 1: 10 / 100 = 10%; day 2: 10 / 1000 = 1%. The average of the ratios is 5.5% (not
    # below 4%); the ratio of the sums is 20 / 1100 = 1.8%, which is what the rule means.
    frames = campaigns(campaign_rows([1, 2], ["1"] * 2, ["1"] * 2, impressions=[100, 1000], clicks=[10, 10]))
    assert episodes(CTR, frames) == [(day(2), day(2), day(2), Fraction(20, 1100))]


def test_over_the_last_n_days_counts_calendar_days() -> None:
    # Day 3's window is days 2 and 3; day 1 is outside it even though it is the previous row.
    frames = campaigns(
        campaign_rows([1, 3], ["1"] * 2, ["1"] * 2, impressions=[5000, 1000], clicks=[10, 100])
    )
    assert episodes(CTR, frames) == [(day(1), day(1), day(1), Fraction(10, 5000))]


def test_volume_guard_over_the_window() -> None:
    thin = campaigns(campaign_rows([1, 2], ["1"] * 2, ["1"] * 2, impressions=[400, 500], clicks=[1, 1]))
    assert episodes(CTR, thin) == []
    enough = campaigns(campaign_rows([1, 2], ["1"] * 2, ["1"] * 2, impressions=[400, 600], clicks=[1, 1]))
    assert episodes(CTR, enough) == [(day(2), day(2), day(2), Fraction(2, 1000))]


def test_volume_guard_per_day_for_a_streak() -> None:
    rule = rule_of(
        "- {id: roi, name: {zh: a, en: b}, scope: campaign, condition: 'roi < 2.5',"
        " window: each day for 2 consecutive days, guard: 'spend >= 100'}"
    )
    frames = campaigns(campaign_rows([1, 2, 3], ["100", "99.99", "100"], ["1"] * 3))
    assert episodes(rule, frames) == []


def test_subjects_and_shops_are_kept_apart() -> None:
    frames = campaigns(
        campaign_rows([1, 2], ["100"] * 2, ["100"] * 2, campaign="a"),
        campaign_rows([3], ["100"], ["100"], campaign="b"),
        campaign_rows([1, 2, 3], ["100"] * 3, ["100"] * 3, shop="s2", campaign="a"),
    )
    found = backtest([ROI_FLOOR], frames).episodes["roi-floor"]
    assert found.select("shop", "subject", "fired").rows() == [("s2", "a", day(3))]


def test_rows_in_any_order_and_duplicate_days() -> None:
    rows = campaign_rows([3, 1, 2], ["100"] * 3, ["100"] * 3)
    assert episodes(ROI_FLOOR, campaigns(rows)) == [(day(1), day(3), day(3), Fraction(1))]
    with pytest.raises(DataProblem):
        episodes(ROI_FLOOR, campaigns(rows + rows[:1]))


def sku_row(n: int, sku: str, orders: int, stock: int | None) -> dict[str, object]:
    return {
        "shop": "s1",
        "sku": sku,
        "date": day(n),
        "visitors": 100,
        "units": orders,
        "paid_orders": orders,
        "gmv_fen": orders * 1000,
        "stock": stock,
    }


SKU_ORDERS = next(rule for rule in default_rules() if rule.id == "sku-daily-orders")
STOCK_LOW = next(rule for rule in default_rules() if rule.id == "stock-low")


def test_only_hero_skus_are_watched() -> None:
    frames = sku_frames(
        [sku_row(1, "hero1", 10, 100), sku_row(1, "other", 10, 100)], {"hero1": "hero", "other": "profit"}
    )
    found = backtest([SKU_ORDERS], frames).episodes["sku-daily-orders"]
    assert found.get_column("subject").to_list() == ["hero1"]


def test_stock_out_silences_sales_rules_of_that_sku_while_it_lasts() -> None:
    rows = [sku_row(n, "h", 5, stock) for n, stock in zip(range(1, 7), [80, 0, 0, 60, 60, 0], strict=True)]
    frames = sku_frames(rows, {"h": "hero"})
    # Orders are below 50 every day; the stock-out days (2, 3, 6) do not count as sales alerts.
    assert [(s, e) for s, _, e, _ in episodes(SKU_ORDERS, frames)] == [(day(1), day(1)), (day(4), day(5))]
    # The stock rule itself is what fires on those days.
    assert [(s, e) for s, _, e, _ in episodes(STOCK_LOW, frames)] == [(day(2), day(3)), (day(6), day(6))]


def test_three_level_stock_status() -> None:
    rows = [sku_row(n, "h", 10, stock) for n, stock in zip(range(1, 5), [500, 69, 70, 0], strict=True)]
    status = stock_status(sku_frames(rows, {"h": "hero"}), warning_days=7)
    # 10 units a day: 69 is 6.9 days of cover (warning), 70 exactly 7 (safe).
    assert status.get_column("status").to_list() == ["safe", "warning", "safe", "out"]


def shop_frames(**frames: pl.DataFrame) -> MetricFrames:
    return MetricFrames(**frames)


BAD_REVIEWS = next(rule for rule in default_rules() if rule.id == "bad-review-burst")
ORGANIC = next(rule for rule in default_rules() if rule.id == "organic-drop")
PACE = next(rule for rule in default_rules() if rule.id == "spend-pace")


def test_bad_review_burst_counts_bad_reviews_of_a_day() -> None:
    reviews = pl.DataFrame(
        {"shop": ["s1"] * 11, "sku": ["x"] * 11, "date": [day(1)] * 5 + [day(2)] * 6, "is_bad": [True] * 11}
    )
    good = pl.DataFrame({"shop": ["s1"], "sku": ["x"], "date": [day(1)], "is_bad": [False]})
    frames = shop_frames(reviews=pl.concat([reviews, good]))
    assert episodes(BAD_REVIEWS, frames) == [(day(2), day(2), day(2), Fraction(6))]


def organic(values: Sequence[int | None]) -> MetricFrames:
    return shop_frames(
        shop_daily=pl.DataFrame(
            {"shop": "s1", "date": [day(n) for n in range(1, len(values) + 1)], "organic_visitors": values},
            schema_overrides={"organic_visitors": pl.Int64},
        )
    )


def test_organic_drop_compares_the_last_seven_days_with_the_seven_before() -> None:
    assert episodes(ORGANIC, organic([100] * 7 + [70] * 7)) == [(day(14), day(14), day(14), Fraction(-3, 10))]
    assert episodes(ORGANIC, organic([100] * 7 + [70] * 6 + [71])) == []
    # A day without a figure is not a drop: both periods must be whole.
    assert episodes(ORGANIC, organic([100] * 7 + [70] * 6 + [None])) == []


def spend_days(daily: str, days: int = 31) -> MetricFrames:
    return campaigns(campaign_rows(list(range(1, days + 1)), [daily] * days, ["0"] * days))


def test_spend_pace_without_a_budget_is_not_evaluated_and_says_so() -> None:
    result = backtest([PACE], spend_days("1250"))
    assert result.episodes == {}
    assert [s.rule for s in result.skipped] == ["spend-pace"]
    assert "monthly_budget" in result.skipped[0].reason


def test_spend_pace_fires_when_more_than_twenty_percent_ahead() -> None:
    # March has 31 days; a budget of ¥31,000 is a pace of ¥1,000 a day.
    (pace,) = with_overrides([PACE], {"spend-pace": {"monthly_budget": 31_000}})
    assert episodes(pace, spend_days("1200")) == []  # exactly 20% ahead is not "more than"
    found = episodes(pace, spend_days("1250"))
    assert found == [(day(1), day(1), day(31), Fraction(1, 4))]


def test_per_shop_overrides() -> None:
    frames = campaigns(
        campaign_rows([1, 2, 3], ["100"] * 3, ["220"] * 3, shop="new"),
        campaign_rows([1, 2, 3], ["100"] * 3, ["220"] * 3, shop="mature"),
    )
    result = backtest([ROI_FLOOR], frames, overrides={"new": {"roi-floor": {"roi_floor": 2}}})
    assert result.episodes["roi-floor"].get_column("shop").to_list() == ["mature"]
    # A budget set for one shop only: the rule runs, and the other shop never holds.
    pace_frames = campaigns(
        campaign_rows([1, 2], ["2000"] * 2, ["0"] * 2, shop="a"),
        campaign_rows([1, 2], ["2000"] * 2, ["0"] * 2, shop="b"),
    )
    result = backtest([PACE], pace_frames, overrides={"a": {"spend-pace": {"monthly_budget": 31_000}}})
    assert result.skipped == []
    assert result.episodes["spend-pace"].get_column("shop").to_list() == ["a"]


def test_from_and_to() -> None:
    frames = campaigns(campaign_rows(list(range(1, 11)), ["100"] * 10, ["100"] * 3 + ["300"] + ["100"] * 6))
    all_of_it = backtest([ROI_FLOOR], frames).episodes["roi-floor"]
    assert all_of_it.select("fired", "end").rows() == [(day(3), day(3)), (day(7), day(10))]
    ranged = backtest([ROI_FLOOR], frames, first=day(4), last=day(8)).episodes["roi-floor"]
    # Days before --from still count for the streak; the end is cut at --to.
    assert ranged.select("start", "fired", "end").rows() == [(day(5), day(7), day(8))]


def test_shop_scope_rows_join_every_source() -> None:
    frames = MetricFrames(
        shop_daily=pl.DataFrame({"shop": ["s1"], "date": [day(1)], "visitors": [10]}),
        campaigns=pl.DataFrame(campaign_rows([2], ["5"], ["1"])),
        reviews=pl.DataFrame({"shop": ["s1"], "sku": [None], "date": [day(3)], "is_bad": [True]}),
    )
    rows = day_rows(Scope.SHOP, frames, {"visitors", "ad_spend_fen", "bad_reviews"})
    assert rows.select("date", "visitors", "ad_spend_fen", "bad_reviews").rows() == [
        (day(1), 10, None, 0),
        (day(2), None, fen("5"), 0),
        (day(3), None, None, 1),
    ]


def test_rule_episodes_reports_the_value_that_fired() -> None:
    frames = campaigns(campaign_rows([1, 2, 3], ["100"] * 3, ["200", "210", "220"]))
    rows = day_rows(Scope.CAMPAIGN, frames, {"spend_fen", "revenue_fen"})
    found = rule_episodes(ROI_FLOOR, rows)
    assert found.select("value_num", "value_den").row(0) == (fen("220"), fen("100"))
