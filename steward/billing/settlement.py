"""Monthly settlement (月度结算): one statement line per clause, exact to the fen.

Rules, in the order a reader checking a statement needs them:

- Every line is computed in `Decimal` and rounded to the fen (ROUND_HALF_UP) on its own; the
  service fee, the pass-through and the total are sums of the rounded lines, so the statement
  adds up by hand.
- Percentages of "the base fee" mean the base fee charged this month, i.e. after the trial's
  fee share.
- Deductions (shortfall and late duties) together never take more than the base fee. When they
  would, every deduction still shows its full computed amount and a separate `deduction_cap` line
  gives back the excess, so no computed number disappears.
- Pass-through lines (ad spend at cost) are never touched by deductions and are totalled apart.
- Achievement compares by multiplication (actual < threshold × target), never by a rounded
  ratio, so a month exactly on a threshold falls on the side the contract says. A target of zero
  leaves no achievement to measure: bonus, shortfall and termination clauses do not apply that
  month (their lines say so); commission is then due on the whole metric, as its formula says.
- Late-payment interest is charged on the next statement: from `unpaid_previous` for
  `days_past_due` less the grace days.
- The trial's refund is decided on the statement of the last trial month, comparing that month
  with the month before the service started (from `history`).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from steward.billing.contract import (
    AdSpendPassthrough,
    BaseFee,
    Bilingual,
    BonusOverTarget,
    Clause,
    CommissionOverTarget,
    Contract,
    Language,
    LateDuty,
    LatePayment,
    Metric,
    Month,
    ProfitShare,
    ShortfallBelow,
    ShortfallPerStep,
    TerminationRight,
    Trial,
    clause_title,
)
from steward.billing.figures import Figures
from steward.billing.money import (
    MINUS,
    ZERO,
    exact_arithmetic,
    percent,
    plain_amount,
    ratio_percent,
    to_fen,
    yuan,
)
from steward.billing.problems import FiguresError, Problem, SettlementError

DEDUCTION_CAP = "deduction_cap"
TERMINATION_RIGHT_FLAG = "termination-right"
DEDUCTIONS: tuple[type[Clause], ...] = (ShortfallPerStep, ShortfallBelow, LateDuty)


@dataclass(frozen=True)
class StatementLine:
    """One line: which clause, what it is, how it was computed, and the amount in yuan."""

    clause: str
    description: Bilingual
    formula: Bilingual
    amount: Decimal
    clause_index: int | None = None
    pass_through: bool = False
    # The figure keys the line was computed from, so the app can link each line to its evidence.
    figures: tuple[str, ...] = ()

    def as_json(self, lang: Language) -> dict[str, str]:
        return {
            "clause": self.clause,
            "description": self.description.text(lang),
            "formula": self.formula.text(lang),
            "amount": plain_amount(self.amount),
        }


@dataclass(frozen=True)
class Flag:
    code: str
    reason: Bilingual


@dataclass(frozen=True)
class Statement:
    month: Month
    lines: tuple[StatementLine, ...]
    flags: tuple[Flag, ...] = ()
    currency: str = "CNY"

    @property
    def service_fee(self) -> Decimal:
        """Every line that is not passed through: fees, deductions, refunds, interest."""
        return _sum(line.amount for line in self.lines if not line.pass_through)

    @property
    def pass_through(self) -> Decimal:
        return _sum(line.amount for line in self.lines if line.pass_through)

    @property
    def total_due(self) -> Decimal:
        return _sum(line.amount for line in self.lines)

    def as_json(self, lang: Language = "zh") -> dict[str, object]:
        return {
            "lines": [line.as_json(lang) for line in self.lines],
            "service_fee": plain_amount(self.service_fee),
            "pass_through": plain_amount(self.pass_through),
            "total_due": plain_amount(self.total_due),
            "flags": [flag.code for flag in self.flags],
        }

    def render_text(self, lang: Language = "zh") -> str:
        zh = lang == "zh"
        out = [
            f"结算单 {self.month}(币种 {self.currency})"
            if zh
            else f"Statement {self.month} ({self.currency})",
            "",
        ]
        for number, line in enumerate(self.lines, start=1):
            out.append(f"{number:>2}. {line.description.text(lang)} [{line.clause}]")
            out.append(f"    {line.formula.text(lang)}")
            out.append(f"    = {yuan(line.amount)}")
        out.append("")
        labels = (
            ("服务费合计", "代付合计", "应付总额") if zh else ("Service fee", "Passed through", "Total due")
        )
        amounts = (self.service_fee, self.pass_through, self.total_due)
        out += [
            f"{label}{':' if zh else ': '}{yuan(amount)}"
            for label, amount in zip(labels, amounts, strict=True)
        ]
        for flag in self.flags:
            out.append(f"{'标记:' if zh else 'Flag: '}{flag.code} — {flag.reason.text(lang)}")
        return "\n".join(out) + "\n"


def _sum(amounts: Iterable[Decimal]) -> Decimal:
    return to_fen(sum(amounts, ZERO))


# --- which figures a month needs ----------------------------------------------------------------


def _metric_keys(metric: Metric) -> tuple[str, ...]:
    return ("gmv",) if metric == "gmv" else ("gmv", "refunds")


def figures_needed(contract: Contract, month: Month) -> dict[str, list[str]]:
    """Figure key → the clauses that need it this month (e.g. ``"clause 2 (commission_over_target)"``)."""
    needs: dict[str, list[str]] = {}
    target_from_figures = contract.monthly_target.from_plan
    position = month.months_after(contract.service_period.first_month)

    def need(keys: Iterable[str], index: int, clause: Clause) -> None:
        for key in keys:
            needs.setdefault(key, []).append(f"clause {index} ({clause.type})")

    for index, clause in enumerate(contract.clauses, start=1):
        target = ("target",) if target_from_figures else ()
        match clause:
            case CommissionOverTarget() | BonusOverTarget() | ShortfallPerStep() | ShortfallBelow():
                need((*target, *_metric_keys(clause.metric)), index, clause)
            case ProfitShare():
                need(("profit",), index, clause)
            case LateDuty():
                need(("late_duty_days",), index, clause)
            case AdSpendPassthrough():
                need(("ad_spend",), index, clause)
            case LatePayment():
                need(("unpaid_previous", "days_past_due"), index, clause)
            case Trial() if position == clause.months - 1:
                need((*_metric_keys(clause.metric), "history"), index, clause)
            case TerminationRight():
                history = ("history",) if clause.months > 1 else ()
                need((*target, *_metric_keys(clause.metric), *history), index, clause)
    return needs


# --- settling a month ----------------------------------------------------------------------------


@dataclass
class _Month:
    """What every clause of this month reads: checked figures, the target, the base fee charged."""

    contract: Contract
    month: Month
    figures: Figures
    target: Decimal | None
    base_fee: Decimal
    trial: tuple[int, Trial] | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def position(self) -> int:
        """0 for the first month of the service period."""
        return self.month.months_after(self.contract.service_period.first_month)

    def actual(self, metric: Metric) -> Decimal:
        value = self.figures.actual(metric)
        assert value is not None  # figures_needed has made sure
        return value

    def actual_text(self, metric: Metric) -> str:
        """The metric as written in a formula; net sales show their subtraction."""
        if metric == "gmv":
            return yuan(self.actual("gmv"))
        assert self.figures.gmv is not None and self.figures.refunds is not None
        return f"({yuan(self.figures.gmv)} {MINUS} {yuan(self.figures.refunds)})"

    def known_target(self) -> Decimal:
        assert self.target is not None  # figures_needed has made sure
        return self.target


def _line(
    index: int,
    clause: Clause,
    formula: Bilingual,
    amount: Decimal,
    figures: tuple[str, ...] = (),
    pass_through: bool = False,
) -> StatementLine:
    return StatementLine(
        clause=clause.type,
        description=clause_title(clause),
        formula=formula,
        amount=to_fen(amount),
        clause_index=index,
        pass_through=pass_through,
        figures=figures,
    )


def _no_target(target: Decimal) -> Bilingual:
    return Bilingual(
        f"当月目标为 {yuan(target)}:无达成率可言,本条当月不适用",
        f"the month's target is {yuan(target)}: there is no achievement to measure, so the clause does not apply",
    )


def _target_keys(m: _Month, metric: Metric) -> tuple[str, ...]:
    return ("target", *_metric_keys(metric))


def _base_fee(m: _Month, index: int, clause: BaseFee) -> StatementLine:
    if m.trial is None or m.position >= m.trial[1].months:
        text = yuan(clause.amount)
        return _line(index, clause, Bilingual.same(text), clause.amount)
    trial = m.trial[1]
    n = m.position + 1
    amount = clause.amount * trial.fee_share
    return _line(
        index,
        clause,
        Bilingual(
            f"{yuan(clause.amount)} × {percent(trial.fee_share)}(试用期第 {n}/{trial.months} 个月)",
            f"{yuan(clause.amount)} × {percent(trial.fee_share)} (trial month {n} of {trial.months})",
        ),
        amount,
    )


def _commission(m: _Month, index: int, clause: CommissionOverTarget) -> StatementLine:
    actual, target = m.actual(clause.metric), m.known_target()
    amount = clause.rate * max(ZERO, actual - target)
    text = f"{percent(clause.rate)} × max(0, {m.actual_text(clause.metric)} {MINUS} {yuan(target)})"
    return _line(index, clause, Bilingual.same(text), amount, _target_keys(m, clause.metric))


def _profit_share(m: _Month, index: int, clause: ProfitShare) -> StatementLine:
    profit = m.figures.profit
    assert profit is not None
    text = f"{percent(clause.rate)} × max(0, {yuan(profit)})"
    return _line(index, clause, Bilingual.same(text), clause.rate * max(ZERO, profit), ("profit",))


def _bonus(m: _Month, index: int, clause: BonusOverTarget) -> StatementLine:
    actual, target = m.actual(clause.metric), m.known_target()
    keys = _target_keys(m, clause.metric)
    if target == 0:
        return _line(index, clause, _no_target(target), ZERO, keys)
    bar = target * (1 + clause.over)
    comparison = f"{yuan(target)} × (1 + {percent(clause.over)}) = {yuan(bar)}"
    if actual >= bar:
        share = f"{percent(clause.rate)} × {yuan(m.base_fee)}"
        formula = Bilingual(
            f"{share},因 {m.actual_text(clause.metric)} ≥ {comparison}",
            f"{share}, as {m.actual_text(clause.metric)} ≥ {comparison}",
        )
        return _line(index, clause, formula, clause.rate * m.base_fee, keys)
    formula = Bilingual(
        f"未达成:{m.actual_text(clause.metric)} < {comparison}",
        f"not earned: {m.actual_text(clause.metric)} < {comparison}",
    )
    return _line(index, clause, formula, ZERO, keys)


def _shortfall_per_step(m: _Month, index: int, clause: ShortfallPerStep) -> StatementLine:
    actual, target = m.actual(clause.metric), m.known_target()
    keys = _target_keys(m, clause.metric)
    if target == 0:
        return _line(index, clause, _no_target(target), ZERO, keys)
    missing = max(ZERO, target - actual)
    shortfall = ratio_percent(missing, target)
    definition = f"max(0, 1 {MINUS} {m.actual_text(clause.metric)} ÷ {yuan(target)}) = {shortfall}"
    if missing == 0:
        return _line(
            index,
            clause,
            Bilingual(f"差额 = {definition}:不扣款", f"shortfall = {definition}: nothing to deduct"),
            ZERO,
            keys,
        )
    share = f"{MINUS}{percent(clause.rate)} × {yuan(m.base_fee)}"
    if clause.rounding == "prorated":
        # One division, last, so the only rounding is the final one to the fen.
        amount = -(clause.rate * m.base_fee * missing / (target * clause.step))
        formula = Bilingual(
            f"{share} × ({shortfall} ÷ {percent(clause.step)});差额 = {definition}(按比例计)",
            f"{share} × ({shortfall} ÷ {percent(clause.step)}); shortfall = {definition} (prorated)",
        )
        return _line(index, clause, formula, amount, keys)
    # Divide-integer on Decimals is exact (both sides are positive, so it is the floor): a month
    # exactly one step short counts one whole step, never 0.999… of one.
    steps = missing // (target * clause.step)
    formula = Bilingual(
        f"{share} × {steps} 档;差额 = {definition},档数 = floor({shortfall} ÷ {percent(clause.step)}) = {steps}",
        f"{share} × {steps} steps; shortfall = {definition}, steps = floor({shortfall} ÷ "
        f"{percent(clause.step)}) = {steps}",
    )
    return _line(index, clause, formula, -(clause.rate * m.base_fee * steps), keys)


def _shortfall_below(m: _Month, index: int, clause: ShortfallBelow) -> StatementLine:
    actual, target = m.actual(clause.metric), m.known_target()
    keys = _target_keys(m, clause.metric)
    if target == 0:
        return _line(index, clause, _no_target(target), ZERO, keys)
    bar = clause.threshold * target
    comparison = f"{percent(clause.threshold)} × {yuan(target)} = {yuan(bar)}"
    shown = m.actual_text(clause.metric)
    if actual < bar:
        share = f"{MINUS}{percent(clause.rate)} × {yuan(m.base_fee)}"
        formula = Bilingual(f"{share},因 {shown} < {comparison}", f"{share}, as {shown} < {comparison}")
        return _line(index, clause, formula, -(clause.rate * m.base_fee), keys)
    formula = Bilingual(f"不扣款:{shown} ≥ {comparison}", f"not applied: {shown} ≥ {comparison}")
    return _line(index, clause, formula, ZERO, keys)


def _late_duty(m: _Month, index: int, clause: LateDuty) -> StatementLine:
    days = m.figures.late_duty_days
    assert days is not None
    amount = clause.rate * m.base_fee * days
    per_day = f"{percent(clause.rate)} × {yuan(m.base_fee)} × {days}"
    unit = "day" if days == 1 else "days"
    if clause.cap is None:
        formula = Bilingual(f"{MINUS}{per_day} 天", f"{MINUS}{per_day} {unit}")
    else:
        ceiling = f"{percent(clause.cap)} × {yuan(m.base_fee)}"
        amount = min(amount, clause.cap * m.base_fee)
        formula = Bilingual(
            f"{MINUS}min({per_day} 天, {ceiling})", f"{MINUS}min({per_day} {unit}, {ceiling})"
        )
    return _line(index, clause, formula, -amount, ("late_duty_days",))


def _ad_spend(m: _Month, index: int, clause: AdSpendPassthrough) -> StatementLine:
    spend = m.figures.ad_spend
    assert spend is not None
    formula = Bilingual(f"{yuan(spend)}(按实际花费)", f"{yuan(spend)} at cost")
    return _line(index, clause, formula, spend, ("ad_spend",), pass_through=True)


def _late_payment(m: _Month, index: int, clause: LatePayment) -> StatementLine:
    unpaid, days = m.figures.unpaid_previous, m.figures.days_past_due
    assert unpaid is not None and days is not None
    charged = max(0, days - clause.grace_days)
    text = f"{percent(clause.rate_per_day)} × {yuan(unpaid)} × max(0, {days} {MINUS} {clause.grace_days})"
    formula = Bilingual(f"{text} 天", f"{text} days")
    return _line(
        index, clause, formula, clause.rate_per_day * unpaid * charged, ("unpaid_previous", "days_past_due")
    )


def _earlier_month(
    m: _Month, month: Month, metric: Metric, needed_by: str, index: int, kind: str
) -> Decimal | None:
    entry = m.figures.earlier(month)
    if entry is None:
        m.problems.append(Problem("history", f"has no entry for {month}, which {needed_by}", index, kind))
        return None
    if entry.metric != metric:
        m.problems.append(
            Problem(
                "history",
                f"{month} records `actual` as {entry.metric}, but clause {index} ({kind}) measures {metric}",
                index,
                kind,
            )
        )
        return None
    return entry.actual


def _trial_refund(m: _Month, index: int, clause: Trial) -> StatementLine | None:
    if m.position != clause.months - 1:
        return None  # the refund is decided once, on the last trial month's statement
    before_start = m.contract.service_period.first_month.shifted(-1)
    baseline = _earlier_month(
        m,
        before_start,
        clause.metric,
        "is the month before the start that the trial compares with",
        index,
        clause.type,
    )
    if baseline is None:
        return None
    actual = m.actual(clause.metric)
    bar = baseline * (1 + clause.target_growth)
    comparison = f"{yuan(baseline)} × (1 + {percent(clause.target_growth)}) = {yuan(bar)}"
    shown = m.actual_text(clause.metric)
    keys = (*_metric_keys(clause.metric), "history")
    if actual >= bar:
        formula = Bilingual(
            f"试用期目标已达成:{shown} ≥ {comparison}({before_start} 为基准),不退款",
            f"trial target met: {shown} ≥ {comparison} ({before_start} is the baseline), no refund",
        )
        return _line(index, clause, formula, ZERO, keys)
    fees = f"{yuan(m.base_fee)} × {clause.months}"
    formula = Bilingual(
        f"{MINUS}{percent(clause.refund_share)} × ({fees} 个试用月);试用期目标未达成:{shown} < {comparison}"
        f"({before_start} 为基准)",
        f"{MINUS}{percent(clause.refund_share)} × ({fees} trial month{'' if clause.months == 1 else 's'}); "
        f"trial target missed: {shown} < "
        f"{comparison} ({before_start} is the baseline)",
    )
    return _line(index, clause, formula, -(clause.refund_share * m.base_fee * clause.months), keys)


def _below(actual: Decimal, target: Decimal, threshold: Decimal) -> bool:
    # A zero target cannot be fallen short of: such a month ends a streak.
    return target > 0 and actual < threshold * target


def _termination_right(m: _Month, index: int, clause: TerminationRight) -> Flag | None:
    current_target = m.known_target()
    actual = m.actual(clause.metric)
    if not _below(actual, current_target, clause.threshold):
        return None
    streak: list[tuple[Month, Decimal, Decimal]] = [(m.month, actual, current_target)]
    first = m.contract.service_period.first_month
    earlier = m.month.shifted(-1)
    while len(streak) < clause.months and earlier >= first:
        needed_by = f"termination_right (clause {index}) needs to count consecutive months below target"
        value = _earlier_month(m, earlier, clause.metric, needed_by, index, clause.type)
        entry = m.figures.earlier(earlier)
        if value is None or entry is None:
            return None
        if entry.target is None:
            m.problems.append(
                Problem("history", f"{earlier} has no `target`, which {needed_by}", index, clause.type)
            )
            return None
        if not _below(value, entry.target, clause.threshold):
            break
        streak.append((earlier, value, entry.target))
        earlier = earlier.shifted(-1)
    if len(streak) < clause.months:
        return None
    streak.reverse()
    zh_months = ",".join(f"{mo}({yuan(a)} / 目标 {yuan(t)})" for mo, a, t in streak)
    en_months = ", ".join(f"{mo} ({yuan(a)} of {yuan(t)})" for mo, a, t in streak)
    return Flag(
        TERMINATION_RIGHT_FLAG,
        Bilingual(
            f"连续 {len(streak)} 个月低于目标的 {percent(clause.threshold)},商家可依第 {index} 条无责解约:{zh_months}",
            f"{len(streak)} consecutive months below {percent(clause.threshold)} of target; the merchant may "
            f"terminate without liability under clause {index}: {en_months}",
        ),
    )


def _deduction_cap(lines: list[StatementLine], base_fee: Decimal) -> StatementLine | None:
    deductions = [line for line in lines if line.clause in {k.type for k in DEDUCTIONS} and line.amount < 0]
    taken = -_sum(line.amount for line in deductions)
    if taken <= base_fee:
        return None
    back = taken - base_fee
    parts = " + ".join(yuan(-line.amount) for line in deductions)
    return StatementLine(
        clause=DEDUCTION_CAP,
        description=Bilingual(
            "扣款上限:扣款合计不超过基础服务费", "Deduction cap: deductions never exceed the base fee"
        ),
        formula=Bilingual(
            f"扣款合计 {parts} = {yuan(taken)},超过基础服务费 {yuan(base_fee)},返还 {yuan(taken)} {MINUS} "
            f"{yuan(base_fee)} = {yuan(back)}",
            f"deductions {parts} = {yuan(taken)} exceed the base fee {yuan(base_fee)}: {yuan(taken)} {MINUS} "
            f"{yuan(base_fee)} = {yuan(back)} given back",
        ),
        amount=to_fen(back),
        figures=tuple(dict.fromkeys(key for line in deductions for key in line.figures)),
    )


def _month_target(contract: Contract, month: Month, figures: Figures, needed: bool) -> Decimal | None:
    stated = contract.monthly_target
    if stated.from_plan:
        return figures.target
    target = stated.by_month.get(month)
    if target is None:
        if needed:
            raise SettlementError([Problem("monthly_target", f"the contract states no target for {month}")])
        return figures.target
    if figures.target is not None and figures.target != target:
        raise FiguresError(
            [
                Problem(
                    "target",
                    f"is {yuan(figures.target)} but the contract states {yuan(target)} for {month}; "
                    "the contract's target is the one that counts (leave `target` out or correct it)",
                )
            ]
        )
    return target


def settle(contract: Contract, month: Month, figures: Figures) -> Statement:
    """The statement of `month`: one line per clause, the deduction cap if it bites, the flags.

    Raises `SettlementError` for a month the contract does not cover, and `FiguresError` naming
    every figure the contract needs that is missing or contradicts it.
    """
    period = contract.service_period
    if not period.covers(month):
        raise SettlementError(
            [Problem("month", f"{month} is outside the service period {period.start} to {period.end}")]
        )
    problems: list[Problem] = []
    if figures.month is not None and figures.month != month:
        problems.append(Problem("month", f"the figures are for {figures.month}, not {month}"))
    for entry in figures.history or ():
        if entry.month >= month:
            problems.append(
                Problem("history", f"lists {entry.month}; history holds only months before {month}")
            )
    needed = figures_needed(contract, month)
    target = _month_target(contract, month, figures, needed=_uses_target(contract))
    for key, users in needed.items():
        if key == "target" and target is not None:
            continue
        if getattr(figures, key) is None:
            problems.append(Problem(key, f"is missing; needed by {', '.join(users)}"))
    if problems:
        raise FiguresError(problems)

    with exact_arithmetic():
        return _compute(contract, month, figures, target)


def _uses_target(contract: Contract) -> bool:
    kinds = (CommissionOverTarget, BonusOverTarget, ShortfallPerStep, ShortfallBelow, TerminationRight)
    return any(isinstance(clause, kinds) for clause in contract.clauses)


def _compute(contract: Contract, month: Month, figures: Figures, target: Decimal | None) -> Statement:
    trials = contract.numbered(Trial)
    m = _Month(contract, month, figures, target, base_fee=ZERO, trial=trials[0] if trials else None)
    base_clause = contract.numbered(BaseFee)
    base_line = _base_fee(m, *base_clause[0]) if base_clause else None
    m.base_fee = base_line.amount if base_line else ZERO

    lines: list[StatementLine] = []
    flags: list[Flag] = []
    for index, clause in enumerate(contract.clauses, start=1):
        line: StatementLine | None = None
        match clause:
            case BaseFee():
                line = base_line
            case CommissionOverTarget():
                line = _commission(m, index, clause)
            case ProfitShare():
                line = _profit_share(m, index, clause)
            case BonusOverTarget():
                line = _bonus(m, index, clause)
            case ShortfallPerStep():
                line = _shortfall_per_step(m, index, clause)
            case ShortfallBelow():
                line = _shortfall_below(m, index, clause)
            case LateDuty():
                line = _late_duty(m, index, clause)
            case AdSpendPassthrough():
                line = _ad_spend(m, index, clause)
            case LatePayment():
                line = _late_payment(m, index, clause)
            case Trial():
                line = _trial_refund(m, index, clause)
            case TerminationRight():
                flag = _termination_right(m, index, clause)
                if flag is not None and all(f.code != flag.code for f in flags):
                    flags.append(flag)
        if line is not None:
            lines.append(line)
    if m.problems:
        raise FiguresError(m.problems)

    service = [line for line in lines if not line.pass_through]
    cap = _deduction_cap(service, m.base_fee)
    if cap is not None:
        service.append(cap)
    passed_through = [line for line in lines if line.pass_through]
    return Statement(month, tuple(service + passed_through), tuple(flags), contract.currency)


# --- forecast ------------------------------------------------------------------------------------

PACED_FIGURES = ("gmv", "refunds", "profit", "ad_spend")


def project_month_end(month_to_date: Figures, month: Month, through: dt.date) -> Figures:
    """What the figures would be if the month ends at the pace so far ("what if" forecast).

    Sales, refunds, profit and ad spend are scaled by days in month ÷ days elapsed and rounded to
    the fen; the target, lateness, unpaid amounts and history are what they are and stay.
    """
    if Month.of(through) != month:
        raise ValueError(f"{through} is not in {month}")
    days_in_month = calendar.monthrange(month.year, month.month)[1]
    elapsed = through.day
    scaled: dict[str, Any] = {}
    with exact_arithmetic():
        for key in PACED_FIGURES:
            value = getattr(month_to_date, key)
            if value is not None:
                scaled[key] = to_fen(value * days_in_month / elapsed)
    return replace(month_to_date, **scaled)
