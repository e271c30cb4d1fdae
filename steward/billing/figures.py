"""The figures a month's statement is computed from (结算数据).

In the app they come from the shop's imported numbers, the month's target and the duties'
lateness; on the command line from a YAML file with the same keys. Every key is optional here:
which ones a statement needs depends on the contract, and `settlement.settle` names the missing
ones. What is given must be well formed: money to the fen, day counts whole, months YYYY-MM.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from steward.billing.contract import METRICS, Metric, Month
from steward.billing.decimal_yaml import YamlSyntaxError, load_yaml
from steward.billing.money import InvalidValue, parse_money, parse_whole
from steward.billing.problems import FiguresError, Problem

FIGURE_KEYS = (
    "month",
    "target",
    "gmv",
    "refunds",
    "profit",
    "ad_spend",
    "late_duty_days",
    "unpaid_previous",
    "days_past_due",
    "history",
)
HISTORY_KEYS = ("month", "target", "actual", "metric")
MAX_DAYS = 3660


@dataclass(frozen=True)
class HistoryMonth:
    """An earlier month's result: its target and what was actually achieved in `metric`.

    `target` may be left out for a month before the service started (the trial's baseline month
    often had none); a termination streak that needs it says so.
    """

    month: Month
    actual: Decimal
    target: Decimal | None = None
    metric: Metric = "gmv"


@dataclass(frozen=True)
class Figures:
    target: Decimal | None = None
    gmv: Decimal | None = None
    refunds: Decimal | None = None
    profit: Decimal | None = None
    ad_spend: Decimal | None = None
    late_duty_days: int | None = None
    unpaid_previous: Decimal | None = None
    days_past_due: int | None = None
    history: tuple[HistoryMonth, ...] | None = None
    month: Month | None = None

    def actual(self, metric: Metric) -> Decimal | None:
        """The month's result in `metric`; net sales are GMV less refunds and can be negative."""
        if self.gmv is None:
            return None
        if metric == "gmv":
            return self.gmv
        return None if self.refunds is None else self.gmv - self.refunds

    def earlier(self, month: Month) -> HistoryMonth | None:
        for entry in self.history or ():
            if entry.month == month:
                return entry
        return None


def _money(allow_negative: bool = False) -> Callable[[object], object]:
    return lambda value: parse_money(value, allow_negative=allow_negative)


def _days(value: object) -> object:
    return parse_whole(value, low=0, high=MAX_DAYS)


_READERS: dict[str, Callable[[object], object]] = {
    "target": _money(),
    "gmv": _money(),
    "refunds": _money(),
    # Profit is the merchant's own figure and may be a loss.
    "profit": _money(allow_negative=True),
    "ad_spend": _money(),
    "late_duty_days": _days,
    "unpaid_previous": _money(),
    "days_past_due": _days,
}


def _read_month(value: object) -> object:
    try:
        return Month.parse(value)
    except ValueError as error:
        raise InvalidValue(str(error)) from None


def _read_history(raw: object, problems: list[Problem]) -> tuple[HistoryMonth, ...] | None:
    if not isinstance(raw, list):
        problems.append(
            Problem("history", "must be a list of earlier months, each with `month` and `actual`")
        )
        return None
    entries: list[HistoryMonth] = []
    seen: set[Month] = set()
    for n, item in enumerate(raw, start=1):
        where = f"history[{n}]"
        if not isinstance(item, dict):
            problems.append(Problem(where, "must be a mapping with `month`, `target` and `actual`"))
            continue
        before = len(problems)
        for key in item:
            if key not in HISTORY_KEYS:
                problems.append(
                    Problem(f"{where}.{key}", f"unknown field; expected {', '.join(HISTORY_KEYS)}")
                )
        for key in ("month", "actual"):
            if key not in item:
                problems.append(Problem(f"{where}.{key}", "is missing"))
        values: dict[str, Any] = {}
        readers: dict[str, Callable[[object], object]] = {
            "month": _read_month,
            "target": _money(),
            # Net sales of a month with heavy returns can be below zero.
            "actual": _money(allow_negative=True),
        }
        for key, read in readers.items():
            if key in item:
                try:
                    values[key] = read(item[key])
                except InvalidValue as error:
                    problems.append(Problem(f"{where}.{key}", str(error)))
        metric = item.get("metric", "gmv")
        if metric not in METRICS:
            problems.append(
                Problem(f"{where}.metric", f"must be one of {', '.join(METRICS)}; got {metric!r}")
            )
        if len(problems) > before:
            continue
        month = values["month"]
        if month in seen:
            problems.append(Problem(f"{where}.month", f"{month} is listed twice"))
            continue
        seen.add(month)
        entries.append(HistoryMonth(month, values["actual"], values.get("target"), metric))
    return tuple(sorted(entries, key=lambda e: e.month))


def read_figures(source: str | object, name: str = "") -> Figures:
    """Figures from YAML text (or loaded data); `FiguresError` lists every malformed key."""
    if isinstance(source, str):
        try:
            data = load_yaml(source)
        except YamlSyntaxError as error:
            raise FiguresError([Problem("", str(error))], name) from None
    else:
        data = source
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise FiguresError(
            [Problem("", "a figures file is a YAML mapping of " + ", ".join(FIGURE_KEYS))], name
        )

    problems: list[Problem] = []
    for key in data:
        if key not in FIGURE_KEYS:
            problems.append(Problem(str(key), f"unknown figure; the keys are {', '.join(FIGURE_KEYS)}"))
    values: dict[str, Any] = {}
    for key, read in _READERS.items():
        if key not in data:
            continue
        if data[key] is None:
            problems.append(Problem(key, "has no value; write the figure, or leave the key out"))
            continue
        try:
            values[key] = read(data[key])
        except InvalidValue as error:
            problems.append(Problem(key, str(error)))
    if "month" in data:
        try:
            values["month"] = Month.parse(data["month"])
        except ValueError as error:
            problems.append(Problem("month", str(error)))
    if "history" in data:
        values["history"] = _read_history(data["history"], problems)
    if problems:
        raise FiguresError(problems, name)
    return Figures(**values)
