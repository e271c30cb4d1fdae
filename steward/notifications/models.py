"""The in-app inbox, the engagement's group bots, per-person e-mail settings and delivery attempts."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import ClassVar
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from steward.accounts.models import Person
from steward.engagements.models import Engagement


class NotificationKind(models.TextChoices):
    DUTY_DUE = "duty_due", _("事项即将到期")  # a duty's due date is near
    DUTY_OVERDUE = "duty_overdue", _("事项已逾期")  # a duty passed its due time undone
    SIGNAL_FIRED = "signal_fired", _("预警触发")  # a signal rule fired on the shop's numbers
    APPROVAL_REQUESTED = "approval_requested", _("待审批")  # someone waits for a decision
    APPROVAL_REMINDER = "approval_reminder", _("审批即将到期")  # a quarter of the decision window is left
    APPROVAL_ESCALATED = "approval_escalated", _("审批已升级")  # the first decider let it time out
    APPROVAL_DECIDED = "approval_decided", _("审批结果")  # the requester hears the decision
    SLA_BREACH = "sla_breach", _("响应超时")  # a request was not answered within its tier
    DELIVERABLE_TO_SIGN = "deliverable_to_sign", _("待签署")  # a document version waits for a signature
    DIGEST = "digest", _("每日摘要")  # the person's daily summary
    GENERAL = "general", _("通知")  # anything else worth telling


class Severity(models.TextChoices):
    INFO = "info", _("提示")  # for the record; no action needed now
    WARNING = "warning", _("警告")  # needs attention today
    CRITICAL = "critical", _("紧急")  # needs attention now (shop at risk, deadline broken)


class NotificationQuerySet(models.QuerySet["Notification"]):
    def for_person(self, person: Person) -> NotificationQuerySet:
        """The one way to read an inbox: nobody ever sees another person's notifications."""
        return self.filter(recipient=person)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)

    def inbox_order(self) -> NotificationQuerySet:
        """Unread first, newest first within each group."""
        return self.annotate(
            unread_first=models.Case(
                models.When(read_at__isnull=True, then=models.Value(1)),
                default=models.Value(0),
                output_field=models.IntegerField(),
            )
        ).order_by("-unread_first", "-created_at", "-pk")


class Notification(models.Model):
    """One inbox item for one person. Both languages are stored so the inbox can show either."""

    recipient = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("收件人")
    )
    engagement = models.ForeignKey(
        Engagement,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("托管合作"),
    )
    # The notify() call this item came from: one event may reach many people and group bots.
    event = models.UUIDField(default=uuid.uuid4, db_index=True, editable=False)
    kind = models.CharField(_("类型"), max_length=32, choices=NotificationKind.choices)
    severity = models.CharField(_("级别"), max_length=16, choices=Severity.choices, default=Severity.INFO)
    title_zh = models.CharField(_("标题"), max_length=200)
    body_zh = models.TextField(_("内容"), blank=True)
    title_en = models.CharField(_("英文标题"), max_length=200, blank=True)
    body_en = models.TextField(_("英文内容"), blank=True)
    link = models.CharField(_("链接"), max_length=500, blank=True, help_text="a relative URL inside the site")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-created_at", "-pk"]
        indexes: ClassVar = [models.Index(fields=["recipient", "read_at", "created_at"])]

    def __str__(self) -> str:
        return f"{self.recipient} · {self.title_zh}"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None

    def title_in(self, language: str) -> str:
        return self.title_en if _wants_english(language) and self.title_en else self.title_zh

    def body_in(self, language: str) -> str:
        # Title and body switch language together, so a half-translated item never mixes them.
        return self.body_en if _wants_english(language) and self.title_en else self.body_zh


def _wants_english(language: str) -> bool:
    return language.lower().startswith("en")


def is_relative_link(link: str) -> bool:
    """A site-internal path: starts with one slash, so it cannot point at another host."""
    return link == "" or (link.startswith("/") and not link.startswith("//") and "\\" not in link)


class ChannelKind(models.TextChoices):
    WECOM = "wecom", _("企业微信群机器人")  # markdown message; no signing
    DINGTALK = "dingtalk", _("钉钉自定义机器人")  # markdown message; optional HMAC signing in the URL
    FEISHU = "feishu", _("飞书自定义机器人")  # post message; optional HMAC signing in the body


# The hosts each vendor's webhooks live on. A webhook URL is typed in by a customer and the
# server then POSTs to it, so anything else would let them aim our server at internal addresses.
VENDOR_HOSTS: dict[str, frozenset[str]] = {
    ChannelKind.WECOM: frozenset({"qyapi.weixin.qq.com"}),
    ChannelKind.DINGTALK: frozenset({"oapi.dingtalk.com"}),
    ChannelKind.FEISHU: frozenset({"open.feishu.cn", "open.larksuite.com"}),
}
SIGNED_KINDS = frozenset({ChannelKind.DINGTALK, ChannelKind.FEISHU})


def webhook_any_host() -> bool:
    """Self-hosted relays and the tests' local server need other hosts; off unless configured."""
    return bool(getattr(settings, "NOTIFICATION_WEBHOOK_ANY_HOST", False))


class GroupChannel(models.Model):
    """A group bot of one engagement: every event of the engagement is posted there once."""

    engagement = models.ForeignKey(
        Engagement, on_delete=models.CASCADE, related_name="group_channels", verbose_name=_("托管合作")
    )
    kind = models.CharField(_("类型"), max_length=16, choices=ChannelKind.choices)
    name = models.CharField(_("名称"), max_length=100)
    webhook_url = models.URLField(_("Webhook 地址"), max_length=500)
    secret = models.CharField(
        _("签名密钥"), max_length=200, blank=True, help_text="DingTalk 'SEC…' or Feishu signing secret"
    )
    enabled = models.BooleanField(_("启用"), default=True)
    created_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["engagement", "name", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        parts = urlsplit(self.webhook_url or "")
        if parts.scheme not in {"https", "http"} or not parts.hostname:
            errors["webhook_url"] = str(_("Webhook 地址必须是 http(s) 链接"))
        elif not webhook_any_host():
            hosts = VENDOR_HOSTS.get(self.kind, frozenset())
            if parts.scheme != "https" or parts.hostname not in hosts:
                errors["webhook_url"] = str(
                    _("此类机器人的 Webhook 地址应为 https://%(hosts)s/…")
                    % {"hosts": " 或 ".join(sorted(hosts)) or "?"}
                )
        if self.secret and self.kind not in SIGNED_KINDS:
            errors["secret"] = str(_("企业微信群机器人不使用签名密钥"))
        if errors:
            raise ValidationError(errors)

    @property
    def masked_url(self) -> str:
        """The URL without its token (the query string or the last path part is the key)."""
        parts = urlsplit(self.webhook_url)
        path = parts.path
        if self.kind == ChannelKind.FEISHU and "/" in path:
            path = path.rsplit("/", 1)[0] + "/***"
        query = "***" if parts.query else ""
        return f"{parts.scheme}://{parts.netloc}{path}" + (f"?{query}" if query else "")


class NotificationPreference(models.Model):
    """How one person wants to be told; a person without a row gets the defaults."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="notification_preference")
    email_enabled = models.BooleanField(_("邮件通知"), default=True)
    digest_enabled = models.BooleanField(_("每日摘要"), default=True)
    digest_hour = models.PositiveSmallIntegerField(
        _("摘要时间（北京时间，时）"),
        default=8,
        validators=[MinValueValidator(0), MaxValueValidator(23)],
    )
    # The last day a digest was considered for this person, so an hourly sweep sends it once.
    last_digest_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(digest_hour__gte=0, digest_hour__lte=23), name="preference_digest_hour_range"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person}"


DEFAULT_DIGEST_HOUR = 8


class DeliveryChannel(models.TextChoices):
    EMAIL = "email", _("邮件")  # to the recipient's address
    WECOM = "wecom", _("企业微信")  # to a group channel
    DINGTALK = "dingtalk", _("钉钉")  # to a group channel
    FEISHU = "feishu", _("飞书")  # to a group channel


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("待发送")  # not attempted yet (or handed to a worker right now)
    SENT = "sent", _("已送达")  # the vendor or mail server accepted it
    FAILED = "failed", _("失败待重试")  # the last attempt failed; retried at next_attempt_at
    GIVEN_UP = "given_up", _("已放弃")  # failed every attempt; needs a person to look at it


class DeliveryQuerySet(models.QuerySet["Delivery"]):
    def due(self, now: dt.datetime) -> DeliveryQuerySet:
        return self.filter(
            status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED], next_attempt_at__lte=now
        )


class Delivery(models.Model):
    """One message to one e-mail address or one group bot, with every attempt's outcome.

    The text is copied in when the delivery is queued, so what was sent stays what was written
    even if the inbox item or the channel changes later.
    """

    channel = models.CharField(_("渠道"), max_length=16, choices=DeliveryChannel.choices)
    event = models.UUIDField(db_index=True)
    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, null=True, blank=True, related_name="deliveries"
    )
    group_channel = models.ForeignKey(
        GroupChannel, on_delete=models.CASCADE, null=True, blank=True, related_name="deliveries"
    )
    engagement = models.ForeignKey(
        Engagement, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    to_address = models.EmailField(blank=True)
    severity = models.CharField(max_length=16, choices=Severity.choices, default=Severity.INFO)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=500, blank=True)

    status = models.CharField(
        max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING, db_index=True
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    response_code = models.IntegerField(null=True, blank=True, help_text="HTTP status of the last attempt")
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-created_at", "-pk"]
        verbose_name_plural = "deliveries"
        constraints: ClassVar = [
            # A group hears about an event once, however many people it concerns.
            models.UniqueConstraint(
                fields=["event", "group_channel"],
                condition=Q(group_channel__isnull=False),
                name="delivery_once_per_event_and_group",
            ),
            models.CheckConstraint(
                condition=(Q(channel="email", notification__isnull=False) & ~Q(to_address=""))
                | (~Q(channel="email") & Q(group_channel__isnull=False)),
                name="delivery_has_a_destination",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} · {self.title} · {self.get_status_display()}"

    @property
    def is_finished(self) -> bool:
        return self.status in {DeliveryStatus.SENT, DeliveryStatus.GIVEN_UP}
