"""Pieces of the page shell that need a little Python: who is logged in, and the chart script."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from steward.accounts.models import Membership
from steward.web.views.assets import plotly_version

register = template.Library()


@register.simple_tag
def memberships_of(user: Any) -> list[Membership]:
    """The organisations (and roles) a person belongs to, for the top bar."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        Membership.objects.filter(person=user).select_related("organisation").order_by("organisation__name")
    )


@register.simple_tag
def plotly_script() -> SafeString:
    # The version in the address lets browsers keep the 4.8 MB file for a year and still
    # pick up a new one the day the plotly package is upgraded.
    return format_html('<script src="{}?v={}" defer></script>', reverse("web:plotly_js"), plotly_version())
