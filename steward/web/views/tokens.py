"""Personal API tokens: list, create (the key is shown once), revoke."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from steward.accounts.api_auth import current_person
from steward.accounts.services import issue_token, revoke_token
from steward.web.forms import TokenForm


@never_cache  # the page that shows a new key must not be kept by the browser or a proxy
@require_http_methods(["GET", "POST"])
@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    person = current_person(request)
    form = TokenForm(request.POST or None)
    new_key = ""
    new_token = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            new_token, new_key = issue_token(person, form.cleaned_data["name"].strip())
            form = TokenForm()
        else:
            status = 400
    active = person.api_tokens.filter(revoked_at=None).order_by("-created_at")
    return render(
        request,
        "web/tokens.html",
        {"section": "tokens", "form": form, "tokens": active, "new_key": new_key, "new_token": new_token},
        status=status,
    )


@require_POST
@login_required
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    if not revoke_token(current_person(request), token_id):
        # Someone else's token, or one already revoked: both look the same from outside.
        raise Http404("token")
    messages.success(request, _("令牌已撤销，使用它的程序将无法再访问。"))
    return redirect("web:tokens")
