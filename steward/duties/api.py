"""Duties over the API: the boards, one duty, and every step of its life."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from steward.accounts.access import get_engagement_for, get_shop_for, visible_engagement_ids
from steward.accounts.api_auth import current_person
from steward.duties import services
from steward.duties.models import CountMode, Duty, DutySource, Evidence

router = Router(tags=["duties"])


class EvidenceOut(Schema):
    id: int
    kind: str
    note: str
    url: str
    file: str
    sha256: str
    added_by: str | None
    added_at: dt.datetime


class DutyOut(Schema):
    id: int
    engagement_id: int
    engagement: str
    title: str
    details: str
    source: str
    phase: str
    owner_party: str
    lead_role: str
    lead_person: str | None
    support_party: str
    due_at: dt.datetime
    provisional: bool
    count_mode: str
    acceptance: str
    bar: str
    measurable: bool
    measured_value: Decimal | None
    measured_note: str
    state: str
    state_reason: str
    waiting_on: str | None
    late_days: int
    evidence: list[EvidenceOut]


def duty_out(d: Duty, with_evidence: bool = False) -> DutyOut:
    waiting = d.waiting_on()
    return DutyOut(
        id=d.pk,
        engagement_id=d.engagement_id,
        engagement=d.engagement.name,
        title=d.title,
        details=d.details,
        source=d.source,
        phase=d.phase,
        owner_party=d.owner_party,
        lead_role=d.lead_role,
        lead_person=str(d.lead_person) if d.lead_person else None,
        support_party=d.support_party,
        due_at=d.due_at,
        provisional=d.provisional,
        count_mode=d.count_mode,
        acceptance=d.acceptance,
        bar=d.bar_text(),
        measurable=d.is_measurable,
        measured_value=d.measured_value,
        measured_note=d.measured_note,
        state=d.state,
        state_reason=d.state_reason,
        waiting_on=waiting.value if waiting else None,
        late_days=d.late_days_as_of(dt.date.today()),
        evidence=[
            EvidenceOut(
                id=e.pk,
                kind=e.kind,
                note=e.note,
                url=e.url,
                file=(e.file.name or "") if e.file else "",
                sha256=e.sha256,
                added_by=str(e.added_by) if e.added_by else None,
                added_at=e.added_at,
            )
            for e in (d.evidence.select_related("added_by") if with_evidence else Evidence.objects.none())
        ],
    )


class BoardQuery(Schema):
    filter: str = "all"
    engagement: int | None = None
    limit: int = 200


@router.get("/", response=list[DutyOut])
def duty_board(request: HttpRequest, query: Query[BoardQuery]) -> list[DutyOut]:
    person = current_person(request)
    engagement = get_engagement_for(person, query.engagement) if query.engagement else None
    duties = services.board(person, engagement=engagement, which=query.filter)
    return [duty_out(d) for d in duties[: max(1, min(query.limit, 1000))]]


def _duty_for(request: HttpRequest, duty_id: int) -> Duty:
    person = current_person(request)
    return get_object_or_404(
        Duty.objects.filter(engagement_id__in=visible_engagement_ids(person)).select_related("engagement"),
        pk=duty_id,
    )


@router.get("/{duty_id}", response=DutyOut)
def get_duty(request: HttpRequest, duty_id: int) -> DutyOut:
    return duty_out(_duty_for(request, duty_id), with_evidence=True)


class DutyIn(Schema):
    engagement_id: int
    title: str
    details: str = ""
    owner_party: str
    support_party: str = ""
    lead_role: str = ""
    counted_from: dt.date
    count: int
    count_mode: str = CountMode.WORKING_DAYS
    acceptance: str = ""
    shop_id: int | None = None
    metric: str = ""
    comparator: str = ""
    threshold: Decimal | None = None
    window_offset_days: int = 1
    window_days: int = 7


@router.post("/", response={201: DutyOut})
def new_duty(request: HttpRequest, payload: DutyIn) -> Status[DutyOut]:
    person = current_person(request)
    engagement = get_engagement_for(person, payload.engagement_id)
    if services.party_of(person, engagement) is None:
        raise PermissionDenied("not a party to this engagement")
    if payload.shop_id is not None:
        shop = get_shop_for(person, pk=payload.shop_id)
        if not engagement.shops.filter(pk=shop.pk).exists():
            raise PermissionDenied("that shop is not part of this engagement")
    data = payload.model_dump(exclude={"engagement_id"})
    duty = services.open_duty(engagement, services.DutySpec(source=DutySource.MANUAL, **data), person)
    return Status(201, duty_out(duty))


class ReasonIn(Schema):
    reason: str = ""


@router.post("/{duty_id}/submit", response=DutyOut)
def submit(request: HttpRequest, duty_id: int) -> DutyOut:
    return duty_out(services.submit_duty(_duty_for(request, duty_id), current_person(request)), True)


@router.post("/{duty_id}/accept", response=DutyOut)
def accept(request: HttpRequest, duty_id: int) -> DutyOut:
    return duty_out(services.accept_duty(_duty_for(request, duty_id), current_person(request)), True)


@router.post("/{duty_id}/reject", response=DutyOut)
def reject(request: HttpRequest, duty_id: int, payload: ReasonIn) -> DutyOut:
    return duty_out(
        services.reject_duty(_duty_for(request, duty_id), current_person(request), payload.reason), True
    )


@router.post("/{duty_id}/cancel", response=DutyOut)
def cancel(request: HttpRequest, duty_id: int, payload: ReasonIn) -> DutyOut:
    return duty_out(
        services.cancel_duty(_duty_for(request, duty_id), current_person(request), payload.reason), True
    )


@router.post("/{duty_id}/evidence", response={201: DutyOut})
def evidence(
    request: HttpRequest,
    duty_id: int,
    note: Form[str] = "",
    url: Form[str] = "",
    file: File[UploadedFile | None] = None,
) -> Status[DutyOut]:
    duty = _duty_for(request, duty_id)
    services.add_evidence(duty, current_person(request), note=note, url=url, upload=file)
    return Status(201, duty_out(duty, True))


class ScheduleIn(Schema):
    year: int
    holidays: list[dt.date]
    workdays: list[dt.date]
    note: str = ""


class ScheduleOut(Schema):
    year: int
    rescheduled: int


calendar_router = Router(tags=["working calendar"])


@calendar_router.post("/holiday-schedules", response={201: ScheduleOut})
def enter_schedule(request: HttpRequest, payload: ScheduleIn) -> Status[ScheduleOut]:
    person = current_person(request)
    if not person.is_staff:
        raise PermissionDenied("only a platform admin enters the official holiday schedule")
    try:
        moved = services.enter_holiday_schedule(
            payload.year, payload.holidays, payload.workdays, person, payload.note
        )
    except ValueError as exc:
        from django.core.exceptions import ValidationError

        raise ValidationError({"holidays": str(exc)}) from exc
    return Status(201, ScheduleOut(year=payload.year, rescheduled=moved))
