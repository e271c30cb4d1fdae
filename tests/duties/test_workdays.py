"""Deadlines in the Chinese working calendar, across National Day and into unknown years."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from steward.duties.workdays import SHANGHAI, WorkingCalendar, WorkingHours, YearSchedule

CAL = WorkingCalendar()
D = dt.date


def test_national_day_2026_is_off_and_the_make_up_saturday_is_worked() -> None:
    assert not CAL.is_workday(D(2026, 10, 1))
    assert not CAL.is_workday(D(2026, 10, 7))
    assert CAL.is_workday(D(2026, 10, 10))  # Saturday, worked to make up for the holiday
    assert CAL.is_workday(D(2026, 9, 20))  # Sunday, worked as well


def test_three_working_days_from_the_last_day_before_the_holiday() -> None:
    # Wednesday 30 Sep → Thu 8, Fri 9, Sat 10 (make-up day) October.
    deadline = CAL.add_working_days(D(2026, 9, 30), 3)
    assert deadline.date == D(2026, 10, 10)
    assert not deadline.provisional


def test_working_day_deadline_never_lands_on_a_day_off() -> None:
    assert CAL.add_working_days(D(2026, 9, 30), 1).date == D(2026, 10, 8)
    assert CAL.add_working_days(D(2026, 10, 3), 0).date == D(2026, 10, 8)


def test_calendar_days_ignore_holidays() -> None:
    assert CAL.add_calendar_days(D(2026, 9, 30), 3).date == D(2026, 10, 3)


def test_unknown_year_counts_weekends_only_and_is_provisional() -> None:
    deadline = CAL.add_working_days(D(2026, 12, 30), 5)
    # 31 Dec (Thu), then 2027: 1 Jan Fri, 4-6 Jan Mon-Wed: the 2027 holiday schedule is unknown.
    assert deadline.date == D(2027, 1, 6)
    assert deadline.provisional


def test_entered_schedule_replaces_the_guess() -> None:
    schedule = YearSchedule(
        year=2027,
        holidays=frozenset({D(2027, 1, 1)}),
        workdays=frozenset(),
    )
    calendar = WorkingCalendar({2027: schedule})
    deadline = calendar.add_working_days(D(2026, 12, 30), 5)
    assert deadline.date == D(2027, 1, 7)
    assert not deadline.provisional


def test_schedule_rejects_contradictions() -> None:
    with pytest.raises(ValueError, match="both"):
        YearSchedule(year=2027, holidays=frozenset({D(2027, 2, 6)}), workdays=frozenset({D(2027, 2, 6)}))
    with pytest.raises(ValueError, match="not in 2027"):
        YearSchedule(year=2027, holidays=frozenset({D(2028, 1, 1)}), workdays=frozenset())


def test_working_seconds_skip_nights_weekends_and_holidays() -> None:
    hours = WorkingHours()
    friday_5pm = dt.datetime(2026, 9, 11, 17, 0, tzinfo=SHANGHAI)
    monday_10am = dt.datetime(2026, 9, 14, 10, 0, tzinfo=SHANGHAI)
    assert CAL.working_seconds_between(friday_5pm, monday_10am, hours) == 2 * 3600


def test_two_working_hours_from_friday_afternoon_land_on_monday() -> None:
    hours = WorkingHours()
    due, provisional = CAL.add_working_seconds(dt.datetime(2026, 9, 11, 17, 30, tzinfo=SHANGHAI), 7200, hours)
    assert due == dt.datetime(2026, 9, 14, 10, 30, tzinfo=SHANGHAI)
    assert not provisional


def test_request_raised_on_a_holiday_waits_for_the_first_working_morning() -> None:
    due, _ = CAL.add_working_seconds(dt.datetime(2026, 10, 2, 11, 0, tzinfo=SHANGHAI), 3600, WorkingHours())
    assert due == dt.datetime(2026, 10, 8, 10, 0, tzinfo=SHANGHAI)


def test_working_days_between_counts_only_working_days() -> None:
    assert CAL.working_days_between(D(2026, 9, 30), D(2026, 10, 10)) == 3
    assert CAL.working_days_between(D(2026, 10, 10), D(2026, 9, 30)) == 0


@given(st.dates(min_value=D(2020, 1, 1), max_value=D(2028, 12, 31)), st.integers(min_value=0, max_value=40))
def test_working_day_deadlines_are_working_days_and_count_exactly(start: dt.date, count: int) -> None:
    deadline = CAL.add_working_days(start, count)
    assert CAL.is_workday(deadline.date)
    if count:
        assert CAL.working_days_between(start, deadline.date) == count
    first = 0 if count == 0 else 1
    crossed = [start + dt.timedelta(days=i) for i in range(first, (deadline.date - start).days + 1)]
    assert deadline.provisional == bool(CAL.unknown_years(crossed))


def test_mid_autumn_friday_is_a_day_off() -> None:
    # 25 Sep 2026 is the Mid-Autumn Festival: a response clock started Thursday evening resumes Monday.
    due, _ = CAL.add_working_seconds(dt.datetime(2026, 9, 24, 17, 30, tzinfo=SHANGHAI), 7200, WorkingHours())
    assert due == dt.datetime(2026, 9, 28, 10, 30, tzinfo=SHANGHAI)
