"""Organisations (merchants and agencies), the people in them and their roles."""

from __future__ import annotations

import hashlib
import secrets
from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    MERCHANT = "merchant", _("商家")  # owns shops, stock, money and the final say
    AGENCY = "agency", _("托管方")  # runs shops for merchants


class Role(models.TextChoices):
    MERCHANT_OWNER = "merchant_owner", _("商家负责人")  # approves big decisions, signs, pays
    MERCHANT_STAFF = "merchant_staff", _("商家员工")  # works with the agency day to day
    AGENCY_LEAD = "agency_lead", _("托管负责人")  # answers for every engagement of the agency
    AGENCY_SUPERVISOR = "agency_supervisor", _("托管主管")  # oversees specialists across shops
    AGENCY_OPERATIONS = "agency_operations", _("运营专员")  # assigned shops only
    AGENCY_ADS = "agency_ads", _("推广专员")  # assigned shops only
    AGENCY_SERVICE = "agency_service", _("客服专员")  # assigned shops only
    AGENCY_DESIGN = "agency_design", _("美工")  # assigned shops only


MERCHANT_ROLES = frozenset({Role.MERCHANT_OWNER, Role.MERCHANT_STAFF})
AGENCY_ROLES = frozenset(set(Role) - MERCHANT_ROLES)
# Agency roles that see every engagement of their agency; specialists see only assignments.
AGENCY_WIDE_ROLES = frozenset({Role.AGENCY_LEAD, Role.AGENCY_SUPERVISOR})
SPECIALIST_ROLES = AGENCY_ROLES - AGENCY_WIDE_ROLES


class Organisation(models.Model):
    name = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("类型"), max_length=16, choices=OrganisationKind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["name"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["name", "kind"], name="organisation_unique_name")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_merchant(self) -> bool:
        return self.kind == OrganisationKind.MERCHANT


class Person(AbstractUser):
    """Anyone who logs in. ``username`` is the login name; ``display_name`` is what others see."""

    display_name = models.CharField(_("姓名"), max_length=100, blank=True)
    language = models.CharField(_("语言"), max_length=10, default="zh-hans")
    phone = models.CharField(_("手机"), max_length=30, blank=True)

    objects: ClassVar[UserManager[Person]] = UserManager()  # type: ignore[assignment]

    def __str__(self) -> str:
        return self.display_name or self.username


class Membership(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["person", "organisation"], name="membership_one_role_per_org")
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.organisation} · {self.get_role_display()}"

    def clean(self) -> None:
        if self.organisation_id is None:
            return
        allowed = MERCHANT_ROLES if self.organisation.is_merchant else AGENCY_ROLES
        if self.role not in allowed:
            raise ValidationError(
                {"role": _("角色“%(role)s”不属于这类组织") % {"role": Role(self.role).label}}
            )

    @property
    def is_specialist(self) -> bool:
        return self.role in SPECIALIST_ROLES


class LoginFailure(models.Model):
    """One failed login; recent rows throttle further attempts by name and by address."""

    username = models.CharField(max_length=150, db_index=True)
    ip = models.GenericIPAddressField(null=True, db_index=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)


TOKEN_PREFIX = "stw_"  # noqa: S105 - a visible prefix, not a secret


class ApiToken(models.Model):
    """A personal token for the HTTP API. Only its SHA-256 is stored; the key is shown once."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("用途"), max_length=100)
    lookup = models.CharField(max_length=16, unique=True)
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({TOKEN_PREFIX}{self.lookup}…)"

    @staticmethod
    def hash_secret(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()

    @classmethod
    def issue(cls, person: Person, name: str) -> tuple[ApiToken, str]:
        """Create a token; returns it with the full key, which is never stored."""
        lookup = secrets.token_hex(8)
        secret = secrets.token_urlsafe(32)
        token = cls.objects.create(person=person, name=name, lookup=lookup, digest=cls.hash_secret(secret))
        return token, f"{TOKEN_PREFIX}{lookup}_{secret}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
