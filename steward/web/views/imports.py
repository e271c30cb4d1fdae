"""Loading a platform export into a shop: choose the shop, upload, see what happened."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from steward.accounts.access import can_import, get_shop_for
from steward.accounts.api_auth import current_person
from steward.shops.importing import ImportRejected, run_import
from steward.shops.models import ImportBatch, ImportKind, Shop
from steward.web.forms import ImportForm


def importer_language() -> str:
    """The importer speaks "zh" or "en"; pages speak "zh-hans" or "en"."""
    return "en" if (get_language() or "").startswith("en") else "zh"


@require_safe
@login_required
def import_start(request: HttpRequest) -> HttpResponse:
    person = current_person(request)
    shops = [
        shop
        for shop in Shop.objects.visible_to(person).select_related("merchant")
        if can_import(person, shop)
    ]
    if len(shops) == 1:
        return redirect("web:shop_import", shop_id=shops[0].pk)
    return render(request, "web/import_start.html", {"section": "import", "shops": shops})


@require_http_methods(["GET", "POST"])
@login_required
def shop_import(request: HttpRequest, shop_id: int) -> HttpResponse:
    person = current_person(request)
    shop = get_shop_for(person, pk=shop_id)
    if not can_import(person, shop):
        raise PermissionDenied(
            _("只有商家成员和负责这家店铺的托管负责人、主管、运营和推广专员可以导入数据。")
        )
    form = ImportForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"section": "import", "shop": shop, "form": form}
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            lang = importer_language()
            context["upload_name"] = upload.name
            context["upload_kind"] = ImportKind(form.cleaned_data["kind"]).label
            try:
                outcome = run_import(
                    shop=shop,
                    kind=form.cleaned_data["kind"],
                    data=upload.read(),
                    filename=upload.name or "upload",
                    actor=person,
                    dry_run=form.cleaned_data["dry_run"],
                )
            except ImportRejected as rejected:
                context["rejected"] = rejected
                # Row and column get their own table cells, so only the reason is taken in words.
                # The importer lists at most its first problems; ``total`` counts them all.
                context["problems"] = [
                    {"row": p.row, "column": p.column, "reason": p.reason if lang == "en" else p.reason_zh}
                    for p in rejected.problems
                ]
                # A file the server read but could not accept: the status says so to scripts too.
                status = 422
            else:
                if not outcome.dry_run:
                    # Redirect after a write, so reloading the page cannot import the file twice.
                    # One message: the headline and its per-date-range lines belong together.
                    lines = [line.strip() for line in outcome.summary_lines(lang)]
                    messages.success(request, "\n".join(lines), extra_tags="summary")
                    return redirect("web:shop_import", shop_id=shop.pk)
                context["outcome"] = outcome
                context["summary"] = outcome.summary_lines(lang)
        else:
            status = 400
    context["recent_imports"] = ImportBatch.objects.filter(shop=shop).select_related("actor")[:20]
    return render(request, "web/shop_import.html", context, status=status)
