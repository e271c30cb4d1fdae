"""The one access rule of Store Steward.

A person sees an engagement only through an organisation that is party to it: members of the
merchant see all of the merchant's engagements and shops; the agency's lead and supervisors see
all of the agency's engagements; an agency specialist sees only the engagements they are
assigned to. A shop is visible to its merchant's members and to whoever sees an engagement that
covers it. Every page, endpoint and command looks things up through these functions, and a
lookup of something not visible raises ``Http404`` - an outsider cannot even tell it exists.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.http import Http404

from steward.accounts.models import AGENCY_WIDE_ROLES, MERCHANT_ROLES, Membership, Person, Role

if TYPE_CHECKING:
    from steward.engagements.models import Engagement
    from steward.shops.models import Shop


def _org_ids(person: Person, roles: frozenset[Role]) -> QuerySet[Membership, Any]:
    return Membership.objects.filter(person=person, role__in=roles).values("organisation_id")


def visible_engagement_ids(person: Person) -> QuerySet[Any, Any]:
    from steward.engagements.models import Engagement

    if not person.is_authenticated or not person.is_active:
        return Engagement.objects.none().values("pk")
    agency_ids = Membership.objects.filter(person=person).values("organisation_id")
    rule = (
        Q(merchant_id__in=_org_ids(person, MERCHANT_ROLES))
        | Q(agency_id__in=_org_ids(person, AGENCY_WIDE_ROLES))
        # A specialist's assignment counts only while they still belong to the agency.
        | Q(assignments__person=person, agency_id__in=agency_ids)
    )
    return Engagement.objects.filter(rule).values("pk")


def visible_shop_ids(person: Person) -> QuerySet[Any, Any]:
    from steward.shops.models import Shop

    if not person.is_authenticated or not person.is_active:
        return Shop.objects.none().values("pk")
    rule = Q(merchant_id__in=_org_ids(person, MERCHANT_ROLES)) | Q(
        engagements__in=visible_engagement_ids(person)
    )
    return Shop.objects.filter(rule).values("pk")


def side_in(person: Person, engagement: Engagement) -> str | None:
    """Which party ``person`` acts for in ``engagement`` ("merchant" or "agency"), or ``None`` when
    the engagement is not visible to them. The same rule as ``visible_engagement_ids``, asked of
    one engagement in at most three small queries (it runs on every workflow step)."""
    if not person.is_authenticated or not person.is_active:
        return None
    memberships = Membership.objects.filter(person=person)
    if memberships.filter(organisation_id=engagement.merchant_id, role__in=MERCHANT_ROLES).exists():
        return "merchant"
    in_agency = memberships.filter(organisation_id=engagement.agency_id)
    if in_agency.filter(role__in=AGENCY_WIDE_ROLES).exists():
        return "agency"
    if in_agency.exists() and engagement.assignments.filter(person=person).exists():
        return "agency"
    return None


def get_shop_for(person: Person, *, pk: int | None = None, code: str | None = None) -> Shop:
    from steward.shops.models import Shop

    lookup: dict[str, Any] = {"pk": pk} if pk is not None else {"code": code}
    try:
        return Shop.objects.visible_to(person).get(**lookup)
    except (Shop.DoesNotExist, ValueError) as exc:
        raise Http404("shop") from exc


def get_engagement_for(person: Person, pk: int) -> Engagement:
    from steward.engagements.models import Engagement

    try:
        return Engagement.objects.visible_to(person).get(pk=pk)
    except (Engagement.DoesNotExist, ValueError) as exc:
        raise Http404("engagement") from exc


def roles_in(person: Person, organisation_id: int) -> set[str]:
    return set(
        Membership.objects.filter(person=person, organisation_id=organisation_id).values_list(
            "role", flat=True
        )
    )


# Who may load numbers into a shop: its merchant's people, and the agency people who see it
# except customer service and design specialists, whose work does not involve the back office.
IMPORT_ROLES = frozenset(
    {
        Role.MERCHANT_OWNER,
        Role.MERCHANT_STAFF,
        Role.AGENCY_LEAD,
        Role.AGENCY_SUPERVISOR,
        Role.AGENCY_OPERATIONS,
        Role.AGENCY_ADS,
    }
)


def can_import(person: Person, shop: Shop) -> bool:
    """Whether ``person`` (who already sees ``shop``) may import numbers into it."""
    from steward.engagements.models import Assignment

    roles = roles_in(person, shop.merchant_id)
    for engagement in shop.engagements.filter(pk__in=visible_engagement_ids(person)):
        agency_roles = roles_in(person, engagement.agency_id)
        roles |= agency_roles & set(AGENCY_WIDE_ROLES)
        roles |= set(
            Assignment.objects.filter(engagement=engagement, person=person).values_list("role", flat=True)
        )
    return bool(roles & IMPORT_ROLES)
