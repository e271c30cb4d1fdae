"""沟通请求: requests raised between the parties, their response clocks and SLA attainment."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from steward.accounts.access import get_engagement_for
from steward.accounts.api_auth import current_person
from steward.accounts.models import Person
from steward.duties.models import Party
from steward.duties.services import current_calendar
from steward.engagements import requests as support
from steward.engagements.models import Engagement, RequestState, RequestTier, SupportRequest
from steward.engagements.sla import TIERS
from steward.web.forms import AnswerForm, RaiseRequestForm, ReasonForm
from steward.web.views.shell import shell
from steward.web.views.steps import ClockView, attempt, clock_view, duration, get_visible
from steward.web.views.wording import role_label


@dataclass(frozen=True)
class RequestRow:
    request: SupportRequest
    response: ClockView | None
    resolve: ClockView | None
    responder: str  # the role expected to answer now (it moves up on a breach)
    breaches: int
    moves: frozenset[str] = field(default_factory=frozenset)  # the buttons this person sees
    answer_form: AnswerForm | None = None
    pause_form: ReasonForm | None = None
    open_form: str = ""  # the form to show unfolded: the one that just failed

    @property
    def urgency(self) -> tuple[int, int]:
        """Breached first, then the least time left; paused and settled clocks last."""
        clocks = [c for c in (self.response, self.resolve) if c is not None]
        if any(c.tone == "late" for c in clocks):
            return (0, 0)
        running = [c.due_at.timestamp() for c in clocks if c.due_at is not None]
        return (1, int(min(running))) if running else (2, 0)


def request_rows(
    requests: Iterable[SupportRequest], now: dt.datetime, *, urgent_first: bool = False
) -> list[RequestRow]:
    calendar = current_calendar()  # read once for every clock on the page
    rows = []
    for item in requests:
        clocks = support.current_clocks(item, now, calendar)
        working = TIERS[item.tier].working_hours_only
        rows.append(
            RequestRow(
                request=item,
                response=clock_view(clocks.response, working_time=working),
                resolve=clock_view(clocks.resolve),
                responder=role_label(item.responder_role),
                breaches=item.breaches.count(),
            )
        )
    if urgent_first:
        rows.sort(key=lambda row: row.urgency)
    return rows


def _tab(
    request: HttpRequest,
    person: Person,
    engagement: Engagement,
    *,
    raise_form: RaiseRequestForm | None = None,
    bound: dict[str, Any] | None = None,
    refused: str = "",
    status: int = 200,
) -> HttpResponse:
    requests = sorted(
        engagement.requests.select_related("engagement", "raised_by", "answered_by").prefetch_related(
            "pauses"
        ),
        # Still open first (newest on top), then the settled ones for the record.
        key=lambda r: (r.state == RequestState.RESOLVED, -r.raised_at.timestamp()),
    )
    context = shell(person, engagement, "requests")
    side = context["side"]
    bound = bound or {}
    rows = []
    for row in request_rows(requests, timezone.now()):
        pk = row.request.pk
        answer = bound.get(f"answer-{pk}")
        pause = bound.get(f"pause-{pk}")
        rows.append(
            replace(
                row,
                moves=my_moves(side, row.request),
                answer_form=answer or AnswerForm(auto_id=f"answer{pk}_%s"),
                pause_form=pause or ReasonForm(auto_id=f"pause{pk}_%s"),
                open_form="answer" if answer else "pause" if pause else "",
            )
        )
    context.update(
        rows=rows,
        attainment=[
            (Party(a.party).label, RequestTier(a.tier).label, a)
            for a in support.sla_attainment(engagement.requests.all())
        ],
        # The agreed limits, read from the SLA rules so the legend never disagrees with the clocks.
        limits=[
            (
                RequestTier(tier).label,
                duration(rule.response_seconds),
                duration(rule.resolve_seconds) if rule.resolve_seconds else "",
                rule.working_hours_only,
            )
            for tier, rule in TIERS.items()
        ],
        raise_form=raise_form or RaiseRequestForm(),
        refused=refused,
    )
    return render(request, "web/engagement_requests.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def requests_tab(request: HttpRequest, engagement_id: int) -> HttpResponse:
    person = current_person(request)
    engagement = get_engagement_for(person, engagement_id)
    if request.method != "POST":
        return _tab(request, person, engagement)
    form = RaiseRequestForm(request.POST)
    if not form.is_valid():
        return _tab(request, person, engagement, raise_form=form, status=400)
    data = form.cleaned_data
    done = attempt(
        lambda: support.raise_request(engagement, person, data["tier"], data["title"], data["body"]), form
    )
    if not done.ok:
        return _tab(request, person, engagement, raise_form=form, refused=done.refused, status=done.status)
    messages.success(request, _("请求已提出，对方的响应时限从现在开始计算。"))
    return redirect("web:engagement_requests", engagement_id=engagement.pk)


# Each action: the form that carries its text (if any) and the step it calls.
ACTIONS = ("answer", "pause", "resume", "resolve")


@require_POST
@login_required
def request_act(request: HttpRequest, request_id: int, action: str) -> HttpResponse:
    person = current_person(request)
    found = get_visible(SupportRequest.objects.select_related("engagement"), person, request_id)
    engagement = found.engagement
    if action not in ACTIONS:
        raise Http404("action")
    form: AnswerForm | ReasonForm | None = None
    if action == "answer":
        form = AnswerForm(request.POST, auto_id=f"answer{found.pk}_%s")
    elif action == "pause":
        form = ReasonForm(request.POST, auto_id=f"pause{found.pk}_%s")
    if form is not None and not form.is_valid():
        return _tab(request, person, engagement, bound={f"{action}-{found.pk}": form}, status=400)

    def step() -> SupportRequest:
        if action == "answer":
            return support.answer_request(found, person, form.cleaned_data["text"])  # type: ignore[union-attr]
        if action == "pause":
            return support.pause_request(found, person, form.cleaned_data["reason"])  # type: ignore[union-attr]
        if action == "resume":
            return support.resume_request(found, person)
        return support.resolve_request(found, person)

    done = attempt(step, form)
    if not done.ok:
        bound = {f"{action}-{found.pk}": form} if form is not None else {}
        return _tab(request, person, engagement, bound=bound, refused=done.refused, status=done.status)
    messages.success(
        request,
        {
            "answer": _("已答复。"),
            "pause": _("已暂停计时，等待对方补充。"),
            "resume": _("已恢复计时。"),
            "resolve": _("请求已标记为解决。"),
        }[action],
    )
    return redirect(reverse("web:engagement_requests", args=[engagement.pk]) + f"#request-{found.pk}")


def my_moves(side: Party | None, item: SupportRequest) -> frozenset[str]:
    """Which buttons to show; the request steps themselves decide whether they are allowed."""
    state = item.state
    moves = set()
    if side == item.responder_party and state == RequestState.OPEN:
        moves.add("answer")
    if side == item.responder_party and state in {RequestState.OPEN, RequestState.ANSWERED}:
        moves.add("pause")
    if side is not None and state == RequestState.WAITING:
        moves.add("resume")
    if side is not None and state != RequestState.RESOLVED:
        moves.add("resolve")
    return frozenset(moves)
