"""Properties that hold for any contract and any month's figures.

- deductions (shortfall, late duties, after the cap) never take more than the base fee;
- the totals are the sums of the lines, and the service fee plus the pass-through is the total;
- every amount has exactly two decimals;
- more sales never lower the agency's fee, everything else being equal;
- the pass-through is the ad spend, to the fen, whatever the deductions.
"""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from steward.billing.contract import Contract, Month, TerminationRight, Trial, load_contract
from steward.billing.figures import FIGURE_KEYS, Figures, HistoryMonth, read_figures
from steward.billing.problems import FiguresError
from steward.billing.settlement import DEDUCTION_CAP, Statement, settle
from tests.billing.samples import START, contract_data

TWO_DECIMALS = re.compile(r"^-?\d+\.\d\d$")


def _money(low: int = 0, high: int = 10**9) -> st.SearchStrategy[Decimal]:
    return st.integers(low, high).map(lambda fen: Decimal(fen).scaleb(-2))


def _fraction(low: int = 0, high: int = 10_000) -> st.SearchStrategy[Decimal]:
    return st.integers(low, high).map(lambda n: Decimal(n).scaleb(-4))


METRIC = st.sampled_from(["gmv", "net_sales"])


@st.composite
def contracts(draw: st.DrawFn) -> Contract:
    clauses: list[dict[str, Any]] = [{"type": "base_fee", "amount": draw(_money(0, 10**7))}]
    optional: list[dict[str, Any]] = [
        {"type": "commission_over_target", "metric": draw(METRIC), "rate": draw(_fraction())},
        {"type": "profit_share", "rate": draw(_fraction())},
        {
            "type": "bonus_over_target",
            "over": draw(_fraction(0, 20_000)),
            "rate": draw(_fraction()),
            "metric": draw(METRIC),
        },
        {
            "type": "shortfall_per_step",
            "step": draw(_fraction(1)),
            "rate": draw(_fraction()),
            "rounding": draw(st.sampled_from(["whole_steps", "prorated"])),
            "metric": draw(METRIC),
        },
        {
            "type": "shortfall_below",
            "threshold": draw(_fraction(1)),
            "rate": draw(_fraction()),
            "metric": draw(METRIC),
        },
        {
            "type": "late_duty",
            "rate": draw(_fraction()),
            **({"cap": draw(_fraction())} if draw(st.booleans()) else {}),
        },
        {"type": "ad_spend_passthrough"},
        {
            "type": "late_payment",
            "rate_per_day": draw(_fraction(0, 100)),
            "grace_days": draw(st.integers(0, 10)),
        },
        {
            "type": "trial",
            "months": draw(st.integers(1, 3)),
            "fee_share": draw(_fraction()),
            "metric": draw(METRIC),
            "target_growth": draw(_fraction(0, 20_000)),
            "refund_share": draw(_fraction()),
        },
        {
            "type": "termination_right",
            "months": draw(st.integers(1, 3)),
            "threshold": draw(_fraction(1)),
            "metric": draw(METRIC),
        },
    ]
    # Trial and termination read the same history, so they measure one metric in this contract.
    history_metric = draw(METRIC)
    optional[-2]["metric"] = optional[-1]["metric"] = history_metric
    chosen = draw(st.lists(st.sampled_from(range(len(optional))), unique=True))
    clauses += [optional[i] for i in sorted(chosen)]
    # A second shortfall clause of the other kind, sometimes: both may apply at once.
    if draw(st.booleans()):
        clauses.append(
            {"type": "shortfall_below", "threshold": draw(_fraction(1)), "rate": draw(_fraction())}
        )
    return load_contract(contract_data(*clauses))


@st.composite
def months_and_figures(draw: st.DrawFn) -> tuple[Month, Figures]:
    month = START.shifted(draw(st.integers(0, 4)))
    metric = draw(METRIC)
    history = tuple(
        HistoryMonth(START.shifted(n), draw(_money(-(10**6), 10**8)), draw(_money(0, 10**8)), metric)
        for n in range(-1, month.months_after(START))
    )
    figures = Figures(
        target=draw(st.one_of(st.just(Decimal("0.00")), _money(0, 10**8))),
        gmv=draw(_money(0, 10**8)),
        refunds=draw(_money(0, 10**7)),
        profit=draw(_money(-(10**7), 10**7)),
        ad_spend=draw(_money(0, 10**7)),
        late_duty_days=draw(st.integers(0, 200)),
        unpaid_previous=draw(_money(0, 10**7)),
        days_past_due=draw(st.integers(0, 400)),
        history=history,
    )
    return month, figures


def _settle(contract: Contract, month: Month, figures: Figures) -> Statement:
    """Settle with the history recorded in the metric the trial and termination clauses read."""
    metric = next((c.metric for c in contract.clauses if isinstance(c, Trial | TerminationRight)), "gmv")
    return settle(
        contract,
        month,
        replace(figures, history=tuple(replace(h, metric=metric) for h in figures.history or ())),
    )


def _base_fee(statement: Statement) -> Decimal:
    return next((line.amount for line in statement.lines if line.clause == "base_fee"), Decimal(0))


@settings(max_examples=250, deadline=None)
@given(contract=contracts(), month_figures=months_and_figures())
def test_deductions_never_exceed_the_base_fee(
    contract: Contract, month_figures: tuple[Month, Figures]
) -> None:
    statement = _settle(contract, *month_figures)
    capped = {"shortfall_per_step", "shortfall_below", "late_duty", DEDUCTION_CAP}
    net_deductions = sum((line.amount for line in statement.lines if line.clause in capped), Decimal(0))
    assert -net_deductions <= _base_fee(statement)
    for line in statement.lines:
        if line.clause == DEDUCTION_CAP:
            assert line.amount > 0


@settings(max_examples=250, deadline=None)
@given(contract=contracts(), month_figures=months_and_figures())
def test_totals_are_sums_of_the_lines_with_two_decimals(
    contract: Contract, month_figures: tuple[Month, Figures]
) -> None:
    statement = _settle(contract, *month_figures)
    assert statement.total_due == sum((line.amount for line in statement.lines), Decimal(0))
    assert statement.service_fee + statement.pass_through == statement.total_due
    document = statement.as_json("en")
    for key in ("service_fee", "pass_through", "total_due"):
        assert TWO_DECIMALS.match(str(document[key]))
    for line in statement.lines:
        assert line.amount.as_tuple().exponent == -2
        assert TWO_DECIMALS.match(str(line.amount)), line
    lines = document["lines"]
    assert isinstance(lines, list)
    assert all(TWO_DECIMALS.match(line["amount"]) for line in lines)
    assert sum((Decimal(line["amount"]) for line in lines), Decimal(0)) == Decimal(str(document["total_due"]))


@settings(max_examples=200, deadline=None)
@given(
    contract=contracts(),
    month_figures=months_and_figures(),
    more=_money(0, 10**8),
)
def test_more_sales_never_lower_the_agencys_fee(
    contract: Contract, month_figures: tuple[Month, Figures], more: Decimal
) -> None:
    month, figures = month_figures
    assert figures.gmv is not None
    fewer = _settle(contract, month, figures)
    higher = _settle(contract, month, replace(figures, gmv=figures.gmv + more))
    assert higher.service_fee >= fewer.service_fee


@settings(max_examples=100, deadline=None)
@given(contract=contracts(), month_figures=months_and_figures())
def test_the_pass_through_is_the_ad_spend(contract: Contract, month_figures: tuple[Month, Figures]) -> None:
    month, figures = month_figures
    statement = _settle(contract, month, figures)
    passes_through = any(c.type == "ad_spend_passthrough" for c in contract.clauses)
    assert statement.pass_through == (figures.ad_spend if passes_through else Decimal("0.00"))


FIGURE_VALUE = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**15), 10**15)
    | st.text(max_size=10)
    | st.decimals(allow_nan=True, allow_infinity=True)
    | st.floats(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)


@settings(max_examples=300, deadline=None)
@given(values=st.dictionaries(st.sampled_from([*FIGURE_KEYS, "other"]), FIGURE_VALUE, max_size=4))
def test_any_figures_are_read_or_refused_with_named_fields(values: dict[str, object]) -> None:
    try:
        read_figures(values)
    except FiguresError as error:
        assert error.problems
        assert all(problem.field for problem in error.problems)
