"""The one access rule: who sees which shop and engagement."""

from __future__ import annotations

import pytest
from django.http import Http404

from steward.accounts.access import can_import, get_engagement_for, get_shop_for
from steward.accounts.models import Membership, Role
from steward.engagements.models import Engagement
from steward.shops.models import Shop
from tests.conftest import World, make_person


def test_merchant_people_see_their_own_shops_only(world: World) -> None:
    for person in (world.merchant_owner, world.merchant_staff):
        assert set(Shop.objects.visible_to(person)) == {world.shop}
        assert set(Engagement.objects.visible_to(person)) == {world.engagement}


def test_agency_lead_and_supervisor_see_every_engagement_of_their_agency(world: World) -> None:
    for person in (world.agency_lead, world.agency_supervisor):
        assert set(Shop.objects.visible_to(person)) == {world.shop, world.other_shop}
        assert set(Engagement.objects.visible_to(person)) == {world.engagement, world.other_engagement}


def test_specialist_sees_only_assigned_engagements(world: World) -> None:
    assert set(Shop.objects.visible_to(world.ads_specialist)) == {world.shop}
    assert set(Shop.objects.visible_to(world.design_specialist)) == {world.other_shop}


def test_merchant_without_engagement_sees_only_own_shop(world: World) -> None:
    assert set(Shop.objects.visible_to(world.lonely_owner)) == {world.lonely_shop}
    assert not Engagement.objects.visible_to(world.lonely_owner).exists()


def test_specialist_who_leaves_the_agency_loses_access(world: World) -> None:
    Membership.objects.filter(person=world.ads_specialist).delete()
    assert not Shop.objects.visible_to(world.ads_specialist).exists()


def test_inactive_person_sees_nothing(world: World) -> None:
    world.merchant_owner.is_active = False
    world.merchant_owner.save()
    assert not Shop.objects.visible_to(world.merchant_owner).exists()


def test_agency_member_of_another_agency_sees_nothing(world: World) -> None:
    from steward.accounts.models import Organisation, OrganisationKind

    rival = Organisation.objects.create(name="别家代运营", kind=OrganisationKind.AGENCY)
    rival_lead = make_person("rival", "别家总监", rival, Role.AGENCY_LEAD)
    assert not Shop.objects.visible_to(rival_lead).exists()
    assert not Engagement.objects.visible_to(rival_lead).exists()


def test_lookups_raise_404_for_outsiders(world: World) -> None:
    for person in world.outsiders:
        with pytest.raises(Http404):
            get_shop_for(person, pk=world.shop.pk)
        with pytest.raises(Http404):
            get_engagement_for(person, world.engagement.pk)
    for person in world.insiders:
        assert get_shop_for(person, pk=world.shop.pk) == world.shop
        assert get_engagement_for(person, world.engagement.pk) == world.engagement


def test_visible_lists_have_no_duplicates_with_many_paths(world: World) -> None:
    # The lead is also assigned: two paths to the same shop must still list it once.
    from steward.engagements.models import Assignment

    Assignment.objects.create(engagement=world.engagement, person=world.agency_lead, role=Role.AGENCY_LEAD)
    assert list(Shop.objects.visible_to(world.agency_lead)).count(world.shop) == 1


def test_import_right_follows_the_role(world: World) -> None:
    from steward.engagements.models import Assignment

    assert can_import(world.merchant_owner, world.shop)
    assert can_import(world.merchant_staff, world.shop)
    assert can_import(world.agency_lead, world.shop)
    assert can_import(world.ads_specialist, world.shop)
    service = make_person("cs", "客服小美", world.agency, Role.AGENCY_SERVICE)
    Assignment.objects.create(engagement=world.engagement, person=service, role=Role.AGENCY_SERVICE)
    assert get_shop_for(service, pk=world.shop.pk) == world.shop
    assert not can_import(service, world.shop)


def test_membership_role_must_fit_the_organisation(world: World) -> None:
    from django.core.exceptions import ValidationError

    wrong = Membership(person=world.lonely_owner, organisation=world.agency, role=Role.MERCHANT_OWNER)
    with pytest.raises(ValidationError):
        wrong.full_clean()
