"""Response clocks: how much of a request's allowed time is used, with pauses, in the tier's hours.

Pure: moments in, numbers out. The clock runs in working hours (routine and important
requests) or around the clock (critical ones), and stops while the request waits on the
party that raised it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from steward.duties.workdays import WorkingCalendar, WorkingHours


@dataclass(frozen=True)
class TierRule:
    tier: str
    # Who answers first on each side, and who takes over on a breach, in order.
    agency_roles: tuple[str, ...]
    merchant_roles: tuple[str, ...]
    response_seconds: int
    resolve_seconds: int | None
    working_hours_only: bool


TIERS: dict[str, TierRule] = {
    "routine": TierRule(
        "routine",
        ("agency_operations", "agency_supervisor", "agency_lead"),
        ("merchant_staff", "merchant_owner"),
        2 * 3600,
        None,
        True,
    ),
    "important": TierRule(
        "important",
        ("agency_supervisor", "agency_lead"),
        ("merchant_staff", "merchant_owner"),
        4 * 3600,
        None,
        True,
    ),
    "critical": TierRule("critical", ("agency_lead",), ("merchant_owner",), 3600, 24 * 3600, False),
}


@dataclass(frozen=True)
class Interval:
    start: dt.datetime
    end: dt.datetime | None  # None: still running


def _span(calendar: WorkingCalendar, start: dt.datetime, end: dt.datetime, hours: WorkingHours | None) -> int:
    if end <= start:
        return 0
    if hours is None:
        return int((end - start).total_seconds())
    return calendar.working_seconds_between(start, end, hours)


def used_seconds(
    raised_at: dt.datetime,
    until: dt.datetime,
    pauses: Sequence[Interval],
    calendar: WorkingCalendar,
    hours: WorkingHours | None,
) -> int:
    """Clock seconds used between ``raised_at`` and ``until``, minus the paused stretches."""
    used = _span(calendar, raised_at, until, hours)
    for pause in pauses:
        start = max(pause.start, raised_at)
        end = min(pause.end or until, until)
        used -= _span(calendar, start, end, hours)
    return max(0, used)


@dataclass(frozen=True)
class ClockState:
    target_seconds: int
    used_seconds: int
    paused: bool
    due_at: dt.datetime | None  # None while paused (the deadline moves when it resumes)

    @property
    def breached(self) -> bool:
        return self.used_seconds > self.target_seconds

    @property
    def remaining_seconds(self) -> int:
        return self.target_seconds - self.used_seconds


def clock(
    raised_at: dt.datetime,
    now: dt.datetime,
    target_seconds: int,
    pauses: Sequence[Interval],
    calendar: WorkingCalendar,
    hours: WorkingHours | None,
) -> ClockState:
    used = used_seconds(raised_at, now, pauses, calendar, hours)
    paused = any(p.start <= now and (p.end is None or p.end > now) for p in pauses)
    if paused:
        return ClockState(target_seconds, used, True, None)
    due = breach_moment(raised_at, target_seconds, pauses, calendar, hours)
    return ClockState(target_seconds, used, False, due)


def breach_moment(
    raised_at: dt.datetime,
    target_seconds: int,
    pauses: Sequence[Interval],
    calendar: WorkingCalendar,
    hours: WorkingHours | None,
) -> dt.datetime:
    """The exact moment the clock runs out, given pauses that are already closed or open.

    Walks forward from the raise through each pause; an open pause means it has not run out.
    """
    moment = raised_at
    remaining = target_seconds
    for pause in sorted(pauses, key=lambda p: p.start):
        if pause.start < moment:
            continue
        before_pause = _span(calendar, moment, pause.start, hours)
        if before_pause >= remaining:
            break
        remaining -= before_pause
        if pause.end is None:
            return dt.datetime.max.replace(tzinfo=dt.UTC)
        moment = pause.end
    if hours is None:
        return moment + dt.timedelta(seconds=remaining)
    due, _ = calendar.add_working_seconds(moment, remaining, hours)
    return due
