"""Contracts and monthly statements as the parties see them in the app.

The contract's text lives in the versions of an engagement `Deliverable` (kind "other"), so it is
versioned, hashed and signed exactly like every other document the parties sign; `ContractFile`
only says which deliverable of the engagement is its contract. The arithmetic lives in
`settlement.py`; a `Statement` stores what it produced, line by line, and never recomputes it.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from steward.accounts.models import Person
from steward.engagements.models import Deliverable, DeliverableVersion, Engagement


class ContractFile(models.Model):
    engagement = models.OneToOneField(Engagement, on_delete=models.CASCADE, related_name="contract_file")
    deliverable = models.OneToOneField(Deliverable, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.deliverable.title


class StatementState(models.TextChoices):
    DRAFT = "draft", _("待确认")  # computed; waiting for the merchant to confirm or dispute
    DISPUTED = "disputed", _("有异议")  # the merchant disputes at least one line
    CONFIRMED = "confirmed", _("已确认")  # the merchant confirmed it; frozen for good
    SUPERSEDED = "superseded", _("已被新版取代")  # an unconfirmed statement replaced by a redraft


OPEN_STATES = (StatementState.DRAFT, StatementState.DISPUTED)


class Statement(models.Model):
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="statements")
    month = models.CharField(_("月份"), max_length=7)  # YYYY-MM
    number = models.PositiveIntegerField(default=1)  # 1 for the first draft of the month, then 2, 3 …
    contract_version = models.ForeignKey(DeliverableVersion, on_delete=models.PROTECT, related_name="+")
    # A correction of a confirmed statement (or a redraft of an unconfirmed one) points to it.
    corrects = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections"
    )
    state = models.CharField(max_length=12, choices=StatementState.choices, default=StatementState.DRAFT)
    forecast_through = models.DateField(null=True, blank=True)
    # The figures as settled (strings, exact) and where each came from, for the evidence links.
    figures = models.JSONField(default=dict)
    sources = models.JSONField(default=dict)
    flags = models.JSONField(default=list)
    service_fee = models.DecimalField(max_digits=16, decimal_places=2)
    pass_through = models.DecimalField(max_digits=16, decimal_places=2)
    total_due = models.DecimalField(max_digits=16, decimal_places=2)
    due_on = models.DateField(_("付款截止日"))
    paid_on = models.DateField(_("付款日"), null=True, blank=True)
    created_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["engagement", "-month", "-number"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["engagement", "month", "number"], name="statement_number")
        ]

    def __str__(self) -> str:
        return f"{self.month} #{self.number}"

    @property
    def is_frozen(self) -> bool:
        return self.state in {StatementState.CONFIRMED, StatementState.SUPERSEDED}

    def open_disputes(self) -> models.QuerySet[LineDispute]:
        return LineDispute.objects.filter(line__statement=self, answered_at__isnull=True)

    def can_confirm(self) -> bool:
        """Confirmable while open and no dispute waits for the agency's answer."""
        return self.state in OPEN_STATES and not self.open_disputes().exists()


class StatementLine(models.Model):
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField()
    clause = models.CharField(max_length=40)
    clause_index = models.PositiveIntegerField(null=True, blank=True)  # 1-based, as the contract counts
    description_zh = models.CharField(max_length=300)
    description_en = models.CharField(max_length=300)
    formula_zh = models.TextField()
    formula_en = models.TextField()
    amount = models.DecimalField(max_digits=16, decimal_places=2)
    pass_through = models.BooleanField(default=False)
    figure_keys = models.JSONField(default=list)
    # The agency's duties whose lateness a late_duty line charges for.
    duties = models.ManyToManyField("duties.Duty", related_name="+", blank=True)

    class Meta:
        ordering: ClassVar = ["statement", "position"]

    def __str__(self) -> str:
        return f"{self.statement} · {self.position}. {self.clause}"


class LineDispute(models.Model):
    line = models.ForeignKey(StatementLine, on_delete=models.CASCADE, related_name="disputes")
    reason = models.TextField()
    raised_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["line", "raised_at"]

    def __str__(self) -> str:
        return f"dispute on {self.line}"

    @property
    def is_open(self) -> bool:
        return self.answered_at is None
