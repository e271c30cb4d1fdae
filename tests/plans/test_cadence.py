"""Rates of resources brought to one unit, so that "每周上新5款" can be set against "每月2款"."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from steward.plans.lint.cadence import WEEKS_PER_MONTH, rate_of, rates_in
from steward.plans.lint.language import fold
from steward.plans.structure import Period, ResourceKind

NEW = ResourceKind.NEW_PRODUCTS
PHOTOS = ResourceKind.PRODUCT_PHOTOS
BUDGET = ResourceKind.BUDGET


def read(sentence: str) -> list[tuple[ResourceKind, float, float, bool]]:
    return [
        (r.kind, r.amount, round(r.per_week, 3), committed)
        for r, committed in rates_in(sentence, fold(sentence))
    ]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("商家每月提供新品2款", [(NEW, 2, round(2 / WEEKS_PER_MONTH, 3), True)]),
        ("每周上新5款", [(NEW, 5, 5, False)]),
        ("每月两款新品由商家提供", [(NEW, 2, round(2 / WEEKS_PER_MONTH, 3), True)]),
        ("5 new products a week", [(NEW, 5, 5, False)]),
        ("The merchant can supply two new products a month", [(NEW, 2, round(2 / WEEKS_PER_MONTH, 3), True)]),
        # "每周一" says which day, not how many: the count is 3.
        ("每周一10:00前提供3款产品的白底图", [(PHOTOS, 3, 3, True)]),
        ("每月推广预算1.2万元", [(BUDGET, 12000, round(12000 / WEEKS_PER_MONTH, 3), True)]),
        ("每天直通车投放500元", [(BUDGET, 500, 3500, False)]),
        ("Spend CNY 600 a day on ads", [(BUDGET, 600, 4200, False)]),
        ("每两周上新1款", [(NEW, 1, 0.5, False)]),
        # no period, no rate: a one-off task is not a pace
        ("第5周上架商家交付的2款新品", []),
        # a rate of something the merchant does not supply
        ("每周测试3组新主图", []),
    ],
)
def test_rates_are_read_on_a_weekly_basis(
    sentence: str, expected: list[tuple[ResourceKind, float, float, bool]]
) -> None:
    assert read(sentence) == expected


def test_a_month_is_4_345_weeks() -> None:
    assert round(WEEKS_PER_MONTH, 3) == 4.345


@given(st.floats(min_value=0.5, max_value=100_000), st.sampled_from(list(Period)))
def test_per_month_undoes_the_conversion(amount: float, per: Period) -> None:
    rate = rate_of(NEW, amount, per, "")
    month = {
        Period.DAY: amount * 7 * WEEKS_PER_MONTH,
        Period.WEEK: amount * WEEKS_PER_MONTH,
        Period.MONTH: amount,
    }[per]
    assert rate.per_month == pytest.approx(month)


def test_a_note_cut_by_a_semicolon_is_not_quoted() -> None:
    [(rate, _)] = rates_in(
        "每周上新5款（负责人：运营专员；复核：运营主管）",
        fold("每周上新5款（负责人：运营专员；复核：运营主管）"),
    )
    assert rate.phrase == "每周上新5款"
