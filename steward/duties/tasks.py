"""Periodic sweeps of duties, run by the background queue (Asia/Shanghai times)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from steward.duties.services import check_all_measured_bars, mark_overdue


@db_periodic_task(crontab(minute="*/15"))
def sweep_overdue_duties() -> int:
    return mark_overdue()


@db_periodic_task(crontab(minute="30", hour="*"))
def sweep_measured_bars() -> int:
    # Imported numbers arrive during the day; an hourly look settles bars soon after the data.
    return check_all_measured_bars()
