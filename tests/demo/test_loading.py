"""`load_demo`: the world and its numbers in the database, loaded twice without duplicates.

The data set is loaded once per module (twice, to prove idempotence) inside a transaction that
is rolled back afterwards, so the rest of the suite never sees it.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import check_password, identify_hasher
from django.db.models import Count

from steward.accounts.models import Person
from steward.audit.models import AuditEvent
from steward.audit.services import verify_chain
from steward.demo.cast import ENGAGEMENTS, PEOPLE, SHOPS
from steward.demo.generator import DemoData
from steward.demo.loading import CHINA, demo_logins
from steward.demo.scenario import (
    BAD_REVIEW_BURST,
    DEMO_PASSWORD,
    GROWTH_SHOP,
    MATURE_SHOP,
    NEW_SHOP,
    PROBLEM_SHOP,
    ROI_SLUMP,
    SOLO_SHOP,
    STOCKOUT,
    STOCKOUT_STOCK_PATH,
)
from steward.engagements.models import Engagement
from steward.shops.models import CampaignDaily, Order, Review, Shop, ShopDaily, Sku, SkuDaily
from tests.demo.conftest import Loaded

pytestmark = pytest.mark.django_db


def test_loading_twice_changes_nothing(loaded: Loaded) -> None:
    assert loaded.counts_after_first == loaded.counts_after_second
    assert loaded.counts_after_first["Shop"] == len(SHOPS)
    assert loaded.counts_after_first["Person"] == len(PEOPLE)
    assert loaded.second.created == {}
    assert loaded.second.updated == {}


def test_audit_records_each_created_object_once_and_one_import_per_shop(loaded: Loaded) -> None:
    created = loaded.first.created
    assert created == {
        "organisation": 5,
        "person": len(PEOPLE),
        "membership": len(PEOPLE),
        "shop": len(SHOPS),
        "engagement": len(ENGAGEMENTS),
        "assignment": sum(len(e.assignments) for e in ENGAGEMENTS),
    }
    world_types = {
        "accounts.organisation",
        "accounts.person",
        "accounts.membership",
        "shops.shop",
        "engagements.engagement",
        "engagements.assignment",
    }
    assert AuditEvent.objects.filter(action="create", target_type__in=world_types).count() == sum(
        created.values()
    )
    assert loaded.audit_after_first["import"] == len(SHOPS)
    assert loaded.audit_after_second == loaded.audit_after_first
    assert loaded.second.imports_recorded == 0
    event = AuditEvent.objects.filter(
        action="import", target_id=str(Shop.objects.get(code=MATURE_SHOP).pk)
    ).get()
    assert (
        event.after is not None and event.after["rows"]["orders"] == loaded.first.rows[MATURE_SHOP]["orders"]
    )
    assert verify_chain().ok


def test_every_demo_person_logs_in_with_the_demo_password(loaded: Loaded) -> None:
    people = {p.username: p for p in Person.objects.filter(username__in=[spec.username for spec in PEOPLE])}
    for spec in PEOPLE:
        assert identify_hasher(people[spec.username].password).algorithm == "argon2"
        assert people[spec.username].memberships.get().role == spec.role
    # Argon2 is slow on purpose: verify each distinct stored hash once.
    for encoded in {p.password for p in people.values()}:
        assert check_password(DEMO_PASSWORD, encoded)
    assert authenticate(username="qh_owner", password=DEMO_PASSWORD) == people["qh_owner"]


def _visible(username: str) -> set[str]:
    person = Person.objects.get(username=username)
    return set(Shop.objects.visible_to(person).values_list("code", flat=True))


def test_each_login_sees_only_its_shops(loaded: Loaded) -> None:
    managed = {NEW_SHOP, GROWTH_SHOP, MATURE_SHOP, PROBLEM_SHOP}
    assert _visible("yf_lead") == _visible("yf_supervisor") == managed
    assert _visible("yf_ops") == {NEW_SHOP, GROWTH_SHOP, MATURE_SHOP}
    assert _visible("yf_ads") == {GROWTH_SHOP, MATURE_SHOP, PROBLEM_SHOP}
    assert _visible("yf_service") == {MATURE_SHOP, PROBLEM_SHOP}
    assert _visible("yf_design") == {NEW_SHOP, GROWTH_SHOP}
    assert _visible("nz_owner") == _visible("nz_staff") == {MATURE_SHOP, PROBLEM_SHOP}
    assert _visible("sg_owner") == {NEW_SHOP}
    assert _visible("qh_owner") == {SOLO_SHOP}
    # What `demo logins` promises matches what the access rule gives.
    names = dict(Shop.objects.values_list("code", "name"))
    for login in demo_logins():
        shown = {code for code, name in names.items() if name in login.sees}
        assert shown == _visible(login.username), login


def test_engagements_and_phases(loaded: Loaded) -> None:
    phases = {e.shops.get().code: e.phase for e in Engagement.objects.all()}
    assert phases == {
        NEW_SHOP: "research",
        GROWTH_SHOP: "execution",
        MATURE_SHOP: "execution",
        PROBLEM_SHOP: "execution",
    }
    assert not Engagement.objects.filter(shops__code=SOLO_SHOP).exists()


def test_stored_numbers_equal_the_generated_ones(loaded: Loaded, demo_data: DemoData) -> None:
    shop = Shop.objects.get(code=MATURE_SHOP)
    data = demo_data.shop(MATURE_SHOP)
    stored = list(
        ShopDaily.objects.filter(shop=shop)
        .order_by("date")
        .values_list(
            "date",
            "visitors",
            "page_views",
            "paid_buyers",
            "paid_orders",
            "gmv_fen",
            "refunds_fen",
            "conversion_ppm",
            "aov_fen",
            "organic_visitors",
            "paid_visitors",
            "repeat_buyers",
            "first_response_ms",
        )
    )
    assert stored == [
        (
            d.date,
            d.visitors,
            d.page_views,
            d.paid_buyers,
            d.paid_orders,
            d.gmv_fen,
            d.refunds_fen,
            d.conversion_ppm,
            d.aov_fen,
            d.organic_visitors,
            d.paid_visitors,
            d.repeat_buyers,
            d.first_response_ms,
        )
        for d in data.days
    ]
    first_order = data.orders[0]
    order = Order.objects.get(shop=shop, order_id=first_order.order_id)
    assert order.paid_at == first_order.paid_at.replace(tzinfo=CHINA)
    assert (order.amount_fen, order.status, order.sku_code, order.quantity) == (
        first_order.amount_fen,
        first_order.status,
        first_order.sku,
        first_order.quantity,
    )
    assert Order.objects.filter(shop=shop, is_purchase=False).count() == sum(
        1 for o in data.orders if not o.is_purchase
    )
    hero = Sku.objects.get(shop=shop, code=STOCKOUT.sku)
    assert hero.role == "hero" and hero.substitute is not None and hero.substitute.code == STOCKOUT.substitute
    stock = dict(SkuDaily.objects.filter(sku=hero).values_list("date", "stock"))
    assert all(stock[day] == level for day, level in STOCKOUT_STOCK_PATH.items())


def test_situations_are_in_the_database(loaded: Loaded) -> None:
    slump = CampaignDaily.objects.filter(
        shop__code=ROI_SLUMP.shop,
        campaign__name=ROI_SLUMP.campaign,
        date__gte=ROI_SLUMP.low_from,
        date__lte=ROI_SLUMP.low_to,
    )
    assert slump.count() == 5
    assert all(row.spend_fen and row.roi_e4 is not None and row.roi_e4 < 25_000 for row in slump)
    bad = Review.objects.filter(shop__code=BAD_REVIEW_BURST.shop, date=BAD_REVIEW_BURST.on, is_bad=True)
    assert bad.count() == BAD_REVIEW_BURST.count > 5
    assert all(r.stars == 1 and r.rating == "差评" for r in bad)
    repeaters = (
        Order.objects.filter(shop__code=MATURE_SHOP)
        .values("buyer")
        .annotate(n=Count("id"))
        .filter(n__gte=2)
        .values_list("n", flat=True)
    )
    assert len(repeaters) > 100 and max(repeaters) <= 5
