"""POST and GET /api/v1/shops/{id}/imports: who may import, and what the answers look like."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from steward.accounts.models import Role
from steward.engagements.models import Assignment
from steward.shops.models import CampaignDaily, ImportBatch
from tests.conftest import World, client_for, make_person, token_client_headers
from tests.shops.conftest import CAMPAIGN_HEADER, csv_bytes

pytestmark = pytest.mark.django_db


def upload(client: Client, shop_id: int, data: bytes, kind: str = "campaigns", **extra: object) -> object:
    return client.post(
        f"/api/v1/shops/{shop_id}/imports",
        {"kind": kind, "file": SimpleUploadedFile("推广报表.csv", data, "text/csv"), **extra},
    )


def test_insider_imports_and_gets_the_outcome(world: World, campaign_file: bytes) -> None:
    response = upload(client_for(world.merchant_staff), world.shop.pk, campaign_file)
    assert response.status_code == 201  # type: ignore[attr-defined]
    assert response.json() == {  # type: ignore[attr-defined]
        "kind": "campaigns",
        "rows": 3,
        "inserted": 3,
        "replaced": 0,
        "date_from": "2026-10-01",
        "date_to": "2026-10-02",
        "dry_run": False,
        "ranges": [{"from": "2026-10-01", "to": "2026-10-02", "inserted": 3, "replaced": 0}],
    }
    assert ImportBatch.objects.get().actor == world.merchant_staff


def test_token_client_dry_run(world: World, campaign_file: bytes) -> None:
    client = Client(headers=token_client_headers(world.agency_lead))
    response = upload(client, world.shop.pk, campaign_file, dry_run="true")
    assert response.status_code == 201  # type: ignore[attr-defined]
    assert response.json()["dry_run"] is True  # type: ignore[attr-defined]
    assert not CampaignDaily.objects.exists() and not ImportBatch.objects.exists()


def test_rejected_file_answers_422_with_every_problem(world: World) -> None:
    data = csv_bytes([CAMPAIGN_HEADER, ["2026-10-01", "A", "abc", "1", "1", "1%", "1", "1", "1"]])
    response = upload(client_for(world.merchant_owner), world.shop.pk, data)
    assert response.status_code == 422  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert body["total"] == 1 and "nothing was written" in body["detail"]
    assert body["problems"] == [
        {"row": 2, "column": "花费", "reason": "not a number: 'abc'", "reason_zh": "不是数字：'abc'"}
    ]
    assert not CampaignDaily.objects.exists()


def test_unknown_kind_answers_422(world: World, campaign_file: bytes) -> None:
    response = upload(client_for(world.merchant_owner), world.shop.pk, campaign_file, kind="budgets")
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert response.json()["problems"][0]["reason"].startswith("unknown kind")  # type: ignore[attr-defined]


def test_someone_who_sees_the_shop_but_may_not_import_gets_403(world: World, campaign_file: bytes) -> None:
    service = make_person("kefu", "客服小美", world.agency, Role.AGENCY_SERVICE)
    Assignment.objects.create(engagement=world.engagement, person=service, role=Role.AGENCY_SERVICE)
    response = upload(client_for(service), world.shop.pk, campaign_file)
    assert response.status_code == 403  # type: ignore[attr-defined]
    assert response.json() == {"detail": "you may not import numbers into this shop"}  # type: ignore[attr-defined]
    assert client_for(service).get(f"/api/v1/shops/{world.shop.pk}/imports").status_code == 200


def test_outsiders_get_404_and_cannot_tell_the_shop_exists(world: World, campaign_file: bytes) -> None:
    for person in world.outsiders:
        client = client_for(person)
        assert upload(client, world.shop.pk, campaign_file).status_code == 404  # type: ignore[attr-defined]
        assert upload(client, 999_999, campaign_file).status_code == 404  # type: ignore[attr-defined]
        assert client.get(f"/api/v1/shops/{world.shop.pk}/imports").status_code == 404
    assert not ImportBatch.objects.exists()


def test_anonymous_requests_are_refused(world: World, campaign_file: bytes) -> None:
    assert upload(Client(), world.shop.pk, campaign_file).status_code == 401  # type: ignore[attr-defined]


def test_recent_imports_are_listed_newest_first(world: World, campaign_file: bytes) -> None:
    client = client_for(world.ads_specialist)
    upload(client, world.shop.pk, campaign_file)
    upload(client, world.shop.pk, campaign_file)
    response = client.get(f"/api/v1/shops/{world.shop.pk}/imports")
    assert response.status_code == 200
    listed = response.json()
    assert [(b["kind"], b["rows"], b["inserted"], b["replaced"], b["actor"]) for b in listed] == [
        ("campaigns", 3, 0, 3, "推广小周"),
        ("campaigns", 3, 3, 0, "推广小周"),
    ]
    assert listed[0]["filename"] == "推广报表.csv" and listed[0]["date_from"] == "2026-10-01"


def test_the_import_endpoints_are_in_the_openapi_schema(db: None) -> None:
    spec = Client().get("/api/v1/openapi.json").json()
    operations = spec["paths"]["/api/v1/shops/{shop_id}/imports"]
    assert set(operations) == {"get", "post"}
    assert set(operations["post"]["responses"]) == {"201", "403", "422"}
    assert set(spec["components"]["schemas"]["ImportRangeOut"]["properties"]) == {
        "from",
        "to",
        "inserted",
        "replaced",
    }
