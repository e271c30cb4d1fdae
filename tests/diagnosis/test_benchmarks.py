"""Peer benchmarks: shipped for the demo categories, editable, with a platform default."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from steward.accounts.models import Person
from steward.diagnosis.benchmarks import DEMO_BENCHMARKS
from steward.diagnosis.models import Benchmark
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_the_migration_ships_a_row_per_demo_category_and_platform(db: None) -> None:
    assert Benchmark.objects.count() == len(DEMO_BENCHMARKS)
    tea = Benchmark.objects.get(platform="taobao", category="茶/乌龙茶")
    assert tea.conversion == Decimal("0.0350")


def test_a_shop_of_an_unlisted_category_is_compared_with_its_platform_default(world: World) -> None:
    benchmark = Benchmark.for_shop(world.shop)  # Tmall, 茶叶: no row of its own

    assert benchmark is not None and benchmark.category == ""
    assert benchmark.values().label == "天猫 · 平台默认"


def test_the_admin_adds_the_category_and_the_shop_uses_it(world: World) -> None:
    Benchmark.objects.create(platform="tmall", category="茶叶", conversion=Decimal("0.0420"))

    benchmark = Benchmark.for_shop(world.shop)

    assert benchmark is not None and benchmark.values().conversion == Decimal("0.0420")


def test_the_admin_edits_a_benchmark_in_the_admin_site(world: World) -> None:
    admin = Person.objects.create_superuser(
        username="root", password="x-very-long-pass", display_name="管理员"
    )
    client = Client()
    client.force_login(admin)
    row = Benchmark.objects.get(platform="tmall", category="")

    response = client.get(f"/admin/diagnosis/benchmark/{row.pk}/change/")

    assert response.status_code == 200
