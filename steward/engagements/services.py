"""Workflow steps of an engagement: create it from a template, move its phases through their
gates, version and sign deliverables, tick checklists, keep the access registry.

Each step authorizes, validates, locks what two people could change at once, changes it in one
transaction and records the change in the audit log.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from steward.accounts.models import (
    AGENCY_WIDE_ROLES,
    MERCHANT_ROLES,
    SPECIALIST_ROLES,
    Membership,
    Organisation,
    Person,
    Role,
)
from steward.audit.services import record, record_create, snapshot
from steward.duties.models import CountMode, DutySource, Party
from steward.duties.services import DutySpec, current_calendar, open_duty, party_of
from steward.duties.workdays import SHANGHAI
from steward.engagements.models import (
    AccessGrant,
    ChecklistItem,
    ChecklistKind,
    Deliverable,
    DeliverableKind,
    DeliverableVersion,
    Engagement,
    EngagementTemplate,
    Phase,
    Signature,
    SignatureDecision,
    VersionStatus,
)
from steward.engagements.template import (
    DEFAULT_TEMPLATE,
    EngagementDates,
    TemplateItem,
    parse_template,
    plan_duties,
)
from steward.shops.models import Shop
from steward.steps import StepNotAllowed


class EngagementError(StepNotAllowed):
    """A step the engagement's state does not allow; the message says why."""


PHASE_ORDER = [
    Phase.RESEARCH,
    Phase.CONTRACT,
    Phase.HANDOVER,
    Phase.FOUNDATION,
    Phase.EXECUTION,
    Phase.TERMINATION,
    Phase.CLOSED,
]

HANDOVER_ITEMS = [
    ("sub_accounts", "已开通权限受限的子账号，并登记在权限台账", Party.MERCHANT, False),
    ("main_account_kept", "主账号和支付密码由商家本人保管（商家确认）", Party.MERCHANT, True),
    ("supply_chain_contact", "已提供供应链联系人", Party.MERCHANT, False),
    ("order_history", "已提供历史订单数据", Party.MERCHANT, False),
    ("team_roster", "托管团队名单已确认", Party.AGENCY, False),
    ("work_group", "工作群已建立，双方负责人在群内", Party.AGENCY, False),
]
TERMINATION_ITEMS = [
    ("final_report", "最终报告已提交", Party.AGENCY, False),
    ("documents_returned", "全部文件已归还", Party.AGENCY, False),
    ("materials_returned", "全部素材（图片、视频、文案）已归还", Party.AGENCY, False),
    ("customer_data_returned", "客户数据已归还，托管方不留存副本", Party.AGENCY, True),
    ("sub_accounts_closed", "全部子账号已关闭（结束后 3 日内）", Party.AGENCY, True),
    ("no_open_orders", "无未完结订单和售后纠纷（商家确认）", Party.MERCHANT, True),
    ("final_statement", "最终结算单已确认", Party.AGENCY, True),
]
SUB_ACCOUNT_PENALTY_PER_DAY = Decimal("500.00")


def default_template() -> EngagementTemplate:
    template, _ = EngagementTemplate.objects.get_or_create(
        agency=None, name="标准托管流程", defaults={"items": DEFAULT_TEMPLATE}
    )
    return template


def template_for(agency: Organisation) -> EngagementTemplate:
    return (
        EngagementTemplate.objects.filter(agency=agency).order_by("-updated_at").first() or default_template()
    )


@dataclass(frozen=True)
class NewEngagement:
    name: str
    merchant: Organisation
    agency: Organisation
    shops: list[Shop]
    starts_on: dt.date
    ends_on: dt.date
    research_starts_on: dt.date | None = None


def _lead_person(engagement: Engagement, role: str) -> Person | None:
    """The one person who holds a lead role for this engagement, when there is exactly one.

    Specialists count only where assigned (the access rule would hide the duty from anyone else);
    lead, supervisor and merchant roles come from the organisation.
    """
    if not role:
        return None
    assigned = [a.person for a in engagement.assignments.filter(role=role).select_related("person")]
    if len(assigned) == 1:
        return assigned[0]
    if role in SPECIALIST_ROLES:
        return None
    org_id = engagement.merchant_id if role in MERCHANT_ROLES else engagement.agency_id
    holders = list(Membership.objects.filter(organisation_id=org_id, role=role).select_related("person")[:2])
    return holders[0].person if len(holders) == 1 else None


def create_engagement(
    spec: NewEngagement, actor: Person | None, template: EngagementTemplate | None = None
) -> Engagement:
    """Create the engagement and every duty, checklist item and deliverable its template implies."""
    if (
        actor is not None
        and not Membership.objects.filter(
            person=actor, organisation=spec.agency, role__in=AGENCY_WIDE_ROLES
        ).exists()
        and not Membership.objects.filter(
            person=actor, organisation=spec.merchant, role=Role.MERCHANT_OWNER
        ).exists()
    ):
        raise PermissionDenied(
            "only the agency's lead or supervisor, or the merchant's owner, can start an engagement"
        )
    for shop in spec.shops:
        if shop.merchant_id != spec.merchant.pk:
            raise ValidationError({"shops": f"shop {shop.code} does not belong to {spec.merchant}"})
    template = template or template_for(spec.agency)
    items = parse_template(template.items)
    research = spec.research_starts_on or spec.starts_on - dt.timedelta(days=10)
    engagement = Engagement(
        name=spec.name,
        merchant=spec.merchant,
        agency=spec.agency,
        starts_on=spec.starts_on,
        ends_on=spec.ends_on,
        research_starts_on=research,
        template=template,
    )
    engagement.full_clean()
    with transaction.atomic():
        engagement.save()
        engagement.shops.set(spec.shops)
        record_create(
            engagement,
            actor,
            engagement_id=engagement.pk,
            extra={"shops": [s.pk for s in spec.shops]},
        )
        generate_phase_duties(engagement, items, actor)
        create_checklists(engagement)
    return engagement


def generate_phase_duties(engagement: Engagement, items: list[TemplateItem], actor: Person | None) -> int:
    calendar = current_calendar()
    dates = EngagementDates(
        research_starts_on=engagement.research_starts_on or engagement.starts_on - dt.timedelta(days=10),
        starts_on=engagement.starts_on,
        ends_on=engagement.ends_on,
    )
    created = 0
    for planned in plan_duties(items, dates):
        item = planned.item
        title = f"{item.title_zh}（{planned.occurrence}）" if planned.occurrence else item.title_zh
        duty = open_duty(
            engagement,
            DutySpec(
                title=title,
                details=item.title_en,
                owner_party=item.owner_party,
                lead_role=item.lead_role,
                lead_person=_lead_person(engagement, item.lead_role),
                support_party=item.support_party,
                phase=item.phase,
                counted_from=planned.counted_from,
                count=planned.count,
                count_mode=planned.count_mode or CountMode.WORKING_DAYS,
                acceptance=item.acceptance_zh,
                source=DutySource.PHASE,
                source_ref=f"{item.code}:{planned.occurrence}" if planned.occurrence else item.code,
            ),
            actor,
            calendar,
        )
        if item.deliverable:
            deliverable = Deliverable.objects.create(
                engagement=engagement,
                kind=item.deliverable,
                title=title,
                period=planned.occurrence,
                duty=duty,
            )
            deliverable.signers.set(_default_signers(engagement))
        created += 1
    return created


def _default_signers(engagement: Engagement) -> list[Person]:
    """The merchant's owner and the agency's lead sign unless someone names others."""
    owners = Membership.objects.filter(organisation_id=engagement.merchant_id, role=Role.MERCHANT_OWNER)
    leads = Membership.objects.filter(organisation_id=engagement.agency_id, role=Role.AGENCY_LEAD)
    return [m.person for m in owners.select_related("person")[:1]] + [
        m.person for m in leads.select_related("person")[:1]
    ]


def create_checklists(engagement: Engagement) -> None:
    for code, label, party, confirm in HANDOVER_ITEMS:
        ChecklistItem.objects.create(
            engagement=engagement,
            checklist=ChecklistKind.HANDOVER,
            code=code,
            label=label,
            owner_party=party,
            needs_merchant_confirmation=confirm,
            due_on=engagement.starts_on + dt.timedelta(days=7),
        )
    for code, label, party, confirm in TERMINATION_ITEMS:
        ChecklistItem.objects.create(
            engagement=engagement,
            checklist=ChecklistKind.TERMINATION,
            code=code,
            label=label,
            owner_party=party,
            needs_merchant_confirmation=confirm,
            due_on=engagement.ends_on + dt.timedelta(days=3 if code == "sub_accounts_closed" else 0),
            penalty_per_day=SUB_ACCOUNT_PENALTY_PER_DAY if code == "sub_accounts_closed" else None,
        )


def _require_party(person: Person, engagement: Engagement) -> Party:
    party = party_of(person, engagement)
    if party is None:
        raise PermissionDenied("not a party to this engagement")
    return party


# Deliverables


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def canonical_content(content: Any) -> bytes:
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def add_version(
    deliverable: Deliverable,
    person: Person,
    *,
    upload: UploadedFile | None = None,
    content: Any = None,
    note: str = "",
) -> DeliverableVersion:
    """A new version (a file or structured content); earlier versions stop being signable."""
    _require_party(person, deliverable.engagement)
    if (upload is None) == (content is None):
        raise ValidationError({"content": "give either a file or structured content"})
    if upload is not None:
        data = b"".join(upload.chunks())
        if not data:
            raise ValidationError({"file": "the file is empty"})
        digest = content_hash(data)
    else:
        digest = content_hash(canonical_content(content))
    with transaction.atomic():
        locked = Deliverable.objects.select_for_update().get(pk=deliverable.pk)
        latest = locked.versions.order_by("-number").first()
        number = (latest.number if latest else 0) + 1
        version = DeliverableVersion(
            deliverable=locked,
            number=number,
            content=content,
            content_hash=digest,
            note=note,
            created_by=person,
        )
        if upload is not None:
            from django.core.files.base import ContentFile

            version.filename = (upload.name or "document")[:255]
            version.file.save(version.filename, ContentFile(data), save=False)
        version.save()
        locked.versions.exclude(pk=version.pk).filter(status=VersionStatus.AWAITING).update(
            status=VersionStatus.SUPERSEDED
        )
        record(
            "deliverable_version",
            actor=person,
            target=version,
            engagement_id=locked.engagement_id,
            summary=f"{locked.title} v{number}",
            after={"number": number, "content_hash": digest, "filename": version.filename},
        )
    return version


def decide_version(
    version: DeliverableVersion,
    person: Person,
    *,
    sign: bool,
    reason: str = "",
    ip: str | None = None,
    expected_hash: str | None = None,
) -> Signature:
    """Sign or reject exactly this version. ``expected_hash`` guards against signing a version
    other than the one the person looked at."""
    party = _require_party(person, version.deliverable.engagement)
    if not sign and not reason.strip():
        raise ValidationError({"reason": "a reason is required to reject"})
    with transaction.atomic():
        # Lock the deliverable: a new version and a signature must not cross.
        Deliverable.objects.select_for_update().get(pk=version.deliverable_id)
        version = DeliverableVersion.objects.get(pk=version.pk)
        if expected_hash is not None and expected_hash != version.content_hash:
            raise EngagementError("the document changed since you opened it; look at the new version")
        if version.status != VersionStatus.AWAITING:
            raise EngagementError(
                f"version {version.number} is {version.get_status_display()}; nothing to sign"
            )
        if not version.deliverable.signers.filter(pk=person.pk).exists():
            raise PermissionDenied("you are not a named signer of this document")
        if version.signatures.filter(person=person).exists():
            raise EngagementError("you already decided on this version")
        try:
            with transaction.atomic():
                signature = Signature.objects.create(
                    version=version,
                    person=person,
                    party=party,
                    decision=SignatureDecision.SIGNED if sign else SignatureDecision.REJECTED,
                    reason=reason.strip(),
                    ip=ip,
                    signed_hash=version.content_hash,
                )
        except IntegrityError as exc:
            raise EngagementError("you already decided on this version") from exc
        if not sign:
            version.status = VersionStatus.REJECTED
        else:
            signed = set(
                version.signatures.filter(decision=SignatureDecision.SIGNED).values_list(
                    "person_id", flat=True
                )
            )
            required = set(version.deliverable.signers.values_list("pk", flat=True))
            if required <= signed:
                version.status = VersionStatus.SIGNED
        version.save(update_fields=["status"])
        record(
            "deliverable_signed" if sign else "deliverable_rejected",
            actor=person,
            target=signature,
            engagement_id=version.deliverable.engagement_id,
            summary=f"{version.deliverable.title} v{version.number}",
            after={"hash": version.content_hash, "ip": ip, "reason": reason.strip(), "party": party},
        )
    return signature


def is_signed_by_both(deliverable: Deliverable) -> bool:
    """The latest version carries signatures of both parties and every named signer."""
    latest = deliverable.latest_version()
    if latest is None or latest.status != VersionStatus.SIGNED:
        return False
    parties = set(latest.signatures.filter(decision=SignatureDecision.SIGNED).values_list("party", flat=True))
    return parties >= {Party.MERCHANT, Party.AGENCY}


# Checklists and the access registry


def complete_checklist_item(
    item: ChecklistItem, person: Person, note: str = "", now: dt.datetime | None = None
) -> ChecklistItem:
    party = _require_party(person, item.engagement)
    if item.needs_merchant_confirmation and party != Party.MERCHANT:
        raise PermissionDenied("the merchant must confirm this item")
    if not item.needs_merchant_confirmation and party != item.owner_party:
        raise PermissionDenied(f"the {item.owner_party} side ticks this item")
    now = now or timezone.now()
    with transaction.atomic():
        item = ChecklistItem.objects.select_for_update().get(pk=item.pk)
        if item.is_done:
            raise EngagementError("this item is already done")
        before = snapshot(item)
        item.done_at, item.done_by, item.note = now, person, note.strip()
        if item.due_on is not None:
            item.late_days = max(0, (now.astimezone(SHANGHAI).date() - item.due_on).days)
        item.save()
        record(
            "checklist_done",
            actor=person,
            target=item,
            engagement_id=item.engagement_id,
            summary=item.label,
            before=before,
            after=snapshot(item),
        )
    return item


def checklist_complete(engagement: Engagement, kind: str) -> bool:
    return not engagement.checklist.filter(checklist=kind, done_at__isnull=True).exists()


def grant_access(
    engagement: Engagement,
    person: Person,
    *,
    system: str,
    account: str,
    permissions: str,
    holder: Person | None = None,
) -> AccessGrant:
    if _require_party(person, engagement) != Party.MERCHANT:
        raise PermissionDenied("only the merchant grants access to its accounts")
    if not system.strip() or not account.strip():
        raise ValidationError({"account": "name the system and the account"})
    with transaction.atomic():
        grant = AccessGrant.objects.create(
            engagement=engagement,
            system=system.strip(),
            account=account.strip(),
            permissions=permissions.strip(),
            holder=holder,
            granted_by=person,
            revoke_by=engagement.ends_on + dt.timedelta(days=3),
        )
        record_create(grant, person, engagement_id=engagement.pk)
    return grant


def revoke_access(grant: AccessGrant, person: Person, now: dt.datetime | None = None) -> AccessGrant:
    _require_party(person, grant.engagement)
    with transaction.atomic():
        grant = AccessGrant.objects.select_for_update().get(pk=grant.pk)
        if grant.revoked_at is not None:
            raise EngagementError("this access was already revoked")
        before = snapshot(grant)
        grant.revoked_at, grant.revoked_by = now or timezone.now(), person
        grant.save()
        record(
            "access_revoked",
            actor=person,
            target=grant,
            engagement_id=grant.engagement_id,
            before=before,
            after=snapshot(grant),
        )
    return grant


def late_revocation_days(grant: AccessGrant, as_of: dt.date) -> int:
    """Days past the revoke-by date an account stayed open (each costs the agreed penalty)."""
    if grant.revoke_by is None:
        return 0
    end = grant.revoked_at.astimezone(SHANGHAI).date() if grant.revoked_at else as_of
    return max(0, (end - grant.revoke_by).days)


# Phases


def _gate(engagement: Engagement, target: str) -> str | None:
    """Why the engagement cannot enter ``target`` yet, or ``None``."""
    if target == Phase.EXECUTION:
        handover = (
            engagement.deliverables.filter(kind=DeliverableKind.HANDOVER).order_by("created_at").first()
        )
        if handover is None or not is_signed_by_both(handover):
            return "the hand-over confirmation must be signed by both parties before execution starts"
        if not checklist_complete(engagement, ChecklistKind.HANDOVER):
            return "the hand-over checklist is not complete"
    if target == Phase.CLOSED:
        if not checklist_complete(engagement, ChecklistKind.TERMINATION):
            return "the termination checklist is not complete"
        termination = (
            engagement.deliverables.filter(kind=DeliverableKind.TERMINATION).order_by("created_at").first()
        )
        if termination is None or not is_signed_by_both(termination):
            return "the termination confirmation must be signed by both parties"
        if engagement.access_grants.filter(revoked_at__isnull=True).exists():
            return "some accounts held by the agency are not revoked yet"
    return None


def advance_phase(engagement: Engagement, person: Person, target: str) -> Engagement:
    party = _require_party(person, engagement)
    if target not in PHASE_ORDER:
        raise ValidationError({"phase": f"unknown phase {target!r}"})
    with transaction.atomic():
        engagement = Engagement.objects.select_for_update().get(pk=engagement.pk)
        current = PHASE_ORDER.index(Phase(engagement.phase))
        wanted = PHASE_ORDER.index(Phase(target))
        if wanted != current + 1 and not (target == Phase.TERMINATION and current < wanted):
            raise EngagementError(
                f"the engagement is in {engagement.get_phase_display()}; it moves one phase at a time"
            )
        if party != Party.AGENCY and target != Phase.TERMINATION:
            raise PermissionDenied(
                "the agency moves the engagement forward; either party may start termination"
            )
        blocked = _gate(engagement, target)
        if blocked:
            raise EngagementError(blocked)
        before = engagement.phase
        engagement.phase = target
        engagement.save(update_fields=["phase"])
        record(
            "phase_changed",
            actor=person,
            target=engagement,
            engagement_id=engagement.pk,
            before={"phase": before},
            after={"phase": target},
        )
    return engagement
