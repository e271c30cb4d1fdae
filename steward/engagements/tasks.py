"""Periodic sweeps of engagements, run by the background queue."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from steward.engagements.requests import check_request_clocks


@db_periodic_task(crontab(minute="*"))
def sweep_request_clocks() -> int:
    # Critical requests have one hour; a one-minute sweep records a breach within a minute of it.
    return len(check_request_clocks())
