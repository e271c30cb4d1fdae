"""The engagement between one merchant and one agency over one or more shops."""

from __future__ import annotations

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
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    phase = models.CharField(_("阶段"), max_length=16, choices=Phase.choices, default=Phase.RESEARCH)
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
        if self.agency_id is not None and self.agency.is_merchant:
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
