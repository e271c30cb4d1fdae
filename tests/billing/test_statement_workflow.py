"""王老板 (merchant owner) checks 云帆's October statement line by line, disputes one, confirms it.

Given a contract signed by both sides and October's numbers of 山野茶舍天猫店, 陈总监 (agency
lead) drafts the statement; every amount is traceable to a clause and a figure.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from steward.audit.models import AuditEvent
from steward.billing import services
from steward.billing.contract import Month
from steward.billing.models import ContractFile, Statement, StatementState
from steward.duties.models import Duty, DutyState, Party
from tests.billing.app_samples import CONTRACT_YAML, load_october, signed_contract
from tests.conftest import World

OCT = Month(2026, 10)
AFTER_OCTOBER = dt.date(2026, 11, 20)


def _late_duty(world: World, due: dt.date, handed_in_late: int) -> Duty:
    return Duty.objects.create(
        engagement=world.engagement,
        title="双11 活动方案",
        owner_party=Party.AGENCY,
        due_at=timezone.make_aware(dt.datetime(due.year, due.month, due.day, 18)),
        state=DutyState.ACCEPTED,
        late_days=handed_in_late,
    )


def _draft(world: World, profit: Decimal | None = None) -> Statement:
    return services.draft_statement(
        world.engagement, world.agency_lead, OCT, as_of=AFTER_OCTOBER, profit=profit
    )


def test_a_contract_with_an_error_is_not_saved_and_the_error_names_clause_and_field(world: World) -> None:
    broken = CONTRACT_YAML.replace("rate: 0.05", "rate: 5")
    with pytest.raises(ValidationError) as caught:
        services.submit_contract(world.engagement, world.agency_lead, broken)
    text = str(caught.value)
    assert "clause 2" in text and "rate" in text
    assert not ContractFile.objects.exists()


def test_a_contract_is_a_signed_deliverable_and_a_new_version_needs_signing_again(world: World) -> None:
    version = signed_contract(world)
    assert version.status == "signed"
    assert services.signed_contract(world.engagement) == version
    newer = services.submit_contract(world.engagement, world.agency_lead, CONTRACT_YAML + "\n")
    assert newer.number == 2 and newer.status == "awaiting"
    # Until both sign version 2, statements are computed under version 1.
    assert services.signed_contract(world.engagement) == version


def test_no_statement_without_a_signed_contract(world: World) -> None:
    load_october(world)
    with pytest.raises(services.BillingStepError):
        _draft(world)


def test_the_draft_shows_every_line_with_its_formula_and_evidence(world: World) -> None:
    signed_contract(world)
    load_october(world)
    duty = _late_duty(world, dt.date(2026, 10, 25), handed_in_late=2)
    statement = _draft(world)

    lines = {line.clause: line for line in statement.lines.all()}
    assert lines["base_fee"].amount == Decimal("8000.00")
    # 5% × (310,000.31 − 300,000) = 500.0155 → 500.02
    assert lines["commission_over_target"].amount == Decimal("500.02")
    assert "¥310,000.31" in lines["commission_over_target"].formula_zh
    assert lines["late_duty"].amount == Decimal("-160.00")
    assert list(lines["late_duty"].duties.all()) == [duty]
    assert lines["ad_spend_passthrough"].amount == Decimal("15500.00")
    assert lines["ad_spend_passthrough"].pass_through
    assert lines["late_payment"].amount == Decimal("0.00")
    assert statement.service_fee == Decimal("8340.02")
    assert statement.total_due == sum(line.amount for line in statement.lines.all())
    assert statement.figures["gmv"] == "310000.31"
    assert statement.due_on == dt.date(2026, 11, 10)
    assert AuditEvent.objects.filter(action="statement_drafted").count() == 1


def test_only_the_agency_drafts_and_not_before_the_month_ends(world: World) -> None:
    signed_contract(world)
    load_october(world)
    with pytest.raises(PermissionDenied):
        services.draft_statement(world.engagement, world.merchant_owner, OCT, as_of=AFTER_OCTOBER)
    with pytest.raises(services.BillingStepError):
        services.draft_statement(world.engagement, world.agency_lead, OCT, as_of=dt.date(2026, 10, 31))


def test_a_month_without_numbers_names_the_missing_figure(world: World) -> None:
    signed_contract(world)
    with pytest.raises(ValidationError) as caught:
        _draft(world)
    assert "gmv" in str(caught.value)


def test_dispute_answer_confirm_then_frozen(world: World) -> None:
    signed_contract(world)
    load_october(world)
    statement = _draft(world)
    line = statement.lines.get(clause="commission_over_target")

    dispute = services.dispute_line(line, world.merchant_owner, "退款未扣除")
    statement.refresh_from_db()
    assert statement.state == StatementState.DISPUTED
    with pytest.raises(services.BillingStepError):
        services.confirm_statement(statement, world.merchant_owner)
    with pytest.raises(PermissionDenied):
        services.answer_dispute(dispute, world.merchant_owner, "自己答复")

    services.answer_dispute(dispute, world.agency_lead, "合同第 2 条按 GMV 计提,不扣退款")
    confirmed = services.confirm_statement(statement, world.merchant_owner)
    assert confirmed.state == StatementState.CONFIRMED
    with pytest.raises(services.BillingStepError):
        services.dispute_line(line, world.merchant_owner, "还是不对")
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"statement_line_disputed", "statement_dispute_answered", "statement_confirmed"} <= actions

    # A correction is a new statement that references the confirmed one, which stays as it was.
    correction = _draft(world)
    statement.refresh_from_db()
    assert correction.number == 2 and correction.corrects == statement
    assert statement.state == StatementState.CONFIRMED


def test_the_agency_cannot_confirm_or_dispute(world: World) -> None:
    signed_contract(world)
    load_october(world)
    statement = _draft(world)
    with pytest.raises(PermissionDenied):
        services.confirm_statement(statement, world.agency_lead)
    with pytest.raises(PermissionDenied):
        services.dispute_line(statement.lines.get(position=1), world.agency_lead, "x")


def test_a_redraft_supersedes_an_unconfirmed_statement(world: World) -> None:
    signed_contract(world)
    load_october(world)
    first = _draft(world)
    second = _draft(world)
    first.refresh_from_db()
    assert first.state == StatementState.SUPERSEDED and second.corrects == first
    with pytest.raises(services.BillingStepError):
        services.confirm_statement(first, world.merchant_owner)


def test_late_payment_of_the_previous_statement_is_charged_on_the_next(world: World) -> None:
    version = signed_contract(world)
    load_october(world)
    september = Statement.objects.create(
        engagement=world.engagement,
        month="2026-09",
        contract_version=version,
        state=StatementState.CONFIRMED,
        service_fee=Decimal("10000.00"),
        pass_through=Decimal("0.00"),
        total_due=Decimal("10000.00"),
        due_on=dt.date(2026, 10, 10),
        paid_on=dt.date(2026, 10, 20),
    )
    statement = _draft(world)
    line = statement.lines.get(clause="late_payment")
    # 0.05% × 10,000 × (10 − 3) days = 35.00
    assert line.amount == Decimal("35.00")
    assert str(september.pk) in statement.sources["unpaid_previous"]


def test_forecast_projects_the_month_from_month_to_date(world: World) -> None:
    signed_contract(world)
    load_october(world)
    result = services.forecast(world.engagement, world.merchant_owner, dt.date(2026, 10, 10))
    # Ten days of ¥10,000.01 paced over 31 days: ¥310,000.31.
    assert result.month_to_date.gmv == Decimal("100000.10")
    # 8,000 + 500.02 commission + 15,500 ad spend
    assert result.statement.as_json()["total_due"] == "24000.02"
    assert not Statement.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_confirm_and_dispute_at_once_one_of_them_wins(world: World) -> None:
    """王老板 confirms while 小李 disputes a line: the row lock lets exactly one of them through."""
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the lock matters on PostgreSQL (make pytest-postgres)")
    signed_contract(world)
    load_october(world)
    statement = _draft(world)
    line = statement.lines.get(position=1)
    outcomes: list[str] = []
    start = threading.Barrier(2)

    def act(step: Callable[[], object], name: str) -> None:
        try:
            start.wait()
            step()
            outcomes.append(name)
        except services.BillingStepError:
            outcomes.append("refused")
        finally:
            connection.close()  # each thread has its own connection; leave none open

    threads = [
        threading.Thread(
            target=act,
            args=(lambda: services.confirm_statement(statement, world.merchant_owner), "confirmed"),
        ),
        threading.Thread(
            target=act,
            args=(lambda: services.dispute_line(line, world.merchant_staff, "金额不对"), "disputed"),
        ),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    statement.refresh_from_db()
    assert sorted(outcomes) in (["confirmed", "refused"], ["disputed", "refused"])
    if "confirmed" in outcomes:
        assert statement.state == StatementState.CONFIRMED and not statement.open_disputes().exists()
    else:
        assert statement.state == StatementState.DISPUTED


def test_a_confirm_from_a_stale_page_sees_the_dispute_raised_meanwhile(world: World) -> None:
    """王老板 opened the statement before 小李 disputed a line; his confirm reads the row afresh."""
    signed_contract(world)
    load_october(world)
    statement = _draft(world)
    stale = Statement.objects.get(pk=statement.pk)
    services.dispute_line(statement.lines.get(position=1), world.merchant_staff, "基础服务费应按试用期计")
    assert stale.state == StatementState.DRAFT  # what the owner's page still shows
    with pytest.raises(services.BillingStepError):
        services.confirm_statement(stale, world.merchant_owner)
