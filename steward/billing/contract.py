"""The contract between a merchant and its agency as structured data (合同条款).

A contract is written as YAML (see docs/contract.md), loaded into the frozen dataclasses below,
checked, and rendered back as readable text in Chinese or English. Loading never stops at the
first mistake: every problem is reported with the clause (its 1-based position and type) and the
field, because the person fixing a contract wants the whole list at once.

Clause parameters keep the names of issue 6's table (``rate``, ``over``, ``step`` …). Rates are
decimal fractions (0.05 is 5%). ``metric`` on the achievement clauses (bonus, shortfall,
termination) is optional and defaults to ``gmv``; where the table lists it (commission, trial) it
must be written.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar, Literal, TypeVar

from steward.billing.decimal_yaml import YamlSyntaxError, load_yaml
from steward.billing.money import (
    InvalidValue,
    parse_money,
    parse_rate,
    parse_whole,
    percent,
    yuan,
)
from steward.billing.problems import ContractError, Problem

Metric = Literal["gmv", "net_sales"]
Language = Literal["zh", "en"]
METRICS: tuple[Metric, ...] = ("gmv", "net_sales")
CURRENCY = "CNY"
FROM_PLAN = "from_plan"


# --- months and bilingual text -----------------------------------------------------------------

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month; statements, targets and history are kept per month."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12 or not 1900 <= self.year <= 9999:
            raise ValueError(f"not a month: {self.year}-{self.month}")

    @classmethod
    def parse(cls, text: object) -> Month:
        match = _MONTH.match(text.strip()) if isinstance(text, str) else None
        if match is None:
            raise ValueError(f"a month is written YYYY-MM (e.g. 2025-06), got {text!r}")
        try:
            return cls(int(match.group(1)), int(match.group(2)))
        except ValueError:
            raise ValueError(f"a month is written YYYY-MM (e.g. 2025-06), got {text!r}") from None

    @classmethod
    def of(cls, day: dt.date) -> Month:
        return cls(day.year, day.month)

    def shifted(self, months: int) -> Month:
        serial = self.year * 12 + (self.month - 1) + months
        return Month(serial // 12, serial % 12 + 1)

    def months_after(self, earlier: Month) -> int:
        """How many months `self` lies after `earlier` (0 for the same month)."""
        return (self.year - earlier.year) * 12 + (self.month - earlier.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@dataclass(frozen=True)
class Bilingual:
    """A text in Chinese and English; a contract line written once is used for both."""

    zh: str
    en: str

    def text(self, lang: Language) -> str:
        return self.zh if lang == "zh" else self.en

    @classmethod
    def same(cls, text: str) -> Bilingual:
        return cls(text, text)


def metric_name(metric: Metric) -> Bilingual:
    if metric == "gmv":
        return Bilingual("GMV(成交额)", "GMV")
    return Bilingual("净销售额(GMV − 退款)", "net sales (GMV − refunds)")


# --- clauses -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BaseFee:
    amount: Decimal
    type: ClassVar[str] = "base_fee"


@dataclass(frozen=True)
class CommissionOverTarget:
    metric: Metric
    rate: Decimal
    type: ClassVar[str] = "commission_over_target"


@dataclass(frozen=True)
class ProfitShare:
    rate: Decimal
    type: ClassVar[str] = "profit_share"


@dataclass(frozen=True)
class BonusOverTarget:
    over: Decimal
    rate: Decimal
    metric: Metric = "gmv"
    type: ClassVar[str] = "bonus_over_target"


@dataclass(frozen=True)
class ShortfallPerStep:
    step: Decimal
    rate: Decimal
    rounding: Literal["whole_steps", "prorated"] = "whole_steps"
    metric: Metric = "gmv"
    type: ClassVar[str] = "shortfall_per_step"


@dataclass(frozen=True)
class ShortfallBelow:
    threshold: Decimal
    rate: Decimal
    metric: Metric = "gmv"
    type: ClassVar[str] = "shortfall_below"


@dataclass(frozen=True)
class LateDuty:
    rate: Decimal
    cap: Decimal | None = None
    type: ClassVar[str] = "late_duty"


@dataclass(frozen=True)
class AdSpendPassthrough:
    type: ClassVar[str] = "ad_spend_passthrough"


@dataclass(frozen=True)
class LatePayment:
    rate_per_day: Decimal
    grace_days: int
    type: ClassVar[str] = "late_payment"


@dataclass(frozen=True)
class Trial:
    months: int
    fee_share: Decimal
    metric: Metric
    target_growth: Decimal
    refund_share: Decimal
    type: ClassVar[str] = "trial"


@dataclass(frozen=True)
class TerminationRight:
    months: int
    threshold: Decimal
    metric: Metric = "gmv"
    type: ClassVar[str] = "termination_right"


Clause = (
    BaseFee
    | CommissionOverTarget
    | ProfitShare
    | BonusOverTarget
    | ShortfallPerStep
    | ShortfallBelow
    | LateDuty
    | AdSpendPassthrough
    | LatePayment
    | Trial
    | TerminationRight
)
ClauseT = TypeVar("ClauseT", bound=Clause)

# Clauses whose amount is a share of the base fee; without a base_fee they could only be zero.
NEEDS_BASE_FEE: tuple[type[Clause], ...] = (
    BonusOverTarget,
    ShortfallPerStep,
    ShortfallBelow,
    LateDuty,
    Trial,
)
# Two of these would charge or credit the same thing twice.
AT_MOST_ONCE: tuple[type[Clause], ...] = (BaseFee, AdSpendPassthrough, LatePayment, Trial, LateDuty)


# --- the contract ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ServicePeriod:
    start: dt.date
    end: dt.date

    @property
    def first_month(self) -> Month:
        return Month.of(self.start)

    @property
    def last_month(self) -> Month:
        return Month.of(self.end)

    def covers(self, month: Month) -> bool:
        return self.first_month <= month <= self.last_month

    def months(self) -> list[Month]:
        count = self.last_month.months_after(self.first_month) + 1
        return [self.first_month.shifted(n) for n in range(max(0, count))]


@dataclass(frozen=True)
class DataSource:
    """Whose numbers count and when they are read, so both sides settle on the same figures."""

    system: Bilingual
    taken_at: Bilingual


@dataclass(frozen=True)
class MonthlyTarget:
    """Either the contract states a figure per month, or each month's target comes from the
    confirmed operations plan (and then arrives with the month's figures)."""

    from_plan: bool
    by_month: Mapping[Month, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class Parties:
    merchant: str
    agency: str


@dataclass(frozen=True)
class Contract:
    currency: str
    service_period: ServicePeriod
    settlement_day: int
    data_source: DataSource
    exclusions: tuple[Bilingual, ...]
    monthly_target: MonthlyTarget
    clauses: tuple[Clause, ...]
    title: Bilingual | None = None
    parties: Parties | None = None

    def numbered(self, kind: type[ClauseT]) -> list[tuple[int, ClauseT]]:
        """The clauses of one type with their 1-based positions (how errors and lines name them)."""
        return [(n, c) for n, c in enumerate(self.clauses, start=1) if isinstance(c, kind)]

    def first(self, kind: type[ClauseT]) -> ClauseT | None:
        found = self.numbered(kind)
        return found[0][1] if found else None


# --- reading YAML ------------------------------------------------------------------------------

_REQUIRED = object()


@dataclass(frozen=True)
class _Param:
    name: str
    read: Callable[[object], object]
    default: object = _REQUIRED


def _fraction(
    low: str = "0", high: str | None = "1", low_inclusive: bool = True
) -> Callable[[object], object]:
    return lambda value: parse_rate(
        value,
        low=Decimal(low),
        high=Decimal(high) if high is not None else None,
        low_inclusive=low_inclusive,
    )


def _whole(low: int, high: int) -> Callable[[object], object]:
    return lambda value: parse_whole(value, low=low, high=high)


def _choice(*choices: str) -> Callable[[object], object]:
    def read(value: object) -> object:
        if not isinstance(value, str) or value not in choices:
            raise InvalidValue(f"must be one of {', '.join(choices)}; got {value!r}")
        return value

    return read


_METRIC = _choice(*METRICS)
_RATE = _fraction()

CLAUSE_TYPES: dict[str, tuple[type[Clause], tuple[_Param, ...]]] = {
    "base_fee": (BaseFee, (_Param("amount", parse_money),)),
    "commission_over_target": (
        CommissionOverTarget,
        (_Param("metric", _METRIC), _Param("rate", _RATE)),
    ),
    "profit_share": (ProfitShare, (_Param("rate", _RATE),)),
    "bonus_over_target": (
        BonusOverTarget,
        (_Param("over", _fraction(high=None)), _Param("rate", _RATE), _Param("metric", _METRIC, "gmv")),
    ),
    "shortfall_per_step": (
        ShortfallPerStep,
        (
            _Param("step", _fraction(low_inclusive=False)),
            _Param("rate", _RATE),
            _Param("rounding", _choice("whole_steps", "prorated"), "whole_steps"),
            _Param("metric", _METRIC, "gmv"),
        ),
    ),
    "shortfall_below": (
        ShortfallBelow,
        (
            _Param("threshold", _fraction(low_inclusive=False)),
            _Param("rate", _RATE),
            _Param("metric", _METRIC, "gmv"),
        ),
    ),
    "late_duty": (LateDuty, (_Param("rate", _RATE), _Param("cap", _RATE, None))),
    "ad_spend_passthrough": (AdSpendPassthrough, ()),
    "late_payment": (
        LatePayment,
        (_Param("rate_per_day", _RATE), _Param("grace_days", _whole(0, 366))),
    ),
    "trial": (
        Trial,
        (
            _Param("months", _whole(1, 120)),
            _Param("fee_share", _RATE),
            _Param("metric", _METRIC),
            _Param("target_growth", _fraction(high=None)),
            _Param("refund_share", _RATE),
        ),
    ),
    "termination_right": (
        TerminationRight,
        (
            _Param("months", _whole(1, 120)),
            _Param("threshold", _fraction(low_inclusive=False)),
            _Param("metric", _METRIC, "gmv"),
        ),
    ),
}

TOP_LEVEL_KEYS = (
    "title",
    "parties",
    "currency",
    "service_period",
    "settlement_day",
    "data_source",
    "exclusions",
    "monthly_target",
    "clauses",
)
REQUIRED_TOP_LEVEL = (
    "currency",
    "service_period",
    "settlement_day",
    "data_source",
    "exclusions",
    "monthly_target",
    "clauses",
)


@dataclass(frozen=True)
class ContractCheck:
    """The outcome of `check_contract`: a contract only when there are no errors."""

    contract: Contract | None
    errors: tuple[Problem, ...]
    warnings: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.errors


class _Reader:
    """Collects problems while turning loaded YAML into a `Contract`."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def problem(self, field: str, message: str, clause: int | None = None, kind: str | None = None) -> None:
        self.problems.append(Problem(field, message, clause, kind))

    def text(self, value: object, field: str) -> Bilingual | None:
        if isinstance(value, str) and value.strip():
            return Bilingual.same(value.strip())
        if isinstance(value, dict) and set(value) == {"zh", "en"}:
            zh, en = value["zh"], value["en"]
            if isinstance(zh, str) and isinstance(en, str) and zh.strip() and en.strip():
                return Bilingual(zh.strip(), en.strip())
        self.problem(field, "must be text, or a mapping with both `zh` and `en` texts")
        return None

    def mapping(self, value: object, field: str, keys: tuple[str, ...]) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.problem(field, f"must be a mapping with {', '.join('`' + k + '`' for k in keys)}")
            return None
        for key in value:
            if key not in keys:
                self.problem(f"{field}.{key}", f"unknown field; expected {', '.join(keys)}")
        for key in keys:
            if key not in value:
                self.problem(f"{field}.{key}", "is missing")
        return value

    def date(self, value: object, field: str) -> dt.date | None:
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        self.problem(field, f"must be a date written YYYY-MM-DD, got {value!r}")
        return None

    def value(self, read: Callable[[object], object], value: object, field: str) -> object:
        try:
            return read(value)
        except InvalidValue as error:
            self.problem(field, str(error))
            return None

    # - sections -

    def service_period(self, raw: object) -> ServicePeriod | None:
        values = self.mapping(raw, "service_period", ("start", "end"))
        if values is None:
            return None
        start = self.date(values["start"], "service_period.start") if "start" in values else None
        end = self.date(values["end"], "service_period.end") if "end" in values else None
        if start is None or end is None:
            return None
        if end < start:
            self.problem("service_period.end", f"{end} is before the start {start}")
            return None
        return ServicePeriod(start, end)

    def data_source(self, raw: object) -> DataSource | None:
        values = self.mapping(raw, "data_source", ("system", "taken_at"))
        if values is None:
            return None
        system = self.text(values["system"], "data_source.system") if "system" in values else None
        taken_at = self.text(values["taken_at"], "data_source.taken_at") if "taken_at" in values else None
        return DataSource(system, taken_at) if system and taken_at else None

    def exclusions(self, raw: object) -> tuple[Bilingual, ...] | None:
        if not isinstance(raw, list):
            self.problem("exclusions", "must be a list of services not included (may be empty: [])")
            return None
        texts = [self.text(item, f"exclusions[{n}]") for n, item in enumerate(raw, start=1)]
        return tuple(t for t in texts if t is not None)

    def monthly_target(self, raw: object) -> MonthlyTarget | None:
        if raw == FROM_PLAN:
            return MonthlyTarget(from_plan=True)
        if not isinstance(raw, dict) or not raw:
            self.problem(
                "monthly_target",
                f"must be `{FROM_PLAN}` (the confirmed plan's target) or a mapping of months "
                "(YYYY-MM) to amounts",
            )
            return None
        by_month: dict[Month, Decimal] = {}
        for key, amount in raw.items():
            try:
                month = Month.parse(key)
            except ValueError as error:
                self.problem(f"monthly_target.{key}", f"{error} (quote the key if YAML read it as a date)")
                continue
            value = self.value(parse_money, amount, f"monthly_target.{key}")
            if isinstance(value, Decimal):
                by_month[month] = value
        return MonthlyTarget(from_plan=False, by_month=dict(sorted(by_month.items())))

    def clause(self, index: int, raw: object) -> Clause | None:
        if not isinstance(raw, dict):
            self.problem("", "each clause must be a mapping with a `type` and its parameters", index)
            return None
        kind = raw.get("type")
        if kind is None:
            self.problem("type", f"is missing; one of: {', '.join(CLAUSE_TYPES)}", index)
            return None
        if not isinstance(kind, str) or kind not in CLAUSE_TYPES:
            self.problem(
                "type", f"unknown clause type {kind!r}; known types: {', '.join(CLAUSE_TYPES)}", index
            )
            return None
        cls, params = CLAUSE_TYPES[kind]
        names = [p.name for p in params]
        for key in raw:
            if key != "type" and key not in names:
                expected = ", ".join(names) if names else "none"
                self.problem(str(key), f"unknown parameter (parameters of {kind}: {expected})", index, kind)
        values: dict[str, Any] = {}
        complete = True
        for param in params:
            if param.name not in raw:
                if param.default is _REQUIRED:
                    self.problem(param.name, "is missing (a required parameter)", index, kind)
                    complete = False
                else:
                    values[param.name] = param.default
                continue
            try:
                values[param.name] = param.read(raw[param.name])
            except InvalidValue as error:
                self.problem(param.name, str(error), index, kind)
                complete = False
        return cls(**values) if complete else None

    def contract(self, data: object) -> Contract | None:
        if not isinstance(data, dict):
            self.problem("", "a contract is a YAML mapping with " + ", ".join(REQUIRED_TOP_LEVEL))
            return None
        for key in data:
            if key not in TOP_LEVEL_KEYS:
                self.problem(str(key), f"unknown field; a contract has {', '.join(TOP_LEVEL_KEYS)}")
        for key in REQUIRED_TOP_LEVEL:
            if key not in data:
                self.problem(key, "is missing")

        currency = data.get("currency")
        if "currency" in data and currency != CURRENCY:
            self.problem("currency", f"must be {CURRENCY} (amounts are yuan), got {currency!r}")
        period = self.service_period(data["service_period"]) if "service_period" in data else None
        day: int | None = None
        if "settlement_day" in data:
            try:
                day = parse_whole(data["settlement_day"], low=1, high=28)
            except InvalidValue as error:
                self.problem("settlement_day", f"{error} (the day must exist in every month)")
        source = self.data_source(data["data_source"]) if "data_source" in data else None
        exclusions = self.exclusions(data["exclusions"]) if "exclusions" in data else None
        target = self.monthly_target(data["monthly_target"]) if "monthly_target" in data else None
        title = self.text(data["title"], "title") if "title" in data else None
        parties = None
        if "parties" in data:
            raw_parties = self.mapping(data["parties"], "parties", ("merchant", "agency"))
            if raw_parties is not None:
                names = {k: raw_parties.get(k) for k in ("merchant", "agency")}
                for key, name in names.items():
                    if key in raw_parties and not (isinstance(name, str) and name.strip()):
                        self.problem(f"parties.{key}", "must be a name")
                if all(isinstance(n, str) and n.strip() for n in names.values()):
                    parties = Parties(str(names["merchant"]).strip(), str(names["agency"]).strip())

        clauses: list[Clause] = []
        raw_clauses = data.get("clauses")
        if "clauses" in data:
            if not isinstance(raw_clauses, list) or not raw_clauses:
                self.problem("clauses", "must be a non-empty list of clauses, each with a `type`")
            else:
                for index, raw in enumerate(raw_clauses, start=1):
                    clause = self.clause(index, raw)
                    if clause is not None:
                        clauses.append(clause)

        if self.problems:
            return None
        assert period is not None and day is not None and source is not None
        assert exclusions is not None and target is not None
        return Contract(
            currency=CURRENCY,
            service_period=period,
            settlement_day=day,
            data_source=source,
            exclusions=exclusions,
            monthly_target=target,
            clauses=tuple(clauses),
            title=title,
            parties=parties,
        )


# --- checks across clauses ---------------------------------------------------------------------


def _consistency(contract: Contract) -> tuple[list[Problem], list[Problem]]:
    errors: list[Problem] = []
    warnings: list[Problem] = []

    for kind in AT_MOST_ONCE:
        found = contract.numbered(kind)
        for index, _clause in found[1:]:
            errors.append(
                Problem(
                    "type",
                    f"a contract has at most one {kind.type} clause (the first is clause {found[0][0]})",
                    index,
                    kind.type,
                )
            )
    if contract.first(BaseFee) is None:
        for kind in NEEDS_BASE_FEE:
            for index, _clause in contract.numbered(kind):
                errors.append(
                    Problem(
                        "type",
                        "is a share of the base fee, but the contract has no base_fee clause",
                        index,
                        kind.type,
                    )
                )

    period = contract.service_period
    if period.start.day != 1:
        warnings.append(
            Problem(
                "service_period.start",
                f"starts mid-month ({period.start}); settlement is by calendar month, so {period.first_month} "
                "is billed as a whole first month",
            )
        )
    if not contract.exclusions:
        warnings.append(
            Problem(
                "exclusions",
                "is empty; write down the services not included, so nothing is billed as an extra later",
            )
        )
    if not contract.monthly_target.from_plan:
        stated = contract.monthly_target.by_month
        outside = [str(m) for m in stated if not period.covers(m)]
        if outside:
            warnings.append(
                Problem("monthly_target", f"states targets outside the service period: {', '.join(outside)}")
            )
        missing = [str(m) for m in period.months() if m not in stated]
        if missing:
            warnings.append(
                Problem(
                    "monthly_target",
                    f"has no target for {', '.join(missing)}; those months cannot be settled until one is agreed",
                )
            )
    service_months = len(period.months())
    for index, trial in contract.numbered(Trial):
        if trial.months > service_months:
            warnings.append(
                Problem(
                    "months",
                    f"the trial ({trial.months} months) is longer than the service period "
                    f"({service_months} months)",
                    index,
                    Trial.type,
                )
            )

    shortfalls: list[tuple[int, ShortfallPerStep | ShortfallBelow]] = [
        (n, c)
        for n, c in enumerate(contract.clauses, start=1)
        if isinstance(c, (ShortfallPerStep, ShortfallBelow))
    ]
    for position, (first_index, first) in enumerate(shortfalls):
        for second_index, second in shortfalls[position + 1 :]:
            if first.rate == 0 or second.rate == 0:
                continue
            bound = _both_apply_below(first, second)
            warnings.append(
                Problem(
                    "type",
                    f"clauses {first_index} ({first.type}) and {second_index} ({second.type}) both apply when "
                    f"achievement is {bound}: both deductions are taken and both lines appear on the statement",
                    second_index,
                    second.type,
                )
            )
    return errors, warnings


def _applies_below(clause: ShortfallPerStep | ShortfallBelow) -> tuple[Decimal, bool]:
    """The achievement under which a shortfall clause takes money, and whether the bound counts."""
    if isinstance(clause, ShortfallBelow):
        return clause.threshold, False
    if clause.rounding == "prorated":
        return Decimal(1), False
    return Decimal(1) - clause.step, True  # one whole step short, exactly, already counts


def _both_apply_below(
    first: ShortfallPerStep | ShortfallBelow, second: ShortfallPerStep | ShortfallBelow
) -> str:
    (a, a_inclusive), (b, b_inclusive) = _applies_below(first), _applies_below(second)
    if a == b:
        bound, inclusive = a, a_inclusive and b_inclusive
    else:
        bound, inclusive = (a, a_inclusive) if a < b else (b, b_inclusive)
    return f"{'at or below' if inclusive else 'below'} {percent(bound)} of the target"


def check_contract(source: str | object) -> ContractCheck:
    """Read a contract from YAML text (or already-loaded data) and say everything wrong with it.

    Errors make the contract unusable; warnings (two shortfall clauses that can both apply, a
    mid-month start, no exclusions, months without a target …) are for the people signing it.
    """
    if isinstance(source, str):
        try:
            data = load_yaml(source)
        except YamlSyntaxError as error:
            return ContractCheck(None, (Problem("", str(error)),), ())
    else:
        data = source
    reader = _Reader()
    contract = reader.contract(data)
    if contract is None:
        return ContractCheck(None, tuple(reader.problems), ())
    errors, warnings = _consistency(contract)
    return ContractCheck(None if errors else contract, tuple(errors), tuple(warnings))


def load_contract(source: str | object, name: str = "") -> Contract:
    """The contract, or `ContractError` listing every problem (warnings do not stop it)."""
    check = check_contract(source)
    if check.contract is None:
        raise ContractError(list(check.errors), name)
    return check.contract


# --- readable text -----------------------------------------------------------------------------


def clause_title(clause: Clause) -> Bilingual:
    """The short name a statement line carries."""
    titles: dict[str, Bilingual] = {
        "base_fee": Bilingual("基础服务费", "Base fee"),
        "commission_over_target": Bilingual("超额提成", "Commission over target"),
        "profit_share": Bilingual("利润分成", "Profit share"),
        "bonus_over_target": Bilingual("超额奖励", "Bonus over target"),
        "shortfall_per_step": Bilingual("未达标阶梯扣款", "Shortfall deduction per step"),
        "shortfall_below": Bilingual("低于目标线扣款", "Deduction below threshold"),
        "late_duty": Bilingual("事项延误扣款", "Late duties deduction"),
        "ad_spend_passthrough": Bilingual("推广费代付(按实际花费)", "Ad spend passed through at cost"),
        "late_payment": Bilingual("逾期付款滞纳金", "Late payment interest"),
        "trial": Bilingual("试用期未达标退款", "Trial refund"),
        "termination_right": Bilingual("无责解约权", "Termination right"),
    }
    return titles[clause.type]


def clause_text(clause: Clause) -> Bilingual:
    """One clause as a sentence of the contract."""
    match clause:
        case BaseFee(amount=amount):
            return Bilingual(f"基础服务费:每月 {yuan(amount)}。", f"Base fee: {yuan(amount)} a month.")
        case CommissionOverTarget(metric=metric, rate=rate):
            m = metric_name(metric)
            return Bilingual(
                f"超额提成:当月{m.zh}超过目标的部分,按 {percent(rate)} 提成。",
                f"Commission: {percent(rate)} of the month's {m.en} above the target.",
            )
        case ProfitShare(rate=rate):
            return Bilingual(
                f"利润分成:商家报告的当月利润的 {percent(rate)};利润为零或为负时不分成。",
                f"Profit share: {percent(rate)} of the month's profit as reported by the merchant; "
                "nothing when the profit is zero or negative.",
            )
        case BonusOverTarget(over=over, rate=rate, metric=metric):
            m = metric_name(metric)
            return Bilingual(
                f"超额奖励:当月{m.zh}达到目标的 {percent(1 + over)} 及以上时,另付基础服务费的 {percent(rate)}。",
                f"Bonus: {percent(rate)} of the base fee when the month's {m.en} reaches "
                f"{percent(1 + over)} of the target or more.",
            )
        case ShortfallPerStep(step=step, rate=rate, rounding=rounding, metric=metric):
            m = metric_name(metric)
            how = (
                Bilingual("按整档计,不足一档不扣", "whole steps only")
                if rounding == "whole_steps"
                else Bilingual("按比例计", "prorated")
            )
            return Bilingual(
                f"未达标扣款:当月{m.zh}比目标每少 {percent(step)},扣基础服务费的 {percent(rate)}({how.zh})。",
                f"Shortfall: {percent(rate)} of the base fee off for every {percent(step)} by which the "
                f"month's {m.en} falls short of the target ({how.en}).",
            )
        case ShortfallBelow(threshold=threshold, rate=rate, metric=metric):
            m = metric_name(metric)
            return Bilingual(
                f"低于目标线扣款:当月{m.zh}低于目标的 {percent(threshold)} 时,扣基础服务费的 {percent(rate)}。",
                f"Shortfall below {percent(threshold)}: {percent(rate)} of the base fee off when the month's "
                f"{m.en} is below {percent(threshold)} of the target.",
            )
        case LateDuty(rate=rate, cap=cap):
            zh_cap = f",最多扣 {percent(cap)}" if cap is not None else ""
            en_cap = f", at most {percent(cap)} in a month" if cap is not None else ""
            return Bilingual(
                f"事项延误:托管方负责的事项每延误 1 天,扣基础服务费的 {percent(rate)}{zh_cap}。",
                f"Late duties: {percent(rate)} of the base fee off per day a duty of the agency is late{en_cap}.",
            )
        case AdSpendPassthrough():
            return Bilingual(
                "推广费:按平台实际花费代付,单独列示,不受任何扣款影响。",
                "Ad spend: passed through at cost on its own line, never reduced by deductions.",
            )
        case LatePayment(rate_per_day=rate, grace_days=grace):
            zh_grace = f"超过到期日 {grace} 天宽限期后" if grace else "自到期日次日起"
            en_grace = f"after {grace} days' grace" if grace else "from the day after the due date"
            return Bilingual(
                f"逾期付款:上期结算单到期未付的金额,{zh_grace}按每日 {percent(rate)} 计收滞纳金,记入下一期结算单。",
                f"Late payment: {percent(rate)} a day on the amount of the previous statement left unpaid, "
                f"{en_grace}, charged on the next statement.",
            )
        case Trial(months=months, fee_share=share, metric=metric, target_growth=growth, refund_share=refund):
            m = metric_name(metric)
            return Bilingual(
                f"试用期:服务期的前 {months} 个月为试用期,基础服务费按 {percent(share)} 收取;"
                f"试用期最后一个月的{m.zh}须比服务开始前一个月增长 {percent(growth)} 及以上,"
                f"未达成则退还试用期基础服务费的 {percent(refund)}。",
                f"Trial: the first {months} month(s) of the service period are a trial at {percent(share)} of "
                f"the base fee; if the {m.en} of the last trial month is not at least {percent(growth)} above "
                f"the month before the start, {percent(refund)} of the trial's base fees are refunded.",
            )
        case TerminationRight(months=months, threshold=threshold, metric=metric):
            m = metric_name(metric)
            return Bilingual(
                f"无责解约权:当月{m.zh}连续 {months} 个月低于目标的 {percent(threshold)} 时,商家可无责解约。",
                f"Termination right: after {months} consecutive months with {m.en} below "
                f"{percent(threshold)} of the target, the merchant may terminate without liability.",
            )
    raise AssertionError(f"no text for {clause!r}")  # pragma: no cover - the match is exhaustive


def render_contract(contract: Contract, lang: Language) -> str:
    """The contract as readable text, for signing and for the merchant's records."""
    zh = lang == "zh"
    lines: list[str] = []
    if contract.title is not None:
        lines += [contract.title.text(lang), ""]
    if contract.parties is not None:
        if zh:
            lines.append(f"商家:{contract.parties.merchant}    托管方:{contract.parties.agency}")
        else:
            lines.append(f"Merchant: {contract.parties.merchant}    Agency: {contract.parties.agency}")
    period = contract.service_period
    source = contract.data_source
    if zh:
        lines += [
            "币种:人民币(CNY)",
            f"服务期限:{period.start} 至 {period.end}",
            f"结算日:每月服务结束后的次月 {contract.settlement_day} 日",
            f"数据口径:以{source.system.zh}的数据为准,取数时间:{source.taken_at.zh}",
        ]
    else:
        lines += [
            "Currency: Chinese yuan (CNY)",
            f"Service period: {period.start} to {period.end}",
            f"Settlement day: the {_ordinal(contract.settlement_day)} of the month after each service month",
            f"Figures: as shown by {source.system.en}, taken {source.taken_at.en}",
        ]
    if contract.exclusions:
        lines.append("不含服务:" if zh else "Not included:")
        lines += [f"  - {item.text(lang)}" for item in contract.exclusions]
    else:
        lines.append("不含服务:(未列明)" if zh else "Not included: (none listed)")
    target = contract.monthly_target
    if target.from_plan:
        lines.append(
            "月度目标:以双方确认的营运方案为准"
            if zh
            else "Monthly target: as in the confirmed operations plan"
        )
    else:
        lines.append("月度目标:" if zh else "Monthly target:")
        lines += [f"  {month}  {yuan(amount)}" for month, amount in target.by_month.items()]
    lines.append("条款:" if zh else "Clauses:")
    lines += [
        f"  {n}. {clause_text(clause).text(lang)}" for n, clause in enumerate(contract.clauses, start=1)
    ]
    return "\n".join(lines) + "\n"


def _ordinal(day: int) -> str:
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"
