from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from steward.accounts.models import Person, Role
from steward.engagements.models import Assignment
from tests.conftest import World, make_person
from tests.web.shop_data import seed_days


@pytest.fixture
def yesterday() -> dt.date:
    return timezone.localdate() - dt.timedelta(days=1)


@pytest.fixture
def seeded(world: World, yesterday: dt.date) -> World:
    """The world, with 120 days of numbers for 山野茶舍's Tmall shop up to yesterday."""
    seed_days(world.shop, yesterday)
    return world


@pytest.fixture
def service_specialist(world: World) -> Person:
    """客服小何: assigned to 山野茶舍's engagement, so sees the shop, but may not import numbers."""
    person = make_person("service", "客服小何", world.agency, Role.AGENCY_SERVICE)
    Assignment.objects.create(engagement=world.engagement, person=person, role=Role.AGENCY_SERVICE)
    return person
