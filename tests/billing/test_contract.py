"""Loading and checking contracts: every mistake is named by clause and field."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from steward.billing.contract import (
    CLAUSE_TYPES,
    BaseFee,
    Bilingual,
    CommissionOverTarget,
    LateDuty,
    Month,
    ShortfallPerStep,
    check_contract,
    load_contract,
    render_contract,
)
from steward.billing.problems import ContractError
from tests.billing.samples import EXAMPLES, contract_data

VALID_CLAUSES: dict[str, dict[str, Any]] = {
    "base_fee": {"amount": 8000},
    "commission_over_target": {"metric": "gmv", "rate": Decimal("0.05")},
    "profit_share": {"rate": Decimal("0.15")},
    "bonus_over_target": {"over": Decimal("0.2"), "rate": Decimal("0.1")},
    "shortfall_per_step": {"step": Decimal("0.1"), "rate": Decimal("0.1"), "rounding": "prorated"},
    "shortfall_below": {"threshold": Decimal("0.8"), "rate": Decimal("0.2")},
    "late_duty": {"rate": Decimal("0.01"), "cap": Decimal("0.3")},
    "ad_spend_passthrough": {},
    "late_payment": {"rate_per_day": Decimal("0.0005"), "grace_days": 3},
    "trial": {
        "months": 1,
        "fee_share": Decimal("0.8"),
        "metric": "gmv",
        "target_growth": Decimal("0.2"),
        "refund_share": Decimal("0.5"),
    },
    "termination_right": {"months": 2, "threshold": Decimal("1")},
}


def _errors(*clauses: dict[str, Any], **overrides: Any) -> list[str]:
    return [str(problem) for problem in check_contract(contract_data(*clauses, **overrides)).errors]


def test_the_table_of_clause_types_is_complete() -> None:
    assert set(CLAUSE_TYPES) == set(VALID_CLAUSES)


def test_every_clause_type_loads() -> None:
    clauses = [{"type": "base_fee", "amount": 8000}] + [
        {"type": kind, **params} for kind, params in VALID_CLAUSES.items() if kind != "base_fee"
    ]
    contract = load_contract(contract_data(*clauses))
    assert [clause.type for clause in contract.clauses] == list(VALID_CLAUSES)


@pytest.mark.parametrize(
    "name", ["contract-commission.yaml", "contract-profit-share.yaml", "contract-two-shortfalls.yaml"]
)
def test_the_example_contracts_are_valid(name: str) -> None:
    check = check_contract((EXAMPLES / name).read_text(encoding="utf-8"))
    assert check.errors == ()
    assert check.contract is not None


def test_numbers_from_yaml_are_exact_decimals() -> None:
    contract = load_contract((EXAMPLES / "contract-commission.yaml").read_text(encoding="utf-8"))
    assert contract.clauses[0] == BaseFee(Decimal("8000.00"))
    commission = contract.clauses[1]
    assert isinstance(commission, CommissionOverTarget)
    assert commission.rate == Decimal("0.05") and isinstance(commission.rate, Decimal)
    assert contract.monthly_target.by_month[Month(2025, 6)] == Decimal("500000.00")
    assert contract.data_source.taken_at == Bilingual(
        "每月最后一天 18:00", "at 18:00 on the last day of the month"
    )


def test_defaults_for_optional_parameters() -> None:
    contract = load_contract(
        contract_data(
            {"type": "base_fee", "amount": 1},
            {"type": "shortfall_per_step", "step": "0.1", "rate": "0.1"},
            {"type": "late_duty", "rate": "0.01"},
        )
    )
    assert contract.clauses[1] == ShortfallPerStep(Decimal("0.1"), Decimal("0.1"), "whole_steps", "gmv")
    assert contract.clauses[2] == LateDuty(Decimal("0.01"), None)


def test_unknown_parameter_is_named_with_its_clause() -> None:
    errors = _errors({"type": "base_fee", "amount": 8000, "amout": 9000})
    assert errors == [
        "clause 1 (base_fee), field `amout`: unknown parameter (parameters of base_fee: amount)"
    ]


def test_unknown_clause_type() -> None:
    errors = _errors({"type": "base_fee", "amount": 8000}, {"type": "penalty", "rate": 1})
    assert len(errors) == 1
    assert errors[0].startswith(
        "clause 2, field `type`: unknown clause type 'penalty'; known types: base_fee"
    )


def test_missing_required_parameter() -> None:
    errors = _errors({"type": "commission_over_target", "rate": "0.05"})
    assert errors == ["clause 1 (commission_over_target), field `metric`: is missing (a required parameter)"]


@pytest.mark.parametrize(
    ("clause", "field", "message"),
    [
        ({"type": "commission_over_target", "metric": "gmv", "rate": "1.5"}, "rate", "must be in [0, 1]"),
        ({"type": "profit_share", "rate": "-0.1"}, "rate", "must be in [0, 1]"),
        (
            {"type": "commission_over_target", "metric": "sales", "rate": "0.1"},
            "metric",
            "must be one of gmv, net_sales",
        ),
        ({"type": "shortfall_per_step", "step": 0, "rate": "0.1"}, "step", "must be in (0, 1]"),
        (
            {"type": "shortfall_per_step", "step": "0.1", "rate": "0.1", "rounding": "up"},
            "rounding",
            "whole_steps",
        ),
        ({"type": "shortfall_below", "threshold": "1.2", "rate": "0.2"}, "threshold", "must be in (0, 1]"),
        ({"type": "late_duty", "rate": "0.01", "cap": "2"}, "cap", "must be in [0, 1]"),
        (
            {"type": "late_payment", "rate_per_day": "0.0005", "grace_days": "1.5"},
            "grace_days",
            "whole number",
        ),
        (
            {"type": "late_payment", "rate_per_day": "0.0005", "grace_days": -1},
            "grace_days",
            "between 0 and 366",
        ),
        ({"type": "termination_right", "months": 0, "threshold": "1"}, "months", "between 1 and 120"),
        ({"type": "base_fee", "amount": "8000.005"}, "amount", "more than two decimals"),
        ({"type": "base_fee", "amount": "-1"}, "amount", "must not be negative"),
        ({"type": "base_fee", "amount": "8,000"}, "amount", "must be a number"),
        ({"type": "base_fee", "amount": True}, "amount", "must be a number"),
        ({"type": "base_fee", "amount": [1]}, "amount", "must be a number, got a list"),
        ({"type": "bonus_over_target", "over": "-0.1", "rate": "0.1"}, "over", "must be in [0, ∞)"),
        ({"type": "profit_share", "rate": "0.123456789"}, "rate", "more than 8 decimals"),
    ],
)
def test_wrong_values_are_named_by_clause_and_field(clause: dict[str, Any], field: str, message: str) -> None:
    errors = (
        _errors({"type": "base_fee", "amount": 8000}, clause)
        if clause["type"] != "base_fee"
        else _errors(clause)
    )
    index = 2 if clause["type"] != "base_fee" else 1
    assert len(errors) == 1, errors
    assert errors[0].startswith(f"clause {index} ({clause['type']}), field `{field}`: ")
    assert message in errors[0]


def test_a_float_reaching_the_loader_from_python_is_refused() -> None:
    errors = _errors({"type": "base_fee", "amount": 8000.5})
    assert errors == [
        "clause 1 (base_fee), field `amount`: must be written as an exact decimal, not a binary float (8000.5)"
    ]


def test_every_problem_is_reported_at_once() -> None:
    errors = _errors(
        {"type": "base_fee"},
        {"type": "profit_share", "rate": 2},
        currency="USD",
        settlement_day=31,
    )
    assert [e.split(":")[0] for e in errors] == [
        "field `currency`",
        "field `settlement_day`",
        "clause 1 (base_fee), field `amount`",
        "clause 2 (profit_share), field `rate`",
    ]


def test_top_level_fields() -> None:
    data = contract_data({"type": "base_fee", "amount": 1})
    del data["data_source"]
    data["extra"] = 1
    data["service_period"] = {"start": "2025-05-01", "end": "2025-04-30"}
    data["monthly_target"] = {"2025-05": 1, "May": 2}
    errors = [str(p) for p in check_contract(data).errors]
    assert errors == [
        "field `extra`: unknown field; a contract has title, parties, currency, service_period, settlement_day, "
        "data_source, exclusions, monthly_target, clauses",
        "field `data_source`: is missing",
        "field `service_period.end`: 2025-04-30 is before the start 2025-05-01",
        "field `monthly_target.May`: a month is written YYYY-MM (e.g. 2025-06), got 'May' (quote the key if YAML "
        "read it as a date)",
    ]


def test_clauses_must_be_a_non_empty_list_of_mappings() -> None:
    assert _errors() == ["field `clauses`: must be a non-empty list of clauses, each with a `type`"]
    assert _errors("base_fee") == ["clause 1: each clause must be a mapping with a `type` and its parameters"]


def test_at_most_one_base_fee_and_base_fee_needed_for_shares_of_it() -> None:
    errors = _errors({"type": "base_fee", "amount": 1}, {"type": "base_fee", "amount": 2})
    assert errors == [
        "clause 2 (base_fee), field `type`: a contract has at most one base_fee clause (the first is clause 1)"
    ]
    errors = _errors({"type": "late_duty", "rate": "0.01"})
    assert errors == [
        "clause 1 (late_duty), field `type`: is a share of the base fee, but the contract has no base_fee clause"
    ]


def test_two_shortfall_clauses_that_can_both_apply_are_warned_about() -> None:
    check = check_contract((EXAMPLES / "contract-two-shortfalls.yaml").read_text(encoding="utf-8"))
    assert check.ok
    assert [str(w) for w in check.warnings] == [
        "clause 3 (shortfall_below), field `type`: clauses 2 (shortfall_per_step) and 3 (shortfall_below) both "
        "apply when achievement is below 80% of the target: both deductions are taken and both lines appear on "
        "the statement"
    ]


def test_overlap_bound_for_two_whole_step_clauses() -> None:
    check = check_contract(
        contract_data(
            {"type": "base_fee", "amount": 1},
            {"type": "shortfall_per_step", "step": "0.1", "rate": "0.1"},
            {"type": "shortfall_per_step", "step": "0.25", "rate": "0.1"},
        )
    )
    assert "both apply when achievement is at or below 75% of the target" in str(check.warnings[0])


def test_a_single_shortfall_clause_is_not_warned_about() -> None:
    check = check_contract(
        contract_data(
            {"type": "base_fee", "amount": 1}, {"type": "shortfall_below", "threshold": "0.8", "rate": "0.2"}
        )
    )
    assert check.warnings == ()


def test_other_warnings() -> None:
    check = check_contract(
        contract_data(
            {"type": "base_fee", "amount": 1},
            {"type": "trial", **VALID_CLAUSES["trial"], "months": 3},
            service_period={"start": dt.date(2025, 5, 15), "end": dt.date(2025, 6, 30)},
            exclusions=[],
            monthly_target={"2025-05": 1, "2025-09": 2},
        )
    )
    assert check.ok
    assert [w.field for w in check.warnings] == [
        "service_period.start",
        "exclusions",
        "monthly_target",
        "monthly_target",
        "months",
    ]
    assert "has no target for 2025-06" in str(check.warnings[3])


def test_yaml_syntax_errors_say_where() -> None:
    check = check_contract("clauses: [\n  {type: base_fee\n")
    assert len(check.errors) == 1
    assert str(check.errors[0]).startswith("the document: not valid YAML: line 3, column 1")


def test_a_key_written_twice_is_refused() -> None:
    text = (
        (EXAMPLES / "contract-commission.yaml")
        .read_text(encoding="utf-8")
        .replace("    rate: 0.05\n", "    rate: 0.05\n    rate: 0.50\n")
    )
    check = check_contract(text)
    assert "the key 'rate' is written twice" in str(check.errors[0])


def test_time_of_day_stays_text() -> None:
    # Plain YAML 1.1 reads 18:00 as the base-60 integer 1080.
    data = contract_data({"type": "base_fee", "amount": 1})
    text = (EXAMPLES / "contract-two-shortfalls.yaml").read_text(encoding="utf-8")
    contract = load_contract(
        text.replace("taken_at: 每月最后一天 18:00 / 18:00 on the last day of the month", "taken_at: 18:00")
    )
    assert contract.data_source.taken_at.en == "18:00"
    assert data  # the sample builder is unaffected


def test_load_contract_raises_with_every_problem() -> None:
    with pytest.raises(ContractError) as raised:
        load_contract(contract_data({"type": "base_fee"}), "x.yaml")
    assert (
        str(raised.value) == "x.yaml: clause 1 (base_fee), field `amount`: is missing (a required parameter)"
    )


def test_render_in_both_languages() -> None:
    contract = load_contract((EXAMPLES / "contract-commission.yaml").read_text(encoding="utf-8"))
    zh = render_contract(contract, "zh")
    en = render_contract(contract, "en")
    assert "2. 超额提成:当月GMV(成交额)超过目标的部分,按 5% 提成。" in zh
    assert "数据口径:以生意参谋后台的数据为准,取数时间:每月最后一天 18:00" in zh
    assert "2. Commission: 5% of the month's GMV above the target." in en
    assert "8. Termination right: after 2 consecutive months with GMV below 100% of the target" in en
    assert "  - product photography" in en


def test_every_clause_renders_in_both_languages() -> None:
    clauses = [{"type": kind, **params} for kind, params in VALID_CLAUSES.items()]
    contract = load_contract(contract_data(*clauses))
    for lang in ("zh", "en"):
        text = render_contract(contract, lang)
        assert text.count("\n  ") >= len(clauses)
    assert "无责解约权" in render_contract(contract, "zh")


# --- nothing a person writes makes the checker crash -------------------------------------------

ANY_VALUE = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**15), 10**15)
    | st.text(max_size=12)
    | st.decimals(allow_nan=True, allow_infinity=True)
    | st.dates(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)


@settings(max_examples=300, deadline=None)
@given(
    kind=st.sampled_from(sorted(VALID_CLAUSES)),
    field=st.text(max_size=12),
    value=ANY_VALUE,
    where=st.integers(0, 3),
)
def test_checker_reports_problems_and_never_crashes(kind: str, field: str, value: object, where: int) -> None:
    params = dict(VALID_CLAUSES[kind])
    name = sorted(params)[where % len(params)] if params and where < 3 else field
    clause: dict[str, Any] = {"type": kind, **params, name: value}
    overrides: dict[str, Any] = {}
    if where == 3:
        overrides = {"service_period": value} if field.startswith("a") else {"monthly_target": value}
    check = check_contract(contract_data({"type": "base_fee", "amount": 1}, clause, **overrides))
    for problem in check.errors:
        assert str(problem)
    assert (check.contract is None) == bool(check.errors)
