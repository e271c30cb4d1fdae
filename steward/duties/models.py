"""Every duty of an engagement, whatever created it, with an owner, a date and a bar."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from steward.accounts.models import Person, Role
from steward.engagements.models import Engagement, Phase
from steward.shops.models import Shop


class Party(models.TextChoices):
    MERCHANT = "merchant", _("商家")
    AGENCY = "agency", _("托管方")

    @property
    def other(self) -> Party:
        return Party.AGENCY if self == Party.MERCHANT else Party.MERCHANT


class DutySource(models.TextChoices):
    PHASE = "phase", _("阶段模板")  # generated from the engagement template
    PLAN = "plan", _("运营方案")  # a task of a confirmed operations plan
    SIGNAL = "signal", _("预警信号")  # opened by a firing signal rule
    APPROVAL = "approval", _("审批")  # follows from an approval decision
    REQUEST = "request", _("沟通请求")  # follows from a raised request
    MANUAL = "manual", _("手动添加")  # added by a person


class CountMode(models.TextChoices):
    WORKING_DAYS = "working_days", _("工作日")  # due date never falls on a day off
    CALENDAR_DAYS = "calendar_days", _("自然日")
    HOURS = "hours", _("小时")  # counted in clock hours from the moment it was opened


class DutyState(models.TextChoices):
    OPEN = "open", _("待完成")  # the owner party has not handed it in
    SUBMITTED = "submitted", _("待验收")  # handed in; waiting for the bar or the counterparty
    ACCEPTED = "accepted", _("已验收")  # done and accepted
    REJECTED = "rejected", _("被退回")  # handed in but not accepted; reason recorded; back with the owner
    OVERDUE = "overdue", _("已逾期")  # past its due time and not handed in
    CANCELLED = "cancelled", _("已取消")  # withdrawn, with a reason


ACTIVE_STATES = frozenset({DutyState.OPEN, DutyState.REJECTED, DutyState.OVERDUE})


class Metric(models.TextChoices):
    VISITORS = "visitors", _("访客数")
    GMV = "gmv", _("支付金额")
    CONVERSION = "conversion", _("支付转化率")  # paid buyers ÷ visitors
    AOV = "aov", _("客单价")  # GMV ÷ paid buyers
    REFUND_RATE = "refund_rate", _("退款率")  # refunds ÷ GMV
    CTR = "ctr", _("推广点击率")  # clicks ÷ impressions over all campaigns
    ROI = "roi", _("推广投入产出比")  # ad revenue ÷ ad spend
    AD_SPEND = "ad_spend", _("推广花费")
    FIRST_RESPONSE_S = "first_response_s", _("平均首次响应时长（秒）")  # mean of daily means


class Comparator(models.TextChoices):
    GE = ">=", "≥"
    GT = ">", ">"
    LE = "<=", "≤"
    LT = "<", "<"


class HolidaySchedule(models.Model):
    """A year's official schedule entered by an admin, for years the calendar package lacks."""

    year = models.PositiveSmallIntegerField(unique=True)
    holidays = models.JSONField(default=list, help_text="ISO dates of weekday holidays")
    workdays = models.JSONField(default=list, help_text="ISO dates of make-up working days")
    note = models.CharField(max_length=200, blank=True)
    entered_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True)
    entered_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.year}"

    def clean(self) -> None:
        from steward.duties.workdays import YearSchedule

        try:
            holidays = frozenset(dt.date.fromisoformat(str(d)) for d in self.holidays)
            workdays = frozenset(dt.date.fromisoformat(str(d)) for d in self.workdays)
            YearSchedule(self.year, holidays, workdays)
        except (TypeError, ValueError) as exc:
            raise ValidationError(
                {"holidays": f"{exc} (use a list of YYYY-MM-DD dates of {self.year})"}
            ) from exc


class Duty(models.Model):
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="duties")
    title = models.CharField(_("事项"), max_length=300)
    details = models.TextField(_("说明"), blank=True)
    source = models.CharField(max_length=16, choices=DutySource.choices, default=DutySource.MANUAL)
    source_ref = models.CharField(max_length=100, blank=True, db_index=True)
    phase = models.CharField(_("阶段"), max_length=16, choices=Phase.choices, blank=True)

    owner_party = models.CharField(_("负责方"), max_length=16, choices=Party.choices)
    lead_role = models.CharField(_("负责角色"), max_length=32, choices=Role.choices, blank=True)
    lead_person = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_duties",
        verbose_name=_("负责人"),
    )
    support_party = models.CharField(_("配合方"), max_length=16, choices=Party.choices, blank=True)

    # How the due date was counted, so it can be recomputed when a holiday schedule arrives.
    counted_from = models.DateField(null=True, blank=True)
    count = models.IntegerField(null=True, blank=True)
    count_mode = models.CharField(max_length=16, choices=CountMode.choices, default=CountMode.CALENDAR_DAYS)
    due_at = models.DateTimeField(_("截止时间"))
    provisional = models.BooleanField(
        default=False, help_text="counted across a year without a holiday schedule"
    )

    acceptance = models.TextField(_("验收标准"), blank=True)
    shop = models.ForeignKey(Shop, on_delete=models.SET_NULL, null=True, blank=True, related_name="duties")
    metric = models.CharField(max_length=24, choices=Metric.choices, blank=True)
    comparator = models.CharField(max_length=2, choices=Comparator.choices, blank=True)
    threshold = models.DecimalField(max_digits=16, decimal_places=6, null=True, blank=True)
    window_offset_days = models.IntegerField(
        default=1, help_text="first measured day, counted from the due date"
    )
    window_days = models.PositiveIntegerField(default=7)
    measured_value = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    measured_note = models.TextField(blank=True)

    state = models.CharField(max_length=16, choices=DutyState.choices, default=DutyState.OPEN, db_index=True)
    state_reason = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    late_days = models.IntegerField(default=0, help_text="calendar days between the due date and hand-in")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["due_at", "pk"]
        indexes: ClassVar = [models.Index(fields=["engagement", "state", "due_at"])]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.support_party and self.support_party == self.owner_party:
            errors["support_party"] = str(_("配合方不能与负责方相同"))
        measurable = [self.metric, self.comparator, self.threshold]
        if any(v not in ("", None) for v in measurable) and not all(v not in ("", None) for v in measurable):
            errors["metric"] = str(_("可量化的验收标准需要同时填写指标、比较方式和阈值"))
        if self.metric and self.shop_id is None:
            errors["shop"] = str(_("可量化的验收标准需要指定店铺"))
        if self.metric and self.window_days < 1:
            errors["window_days"] = str(_("统计天数至少为 1"))
        if errors:
            raise ValidationError(errors)

    @property
    def is_measurable(self) -> bool:
        return bool(self.metric)

    @property
    def due_date(self) -> dt.date:
        return timezone.localtime(self.due_at).date()

    def measure_window(self) -> tuple[dt.date, dt.date]:
        first = self.due_date + dt.timedelta(days=self.window_offset_days)
        return first, first + dt.timedelta(days=self.window_days - 1)

    def is_overdue(self, now: dt.datetime) -> bool:
        return self.state in ACTIVE_STATES and now > self.due_at

    def late_days_as_of(self, day: dt.date) -> int:
        """Days late: fixed at hand-in, or still counting for a duty not handed in."""
        if self.state in {DutyState.SUBMITTED, DutyState.ACCEPTED} or self.state == DutyState.CANCELLED:
            return self.late_days
        return max(0, (day - self.due_date).days)

    def waiting_on(self) -> Party | None:
        """Whose move it is: the owner while open, the counterparty while a manual bar is reviewed."""
        if self.state in ACTIVE_STATES:
            return Party(self.owner_party)
        if self.state == DutyState.SUBMITTED and not self.is_measurable:
            return Party(self.owner_party).other
        return None

    def bar_text(self) -> str:
        if not self.is_measurable:
            return self.acceptance
        first, last = self.measure_window()
        threshold = self.threshold if self.threshold is not None else Decimal(0)
        return (
            f"{Metric(self.metric).label} {Comparator(self.comparator).label} {threshold.normalize()}"
            f"（{first.isoformat()} 至 {last.isoformat()}）"
        )


class EvidenceKind(models.TextChoices):
    FILE = "file", _("文件")
    LINK = "link", _("链接")
    NOTE = "note", _("说明")


class Evidence(models.Model):
    duty = models.ForeignKey(Duty, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=8, choices=EvidenceKind.choices)
    file = models.FileField(upload_to="evidence/%Y/%m/", blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    url = models.URLField(blank=True)
    note = models.TextField(blank=True)
    added_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["added_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.duty}"
