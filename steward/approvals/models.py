"""Approval policies of an engagement and the requests that ask the merchant for a yes."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from steward.accounts.models import Person
from steward.engagements.models import Engagement


class ApprovalPolicy(models.Model):
    """One guardrail of one engagement (see guardrails.Policy for the fields' meaning)."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="approval_policies")
    code = models.CharField(max_length=60)
    kind = models.CharField(max_length=30)
    params = models.JSONField(default=dict, blank=True)
    tiers = models.JSONField(default=list, blank=True)
    response_hours = models.PositiveIntegerField(default=24)
    working_time = models.BooleanField(default=False)
    on_timeout = models.CharField(max_length=24, default="escalate_then_reject")
    enabled = models.BooleanField(default=True)

    class Meta:
        ordering: ClassVar = ["engagement", "pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["engagement", "code"], name="policy_unique_code")
        ]

    def __str__(self) -> str:
        return self.code


class ApprovalState(models.TextChoices):
    PENDING = "pending", _("待审批")  # the decider's clock runs
    QUESTION = "question", _("待补充")  # the decider asked a question; the clock is paused
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")  # by the decider, with a reason
    EXPIRED = "expired", _("已过期")  # nobody decided in time: treated as rejected
    WITHDRAWN = "withdrawn", _("已撤回")  # the agency took it back


OPEN_STATES = frozenset({ApprovalState.PENDING, ApprovalState.QUESTION})


class ApprovalRequest(models.Model):
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="approval_requests")
    kind = models.CharField(max_length=20)
    title = models.CharField(_("事项"), max_length=300)
    proposal = models.JSONField(default=dict)
    findings = models.JSONField(default=list)  # the guardrail findings with their numbers
    amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    reason = models.TextField(_("申请理由"))
    evidence = models.JSONField(default=list, blank=True)  # figures and links given with the request
    # The agency asked later than agreed (e.g. an event plan fewer than 15 days ahead).
    late_submission = models.BooleanField(default=False)
    source = models.CharField(max_length=12, default="person")  # person | signal
    source_ref = models.CharField(max_length=100, blank=True)
    requested_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decider_role = models.CharField(max_length=32)
    response_hours = models.PositiveIntegerField()
    working_time = models.BooleanField(default=False)
    on_timeout = models.CharField(max_length=24, default="escalate_then_reject")
    due_at = models.DateTimeField()
    escalated_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=12, choices=ApprovalState.choices, default=ApprovalState.PENDING)
    decided_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering: ClassVar = ["-requested_at"]
        indexes: ClassVar = [models.Index(fields=["state", "due_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class ApprovalQuestion(models.Model):
    request = models.ForeignKey(ApprovalRequest, on_delete=models.CASCADE, related_name="questions")
    asked_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, related_name="+")
    asked_at = models.DateTimeField()
    question = models.TextField()
    answered_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(blank=True)

    class Meta:
        ordering: ClassVar = ["asked_at"]

    def __str__(self) -> str:
        return self.question
