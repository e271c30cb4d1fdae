"""The audit log is append-only and hash-chained; `steward audit verify` finds tampering."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from typer.testing import CliRunner

from steward.audit.models import AuditEvent, AuditLogIsAppendOnly
from steward.audit.services import record, record_change, record_create, snapshot, verify_chain
from steward.cli import build
from tests.conftest import World


def _run_verify() -> tuple[int, str]:
    result = CliRunner().invoke(build(), ["audit", "verify"])
    return result.exit_code, result.output


def _tamper(sql: str, params: list[object]) -> None:
    """Change the table behind the application's back, as a hostile DBA could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
            cursor.execute(sql, params)
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
            cursor.execute(sql, params)


@pytest.fixture
def three_events(world: World) -> list[AuditEvent]:
    before = snapshot(world.shop)
    first = record_create(world.shop, actor=world.merchant_owner, shop_id=world.shop.pk)
    world.shop.level = "四钻"
    world.shop.save()
    second = record_change(world.shop, before, actor=world.merchant_owner, shop_id=world.shop.pk)
    third = record(
        "import", actor=world.agency_lead, target=world.shop, summary="campaigns.csv", after={"rows": 10}
    )
    assert second is not None
    return [first, second, third]


def test_events_link_to_each_other(three_events: list[AuditEvent]) -> None:
    first, second, third = three_events
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert [e.seq for e in three_events] == [1, 2, 3]


def test_change_records_before_and_after_of_changed_fields_only(three_events: list[AuditEvent]) -> None:
    change = three_events[1]
    assert change.before == {"level": ""}
    assert change.after == {"level": "四钻"}
    assert change.actor_label == "王老板"


def test_intact_chain_verifies(three_events: list[AuditEvent]) -> None:
    assert verify_chain().ok
    code, output = _run_verify()
    assert code == 0
    assert "3 events" in output


def test_the_application_cannot_change_or_delete_events(three_events: list[AuditEvent]) -> None:
    event = three_events[0]
    event.summary = "nothing happened"
    with pytest.raises(AuditLogIsAppendOnly):
        event.save()
    with pytest.raises(AuditLogIsAppendOnly):
        event.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(summary="x")
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.all().delete()


def test_the_database_refuses_updates(three_events: list[AuditEvent]) -> None:
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET summary = 'x' WHERE seq = 1")


def test_edited_event_is_reported_with_its_number(three_events: list[AuditEvent]) -> None:
    _tamper("UPDATE audit_auditevent SET after = %s WHERE seq = 2", ['{"level": "五钻"}'])
    result = verify_chain()
    assert result.broken is not None
    assert result.broken.seq == 2
    assert "edited" in result.broken.reason
    code, output = _run_verify()
    assert code == 1
    assert "#2" in output


def test_removed_event_is_reported(three_events: list[AuditEvent]) -> None:
    _tamper("DELETE FROM audit_auditevent WHERE seq = %s", [2])
    result = verify_chain()
    assert result.broken is not None
    assert result.broken.seq == 2
    assert "missing" in result.broken.reason


def test_removed_last_event_is_reported(three_events: list[AuditEvent]) -> None:
    _tamper("DELETE FROM audit_auditevent WHERE seq = %s", [3])
    result = verify_chain()
    assert result.broken is not None
    assert result.broken.seq == 3


def test_rehashed_event_breaks_the_next_link(three_events: list[AuditEvent]) -> None:
    # A forger who edits #1 and recomputes its hash still breaks #2's link.
    import hashlib

    _tamper("UPDATE audit_auditevent SET hash = %s WHERE seq = 1", [hashlib.sha256(b"forged").hexdigest()])
    result = verify_chain()
    assert result.broken is not None
    assert result.broken.seq == 1
