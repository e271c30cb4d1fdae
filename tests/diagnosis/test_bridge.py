"""The GMV bridge: its three parts always add up to the change, to the fen."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from steward.diagnosis.bridge import Totals, gmv_bridge, shapley_parts


@st.composite
def periods(draw: st.DrawFn) -> Totals:
    visitors = draw(st.integers(0, 2_000_000))
    buyers = draw(st.integers(0, visitors))
    # Order value anywhere from a few fen to a few thousand yuan; none when nobody paid.
    gmv = draw(st.integers(1, 500_000)) * buyers if buyers else 0
    return Totals(visitors, buyers, gmv)


@given(periods(), periods())
def test_the_three_parts_add_up_to_the_change_exactly(before: Totals, after: Totals) -> None:
    bridge = gmv_bridge(before, after)

    assert bridge.change_fen == after.gmv_fen - before.gmv_fen
    assert bridge.visitors_fen + bridge.conversion_fen + bridge.order_value_fen == bridge.change_fen


@given(periods(), periods())
def test_each_published_part_is_within_a_fen_of_the_exact_shapley_value(
    before: Totals, after: Totals
) -> None:
    bridge = gmv_bridge(before, after)
    exact = shapley_parts(before, after)

    assert sum(exact) == after.gmv_fen - before.gmv_fen  # Shapley is exact for a product
    for published, value in zip(
        (bridge.visitors_fen, bridge.conversion_fen, bridge.order_value_fen), exact, strict=True
    ):
        assert abs(Fraction(published) - value) < 1


@given(st.integers(1, 100_000), st.integers(1, 100_000), st.integers(1, 50), st.integers(1, 100_000))
def test_when_only_visitors_change_the_whole_change_is_a_visitors_effect(
    v0: int, v1: int, per_hundred: int, order_value: int
) -> None:
    # Same conversion (buyers per hundred visitors) and the same order value in both periods.
    before = Totals(v0 * 100, v0 * per_hundred, v0 * per_hundred * order_value)
    after = Totals(v1 * 100, v1 * per_hundred, v1 * per_hundred * order_value)

    bridge = gmv_bridge(before, after)

    assert bridge.visitors_fen == bridge.change_fen
    assert bridge.conversion_fen == bridge.order_value_fen == 0


def test_a_shop_that_lost_a_third_of_its_visitors_and_some_conversion() -> None:
    # 30,000 visitors at 3% and ¥200 a buyer, then 20,000 at 2.5% and ¥200.
    before = Totals(30_000, 900, 900 * 20_000)
    after = Totals(20_000, 500, 500 * 20_000)

    bridge = gmv_bridge(before, after)

    assert bridge.change_fen == -8_000_000
    assert bridge.order_value_fen == 0
    # Shapley with two moving factors: each gets its own effect plus half the interaction.
    assert bridge.visitors_fen == -5_500_000
    assert bridge.conversion_fen == -2_500_000


def test_a_period_without_visitors_puts_the_change_on_visitors() -> None:
    bridge = gmv_bridge(Totals(0, 0, 0), Totals(1_000, 20, 200_000))

    assert bridge.parts == {"visitors": 200_000, "conversion": 0, "order_value": 0}
