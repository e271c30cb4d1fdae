"""What the app keeps of signals: each engagement's rules, the carried state of the daily step,
alert episodes with the duty each opened, and people's silences.

The evaluation itself is pure (``evaluate.py``, ``daily.py``); these models only store its
inputs and results.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from steward.accounts.models import Person
from steward.engagements.models import Engagement
from steward.shops.models import Shop
from steward.signals.defaults import default_rules
from steward.signals.rules import Rule, RuleError, parse_rules


class SignalConfig(models.Model):
    """One engagement's rule pack: the default rules it switched off, its own thresholds (a new
    shop and a mature one differ) and its own rules written in the rule language."""

    engagement = models.OneToOneField(Engagement, on_delete=models.CASCADE, related_name="signal_config")
    disabled = models.JSONField(default=list, blank=True)  # rule ids switched off
    overrides = models.JSONField(default=dict, blank=True)  # {rule id: {parameter: value}}
    custom_rules = models.TextField(_("自定义规则 (YAML)"), blank=True)
    updated_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"signals of {self.engagement}"

    def all_rules(self) -> list[Rule]:
        """Every rule of the pack with the engagement's parameters, switched on or not.

        Raises ``RuleError`` naming the rule and the field when the stored text or an override
        does not read (``clean`` keeps that from being saved)."""
        custom = parse_rules(self.custom_rules) if self.custom_rules.strip() else []
        pack = default_rules()
        known = {rule.id for rule in pack}
        for rule in custom:
            if rule.id in known:
                raise RuleError(rule.id, "id", "a default rule has this id; override its parameters instead")
        rules = pack + custom
        by_id = {rule.id: rule for rule in rules}
        if not isinstance(self.overrides, dict):
            raise RuleError("(overrides)", "overrides", "expected a mapping of rule ids to parameters")
        for rule_id, params in self.overrides.items():
            if rule_id not in by_id:
                raise RuleError(rule_id, "id", "overrides name a rule that is not in the pack")
            if not isinstance(params, dict):
                raise RuleError(rule_id, "params", "expected a mapping of parameter names to numbers")
            by_id[rule_id] = by_id[rule_id].with_params(params)
        return [by_id[rule.id] for rule in rules]

    def live_rules(self) -> list[Rule]:
        return [rule for rule in self.all_rules() if rule.id not in set(self.disabled or [])]

    def clean(self) -> None:
        try:
            rules = self.all_rules()
        except RuleError as exc:
            in_overrides = exc.rule == "(overrides)" or (
                exc.rule in (self.overrides or {}) and (exc.field == "id" or exc.field.startswith("params"))
            )
            raise ValidationError({"overrides" if in_overrides else "custom_rules": str(exc)}) from None
        unknown = set(self.disabled or []) - {rule.id for rule in rules}
        if unknown:
            raise ValidationError({"disabled": f"unknown rules: {', '.join(sorted(unknown))}"})


class ShopEvaluation(models.Model):
    """How far a shop's daily evaluation has got, and with which rules.

    The next evaluation carries on from ``day`` unless the rules changed (``fingerprint``) or an
    import since ``evaluated_at`` touched a day already evaluated; then it starts over from the
    shop's history."""

    shop = models.OneToOneField(Shop, on_delete=models.CASCADE, related_name="signal_evaluation")
    day = models.DateField()
    fingerprint = models.CharField(max_length=64)
    evaluated_at = models.DateTimeField(default=timezone.now)
    # The last few days of rows that windowed rules read, carried as Arrow IPC so the next day's
    # step does not read them from the database again (columns are prefixed ``scope:``).
    window_rows = models.BinaryField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.shop} through {self.day}"


class CarriedRun(models.Model):
    """A run of one rule for one subject that held on the shop's evaluated day: what the daily
    step needs instead of the history (its start, length, and the day and value it fired)."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="+")
    rule = models.CharField(max_length=64)
    subject = models.CharField(max_length=300, blank=True)  # "" for shop rules
    start = models.DateField()
    length = models.IntegerField()
    fired = models.DateField(null=True)
    value_num = models.BigIntegerField(null=True)
    value_den = models.BigIntegerField(null=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["shop", "rule", "subject"], name="signals_one_run_per_subject")
        ]

    def __str__(self) -> str:
        return f"{self.rule} {self.shop_id} {self.subject} from {self.start}"


class EpisodeState(models.TextChoices):
    PENDING = "pending", _("待确认")  # a streak has started but not reached its length
    FIRING = "firing", _("触发中")  # the rule fired and still holds
    RESOLVED = "resolved", _("已恢复")  # it stopped holding


class AlertEpisode(models.Model):
    """One run of consecutive days on which a rule held for one (shop, subject).

    An episode opens at most one duty (``duty`` is one-to-one and set under a row lock), however
    often the shop is evaluated or its numbers re-imported."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="alert_episodes")
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="alert_episodes")
    rule = models.CharField(max_length=64)
    rule_name_zh = models.CharField(max_length=200)
    rule_name_en = models.CharField(max_length=200)
    subject = models.CharField(max_length=300, blank=True)  # campaign name, SKU code, "" for shop
    severity = models.CharField(max_length=16)
    state = models.CharField(max_length=16, choices=EpisodeState.choices)
    start = models.DateField()
    fired = models.DateField(null=True, blank=True)
    end = models.DateField()
    value_num = models.BigIntegerField(null=True)
    value_den = models.BigIntegerField(null=True)
    # The figures that fired it: the condition with its thresholds and the day's numbers.
    figures = models.JSONField(default=dict)
    suppressed = models.CharField(max_length=16, blank=True)  # "cooldown"
    silenced = models.BooleanField(default=False)
    recommendation = models.CharField(max_length=300, blank=True)
    # Set once, under a row lock, when the firing's actions ran: re-evaluation never repeats them.
    acted_at = models.DateTimeField(null=True, blank=True)
    duty = models.OneToOneField(
        "duties.Duty", on_delete=models.SET_NULL, null=True, blank=True, related_name="alert_episode"
    )
    approval = models.OneToOneField(
        "approvals.ApprovalRequest",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="alert_episode",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["-fired", "-start", "rule"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["shop", "rule", "subject", "start"], name="signals_one_episode_per_run"
            )
        ]
        indexes: ClassVar = [models.Index(fields=["shop", "rule", "subject", "end"])]

    def __str__(self) -> str:
        return f"{self.rule} {self.shop_id} {self.subject or '-'} {self.start}"

    @property
    def value(self) -> Fraction | None:
        if self.value_num is None or not self.value_den:
            return None
        return Fraction(self.value_num, self.value_den)

    @property
    def acts(self) -> bool:
        """Whether the firing acts (duty, notice, approval): not within a cooldown, not silenced."""
        return self.fired is not None and not self.suppressed and not self.silenced

    def is_open(self) -> bool:
        return self.state != EpisodeState.RESOLVED

    def figures_list(self) -> list[tuple[str, Any]]:
        return sorted((self.figures.get("numbers") or {}).items())


class SilenceQuerySet(models.QuerySet["Silence"]):
    def active_on(self, day: dt.date) -> models.QuerySet[Silence]:
        return self.filter(until__gte=day)


class Silence(models.Model):
    """A person's decision to hear nothing from one rule about one subject until a day."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="signal_silences")
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="signal_silences")
    rule = models.CharField(max_length=64)
    subject = models.CharField(max_length=300, blank=True)
    until = models.DateField(_("静默至"))  # inclusive
    reason = models.CharField(_("原因"), max_length=500)
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = SilenceQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-created_at"]

    def __str__(self) -> str:
        return f"silence {self.rule} {self.subject or '-'} until {self.until}"

    def clean(self) -> None:
        if not self.reason.strip():
            raise ValidationError({"reason": "say why the alert may be silenced"})
