"""Pages for the contract and the monthly statements (mounted at /billing/).

Thin: look up through `get_engagement_for` (404 for outsiders), call one service step, show its
refusal as a message. The statement page lets a merchant check every line against its figures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from steward.accounts.access import get_engagement_for, side_in
from steward.accounts.api_auth import current_person
from steward.billing import exports, services
from steward.billing.contract import Month, render_contract
from steward.billing.models import LineDispute, Statement
from steward.steps import StepNotAllowed


def _attempt(request: HttpRequest, step: Callable[[], Any]) -> bool:
    """Run a step; a refusal becomes a message on the page instead of an error page."""
    try:
        step()
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
        return False
    except (StepNotAllowed, PermissionDenied) as error:
        messages.error(request, str(error) or "not allowed")
        return False
    return True


def _posted_id(request: HttpRequest, name: str) -> int:
    """A posted row id; anything that is not a number matches no row (and so gives 404)."""
    text = request.POST.get(name, "")
    return int(text) if text.isdigit() else 0


def _statement(request: HttpRequest, statement_id: int) -> Statement:
    statement = (
        Statement.objects.select_related("engagement", "contract_version").filter(pk=statement_id).first()
    )
    if statement is None:
        raise Http404("statement")
    get_engagement_for(current_person(request), statement.engagement_id)
    return statement


@login_required
@require_safe
def contract_page(request: HttpRequest, engagement_id: int) -> HttpResponse:
    person = current_person(request)
    engagement = get_engagement_for(person, engagement_id)
    deliverable = services.contract_deliverable(engagement)
    versions = []
    if deliverable:
        for version in deliverable.versions.prefetch_related("signatures__person").order_by("-number"):
            check = services.check_of_version(version)
            versions.append(
                {
                    "version": version,
                    "source": (version.content or {}).get("source", ""),
                    "text": render_contract(check.contract, "zh") if check.contract else "",
                    "text_en": render_contract(check.contract, "en") if check.contract else "",
                    "warnings": [str(w) for w in check.warnings],
                    "may_sign": version.status == "awaiting"
                    and deliverable.signers.filter(pk=person.pk).exists()
                    and not version.signatures.filter(person=person).exists(),
                }
            )
    return render(
        request,
        "billing/contract.html",
        {"engagement": engagement, "versions": versions, "side": side_in(person, engagement)},
    )


@login_required
@require_POST
def contract_submit(request: HttpRequest, engagement_id: int) -> HttpResponse:
    person = current_person(request)
    engagement = get_engagement_for(person, engagement_id)
    source = request.POST.get("source", "")
    if _attempt(
        request, lambda: services.submit_contract(engagement, person, source, request.POST.get("note", ""))
    ):
        messages.success(request, "合同新版本已保存,等待双方签字")
    return redirect("billing:contract", engagement_id=engagement.pk)


@login_required
@require_POST
def contract_decide(request: HttpRequest, engagement_id: int, number: int) -> HttpResponse:
    person = current_person(request)
    engagement = get_engagement_for(person, engagement_id)
    deliverable = services.contract_deliverable(engagement)
    version = deliverable.versions.filter(number=number).first() if deliverable else None
    if version is None:
        raise Http404("contract version")
    sign = request.POST.get("decision") == "sign"
    _attempt(
        request,
        lambda: services.sign_contract(
            version,
            person,
            sign=sign,
            reason=request.POST.get("reason", ""),
            ip=request.META.get("REMOTE_ADDR"),
        ),
    )
    return redirect("billing:contract", engagement_id=engagement.pk)


@login_required
@require_safe
def statement_list(request: HttpRequest, engagement_id: int) -> HttpResponse:
    person = current_person(request)
    engagement = get_engagement_for(person, engagement_id)
    statements = engagement.statements.order_by("-month", "-number")
    today = timezone.localdate()
    through_text = request.GET.get("through", "")
    forecast = None
    if through_text:
        try:
            through = dt.date.fromisoformat(through_text)
        except ValueError:
            messages.error(request, "日期格式应为 YYYY-MM-DD")
        else:
            holder: dict[str, services.Forecast] = {}

            def run() -> None:
                holder["f"] = services.forecast(
                    engagement,
                    person,
                    through,
                    profit=services.read_amount(request.GET.get("profit"), "profit", allow_negative=True),
                    target=services.read_amount(request.GET.get("target"), "target"),
                )

            if _attempt(request, run):
                forecast = holder["f"]
    return render(
        request,
        "billing/statements.html",
        {
            "engagement": engagement,
            "statements": statements,
            "side": side_in(person, engagement),
            "last_month": str(Month.of(today).shifted(-1)),
            "today": today,
            "forecast": forecast,
            "forecast_lines": [
                {"line": line, "formula": line.formula.zh, "description": line.description.zh}
                for line in (forecast.statement.lines if forecast else ())
            ],
        },
    )


@login_required
@require_POST
def statement_draft(request: HttpRequest, engagement_id: int) -> HttpResponse:
    person = current_person(request)
    engagement = get_engagement_for(person, engagement_id)
    made: dict[str, Statement] = {}

    def run() -> None:
        try:
            month = Month.parse(request.POST.get("month", ""))
        except ValueError as error:
            raise ValidationError({"month": str(error)}) from None
        made["s"] = services.draft_statement(
            engagement,
            person,
            month,
            profit=services.read_amount(request.POST.get("profit"), "profit", allow_negative=True),
            target=services.read_amount(request.POST.get("target"), "target"),
        )

    if _attempt(request, run):
        return redirect("billing:statement", statement_id=made["s"].pk)
    return redirect("billing:statements", engagement_id=engagement.pk)


@login_required
@require_safe
def statement_page(request: HttpRequest, statement_id: int) -> HttpResponse:
    statement = _statement(request, statement_id)
    person = current_person(request)
    context = exports.statement_context(statement)
    context["side"] = side_in(person, statement.engagement)
    return render(request, "billing/statement.html", context)


@login_required
@require_POST
def statement_act(request: HttpRequest, statement_id: int, action: str) -> HttpResponse:
    statement = _statement(request, statement_id)
    person = current_person(request)
    if action == "confirm":
        _attempt(request, lambda: services.confirm_statement(statement, person))
    elif action == "dispute":
        line = statement.lines.filter(pk=_posted_id(request, "line")).first()
        if line is None:
            raise Http404("line")
        _attempt(request, lambda: services.dispute_line(line, person, request.POST.get("reason", "")))
    elif action == "answer":
        dispute = LineDispute.objects.filter(
            pk=_posted_id(request, "dispute"), line__statement=statement
        ).first()
        if dispute is None:
            raise Http404("dispute")
        _attempt(request, lambda: services.answer_dispute(dispute, person, request.POST.get("answer", "")))
    else:
        raise Http404("action")
    return redirect("billing:statement", statement_id=statement.pk)


@login_required
@require_safe
def statement_pdf(request: HttpRequest, statement_id: int) -> HttpResponse:
    return exports.pdf_response(_statement(request, statement_id))


@login_required
@require_safe
def statement_xlsx(request: HttpRequest, statement_id: int) -> HttpResponse:
    return exports.xlsx_response(_statement(request, statement_id))
