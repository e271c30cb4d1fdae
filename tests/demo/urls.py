"""Just the login route, so the logins test does not depend on every view importing cleanly."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def _login(request: HttpRequest) -> HttpResponse:
    return HttpResponse()


urlpatterns = [path("", include(([path("login/", _login, name="login")], "web")))]
