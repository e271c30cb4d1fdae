"""Every billing page and endpoint: insiders see the statement, outsiders get 404 everywhere.

海老板 (another merchant of the same agency), 青木老板 (a merchant with no engagement) and
美工小林 (a specialist not assigned to 山野茶舍) must not learn that the statement exists.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from steward.billing import services
from steward.billing.contract import Month
from steward.billing.models import Statement
from tests.billing.app_samples import CONTRACT_YAML, load_october, signed_contract
from tests.conftest import World, client_for


@pytest.fixture
def statement(world: World) -> Statement:
    signed_contract(world)
    load_october(world)
    return services.draft_statement(
        world.engagement, world.agency_lead, Month(2026, 10), as_of=dt.date(2026, 11, 20)
    )


def _urls(s: Statement) -> list[tuple[str, str, dict[str, object]]]:
    e = s.engagement_id
    line = s.lines.first()
    assert line is not None
    return [
        ("get", f"/billing/engagements/{e}/contract/", {}),
        ("post", f"/billing/engagements/{e}/contract/submit/", {"source": CONTRACT_YAML}),
        ("post", f"/billing/engagements/{e}/contract/v1/decide/", {"decision": "sign"}),
        ("get", f"/billing/engagements/{e}/statements/", {}),
        ("get", f"/billing/engagements/{e}/statements/?through=2026-10-10", {}),
        ("post", f"/billing/engagements/{e}/statements/draft/", {"month": "2026-10"}),
        ("get", f"/billing/statements/{s.pk}/", {}),
        ("post", f"/billing/statements/{s.pk}/confirm/", {}),
        ("post", f"/billing/statements/{s.pk}/dispute/", {"line": line.pk, "reason": "x"}),
        ("post", f"/billing/statements/{s.pk}/answer/", {"dispute": 1, "answer": "x"}),
        ("get", f"/billing/statements/{s.pk}.xlsx", {}),
        ("get", f"/billing/statements/{s.pk}.pdf", {}),
        ("get", f"/api/v1/billing/engagements/{e}/contract", {}),
        ("post_json", f"/api/v1/billing/engagements/{e}/contract", {"source": CONTRACT_YAML}),
        ("post_json", f"/api/v1/billing/engagements/{e}/contract/versions/1/decision", {"sign": True}),
        ("get", f"/api/v1/billing/engagements/{e}/statements", {}),
        ("post_json", f"/api/v1/billing/engagements/{e}/statements", {"month": "2026-10"}),
        ("get", f"/api/v1/billing/engagements/{e}/forecast?through=2026-10-10", {}),
        ("get", f"/api/v1/billing/statements/{s.pk}", {}),
        ("post_json", f"/api/v1/billing/statements/{s.pk}/confirm", {}),
        ("post_json", f"/api/v1/billing/statements/{s.pk}/lines/{line.pk}/dispute", {"reason": "x"}),
        ("post_json", f"/api/v1/billing/statements/{s.pk}/disputes/1/answer", {"answer": "x"}),
        ("post_json", f"/api/v1/billing/statements/{s.pk}/paid", {"paid_on": "2026-11-10"}),
        ("get", f"/api/v1/billing/statements/{s.pk}/pdf", {}),
        ("get", f"/api/v1/billing/statements/{s.pk}/xlsx", {}),
    ]


def _call(client: Client, method: str, url: str, data: dict[str, object]) -> int:
    if method == "post_json":
        return client.post(url, data, content_type="application/json").status_code
    return getattr(client, method)(url, data).status_code


def test_outsiders_get_404_on_every_page_and_endpoint(world: World, statement: Statement) -> None:
    for outsider in world.outsiders:
        client = client_for(outsider)
        for method, url, data in _urls(statement):
            assert _call(client, method, url, data) == 404, (outsider.username, method, url)
    statement.refresh_from_db()
    assert statement.state == "draft"


def test_the_merchant_reads_the_statement_page_and_downloads_the_xlsx(
    world: World, statement: Statement
) -> None:
    client = client_for(world.merchant_owner)
    page = client.get(f"/billing/statements/{statement.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "¥310,000.31" in text and "确认结算单" in text
    sheet = client.get(f"/billing/statements/{statement.pk}.xlsx")
    assert sheet.status_code == 200 and sheet.content[:2] == b"PK"


def test_dispute_and_answer_over_the_api(world: World, statement: Statement) -> None:
    line = statement.lines.get(clause="commission_over_target")
    merchant = client_for(world.merchant_owner)
    raised = merchant.post(
        f"/api/v1/billing/statements/{statement.pk}/lines/{line.pk}/dispute",
        {"reason": "退款应扣除"},
        content_type="application/json",
    )
    assert raised.status_code == 201
    agency = client_for(world.agency_lead)
    answered = agency.post(
        f"/api/v1/billing/statements/{statement.pk}/disputes/{raised.json()['id']}/answer",
        {"answer": "按合同第 2 条以 GMV 计"},
        content_type="application/json",
    )
    assert answered.status_code == 200
    confirmed = merchant.post(
        f"/api/v1/billing/statements/{statement.pk}/confirm", content_type="application/json"
    )
    assert confirmed.status_code == 200 and confirmed.json()["state"] == "confirmed"
    again = merchant.post(
        f"/api/v1/billing/statements/{statement.pk}/confirm", content_type="application/json"
    )
    assert again.status_code == 409
    body = merchant.get(f"/api/v1/billing/statements/{statement.pk}").json()
    commission = next(x for x in body["lines"] if x["clause"] == "commission_over_target")
    assert commission["amount"] == "500.02" and commission["figures"]["gmv"] == "310000.31"


def test_a_broken_contract_over_the_api_names_the_clause(world: World) -> None:
    client = client_for(world.agency_lead)
    response = client.post(
        f"/api/v1/billing/engagements/{world.engagement.pk}/contract",
        {"source": CONTRACT_YAML.replace("amount: 8000", "amount: -1")},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert any("clause 1" in p["field"] for p in response.json()["problems"])


def test_the_agency_reads_the_contract_and_the_list_with_a_forecast(
    world: World, statement: Statement
) -> None:
    client = client_for(world.agency_lead)
    contract = client.get(f"/billing/engagements/{world.engagement.pk}/contract/")
    assert contract.status_code == 200
    assert "山野茶舍天猫店 全托管服务合同" in contract.content.decode()
    listing = client.get(f"/billing/engagements/{world.engagement.pk}/statements/?through=2026-10-10")
    text = listing.content.decode()
    assert listing.status_code == 200 and "生成草稿" in text
    assert "¥24,000.02" in text  # the forecast: October at the pace of its first ten days


def test_a_merchant_disputes_and_confirms_on_the_page(world: World, statement: Statement) -> None:
    client = client_for(world.merchant_owner)
    line = statement.lines.get(clause="base_fee")
    page = f"/billing/statements/{statement.pk}/"
    client.post(f"{page}dispute/", {"line": line.pk, "reason": "基础服务费试用期应打八折"})
    assert "基础服务费试用期应打八折" in client.get(page).content.decode()
    refused = client.post(f"{page}confirm/", follow=True)
    assert "still waits" in refused.content.decode()
    statement.refresh_from_db()
    assert statement.state == "disputed"
    assert client.post(f"{page}dispute/", {"line": "x", "reason": "y"}).status_code == 404


def test_the_contract_reads_in_chinese_and_english_with_its_signatures(world: World) -> None:
    signed_contract(world)
    body = (
        client_for(world.merchant_staff)
        .get(f"/api/v1/billing/engagements/{world.engagement.pk}/contract")
        .json()
    )
    assert body["signed_version"] == 1
    version = body["versions"][0]
    assert "山野茶舍天猫店 全托管服务合同" in version["text_zh"]
    assert "Full-service management" in version["text_en"]
    assert sorted(version["signed_by"]) == sorted([str(world.agency_lead), str(world.merchant_owner)])
