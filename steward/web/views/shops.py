"""The shop list and a shop's page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from steward.accounts.access import can_import, get_shop_for, visible_engagement_ids
from steward.accounts.api_auth import current_person
from steward.shops.models import ImportBatch, Shop
from steward.web.charts import shop_chart
from steward.web.shop_numbers import PERIOD_DAYS, shop_lines, shop_overview


@require_safe
@login_required
def home(request: HttpRequest) -> HttpResponse:
    return redirect("web:shop_list")


@require_safe
@login_required
def shop_list(request: HttpRequest) -> HttpResponse:
    shops = list(Shop.objects.visible_to(current_person(request)).select_related("merchant"))
    lines = shop_lines(shops, today=timezone.localdate())
    return render(
        request,
        "web/shop_list.html",
        {"section": "shops", "lines": lines, "period_days": PERIOD_DAYS},
    )


@require_safe
@login_required
def shop_detail(request: HttpRequest, shop_id: int) -> HttpResponse:
    person = current_person(request)
    shop = get_shop_for(person, pk=shop_id)
    overview = shop_overview(shop, today=timezone.localdate())
    engagements = shop.engagements.filter(pk__in=visible_engagement_ids(person)).select_related("agency")
    return render(
        request,
        "web/shop_detail.html",
        {
            "section": "shops",
            "shop": shop,
            "overview": overview,
            "chart": shop_chart(overview.series) if overview.has_data else None,
            "engagements": list(engagements),
            "may_import": can_import(person, shop),
            "recent_imports": ImportBatch.objects.filter(shop=shop).select_related("actor")[:5],
            "period_days": PERIOD_DAYS,
        },
    )
