"""The diagnosis of hand-made shops: stage, short history, peers, products, problems."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import polars as pl

from steward.diagnosis.compute import (
    ADS_SCHEMA,
    ORDER_SCHEMA,
    REVIEW_SCHEMA,
    SKU_DAILY_SCHEMA,
    Benchmark,
    SkuFact,
    diagnose,
    peer_text,
)
from steward.diagnosis.content import as_content
from tests.diagnosis.builders import END, daily, days, shop_data

TEA = Benchmark(
    label="天猫 · 茶叶",
    conversion=Decimal("0.035"),
    aov_fen=10000,
    refund_rate=Decimal("0.03"),
    repeat_rate=Decimal("0.10"),
)


def test_a_shop_selling_3000_yuan_a_month_is_new_and_says_so() -> None:
    # 100 days of 1 buyer a day at ¥100: ¥3,000 in the last 30 days.
    diagnosis = diagnose(shop_data(daily(100, visitors=100, buyers=1)))

    assert diagnosis.stage is not None
    assert diagnosis.stage.stage == "new"
    assert diagnosis.stage.gmv_30_fen == 300_000
    assert "¥3,000" in diagnosis.stage.reason


def test_growth_and_mature_follow_the_monthly_gmv() -> None:
    growth = diagnose(shop_data(daily(100, visitors=1000, buyers=10)))  # ¥1,000 a day
    mature = diagnose(shop_data(daily(100, visitors=10000, buyers=40)))  # ¥4,000 a day

    assert growth.stage is not None and growth.stage.stage == "growth"
    assert mature.stage is not None and mature.stage.stage == "mature"
    assert mature.stage.gmv_30_fen == 12_000_000


def test_a_big_shop_whose_visitors_fell_a_quarter_is_a_problem_shop_with_the_figures() -> None:
    # Mature-sized, but the last 28 days have 750 visitors a day against 1,000 before.
    frame = daily(100, visitors=lambda i: 750 if i >= 72 else 1000, buyers=lambda i: 60)

    stage = diagnose(shop_data(frame)).stage

    assert stage is not None
    assert stage.stage == "problem"
    assert stage.visitors_28 == 21_000 and stage.visitors_prev_28 == 28_000
    assert stage.visitors_change == Decimal("-0.25")
    assert "访客数较前 28 天下降 25.0%" in stage.reason


def test_a_shop_with_40_days_says_plainly_it_has_less_than_90_and_cannot_judge_a_fall() -> None:
    diagnosis = diagnose(shop_data(daily(40)))

    assert diagnosis.history_days == 40
    assert diagnosis.short_history is not None and "只有 40 天" in diagnosis.short_history
    assert diagnosis.window_start == END - dt.timedelta(days=39)
    assert diagnosis.stage is not None and "数据不足 56 天" in diagnosis.stage.reason
    assert diagnosis.stage.gmv_change is None


def test_a_shop_with_90_days_has_no_short_history_note_and_twelve_weeks() -> None:
    diagnosis = diagnose(shop_data(daily(120)))

    assert diagnosis.short_history is None
    assert diagnosis.summary is not None and diagnosis.summary.days_with_data == 90
    assert len(diagnosis.weeks) == 12
    assert diagnosis.weeks[-1].end == END


def test_peer_comparison_reads_ours_against_the_category() -> None:
    # 20 buyers per 1,000 visitors: 2.0% against the category's 3.5%.
    diagnosis = diagnose(shop_data(daily(90, buyers=20), benchmark=TEA))

    conversion = next(p for p in diagnosis.peers if p.key == "conversion")
    assert conversion.verdict == "worse"
    assert peer_text(conversion) == "我们 2.0%，类目 3.5%"
    order_value = next(p for p in diagnosis.peers if p.key == "aov_fen")
    assert order_value.verdict == "par"  # ¥100 against ¥100


def test_the_lowest_hanging_fruit_comes_first() -> None:
    # Conversion 2% vs 3.5% on 28,000 visitors at ¥100 is ¥42,000 at stake; refunds 5% vs 3%
    # of ¥56,000 is ¥1,120.
    frame = daily(90, buyers=20, refunds_fen=10000)
    diagnosis = diagnose(shop_data(frame, benchmark=TEA))

    keys = [p.key for p in diagnosis.problems]
    assert keys[:2] == ["conversion", "refunds"]
    assert diagnosis.problems[0].at_stake_fen == 4_200_000
    assert diagnosis.problems[1].at_stake_fen == 112_000
    assert "我们 2.0%，类目 3.5%" in " ".join(diagnosis.problems[0].evidence)


def _products() -> tuple[list[SkuFact], pl.DataFrame]:
    skus = [
        SkuFact("A", "大红袍", "hero"),
        SkuFact("B", "铁观音", "profit"),
        SkuFact("C", "茶具", "long_tail"),
    ]
    rows = []
    for day in days(56):
        rows.append(("A", day, 10, 100_000, 35))  # 10 a day with 35 left: 3.5 days of cover
        rows.append(("B", day, 2, 30_000, 500))
        rows.append(("C", day, 1, 10_000, 80))
    return skus, pl.DataFrame(rows, schema=SKU_DAILY_SCHEMA, orient="row")


def test_product_matrix_shares_cover_and_the_hero_running_out() -> None:
    skus, sku_daily = _products()

    diagnosis = diagnose(shop_data(daily(90), skus=skus, sku_daily=sku_daily))

    hero = diagnosis.products[0]
    assert (hero.code, hero.share, hero.cover_days) == (
        "A",
        Decimal("100000") / Decimal("140000"),
        Decimal("3.5"),
    )
    shares = {r.role: r for r in diagnosis.roles}
    assert shares["hero"].count_share == Decimal(1) / Decimal(3)
    assert shares["hero"].off_guide  # a third of the products against a fifth
    stock = next(p for p in diagnosis.problems if p.key == "stock-A")
    # ¥1,000 a day for the 10.5 days short of a two-week reorder.
    assert stock.at_stake_fen == 1_050_000


def test_a_product_many_buyers_come_back_for_is_a_strength() -> None:
    skus, sku_daily = _products()
    orders = [(END, f"buyer{i}", "B", True) for i in range(30)] + [
        (END, f"buyer{i}", "B", True) for i in range(6)
    ]
    frame = pl.DataFrame(orders, schema=ORDER_SCHEMA, orient="row")

    diagnosis = diagnose(shop_data(daily(90), skus=skus, sku_daily=sku_daily, orders=frame))

    b = next(p for p in diagnosis.products if p.code == "B")
    assert (b.buyers, b.repurchase_rate) == (30, Decimal("0.2"))
    assert any("铁观音 复购率 20.0%（30 位买家中 6 位" in s for s in diagnosis.strengths)


def test_complaint_themes_count_reviews_and_keep_examples() -> None:
    skus, sku_daily = _products()
    texts = ["发货太慢了，催了好几次。", "物流慢，等了一周。", "被子有霉味，发货也慢。", "很好，会回购。"]
    reviews = pl.DataFrame(
        [(END, "A", i < 3, text) for i, text in enumerate(texts)], schema=REVIEW_SCHEMA, orient="row"
    )

    complaints = diagnose(shop_data(daily(90), skus=skus, sku_daily=sku_daily, reviews=reviews)).complaints

    assert complaints is not None
    assert (complaints.reviews, complaints.bad_reviews, complaints.worst_sku) == (4, 3, "A")
    counts = {t.term: t.count for t in complaints.themes}
    assert counts["发货"] == 2
    assert "霉味" in counts
    assert "了" not in counts and "很好" not in counts  # stop words and good reviews stay out


def test_a_shop_without_numbers_has_no_diagnosis_rather_than_zeros() -> None:
    diagnosis = diagnose(shop_data(daily(0)))

    assert diagnosis.has_data is False
    assert as_content(diagnosis)["has_data"] is False


def test_the_content_is_json_with_money_in_fen_and_rates_as_strings() -> None:
    skus, sku_daily = _products()
    diagnosis = diagnose(shop_data(daily(90, buyers=20), benchmark=TEA, skus=skus, sku_daily=sku_daily))

    content = json.loads(json.dumps(as_content(diagnosis)))

    assert content["kind"] == "diagnosis"
    assert content["summary"]["gmv_fen"] == 90 * 20 * 10000
    assert content["summary"]["conversion"] == "0.02"
    bridge = content["bridge"]
    assert sum(bridge["parts"].values()) == bridge["change_fen"]
    assert content["peers"][0]["text"] == "我们 2.0%，类目 3.5%"


def test_a_campaign_that_spent_three_days_under_roi_2_5_is_named_with_its_days() -> None:
    rows = [(day, "直通车-核心词", 10_000, 40_000) for day in days(28)]  # ROI 4 every day
    rows += [(day, "直通车-预热词", 10_000, 20_000) for day in days(3, end=END - dt.timedelta(days=5))]
    ads = pl.DataFrame(rows, schema=ADS_SCHEMA, orient="row")

    diagnosis = diagnose(shop_data(daily(90), ads=ads))

    problem = next(p for p in diagnosis.problems if p.key == "campaign-直通车-预热词")
    # Three days of ¥100 that should have brought ¥250 each and brought ¥200.
    assert problem.at_stake_fen == 15_000
    assert "有 3 天投入产出比低于 2.5" in problem.title
    assert not any(p.key == "campaign-直通车-核心词" for p in diagnosis.problems)


def test_a_repeat_rate_below_the_peers_is_a_problem_and_never_also_a_strength() -> None:
    # One repeat buyer in ten is 10%; the category has 15%.
    peers = Benchmark(label="类目", repeat_rate=Decimal("0.15"))

    diagnosis = diagnose(shop_data(daily(90), benchmark=peers))

    assert any(p.key == "repeat" for p in diagnosis.problems)
    assert not any("老客" in s or "复购" in s for s in diagnosis.strengths)
