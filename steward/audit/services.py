"""Recording and verifying audit events.

Every create, change and delete of a domain object, and every import, calls ``record`` inside
the same transaction as the change, so the log and the data cannot disagree.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from steward.audit.models import AuditEvent, AuditHead

GENESIS = "0" * 64


def jsonable(value: Any) -> Any:
    """Turn a value into JSON that reads back identically (Decimal and dates as strings)."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The concrete field values of ``instance`` as JSON, foreign keys by id."""
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in {"password"}:
            continue
        data[field.attname] = jsonable(getattr(instance, field.attname))
    return data


def _digest(fields: dict[str, Any]) -> str:
    canonical = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _hashed_fields(event: AuditEvent) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "at": event.at.astimezone(dt.UTC).isoformat(),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "summary": event.summary,
        "shop_id": event.shop_id,
        "engagement_id": event.engagement_id,
        "before": event.before,
        "after": event.after,
        "prev_hash": event.prev_hash,
    }


def record(
    action: str,
    *,
    actor: Any = None,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str | int = "",
    summary: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    shop_id: int | None = None,
    engagement_id: int | None = None,
) -> AuditEvent:
    """Append one event to the chain (inside the caller's transaction)."""
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or str(target.pk)
    with transaction.atomic():
        head = AuditHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            head = AuditHead.objects.create(pk=1)
        event = AuditEvent(
            seq=head.last_seq + 1,
            at=timezone.now(),
            actor_id=getattr(actor, "pk", None),
            actor_label=str(actor) if actor is not None else "system",
            action=action,
            target_type=target_type,
            target_id=str(target_id),
            summary=summary,
            shop_id=shop_id,
            engagement_id=engagement_id,
            before=jsonable(before) if before is not None else None,
            after=jsonable(after) if after is not None else None,
            prev_hash=head.last_hash,
        )
        event.hash = _digest(_hashed_fields(event))
        event.save()
        AuditHead.objects.filter(pk=1).update(last_seq=event.seq, last_hash=event.hash)
    return event


def record_create(
    instance: models.Model, actor: Any, *, extra: dict[str, Any] | None = None, **context: Any
) -> AuditEvent:
    """Record a new object with all its fields (plus ``extra``, e.g. many-to-many members)."""
    return record(
        "create", actor=actor, target=instance, after={**snapshot(instance), **(extra or {})}, **context
    )


def record_change(
    instance: models.Model, before: dict[str, Any], actor: Any, **context: Any
) -> AuditEvent | None:
    after = snapshot(instance)
    changed = {k for k in after if before.get(k) != after[k]}
    if not changed:
        return None
    return record(
        "update",
        actor=actor,
        target=instance,
        before={k: before.get(k) for k in sorted(changed)},
        after={k: after[k] for k in sorted(changed)},
        **context,
    )


def record_delete(instance: models.Model, actor: Any, **context: Any) -> AuditEvent:
    return record("delete", actor=actor, target=instance, before=snapshot(instance), **context)


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    reason: str


@dataclass(frozen=True)
class Verification:
    checked: int
    broken: ChainBreak | None

    @property
    def ok(self) -> bool:
        return self.broken is None


def _events() -> Iterator[AuditEvent]:
    return AuditEvent.objects.order_by("seq").iterator(chunk_size=2000)


def verify_chain() -> Verification:
    """Re-compute every hash; report the first event whose link is broken."""
    previous_hash = GENESIS
    expected_seq = 1
    checked = 0
    for event in _events():
        if event.seq != expected_seq:
            return Verification(checked, ChainBreak(expected_seq, f"event #{expected_seq} is missing"))
        if event.prev_hash != previous_hash:
            return Verification(checked, ChainBreak(event.seq, "does not link to the event before it"))
        if _digest(_hashed_fields(event)) != event.hash:
            return Verification(checked, ChainBreak(event.seq, "content does not match its hash (edited)"))
        previous_hash = event.hash
        expected_seq += 1
        checked += 1
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and head.last_seq != checked:
        return Verification(
            checked, ChainBreak(checked + 1, f"the chain ends at #{checked} but #{head.last_seq} was written")
        )
    return Verification(checked, None)
