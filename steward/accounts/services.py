"""Logging in (with throttling) and personal API tokens."""

from __future__ import annotations

import datetime as dt
import hmac

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from steward.accounts.models import TOKEN_PREFIX, ApiToken, LoginFailure, Person
from steward.audit.services import record


class LoginThrottled(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed logins; retry in {retry_after} s")
        self.retry_after = retry_after


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def check_throttle(username: str, ip: str | None, now: dt.datetime | None = None) -> None:
    """Raise ``LoginThrottled`` when the name or the address has failed too often lately.

    The limit applies to the name and to the address separately, so guessing one account
    from many addresses and many accounts from one address are both slowed down. An address
    is allowed four times as many failures as a name, because an office shares one address.
    """
    now = now or timezone.now()
    window = dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW)
    limit = settings.LOGIN_FAILURE_LIMIT
    checks: list[tuple[Q, int]] = [(Q(username__iexact=username), limit)]
    if ip:
        checks.append((Q(ip=ip), limit * 4))
    for who, cap in checks:
        times = list(
            LoginFailure.objects.filter(who, at__gte=now - window)
            .order_by("-at")
            .values_list("at", flat=True)[:cap]
        )
        if len(times) >= cap:
            retry = times[-1] + window - now
            raise LoginThrottled(max(1, int(retry.total_seconds())))


def log_in(request: HttpRequest, username: str, password: str) -> Person | None:
    """Check credentials; returns the person or ``None``. Raises ``LoginThrottled``."""
    ip = client_ip(request)
    check_throttle(username, ip)
    user = authenticate(request, username=username, password=password)
    if user is None or not isinstance(user, Person):
        with transaction.atomic():
            LoginFailure.objects.create(username=username[:150], ip=ip)
            record(
                "login_failed", target_type="accounts.person", target_id=username[:64], summary=str(ip or "")
            )
        return None
    with transaction.atomic():
        LoginFailure.objects.filter(username__iexact=username).delete()
        record("login", actor=user, target=user, summary=str(ip or ""))
    return user


def issue_token(person: Person, name: str) -> tuple[ApiToken, str]:
    with transaction.atomic():
        token, key = ApiToken.issue(person, name)
        record("token_issued", actor=person, target=token, after={"name": name, "lookup": token.lookup})
    return token, key


def revoke_token(person: Person, token_id: int) -> bool:
    with transaction.atomic():
        token = (
            ApiToken.objects.select_for_update().filter(pk=token_id, person=person, revoked_at=None).first()
        )
        if token is None:
            return False
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record("token_revoked", actor=person, target=token)
    return True


def person_for_token(key: str) -> Person | None:
    """The active person behind a full token key, or ``None``."""
    if not key.startswith(TOKEN_PREFIX):
        return None
    lookup, _, secret = key[len(TOKEN_PREFIX) :].partition("_")
    if not lookup or not secret:
        return None
    token = ApiToken.objects.select_related("person").filter(lookup=lookup, revoked_at=None).first()
    if token is None:
        return None
    if not hmac.compare_digest(token.digest, ApiToken.hash_secret(secret)):
        return None
    if not token.person.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.person
