"""Signal pages: an engagement's alerts, one episode with its figures, the rules (with
overrides and a preview on history) and the silences. Lookups go through the access rule, so
an outsider gets 404; changes go through the services, which check who may make them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from steward.accounts.access import get_engagement_for, get_shop_for, visible_engagement_ids
from steward.accounts.api_auth import current_person
from steward.signals import services
from steward.signals.api import rules_of
from steward.signals.models import AlertEpisode, EpisodeState, Silence
from steward.signals.rules import RuleError


def _problems(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{field}: {m}" for field, errors in exc.message_dict.items() for m in errors)
    return "; ".join(exc.messages)


@login_required
@require_safe
def alerts(request: HttpRequest, engagement_id: int) -> HttpResponse:
    engagement = get_engagement_for(current_person(request), engagement_id)
    episodes = (
        AlertEpisode.objects.filter(engagement=engagement, fired__isnull=False)
        .select_related("shop", "duty")
        .order_by("-fired", "rule")
    )
    shop = request.GET.get("shop")
    if shop:
        episodes = episodes.filter(shop__code=shop)
    rows = list(episodes)
    return render(
        request,
        "signals/alerts.html",
        {
            "engagement": engagement,
            "open": [e for e in rows if e.state != EpisodeState.RESOLVED],
            "resolved": [e for e in rows if e.state == EpisodeState.RESOLVED],
            "pending": AlertEpisode.objects.filter(
                engagement=engagement, state=EpisodeState.PENDING
            ).select_related("shop"),
            "shops": engagement.shops.order_by("code"),
            "shop": shop,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def episode(request: HttpRequest, episode_id: int) -> HttpResponse:
    person = current_person(request)
    found = (
        AlertEpisode.objects.filter(engagement_id__in=visible_engagement_ids(person), pk=episode_id)
        .select_related("shop", "duty", "engagement", "approval")
        .first()
    )
    if found is None:
        raise Http404("episode")
    if request.method == "POST":
        try:
            until = dt.date.fromisoformat(request.POST.get("until", ""))
            services.add_silence(
                found.engagement,
                person,
                found.shop,
                found.rule,
                found.subject,
                until,
                request.POST.get("reason", ""),
            )
            messages.success(request, "已静默 Silenced")
        except ValueError:
            messages.error(request, "until: YYYY-MM-DD")
        except ValidationError as exc:
            messages.error(request, _problems(exc))
        return redirect("signals:episode", episode_id=found.pk)
    return render(
        request,
        "signals/episode.html",
        {"episode": found, "figures": sorted((found.figures.get("numbers") or {}).items())},
    )


@login_required
@require_http_methods(["GET", "POST"])
def rules(request: HttpRequest, engagement_id: int) -> HttpResponse:
    person = current_person(request)
    engagement = get_engagement_for(person, engagement_id)
    preview: Any = None
    if request.method == "POST":
        action = request.POST.get("action", "save")
        config = services.config_for(engagement)
        if action == "preview":
            try:
                text = request.POST.get("text", "").strip()
                by_id = {r.id: r for r in config.all_rules()}
                rule = services.parse_one_rule(text) if text else by_id.get(request.POST.get("rule", ""))
                if rule is None:
                    raise RuleError(request.POST.get("rule", ""), "rule", "no such rule")
                preview = services.preview_rule(engagement, rule, 90)
            except RuleError as exc:
                messages.error(request, str(exc))
        else:
            all_rules = config.all_rules()
            overrides: dict[str, dict[str, Any]] = {}
            for rule in all_rules:
                for name in rule.params:
                    value = request.POST.get(f"param:{rule.id}:{name}", "").strip()
                    if value:
                        overrides.setdefault(rule.id, {})[name] = value
            disabled = [r.id for r in all_rules if not request.POST.get(f"enabled:{r.id}")]
            try:
                services.update_config(
                    engagement,
                    person,
                    disabled=disabled,
                    overrides=overrides,
                    custom_rules=request.POST.get("custom_rules", config.custom_rules),
                )
                messages.success(request, "规则已保存 Rules saved")
                return redirect("signals:rules", engagement_id=engagement.pk)
            except PermissionDenied as exc:
                raise exc
            except ValidationError as exc:
                messages.error(request, _problems(exc))
    return render(
        request,
        "signals/rules.html",
        {"engagement": engagement, "pack": rules_of(engagement, person), "preview": preview},
    )


@login_required
@require_http_methods(["GET", "POST"])
def silences(request: HttpRequest, engagement_id: int) -> HttpResponse:
    person = current_person(request)
    engagement = get_engagement_for(person, engagement_id)
    if request.method == "POST":
        try:
            shop = get_shop_for(person, code=request.POST.get("shop", ""))
            services.add_silence(
                engagement,
                person,
                shop,
                request.POST.get("rule", ""),
                request.POST.get("subject", "").strip(),
                dt.date.fromisoformat(request.POST.get("until", "")),
                request.POST.get("reason", ""),
            )
            messages.success(request, "已静默 Silenced")
            return redirect("signals:silences", engagement_id=engagement.pk)
        except ValueError:
            messages.error(request, "until: YYYY-MM-DD")
        except ValidationError as exc:
            messages.error(request, _problems(exc))
    return render(
        request,
        "signals/silences.html",
        {
            "engagement": engagement,
            "silences": Silence.objects.filter(engagement=engagement).select_related("shop", "author"),
            "shops": engagement.shops.order_by("code"),
            "rules": services.config_for(engagement).all_rules(),
        },
    )
