"""The diagnosis page of a shop and its exports. Access goes through ``get_shop_for``."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from steward.accounts.access import get_shop_for
from steward.accounts.api_auth import current_person
from steward.diagnosis.exports import FORMATS
from steward.diagnosis.figures import bridge_figure, complaints_figure, trend_figure
from steward.diagnosis.services import diagnosis_of
from steward.documents.pdf import NoChineseFont


@require_safe
@login_required
def diagnosis_detail(request: HttpRequest, shop_id: int) -> HttpResponse:
    shop = get_shop_for(current_person(request), pk=shop_id)
    diagnosis = diagnosis_of(shop)
    figures = {}
    if diagnosis.has_data:
        figures = {
            "trend": trend_figure(diagnosis),
            "bridge": bridge_figure(diagnosis),
            "complaints": complaints_figure(diagnosis),
        }
    return render(
        request,
        "diagnosis/detail.html",
        {"section": "shops", "shop": shop, "diagnosis": diagnosis, "figures": figures},
    )


@require_safe
@login_required
def diagnosis_export(request: HttpRequest, shop_id: int, fmt: str) -> HttpResponse:
    shop = get_shop_for(current_person(request), pk=shop_id)
    if fmt not in FORMATS:
        raise Http404("format")
    diagnosis = diagnosis_of(shop)
    if not diagnosis.has_data:
        raise Http404("no data")
    content_type, extension, render_file = FORMATS[fmt]
    try:
        body = render_file(diagnosis)
    except NoChineseFont as exc:
        # Better no PDF than one with boxes for every Chinese character.
        return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    response = HttpResponse(body, content_type=content_type)
    filename = f"diagnosis-{shop.code}-{diagnosis.window_end:%Y%m%d}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
