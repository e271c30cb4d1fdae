"""The notifications router on an API of its own, at the path the lead mounts it on."""

from __future__ import annotations

from django.urls import path
from ninja import NinjaAPI
from ninja.security import django_auth

from steward.accounts.api_auth import TokenAuth
from steward.notifications.api import router

api = NinjaAPI(urls_namespace="test-notifications", auth=[TokenAuth(), django_auth])
api.add_router("/notifications", router)

urlpatterns = [path("api/v1/", api.urls)]
