"""Contracts and statements over the API (mounted at /api/v1/billing).

Every lookup goes through `get_engagement_for`, so an outsider gets 404 for anything of an
engagement they do not see; the steps themselves live in `services`.
"""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Router, Schema
from ninja.responses import Status

from steward.accounts.access import get_engagement_for
from steward.accounts.api_auth import current_person
from steward.billing import exports, services
from steward.billing.contract import Month, render_contract
from steward.billing.models import LineDispute, Statement, StatementLine
from steward.engagements.models import DeliverableVersion

router = Router(tags=["billing"])


class ContractVersionOut(Schema):
    number: int
    status: str
    content_hash: str
    created_at: dt.datetime
    source: str
    text_zh: str
    text_en: str
    warnings: list[str]
    signed_by: list[str]


class ContractOut(Schema):
    engagement_id: int
    signed_version: int | None
    versions: list[ContractVersionOut]


class ContractIn(Schema):
    source: str
    note: str = ""


class SignIn(Schema):
    sign: bool = True
    reason: str = ""


class DisputeOut(Schema):
    id: int
    reason: str
    raised_by: str
    raised_at: dt.datetime
    answer: str
    answered_by: str | None
    answered_at: dt.datetime | None


class LineOut(Schema):
    id: int
    position: int
    clause: str
    clause_index: int | None
    description: str
    formula: str
    amount: str
    pass_through: bool
    figures: dict[str, object]
    duty_ids: list[int]
    disputes: list[DisputeOut]


class StatementOut(Schema):
    id: int
    engagement_id: int
    month: str
    number: int
    state: str
    corrects: int | None
    contract_version: int
    service_fee: str
    pass_through: str
    total_due: str
    flags: list[dict[str, str]]
    figures: dict[str, object]
    sources: dict[str, str]
    due_on: dt.date
    paid_on: dt.date | None
    lines: list[LineOut]


class DraftIn(Schema):
    month: str
    profit: str | None = None
    target: str | None = None


class ReasonIn(Schema):
    reason: str


class AnswerIn(Schema):
    answer: str


class PaidIn(Schema):
    paid_on: dt.date


class ForecastOut(Schema):
    month: str
    through: dt.date
    month_to_date: dict[str, object]
    statement: dict[str, object]


def _version_out(version: DeliverableVersion) -> ContractVersionOut:
    check = services.check_of_version(version)
    contract = check.contract
    return ContractVersionOut(
        number=version.number,
        status=version.status,
        content_hash=version.content_hash,
        created_at=version.created_at,
        source=(version.content or {}).get("source", ""),
        text_zh=render_contract(contract, "zh") if contract else "",
        text_en=render_contract(contract, "en") if contract else "",
        warnings=[str(w) for w in check.warnings],
        signed_by=[str(s.person) for s in version.signatures.all() if s.decision == "signed"],
    )


def statement_out(statement: Statement, lang: str = "zh") -> StatementOut:
    lines = statement.lines.prefetch_related("duties", "disputes__raised_by", "disputes__answered_by")
    return StatementOut(
        id=statement.pk,
        engagement_id=statement.engagement_id,
        month=statement.month,
        number=statement.number,
        state=statement.state,
        corrects=statement.corrects_id,
        contract_version=statement.contract_version.number,
        service_fee=str(statement.service_fee),
        pass_through=str(statement.pass_through),
        total_due=str(statement.total_due),
        flags=statement.flags,
        figures=statement.figures,
        sources=statement.sources,
        due_on=statement.due_on,
        paid_on=statement.paid_on,
        lines=[_line_out(line, statement, lang) for line in lines],
    )


def _line_out(line: StatementLine, statement: Statement, lang: str) -> LineOut:
    return LineOut(
        id=line.pk,
        position=line.position,
        clause=line.clause,
        clause_index=line.clause_index,
        description=line.description_zh if lang == "zh" else line.description_en,
        formula=line.formula_zh if lang == "zh" else line.formula_en,
        amount=str(line.amount),
        pass_through=line.pass_through,
        figures={key: statement.figures.get(key) for key in line.figure_keys},
        duty_ids=[d.pk for d in line.duties.all()],
        disputes=[
            DisputeOut(
                id=d.pk,
                reason=d.reason,
                raised_by=str(d.raised_by),
                raised_at=d.raised_at,
                answer=d.answer,
                answered_by=str(d.answered_by) if d.answered_by else None,
                answered_at=d.answered_at,
            )
            for d in line.disputes.all()
        ],
    )


def visible_statement(request: HttpRequest, statement_id: int) -> Statement:
    """A statement of an engagement the person sees, or 404 (never 403: outsiders learn nothing)."""
    person = current_person(request)
    statement = (
        Statement.objects.select_related("engagement", "contract_version").filter(pk=statement_id).first()
    )
    if statement is None:
        raise Http404("statement")
    get_engagement_for(person, statement.engagement_id)
    return statement


def _month(text: str) -> Month:
    try:
        return Month.parse(text)
    except ValueError as error:
        from django.core.exceptions import ValidationError

        raise ValidationError({"month": str(error)}) from None


@router.get("/engagements/{engagement_id}/contract", response=ContractOut)
def contract_detail(request: HttpRequest, engagement_id: int) -> ContractOut:
    engagement = get_engagement_for(current_person(request), engagement_id)
    deliverable = services.contract_deliverable(engagement)
    versions = (
        list(deliverable.versions.prefetch_related("signatures__person").order_by("number"))
        if deliverable
        else []
    )
    signed = services.signed_contract(engagement)
    return ContractOut(
        engagement_id=engagement.pk,
        signed_version=signed.number if signed else None,
        versions=[_version_out(v) for v in versions],
    )


@router.post("/engagements/{engagement_id}/contract", response={201: ContractVersionOut})
def contract_submit(request: HttpRequest, engagement_id: int, payload: ContractIn) -> Status:
    person = current_person(request)
    engagement = get_engagement_for(person, engagement_id)
    version = services.submit_contract(engagement, person, payload.source, payload.note)
    return Status(201, _version_out(version))


@router.post("/engagements/{engagement_id}/contract/versions/{number}/decision", response=ContractVersionOut)
def contract_decide(
    request: HttpRequest, engagement_id: int, number: int, payload: SignIn
) -> ContractVersionOut:
    person = current_person(request)
    engagement = get_engagement_for(person, engagement_id)
    deliverable = services.contract_deliverable(engagement)
    version = deliverable.versions.filter(number=number).first() if deliverable else None
    if version is None:
        raise Http404("contract version")
    services.sign_contract(
        version, person, sign=payload.sign, reason=payload.reason, ip=request.META.get("REMOTE_ADDR")
    )
    version.refresh_from_db()
    return _version_out(version)


@router.get("/engagements/{engagement_id}/statements", response=list[StatementOut])
def statement_list(request: HttpRequest, engagement_id: int, lang: str = "zh") -> list[StatementOut]:
    engagement = get_engagement_for(current_person(request), engagement_id)
    statements = engagement.statements.select_related("contract_version").order_by("-month", "-number")
    return [statement_out(s, lang) for s in statements]


@router.post("/engagements/{engagement_id}/statements", response={201: StatementOut})
def statement_draft(request: HttpRequest, engagement_id: int, payload: DraftIn) -> Status:
    person = current_person(request)
    engagement = get_engagement_for(person, engagement_id)
    statement = services.draft_statement(
        engagement,
        person,
        _month(payload.month),
        profit=services.read_amount(payload.profit, "profit", allow_negative=True),
        target=services.read_amount(payload.target, "target"),
    )
    return Status(201, statement_out(statement))


@router.get("/engagements/{engagement_id}/forecast", response=ForecastOut)
def statement_forecast(
    request: HttpRequest,
    engagement_id: int,
    through: dt.date,
    profit: str | None = None,
    target: str | None = None,
    lang: str = "zh",
) -> ForecastOut:
    person = current_person(request)
    engagement = get_engagement_for(person, engagement_id)
    result = services.forecast(
        engagement,
        person,
        through,
        profit=services.read_amount(profit, "profit", allow_negative=True),
        target=services.read_amount(target, "target"),
    )
    return ForecastOut(
        month=str(result.month),
        through=result.through,
        month_to_date=services.figures_json(result.month_to_date),
        statement=result.statement.as_json("en" if lang == "en" else "zh"),
    )


@router.get("/statements/{statement_id}", response=StatementOut)
def statement_detail(request: HttpRequest, statement_id: int, lang: str = "zh") -> StatementOut:
    return statement_out(visible_statement(request, statement_id), lang)


@router.post("/statements/{statement_id}/confirm", response=StatementOut)
def statement_confirm(request: HttpRequest, statement_id: int) -> StatementOut:
    statement = visible_statement(request, statement_id)
    return statement_out(services.confirm_statement(statement, current_person(request)))


@router.post("/statements/{statement_id}/lines/{line_id}/dispute", response={201: DisputeOut})
def line_dispute(request: HttpRequest, statement_id: int, line_id: int, payload: ReasonIn) -> Status:
    statement = visible_statement(request, statement_id)
    line = statement.lines.filter(pk=line_id).first()
    if line is None:
        raise Http404("line")
    d = services.dispute_line(line, current_person(request), payload.reason)
    return Status(201, _dispute_out(d))


@router.post("/statements/{statement_id}/disputes/{dispute_id}/answer", response=DisputeOut)
def dispute_answer(request: HttpRequest, statement_id: int, dispute_id: int, payload: AnswerIn) -> DisputeOut:
    statement = visible_statement(request, statement_id)
    dispute = LineDispute.objects.filter(pk=dispute_id, line__statement=statement).first()
    if dispute is None:
        raise Http404("dispute")
    return _dispute_out(services.answer_dispute(dispute, current_person(request), payload.answer))


@router.post("/statements/{statement_id}/paid", response=StatementOut)
def statement_paid(request: HttpRequest, statement_id: int, payload: PaidIn) -> StatementOut:
    statement = visible_statement(request, statement_id)
    return statement_out(services.mark_paid(statement, current_person(request), payload.paid_on))


@router.get("/statements/{statement_id}/pdf")
def statement_pdf(request: HttpRequest, statement_id: int) -> HttpResponse:
    return exports.pdf_response(visible_statement(request, statement_id))


@router.get("/statements/{statement_id}/xlsx")
def statement_xlsx(request: HttpRequest, statement_id: int) -> HttpResponse:
    return exports.xlsx_response(visible_statement(request, statement_id))


def _dispute_out(d: LineDispute) -> DisputeOut:
    return DisputeOut(
        id=d.pk,
        reason=d.reason,
        raised_by=str(d.raised_by),
        raised_at=d.raised_at,
        answer=d.answer,
        answered_by=str(d.answered_by) if d.answered_by else None,
        answered_at=d.answered_at,
    )
