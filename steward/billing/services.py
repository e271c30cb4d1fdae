"""The workflow of contracts and statements: every step a page, an endpoint or the demo calls.

Each step authorizes (which side the person acts for), validates, then changes state inside
`transaction.atomic()` and writes an audit event in the same transaction. The figures come from
the database here; the arithmetic is `settlement.settle`, the same code `steward settle` runs.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from steward.accounts.access import side_in
from steward.accounts.models import Person
from steward.audit.services import record
from steward.billing.contract import Contract, ContractCheck, Month, check_contract, load_contract
from steward.billing.figures import Figures, HistoryMonth
from steward.billing.models import (
    OPEN_STATES,
    ContractFile,
    LineDispute,
    Statement,
    StatementLine,
    StatementState,
)
from steward.billing.money import InvalidValue, parse_money
from steward.billing.problems import BillingInputError, Problem
from steward.billing.settlement import Statement as ComputedStatement
from steward.billing.settlement import figures_needed, project_month_end, settle
from steward.duties.models import Duty, DutyState, Party
from steward.engagements.models import (
    Deliverable,
    DeliverableKind,
    DeliverableVersion,
    Engagement,
    Signature,
    VersionStatus,
)
from steward.engagements.services import _default_signers, add_version, decide_version
from steward.shops.models import CampaignDaily, ShopDaily
from steward.steps import StepNotAllowed

CONTRACT_TITLE = "托管服务合同"
FEN_PER_YUAN = Decimal(100)


class BillingStepError(StepNotAllowed):
    """A contract or statement step that the current state does not allow."""


def _side(person: Person, engagement: Engagement) -> str:
    side = side_in(person, engagement)
    if side is None:
        raise PermissionDenied("not a party to this engagement")
    return side


def problems_error(problems: list[Problem] | tuple[Problem, ...]) -> ValidationError:
    """Problems as a ValidationError keyed by where they are, so the API and forms name the place."""
    errors: dict[str, list[str]] = {}
    for problem in problems:
        where = (
            f"clause {problem.clause_index}" + (f".{problem.field}" if problem.field else "")
            if problem.clause_index is not None
            else problem.field or "source"
        )
        errors.setdefault(where, []).append(str(problem))
    return ValidationError(errors)


# --- contracts -----------------------------------------------------------------------------------


def contract_deliverable(engagement: Engagement) -> Deliverable | None:
    found = ContractFile.objects.filter(engagement=engagement).select_related("deliverable").first()
    return found.deliverable if found else None


def submit_contract(
    engagement: Engagement, person: Person, source: str, note: str = ""
) -> DeliverableVersion:
    """A new version of the engagement's contract from YAML text; nothing is saved when it has errors.

    The version goes through the deliverable mechanism, so the merchant's owner and the agency's
    lead sign exactly this text (its hash), and a later version needs signing again.
    """
    _side(person, engagement)
    check = check_contract(source)
    if not check.ok:
        raise problems_error(check.errors)
    assert check.contract is not None
    with transaction.atomic():
        deliverable = contract_deliverable(engagement)
        if deliverable is None:
            deliverable = Deliverable.objects.create(
                engagement=engagement, kind=DeliverableKind.OTHER, title=CONTRACT_TITLE
            )
            deliverable.signers.set(_default_signers(engagement))
            ContractFile.objects.create(engagement=engagement, deliverable=deliverable)
        version = add_version(
            deliverable,
            person,
            content={"format": "steward-contract/1", "source": source},
            note=note,
        )
        record(
            "contract_submitted",
            actor=person,
            target=version,
            engagement_id=engagement.pk,
            summary=f"{CONTRACT_TITLE} v{version.number}",
            after={"warnings": [str(w) for w in check.warnings], "content_hash": version.content_hash},
        )
    return version


def sign_contract(
    version: DeliverableVersion, person: Person, *, sign: bool, reason: str = "", ip: str | None = None
) -> Signature:
    return decide_version(
        version, person, sign=sign, reason=reason, ip=ip, expected_hash=version.content_hash
    )


def contract_of_version(version: DeliverableVersion) -> Contract:
    content = version.content or {}
    return load_contract(content.get("source", ""), name=f"v{version.number}")


def check_of_version(version: DeliverableVersion) -> ContractCheck:
    return check_contract((version.content or {}).get("source", ""))


def signed_contract(engagement: Engagement) -> DeliverableVersion | None:
    """The latest version both sides signed: the only one a statement may be computed under."""
    deliverable = contract_deliverable(engagement)
    if deliverable is None:
        return None
    return deliverable.versions.filter(status=VersionStatus.SIGNED).order_by("-number").first()


# --- the month's figures from the database -------------------------------------------------------


def month_days(month: Month) -> tuple[dt.date, dt.date]:
    last = calendar.monthrange(month.year, month.month)[1]
    return dt.date(month.year, month.month, 1), dt.date(month.year, month.month, last)


def _yuan(fen: int | None) -> Decimal | None:
    # Integer fen → yuan exactly: a Decimal built from the int, scaled by an exact power of ten.
    return None if fen is None else (Decimal(fen) / FEN_PER_YUAN).quantize(Decimal("0.01"))


@dataclass
class Gathered:
    figures: Figures
    sources: dict[str, str] = field(default_factory=dict)  # figure key → where it came from
    late_duties: list[Duty] = field(default_factory=list)


def _shop_sums(engagement: Engagement, first: dt.date, last: dt.date) -> tuple[Decimal | None, ...]:
    shop_ids = list(engagement.shops.values_list("pk", flat=True))
    daily = ShopDaily.objects.filter(shop_id__in=shop_ids, date__range=(first, last))
    sums = daily.aggregate(gmv=Sum("gmv_fen"), refunds=Sum("refunds_fen"))
    spend = CampaignDaily.objects.filter(shop_id__in=shop_ids, date__range=(first, last)).aggregate(
        spend=Sum("spend_fen")
    )["spend"]
    # No campaign rows in a month with shop data means nothing was spent, not an unknown spend.
    if spend is None and sums["gmv"] is not None:
        spend = 0
    return _yuan(sums["gmv"]), _yuan(sums["refunds"]), _yuan(spend)


def late_agency_duties(engagement: Engagement, month: Month, as_of: dt.date) -> list[Duty]:
    """The agency's duties due in `month` that were (or still are) late as of `as_of`."""
    first, last = month_days(month)
    duties = Duty.objects.filter(
        engagement=engagement, owner_party=Party.AGENCY, due_at__date__range=(first, last)
    ).exclude(state=DutyState.CANCELLED)
    return [d for d in duties.order_by("due_at", "pk") if d.late_days_as_of(as_of) > 0]


def _history(engagement: Engagement, contract: Contract, month: Month) -> tuple[HistoryMonth, ...]:
    """Earlier months from the month before the service began, for the trial and termination clauses."""
    start = contract.service_period.first_month.shifted(-1)
    if start >= month:
        return ()
    first = month_days(start)[0]
    last = month_days(month.shifted(-1))[1]
    shop_ids = list(engagement.shops.values_list("pk", flat=True))
    rows = (
        ShopDaily.objects.filter(shop_id__in=shop_ids, date__range=(first, last))
        .annotate(m=TruncMonth("date"))
        .values("m")
        .annotate(gmv=Sum("gmv_fen"))
        .order_by("m")
    )
    entries = []
    for row in rows:
        gmv = _yuan(row["gmv"])
        if gmv is None:
            continue
        earlier = Month.of(row["m"])
        target = contract.monthly_target.by_month.get(earlier)
        entries.append(HistoryMonth(earlier, gmv, target))
    return tuple(entries)


def _previous_payment(engagement: Engagement, month: Month, as_of: dt.date) -> tuple[Decimal, int, str]:
    """Unpaid amount and days past due of the previous month's confirmed statement."""
    previous = (
        Statement.objects.filter(
            engagement=engagement, month=str(month.shifted(-1)), state=StatementState.CONFIRMED
        )
        .order_by("-number")
        .first()
    )
    if previous is None:
        return Decimal("0.00"), 0, "上月没有已确认的结算单"
    paid_or_now = previous.paid_on or as_of
    days = max(0, (paid_or_now - previous.due_on).days)
    unpaid = previous.total_due if days > 0 else Decimal("0.00")
    return unpaid, days, f"{previous.month} 结算单第 {previous.number} 版(编号 {previous.pk})"


def gather_figures(
    engagement: Engagement,
    contract: Contract,
    month: Month,
    *,
    as_of: dt.date,
    profit: Decimal | None = None,
    target: Decimal | None = None,
    through: dt.date | None = None,
) -> Gathered:
    """The month's figures as the app knows them; `through` cuts the month short for a forecast."""
    first, last = month_days(month)
    gmv, refunds, spend = _shop_sums(engagement, first, through or last)
    shops = "、".join(engagement.shops.values_list("name", flat=True)) or "—"
    period = f"{first} 至 {through or last}"
    sources = {
        "gmv": f"{shops} 每日成交金额之和,{period}",
        "refunds": f"{shops} 每日退款金额之和,{period}",
        "ad_spend": f"{shops} 各推广计划每日花费之和,{period}",
    }
    values: dict[str, Any] = {"month": month, "gmv": gmv, "refunds": refunds, "ad_spend": spend}
    if profit is not None:
        values["profit"] = profit
        sources["profit"] = "商家申报(结算单上填写)"
    if target is not None:
        values["target"] = target
        sources["target"] = "结算单上填写(取自运营计划)"
    elif month in contract.monthly_target.by_month:
        # Stated with the figures too, so the statement shows the target beside the sales it
        # was compared with; `settle` checks the two agree.
        values["target"] = contract.monthly_target.by_month[month]
        sources["target"] = "合同约定的当月目标"
    late = late_agency_duties(engagement, month, as_of)
    values["late_duty_days"] = sum(d.late_days_as_of(as_of) for d in late)
    sources["late_duty_days"] = f"托管方 {month} 到期的事项中有 {len(late)} 项延误,按 {as_of} 计算天数"
    unpaid, days, where = _previous_payment(engagement, month, as_of)
    values["unpaid_previous"], values["days_past_due"] = unpaid, days
    sources["unpaid_previous"] = sources["days_past_due"] = where
    if "history" in figures_needed(contract, month):
        values["history"] = _history(engagement, contract, month)
        sources["history"] = "此前各月店铺成交金额与合同目标"
    return Gathered(Figures(**values), sources, late)


def read_amount(value: object, name: str, *, allow_negative: bool = False) -> Decimal | None:
    """A yuan amount typed by a person (profit, target), or None when left empty."""
    if value is None or value == "":
        return None
    try:
        return parse_money(str(value).replace(",", ""), allow_negative=allow_negative)
    except InvalidValue as error:
        raise ValidationError({name: str(error)}) from None


# --- statements ------------------------------------------------------------------------------


def _due_on(contract: Contract, month: Month) -> dt.date:
    """Payment is due on the contract's settlement day of the month after the month settled."""
    following = month.shifted(1)
    day = min(contract.settlement_day, calendar.monthrange(following.year, following.month)[1])
    return dt.date(following.year, following.month, day)


def figures_json(figures: Figures) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key in ("target", "gmv", "refunds", "profit", "ad_spend", "unpaid_previous"):
        value = getattr(figures, key)
        if value is not None:
            data[key] = str(value)
    for key in ("late_duty_days", "days_past_due"):
        value = getattr(figures, key)
        if value is not None:
            data[key] = value
    if figures.history:
        data["history"] = [
            {
                "month": str(h.month),
                "actual": str(h.actual),
                "target": None if h.target is None else str(h.target),
            }
            for h in figures.history
        ]
    return data


def compute(
    engagement: Engagement,
    version: DeliverableVersion,
    month: Month,
    *,
    as_of: dt.date,
    profit: Decimal | None,
    target: Decimal | None,
    through: dt.date | None = None,
) -> tuple[ComputedStatement, Gathered]:
    contract = contract_of_version(version)
    gathered = gather_figures(
        engagement, contract, month, as_of=as_of, profit=profit, target=target, through=through
    )
    figures = gathered.figures
    if through is not None:
        figures = project_month_end(figures, month, through)
    try:
        return settle(contract, month, figures), gathered
    except BillingInputError as error:
        raise problems_error(error.problems) from None


def draft_statement(
    engagement: Engagement,
    person: Person,
    month: Month,
    *,
    profit: Decimal | None = None,
    target: Decimal | None = None,
    as_of: dt.date | None = None,
) -> Statement:
    """The agency drafts the month's statement under the signed contract.

    A month keeps every statement ever drafted: a redraft of an unconfirmed statement supersedes
    it; a draft after a confirmed one is a correction that references it, and the confirmed
    statement itself stays exactly as it was confirmed.
    """
    if _side(person, engagement) != Party.AGENCY:
        raise PermissionDenied("the agency drafts statements")
    version = signed_contract(engagement)
    if version is None:
        raise BillingStepError("the engagement has no contract signed by both sides yet")
    as_of = as_of or timezone.localdate()
    if month_days(month)[1] >= as_of:
        raise BillingStepError(f"{month} has not ended yet; use the forecast until it has")
    computed, gathered = compute(engagement, version, month, as_of=as_of, profit=profit, target=target)
    contract = contract_of_version(version)
    with transaction.atomic():
        # Lock the engagement's statements of the month so two drafts cannot take the same number.
        earlier = list(
            Statement.objects.select_for_update()
            .filter(engagement=engagement, month=str(month))
            .order_by("-number")
        )
        latest = earlier[0] if earlier else None
        statement = Statement.objects.create(
            engagement=engagement,
            month=str(month),
            number=(latest.number + 1) if latest else 1,
            contract_version=version,
            corrects=latest,
            figures=figures_json(gathered.figures),
            sources=gathered.sources,
            flags=[{"code": f.code, "zh": f.reason.zh, "en": f.reason.en} for f in computed.flags],
            service_fee=computed.service_fee,
            pass_through=computed.pass_through,
            total_due=computed.total_due,
            due_on=_due_on(contract, month),
            created_by=person,
        )
        for position, line in enumerate(computed.lines, start=1):
            stored = StatementLine.objects.create(
                statement=statement,
                position=position,
                clause=line.clause,
                clause_index=line.clause_index,
                description_zh=line.description.zh,
                description_en=line.description.en,
                formula_zh=line.formula.zh,
                formula_en=line.formula.en,
                amount=line.amount,
                pass_through=line.pass_through,
                figure_keys=list(line.figures),
            )
            if "late_duty_days" in line.figures and gathered.late_duties:
                stored.duties.set(gathered.late_duties)
        if latest is not None and latest.state in OPEN_STATES:
            latest.state = StatementState.SUPERSEDED
            latest.save(update_fields=["state"])
        record(
            "statement_drafted",
            actor=person,
            target=statement,
            engagement_id=engagement.pk,
            summary=f"{month} #{statement.number}: {statement.total_due}",
            after={
                "figures": statement.figures,
                "lines": [{"clause": line.clause, "amount": line.amount} for line in computed.lines],
                "total_due": statement.total_due,
                "corrects": latest.pk if latest else None,
                "contract_version": version.number,
            },
        )
    return statement


def _locked(statement: Statement) -> Statement:
    """The statement re-read under a row lock: confirm and dispute may race, the first one wins."""
    return Statement.objects.select_for_update().get(pk=statement.pk)


def _latest_number(statement: Statement) -> int:
    return (
        Statement.objects.filter(engagement_id=statement.engagement_id, month=statement.month)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
        or 0
    )


def confirm_statement(statement: Statement, person: Person) -> Statement:
    if _side(person, statement.engagement) != Party.MERCHANT:
        raise PermissionDenied("the merchant confirms statements")
    with transaction.atomic():
        locked = _locked(statement)
        if locked.state not in OPEN_STATES:
            raise BillingStepError(f"the statement is {locked.get_state_display()}; nothing to confirm")
        if locked.open_disputes().exists():
            raise BillingStepError("a disputed line still waits for the agency's answer")
        if locked.number != _latest_number(locked):
            raise BillingStepError("a newer statement for this month exists")
        before = locked.state
        locked.state = StatementState.CONFIRMED
        locked.confirmed_by = person
        locked.confirmed_at = timezone.now()
        locked.save(update_fields=["state", "confirmed_by", "confirmed_at"])
        record(
            "statement_confirmed",
            actor=person,
            target=locked,
            engagement_id=locked.engagement_id,
            summary=f"{locked.month} #{locked.number}: {locked.total_due}",
            before={"state": before},
            after={"state": locked.state, "total_due": locked.total_due},
        )
    return locked


def dispute_line(line: StatementLine, person: Person, reason: str) -> LineDispute:
    statement = line.statement
    if _side(person, statement.engagement) != Party.MERCHANT:
        raise PermissionDenied("the merchant disputes statement lines")
    if not reason.strip():
        raise ValidationError({"reason": "say what is wrong with the line"})
    with transaction.atomic():
        locked = _locked(statement)
        if locked.state not in OPEN_STATES:
            raise BillingStepError(
                f"the statement is {locked.get_state_display()}; it can no longer be disputed"
            )
        if line.disputes.filter(answered_at__isnull=True).exists():
            raise BillingStepError("this line already has a dispute waiting for an answer")
        dispute = LineDispute.objects.create(line=line, reason=reason.strip(), raised_by=person)
        before = locked.state
        locked.state = StatementState.DISPUTED
        locked.save(update_fields=["state"])
        record(
            "statement_line_disputed",
            actor=person,
            target=dispute,
            engagement_id=locked.engagement_id,
            summary=f"{locked.month} #{locked.number} line {line.position} ({line.clause})",
            before={"state": before},
            after={"line": line.position, "amount": line.amount, "reason": dispute.reason},
        )
    return dispute


def answer_dispute(dispute: LineDispute, person: Person, answer: str) -> LineDispute:
    statement = dispute.line.statement
    if _side(person, statement.engagement) != Party.AGENCY:
        raise PermissionDenied("the agency answers disputes")
    if not answer.strip():
        raise ValidationError({"answer": "write the answer"})
    with transaction.atomic():
        locked = _locked(statement)
        fresh = LineDispute.objects.get(pk=dispute.pk)
        if fresh.answered_at is not None:
            raise BillingStepError("this dispute has already been answered")
        if locked.state not in OPEN_STATES:
            raise BillingStepError(f"the statement is {locked.get_state_display()}")
        fresh.answer = answer.strip()
        fresh.answered_by = person
        fresh.answered_at = timezone.now()
        fresh.save(update_fields=["answer", "answered_by", "answered_at"])
        record(
            "statement_dispute_answered",
            actor=person,
            target=fresh,
            engagement_id=locked.engagement_id,
            summary=f"{locked.month} #{locked.number} line {fresh.line.position}",
            after={"answer": fresh.answer},
        )
    return fresh


def mark_paid(statement: Statement, person: Person, paid_on: dt.date) -> Statement:
    """The agency records the day the merchant's payment arrived (it feeds late-payment interest)."""
    if _side(person, statement.engagement) != Party.AGENCY:
        raise PermissionDenied("the agency records payments")
    with transaction.atomic():
        locked = _locked(statement)
        if locked.state != StatementState.CONFIRMED:
            raise BillingStepError("only a confirmed statement is paid")
        before = locked.paid_on
        locked.paid_on = paid_on
        locked.save(update_fields=["paid_on"])
        record(
            "statement_paid",
            actor=person,
            target=locked,
            engagement_id=locked.engagement_id,
            summary=f"{locked.month} #{locked.number} paid on {paid_on}",
            before={"paid_on": before},
            after={"paid_on": paid_on},
        )
    return locked


@dataclass(frozen=True)
class Forecast:
    month: Month
    through: dt.date
    statement: ComputedStatement
    month_to_date: Figures


def forecast(
    engagement: Engagement,
    person: Person,
    through: dt.date,
    *,
    profit: Decimal | None = None,
    target: Decimal | None = None,
) -> Forecast:
    """What the month's statement would be if it ends at the pace so far; nothing is stored."""
    _side(person, engagement)
    version = signed_contract(engagement)
    if version is None:
        raise BillingStepError("the engagement has no contract signed by both sides yet")
    month = Month.of(through)
    computed, gathered = compute(
        engagement, version, month, as_of=through, profit=profit, target=target, through=through
    )
    return Forecast(month, through, computed, gathered.figures)
