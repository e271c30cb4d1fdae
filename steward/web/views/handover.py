"""交接与终止: the hand-over and termination checklists and the access registry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from steward.accounts.access import get_engagement_for
from steward.accounts.api_auth import current_person
from steward.accounts.models import Person
from steward.duties.models import Party
from steward.engagements.models import AccessGrant, ChecklistItem, ChecklistKind, Engagement
from steward.engagements.services import (
    complete_checklist_item,
    grant_access,
    late_revocation_days,
    revoke_access,
)
from steward.web.forms import AccessGrantForm, TickForm
from steward.web.views.shell import shell
from steward.web.views.steps import attempt, get_visible


@dataclass(frozen=True)
class ItemRow:
    item: ChecklistItem
    ticked_by: Party  # the party whose word the item needs
    may_tick: bool
    tick_form: TickForm | None = None
    past_due: bool = False  # not done and its date has gone by


@dataclass(frozen=True)
class GrantRow:
    grant: AccessGrant
    late_days: int


def _holders(engagement: Engagement) -> QuerySet[Person]:
    """Who can hold an account: the people of the agency."""
    return Person.objects.filter(memberships__organisation_id=engagement.agency_id).order_by("display_name")


def _tab(
    request: HttpRequest,
    person: Person,
    engagement: Engagement,
    *,
    grant_form: AccessGrantForm | None = None,
    bound: dict[str, Any] | None = None,
    refused: str = "",
    status: int = 200,
) -> HttpResponse:
    context = shell(person, engagement, "handover")
    side = context["side"]
    bound = bound or {}
    lists: dict[str, list[ItemRow]] = {ChecklistKind.HANDOVER: [], ChecklistKind.TERMINATION: []}
    today = timezone.localdate()
    for item in engagement.checklist.select_related("done_by"):
        # Items that protect the merchant need the merchant's own tick, whoever did the work.
        ticked_by = Party.MERCHANT if item.needs_merchant_confirmation else Party(item.owner_party)
        form = bound.get(f"tick-{item.pk}") or TickForm(auto_id=f"item{item.pk}_%s")
        past_due = not item.is_done and item.due_on is not None and item.due_on < today
        lists[item.checklist].append(
            ItemRow(item, ticked_by, not item.is_done and side == ticked_by, form, past_due)
        )
    grants = engagement.access_grants.select_related("holder", "granted_by", "revoked_by")
    context.update(
        checklists=[
            (ChecklistKind.HANDOVER.label, lists[ChecklistKind.HANDOVER]),
            (ChecklistKind.TERMINATION.label, lists[ChecklistKind.TERMINATION]),
        ],
        grants=[GrantRow(g, late_revocation_days(g, today)) for g in grants],
        grant_form=grant_form or AccessGrantForm(holders=_holders(engagement)),
        refused=refused,
        today=today,
    )
    return render(request, "web/engagement_handover.html", context, status=status)


@require_safe
@login_required
def handover_tab(request: HttpRequest, engagement_id: int) -> HttpResponse:
    person = current_person(request)
    return _tab(request, person, get_engagement_for(person, engagement_id))


def _back(engagement_id: int, anchor: str) -> HttpResponse:
    return redirect(reverse("web:engagement_handover", args=[engagement_id]) + f"#{anchor}")


@require_POST
@login_required
def checklist_tick(request: HttpRequest, item_id: int) -> HttpResponse:
    person = current_person(request)
    item = get_visible(ChecklistItem.objects.select_related("engagement"), person, item_id)
    form = TickForm(request.POST, auto_id=f"item{item.pk}_%s")
    key = f"tick-{item.pk}"
    if not form.is_valid():
        return _tab(request, person, item.engagement, bound={key: form}, status=400)
    done = attempt(lambda: complete_checklist_item(item, person, form.cleaned_data["note"]), form)
    if not done.ok:
        return _tab(
            request, person, item.engagement, bound={key: form}, refused=done.refused, status=done.status
        )
    messages.success(request, _("已完成：%(label)s") % {"label": item.label})
    return _back(item.engagement_id, f"item-{item.pk}")


@require_POST
@login_required
def access_grant(request: HttpRequest, engagement_id: int) -> HttpResponse:
    person = current_person(request)
    engagement = get_engagement_for(person, engagement_id)
    form = AccessGrantForm(request.POST, holders=_holders(engagement))
    if not form.is_valid():
        return _tab(request, person, engagement, grant_form=form, status=400)
    data = form.cleaned_data
    done = attempt(
        lambda: grant_access(
            engagement,
            person,
            system=data["system"],
            account=data["account"],
            permissions=data["permissions"],
            holder=data["holder"],
        ),
        form,
    )
    if not done.ok:
        return _tab(request, person, engagement, grant_form=form, refused=done.refused, status=done.status)
    messages.success(request, _("已登记账号 %(account)s。") % {"account": data["account"]})
    return _back(engagement.pk, "access")


@require_POST
@login_required
def access_revoke(request: HttpRequest, grant_id: int) -> HttpResponse:
    person = current_person(request)
    grant = get_visible(AccessGrant.objects.select_related("engagement"), person, grant_id)
    done = attempt(lambda: revoke_access(grant, person))
    if not done.ok:
        return _tab(request, person, grant.engagement, refused=done.refused, status=done.status)
    messages.success(request, _("已收回账号 %(account)s。") % {"account": grant.account})
    return _back(grant.engagement_id, "access")
