"""The engagement between one merchant and one agency over one or more shops."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from steward.accounts.models import AGENCY_ROLES, Organisation, Person, Role
from steward.shops.models import Shop

if TYPE_CHECKING:
    from django.db.models.query import QuerySet


class Phase(models.TextChoices):
    RESEARCH = "research", _("调研诊断")  # diagnosis and strategy before the start
    CONTRACT = "contract", _("签约")  # period, fees, penalties, exclusions agreed
    HANDOVER = "handover", _("交接")  # sub-accounts, materials and team handed over
    FOUNDATION = "foundation", _("基础优化")  # titles, images, navigation, service scripts
    EXECUTION = "execution", _("执行与复盘")  # daily running with weekly and monthly reviews
    TERMINATION = "termination", _("终止交接")  # everything handed back and settled
    CLOSED = "closed", _("已结束")  # termination confirmed by both parties


class EngagementQuerySet(models.QuerySet["Engagement"]):
    def visible_to(self, person: Person) -> QuerySet[Engagement]:
        from steward.accounts.access import visible_engagement_ids

        return self.filter(pk__in=visible_engagement_ids(person))


class Engagement(models.Model):
    name = models.CharField(_("名称"), max_length=200)
    merchant = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="merchant_engagements", verbose_name=_("商家")
    )
    agency = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="agency_engagements", verbose_name=_("托管方")
    )
    shops = models.ManyToManyField(Shop, related_name="engagements", verbose_name=_("店铺"))
    research_starts_on = models.DateField(_("调研开始日期"), null=True, blank=True)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    phase = models.CharField(_("阶段"), max_length=16, choices=Phase.choices, default=Phase.RESEARCH)
    template = models.ForeignKey(
        "EngagementTemplate", on_delete=models.SET_NULL, null=True, blank=True, related_name="engagements"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = EngagementQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-starts_on", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        if self.merchant_id is not None and not self.merchant.is_merchant:
            errors["merchant"] = _("商家一方必须是商家组织")
        if self.agency is not None and self.agency.is_merchant:
            errors["agency"] = _("托管一方必须是托管方组织")
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("结束日期早于开始日期")
        if errors:
            raise ValidationError(errors)


class Assignment(models.Model):
    """An agency specialist (or anyone of the agency) assigned to one engagement."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="assignments")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="assignments")
    role = models.CharField(_("职责"), max_length=32, choices=Role.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["engagement", "person", "role"], name="assignment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person} → {self.engagement} ({self.get_role_display()})"

    def clean(self) -> None:
        if self.role not in AGENCY_ROLES:
            raise ValidationError({"role": _("只能指派托管方的角色")})
        if self.person_id and self.engagement_id:
            in_agency = self.person.memberships.filter(organisation_id=self.engagement.agency_id).exists()
            if not in_agency:
                raise ValidationError({"person": _("此人不属于该托管方")})


class EngagementTemplate(models.Model):
    """The duties each phase generates; the default has no agency, an agency may keep its own."""

    agency = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="engagement_templates"
    )
    name = models.CharField(_("名称"), max_length=200)
    items = models.JSONField(default=list)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["agency_id", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from steward.engagements.template import TemplateError, parse_template

        try:
            parse_template(self.items)
        except TemplateError as exc:
            raise ValidationError({"items": str(exc)}) from exc
        if self.agency is not None and self.agency.is_merchant:
            raise ValidationError({"agency": _("模板只能属于托管方")})


class DeliverableKind(models.TextChoices):
    DIAGNOSIS = "diagnosis", _("店铺诊断报告")
    STRATEGY = "strategy", _("运营策略")
    HANDOVER = "handover", _("交接确认书")
    CS_SCRIPT = "cs_script", _("客服话术")
    WEEKLY_REPORT = "weekly_report", _("周报")
    MONTHLY_REPORT = "monthly_report", _("月度总结")
    FINAL_REPORT = "final_report", _("最终报告")
    TERMINATION = "termination", _("终止确认书")
    OTHER = "other", _("其他文件")


class Deliverable(models.Model):
    """A document one party delivers and named people of both parties sign."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="deliverables")
    kind = models.CharField(_("类型"), max_length=20, choices=DeliverableKind.choices)
    title = models.CharField(_("标题"), max_length=300)
    period = models.CharField(_("周期"), max_length=20, blank=True)
    duty = models.ForeignKey(
        "duties.Duty", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    signers = models.ManyToManyField(Person, related_name="deliverables_to_sign", verbose_name=_("签字人"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["engagement", "created_at"]

    def __str__(self) -> str:
        return self.title

    def latest_version(self) -> DeliverableVersion | None:
        return self.versions.order_by("-number").first()


class VersionStatus(models.TextChoices):
    AWAITING = "awaiting", _("待签字")  # some named signer has not signed yet
    SIGNED = "signed", _("已签字")  # every named signer signed this exact version
    REJECTED = "rejected", _("被拒签")  # a signer rejected it with a reason; a new version is needed
    SUPERSEDED = "superseded", _("已被新版本取代")  # a newer version exists


class DeliverableVersion(models.Model):
    deliverable = models.ForeignKey(Deliverable, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    file = models.FileField(upload_to="deliverables/%Y/%m/", blank=True)
    filename = models.CharField(max_length=255, blank=True)
    content = models.JSONField(null=True, blank=True)
    content_hash = models.CharField(max_length=64)
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=12, choices=VersionStatus.choices, default=VersionStatus.AWAITING)

    class Meta:
        ordering: ClassVar = ["deliverable", "number"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["deliverable", "number"], name="deliverable_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.deliverable} v{self.number}"


class SignatureDecision(models.TextChoices):
    SIGNED = "signed", _("签字")
    REJECTED = "rejected", _("拒签")


class Signature(models.Model):
    """One person's decision on one exact version; never changed afterwards."""

    version = models.ForeignKey(DeliverableVersion, on_delete=models.PROTECT, related_name="signatures")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="signatures")
    party = models.CharField(max_length=16)
    decision = models.CharField(max_length=10, choices=SignatureDecision.choices)
    reason = models.TextField(blank=True)
    signed_at = models.DateTimeField(default=timezone.now)
    ip = models.GenericIPAddressField(null=True, blank=True)
    signed_hash = models.CharField(max_length=64)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["version", "person"], name="one_signature_each")
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.decision} {self.version}"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise ValidationError("a signature cannot be changed")
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class ChecklistKind(models.TextChoices):
    HANDOVER = "handover", _("交接清单")
    TERMINATION = "termination", _("终止清单")


class ChecklistItem(models.Model):
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="checklist")
    checklist = models.CharField(max_length=12, choices=ChecklistKind.choices)
    code = models.CharField(max_length=40)
    label = models.CharField(max_length=300)
    owner_party = models.CharField(max_length=16)
    # Items that protect the merchant (main account kept, no open orders) need the merchant's word.
    needs_merchant_confirmation = models.BooleanField(default=False)
    due_on = models.DateField(null=True, blank=True)
    penalty_per_day = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    note = models.TextField(blank=True)
    late_days = models.IntegerField(default=0)

    class Meta:
        ordering: ClassVar = ["checklist", "pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["engagement", "checklist", "code"], name="checklist_item_unique")
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class AccessGrant(models.Model):
    """An account of the merchant's that the agency holds: when granted, when taken back."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="access_grants")
    system = models.CharField(_("系统"), max_length=100)
    account = models.CharField(_("账号"), max_length=200)
    permissions = models.CharField(_("权限"), max_length=300, blank=True)
    holder = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    granted_at = models.DateTimeField(default=timezone.now)
    granted_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    revoke_by = models.DateField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering: ClassVar = ["engagement", "granted_at"]

    def __str__(self) -> str:
        return f"{self.system} · {self.account}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class CommunicationPlan(models.Model):
    """Channels, hours and response limits agreed for one engagement."""

    engagement = models.OneToOneField(Engagement, on_delete=models.CASCADE, related_name="communication")
    channels = models.JSONField(
        default=list, help_text='e.g. [{"kind": "work_group", "detail": "企业微信群"}]'
    )
    work_starts = models.TimeField(default=dt.time(9, 0))
    work_ends = models.TimeField(default=dt.time(18, 0))
    weekly_review = models.CharField(max_length=100, default="每周一 10:00 视频会 30 分钟")

    def __str__(self) -> str:
        return f"{self.engagement} · 沟通机制"


class RequestTier(models.TextChoices):
    ROUTINE = "routine", _("日常")  # specialist answers within 2 working hours
    IMPORTANT = "important", _("重要")  # supervisor answers with a plan within 4 working hours
    CRITICAL = "critical", _("紧急")  # lead answers within 1 hour at any time, resolves within 24


class RequestState(models.TextChoices):
    OPEN = "open", _("待响应")  # raised; the response clock runs
    WAITING = "waiting", _("等待提出方")  # paused: the responder needs something from the raiser
    ANSWERED = "answered", _("已响应")  # answered; a critical request's resolve clock still runs
    RESOLVED = "resolved", _("已解决")  # closed


class SupportRequest(models.Model):
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="requests")
    tier = models.CharField(_("级别"), max_length=12, choices=RequestTier.choices)
    title = models.CharField(_("事项"), max_length=300)
    body = models.TextField(_("说明"), blank=True)
    raised_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, related_name="+")
    raised_party = models.CharField(max_length=16)
    raised_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=12, choices=RequestState.choices, default=RequestState.OPEN)
    # The role expected to answer now; moves up one step on each breach.
    responder_role = models.CharField(max_length=32, choices=Role.choices)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answer = models.TextField(blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering: ClassVar = ["-raised_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def responder_party(self) -> str:
        return "agency" if self.raised_party == "merchant" else "merchant"


class RequestPause(models.Model):
    request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE, related_name="pauses")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField()
    paused_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering: ClassVar = ["started_at"]

    def __str__(self) -> str:
        return self.reason


class SlaBreach(models.Model):
    """A response or resolve limit that ran out, and the party whose move it was."""

    request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE, related_name="breaches")
    clock = models.CharField(max_length=10)  # "response" or "resolve"
    level = models.PositiveSmallIntegerField(
        default=0
    )  # 0: the first responder's limit; 1+: after escalation
    due_at = models.DateTimeField()
    recorded_at = models.DateTimeField(default=timezone.now)
    party = models.CharField(max_length=16)
    role = models.CharField(max_length=32)
    escalated_to = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering: ClassVar = ["due_at"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["request", "clock", "level"], name="one_breach_per_clock_and_level"
            )
        ]

    def __str__(self) -> str:
        return f"{self.request} · {self.clock}"


class AgencySelection(models.Model):
    """A merchant's comparison of candidate agencies over three rounds."""

    merchant = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="agency_selections")
    title = models.CharField(_("名称"), max_length=200)
    weight_papers = models.DecimalField(max_digits=4, decimal_places=2, default=Decimal("0.20"))
    weight_interview = models.DecimalField(max_digits=4, decimal_places=2, default=Decimal("0.30"))
    weight_trial = models.DecimalField(max_digits=4, decimal_places=2, default=Decimal("0.50"))
    trial_metric = models.CharField(max_length=40, default="visitors")
    trial_fee_share = models.DecimalField(max_digits=4, decimal_places=2, default=Decimal("0.80"))
    trial_target_growth = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("0.20"))
    trial_refund_share = models.DecimalField(max_digits=4, decimal_places=2, default=Decimal("0.50"))
    created_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    chosen = models.ForeignKey(
        "Candidate", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    engagement = models.ForeignKey(
        Engagement, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering: ClassVar = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class Candidate(models.Model):
    selection = models.ForeignKey(AgencySelection, on_delete=models.CASCADE, related_name="candidates")
    name = models.CharField(_("托管公司"), max_length=200)
    agency = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    papers = models.JSONField(default=dict, blank=True)
    interview = models.JSONField(default=dict, blank=True)
    interview_notes = models.JSONField(default=dict, blank=True)
    trial_baseline = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    trial_actual = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering: ClassVar = ["selection", "name"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["selection", "name"], name="candidate_unique_name")
        ]

    def __str__(self) -> str:
        return self.name
