"""Logging in: argon2 hashes, throttled failures, audit of both."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.test import RequestFactory
from freezegun import freeze_time

from steward.accounts.services import LoginThrottled, log_in
from steward.audit.models import AuditEvent
from tests.conftest import PASSWORD, World


def _request(ip: str = "10.0.0.7") -> object:
    request = RequestFactory().post("/login/", REMOTE_ADDR=ip)
    return request


def test_passwords_are_hashed_with_argon2(world: World, settings: object) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]  # type: ignore[attr-defined]
    world.merchant_owner.set_password("a-new-long-password")
    world.merchant_owner.save()
    assert identify_hasher(world.merchant_owner.password).algorithm == "argon2"


def test_good_login_is_recorded(world: World) -> None:
    person = log_in(_request(), "owner", PASSWORD)  # type: ignore[arg-type]
    assert person == world.merchant_owner
    assert AuditEvent.objects.filter(action="login", actor_id=world.merchant_owner.pk).exists()


def test_five_failures_lock_the_name_even_with_the_right_password(world: World) -> None:
    with freeze_time("2026-11-20 10:00:00"):
        for _ in range(5):
            assert log_in(_request(), "owner", "wrong") is None  # type: ignore[arg-type]
        with pytest.raises(LoginThrottled) as caught:
            log_in(_request(), "owner", PASSWORD)  # type: ignore[arg-type]
        assert 0 < caught.value.retry_after <= 900
    assert AuditEvent.objects.filter(action="login_failed").count() == 5


def test_lock_lifts_when_the_window_passes(world: World) -> None:
    start = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)
    with freeze_time(start):
        for _ in range(5):
            log_in(_request(), "owner", "wrong")  # type: ignore[arg-type]
    with freeze_time(start + dt.timedelta(seconds=901)):
        assert log_in(_request(), "owner", PASSWORD) == world.merchant_owner  # type: ignore[arg-type]


def test_one_address_guessing_many_names_is_throttled(world: World) -> None:
    with freeze_time("2026-11-20 10:00:00"):
        for i in range(20):
            log_in(_request("10.9.9.9"), f"guess{i}", "wrong")  # type: ignore[arg-type]
        with pytest.raises(LoginThrottled):
            log_in(_request("10.9.9.9"), "owner", PASSWORD)  # type: ignore[arg-type]
        # Another address is not affected by that.
        assert log_in(_request("10.1.1.1"), "owner", PASSWORD) == world.merchant_owner  # type: ignore[arg-type]


def test_success_clears_the_failures_of_that_name(world: World) -> None:
    with freeze_time("2026-11-20 10:00:00"):
        for _ in range(4):
            log_in(_request(), "owner", "wrong")  # type: ignore[arg-type]
        assert log_in(_request(), "owner", PASSWORD) == world.merchant_owner  # type: ignore[arg-type]
        for _ in range(4):
            log_in(_request(), "owner", "wrong")  # type: ignore[arg-type]
        assert log_in(_request(), "owner", PASSWORD) == world.merchant_owner  # type: ignore[arg-type]
