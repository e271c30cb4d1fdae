"""Two people acting on the same document at the same moment get one clear result each."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from steward.engagements.models import DeliverableKind, Signature, VersionStatus
from steward.engagements.services import EngagementError, add_version, decide_version
from tests.conftest import World


def run_together(*actions: Callable[[], object]) -> list[object]:
    """Start the actions at the same instant in separate threads (separate connections)."""
    barrier = threading.Barrier(len(actions))
    results: list[object] = [None] * len(actions)

    def worker(index: int, action: Callable[[], object]) -> None:
        try:
            barrier.wait()
            results[index] = action()
        except Exception as exc:
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.django_db(transaction=True)
def test_double_click_on_sign_records_one_signature(world: World) -> None:
    diagnosis_version = add_version(
        world.engagement.deliverables.create(kind=DeliverableKind.DIAGNOSIS, title="店铺诊断报告"),
        world.agency_lead,
        content={"conversion": "2.0%"},
    )
    diagnosis_version.deliverable.signers.set([world.merchant_owner, world.agency_lead])
    results = run_together(
        lambda: decide_version(diagnosis_version, world.merchant_owner, sign=True),
        lambda: decide_version(diagnosis_version, world.merchant_owner, sign=True),
    )
    signed = [r for r in results if isinstance(r, Signature)]
    refused = [r for r in results if isinstance(r, EngagementError)]
    assert len(signed) == 1, results
    assert len(refused) == 1, results
    assert "already decided" in str(refused[0])
    assert Signature.objects.filter(version=diagnosis_version).count() == 1


@pytest.mark.django_db(transaction=True)
def test_both_parties_signing_at_once_complete_the_document(world: World) -> None:
    deliverable = world.engagement.deliverables.create(kind=DeliverableKind.HANDOVER, title="交接确认书")
    deliverable.signers.set([world.merchant_owner, world.agency_lead])
    version = add_version(deliverable, world.agency_lead, content={"items": 6})
    results = run_together(
        lambda: decide_version(version, world.merchant_owner, sign=True),
        lambda: decide_version(version, world.agency_lead, sign=True),
    )
    assert all(isinstance(r, Signature) for r in results), results
    version.refresh_from_db()
    # Without the lock each would see only its own signature and leave the version awaiting.
    assert version.status == VersionStatus.SIGNED


@pytest.mark.django_db(transaction=True)
def test_signature_and_new_version_do_not_cross(world: World) -> None:
    deliverable = world.engagement.deliverables.create(kind=DeliverableKind.STRATEGY, title="运营策略")
    deliverable.signers.set([world.merchant_owner])
    first = add_version(deliverable, world.agency_lead, content={"goal": "A"})
    results = run_together(
        lambda: decide_version(first, world.merchant_owner, sign=True),
        lambda: add_version(deliverable, world.agency_lead, content={"goal": "B"}),
    )
    first.refresh_from_db()
    signature = results[0]
    if isinstance(signature, Signature):
        # The signature came first: it covers version 1 exactly, which is signed, not superseded.
        assert first.status == VersionStatus.SIGNED
        assert signature.signed_hash == first.content_hash
    else:
        assert isinstance(signature, EngagementError)
        assert first.status == VersionStatus.SUPERSEDED
