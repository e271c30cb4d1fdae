"""Guardrail checks and approval requests over the API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.responses import Status

from steward.accounts.access import get_engagement_for
from steward.accounts.api_auth import current_person
from steward.approvals import services
from steward.approvals.guardrails import NEEDS_APPROVAL, GuardrailError, Proposal
from steward.approvals.models import ApprovalPolicy, ApprovalRequest

router = Router(tags=["approvals"])


class ProposalIn(Schema):
    kind: str
    value: Decimal | None = None
    sku: str | None = None
    campaign: str | None = None
    planned_date: dt.date | None = None
    service: str | None = None

    def to_proposal(self) -> Proposal:
        try:
            return Proposal(
                kind=self.kind,
                value=self.value,
                sku=self.sku,
                campaign=self.campaign,
                planned_date=self.planned_date,
                service=self.service,
            )
        except GuardrailError as exc:
            field, _, message = str(exc).partition(": ")
            raise ValidationError({field: message}) from exc


class FindingOut(Schema):
    policy: str
    verdict: str
    message_zh: str
    message_en: str


class CheckOut(Schema):
    outcome: str
    findings: list[FindingOut]
    decider: str | None
    due_at: dt.datetime | None
    amount: Decimal | None


@router.post("/engagements/{engagement_id}/guardrails/check", response=CheckOut)
def guardrail_check(request: HttpRequest, engagement_id: int, payload: ProposalIn) -> CheckOut:
    engagement = get_engagement_for(current_person(request), engagement_id)
    verdict = services.check_action(engagement, payload.to_proposal())
    due = None
    if verdict.outcome == NEEDS_APPROVAL:
        due = services._window_end(timezone.now(), verdict.response_hours, verdict.working_time, engagement)
    return CheckOut(
        outcome=verdict.outcome,
        findings=[
            FindingOut(policy=f.policy, verdict=f.verdict, message_zh=f.message_zh, message_en=f.message_en)
            for f in verdict.findings
        ],
        decider=verdict.decider or None,
        due_at=due,
        amount=verdict.amount,
    )


class QuestionOut(Schema):
    question: str
    asked_at: dt.datetime
    answer: str
    answered_at: dt.datetime | None


class ApprovalOut(Schema):
    id: int
    engagement_id: int
    kind: str
    title: str
    proposal: dict[str, Any]
    findings: list[dict[str, Any]]
    reason: str
    evidence: list[dict[str, Any]]
    source: str
    state: str
    decider_role: str
    requested_by: str | None
    requested_at: dt.datetime
    due_at: dt.datetime
    seconds_left: int
    escalated_at: dt.datetime | None
    decided_by: str | None
    decided_at: dt.datetime | None
    decision_reason: str
    late_submission: bool
    questions: list[QuestionOut]


def approval_out(r: ApprovalRequest) -> ApprovalOut:
    return ApprovalOut(
        id=r.pk,
        engagement_id=r.engagement_id,
        kind=r.kind,
        title=r.title,
        proposal=r.proposal,
        findings=r.findings,
        reason=r.reason,
        evidence=r.evidence,
        source=r.source,
        state=r.state,
        decider_role=r.decider_role,
        requested_by=str(r.requested_by) if r.requested_by else None,
        requested_at=r.requested_at,
        due_at=r.due_at,
        seconds_left=int((r.due_at - timezone.now()).total_seconds()),
        escalated_at=r.escalated_at,
        decided_by=str(r.decided_by) if r.decided_by else None,
        decided_at=r.decided_at,
        decision_reason=r.decision_reason,
        late_submission=r.late_submission,
        questions=[
            QuestionOut(question=q.question, asked_at=q.asked_at, answer=q.answer, answered_at=q.answered_at)
            for q in r.questions.all()
        ],
    )


class ApprovalIn(ProposalIn):
    reason: str
    title: str = ""
    evidence: list[dict[str, Any]] = []  # noqa: RUF012 - pydantic copies defaults


@router.get("/engagements/{engagement_id}/approvals", response=list[ApprovalOut])
def list_approvals(request: HttpRequest, engagement_id: int) -> list[ApprovalOut]:
    engagement = get_engagement_for(current_person(request), engagement_id)
    return [
        approval_out(r) for r in engagement.approval_requests.select_related("requested_by", "decided_by")
    ]


@router.post("/engagements/{engagement_id}/approvals", response={201: ApprovalOut})
def new_approval(request: HttpRequest, engagement_id: int, payload: ApprovalIn) -> Status[ApprovalOut]:
    person = current_person(request)
    engagement = get_engagement_for(person, engagement_id)
    created = services.request_approval(
        engagement,
        person,
        payload.to_proposal(),
        payload.reason,
        title=payload.title,
        evidence=payload.evidence,
    )
    return Status(201, approval_out(created))


class InboxOut(Schema):
    items: list[ApprovalOut]


@router.get("/approvals/inbox", response=InboxOut)
def my_inbox(request: HttpRequest) -> InboxOut:
    return InboxOut(items=[approval_out(i.request) for i in services.inbox(current_person(request))])


def _approval_for(request: HttpRequest, approval_id: int) -> ApprovalRequest:
    return get_object_or_404(services.visible_requests(current_person(request)), pk=approval_id)


@router.get("/approvals/{approval_id}", response=ApprovalOut)
def get_approval(request: HttpRequest, approval_id: int) -> ApprovalOut:
    return approval_out(_approval_for(request, approval_id))


class TextIn(Schema):
    text: str = ""


@router.post("/approvals/{approval_id}/{action}", response=ApprovalOut)
def act(request: HttpRequest, approval_id: int, action: str, payload: TextIn) -> ApprovalOut:
    person = current_person(request)
    found = _approval_for(request, approval_id)
    if action == "approve":
        found = services.decide(found, person, approve=True, reason=payload.text)
    elif action == "reject":
        found = services.decide(found, person, approve=False, reason=payload.text)
    elif action == "ask":
        found = services.ask_question(found, person, payload.text)
    elif action == "answer":
        found = services.answer_question(found, person, payload.text)
    elif action == "withdraw":
        found = services.withdraw(found, person)
    else:
        raise Http404("action")
    return approval_out(found)


class PolicyOut(Schema):
    id: int
    code: str
    kind: str
    params: dict[str, Any]
    tiers: list[dict[str, Any]]
    response_hours: int
    working_time: bool
    on_timeout: str
    enabled: bool


class PolicyPatch(Schema):
    params: dict[str, Any] | None = None
    tiers: list[dict[str, Any]] | None = None
    response_hours: int | None = None
    working_time: bool | None = None
    on_timeout: str | None = None
    enabled: bool | None = None


def _policy_out(p: ApprovalPolicy) -> PolicyOut:
    return PolicyOut(
        id=p.pk, code=p.code, kind=p.kind, params=p.params, tiers=p.tiers, response_hours=p.response_hours,
        working_time=p.working_time, on_timeout=p.on_timeout, enabled=p.enabled,
    )  # fmt: skip


@router.get("/engagements/{engagement_id}/approval-policies", response=list[PolicyOut])
def list_policies(request: HttpRequest, engagement_id: int) -> list[PolicyOut]:
    engagement = get_engagement_for(current_person(request), engagement_id)
    return [_policy_out(p) for p in services.ensure_policies(engagement)]


@router.patch("/engagements/{engagement_id}/approval-policies/{policy_id}", response=PolicyOut)
def change_policy(
    request: HttpRequest, engagement_id: int, policy_id: int, payload: PolicyPatch
) -> PolicyOut:
    person = current_person(request)
    engagement = get_engagement_for(person, engagement_id)
    row = get_object_or_404(engagement.approval_policies, pk=policy_id)
    return _policy_out(services.update_policy(row, person, **payload.model_dump(exclude_none=True)))


class StatsQuery(Schema):
    month: str


class StatsOut(Schema):
    month: str
    requested: int
    approved: int
    rejected: int
    expired: int
    open: int
    median_hours_to_decide: Decimal | None
    late_by_agency: int
    late_by_merchant: int


@router.get("/engagements/{engagement_id}/approvals/stats", response=StatsOut)
def stats(request: HttpRequest, engagement_id: int, query: Query[StatsQuery]) -> StatsOut:
    engagement = get_engagement_for(current_person(request), engagement_id)
    try:
        year, month = (int(part) for part in query.month.split("-"))
        dt.date(year, month, 1)
    except ValueError as exc:
        raise ValidationError({"month": "use YYYY-MM"}) from exc
    s = services.monthly_stats(engagement.approval_requests.all(), year, month)
    return StatsOut(**s.__dict__)
