"""Small contracts and figures the billing tests are written with.

A contract here is 山野茶舍's: service from May 2025 to April 2026, the month's target taken
from the confirmed plan (so each test states it with the figures), plus whatever clauses the test
is about.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from steward.billing.contract import Contract, Month, load_contract
from steward.billing.figures import Figures, read_figures
from steward.billing.settlement import Statement, settle

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
START = Month(2025, 5)
JUNE = Month(2025, 6)

BASE_FEE = {"type": "base_fee", "amount": 8000}


def contract_data(*clauses: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "currency": "CNY",
        "service_period": {"start": dt.date(2025, 5, 1), "end": dt.date(2026, 4, 30)},
        "settlement_day": 10,
        "data_source": {"system": "生意参谋", "taken_at": "每月最后一天 18:00"},
        "exclusions": ["品牌注册"],
        "monthly_target": "from_plan",
        "clauses": list(clauses),
    }
    data.update(overrides)
    return data


def contract_of(*clauses: dict[str, Any], **overrides: Any) -> Contract:
    return load_contract(contract_data(*clauses, **overrides))


def figures(**values: Any) -> Figures:
    """Figures as a file would give them: money as text, so no float ever enters."""
    return read_figures({key: str(v) if isinstance(v, int | Decimal) else v for key, v in values.items()})


def settled(contract: Contract, month: Month = JUNE, **values: Any) -> Statement:
    return settle(contract, month, figures(**values))


def amounts(statement: Statement) -> dict[str, Decimal]:
    """Clause type → amount, for statements with one line per type."""
    result: dict[str, Decimal] = {}
    for line in statement.lines:
        assert line.clause not in result, f"two {line.clause} lines; use statement.lines"
        result[line.clause] = line.amount
    return result


def money(text: str) -> Decimal:
    return Decimal(text)
