"""Each clause alone, the terms of DOMAIN part 7, their combinations, and the edge values."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from steward.billing.contract import Month
from steward.billing.figures import Figures
from steward.billing.problems import FiguresError, SettlementError
from steward.billing.settlement import (
    DEDUCTION_CAP,
    TERMINATION_RIGHT_FLAG,
    figures_needed,
    project_month_end,
    settle,
)
from tests.billing.samples import BASE_FEE, JUNE, START, amounts, contract_of, figures, money, settled

COMMISSION = {"type": "commission_over_target", "metric": "gmv", "rate": Decimal("0.05")}
PER_STEP = {"type": "shortfall_per_step", "step": Decimal("0.10"), "rate": Decimal("0.10")}
BELOW_80 = {"type": "shortfall_below", "threshold": Decimal("0.80"), "rate": Decimal("0.20")}
BONUS = {"type": "bonus_over_target", "over": Decimal("0.20"), "rate": Decimal("0.10")}
LATE_DUTY = {"type": "late_duty", "rate": Decimal("0.01")}
LATE_PAYMENT = {"type": "late_payment", "rate_per_day": Decimal("0.0005"), "grace_days": 3}
TRIAL = {
    "type": "trial",
    "months": 1,
    "fee_share": Decimal("0.8"),
    "metric": "gmv",
    "target_growth": Decimal("0.20"),
    "refund_share": Decimal("0.5"),
}
TERMINATION = {"type": "termination_right", "months": 2, "threshold": Decimal("1")}


# --- each clause alone -------------------------------------------------------------------------


def test_base_fee_alone_is_the_amount() -> None:
    statement = settled(contract_of(BASE_FEE))
    assert amounts(statement) == {"base_fee": money("8000.00")}
    assert statement.service_fee == statement.total_due == money("8000.00")
    assert statement.lines[0].formula.en == "¥8,000.00"


def test_commission_over_target_is_the_rate_of_the_excess() -> None:
    """DOMAIN: 8,000 + 5% of the excess."""
    statement = settled(contract_of(BASE_FEE, COMMISSION), target=500000, gmv="612400.00")
    assert amounts(statement) == {"base_fee": money("8000.00"), "commission_over_target": money("5620.00")}
    assert statement.lines[1].formula.en == "5% × max(0, ¥612,400.00 − ¥500,000.00)"
    assert statement.total_due == money("13620.00")


def test_commission_below_target_is_zero() -> None:
    statement = settled(contract_of(COMMISSION), target=500000, gmv="499999.99")
    assert amounts(statement) == {"commission_over_target": money("0.00")}


def test_commission_on_net_sales_takes_refunds_off_first() -> None:
    clause = {**COMMISSION, "metric": "net_sales"}
    statement = settled(contract_of(clause), target=500000, gmv="650000.00", refunds="37600.00")
    # 5% × ((650,000 − 37,600) − 500,000) = 5% × 112,400
    assert amounts(statement) == {"commission_over_target": money("5620.00")}
    assert statement.lines[0].formula.en == "5% × max(0, (¥650,000.00 − ¥37,600.00) − ¥500,000.00)"


def test_commission_on_net_sales_when_returns_exceed_sales_is_zero() -> None:
    clause = {**COMMISSION, "metric": "net_sales"}
    statement = settled(contract_of(clause), target=0, gmv="1000.00", refunds="5000.00")
    assert amounts(statement) == {"commission_over_target": money("0.00")}


def test_profit_share_is_the_rate_of_the_reported_profit() -> None:
    """DOMAIN: 5,000 + 15% of profit."""
    contract = contract_of(
        {"type": "base_fee", "amount": 5000}, {"type": "profit_share", "rate": Decimal("0.15")}
    )
    statement = settled(contract, profit="48200.00")
    assert amounts(statement) == {"base_fee": money("5000.00"), "profit_share": money("7230.00")}
    assert statement.lines[1].formula.en == "15% × max(0, ¥48,200.00)"


def test_negative_profit_shares_nothing() -> None:
    statement = settled(contract_of({"type": "profit_share", "rate": Decimal("0.15")}), profit="-3500.00")
    assert amounts(statement) == {"profit_share": money("0.00")}
    assert statement.lines[0].formula.en == "15% × max(0, −¥3,500.00)"


def test_bonus_when_twenty_percent_over_exactly() -> None:
    """DOMAIN: +10% of the fee when 20% over; exactly on the bar counts."""
    statement = settled(contract_of(BASE_FEE, BONUS), target=500000, gmv="600000.00")
    assert amounts(statement)["bonus_over_target"] == money("800.00")


def test_no_bonus_a_fen_below_the_bar() -> None:
    statement = settled(contract_of(BASE_FEE, BONUS), target=500000, gmv="599999.99")
    assert amounts(statement)["bonus_over_target"] == money("0.00")
    assert statement.lines[1].formula.en.startswith("not earned: ¥599,999.99 < ¥500,000.00 × (1 + 20%)")


@pytest.mark.parametrize(
    ("gmv", "deduction"),
    [
        ("500000.00", "0.00"),  # on target
        ("450000.01", "0.00"),  # a fen less than one step short
        ("450000.00", "-800.00"),  # exactly 10% short: one whole step
        ("400000.01", "-800.00"),
        ("400000.00", "-1600.00"),  # exactly 20% short
        ("0.00", "-8000.00"),  # nothing sold: ten steps
    ],
)
def test_shortfall_per_step_counts_whole_steps(gmv: str, deduction: str) -> None:
    """DOMAIN: 10% of the fee per 10% short."""
    statement = settled(contract_of(BASE_FEE, PER_STEP), target=500000, gmv=gmv)
    assert amounts(statement)["shortfall_per_step"] == money(deduction)


def test_shortfall_per_step_formula_shows_the_steps() -> None:
    statement = settled(contract_of(BASE_FEE, PER_STEP), target=550000, gmv="401500.00")
    line = statement.lines[1]
    assert line.amount == money("-1600.00")
    assert line.formula.en == (
        "−10% × ¥8,000.00 × 2 steps; shortfall = max(0, 1 − ¥401,500.00 ÷ ¥550,000.00) = 27%, "
        "steps = floor(27% ÷ 10%) = 2"
    )


def test_shortfall_per_step_prorated() -> None:
    clause = {**PER_STEP, "rounding": "prorated"}
    statement = settled(contract_of(BASE_FEE, clause), target=550000, gmv="401500.00")
    # 10% × 8,000 × (27% ÷ 10%) = 800 × 2.7
    assert amounts(statement)["shortfall_per_step"] == money("-2160.00")


def test_shortfall_prorated_rounds_the_line_once_half_up() -> None:
    clause = {**PER_STEP, "rounding": "prorated"}
    # shortfall = 1/3 exactly: 10% × 8,000 × (1/3 ÷ 10%) = 8,000 / 3 = 2,666.666…
    statement = settled(contract_of(BASE_FEE, clause), target=300000, gmv="200000.00")
    assert amounts(statement)["shortfall_per_step"] == money("-2666.67")
    assert "≈ 33.33%" in statement.lines[1].formula.en


@pytest.mark.parametrize(
    ("gmv", "deduction"),
    [("400000.00", "0.00"), ("399999.99", "-1600.00"), ("0.00", "-1600.00")],
)
def test_shortfall_below_threshold(gmv: str, deduction: str) -> None:
    """DOMAIN: 20% if below 80%; exactly 80% is not below."""
    statement = settled(contract_of(BASE_FEE, BELOW_80), target=500000, gmv=gmv)
    assert amounts(statement)["shortfall_below"] == money(deduction)


def test_late_duty_is_one_percent_of_the_fee_per_day() -> None:
    """DOMAIN: 1% of the monthly fee per day a duty is late."""
    statement = settled(contract_of(BASE_FEE, LATE_DUTY), late_duty_days=3)
    assert amounts(statement)["late_duty"] == money("-240.00")
    assert statement.lines[1].formula.en == "−1% × ¥8,000.00 × 3 days"


def test_late_duty_cap() -> None:
    clause = {**LATE_DUTY, "cap": Decimal("0.30")}
    assert amounts(settled(contract_of(BASE_FEE, clause), late_duty_days=29))["late_duty"] == money(
        "-2320.00"
    )
    statement = settled(contract_of(BASE_FEE, clause), late_duty_days=31)
    assert amounts(statement)["late_duty"] == money("-2400.00")
    assert statement.lines[1].formula.en == "−min(1% × ¥8,000.00 × 31 days, 30% × ¥8,000.00)"


def test_no_late_days_no_deduction() -> None:
    assert amounts(settled(contract_of(BASE_FEE, LATE_DUTY), late_duty_days=0))["late_duty"] == money("0.00")


def test_ad_spend_is_passed_through_at_cost() -> None:
    statement = settled(contract_of(BASE_FEE, {"type": "ad_spend_passthrough"}), ad_spend="86500.37")
    line = statement.lines[1]
    assert (line.clause, line.amount, line.pass_through) == ("ad_spend_passthrough", money("86500.37"), True)
    assert statement.service_fee == money("8000.00")
    assert statement.pass_through == money("86500.37")
    assert statement.total_due == money("94500.37")


def test_late_payment_interest_after_grace() -> None:
    """DOMAIN: late payment interest 0.05% a day, charged on the next statement."""
    statement = settled(contract_of(LATE_PAYMENT), unpaid_previous="9200.00", days_past_due=12)
    # 0.05% × 9,200 × (12 − 3) = 41.40
    assert amounts(statement) == {"late_payment": money("41.40")}
    assert statement.lines[0].formula.en == "0.05% × ¥9,200.00 × max(0, 12 − 3) days"


@pytest.mark.parametrize("days", [0, 2, 3])
def test_no_interest_within_grace(days: int) -> None:
    statement = settled(contract_of(LATE_PAYMENT), unpaid_previous="9200.00", days_past_due=days)
    assert amounts(statement) == {"late_payment": money("0.00")}


def test_interest_rounds_half_up_to_the_fen() -> None:
    clause = {**LATE_PAYMENT, "grace_days": 0}
    # 0.05% × 10.00 × 1 = 0.005 → 0.01 (half up, not to even)
    statement = settled(contract_of(clause), unpaid_previous="10.00", days_past_due=1)
    assert amounts(statement) == {"late_payment": money("0.01")}


# --- trial -------------------------------------------------------------------------------------

BASELINE = [{"month": "2025-04", "actual": "100000.00"}]


def test_trial_month_at_eighty_percent_with_refund_when_missed() -> None:
    """DOMAIN: a trial month at 80% of the fee with a refund if the trial target is missed."""
    contract = contract_of(BASE_FEE, TRIAL)
    statement = settled(contract, START, gmv="112000.00", history=BASELINE)
    assert amounts(statement) == {"base_fee": money("6400.00"), "trial": money("-3200.00")}
    assert statement.lines[0].formula.en == "¥8,000.00 × 80% (trial month 1 of 1)"
    assert statement.lines[1].formula.en.startswith("−50% × (¥6,400.00 × 1 trial month); trial target missed")
    assert statement.service_fee == money("3200.00")


def test_trial_target_met_exactly_means_no_refund() -> None:
    statement = settled(contract_of(BASE_FEE, TRIAL), START, gmv="120000.00", history=BASELINE)
    assert amounts(statement) == {"base_fee": money("6400.00"), "trial": money("0.00")}


def test_after_the_trial_the_full_fee_and_no_trial_line() -> None:
    statement = settled(contract_of(BASE_FEE, TRIAL), JUNE)
    assert amounts(statement) == {"base_fee": money("8000.00")}


def test_two_month_trial_decides_on_the_last_trial_month() -> None:
    contract = contract_of(BASE_FEE, {**TRIAL, "months": 2})
    first = settled(contract, START)  # no figures needed yet: the refund is decided in June
    assert amounts(first) == {"base_fee": money("6400.00")}
    second = settled(contract, JUNE, gmv="110000.00", history=BASELINE)
    # refund 50% of both trial months' fees: 50% × (6,400 × 2)
    assert amounts(second) == {"base_fee": money("6400.00"), "trial": money("-6400.00")}


def test_trial_shares_of_the_fee_use_the_reduced_fee() -> None:
    contract = contract_of(BASE_FEE, TRIAL, LATE_DUTY)
    statement = settled(contract, START, gmv="130000.00", history=BASELINE, late_duty_days=2)
    assert amounts(statement)["late_duty"] == money("-128.00")  # 1% × 6,400 × 2


def test_trial_needs_the_month_before_the_start() -> None:
    with pytest.raises(FiguresError) as raised:
        settled(contract_of(BASE_FEE, TRIAL), START, gmv="112000.00", history=[])
    assert "no entry for 2025-04" in str(raised.value)
    assert "clause 2 (trial)" in str(raised.value)


def test_trial_history_measured_in_another_metric_is_refused() -> None:
    history = [{"month": "2025-04", "actual": "100000.00", "metric": "net_sales"}]
    with pytest.raises(FiguresError, match="records `actual` as net_sales"):
        settled(contract_of(BASE_FEE, TRIAL), START, gmv="112000.00", history=history)


# --- termination right -------------------------------------------------------------------------


def _history(*rows: tuple[str, int, str]) -> list[dict[str, str]]:
    return [{"month": month, "target": str(target), "actual": actual} for month, target, actual in rows]


def test_termination_right_after_two_consecutive_months_below_target() -> None:
    """DOMAIN: the right to terminate after two consecutive months below target."""
    history = _history(("2025-05", 450000, "430000.00"))
    statement = settled(contract_of(TERMINATION), target=500000, gmv="499999.99", history=history)
    assert [flag.code for flag in statement.flags] == [TERMINATION_RIGHT_FLAG]
    assert statement.lines == ()
    assert "2025-05 (¥430,000.00 of ¥450,000.00), 2025-06" in statement.flags[0].reason.en


def test_no_termination_right_when_the_streak_is_broken() -> None:
    history = _history(("2025-05", 450000, "450000.00"))  # exactly on target is not below
    statement = settled(contract_of(TERMINATION), target=500000, gmv="1.00", history=history)
    assert statement.flags == ()


def test_no_termination_right_in_the_first_month() -> None:
    # Months before the service started are not the agency's to answer for.
    statement = settled(contract_of(TERMINATION), START, target=500000, gmv="1.00", history=[])
    assert statement.flags == ()


def test_termination_right_needs_the_earlier_month_when_it_could_count() -> None:
    with pytest.raises(FiguresError) as raised:
        settled(contract_of(TERMINATION), target=500000, gmv="1.00", history=[])
    assert "no entry for 2025-05" in str(raised.value)


def test_termination_right_needs_no_earlier_month_when_this_month_is_fine() -> None:
    statement = settled(contract_of(TERMINATION), target=500000, gmv="500000.00", history=[])
    assert statement.flags == ()


def test_three_month_termination_right() -> None:
    clause = {**TERMINATION, "months": 3, "threshold": Decimal("0.9")}
    history = _history(("2025-05", 100, "89.99"), ("2025-06", 100, "89.99"))
    statement = settled(contract_of(clause), Month(2025, 7), target=100, gmv="89.99", history=history)
    assert [flag.code for flag in statement.flags] == [TERMINATION_RIGHT_FLAG]
    statement = settled(contract_of(clause), Month(2025, 7), target=100, gmv="90.00", history=history)
    assert statement.flags == ()


# --- zero target, missing and contradictory figures -------------------------------------------


def test_zero_target_leaves_no_achievement_to_measure() -> None:
    contract = contract_of(BASE_FEE, COMMISSION, BONUS, PER_STEP, BELOW_80, TERMINATION)
    history = _history(("2025-05", 0, "0.00"))
    statement = settled(contract, target=0, gmv="10000.00", history=history)
    assert amounts(statement) == {
        "base_fee": money("8000.00"),
        "commission_over_target": money("500.00"),  # 5% of everything above a target of zero
        "bonus_over_target": money("0.00"),
        "shortfall_per_step": money("0.00"),
        "shortfall_below": money("0.00"),
    }
    assert statement.flags == ()
    assert "there is no achievement to measure" in statement.lines[2].formula.en


def test_zero_target_with_zero_sales_deducts_nothing() -> None:
    statement = settled(contract_of(BASE_FEE, PER_STEP, BELOW_80), target=0, gmv="0.00")
    assert statement.total_due == money("8000.00")


def test_missing_figures_are_named_with_the_clauses_that_need_them() -> None:
    contract = contract_of(BASE_FEE, COMMISSION, {"type": "profit_share", "rate": Decimal("0.1")}, LATE_DUTY)
    with pytest.raises(FiguresError) as raised:
        settled(contract)  # no data for the month at all
    fields = {problem.field for problem in raised.value.problems}
    assert fields == {"target", "gmv", "profit", "late_duty_days"}
    assert "gmv`: is missing; needed by clause 2 (commission_over_target)" in str(raised.value)


def test_figures_the_contract_does_not_need_may_be_left_out() -> None:
    statement = settled(
        contract_of(BASE_FEE, {"type": "profit_share", "rate": Decimal("0.1")}), profit="100.00"
    )
    assert statement.total_due == money("8010.00")


def test_net_sales_needs_refunds() -> None:
    with pytest.raises(FiguresError, match="refunds"):
        settled(contract_of({**COMMISSION, "metric": "net_sales"}), target=1, gmv="2.00")


def test_a_target_stated_in_the_contract_is_used() -> None:
    contract = contract_of(BASE_FEE, COMMISSION, monthly_target={"2025-06": 500000})
    statement = settled(contract, gmv="612400.00")
    assert amounts(statement)["commission_over_target"] == money("5620.00")


def test_figures_may_not_contradict_the_contract_target() -> None:
    contract = contract_of(BASE_FEE, COMMISSION, monthly_target={"2025-06": 500000})
    with pytest.raises(FiguresError, match=re.escape("the contract states ¥500,000.00 for 2025-06")):
        settled(contract, target=400000, gmv="612400.00")


def test_a_month_without_a_contract_target_cannot_be_settled() -> None:
    contract = contract_of(BASE_FEE, COMMISSION, monthly_target={"2025-05": 500000})
    with pytest.raises(SettlementError, match="no target for 2025-06"):
        settled(contract, gmv="612400.00")


def test_a_month_outside_the_service_period_is_refused() -> None:
    with pytest.raises(SettlementError, match="outside the service period"):
        settled(contract_of(BASE_FEE), Month(2026, 5))


def test_figures_for_another_month_are_refused() -> None:
    with pytest.raises(FiguresError, match="the figures are for 2025-07"):
        settle(contract_of(BASE_FEE), JUNE, figures(month="2025-07"))


def test_history_holds_only_earlier_months() -> None:
    history = _history(("2025-06", 1, "1.00"))
    with pytest.raises(FiguresError, match="history holds only months before 2025-06"):
        settled(contract_of(TERMINATION), target=1, gmv="0.00", history=history)


def test_figures_needed_depends_on_the_month() -> None:
    contract = contract_of(BASE_FEE, TRIAL)
    assert figures_needed(contract, START) == {
        "gmv": ["clause 2 (trial)"],
        "history": ["clause 2 (trial)"],
    }
    assert figures_needed(contract, JUNE) == {}


# --- combinations and the deduction cap --------------------------------------------------------

ALL_OF_IT = (
    BASE_FEE,
    COMMISSION,
    BONUS,
    PER_STEP,
    {**LATE_DUTY, "cap": Decimal("0.30")},
    {"type": "ad_spend_passthrough"},
    LATE_PAYMENT,
    TERMINATION,
)


def test_a_good_month_under_every_clause() -> None:
    statement = settled(
        contract_of(*ALL_OF_IT),
        target=500000,
        gmv="612400.00",
        late_duty_days=2,
        ad_spend="86500.00",
        unpaid_previous="9200.00",
        days_past_due=12,
        history=_history(("2025-05", 450000, "468900.00")),
    )
    assert [(line.clause, line.amount) for line in statement.lines] == [
        ("base_fee", money("8000.00")),
        ("commission_over_target", money("5620.00")),
        ("bonus_over_target", money("800.00")),
        ("shortfall_per_step", money("0.00")),
        ("late_duty", money("-160.00")),
        ("late_payment", money("41.40")),
        ("ad_spend_passthrough", money("86500.00")),
    ]
    assert (statement.service_fee, statement.pass_through, statement.total_due) == (
        money("14301.40"),
        money("86500.00"),
        money("100801.40"),
    )
    assert statement.flags == ()


def test_both_shortfall_clauses_apply_and_the_cap_gives_back_the_excess() -> None:
    contract = contract_of(
        {"type": "base_fee", "amount": 6000},
        PER_STEP,
        BELOW_80,
        {**LATE_DUTY, "cap": Decimal("0.10")},
        {"type": "ad_spend_passthrough"},
    )
    statement = settled(contract, target=200000, gmv="20000.00", late_duty_days=12, ad_spend="15000.00")
    assert [(line.clause, line.amount) for line in statement.lines] == [
        ("base_fee", money("6000.00")),
        ("shortfall_per_step", money("-5400.00")),
        ("shortfall_below", money("-1200.00")),
        ("late_duty", money("-600.00")),
        (DEDUCTION_CAP, money("1200.00")),
        ("ad_spend_passthrough", money("15000.00")),
    ]
    assert statement.service_fee == money("0.00")
    assert statement.total_due == money("15000.00")  # the pass-through is untouched
    cap = statement.lines[4]
    assert cap.formula.en == (
        "deductions ¥5,400.00 + ¥1,200.00 + ¥600.00 = ¥7,200.00 exceed the base fee ¥6,000.00: "
        "¥7,200.00 − ¥6,000.00 = ¥1,200.00 given back"
    )
    assert cap.figures == ("target", "gmv", "late_duty_days")


def test_deductions_exactly_the_base_fee_need_no_cap() -> None:
    statement = settled(contract_of(BASE_FEE, PER_STEP), target=500000, gmv="0.00")
    assert [line.clause for line in statement.lines] == ["base_fee", "shortfall_per_step"]
    assert statement.total_due == money("0.00")


def test_refunds_and_interest_are_not_capped_deductions() -> None:
    contract = contract_of(BASE_FEE, TRIAL, BELOW_80, LATE_DUTY)
    statement = settled(contract, START, target=500000, gmv="0.00", history=BASELINE, late_duty_days=100)
    lines = {line.clause: line.amount for line in statement.lines}
    # base 6,400; below-80% −1,280; late −6,400; cap gives back 1,280; the refund stands on its own
    assert lines == {
        "base_fee": money("6400.00"),
        "trial": money("-3200.00"),
        "shortfall_below": money("-1280.00"),
        "late_duty": money("-6400.00"),
        DEDUCTION_CAP: money("1280.00"),
    }
    assert statement.service_fee == money("-3200.00")


def test_each_line_is_rounded_half_up_and_totals_add_the_rounded_lines() -> None:
    contract = contract_of(
        {"type": "base_fee", "amount": "1000.01"},
        {"type": "shortfall_below", "threshold": "0.8", "rate": "0.5"},
        {"type": "commission_over_target", "metric": "gmv", "rate": "0.05"},
    )
    statement = settled(contract, target="100.10", gmv="0.00")
    # −50% × 1,000.01 = −500.005 → −500.01 (half away from zero, not to even)
    assert amounts(statement)["shortfall_below"] == money("-500.01")
    statement = settled(contract, target="0.00", gmv="100.10")
    # 5% × 100.10 = 5.005 → 5.01
    assert amounts(statement)["commission_over_target"] == money("5.01")
    assert statement.total_due == money("1005.02")


def test_json_shape() -> None:
    statement = settled(contract_of(BASE_FEE, COMMISSION), target=500000, gmv="612400.00")
    assert statement.as_json("en") == {
        "lines": [
            {"clause": "base_fee", "description": "Base fee", "formula": "¥8,000.00", "amount": "8000.00"},
            {
                "clause": "commission_over_target",
                "description": "Commission over target",
                "formula": "5% × max(0, ¥612,400.00 − ¥500,000.00)",
                "amount": "5620.00",
            },
        ],
        "service_fee": "13620.00",
        "pass_through": "0.00",
        "total_due": "13620.00",
        "flags": [],
    }
    zh_lines = statement.as_json("zh")["lines"]
    assert isinstance(zh_lines, list)
    assert zh_lines[1]["description"] == "超额提成"


def test_text_shows_every_line_and_the_totals() -> None:
    statement = settled(contract_of(BASE_FEE, COMMISSION), target=500000, gmv="612400.00")
    text = statement.render_text("zh")
    assert "超额提成 [commission_over_target]" in text
    assert "应付总额:¥13,620.00" in text
    assert "Total due: ¥13,620.00" in statement.render_text("en")


# --- forecast ----------------------------------------------------------------------------------


def test_forecast_scales_the_month_to_date_to_the_whole_month() -> None:
    to_date = Figures(
        gmv=money("100000.00"), refunds=money("3000.00"), ad_spend=money("1000.01"), late_duty_days=2
    )
    projected = project_month_end(to_date, JUNE, dt.date(2025, 6, 9))
    # 30 days ÷ 9 elapsed
    assert projected.gmv == money("333333.33")
    assert projected.refunds == money("10000.00")
    assert projected.ad_spend == money("3333.37")
    assert projected.late_duty_days == 2
    statement = settle(
        contract_of(BASE_FEE, COMMISSION), JUNE, Figures(target=money("300000"), gmv=projected.gmv)
    )
    assert amounts(statement)["commission_over_target"] == money("1666.67")


def test_forecast_day_must_be_in_the_month() -> None:
    with pytest.raises(ValueError, match="not in 2025-06"):
        project_month_end(Figures(), JUNE, dt.date(2025, 7, 1))
