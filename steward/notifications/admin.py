"""Operators look at inboxes, group bots and deliveries here; changes go through the services.

Group bots are read-only in the admin: their changes must be audited with the secret kept out of
the log, which ``services.change_group_channel`` does and a plain admin form would not.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from steward.notifications.models import Delivery, GroupChannel, Notification, NotificationPreference
from steward.notifications.services import retry_delivery


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "recipient", "kind", "severity", "title_zh", "read_at")
    list_filter = ("kind", "severity")
    search_fields = ("title_zh", "title_en", "recipient__username", "recipient__display_name")
    list_select_related = ("recipient",)


@admin.register(GroupChannel)
class GroupChannelAdmin(ReadOnlyAdmin):
    list_display = ("name", "engagement", "kind", "masked_url", "enabled", "created_at")
    list_filter = ("kind", "enabled")
    list_select_related = ("engagement",)
    # The webhook key and signing secret are credentials: never shown here.
    exclude = ("webhook_url", "secret")
    readonly_fields = ("masked_url",)


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(ReadOnlyAdmin):
    list_display = ("person", "email_enabled", "digest_enabled", "digest_hour", "last_digest_on")


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "channel",
        "title",
        "to_address",
        "group_channel",
        "status",
        "attempts",
        "response_code",
        "next_attempt_at",
        "last_error",
    )
    list_filter = ("status", "channel")
    search_fields = ("title", "to_address", "last_error")
    list_select_related = ("group_channel",)
    actions = ("retry_now",)

    @admin.action(description="重新发送（重新计数尝试次数）")
    def retry_now(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        count = 0
        actor = request.user if request.user.is_authenticated else None
        for delivery in queryset:
            retry_delivery(delivery, actor)
            count += 1
        self.message_user(request, f"{count} 条已重新排队", messages.SUCCESS)
