"""Periodic sweeps of approval requests."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from steward.approvals.services import send_reminders, sweep_timeouts


@db_periodic_task(crontab(minute="*/5"))
def sweep_approvals() -> int:
    # Reminders first: a request about to time out gets its reminder before it escalates.
    reminded = send_reminders()
    return reminded + len(sweep_timeouts())
