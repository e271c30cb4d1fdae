"""Telling people: the inbox, e-mail, group bots, retries and the daily digest.

Other parts call ``notify`` inside their own transaction; the inbox items appear at once and the
deliveries are handed to the queue only after that transaction commits, so a rolled-back change
never tells anyone anything. A delivery is attempted by a queued task and, when it fails, again by
a periodic sweep with exponential back-off until it is sent or given up; every attempt's outcome
stays on its ``Delivery`` row, where operators can see it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from steward.accounts.access import roles_in, visible_engagement_ids
from steward.accounts.models import AGENCY_WIDE_ROLES, MERCHANT_ROLES, Membership, Person, Role
from steward.audit.services import record, snapshot
from steward.duties.models import ACTIVE_STATES, Duty
from steward.duties.workdays import SHANGHAI
from steward.engagements.models import Assignment, Engagement
from steward.notifications import channels
from steward.notifications.models import (
    DEFAULT_DIGEST_HOUR,
    Delivery,
    DeliveryChannel,
    DeliveryStatus,
    GroupChannel,
    Notification,
    NotificationKind,
    NotificationPreference,
    Severity,
    is_relative_link,
)

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5  # then the delivery is given up and waits for a person
RETRY_BASE = dt.timedelta(minutes=1)  # 1, 2, 4, 8 minutes between the five attempts
# While one worker sends, the row's next attempt is pushed this far out so a second worker (the
# sweep racing the first task) leaves it alone; it must outlast the HTTP timeout, and if the
# worker dies mid-send the delivery simply becomes due again after it.
LEASE = dt.timedelta(minutes=2)
HTTP_TIMEOUT = 10.0  # seconds; vendors answer in well under a second when they are up
DIGEST_UNREAD_LIMIT = 20  # lines of unread notifications listed in a digest


# Preferences


def preference_for(person: Person) -> NotificationPreference:
    """The person's settings; the defaults (unsaved) when they never changed any."""
    found = NotificationPreference.objects.filter(person=person).first()
    return found or NotificationPreference(person=person, digest_hour=DEFAULT_DIGEST_HOUR)


def update_preference(
    person: Person,
    *,
    email_enabled: bool | None = None,
    digest_enabled: bool | None = None,
    digest_hour: int | None = None,
) -> NotificationPreference:
    """Change one's own notification settings (recorded: 'I never asked for e-mail' is a dispute)."""
    with transaction.atomic():
        NotificationPreference.objects.get_or_create(person=person)
        preference = NotificationPreference.objects.select_for_update().get(person=person)
        before = snapshot(preference)
        if email_enabled is not None:
            preference.email_enabled = email_enabled
        if digest_enabled is not None:
            preference.digest_enabled = digest_enabled
        if digest_hour is not None:
            preference.digest_hour = digest_hour
        preference.full_clean()
        preference.save()
        after = snapshot(preference)
        changed = sorted(k for k in after if before.get(k) != after[k])
        if changed:
            record(
                "update",
                actor=person,
                target=preference,
                before={k: before[k] for k in changed},
                after={k: after[k] for k in changed},
            )
    return preference


# Who is told


def people_of(engagement: Engagement, *, roles: Iterable[str] | None = None) -> list[Person]:
    """The people of both parties who see ``engagement``, optionally only those in ``roles``.

    Merchant members, the agency's lead and supervisors, and the specialists assigned to it
    (while they still belong to the agency), as the access rule says.
    """
    wanted = set(roles) if roles is not None else None

    def pick(role_set: Iterable[str]) -> list[str]:
        return [r for r in role_set if wanted is None or r in wanted]

    merchant = Membership.objects.filter(
        organisation_id=engagement.merchant_id, role__in=pick(MERCHANT_ROLES)
    ).values("person_id")
    agency_wide = Membership.objects.filter(
        organisation_id=engagement.agency_id, role__in=pick(AGENCY_WIDE_ROLES)
    ).values("person_id")
    assigned = Assignment.objects.filter(
        engagement=engagement, person__memberships__organisation_id=engagement.agency_id
    )
    if wanted is not None:
        assigned = assigned.filter(role__in=wanted)
    return list(
        Person.objects.filter(is_active=True)
        .filter(Q(pk__in=merchant) | Q(pk__in=agency_wide) | Q(pk__in=assigned.values("person_id")))
        .order_by("pk")
    )


def _sees(person: Person, engagement: Engagement | None) -> bool:
    if engagement is None:
        return True
    return Engagement.objects.filter(pk=engagement.pk, pk__in=visible_engagement_ids(person)).exists()


def _absolute(link: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{link}" if link else ""


def _wants_english(person: Person) -> bool:
    return (person.language or "").lower().startswith("en")


def _email_for(note: Notification, person: Person) -> Delivery:
    english = _wants_english(person)
    title, body = note.title_in(person.language), note.body_in(person.language)
    url = _absolute(note.link)
    if english:
        subject = f"[Store Steward] {title}"
        footer = "Store Steward · turn these e-mails off under notification settings."
        open_line = f"Open: {url}" if url else ""
    else:
        subject = f"【店铺托管】{title}"
        footer = "店铺托管 Store Steward · 不想收到邮件？可在“通知设置”中关闭。"
        open_line = f"查看：{url}" if url else ""
    text = "\n\n".join(part for part in [body, open_line, f"——\n{footer}"] if part)
    return Delivery(
        channel=DeliveryChannel.EMAIL,
        event=note.event,
        notification=note,
        engagement=note.engagement,
        to_address=person.email,
        severity=note.severity,
        title=subject[:200],
        body=text,
        link=url,
        next_attempt_at=note.created_at,
    )


def _group_message(
    channel: GroupChannel, event: uuid.UUID, severity: str, title: str, body: str, link: str, at: dt.datetime
) -> Delivery:
    return Delivery(
        channel=DeliveryChannel(channel.kind),
        event=event,
        group_channel=channel,
        engagement_id=channel.engagement_id,
        severity=severity,
        title=title[:200],
        body=body,
        link=_absolute(link),
        next_attempt_at=at,
    )


def _queue(delivery_ids: list[int]) -> None:
    """Hand the deliveries to the queue once the caller's transaction has committed.

    If the queue cannot take them (Redis down), nothing is lost: they are due now and the
    periodic sweep picks them up, so the failure is logged rather than raised into the caller.
    """
    from steward.notifications.tasks import deliver

    for delivery_id in delivery_ids:
        transaction.on_commit(partial(deliver, delivery_id), robust=True)


def notify(
    recipients: Iterable[Person],
    *,
    engagement: Engagement | None,
    kind: str,
    severity: str = Severity.INFO,
    title_zh: str,
    body_zh: str = "",
    title_en: str = "",
    body_en: str = "",
    link: str = "",
    actor: Person | None = None,
    to_groups: bool = True,
    now: dt.datetime | None = None,
) -> list[Notification]:
    """Write an inbox item per recipient and queue e-mails and group-bot messages.

    Recipients who cannot see ``engagement`` are dropped (a notification must not leak what the
    access rule hides). E-mail goes to recipients who have an address and have not turned e-mail
    off; each enabled group channel of the engagement hears about the event once, in Chinese,
    however many recipients there are.
    """
    if kind not in NotificationKind.values:
        raise ValueError(f"unknown notification kind {kind!r}")
    if severity not in Severity.values:
        raise ValueError(f"unknown severity {severity!r}")
    if not title_zh.strip():
        raise ValueError("a notification needs a Chinese title")
    if not is_relative_link(link):
        raise ValueError(f"link must be a path inside the site, not {link!r}")
    now = now or timezone.now()
    event = uuid.uuid4()

    people: dict[int, Person] = {}
    for person in recipients:
        if person.pk not in people and person.is_active and _sees(person, engagement):
            people[person.pk] = person

    with transaction.atomic():
        notes = Notification.objects.bulk_create(
            [
                Notification(
                    recipient=person,
                    engagement=engagement,
                    event=event,
                    kind=kind,
                    severity=severity,
                    title_zh=title_zh.strip()[:200],
                    body_zh=body_zh,
                    title_en=title_en.strip()[:200],
                    body_en=body_en,
                    link=link,
                    created_at=now,
                )
                for person in people.values()
            ]
        )
        email_off = set(
            NotificationPreference.objects.filter(person_id__in=people, email_enabled=False).values_list(
                "person_id", flat=True
            )
        )
        deliveries = [
            _email_for(note, people[note.recipient_id])
            for note in notes
            if people[note.recipient_id].email and note.recipient_id not in email_off
        ]
        if to_groups and engagement is not None:
            deliveries += [
                _group_message(channel, event, severity, title_zh, body_zh, link, now)
                for channel in engagement.group_channels.filter(enabled=True)
            ]
        if not notes and not deliveries:
            return []  # nobody to tell and no group to post to: nothing happened worth recording
        deliveries = Delivery.objects.bulk_create(deliveries)
        record(
            "notified",
            actor=actor,
            target_type="notifications.event",
            target_id=str(event),
            summary=title_zh[:200],
            engagement_id=engagement.pk if engagement is not None else None,
            after={
                "kind": kind,
                "severity": severity,
                "recipients": sorted(people),
                "deliveries": [[d.channel, d.to_address or d.group_channel_id] for d in deliveries],
            },
        )
        _queue([d.pk for d in deliveries])
    return notes


# Reading the inbox


def mark_read(person: Person, notification_id: int, now: dt.datetime | None = None) -> Notification:
    """Mark one of the person's own notifications read; anyone else's is 'not found'."""
    now = now or timezone.now()
    mine = Notification.objects.for_person(person)
    with transaction.atomic():
        # One conditional UPDATE: two tabs marking the same item cannot both record a read.
        changed = mine.filter(pk=notification_id, read_at__isnull=True).update(read_at=now)
        try:
            note = mine.get(pk=notification_id)
        except Notification.DoesNotExist as exc:
            raise Http404("notification") from exc
        if changed:
            # A read receipt is evidence: "the owner saw the overdue notice on the 3rd".
            record(
                "notification_read",
                actor=person,
                target=note,
                engagement_id=note.engagement_id,
                summary=note.title_zh,
                after={"read_at": now},
            )
    return note


def mark_all_read(person: Person, now: dt.datetime | None = None) -> int:
    """Mark every unread notification of the person read; returns how many there were."""
    now = now or timezone.now()
    with transaction.atomic():
        unread = Notification.objects.for_person(person).unread().filter(created_at__lte=now)
        ids = list(unread.values_list("pk", flat=True))
        if not ids:
            return 0
        count = Notification.objects.filter(pk__in=ids, read_at__isnull=True).update(read_at=now)
        record(
            "notifications_read_all",
            actor=person,
            target_type="accounts.person",
            target_id=person.pk,
            summary=f"{count} notifications",
            after={"read_at": now, "count": count, "ids": ids},
        )
    return count


# Group channels


def can_manage_channels(person: Person, engagement: Engagement) -> bool:
    """The agency's lead or a supervisor, or the merchant's owner, may set up the group bots."""
    agency_roles = roles_in(person, engagement.agency_id)
    merchant_roles = roles_in(person, engagement.merchant_id)
    return bool(agency_roles & set(AGENCY_WIDE_ROLES)) or Role.MERCHANT_OWNER in merchant_roles


def _fingerprint(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()[:12] if value else ""


def _channel_record(channel: GroupChannel) -> dict[str, Any]:
    """The channel as the audit log keeps it: the webhook key and the secret never enter the
    append-only log (they could not be removed again); a fingerprint shows that they changed."""
    data = snapshot(channel)
    data["webhook_url"] = f"{channel.masked_url} #{_fingerprint(channel.webhook_url)}"
    data["secret"] = f"#{_fingerprint(channel.secret)}" if channel.secret else ""
    return data


def add_group_channel(
    engagement: Engagement,
    person: Person,
    *,
    kind: str,
    name: str,
    webhook_url: str,
    secret: str = "",
    enabled: bool = True,
) -> GroupChannel:
    """Connect a group bot to the engagement. The caller has already checked that person sees it."""
    if not can_manage_channels(person, engagement):
        raise PermissionDenied(
            "only the agency lead or supervisor, or the merchant owner, can add group bots"
        )
    channel = GroupChannel(
        engagement=engagement,
        kind=kind,
        name=name.strip(),
        webhook_url=webhook_url.strip(),
        secret=secret.strip(),
        enabled=enabled,
        created_by=person,
    )
    channel.full_clean()
    with transaction.atomic():
        channel.save()
        record(
            "create",
            actor=person,
            target=channel,
            engagement_id=engagement.pk,
            summary=channel.name,
            after=_channel_record(channel),
        )
    return channel


def change_group_channel(
    channel: GroupChannel,
    person: Person,
    *,
    name: str | None = None,
    webhook_url: str | None = None,
    secret: str | None = None,
    enabled: bool | None = None,
) -> GroupChannel:
    """Rename, re-point, re-key, or switch a group bot on or off."""
    if not can_manage_channels(person, channel.engagement):
        raise PermissionDenied(
            "only the agency lead or supervisor, or the merchant owner, can change group bots"
        )
    with transaction.atomic():
        channel = GroupChannel.objects.select_for_update().get(pk=channel.pk)
        before = _channel_record(channel)
        if name is not None:
            channel.name = name.strip()
        if webhook_url is not None:
            channel.webhook_url = webhook_url.strip()
        if secret is not None:
            channel.secret = secret.strip()
        if enabled is not None:
            channel.enabled = enabled
        channel.full_clean()
        after = _channel_record(channel)
        changed = sorted(k for k in after if k != "updated_at" and before.get(k) != after[k])
        if changed:
            channel.updated_at = timezone.now()
            channel.save()
            record(
                "update",
                actor=person,
                target=channel,
                engagement_id=channel.engagement_id,
                summary=channel.name,
                before={k: before[k] for k in changed},
                after={k: after[k] for k in changed},
            )
    return channel


# Sending


def _retry_delay(attempts: int) -> dt.timedelta:
    return RETRY_BASE * (2 ** max(attempts - 1, 0))


def _send(delivery: Delivery, now: dt.datetime) -> tuple[str | None, int | None]:
    """One attempt; returns (error or None, HTTP status if there was an answer)."""
    if delivery.channel == DeliveryChannel.EMAIL:
        try:
            EmailMessage(
                subject=delivery.title,
                body=delivery.body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[delivery.to_address],
            ).send()
        except Exception as exc:  # any mail backend error is a failed attempt, not a crash
            return f"e-mail not accepted: {exc}", None
        return None, None
    channel = delivery.group_channel
    if channel is None:
        return "the group channel is gone", None
    if not channel.enabled:
        return "the group channel was switched off", None
    message = channels.Message(
        title=delivery.title, body=delivery.body, severity=delivery.severity, url=delivery.link
    )
    outgoing = channels.build_request(channel.kind, channel.webhook_url, channel.secret, message, now)
    try:
        response = channels.post_json(outgoing, timeout=HTTP_TIMEOUT)
    except channels.DeliveryError as exc:
        return str(exc), None
    return channels.vendor_error(channel.kind, response), response.status


def attempt_delivery(delivery_id: int, now: dt.datetime | None = None) -> Delivery | None:
    """Try one delivery if it is due; record the outcome and when to try again.

    The row is claimed in one short transaction and the outcome written in another: the network
    call happens between them, outside any transaction, because on SQLite a transaction holds the
    database's write lock and a slow vendor must not stall every other writer.
    """
    now = now or timezone.now()
    with transaction.atomic():
        delivery = (
            # Lock only the delivery row: PostgreSQL cannot lock the nullable side of the join.
            Delivery.objects.select_for_update(of=("self",))
            .select_related("group_channel")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.is_finished:
            return delivery
        if delivery.next_attempt_at is not None and delivery.next_attempt_at > now:
            return delivery  # not due yet, or another worker holds the lease
        delivery.attempts += 1
        delivery.last_attempt_at = now
        delivery.next_attempt_at = now + LEASE
        delivery.save(update_fields=["attempts", "last_attempt_at", "next_attempt_at"])

    error, status = _send(delivery, now)

    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().get(pk=delivery_id)
        delivery.response_code = status
        if error is None:
            delivery.status = DeliveryStatus.SENT
            delivery.sent_at = now
            delivery.next_attempt_at = None
            delivery.last_error = ""
        elif delivery.attempts >= MAX_ATTEMPTS:
            delivery.status = DeliveryStatus.GIVEN_UP
            delivery.next_attempt_at = None
            delivery.last_error = error
        else:
            delivery.status = DeliveryStatus.FAILED
            delivery.next_attempt_at = now + _retry_delay(delivery.attempts)
            delivery.last_error = error
        delivery.save()
        if delivery.is_finished:
            # Proof of notice matters in a dispute ("the group was told on the 3rd"); the
            # intermediate failures stay on the row and do not flood the log.
            record(
                "notification_delivered"
                if delivery.status == DeliveryStatus.SENT
                else "notification_given_up",
                target=delivery,
                engagement_id=delivery.engagement_id,
                summary=delivery.title,
                after={
                    "channel": delivery.channel,
                    "to": delivery.to_address or delivery.group_channel_id,
                    "attempts": delivery.attempts,
                    "response_code": delivery.response_code,
                    "error": delivery.last_error,
                },
            )
    if delivery.status == DeliveryStatus.FAILED:
        logger.info("delivery %s failed (attempt %s): %s", delivery.pk, delivery.attempts, error)
    elif delivery.status == DeliveryStatus.GIVEN_UP:
        logger.warning("delivery %s given up after %s attempts: %s", delivery.pk, delivery.attempts, error)
    return delivery


def send_due_deliveries(now: dt.datetime | None = None, limit: int = 500) -> int:
    """The periodic sweep: attempt every delivery whose next attempt is due. Returns how many."""
    now = now or timezone.now()
    ids = list(
        Delivery.objects.due(now).order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit]
    )
    for delivery_id in ids:
        attempt_delivery(delivery_id, now)
    return len(ids)


def retry_delivery(delivery: Delivery, actor: Person | None) -> Delivery:
    """Give a given-up (or failed) delivery a fresh series of attempts, e.g. after fixing a webhook."""
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
        if delivery.status == DeliveryStatus.SENT:
            return delivery
        before = {"status": delivery.status, "attempts": delivery.attempts}
        delivery.status = DeliveryStatus.PENDING
        delivery.attempts = 0
        delivery.next_attempt_at = timezone.now()
        delivery.save(update_fields=["status", "attempts", "next_attempt_at"])
        record(
            "notification_retried",
            actor=actor,
            target=delivery,
            engagement_id=delivery.engagement_id,
            summary=delivery.title,
            before=before,
            after={"status": delivery.status, "attempts": 0},
        )
        _queue([delivery.pk])
    return delivery


# The daily digest


def duties_waiting_on(person: Person) -> QuerySet[Duty]:
    """Open, rejected or overdue duties that are this person's to do.

    A duty is theirs when they are its lead person; or when it has no lead person, belongs to
    their party, and names one of their roles; or names no role and they head their party (the
    merchant owner; the agency lead or a supervisor).
    """
    visible = list(Engagement.objects.visible_to(person).values_list("pk", "merchant_id", "agency_id"))
    memberships = list(Membership.objects.filter(person=person).values_list("organisation_id", "role"))
    assignments = list(Assignment.objects.filter(person=person).values_list("engagement_id", "role"))
    rule = Q(lead_person=person)
    for engagement_id, merchant_id, agency_id in visible:
        merchant_roles = {role for org, role in memberships if org == merchant_id}
        if merchant_roles:
            party, roles, heads = "merchant", merchant_roles, {Role.MERCHANT_OWNER.value}
        else:
            agency_roles = {
                role for org, role in memberships if org == agency_id and role in AGENCY_WIDE_ROLES
            }
            roles = agency_roles | {role for e, role in assignments if e == engagement_id}
            party, heads = "agency", {r.value for r in AGENCY_WIDE_ROLES}
        by_role = Q(lead_role__in=roles)
        if roles & heads:
            by_role |= Q(lead_role="")
        rule |= Q(engagement_id=engagement_id, lead_person__isnull=True, owner_party=party) & by_role
    return Duty.objects.filter(
        rule, engagement_id__in=[v[0] for v in visible], state__in=ACTIVE_STATES
    ).select_related("engagement")


@dataclass(frozen=True)
class Digest:
    day: dt.date
    due_today: list[Duty]
    overdue: list[Duty]
    unread: list[Notification]
    unread_count: int

    @property
    def is_empty(self) -> bool:
        return not (self.due_today or self.overdue or self.unread_count)


def build_digest(person: Person, day: dt.date, now: dt.datetime) -> Digest:
    """What the person should know on ``day``: due today, overdue, unread from the last 24 hours."""
    start = dt.datetime.combine(day, dt.time(0), SHANGHAI)
    end = start + dt.timedelta(days=1)
    duties = duties_waiting_on(person)
    unread = (
        Notification.objects.for_person(person)
        .unread()
        .exclude(kind=NotificationKind.DIGEST)
        .filter(created_at__gt=now - dt.timedelta(days=1), created_at__lte=now)
        .order_by("-created_at", "-pk")
    )
    return Digest(
        day=day,
        due_today=list(duties.filter(due_at__gte=start, due_at__lt=end).order_by("due_at", "pk")),
        overdue=list(duties.filter(due_at__lt=start).order_by("due_at", "pk")),
        unread=list(unread[:DIGEST_UNREAD_LIMIT]),
        unread_count=unread.count(),
    )


def _digest_texts(person: Person, digest: Digest) -> tuple[str, str, str, str]:
    day = digest.day.isoformat()
    counts_zh = f"今天到期 {len(digest.due_today)} 项，已逾期 {len(digest.overdue)} 项，未读通知 {digest.unread_count} 条"
    counts_en = (
        f"{len(digest.due_today)} due today, {len(digest.overdue)} overdue, {digest.unread_count} unread"
    )
    zh = [f"{person} 您好，这是 {day} 的每日摘要：{counts_zh}。"]
    en = [f"Hello {person}, your daily digest for {day}: {counts_en}."]
    if digest.due_today:
        zh.append(f"\n今天到期（{len(digest.due_today)}）：")
        en.append(f"\nDue today ({len(digest.due_today)}):")
        for duty in digest.due_today:
            at = timezone.localtime(duty.due_at, SHANGHAI).strftime("%H:%M")
            zh.append(f"- [{duty.engagement}] {duty.title}（{at} 截止）")
            en.append(f"- [{duty.engagement}] {duty.title} (due {at})")
    if digest.overdue:
        zh.append(f"\n已逾期（{len(digest.overdue)}）：")
        en.append(f"\nOverdue ({len(digest.overdue)}):")
        for duty in digest.overdue:
            late = duty.late_days_as_of(digest.day)
            due = duty.due_date.isoformat()
            zh.append(f"- [{duty.engagement}] {duty.title}（截止 {due}，已逾期 {late} 天）")
            en.append(f"- [{duty.engagement}] {duty.title} (due {due}, {late} days late)")
    if digest.unread_count:
        zh.append(f"\n未读通知（{digest.unread_count}）：")
        en.append(f"\nUnread notifications ({digest.unread_count}):")
        for note in digest.unread:
            label = Severity(note.severity).label
            zh.append(f"- 【{label}】{note.title_zh}")
            en.append(f"- [{note.severity}] {note.title_in('en')}")
        if digest.unread_count > len(digest.unread):
            zh.append(f"- ……另有 {digest.unread_count - len(digest.unread)} 条")
            en.append(f"- … and {digest.unread_count - len(digest.unread)} more")
    title_zh = f"每日摘要 {day}：{counts_zh}"
    title_en = f"Daily digest {day}: {counts_en}"
    return title_zh, "\n".join(zh), title_en, "\n".join(en)


def send_daily_digest(person: Person, day: dt.date, now: dt.datetime | None = None) -> Notification | None:
    """Send the person's digest for ``day`` once: an inbox item and, if they have an address,
    an e-mail (turning the digest on is asking for that e-mail). Nothing when there is nothing
    to say, when the digest is off, or when ``day``'s digest was already handled."""
    now = now or timezone.now()
    with transaction.atomic():
        NotificationPreference.objects.get_or_create(person=person)
        # Locked so the hourly sweep and a manual run cannot both send today's digest.
        preference = NotificationPreference.objects.select_for_update().get(person=person)
        if not preference.digest_enabled or not person.is_active:
            return None
        if preference.last_digest_on is not None and preference.last_digest_on >= day:
            return None
        preference.last_digest_on = day
        preference.save(update_fields=["last_digest_on"])
        digest = build_digest(person, day, now)
        if digest.is_empty:
            return None
        title_zh, body_zh, title_en, body_en = _digest_texts(person, digest)
        note = Notification.objects.create(
            recipient=person,
            engagement=None,
            kind=NotificationKind.DIGEST,
            severity=Severity.WARNING if digest.overdue else Severity.INFO,
            title_zh=title_zh[:200],
            body_zh=body_zh,
            title_en=title_en[:200],
            body_en=body_en,
            link="/",
            created_at=now,
        )
        deliveries = []
        if person.email:
            delivery = _email_for(note, person)
            delivery.save()
            deliveries.append(delivery)
        record(
            "notified",
            target_type="notifications.event",
            target_id=str(note.event),
            summary=title_zh[:200],
            after={
                "kind": NotificationKind.DIGEST,
                "recipients": [person.pk],
                "deliveries": [[d.channel, d.to_address] for d in deliveries],
            },
        )
        _queue([d.pk for d in deliveries])
    return note


def send_due_digests(now: dt.datetime | None = None) -> int:
    """The hourly sweep: everyone whose digest hour has come today and who has not had it.

    Counting 'has come' rather than 'is now' means a digest missed while the queue was down is
    sent at the next sweep the same day, not skipped.
    """
    now = now or timezone.now()
    local = now.astimezone(SHANGHAI)
    day, hour = local.date(), local.hour
    not_yet = Q(notification_preference__last_digest_on__isnull=True) | Q(
        notification_preference__last_digest_on__lt=day
    )
    chosen = Q(notification_preference__digest_enabled=True, notification_preference__digest_hour__lte=hour)
    if hour >= DEFAULT_DIGEST_HOUR:
        chosen |= Q(notification_preference__isnull=True)
    sent = 0
    # A person without a preference row has last_digest_on NULL through the outer join.
    for person in Person.objects.filter(is_active=True).filter(chosen & not_yet).order_by("pk"):
        try:
            if send_daily_digest(person, day, now) is not None:
                sent += 1
        except Exception:  # one person's broken data must not cost everyone else their digest
            logger.exception("daily digest for person %s failed", person.pk)
    return sent
