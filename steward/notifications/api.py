"""The inbox, one's notification settings, and an engagement's group bots over the API.

A person only ever reaches their own notifications (another person's id is 'not found'); group
bots are reached through the engagement, so the access rule answers 404 for outsiders before
anything else is looked at.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from steward.accounts.access import get_engagement_for
from steward.accounts.api_auth import current_person
from steward.notifications.models import ChannelKind, Delivery, GroupChannel, Notification
from steward.notifications.services import (
    add_group_channel,
    can_manage_channels,
    change_group_channel,
    mark_all_read,
    mark_read,
    preference_for,
    update_preference,
)

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str
    severity: str
    title: str  # in the person's language when an English text exists
    body: str
    title_zh: str
    body_zh: str
    title_en: str
    body_en: str
    link: str
    engagement_id: int | None
    created_at: dt.datetime
    read_at: dt.datetime | None
    unread: bool


class InboxOut(Schema):
    unread: int  # unread notifications in the whole inbox, whatever the page shows
    items: list[NotificationOut]


class InboxQuery(Schema):
    unread: bool = False
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0)


class ReadAllOut(Schema):
    marked: int


class PreferenceOut(Schema):
    email_enabled: bool
    digest_enabled: bool
    digest_hour: int


class PreferenceIn(Schema):
    email_enabled: bool | None = None
    digest_enabled: bool | None = None
    digest_hour: int | None = Field(None, ge=0, le=23)


class ChannelOut(Schema):
    id: int
    engagement_id: int
    kind: str
    name: str
    webhook_url: str  # with its key masked: the key is a credential
    signed: bool
    enabled: bool
    created_at: dt.datetime


class ChannelIn(Schema):
    kind: ChannelKind
    name: str = Field(..., min_length=1, max_length=100)
    webhook_url: str = Field(..., min_length=1, max_length=500)
    secret: str = Field("", max_length=200)
    enabled: bool = True


class ChannelChangeIn(Schema):
    name: str | None = Field(None, min_length=1, max_length=100)
    webhook_url: str | None = Field(None, min_length=1, max_length=500)
    secret: str | None = Field(None, max_length=200)
    enabled: bool | None = None


class DeliveryOut(Schema):
    id: int
    channel: str
    group_channel_id: int | None
    title: str
    status: str
    attempts: int
    last_error: str
    response_code: int | None
    next_attempt_at: dt.datetime | None
    sent_at: dt.datetime | None
    created_at: dt.datetime


class ProblemOut(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    detail: str
    problems: list[ProblemOut] = Field(default_factory=list)


def _notification_out(note: Notification, language: str) -> NotificationOut:
    return NotificationOut(
        id=note.pk,
        kind=note.kind,
        severity=note.severity,
        title=note.title_in(language),
        body=note.body_in(language),
        title_zh=note.title_zh,
        body_zh=note.body_zh,
        title_en=note.title_en,
        body_en=note.body_en,
        link=note.link,
        engagement_id=note.engagement_id,
        created_at=note.created_at,
        read_at=note.read_at,
        unread=note.is_unread,
    )


def _channel_out(channel: GroupChannel) -> ChannelOut:
    return ChannelOut(
        id=channel.pk,
        engagement_id=channel.engagement_id,
        kind=channel.kind,
        name=channel.name,
        webhook_url=channel.masked_url,
        signed=bool(channel.secret),
        enabled=channel.enabled,
        created_at=channel.created_at,
    )


def _invalid(exc: DjangoValidationError) -> ErrorOut:
    """The same shape as the API's other validation errors: which field, and what is wrong."""
    problems = [
        ProblemOut(field=field if field != "__all__" else "", message=message)
        for field, messages in exc.message_dict.items()
        for message in messages
    ]
    return ErrorOut(detail="invalid input", problems=problems)


# The inbox


@router.get("/", response=InboxOut)
def inbox(request: HttpRequest, filters: Query[InboxQuery]) -> InboxOut:
    person = current_person(request)
    mine = Notification.objects.for_person(person)
    listed = mine.unread() if filters.unread else mine
    page = listed.inbox_order()[filters.offset : filters.offset + filters.limit]
    return InboxOut(
        unread=mine.unread().count(),
        items=[_notification_out(note, person.language) for note in page],
    )


@router.post("/read-all", response=ReadAllOut)
def read_all(request: HttpRequest) -> ReadAllOut:
    return ReadAllOut(marked=mark_all_read(current_person(request)))


@router.post("/{notification_id}/read", response={200: NotificationOut, 404: ErrorOut})
def read_one(request: HttpRequest, notification_id: int) -> NotificationOut:
    person = current_person(request)
    return _notification_out(mark_read(person, notification_id), person.language)


# One's own settings


@router.get("/preferences", response=PreferenceOut)
def get_preferences(request: HttpRequest) -> PreferenceOut:
    preference = preference_for(current_person(request))
    return PreferenceOut(
        email_enabled=preference.email_enabled,
        digest_enabled=preference.digest_enabled,
        digest_hour=preference.digest_hour,
    )


@router.patch("/preferences", response=PreferenceOut)
def patch_preferences(request: HttpRequest, payload: PreferenceIn) -> PreferenceOut:
    preference = update_preference(
        current_person(request),
        email_enabled=payload.email_enabled,
        digest_enabled=payload.digest_enabled,
        digest_hour=payload.digest_hour,
    )
    return PreferenceOut(
        email_enabled=preference.email_enabled,
        digest_enabled=preference.digest_enabled,
        digest_hour=preference.digest_hour,
    )


# Group bots of an engagement


@router.get("/engagements/{engagement_id}/channels", response={200: list[ChannelOut], 404: ErrorOut})
def list_channels(request: HttpRequest, engagement_id: int) -> list[ChannelOut]:
    engagement = get_engagement_for(current_person(request), engagement_id)
    return [_channel_out(c) for c in GroupChannel.objects.filter(engagement=engagement)]


@router.post(
    "/engagements/{engagement_id}/channels",
    response={201: ChannelOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def create_channel(
    request: HttpRequest, engagement_id: int, payload: ChannelIn
) -> Status[ChannelOut] | Status[ErrorOut]:
    person = current_person(request)
    engagement = get_engagement_for(person, engagement_id)
    try:
        channel = add_group_channel(
            engagement,
            person,
            kind=payload.kind,
            name=payload.name,
            webhook_url=payload.webhook_url,
            secret=payload.secret,
            enabled=payload.enabled,
        )
    except PermissionDenied as exc:
        return Status(403, ErrorOut(detail=str(exc)))
    except DjangoValidationError as exc:
        return Status(422, _invalid(exc))
    return Status(201, _channel_out(channel))


@router.patch(
    "/engagements/{engagement_id}/channels/{channel_id}",
    response={200: ChannelOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def update_channel(
    request: HttpRequest, engagement_id: int, channel_id: int, payload: ChannelChangeIn
) -> Status[ChannelOut] | Status[ErrorOut]:
    person = current_person(request)
    engagement = get_engagement_for(person, engagement_id)
    channel = GroupChannel.objects.filter(engagement=engagement, pk=channel_id).first()
    if channel is None:
        raise Http404("channel")
    try:
        channel = change_group_channel(
            channel,
            person,
            name=payload.name,
            webhook_url=payload.webhook_url,
            secret=payload.secret,
            enabled=payload.enabled,
        )
    except PermissionDenied as exc:
        return Status(403, ErrorOut(detail=str(exc)))
    except DjangoValidationError as exc:
        return Status(422, _invalid(exc))
    return Status(200, _channel_out(channel))


@router.get(
    "/engagements/{engagement_id}/deliveries",
    response={200: list[DeliveryOut], 403: ErrorOut, 404: ErrorOut},
)
def list_group_deliveries(
    request: HttpRequest, engagement_id: int, status: str | None = None
) -> list[DeliveryOut]:
    """Recent group-bot deliveries, so whoever set a bot up can see it failing and why.

    E-mail deliveries are left out: they carry other people's addresses.
    """
    person = current_person(request)
    engagement = get_engagement_for(person, engagement_id)
    if not can_manage_channels(person, engagement):
        raise HttpError(403, "only the people who manage the group bots see their deliveries")
    rows = Delivery.objects.filter(engagement=engagement, group_channel__isnull=False)
    if status:
        rows = rows.filter(status=status)
    return [
        DeliveryOut(
            id=d.pk,
            channel=d.channel,
            group_channel_id=d.group_channel_id,
            title=d.title,
            status=d.status,
            attempts=d.attempts,
            last_error=d.last_error,
            response_code=d.response_code,
            next_attempt_at=d.next_attempt_at,
            sent_at=d.sent_at,
            created_at=d.created_at,
        )
        for d in rows.order_by("-created_at", "-pk")[:200]
    ]
