"""The Chinese working calendar: statutory holidays and make-up workdays.

Years the ``chinesecalendar`` package knows come from it; an admin can enter a year's official
schedule (the State Council publishes it each winter), which then takes precedence. For a year
nobody has entered, weekends are the only days off and every date computed across it is marked
*provisional*, to be recomputed when the schedule arrives. Nothing here touches the database:
the caller hands in the entered schedules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from zoneinfo import ZoneInfo

from chinese_calendar import constants as statutory

SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class YearSchedule:
    """One year's days off that fall on weekdays, and weekend days that are worked."""

    year: int
    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]
    source: str = "entered"

    def __post_init__(self) -> None:
        for day in self.holidays | self.workdays:
            if day.year != self.year:
                raise ValueError(f"{day.isoformat()} is not in {self.year}")
        both = self.holidays & self.workdays
        if both:
            raise ValueError(f"{min(both).isoformat()} cannot be both a holiday and a workday")


@cache
def _statutory_years() -> frozenset[int]:
    years = {day.year for day in statutory.holidays} | {day.year for day in statutory.workdays}
    return frozenset(years)


@cache
def _statutory_schedule(year: int) -> YearSchedule | None:
    if year not in _statutory_years():
        return None
    return YearSchedule(
        year=year,
        holidays=frozenset(day for day in statutory.holidays if day.year == year),
        workdays=frozenset(day for day in statutory.workdays if day.year == year),
        source="chinesecalendar",
    )


@dataclass(frozen=True)
class Deadline:
    """A computed due date; ``provisional`` when it crossed a year with no known schedule."""

    date: dt.date
    provisional: bool = False


@dataclass(frozen=True)
class WorkingHours:
    start: dt.time = dt.time(9, 0)
    end: dt.time = dt.time(18, 0)

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError("working hours must end after they start")


@dataclass
class WorkingCalendar:
    entered: Mapping[int, YearSchedule] = field(default_factory=dict)

    def schedule(self, year: int) -> YearSchedule | None:
        return self.entered.get(year) or _statutory_schedule(year)

    def knows(self, year: int) -> bool:
        return self.schedule(year) is not None

    def is_workday(self, day: dt.date) -> bool:
        schedule = self.schedule(day.year)
        if schedule is not None:
            if day in schedule.workdays:
                return True
            if day in schedule.holidays:
                return False
        return day.weekday() < 5

    def unknown_years(self, days: Iterable[dt.date]) -> set[int]:
        return {day.year for day in days if not self.knows(day.year)}

    def next_workday(self, day: dt.date) -> Deadline:
        """``day`` itself if it is a working day, else the first working day after it."""
        provisional = not self.knows(day.year)
        while not self.is_workday(day):
            day += dt.timedelta(days=1)
            provisional = provisional or not self.knows(day.year)
        return Deadline(day, provisional)

    def add_working_days(self, start: dt.date, count: int) -> Deadline:
        """The ``count``-th working day after ``start`` (``start`` itself is day 0).

        "Within 3 working days" of a Friday before National Day lands after the holiday; a
        count of 0 means "the same day, or the next working day if it is a day off".
        """
        if count < 0:
            raise ValueError("count must not be negative")
        if count == 0:
            return self.next_workday(start)
        day = start
        provisional = False
        remaining = count
        while remaining:
            day += dt.timedelta(days=1)
            provisional = provisional or not self.knows(day.year)
            if self.is_workday(day):
                remaining -= 1
        return Deadline(day, provisional)

    def add_calendar_days(self, start: dt.date, count: int) -> Deadline:
        return Deadline(start + dt.timedelta(days=count), False)

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]: how many working days late ``end`` is after ``start``."""
        if end <= start:
            return 0
        days = 0
        day = start
        while day < end:
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                days += 1
        return days

    # Working time, for response clocks that run only in office hours.

    def _local(self, moment: dt.datetime) -> dt.datetime:
        if moment.tzinfo is None:
            raise ValueError("working time needs aware datetimes")
        return moment.astimezone(SHANGHAI)

    def working_seconds_between(self, start: dt.datetime, end: dt.datetime, hours: WorkingHours) -> int:
        """Seconds of working time between two moments (Asia/Shanghai office hours)."""
        start, end = self._local(start), self._local(end)
        if end <= start:
            return 0
        total = 0
        day = start.date()
        while day <= end.date():
            if self.is_workday(day):
                opens = dt.datetime.combine(day, hours.start, SHANGHAI)
                closes = dt.datetime.combine(day, hours.end, SHANGHAI)
                lo, hi = max(opens, start), min(closes, end)
                if hi > lo:
                    total += int((hi - lo).total_seconds())
            day += dt.timedelta(days=1)
        return total

    def add_working_seconds(
        self, start: dt.datetime, seconds: int, hours: WorkingHours
    ) -> tuple[dt.datetime, bool]:
        """The moment ``seconds`` of working time after ``start``; with whether it is provisional."""
        moment = self._local(start)
        remaining = seconds
        provisional = not self.knows(moment.year)
        day = moment.date()
        while True:
            provisional = provisional or not self.knows(day.year)
            if self.is_workday(day):
                opens = dt.datetime.combine(day, hours.start, SHANGHAI)
                closes = dt.datetime.combine(day, hours.end, SHANGHAI)
                begin = max(opens, moment)
                if begin < closes:
                    available = int((closes - begin).total_seconds())
                    if remaining <= available:
                        return begin + dt.timedelta(seconds=remaining), provisional
                    remaining -= available
            day += dt.timedelta(days=1)
            moment = dt.datetime.combine(day, dt.time(0), SHANGHAI)
