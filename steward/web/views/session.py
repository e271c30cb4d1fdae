"""Logging in and out."""

from __future__ import annotations

import math

from django.conf import settings
from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from steward.accounts.services import LoginThrottled, log_in
from steward.web.forms import LoginForm


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_page(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return HttpResponseRedirect(_next_url(request))
    form = LoginForm(request.POST or None)
    context = {"form": form, "error": "", "next": _next_url(request)}
    if request.method == "POST" and form.is_valid():
        try:
            person = log_in(request, form.cleaned_data["username"], form.cleaned_data["password"])
        except LoginThrottled as throttled:
            minutes = max(1, math.ceil(throttled.retry_after / 60))
            context["error"] = ngettext(
                "登录失败次数过多，请 %(minutes)d 分钟后再试。",
                "登录失败次数过多，请 %(minutes)d 分钟后再试。",
                minutes,
            ) % {"minutes": minutes}
            response = render(request, "login.html", context, status=429)
            response["Retry-After"] = str(throttled.retry_after)
            return response
        if person is not None:
            login(request, person)
            return HttpResponseRedirect(_next_url(request))
        context["error"] = _("用户名或密码不正确。")
    return render(request, "login.html", context)


@require_POST
def logout_page(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)
