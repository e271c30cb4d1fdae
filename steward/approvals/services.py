"""Approval workflow: check a proposal, request a decision, decide, ask, time out, remind."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from steward.accounts.access import visible_engagement_ids
from steward.accounts.models import MERCHANT_ROLES, Membership, Person, Role
from steward.approvals.guardrails import (
    ALLOWED,
    NOT_ALLOWED,
    GuardrailError,
    Policy,
    Product,
    Proposal,
    Verdict,
    check,
    default_policies,
    parse_policy,
)
from steward.approvals.models import (
    OPEN_STATES,
    ApprovalPolicy,
    ApprovalQuestion,
    ApprovalRequest,
    ApprovalState,
)
from steward.audit.services import record, record_create, snapshot
from steward.duties.services import current_calendar, party_of
from steward.duties.workdays import SHANGHAI
from steward.engagements.models import Engagement
from steward.shops.models import Sku
from steward.steps import StepNotAllowed


class ApprovalError(StepNotAllowed):
    """A step the request's state does not allow (already decided, nothing to approve...)."""


def ensure_policies(engagement: Engagement) -> list[ApprovalPolicy]:
    """The engagement's policies; the practitioners' defaults are written on first use."""
    rows = list(engagement.approval_policies.all())
    if rows:
        return rows
    with transaction.atomic():
        for policy in default_policies():
            row = ApprovalPolicy.objects.create(
                engagement=engagement,
                code=policy.code,
                kind=policy.kind,
                params={k: str(v) if isinstance(v, Decimal) else v for k, v in policy.params.items()},
                tiers=[
                    {"role": t.role, "up_to": str(t.up_to) if t.up_to is not None else None}
                    for t in policy.tiers
                ],
                response_hours=policy.response_hours,
                working_time=policy.working_time,
                on_timeout=policy.on_timeout,
            )
            record_create(row, None, engagement_id=engagement.pk)
            rows.append(row)
    return rows


def policies_of(engagement: Engagement) -> list[Policy]:
    policies = []
    for i, row in enumerate(ensure_policies(engagement)):
        raw = {
            "code": row.code,
            "kind": row.kind,
            "params": row.params,
            "tiers": row.tiers,
            "response_hours": row.response_hours,
            "working_time": row.working_time,
            "on_timeout": row.on_timeout,
            "enabled": row.enabled,
        }
        policies.append(parse_policy(raw, i))
    return policies


def update_policy(row: ApprovalPolicy, person: Person, **changes: Any) -> ApprovalPolicy:
    """The merchant's owner changes a guardrail; the new version is validated before saving."""
    if not Membership.objects.filter(
        person=person, organisation_id=row.engagement.merchant_id, role=Role.MERCHANT_OWNER
    ).exists():
        raise PermissionDenied("only the merchant's owner changes the guardrails")
    allowed = {"params", "tiers", "response_hours", "working_time", "on_timeout", "enabled"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError({sorted(unknown)[0]: "this field cannot be changed"})
    with transaction.atomic():
        row = ApprovalPolicy.objects.select_for_update().get(pk=row.pk)
        before = snapshot(row)
        for name, value in changes.items():
            setattr(row, name, value)
        try:
            parse_policy({"code": row.code, "kind": row.kind, "params": row.params, "tiers": row.tiers,
                          "response_hours": row.response_hours, "working_time": row.working_time,
                          "on_timeout": row.on_timeout}, 0)  # fmt: skip
        except GuardrailError as exc:
            raise ValidationError({row.code: str(exc)}) from exc
        row.save()
        record(
            "policy_changed",
            actor=person,
            target=row,
            engagement_id=row.engagement_id,
            before=before,
            after=snapshot(row),
        )
    return row


def product_of(engagement: Engagement, code: str | None) -> Product | None:
    if not code:
        return None
    sku = Sku.objects.filter(shop__in=engagement.shops.all(), code=code).first()
    if sku is None:
        raise ValidationError({"sku": f"no product {code!r} in this engagement's shops"})
    return Product(sku.code, sku.price, sku.cost, sku.role)


def contract_services(engagement: Engagement) -> frozenset[str]:
    """Services the engagement already pays for, as listed on its unlisted-service guardrail."""
    row = engagement.approval_policies.filter(kind="unlisted_service").first()
    included = row.params.get("included", []) if row is not None else []
    return frozenset(str(s) for s in included)


def check_action(engagement: Engagement, proposal: Proposal, today: dt.date | None = None) -> Verdict:
    return check(
        proposal,
        policies_of(engagement),
        product_of(engagement, proposal.sku),
        contract_services(engagement),
        today or timezone.localdate(),
    )


def _window_end(start: dt.datetime, hours: int, working_time: bool, engagement: Engagement) -> dt.datetime:
    if not working_time:
        return start + dt.timedelta(hours=hours)
    from steward.engagements.requests import hours_for

    office = hours_for(engagement)
    # "7 days" in working time means 7 working days of office hours.
    day_seconds = int(
        (
            dt.datetime.combine(dt.date.min, office.end) - dt.datetime.combine(dt.date.min, office.start)
        ).total_seconds()
    )
    seconds = (hours // 24) * day_seconds + (hours % 24) * 3600
    due, _ = current_calendar().add_working_seconds(start, seconds, office)
    return due


def _findings_json(verdict: Verdict) -> list[dict[str, Any]]:
    return [
        {"policy": f.policy, "verdict": f.verdict, "message_zh": f.message_zh, "message_en": f.message_en}
        for f in verdict.findings
    ]


def _deciders(engagement: Engagement, role: str) -> list[Person]:
    roles = [Role.MERCHANT_OWNER] if role == Role.MERCHANT_OWNER else [role, Role.MERCHANT_OWNER]
    return [
        m.person
        for m in Membership.objects.filter(
            organisation_id=engagement.merchant_id, role__in=roles
        ).select_related("person")
    ]


def _notify(
    request: ApprovalRequest,
    people: list[Person],
    kind: str,
    title_zh: str,
    title_en: str,
    severity: str = "warning",
) -> None:
    from steward.notifications.services import notify

    notify(
        people,
        engagement=request.engagement,
        kind=kind,
        severity=severity,
        title_zh=title_zh,
        body_zh=request.title,
        title_en=title_en,
        body_en=request.title,
        link=f"/approvals/{request.pk}/",
    )


def request_approval(
    engagement: Engagement,
    person: Person | None,
    proposal: Proposal,
    reason: str,
    *,
    title: str = "",
    evidence: list[dict[str, Any]] | None = None,
    source: str = "person",
    source_ref: str = "",
    now: dt.datetime | None = None,
) -> ApprovalRequest:
    """Ask the merchant for a decision (from the agency, or from a signal when ``person`` is None)."""
    if person is not None and party_of(person, engagement) != "agency":
        raise PermissionDenied("the agency asks for approval")
    if not reason.strip():
        raise ValidationError({"reason": "say why the agency wants to do this"})
    now = now or timezone.now()
    verdict = check_action(engagement, proposal, now.astimezone(SHANGHAI).date())
    if verdict.outcome == ALLOWED:
        raise ApprovalError("no guardrail applies: this action does not need approval")
    if verdict.outcome == NOT_ALLOWED:
        reasons = "; ".join(f.message_en for f in verdict.findings if f.verdict == NOT_ALLOWED)
        raise ApprovalError(f"not allowed: {reasons}")
    on_timeout = next(
        (p.on_timeout for p in policies_of(engagement) if p.code == verdict.findings[0].policy),
        "escalate_then_reject",
    )
    late = any(f.policy.startswith("event-plan") and "fewer than" in f.message_en for f in verdict.findings)
    with transaction.atomic():
        request = ApprovalRequest.objects.create(
            engagement=engagement,
            kind=proposal.kind,
            title=title.strip() or verdict.findings[0].message_zh,
            proposal={
                "kind": proposal.kind,
                "value": str(proposal.value) if proposal.value is not None else None,
                "sku": proposal.sku,
                "campaign": proposal.campaign,
                "planned_date": proposal.planned_date.isoformat() if proposal.planned_date else None,
                "service": proposal.service,
            },
            findings=_findings_json(verdict),
            amount=verdict.amount,
            reason=reason.strip(),
            evidence=evidence or [],
            late_submission=late,
            source=source,
            source_ref=source_ref,
            requested_by=person,
            requested_at=now,
            decider_role=verdict.decider,
            response_hours=verdict.response_hours,
            working_time=verdict.working_time,
            on_timeout=on_timeout,
            due_at=_window_end(now, verdict.response_hours, verdict.working_time, engagement),
        )
        record_create(request, person, engagement_id=engagement.pk)
        _notify(
            request,
            _deciders(engagement, request.decider_role),
            "approval_requested",
            "有新的审批待处理",
            "An approval waits for you",
        )
    return request


def can_decide(person: Person, request: ApprovalRequest) -> bool:
    roles = set(
        Membership.objects.filter(
            person=person, organisation_id=request.engagement.merchant_id, role__in=MERCHANT_ROLES
        ).values_list("role", flat=True)
    )
    return Role.MERCHANT_OWNER in roles or request.decider_role in roles


def decide(
    request: ApprovalRequest,
    person: Person,
    *,
    approve: bool,
    reason: str = "",
    now: dt.datetime | None = None,
) -> ApprovalRequest:
    """Approve or reject. The row is locked: of two people deciding at once, one wins and the
    other is told it was already decided."""
    if not approve and not reason.strip():
        raise ValidationError({"reason": "a reason is required to reject"})
    if not can_decide(person, request):
        raise PermissionDenied("you are not the decider of this request")
    now = now or timezone.now()
    with transaction.atomic():
        locked = ApprovalRequest.objects.select_for_update().get(pk=request.pk)
        if locked.state not in OPEN_STATES:
            who = f" by {locked.decided_by}" if locked.decided_by else ""
            raise ApprovalError(f"already decided{who}: {locked.get_state_display()}")
        before = snapshot(locked)
        locked.state = ApprovalState.APPROVED if approve else ApprovalState.REJECTED
        locked.decided_by, locked.decided_at, locked.decision_reason = person, now, reason.strip()
        locked.save()
        locked.questions.filter(answered_at__isnull=True).update(
            answered_at=now, answer="（已决定，问题关闭）"
        )
        record(
            "approval_decided",
            actor=person,
            target=locked,
            engagement_id=locked.engagement_id,
            summary=locked.title,
            before={"state": before["state"]},
            after={"state": locked.state, "reason": locked.decision_reason},
        )
        if locked.requested_by is not None:
            verb_zh, verb_en = ("已批准", "approved") if approve else ("已驳回", "rejected")
            _notify(
                locked,
                [locked.requested_by],
                "approval_decided",
                f"审批{verb_zh}",
                f"Approval {verb_en}",
                "info",
            )
    return locked


def ask_question(
    request: ApprovalRequest, person: Person, question: str, now: dt.datetime | None = None
) -> ApprovalRequest:
    """The decider asks the agency something; the clock stops until the answer."""
    if not question.strip():
        raise ValidationError({"question": "write the question"})
    if not can_decide(person, request):
        raise PermissionDenied("only the decider asks questions")
    now = now or timezone.now()
    with transaction.atomic():
        locked = ApprovalRequest.objects.select_for_update().get(pk=request.pk)
        if locked.state != ApprovalState.PENDING:
            raise ApprovalError(f"the request is {locked.get_state_display()}")
        ApprovalQuestion.objects.create(
            request=locked, asked_by=person, asked_at=now, question=question.strip()
        )
        locked.state = ApprovalState.QUESTION
        locked.save(update_fields=["state"])
        record(
            "approval_question",
            actor=person,
            target=locked,
            engagement_id=locked.engagement_id,
            after={"question": question.strip()},
        )
    return locked


def answer_question(
    request: ApprovalRequest, person: Person, answer: str, now: dt.datetime | None = None
) -> ApprovalRequest:
    if not answer.strip():
        raise ValidationError({"answer": "write the answer"})
    if party_of(person, request.engagement) != "agency":
        raise PermissionDenied("the agency answers the decider's question")
    now = now or timezone.now()
    with transaction.atomic():
        locked = ApprovalRequest.objects.select_for_update().get(pk=request.pk)
        question = locked.questions.filter(answered_at__isnull=True).first()
        if locked.state != ApprovalState.QUESTION or question is None:
            raise ApprovalError("there is no open question")
        question.answered_by, question.answered_at, question.answer = person, now, answer.strip()
        question.save()
        # The paused stretch is given back: the deadline moves by the time the question was open.
        if locked.working_time:
            from steward.engagements.requests import hours_for

            paused = current_calendar().working_seconds_between(
                question.asked_at, now, hours_for(locked.engagement)
            )
            locked.due_at, _ = current_calendar().add_working_seconds(
                locked.due_at, paused, hours_for(locked.engagement)
            )
        else:
            locked.due_at = locked.due_at + (now - question.asked_at)
        locked.state = ApprovalState.PENDING
        locked.save(update_fields=["state", "due_at"])
        record("approval_answered", actor=person, target=locked, engagement_id=locked.engagement_id,
               after={"answer": answer.strip(), "due_at": locked.due_at})  # fmt: skip
    return locked


def withdraw(request: ApprovalRequest, person: Person) -> ApprovalRequest:
    if party_of(person, request.engagement) != "agency":
        raise PermissionDenied("the agency withdraws its own request")
    with transaction.atomic():
        locked = ApprovalRequest.objects.select_for_update().get(pk=request.pk)
        if locked.state not in OPEN_STATES:
            raise ApprovalError(f"already decided: {locked.get_state_display()}")
        locked.state = ApprovalState.WITHDRAWN
        locked.save(update_fields=["state"])
        record("approval_withdrawn", actor=person, target=locked, engagement_id=locked.engagement_id)
    return locked


def sweep_timeouts(now: dt.datetime | None = None) -> list[ApprovalRequest]:
    """Escalate to the owner, then expire as rejected; approve by silence only when a policy says so."""
    now = now or timezone.now()
    changed = []
    for request_id in ApprovalRequest.objects.filter(state=ApprovalState.PENDING, due_at__lt=now).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            locked = (
                ApprovalRequest.objects.select_for_update(of=("self",))
                .select_related("engagement")
                .get(pk=request_id)
            )
            if locked.state != ApprovalState.PENDING or locked.due_at >= now:
                continue
            before = {"state": locked.state, "decider_role": locked.decider_role, "due_at": locked.due_at}
            if locked.on_timeout == "escalate_then_reject" and locked.decider_role != Role.MERCHANT_OWNER:
                locked.decider_role = Role.MERCHANT_OWNER
                locked.escalated_at = now
                locked.due_at = _window_end(
                    now, locked.response_hours, locked.working_time, locked.engagement
                )
                action = "approval_escalated"
                _notify(
                    locked,
                    _deciders(locked.engagement, Role.MERCHANT_OWNER),
                    "approval_escalated",
                    "审批已升级给您",
                    "An approval was escalated to you",
                )
            elif locked.on_timeout == "approve":
                locked.state, locked.decided_at = ApprovalState.APPROVED, now
                locked.decision_reason = "按约定：期限内未答复视为同意"
                action = "approval_approved_by_silence"
            else:
                locked.state, locked.decided_at = ApprovalState.EXPIRED, now
                locked.decision_reason = "期限内未答复，按约定视为驳回"
                action = "approval_expired"
            locked.save()
            record(action, target=locked, engagement_id=locked.engagement_id, before=before,
                   after={"state": locked.state, "decider_role": locked.decider_role, "due_at": locked.due_at})  # fmt: skip
            changed.append(locked)
    return changed


def send_reminders(now: dt.datetime | None = None) -> int:
    """One reminder when a quarter of the decision window is left."""
    now = now or timezone.now()
    sent = 0
    for request in ApprovalRequest.objects.filter(
        state=ApprovalState.PENDING, reminded_at__isnull=True, due_at__gt=now
    ).select_related("engagement"):
        window = request.due_at - (request.escalated_at or request.requested_at)
        if request.due_at - now > window / 4:
            continue
        with transaction.atomic():
            updated = ApprovalRequest.objects.filter(pk=request.pk, reminded_at__isnull=True).update(
                reminded_at=now
            )
            if updated:
                _notify(
                    request,
                    _deciders(request.engagement, request.decider_role),
                    "approval_reminder",
                    "审批即将到期",
                    "An approval is about to expire",
                )
                sent += 1
    return sent


@dataclass(frozen=True)
class InboxItem:
    request: ApprovalRequest
    seconds_left: int


def inbox(person: Person, now: dt.datetime | None = None) -> list[InboxItem]:
    """What waits on this person: requests they may decide, and (for the agency) questions to answer."""
    now = now or timezone.now()
    visible = ApprovalRequest.objects.filter(
        engagement_id__in=visible_engagement_ids(person), state__in=OPEN_STATES
    )
    roles_by_merchant: dict[int, set[str]] = {}
    for m in Membership.objects.filter(person=person, role__in=MERCHANT_ROLES):
        roles_by_merchant.setdefault(m.organisation_id, set()).add(m.role)
    items = []
    for request in visible.select_related("engagement", "requested_by").order_by("due_at"):
        roles = roles_by_merchant.get(request.engagement.merchant_id, set())
        mine = (
            request.state == ApprovalState.PENDING
            and (Role.MERCHANT_OWNER in roles or request.decider_role in roles)
        ) or (request.state == ApprovalState.QUESTION and not roles and request.requested_by_id is not None)
        if mine:
            items.append(InboxItem(request, int((request.due_at - now).total_seconds())))
    return items


def visible_requests(person: Person) -> QuerySet[ApprovalRequest]:
    return ApprovalRequest.objects.filter(engagement_id__in=visible_engagement_ids(person))


@dataclass(frozen=True)
class MonthStats:
    month: str
    requested: int
    approved: int
    rejected: int
    expired: int
    open: int
    median_hours_to_decide: Decimal | None
    late_by_agency: int
    late_by_merchant: int


def monthly_stats(requests: QuerySet[ApprovalRequest], year: int, month: int) -> MonthStats:
    start = dt.datetime(year, month, 1, tzinfo=SHANGHAI)
    end = dt.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=SHANGHAI)
    rows = list(requests.filter(requested_at__gte=start, requested_at__lt=end))
    hours = [
        Decimal((r.decided_at - r.requested_at).total_seconds()) / 3600
        for r in rows
        if r.decided_at is not None and r.decided_by_id is not None
    ]
    median = statistics.median(hours).quantize(Decimal("0.1")) if hours else None
    late_merchant = sum(
        1
        for r in rows
        if r.state == ApprovalState.EXPIRED or (r.decided_at and r.decided_at > r.due_at) or r.escalated_at
    )
    return MonthStats(
        month=f"{year}-{month:02d}",
        requested=len(rows),
        approved=sum(r.state == ApprovalState.APPROVED for r in rows),
        rejected=sum(r.state == ApprovalState.REJECTED for r in rows),
        expired=sum(r.state == ApprovalState.EXPIRED for r in rows),
        open=sum(r.state in OPEN_STATES for r in rows),
        median_hours_to_decide=median,
        late_by_agency=sum(r.late_submission for r in rows),
        late_by_merchant=late_merchant,
    )
