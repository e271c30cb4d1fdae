from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from steward.accounts.models import Person
from steward.duties.models import HolidaySchedule
from steward.duties.services import enter_holiday_schedule


@admin.register(HolidaySchedule)
class HolidayScheduleAdmin(admin.ModelAdmin[HolidaySchedule]):
    """Where an admin enters a year's official schedule; saving recomputes provisional deadlines."""

    list_display = ("year", "note", "entered_by", "entered_at")
    fields = ("year", "holidays", "workdays", "note")

    def save_model(self, request: HttpRequest, obj: HolidaySchedule, form: Any, change: bool) -> None:
        import datetime as dt

        # The model's clean() has already checked the dates; this also moves provisional deadlines.
        enter_holiday_schedule(
            obj.year,
            [dt.date.fromisoformat(d) for d in obj.holidays],
            [dt.date.fromisoformat(d) for d in obj.workdays],
            request.user if isinstance(request.user, Person) else None,
            note=obj.note,
        )
        obj.pk = HolidaySchedule.objects.get(year=obj.year).pk
