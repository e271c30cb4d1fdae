"""工作台: every duty, open request and approval waiting, across the engagements a person sees.

This is what an agency lead opens every morning across many shops; a merchant sees only theirs.
The filters are the duty service's own (``BoardFilter``); this module only lays them out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from steward.accounts.access import visible_engagement_ids
from steward.accounts.api_auth import current_person
from steward.accounts.models import Person
from steward.duties.models import Duty, Party
from steward.duties.services import BoardFilter, board
from steward.engagements.models import Engagement, RequestState, SupportRequest
from steward.shops.models import Shop
from steward.web.views.approvals import inbox_lines
from steward.web.views.support import request_rows

PER_PAGE = 50

TABS = (
    (BoardFilter.OVERDUE, _("已逾期")),
    (BoardFilter.DUE_THIS_WEEK, _("本周到期")),
    (BoardFilter.WAITING_ON_MERCHANT, _("等待商家")),
    (BoardFilter.WAITING_ON_AGENCY, _("等待托管方")),
    (BoardFilter.ALL, _("全部")),
)
ORDERS = ("due", "engagement")


@dataclass(frozen=True)
class DutyRow:
    duty: Duty
    waiting_on: Party | None
    late_days: int
    shops: list[Shop]
    new_group: bool  # the first row of its engagement when the board is grouped


def duty_table(request: HttpRequest, person: Person, engagement: Engagement | None = None) -> dict[str, Any]:
    """The filter tabs with their counts and one page of duties, for the board or one engagement."""
    today = timezone.localdate()
    counts = {
        which: board(person, engagement=engagement, which=which, today=today).count() for which, _l in TABS
    }
    which = request.GET.get("filter", "")
    if which not in counts:
        # Late work first; when nothing is late, this week's work; when the week is empty too
        # (an engagement not yet started), everything in date order.
        which = next(
            (key for key in (BoardFilter.OVERDUE, BoardFilter.DUE_THIS_WEEK) if counts[key]), BoardFilter.ALL
        )
    order = request.GET.get("order", "due")
    if order not in ORDERS or engagement is not None:
        order = "due"
    duties = board(person, engagement=engagement, which=which, today=today)
    if order == "engagement":
        duties = duties.order_by("engagement__name", "engagement_id", "due_at", "pk")
    page = Paginator(duties, PER_PAGE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    shops = _shops_of({d.engagement_id for d in shown})
    rows = []
    previous = None
    for duty in shown:
        rows.append(
            DutyRow(
                duty=duty,
                waiting_on=duty.waiting_on(),
                late_days=duty.late_days_as_of(today),
                shops=shops.get(duty.engagement_id, []),
                new_group=order == "engagement" and duty.engagement_id != previous,
            )
        )
        previous = duty.engagement_id
    return {
        "tabs": [(key, label, counts[key]) for key, label in TABS],
        "filter": which,
        "order": order,
        "rows": rows,
        "page": page,
        "today": today,
    }


def _shops_of(engagement_ids: set[int]) -> dict[int, list[Shop]]:
    """The shops of the engagements on one page, in one query whatever the number of duties."""
    found: dict[int, list[Shop]] = {}
    links = Engagement.shops.through.objects.filter(engagement_id__in=engagement_ids).select_related("shop")
    for link in links.order_by("shop__name"):
        found.setdefault(link.engagement_id, []).append(link.shop)
    return found


@require_safe
@login_required
def board_page(request: HttpRequest) -> HttpResponse:
    person = current_person(request)
    open_requests = (
        SupportRequest.objects.filter(engagement_id__in=visible_engagement_ids(person))
        .exclude(state=RequestState.RESOLVED)
        .select_related("engagement", "raised_by")
        .prefetch_related("pauses")
    )
    context = duty_table(request, person)
    context.update(
        section="board",
        requests=request_rows(open_requests, timezone.now(), urgent_first=True),
        approvals=inbox_lines(person),
        now=timezone.now(),
        week_start=context["today"] - dt.timedelta(days=context["today"].weekday()),
    )
    return render(request, "web/board.html", context)
