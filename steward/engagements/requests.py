"""Requests raised between the parties, their response clocks, pauses, escalation and breaches."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from steward.accounts.models import Person
from steward.audit.services import record, record_create, snapshot
from steward.duties.services import current_calendar, party_of
from steward.duties.workdays import WorkingCalendar, WorkingHours
from steward.engagements.models import (
    CommunicationPlan,
    Engagement,
    RequestPause,
    RequestState,
    RequestTier,
    SlaBreach,
    SupportRequest,
)
from steward.engagements.sla import TIERS, ClockState, Interval, TierRule, breach_moment, clock
from steward.steps import StepNotAllowed


class RequestError(StepNotAllowed):
    """A step the request's state does not allow."""


def hours_for(engagement: Engagement) -> WorkingHours:
    plan = CommunicationPlan.objects.filter(engagement=engagement).first()
    if plan is None:
        return WorkingHours()
    return WorkingHours(plan.work_starts, plan.work_ends)


def _roles(rule: TierRule, responder_party: str) -> tuple[str, ...]:
    return rule.agency_roles if responder_party == "agency" else rule.merchant_roles


def raise_request(
    engagement: Engagement,
    person: Person,
    tier: str,
    title: str,
    body: str = "",
    now: dt.datetime | None = None,
) -> SupportRequest:
    party = party_of(person, engagement)
    if party is None:
        raise PermissionDenied("not a party to this engagement")
    if tier not in RequestTier.values:
        raise ValidationError({"tier": f"tier must be one of {', '.join(RequestTier.values)}"})
    if not title.strip():
        raise ValidationError({"title": "say what the request is about"})
    responder_party = "agency" if party == "merchant" else "merchant"
    request = SupportRequest(
        engagement=engagement,
        tier=tier,
        title=title.strip()[:300],
        body=body.strip(),
        raised_by=person,
        raised_party=party,
        raised_at=now or timezone.now(),
        responder_role=_roles(TIERS[tier], responder_party)[0],
    )
    with transaction.atomic():
        request.save()
        record_create(request, person, engagement_id=engagement.pk)
    return request


def _change(request: SupportRequest, person: Person | None, action: str, **changes: object) -> SupportRequest:
    before = snapshot(request)
    for name, value in changes.items():
        setattr(request, name, value)
    request.save()
    after = snapshot(request)
    keys = sorted(k for k in after if after[k] != before.get(k))
    record(
        action,
        actor=person,
        target=request,
        engagement_id=request.engagement_id,
        summary=request.title,
        before={k: before.get(k) for k in keys},
        after={k: after[k] for k in keys},
    )
    return request


def _require(person: Person, request: SupportRequest, party: str, doing: str) -> None:
    if party_of(person, request.engagement) != party:
        raise PermissionDenied(f"only the {party} side can {doing}")


def pause_request(
    request: SupportRequest, person: Person, reason: str, now: dt.datetime | None = None
) -> SupportRequest:
    """The responder waits on the raiser (missing information, a decision): the clock stops."""
    if not reason.strip():
        raise ValidationError({"reason": "say what you are waiting for"})
    _require(person, request, request.responder_party, "pause the clock")
    now = now or timezone.now()
    with transaction.atomic():
        request = SupportRequest.objects.select_for_update().get(pk=request.pk)
        if request.state not in {RequestState.OPEN, RequestState.ANSWERED}:
            raise RequestError(f"a request that is {request.get_state_display()} cannot be paused")
        RequestPause.objects.create(request=request, started_at=now, reason=reason.strip(), paused_by=person)
        return _change(request, person, "request_paused", state=RequestState.WAITING)


def resume_request(request: SupportRequest, person: Person, now: dt.datetime | None = None) -> SupportRequest:
    if party_of(person, request.engagement) is None:
        raise PermissionDenied("not a party to this engagement")
    now = now or timezone.now()
    with transaction.atomic():
        request = SupportRequest.objects.select_for_update().get(pk=request.pk)
        if request.state != RequestState.WAITING:
            raise RequestError("the request is not paused")
        request.pauses.filter(ended_at__isnull=True).update(ended_at=now)
        state = RequestState.ANSWERED if request.answered_at else RequestState.OPEN
        return _change(request, person, "request_resumed", state=state)


def answer_request(
    request: SupportRequest, person: Person, answer: str, now: dt.datetime | None = None
) -> SupportRequest:
    if not answer.strip():
        raise ValidationError({"answer": "write the answer or the plan"})
    _require(person, request, request.responder_party, "answer")
    now = now or timezone.now()
    with transaction.atomic():
        request = SupportRequest.objects.select_for_update().get(pk=request.pk)
        if request.state != RequestState.OPEN:
            raise RequestError(f"a request that is {request.get_state_display()} cannot be answered")
        done = RequestState.ANSWERED if TIERS[request.tier].resolve_seconds else RequestState.RESOLVED
        return _change(
            request,
            person,
            "request_answered",
            state=done,
            answered_at=now,
            answered_by=person,
            answer=answer.strip(),
            resolved_at=now if done == RequestState.RESOLVED else None,
            resolved_by=person if done == RequestState.RESOLVED else None,
        )


def resolve_request(
    request: SupportRequest, person: Person, now: dt.datetime | None = None
) -> SupportRequest:
    if party_of(person, request.engagement) is None:
        raise PermissionDenied("not a party to this engagement")
    now = now or timezone.now()
    with transaction.atomic():
        request = SupportRequest.objects.select_for_update().get(pk=request.pk)
        if request.state == RequestState.RESOLVED:
            raise RequestError("already resolved")
        request.pauses.filter(ended_at__isnull=True).update(ended_at=now)
        changes: dict[str, object] = {
            "state": RequestState.RESOLVED,
            "resolved_at": now,
            "resolved_by": person,
        }
        if request.answered_at is None:
            changes.update(answered_at=now, answered_by=person)
        return _change(request, person, "request_resolved", **changes)


@dataclass(frozen=True)
class RequestClocks:
    response: ClockState | None
    resolve: ClockState | None


def _pauses(request: SupportRequest) -> list[Interval]:
    return [Interval(p.started_at, p.ended_at) for p in request.pauses.all()]


def current_clocks(
    request: SupportRequest, now: dt.datetime, calendar: WorkingCalendar | None = None
) -> RequestClocks:
    """The running clocks of a request as of ``now`` (for display and for the breach sweep)."""
    calendar = calendar or current_calendar()
    rule = TIERS[request.tier]
    hours = hours_for(request.engagement) if rule.working_hours_only else None
    pauses = _pauses(request)
    response = None
    if request.answered_at is None:
        level = request.breaches.filter(clock="response").count()
        started = request.raised_at
        if level:
            last = request.breaches.filter(clock="response").order_by("-level").first()
            started = last.due_at if last else request.raised_at
        response = clock(started, now, rule.response_seconds, pauses, calendar, hours)
    resolve = None
    if rule.resolve_seconds and request.resolved_at is None:
        resolve = clock(request.raised_at, now, rule.resolve_seconds, pauses, calendar, None)
    return RequestClocks(response, resolve)


def check_request_clocks(now: dt.datetime | None = None) -> list[SlaBreach]:
    """Record every limit that ran out and hand the request to the next role (the periodic sweep)."""
    now = now or timezone.now()
    calendar = current_calendar()
    found: list[SlaBreach] = []
    pending = SupportRequest.objects.exclude(state=RequestState.RESOLVED).select_related("engagement")
    for request_id in pending.values_list("pk", flat=True):
        with transaction.atomic():
            request = (
                SupportRequest.objects.select_for_update().select_related("engagement").get(pk=request_id)
            )
            found.extend(_check_one(request, now, calendar))
    return found


def _check_one(request: SupportRequest, now: dt.datetime, calendar: WorkingCalendar) -> list[SlaBreach]:
    rule = TIERS[request.tier]
    hours = hours_for(request.engagement) if rule.working_hours_only else None
    pauses = _pauses(request)
    roles = _roles(rule, request.responder_party)
    breaches: list[SlaBreach] = []
    # Response: each level gets the tier's full limit from the moment the one before ran out.
    while request.answered_at is None:
        level = request.breaches.filter(clock="response").count()
        previous = request.breaches.filter(clock="response", level=level - 1).first() if level else None
        started = previous.due_at if previous else request.raised_at
        due = breach_moment(started, rule.response_seconds, pauses, calendar, hours)
        if due >= now:
            break
        current_role = roles[min(level, len(roles) - 1)]
        next_role = roles[level + 1] if level + 1 < len(roles) else ""
        breach = _record_breach(
            request, "response", level, due, request.responder_party, current_role, next_role
        )
        if breach is None:
            break
        breaches.append(breach)
        if next_role:
            _change(request, None, "request_escalated", responder_role=next_role)
        else:
            break  # nobody above: the breach stands, and no further levels are counted
    if rule.resolve_seconds and request.resolved_at is None:
        due = breach_moment(request.raised_at, rule.resolve_seconds, pauses, calendar, None)
        if due < now and not request.breaches.filter(clock="resolve").exists():
            breach = _record_breach(request, "resolve", 0, due, request.responder_party, roles[-1], "")
            if breach is not None:
                breaches.append(breach)
    return breaches


def _record_breach(
    request: SupportRequest,
    which: str,
    level: int,
    due: dt.datetime,
    party: str,
    role: str,
    escalated_to: str,
) -> SlaBreach | None:
    try:
        with transaction.atomic():
            breach = SlaBreach.objects.create(
                request=request,
                clock=which,
                level=level,
                due_at=due,
                party=party,
                role=role,
                escalated_to=escalated_to,
            )
    except IntegrityError:
        return None  # another sweep recorded it first
    _tell_breach(request, which, role, escalated_to)
    record(
        "sla_breached",
        target=breach,
        engagement_id=request.engagement_id,
        summary=f"{request.title}: {which} limit passed at {due.isoformat()}",
        after={"clock": which, "level": level, "party": party, "role": role, "escalated_to": escalated_to},
    )
    return breach


def _tell_breach(request: SupportRequest, which: str, role: str, escalated_to: str) -> None:
    """The role that missed the limit and the one it now falls to hear about it at once."""
    from steward.notifications.services import notify, people_of

    roles = [r for r in (role, escalated_to) if r]
    limit_zh = "响应" if which == "response" else "解决"
    limit_en = "response" if which == "response" else "resolution"
    notify(
        people_of(request.engagement, roles=roles),
        engagement=request.engagement,
        kind="sla_breach",
        severity="critical" if request.tier == "critical" else "warning",
        title_zh=f"{request.get_tier_display()}请求超过{limit_zh}时限",
        body_zh=request.title + (f"（已升级给{escalated_to}）" if escalated_to else ""),
        title_en=f"A {request.tier} request passed its {limit_en} limit",
        body_en=request.title + (f" (escalated to {escalated_to})" if escalated_to else ""),
        link=f"/engagements/{request.engagement_id}/requests/",
    )


@dataclass(frozen=True)
class Attainment:
    party: str
    tier: str
    clocks: int
    met: int

    @property
    def rate(self) -> float | None:
        return None if self.clocks == 0 else self.met / self.clocks


def sla_attainment(requests: QuerySet[SupportRequest]) -> list[Attainment]:
    """Per responding party and tier: how many first-response (and resolve) limits were kept."""
    totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for request in requests.prefetch_related("breaches"):
        breached = {b.clock for b in request.breaches.all() if b.level == 0}
        finished_or_breached = request.answered_at is not None or "response" in breached
        clocks = [("response", finished_or_breached)]
        if TIERS[request.tier].resolve_seconds:
            clocks.append(("resolve", request.resolved_at is not None or "resolve" in breached))
        for name, settled in clocks:
            if not settled:
                continue  # still running: neither met nor missed yet
            key = (request.responder_party, request.tier)
            totals[key][0] += 1
            totals[key][1] += 0 if name in breached else 1
    return [Attainment(p, t, c, m) for (p, t), (c, m) in sorted(totals.items())]
