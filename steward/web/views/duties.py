"""One duty: every field, its acceptance bar (with the measured figure), its evidence, and the
steps the person may take (hand in, accept, reject or cancel with a reason)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from steward.accounts.api_auth import current_person
from steward.accounts.models import Person
from steward.duties.models import ACTIVE_STATES, Duty, DutyState, Evidence, Metric
from steward.duties.services import accept_duty, add_evidence, cancel_duty, party_of, reject_duty, submit_duty
from steward.engagements.models import Deliverable
from steward.web.forms import EvidenceForm, ReasonForm
from steward.web.views.steps import attempt, get_visible

# How each metric's figures read: money in yuan, ratios as percentages.
METRIC_UNITS = {
    Metric.GMV: "money",
    Metric.AOV: "money",
    Metric.AD_SPEND: "money",
    Metric.CONVERSION: "ratio",
    Metric.REFUND_RATE: "ratio",
    Metric.CTR: "ratio",
    Metric.ROI: "multiple",
    Metric.VISITORS: "count",
    Metric.FIRST_RESPONSE_S: "seconds",
}

ACTIONS = ("submit", "accept", "reject", "cancel")


def _duty_for(person: Person, duty_id: int) -> Duty:
    queryset = Duty.objects.select_related(
        "engagement__merchant", "engagement__agency", "lead_person", "shop", "decided_by"
    )
    return get_visible(queryset, person, duty_id)


def _moves(duty: Duty, side: str | None) -> set[str]:
    """The buttons to show. Whose move it is comes from the duty itself; the steps still check."""
    if side is None:
        return set()
    moves = set()
    waiting = duty.waiting_on()
    if waiting == side and duty.state in ACTIVE_STATES:
        moves.add("submit")
    if waiting == side and duty.state == DutyState.SUBMITTED:
        moves.update({"accept", "reject"})
    if duty.state not in {DutyState.ACCEPTED, DutyState.CANCELLED}:
        moves.add("cancel")
    return moves


def _page(
    request: HttpRequest,
    person: Person,
    duty: Duty,
    *,
    evidence_form: EvidenceForm | None = None,
    bound: dict[str, Any] | None = None,
    refused: str = "",
    status: int = 200,
) -> HttpResponse:
    side = party_of(person, duty.engagement)
    window = duty.measure_window() if duty.is_measurable else None
    context = {
        "section": "board",
        "duty": duty,
        "engagement": duty.engagement,
        "side": side,
        "waiting_on": duty.waiting_on(),
        "late_days": duty.late_days_as_of(timezone.localdate()),
        "moves": _moves(duty, side),
        "window": window,
        "unit": METRIC_UNITS.get(Metric(duty.metric)) if duty.is_measurable else None,
        "evidence": [(e, _basename(e)) for e in duty.evidence.select_related("added_by")],
        "deliverables": Deliverable.objects.filter(duty=duty),
        "evidence_form": evidence_form or EvidenceForm(),
        "reject_form": (bound or {}).get("reject") or ReasonForm(),
        "cancel_form": (bound or {}).get("cancel") or ReasonForm(),
        "open_form": next(iter(bound or {}), ""),
        "refused": refused,
    }
    return render(request, "web/duty_detail.html", context, status=status)


@require_safe
@login_required
def duty_detail(request: HttpRequest, duty_id: int) -> HttpResponse:
    person = current_person(request)
    return _page(request, person, _duty_for(person, duty_id))


@require_POST
@login_required
def duty_act(request: HttpRequest, duty_id: int, action: str) -> HttpResponse:
    person = current_person(request)
    duty = _duty_for(person, duty_id)
    if action not in ACTIONS:
        raise Http404("action")
    form = ReasonForm(request.POST) if action in {"reject", "cancel"} else None
    bound = {action: form} if form is not None else {}
    if form is not None and not form.is_valid():
        return _page(request, person, duty, bound=bound, status=400)

    def step() -> Duty:
        if action == "submit":
            return submit_duty(duty, person)
        if action == "accept":
            return accept_duty(duty, person)
        reason = form.cleaned_data["reason"] if form is not None else ""
        if action == "reject":
            return reject_duty(duty, person, reason)
        return cancel_duty(duty, person, reason)

    done = attempt(step, form)
    if not done.ok:
        return _page(request, person, duty, bound=bound, refused=done.refused, status=done.status)
    messages.success(
        request,
        {
            "submit": _("已提交，等待对方验收。"),
            "accept": _("已验收。"),
            "reject": _("已退回，负责方会看到你写的理由。"),
            "cancel": _("事项已取消。"),
        }[action],
    )
    return redirect("web:duty_detail", duty_id=duty.pk)


@require_http_methods(["POST"])
@login_required
def duty_evidence(request: HttpRequest, duty_id: int) -> HttpResponse:
    person = current_person(request)
    duty = _duty_for(person, duty_id)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, person, duty, evidence_form=form, status=400)
    data = form.cleaned_data
    done = attempt(
        lambda: add_evidence(duty, person, note=data["note"], url=data["url"], upload=data["file"]), form
    )
    if not done.ok:
        return _page(request, person, duty, evidence_form=form, refused=done.refused, status=done.status)
    messages.success(request, _("已添加凭证。"))
    return redirect(reverse("web:duty_detail", args=[duty.pk]) + "#evidence")


@require_safe
@login_required
def evidence_file(request: HttpRequest, evidence_id: int) -> FileResponse:
    """An evidence file, served only to the parties of its duty's engagement."""
    person = current_person(request)
    item = get_visible(
        Evidence.objects.select_related("duty"), person, evidence_id, through="duty__engagement_id"
    )
    if not item.file:
        raise Http404("file")
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=_basename(item))


def _basename(item: Evidence) -> str:
    return (item.file.name or "").rsplit("/", 1)[-1] if item.file else ""
