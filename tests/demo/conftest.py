from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.db import models, transaction

from steward.accounts.models import Membership, Organisation, Person
from steward.audit.models import AuditEvent
from steward.demo.generator import DemoData, generate
from steward.demo.loading import LoadSummary, load_demo
from steward.engagements.models import Assignment, Engagement
from steward.shops.models import Campaign, CampaignDaily, Order, Review, Shop, ShopDaily, Sku, SkuDaily


@pytest.fixture(scope="session")
def demo_data() -> DemoData:
    """The demo data set, generated once per test run (it is immutable)."""
    return generate()


MODELS: tuple[type[models.Model], ...] = (
    Organisation,
    Person,
    Membership,
    Shop,
    Engagement,
    Assignment,
    Sku,
    Campaign,
    ShopDaily,
    CampaignDaily,
    SkuDaily,
    Review,
    Order,
)


def _counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in MODELS}


def _audit() -> Counter[str]:
    return Counter(AuditEvent.objects.values_list("action", flat=True))


@dataclass
class Loaded:
    first: LoadSummary
    second: LoadSummary
    counts_after_first: dict[str, int]
    counts_after_second: dict[str, int]
    audit_after_first: Counter[str]
    audit_after_second: Counter[str]


@pytest.fixture(scope="package")
def loaded(
    django_db_setup: None, django_db_blocker: pytest.FixtureRequest, demo_data: DemoData
) -> Iterator[Loaded]:
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        outer = transaction.atomic()
        outer.__enter__()
        try:
            first = load_demo(io.StringIO(), data=demo_data)
            counts_after_first, audit_after_first = _counts(), _audit()
            second = load_demo(io.StringIO(), data=demo_data)
            yield Loaded(first, second, counts_after_first, _counts(), audit_after_first, _audit())
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
