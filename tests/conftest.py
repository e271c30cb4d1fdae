"""Named people and organisations that the tests tell their stories about.

云帆托管 (an agency) runs 山野茶舍's Tmall shop. 海边渔具 is another merchant of the same agency
whose shop our merchant must never see; 青木家居 is a merchant with no engagement at all.
"""

from __future__ import annotations

import datetime as dt
import socket
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.test import Client

from steward.accounts.models import Membership, Organisation, OrganisationKind, Person, Role
from steward.engagements.models import Assignment, Engagement, Phase
from steward.shops.models import Platform, Shop

PASSWORD = "correct-horse-battery-9"


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never reach the internet; loopback (live servers, local hooks, databases) is fine."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> object:
        host = address[0] if isinstance(address, tuple) else address
        if (
            isinstance(host, str)
            and host not in {"127.0.0.1", "localhost", "::1"}
            and not host.startswith("/")
        ):
            raise RuntimeError(f"test tried to reach the network: {address!r}")
        return real_connect(self, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(autouse=True)
def _queue_runs_inline() -> Iterator[None]:
    """Queued tasks run in the test's own process instead of going to var/queue.sqlite3."""
    from huey.contrib.djhuey import HUEY

    previous = HUEY.immediate
    HUEY.immediate = True
    yield
    HUEY.immediate = previous


@pytest.fixture(autouse=True)
def _fast_hashing(settings: object) -> None:
    # Argon2 is deliberately slow; tests that check the hasher use it explicitly.
    settings.PASSWORD_HASHERS = [  # type: ignore[attr-defined]
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
    ]


def make_person(username: str, display_name: str, org: Organisation, role: Role) -> Person:
    person = Person.objects.create_user(username=username, password=PASSWORD, display_name=display_name)
    Membership.objects.create(person=person, organisation=org, role=role)
    return person


@dataclass
class World:
    agency: Organisation
    merchant: Organisation
    other_merchant: Organisation
    lonely_merchant: Organisation
    merchant_owner: Person
    merchant_staff: Person
    agency_lead: Person
    agency_supervisor: Person
    ads_specialist: Person
    design_specialist: Person
    other_merchant_owner: Person
    lonely_owner: Person
    shop: Shop
    other_shop: Shop
    lonely_shop: Shop
    engagement: Engagement
    other_engagement: Engagement

    @property
    def outsiders(self) -> list[Person]:
        """People who must not see ``shop`` or ``engagement``."""
        return [self.other_merchant_owner, self.lonely_owner, self.design_specialist]

    @property
    def insiders(self) -> list[Person]:
        return [
            self.merchant_owner,
            self.merchant_staff,
            self.agency_lead,
            self.agency_supervisor,
            self.ads_specialist,
        ]


@pytest.fixture
def world(db: None) -> World:
    agency = Organisation.objects.create(name="云帆托管", kind=OrganisationKind.AGENCY)
    merchant = Organisation.objects.create(name="山野茶舍", kind=OrganisationKind.MERCHANT)
    other_merchant = Organisation.objects.create(name="海边渔具", kind=OrganisationKind.MERCHANT)
    lonely_merchant = Organisation.objects.create(name="青木家居", kind=OrganisationKind.MERCHANT)
    shop = Shop.objects.create(
        code="shanye-tmall",
        name="山野茶舍天猫店",
        platform=Platform.TMALL,
        category="茶叶",
        merchant=merchant,
    )
    other_shop = Shop.objects.create(
        code="haibian-pdd",
        name="海边渔具拼多多店",
        platform=Platform.PDD,
        category="渔具",
        merchant=other_merchant,
    )
    lonely_shop = Shop.objects.create(
        code="qingmu-jd",
        name="青木家居京东店",
        platform=Platform.JD,
        category="家居",
        merchant=lonely_merchant,
    )
    engagement = Engagement.objects.create(
        name="山野茶舍 × 云帆",
        merchant=merchant,
        agency=agency,
        starts_on=dt.date(2026, 9, 1),
        ends_on=dt.date(2027, 8, 31),
        phase=Phase.EXECUTION,
    )
    engagement.shops.add(shop)
    other_engagement = Engagement.objects.create(
        name="海边渔具 × 云帆",
        merchant=other_merchant,
        agency=agency,
        starts_on=dt.date(2026, 9, 1),
        ends_on=dt.date(2027, 8, 31),
        phase=Phase.EXECUTION,
    )
    other_engagement.shops.add(other_shop)
    ads_specialist = make_person("ads", "推广小周", agency, Role.AGENCY_ADS)
    design_specialist = make_person("design", "美工小林", agency, Role.AGENCY_DESIGN)
    Assignment.objects.create(engagement=engagement, person=ads_specialist, role=Role.AGENCY_ADS)
    Assignment.objects.create(engagement=other_engagement, person=design_specialist, role=Role.AGENCY_DESIGN)
    return World(
        agency=agency,
        merchant=merchant,
        other_merchant=other_merchant,
        lonely_merchant=lonely_merchant,
        merchant_owner=make_person("owner", "王老板", merchant, Role.MERCHANT_OWNER),
        merchant_staff=make_person("staff", "小李", merchant, Role.MERCHANT_STAFF),
        agency_lead=make_person("lead", "陈总监", agency, Role.AGENCY_LEAD),
        agency_supervisor=make_person("supervisor", "赵主管", agency, Role.AGENCY_SUPERVISOR),
        ads_specialist=ads_specialist,
        design_specialist=design_specialist,
        other_merchant_owner=make_person("fisher", "海老板", other_merchant, Role.MERCHANT_OWNER),
        lonely_owner=make_person("qingmu", "青木老板", lonely_merchant, Role.MERCHANT_OWNER),
        shop=shop,
        other_shop=other_shop,
        lonely_shop=lonely_shop,
        engagement=engagement,
        other_engagement=other_engagement,
    )


def client_for(person: Person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def token_client_headers(person: Person, name: str = "tests") -> dict[str, str]:
    from steward.accounts.models import ApiToken

    _, key = ApiToken.issue(person, name)
    return {"Authorization": f"Bearer {key}"}
