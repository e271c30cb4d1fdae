"""The engagement list, an engagement's duties (its first tab) and moving it to the next phase."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from steward.accounts.access import get_engagement_for, visible_engagement_ids
from steward.accounts.api_auth import current_person
from steward.accounts.models import Person
from steward.approvals.models import OPEN_STATES, ApprovalRequest
from steward.duties.services import BoardFilter, board
from steward.engagements.models import Engagement, Phase, RequestState, SupportRequest
from steward.engagements.services import advance_phase
from steward.web.forms import PhaseForm
from steward.web.views.board import duty_table
from steward.web.views.shell import shell
from steward.web.views.steps import attempt


def _per_engagement(rows: object) -> dict[int, int]:
    return {row["engagement_id"]: row["n"] for row in rows}  # type: ignore[attr-defined]


@require_safe
@login_required
def engagement_list(request: HttpRequest) -> HttpResponse:
    person = current_person(request)
    engagements = sorted(
        Engagement.objects.visible_to(person).select_related("merchant", "agency").prefetch_related("shops"),
        # Running engagements first; closed ones stay at the bottom for reference.
        key=lambda e: (e.phase == Phase.CLOSED, e.name),
    )
    visible = visible_engagement_ids(person)
    # One grouped count each, whatever the number of engagements.
    overdue = _per_engagement(
        board(person, which=BoardFilter.OVERDUE).order_by().values("engagement_id").annotate(n=Count("pk"))
    )
    requests = _per_engagement(
        SupportRequest.objects.filter(engagement_id__in=visible)
        .exclude(state=RequestState.RESOLVED)
        .order_by()
        .values("engagement_id")
        .annotate(n=Count("pk"))
    )
    approvals = _per_engagement(
        ApprovalRequest.objects.filter(engagement_id__in=visible, state__in=OPEN_STATES)
        .order_by()
        .values("engagement_id")
        .annotate(n=Count("pk"))
    )
    lines = [
        {
            "engagement": e,
            "overdue": overdue.get(e.pk, 0),
            "requests": requests.get(e.pk, 0),
            "approvals": approvals.get(e.pk, 0),
        }
        for e in engagements
    ]
    return render(request, "web/engagement_list.html", {"section": "engagements", "lines": lines})


def _duties_tab(
    request: HttpRequest, person: Person, engagement: Engagement, *, refused: str = "", status: int = 200
) -> HttpResponse:
    context = shell(person, engagement, "duties")
    context.update(duty_table(request, person, engagement))
    context["refused"] = refused
    return render(request, "web/engagement_duties.html", context, status=status)


@require_safe
@login_required
def engagement_detail(request: HttpRequest, engagement_id: int) -> HttpResponse:
    person = current_person(request)
    return _duties_tab(request, person, get_engagement_for(person, engagement_id))


@require_POST
@login_required
def engagement_phase(request: HttpRequest, engagement_id: int) -> HttpResponse:
    person = current_person(request)
    engagement = get_engagement_for(person, engagement_id)
    form = PhaseForm(request.POST)
    if not form.is_valid():
        return _duties_tab(request, person, engagement, refused=_("请选择要进入的阶段。"), status=400)
    target = form.cleaned_data["target"]
    done = attempt(lambda: advance_phase(engagement, person, target))
    if not done.ok:
        # The gate's reason (an unsigned hand-over, an open checklist) is the message.
        return _duties_tab(request, person, engagement, refused=done.refused, status=done.status)
    label = Phase(target).label if target in Phase.values else target
    messages.success(request, _("合作已进入“%(phase)s”阶段。") % {"phase": label})
    return redirect("web:engagement_detail", engagement_id=engagement.pk)
