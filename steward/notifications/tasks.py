"""Queued and periodic work of notifications (Huey: SQLite by default, Redis with REDIS_URL).

Retries are not Huey's own ``retries``: they live on the ``Delivery`` row (attempts, next
attempt, last error) so a failing webhook is visible to people, survives a lost queue, and is
picked up by the sweep below whichever worker or process restarts.
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from steward.notifications import services


@db_task()
def deliver(delivery_id: int) -> None:
    """First attempt of a delivery, queued when the notifying transaction commits."""
    services.attempt_delivery(delivery_id)


@db_periodic_task(crontab(minute="*"))
def retry_deliveries() -> int:
    """Every minute: attempt the deliveries whose back-off has run out (and any never queued)."""
    return services.send_due_deliveries()


@db_periodic_task(crontab(minute="0"))
def send_digests() -> int:
    """Every hour: the daily digests of people whose digest hour (Asia/Shanghai) has come."""
    return services.send_due_digests()
