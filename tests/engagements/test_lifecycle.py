"""An engagement from the template: duties with exact dates, signed gates, checklists, access."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from freezegun import freeze_time

from steward.audit.models import AuditEvent
from steward.duties.models import Duty, Party
from steward.duties.workdays import SHANGHAI
from steward.engagements.models import ChecklistKind, DeliverableKind, Engagement, Phase, VersionStatus
from steward.engagements.services import (
    EngagementError,
    NewEngagement,
    add_version,
    advance_phase,
    complete_checklist_item,
    create_engagement,
    decide_version,
    grant_access,
    is_signed_by_both,
    late_revocation_days,
    revoke_access,
)
from steward.engagements.template import TemplateError, parse_template
from tests.conftest import World


@pytest.fixture
def tea(world: World) -> Engagement:
    """山野茶舍 starts with 云帆 on 12 October 2026; research begins 28 September."""
    return create_engagement(
        NewEngagement(
            name="山野茶舍 2026-2027",
            merchant=world.merchant,
            agency=world.agency,
            shops=[world.shop],
            research_starts_on=dt.date(2026, 9, 28),
            starts_on=dt.date(2026, 10, 12),
            ends_on=dt.date(2027, 10, 11),
        ),
        world.agency_lead,
    )


def due(engagement: Engagement, ref: str) -> Duty:
    return engagement.duties.get(source_ref=ref)


def test_research_duties_count_working_days_across_national_day(tea: Engagement) -> None:
    # Research starts Monday 28 Sep; 29 and 30 Sep are working days, 1-7 Oct are off.
    assert due(tea, "materials").due_date == dt.date(2026, 9, 30)
    assert due(tea, "diagnosis").due_date == dt.date(2026, 10, 8)
    assert due(tea, "strategy").due_date == dt.date(2026, 10, 10)  # the make-up Saturday is a working day
    assert due(tea, "confirm_research").due_date == dt.date(2026, 10, 13)  # Sunday 11 Oct is off
    assert due(tea, "diagnosis").owner_party == Party.AGENCY
    assert due(tea, "materials").owner_party == Party.MERCHANT


def test_hand_over_and_foundation_follow_the_start(tea: Engagement) -> None:
    assert due(tea, "contract").due_date == dt.date(2026, 10, 9)
    assert due(tea, "handover_confirm").due_date == dt.date(2026, 10, 19)
    assert due(tea, "cs_script").due_date == dt.date(2026, 10, 26)
    assert due(tea, "cs_script_review").due_date == dt.date(2026, 10, 28)


def test_weekly_reports_every_monday_and_monthly_summaries_by_the_5th(tea: Engagement) -> None:
    weekly = tea.duties.filter(source_ref__startswith="weekly_report:").order_by("due_at")
    assert weekly.first() is not None
    assert all(d.due_date.isoweekday() == 1 or d.provisional is False for d in weekly)
    assert weekly.first().due_date == dt.date(2026, 10, 19)  # type: ignore[union-attr]
    monthly = tea.duties.filter(source_ref__startswith="monthly_summary:").order_by("due_at")
    first = monthly.first()
    assert first is not None and first.source_ref == "monthly_summary:2026-11"
    assert first.due_date == dt.date(2026, 12, 7)  # 5 and 6 Dec 2026 are a weekend


def test_deadlines_in_2027_are_provisional_without_a_schedule(tea: Engagement) -> None:
    later = tea.duties.filter(due_at__gte=dt.datetime(2027, 1, 4, tzinfo=SHANGHAI), count_mode="working_days")
    assert later.exists()
    assert all(d.provisional for d in later)
    assert not tea.duties.filter(
        due_at__lt=dt.datetime(2026, 12, 30, tzinfo=SHANGHAI), provisional=True
    ).exists()


def test_termination_steps_start_15_days_before_the_end(tea: Engagement) -> None:
    assert due(tea, "final_report").due_date == dt.date(2027, 9, 26)
    assert due(tea, "close_sub_accounts").due_date == dt.date(2027, 10, 14)
    assert not tea.duties.filter(
        source_ref__startswith="weekly_report:", due_at__gte=dt.datetime(2027, 9, 26, tzinfo=SHANGHAI)
    ).exists()


def test_creation_is_recorded(tea: Engagement) -> None:
    assert AuditEvent.objects.filter(
        action="create", target_type="engagements.engagement", target_id=str(tea.pk)
    ).exists()
    assert (
        AuditEvent.objects.filter(engagement_id=tea.pk, target_type="duties.duty").count()
        == tea.duties.count()
    )


def test_staff_cannot_start_an_engagement(world: World) -> None:
    with pytest.raises(PermissionDenied):
        create_engagement(
            NewEngagement(
                name="x", merchant=world.merchant, agency=world.agency, shops=[world.shop],
                starts_on=dt.date(2026, 12, 1), ends_on=dt.date(2027, 11, 30),
            ),
            world.ads_specialist,
        )  # fmt: skip


def test_template_errors_name_the_item_and_field() -> None:
    with pytest.raises(TemplateError, match=r"item 1 \(x\): field 'anchor'"):
        parse_template(
            [
                {
                    "code": "x",
                    "phase": "research",
                    "title_zh": "诊断",
                    "owner_party": "agency",
                    "anchor": "soon",
                    "offset": 3,
                }
            ]
        )
    with pytest.raises(TemplateError, match=r"item 2 \(y\): anchor names 'z'"):
        parse_template(
            [
                {
                    "code": "x",
                    "phase": "research",
                    "title_zh": "诊断",
                    "owner_party": "agency",
                    "anchor": "start",
                    "offset": 3,
                },
                {
                    "code": "y",
                    "phase": "research",
                    "title_zh": "确认",
                    "owner_party": "merchant",
                    "anchor": "after:z",
                    "offset": 3,
                },
            ]
        )
    with pytest.raises(TemplateError, match="unknown field 'owner'"):
        parse_template([{"code": "x", "owner": "me"}])


def _sign_handover(world: World, tea: Engagement) -> None:
    handover = tea.deliverables.get(kind=DeliverableKind.HANDOVER)
    version = add_version(handover, world.agency_lead, content={"items": ["子账号", "团队名单"]})
    decide_version(version, world.agency_lead, sign=True, ip="10.0.0.1")
    decide_version(version, world.merchant_owner, sign=True, ip="10.0.0.2")


def _tick(world: World, tea: Engagement, kind: str) -> None:
    for item in tea.checklist.filter(checklist=kind):
        who = (
            world.merchant_owner
            if item.needs_merchant_confirmation or item.owner_party == Party.MERCHANT
            else world.agency_lead
        )
        complete_checklist_item(item, who)


def test_signature_binds_person_time_ip_and_hash(world: World, tea: Engagement) -> None:
    diagnosis = tea.deliverables.get(kind=DeliverableKind.DIAGNOSIS)
    version = add_version(
        diagnosis, world.agency_lead, upload=SimpleUploadedFile("诊断.pdf", b"%PDF-1.7 report")
    )
    signature = decide_version(
        version, world.merchant_owner, sign=True, ip="10.1.2.3", expected_hash=version.content_hash
    )
    assert signature.signed_hash == version.content_hash
    assert signature.ip == "10.1.2.3"
    assert signature.party == Party.MERCHANT
    with pytest.raises(ValidationError):
        signature.reason = "changed my mind"
        signature.save()
    with pytest.raises(EngagementError):
        decide_version(version, world.merchant_owner, sign=False, reason="again")


def test_new_version_needs_new_signatures(world: World, tea: Engagement) -> None:
    diagnosis = tea.deliverables.get(kind=DeliverableKind.DIAGNOSIS)
    first = add_version(diagnosis, world.agency_lead, content={"conversion": "2.0%"})
    decide_version(first, world.merchant_owner, sign=True)
    second = add_version(diagnosis, world.agency_lead, content={"conversion": "2.1%"})
    first.refresh_from_db()
    assert first.status == VersionStatus.SUPERSEDED
    with pytest.raises(EngagementError):
        decide_version(first, world.agency_lead, sign=True)
    with pytest.raises(EngagementError, match="changed"):
        decide_version(second, world.agency_lead, sign=True, expected_hash=first.content_hash)


def test_rejection_needs_a_reason(world: World, tea: Engagement) -> None:
    strategy = tea.deliverables.get(kind=DeliverableKind.STRATEGY)
    version = add_version(strategy, world.agency_lead, content={"goal": "月销 15 万"})
    with pytest.raises(ValidationError):
        decide_version(version, world.merchant_owner, sign=False)
    decide_version(version, world.merchant_owner, sign=False, reason="没有分周路径")
    version.refresh_from_db()
    assert version.status == VersionStatus.REJECTED


def test_only_named_signers_sign(world: World, tea: Engagement) -> None:
    version = add_version(
        tea.deliverables.get(kind=DeliverableKind.DIAGNOSIS), world.agency_lead, content={"a": 1}
    )
    with pytest.raises(PermissionDenied):
        decide_version(version, world.merchant_staff, sign=True)
    with pytest.raises(PermissionDenied):
        decide_version(version, world.other_merchant_owner, sign=True)


def test_execution_waits_for_the_signed_hand_over(world: World, tea: Engagement) -> None:
    for phase in (Phase.CONTRACT, Phase.HANDOVER, Phase.FOUNDATION):
        advance_phase(tea, world.agency_lead, phase)
    with pytest.raises(EngagementError, match="hand-over confirmation"):
        advance_phase(tea, world.agency_lead, Phase.EXECUTION)
    _sign_handover(world, tea)
    with pytest.raises(EngagementError, match="checklist"):
        advance_phase(tea, world.agency_lead, Phase.EXECUTION)
    _tick(world, tea, ChecklistKind.HANDOVER)
    assert advance_phase(tea, world.agency_lead, Phase.EXECUTION).phase == Phase.EXECUTION


def test_main_account_item_needs_the_merchants_own_word(world: World, tea: Engagement) -> None:
    item = tea.checklist.get(code="main_account_kept")
    with pytest.raises(PermissionDenied):
        complete_checklist_item(item, world.agency_lead)
    assert complete_checklist_item(item, world.merchant_owner).done_by == world.merchant_owner


def test_termination_completes_only_when_everything_is_back(world: World, tea: Engagement) -> None:
    for phase in (Phase.CONTRACT, Phase.HANDOVER, Phase.FOUNDATION):
        advance_phase(tea, world.agency_lead, phase)
    _sign_handover(world, tea)
    _tick(world, tea, ChecklistKind.HANDOVER)
    advance_phase(tea, world.agency_lead, Phase.EXECUTION)
    grant = grant_access(
        tea, world.merchant_owner, system="天猫商家后台", account="shanye:yunfan01", permissions="商品、营销"
    )
    advance_phase(tea, world.merchant_owner, Phase.TERMINATION)
    with freeze_time(dt.datetime(2027, 10, 16, 10, tzinfo=SHANGHAI)):
        _tick(world, tea, ChecklistKind.TERMINATION)
    closed = tea.checklist.get(code="sub_accounts_closed")
    assert closed.late_days == 2  # due 14 October, done on the 16th: two days of penalty
    termination = tea.deliverables.get(kind=DeliverableKind.TERMINATION)
    version = add_version(termination, world.agency_lead, content={"done": True})
    decide_version(version, world.agency_lead, sign=True)
    decide_version(version, world.merchant_owner, sign=True)
    assert is_signed_by_both(termination)
    with pytest.raises(EngagementError, match="not revoked"):
        advance_phase(tea, world.agency_lead, Phase.CLOSED)
    grant = revoke_access(grant, world.merchant_owner, now=dt.datetime(2027, 10, 17, 9, tzinfo=SHANGHAI))
    assert late_revocation_days(grant, dt.date(2027, 10, 31)) == 3
    assert advance_phase(tea, world.agency_lead, Phase.CLOSED).phase == Phase.CLOSED


def test_agency_cannot_grant_itself_access(world: World, tea: Engagement) -> None:
    with pytest.raises(PermissionDenied):
        grant_access(tea, world.agency_lead, system="天猫", account="x", permissions="全部")
