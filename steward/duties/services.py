"""Workflow steps of a duty: open, hand in, accept or reject, cancel, check its bar.

Views, API endpoints, commands and queued jobs authorize and validate, then call these; each
runs in one transaction, locks the duty it changes and records the change in the audit log.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from steward.accounts.access import side_in, visible_engagement_ids
from steward.accounts.models import Person
from steward.audit.services import record, record_create, snapshot
from steward.duties.models import (
    ACTIVE_STATES,
    Comparator,
    CountMode,
    Duty,
    DutySource,
    DutyState,
    Evidence,
    EvidenceKind,
    HolidaySchedule,
    Metric,
    Party,
)
from steward.duties.workdays import SHANGHAI, WorkingCalendar, YearSchedule
from steward.engagements.models import Engagement
from steward.shops.models import CampaignDaily, ShopDaily
from steward.steps import StepNotAllowed

END_OF_DAY = dt.time(18, 0)


class DutyError(StepNotAllowed):
    """A step that is not allowed in the duty's current state; the message says why."""


def current_calendar() -> WorkingCalendar:
    entered = {}
    for row in HolidaySchedule.objects.all():
        entered[row.year] = YearSchedule(
            year=row.year,
            holidays=frozenset(dt.date.fromisoformat(d) for d in row.holidays),
            workdays=frozenset(dt.date.fromisoformat(d) for d in row.workdays),
        )
    return WorkingCalendar(entered)


def compute_due(
    counted_from: dt.date | dt.datetime,
    count: int,
    mode: str,
    calendar: WorkingCalendar | None = None,
    at: dt.time = END_OF_DAY,
) -> tuple[dt.datetime, bool]:
    """The due moment and whether it is provisional (an unknown year's holidays were guessed)."""
    calendar = calendar or current_calendar()
    if mode == CountMode.HOURS:
        if not isinstance(counted_from, dt.datetime):
            counted_from = dt.datetime.combine(counted_from, dt.time(0), SHANGHAI)
        return counted_from + dt.timedelta(hours=count), False
    start = (
        counted_from.astimezone(SHANGHAI).date() if isinstance(counted_from, dt.datetime) else counted_from
    )
    if mode == CountMode.WORKING_DAYS:
        deadline = calendar.add_working_days(start, count)
    else:
        deadline = calendar.add_calendar_days(start, count)
    return dt.datetime.combine(deadline.date, at, SHANGHAI), deadline.provisional


def party_of(person: Person, engagement: Engagement) -> Party | None:
    """Which side ``person`` acts for in ``engagement``, if they see it at all."""
    side = side_in(person, engagement)
    return Party(side) if side else None


@dataclass(frozen=True)
class DutySpec:
    title: str
    owner_party: str
    counted_from: dt.date | dt.datetime
    count: int
    count_mode: str = CountMode.WORKING_DAYS
    details: str = ""
    lead_role: str = ""
    lead_person: Person | None = None
    support_party: str = ""
    phase: str = ""
    acceptance: str = ""
    source: str = DutySource.MANUAL
    source_ref: str = ""
    shop_id: int | None = None
    metric: str = ""
    comparator: str = ""
    threshold: Decimal | None = None
    window_offset_days: int = 1
    window_days: int = 7


def open_duty(
    engagement: Engagement, spec: DutySpec, actor: Person | None, calendar: WorkingCalendar | None = None
) -> Duty:
    due_at, provisional = compute_due(spec.counted_from, spec.count, spec.count_mode, calendar)
    duty = Duty(
        engagement=engagement,
        title=spec.title,
        details=spec.details,
        source=spec.source,
        source_ref=spec.source_ref,
        phase=spec.phase,
        owner_party=spec.owner_party,
        lead_role=spec.lead_role,
        lead_person=spec.lead_person,
        support_party=spec.support_party,
        counted_from=(
            spec.counted_from.astimezone(SHANGHAI).date()
            if isinstance(spec.counted_from, dt.datetime)
            else spec.counted_from
        ),
        count=spec.count,
        count_mode=spec.count_mode,
        due_at=due_at,
        provisional=provisional,
        acceptance=spec.acceptance,
        shop_id=spec.shop_id,
        metric=spec.metric,
        comparator=spec.comparator,
        threshold=spec.threshold,
        window_offset_days=spec.window_offset_days,
        window_days=spec.window_days,
    )
    duty.full_clean()
    with transaction.atomic():
        duty.save()
        record_create(duty, actor, engagement_id=engagement.pk)
    return duty


def _locked(duty: Duty) -> Duty:
    return Duty.objects.select_for_update().get(pk=duty.pk)


def _transition(duty: Duty, actor: Person | None, action: str, **changes: Any) -> Duty:
    before = snapshot(duty)
    for name, value in changes.items():
        setattr(duty, name, value)
    duty.save()
    after = snapshot(duty)
    changed = sorted(k for k in after if before.get(k) != after[k])
    record(
        action,
        actor=actor,
        target=duty,
        engagement_id=duty.engagement_id,
        shop_id=duty.shop_id,
        summary=duty.title,
        before={k: before[k] for k in changed},
        after={k: after[k] for k in changed},
    )
    return duty


def _require_party(person: Person, duty: Duty, party: Party, doing: str) -> None:
    if party_of(person, duty.engagement) != party:
        raise PermissionDenied(f"only the {party.value} side can {doing} this duty")


def add_evidence(
    duty: Duty,
    person: Person,
    *,
    note: str = "",
    url: str = "",
    upload: UploadedFile | None = None,
) -> list[Evidence]:
    """Attach a note, a link and/or a file to a duty (by either party)."""
    if party_of(person, duty.engagement) is None:
        raise PermissionDenied("not a party to this engagement")
    if not (note.strip() or url.strip() or upload):
        raise ValidationError({"evidence": "give a note, a link or a file"})
    items: list[Evidence] = []
    with transaction.atomic():
        if note.strip():
            items.append(
                Evidence.objects.create(duty=duty, kind=EvidenceKind.NOTE, note=note.strip(), added_by=person)
            )
        if url.strip():
            item = Evidence(duty=duty, kind=EvidenceKind.LINK, url=url.strip(), added_by=person)
            item.full_clean(exclude=["file", "duty", "added_by"])
            item.save()
            items.append(item)
        if upload is not None:
            digest = hashlib.sha256()
            for chunk in upload.chunks():
                digest.update(chunk)
            item = Evidence(duty=duty, kind=EvidenceKind.FILE, sha256=digest.hexdigest(), added_by=person)
            item.file.save(upload.name or "evidence", upload, save=False)
            item.save()
            items.append(item)
        for item in items:
            record_create(item, person, engagement_id=duty.engagement_id)
    return items


def submit_duty(duty: Duty, person: Person, now: dt.datetime | None = None) -> Duty:
    """The owner party hands the duty in; lateness is fixed now, in calendar days."""
    now = now or timezone.now()
    _require_party(person, duty, Party(duty.owner_party), "hand in")
    with transaction.atomic():
        duty = _locked(duty)
        if duty.state not in ACTIVE_STATES:
            raise DutyError(f"a duty that is {duty.state} cannot be handed in")
        late = max(0, (now.astimezone(SHANGHAI).date() - duty.due_date).days) if now > duty.due_at else 0
        return _transition(
            duty,
            person,
            "duty_submitted",
            state=DutyState.SUBMITTED,
            submitted_at=now,
            late_days=late,
            state_reason="",
        )


def accept_duty(duty: Duty, person: Person, now: dt.datetime | None = None) -> Duty:
    """The counterparty accepts a handed-in duty whose bar is not measured automatically."""
    _require_party(person, duty, Party(duty.owner_party).other, "accept")
    with transaction.atomic():
        duty = _locked(duty)
        if duty.state != DutyState.SUBMITTED:
            raise DutyError(f"only a handed-in duty can be accepted (this one is {duty.state})")
        if duty.is_measurable:
            raise DutyError("this duty is accepted by its measured bar, not by hand")
        return _transition(
            duty,
            person,
            "duty_accepted",
            state=DutyState.ACCEPTED,
            decided_at=now or timezone.now(),
            decided_by=person,
        )


def reject_duty(duty: Duty, person: Person, reason: str, now: dt.datetime | None = None) -> Duty:
    if not reason.strip():
        raise ValidationError({"reason": "a reason is required to reject"})
    _require_party(person, duty, Party(duty.owner_party).other, "reject")
    with transaction.atomic():
        duty = _locked(duty)
        if duty.state != DutyState.SUBMITTED:
            raise DutyError(f"only a handed-in duty can be rejected (this one is {duty.state})")
        return _transition(
            duty,
            person,
            "duty_rejected",
            state=DutyState.REJECTED,
            state_reason=reason.strip(),
            decided_at=now or timezone.now(),
            decided_by=person,
        )


def cancel_duty(duty: Duty, person: Person, reason: str) -> Duty:
    if not reason.strip():
        raise ValidationError({"reason": "a reason is required to cancel"})
    if party_of(person, duty.engagement) is None:
        raise PermissionDenied("not a party to this engagement")
    with transaction.atomic():
        duty = _locked(duty)
        if duty.state in {DutyState.ACCEPTED, DutyState.CANCELLED}:
            raise DutyError(f"a duty that is {duty.state} cannot be cancelled")
        return _transition(
            duty, person, "duty_cancelled", state=DutyState.CANCELLED, state_reason=reason.strip()
        )


def mark_overdue(now: dt.datetime | None = None) -> int:
    """Move every open or rejected duty past its due time to overdue (the periodic sweep)."""
    now = now or timezone.now()
    count = 0
    stale = Duty.objects.filter(state__in=[DutyState.OPEN, DutyState.REJECTED], due_at__lt=now)
    for duty_id in stale.values_list("pk", flat=True):
        with transaction.atomic():
            duty = Duty.objects.select_for_update().get(pk=duty_id)
            if duty.state in {DutyState.OPEN, DutyState.REJECTED} and duty.due_at < now:
                _transition(duty, None, "duty_overdue", state=DutyState.OVERDUE)
                _tell_overdue(duty)
                count += 1
    return count


def _tell_overdue(duty: Duty) -> None:
    """The lead (or, with none named, the owner party's people in the lead role) hears at once."""
    from steward.notifications.services import notify, people_of

    if duty.lead_person is not None:
        people = [duty.lead_person]
    else:
        people = people_of(duty.engagement, roles=[duty.lead_role] if duty.lead_role else None)
        people = [p for p in people if side_in(p, duty.engagement) == duty.owner_party]
    notify(
        people,
        engagement=duty.engagement,
        kind="duty_overdue",
        severity="warning",
        title_zh="事项已逾期",
        body_zh=f"{duty.title}（截止 {duty.due_date.isoformat()}）",
        title_en="A duty is overdue",
        body_en=f"{duty.details or duty.title} (due {duty.due_date.isoformat()})",
        link=f"/duties/{duty.pk}/",
        to_groups=False,
    )


# Measured bars


@dataclass(frozen=True)
class Measurement:
    value: Decimal | None
    complete: bool
    note: str


def measure(duty: Duty) -> Measurement:
    """The bar's metric over its window, from imported numbers; exact (Decimal of integer sums)."""
    if duty.shop_id is None:
        return Measurement(None, False, "no shop is named for this bar")
    first, last = duty.measure_window()
    days = (last - first).days + 1
    daily = ShopDaily.objects.filter(shop_id=duty.shop_id, date__gte=first, date__lte=last)
    ads = CampaignDaily.objects.filter(shop_id=duty.shop_id, date__gte=first, date__lte=last)
    metric = Metric(duty.metric)
    source = ads if metric in {Metric.CTR, Metric.ROI, Metric.AD_SPEND} else daily
    covered = source.values("date").distinct().count()
    if covered < days:
        return Measurement(None, False, f"data for {covered} of {days} days ({first}–{last})")
    sums = daily.aggregate(
        visitors=Sum("visitors"),
        buyers=Sum("paid_buyers"),
        gmv=Sum("gmv_fen"),
        refunds=Sum("refunds_fen"),
        response=Sum("first_response_ms"),
    )
    ad = ads.aggregate(
        clicks=Sum("clicks"),
        impressions=Sum("impressions"),
        spend=Sum("spend_fen"),
        revenue=Sum("revenue_fen"),
    )

    def div(a: int | None, b: int | None, scale: int = 1) -> Decimal | None:
        if a is None or not b:
            return None
        return Decimal(a) / Decimal(b) / scale

    value: Decimal | None = {
        Metric.VISITORS: Decimal(sums["visitors"]) if sums["visitors"] is not None else None,
        Metric.GMV: div(sums["gmv"], 100),
        Metric.CONVERSION: div(sums["buyers"], sums["visitors"]),
        Metric.AOV: div(sums["gmv"], sums["buyers"], 100),
        Metric.REFUND_RATE: div(sums["refunds"], sums["gmv"]),
        Metric.CTR: div(ad["clicks"], ad["impressions"]),
        Metric.ROI: div(ad["revenue"], ad["spend"]),
        Metric.AD_SPEND: div(ad["spend"], 100),
        Metric.FIRST_RESPONSE_S: div(sums["response"], days * 1000),
    }[metric]
    return Measurement(value, True, f"{metric.label} {first}–{last}")


def holds(value: Decimal, comparator: str, threshold: Decimal) -> bool:
    return {
        Comparator.GE: value >= threshold,
        Comparator.GT: value > threshold,
        Comparator.LE: value <= threshold,
        Comparator.LT: value < threshold,
    }[Comparator(comparator)]


def check_measured_bar(duty: Duty, now: dt.datetime | None = None) -> Duty:
    """Accept or reject a handed-in duty by its measured bar once the window's data is in."""
    with transaction.atomic():
        duty = _locked(duty)
        if duty.state != DutyState.SUBMITTED or not duty.is_measurable or duty.threshold is None:
            return duty
        result = measure(duty)
        if not result.complete:
            if result.note != duty.measured_note:
                duty.measured_note = result.note
                duty.save(update_fields=["measured_note"])
            return duty
        if result.value is None:
            return _transition(
                duty,
                None,
                "duty_measured",
                measured_note=f"{result.note}: the metric is undefined (nothing to divide by); decide by hand",
            )
        passed = holds(result.value, duty.comparator, duty.threshold)
        shown = f"{result.value:.4f}".rstrip("0").rstrip(".")
        note = f"{result.note}: {shown} {duty.comparator} {duty.threshold.normalize()} → {'met' if passed else 'missed'}"
        return _transition(
            duty,
            None,
            "duty_measured",
            state=DutyState.ACCEPTED if passed else DutyState.REJECTED,
            measured_value=result.value,
            measured_note=note,
            state_reason="" if passed else note,
            decided_at=now or timezone.now(),
        )


def check_all_measured_bars(now: dt.datetime | None = None) -> int:
    decided = 0
    for duty in Duty.objects.filter(state=DutyState.SUBMITTED).exclude(metric=""):
        if check_measured_bar(duty, now).state != DutyState.SUBMITTED:
            decided += 1
    return decided


# Holiday schedules


def enter_holiday_schedule(
    year: int, holidays: list[dt.date], workdays: list[dt.date], person: Person | None, note: str = ""
) -> int:
    """Record a year's official schedule and recompute every provisional working-day deadline.

    Returns how many duties got a new due date.
    """
    YearSchedule(year=year, holidays=frozenset(holidays), workdays=frozenset(workdays))  # validates
    with transaction.atomic():
        row, created = HolidaySchedule.objects.select_for_update().get_or_create(year=year)
        before = None if created else snapshot(row)
        row.holidays = sorted(d.isoformat() for d in holidays)
        row.workdays = sorted(d.isoformat() for d in workdays)
        row.note = note
        row.entered_by = person
        row.entered_at = timezone.now()
        row.save()
        record("holiday_schedule", actor=person, target=row, before=before, after=snapshot(row))
        calendar = current_calendar()
        moved = 0
        pending = Duty.objects.filter(provisional=True).exclude(
            state__in=[DutyState.ACCEPTED, DutyState.CANCELLED]
        )
        for duty in pending.select_for_update():
            if duty.counted_from is None or duty.count is None:
                continue
            local_time = timezone.localtime(duty.due_at, SHANGHAI).time()
            due_at, provisional = compute_due(
                duty.counted_from, duty.count, duty.count_mode, calendar, at=local_time
            )
            if due_at != duty.due_at or provisional != duty.provisional:
                _transition(duty, person, "duty_rescheduled", due_at=due_at, provisional=provisional)
                moved += 1
    return moved


# Boards


class BoardFilter:
    OVERDUE = "overdue"
    DUE_THIS_WEEK = "this_week"
    WAITING_ON_MERCHANT = "waiting_merchant"
    WAITING_ON_AGENCY = "waiting_agency"
    ALL = "all"
    CHOICES = (ALL, OVERDUE, DUE_THIS_WEEK, WAITING_ON_MERCHANT, WAITING_ON_AGENCY)


def _waiting_on(party: Party) -> Q:
    active = Q(state__in=ACTIVE_STATES, owner_party=party)
    reviewing = Q(state=DutyState.SUBMITTED, metric="", owner_party=party.other)
    return active | reviewing


def board(
    person: Person, *, engagement: Engagement | None = None, which: str = "all", today: dt.date | None = None
) -> QuerySet[Duty]:
    """Duties the person can see (one engagement or all of theirs), filtered as the board asks."""
    today = today or timezone.localdate()
    duties = Duty.objects.filter(engagement_id__in=visible_engagement_ids(person))
    if engagement is not None:
        duties = duties.filter(engagement=engagement)
    if which == BoardFilter.OVERDUE:
        duties = duties.filter(state=DutyState.OVERDUE) | duties.filter(
            state__in=[DutyState.OPEN, DutyState.REJECTED], due_at__lt=timezone.now()
        )
    elif which == BoardFilter.DUE_THIS_WEEK:
        monday = today - dt.timedelta(days=today.weekday())
        start = dt.datetime.combine(monday, dt.time(0), SHANGHAI)
        duties = duties.filter(
            state__in=ACTIVE_STATES, due_at__gte=start, due_at__lt=start + dt.timedelta(days=7)
        )
    elif which == BoardFilter.WAITING_ON_MERCHANT:
        duties = duties.filter(_waiting_on(Party.MERCHANT))
    elif which == BoardFilter.WAITING_ON_AGENCY:
        duties = duties.filter(_waiting_on(Party.AGENCY))
    elif which != BoardFilter.ALL:
        raise ValidationError(
            {"filter": f"unknown filter {which!r}; use one of {', '.join(BoardFilter.CHOICES)}"}
        )
    return duties.select_related("engagement", "lead_person", "shop").order_by("due_at", "pk")
