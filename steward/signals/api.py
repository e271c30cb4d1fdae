"""Signals over the API (mounted at /api/v1/signals): alerts, one episode with its figures, the
engagement's rules, a preview on history, silences. Every lookup goes through the access rule,
so an outsider gets 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema

from steward.accounts.access import get_engagement_for, get_shop_for, visible_engagement_ids
from steward.accounts.api_auth import current_person
from steward.signals import services
from steward.signals.models import AlertEpisode, Silence
from steward.signals.rules import Rule, RuleError

router = Router(tags=["signals"])


class EpisodeOut(Schema):
    id: int
    engagement_id: int
    shop: str
    rule: str
    rule_name_zh: str
    rule_name_en: str
    subject: str | None
    severity: str
    state: str
    start: dt.date
    fired: dt.date | None
    end: dt.date
    value: str | None
    figures: dict[str, Any]
    suppressed: str
    silenced: bool
    recommendation: str
    duty_id: int | None
    duty_state: str | None
    approval_id: int | None


def _episode_out(episode: AlertEpisode) -> EpisodeOut:
    return EpisodeOut(
        id=episode.pk,
        engagement_id=episode.engagement_id,
        shop=episode.shop.code,
        rule=episode.rule,
        rule_name_zh=episode.rule_name_zh,
        rule_name_en=episode.rule_name_en,
        subject=episode.subject or None,
        severity=episode.severity,
        state=episode.state,
        start=episode.start,
        fired=episode.fired,
        end=episode.end,
        value=episode.figures.get("value"),
        figures=episode.figures,
        suppressed=episode.suppressed,
        silenced=episode.silenced,
        recommendation=episode.recommendation,
        duty_id=episode.duty_id,
        duty_state=episode.duty.state if episode.duty is not None else None,
        approval_id=episode.approval_id,
    )


class AlertFilter(Schema):
    shop: str | None = None  # shop code
    state: str | None = None  # pending, firing, resolved
    rule: str | None = None


def visible_episodes(request: HttpRequest) -> Any:
    return AlertEpisode.objects.filter(engagement_id__in=visible_engagement_ids(current_person(request)))


@router.get("/engagements/{engagement_id}/alerts", response=list[EpisodeOut])
def engagement_alerts(
    request: HttpRequest, engagement_id: int, filters: Query[AlertFilter]
) -> list[EpisodeOut]:
    engagement = get_engagement_for(current_person(request), engagement_id)
    episodes = AlertEpisode.objects.filter(engagement=engagement).select_related("shop", "duty")
    if filters.shop:
        episodes = episodes.filter(shop__code=filters.shop)
    if filters.state:
        episodes = episodes.filter(state=filters.state)
    if filters.rule:
        episodes = episodes.filter(rule=filters.rule)
    return [_episode_out(e) for e in episodes]


@router.get("/shops/{shop_id}/alerts", response=list[EpisodeOut])
def shop_alerts(request: HttpRequest, shop_id: int) -> list[EpisodeOut]:
    shop = get_shop_for(current_person(request), pk=shop_id)
    episodes = visible_episodes(request).filter(shop=shop).select_related("shop", "duty")
    return [_episode_out(e) for e in episodes]


@router.get("/episodes/{episode_id}", response=EpisodeOut)
def episode_detail(request: HttpRequest, episode_id: int) -> EpisodeOut:
    episode = visible_episodes(request).select_related("shop", "duty").filter(pk=episode_id).first()
    if episode is None:
        raise Http404("episode")
    return _episode_out(episode)


class RuleOut(Schema):
    id: str
    name_zh: str
    name_en: str
    scope: str
    role: str | None
    condition: str
    window: str
    guard: str
    severity: str
    cooldown_days: int
    enabled: bool
    custom: bool
    params: dict[str, str | None]
    overrides: dict[str, Any]


class RulesOut(Schema):
    rules: list[RuleOut]
    custom_rules: str
    can_edit: bool


def _rule_out(rule: Rule, config: Any, custom: set[str]) -> RuleOut:
    return RuleOut(
        id=rule.id,
        name_zh=rule.name_zh,
        name_en=rule.name_en,
        scope=rule.scope.value,
        role=rule.role,
        condition=" and ".join(c.text() for c in rule.conditions),
        window=rule.window.text(),
        guard=" and ".join(g.text() for g in rule.guards),
        severity=rule.severity.value,
        cooldown_days=rule.cooldown_days,
        enabled=rule.id not in set(config.disabled),
        custom=rule.id in custom,
        params={k: (str(v) if v is not None else None) for k, v in rule.params.items()},
        overrides=(config.overrides or {}).get(rule.id, {}),
    )


def rules_of(engagement: Any, person: Any) -> RulesOut:
    config = services.config_for(engagement)
    rules = config.all_rules()
    from steward.signals.defaults import DEFAULT_RULE_IDS

    custom = {r.id for r in rules if r.id not in DEFAULT_RULE_IDS}
    return RulesOut(
        rules=[_rule_out(r, config, custom) for r in rules],
        custom_rules=config.custom_rules,
        can_edit=services.can_configure(person, engagement),
    )


@router.get("/engagements/{engagement_id}/rules", response=RulesOut)
def engagement_rules(request: HttpRequest, engagement_id: int) -> RulesOut:
    person = current_person(request)
    return rules_of(get_engagement_for(person, engagement_id), person)


class RulesIn(Schema):
    disabled: list[str] | None = None
    overrides: dict[str, dict[str, Any]] | None = None
    custom_rules: str | None = None


@router.put("/engagements/{engagement_id}/rules", response=RulesOut)
def change_rules(request: HttpRequest, engagement_id: int, payload: RulesIn) -> RulesOut:
    person = current_person(request)
    engagement = get_engagement_for(person, engagement_id)
    services.update_config(
        engagement,
        person,
        disabled=payload.disabled,
        overrides=payload.overrides,
        custom_rules=payload.custom_rules,
    )
    return rules_of(engagement, person)


class PreviewIn(Schema):
    rule: str | None = None  # the id of a rule of the engagement's pack
    text: str | None = None  # or one rule in the rule language (YAML)
    days: int = 90


class FiringOut(Schema):
    shop: str
    subject: str | None
    start: dt.date
    fired: dt.date
    end: dt.date
    value: str | None


class PreviewOut(Schema):
    rule: str
    days: int
    count: int
    text_zh: str
    text_en: str
    firings: list[FiringOut]


@router.post("/engagements/{engagement_id}/preview", response=PreviewOut)
def preview(request: HttpRequest, engagement_id: int, payload: PreviewIn) -> PreviewOut:
    engagement = get_engagement_for(current_person(request), engagement_id)
    try:
        if payload.text:
            rule = services.parse_one_rule(payload.text)
        else:
            by_id = {r.id: r for r in services.config_for(engagement).all_rules()}
            if payload.rule not in by_id:
                raise RuleError(str(payload.rule), "rule", "no such rule in this engagement's pack")
            rule = by_id[payload.rule]
    except RuleError as exc:
        raise ValidationError({"text" if payload.text else "rule": str(exc)}) from None
    if not 1 <= payload.days <= 366:
        raise ValidationError({"days": "between 1 and 366"})
    result = services.preview_rule(engagement, rule, payload.days)
    return PreviewOut(
        rule=result.rule,
        days=result.days,
        count=len(result.firings),
        text_zh=result.text_zh,
        text_en=result.text_en,
        firings=[FiringOut(**f.__dict__) for f in result.firings],
    )


class SilenceOut(Schema):
    id: int
    shop: str
    rule: str
    subject: str | None
    until: dt.date
    reason: str
    author: str
    created_at: dt.datetime


class SilenceIn(Schema):
    shop: str
    rule: str
    subject: str | None = None
    until: dt.date
    reason: str


def _silence_out(silence: Silence) -> SilenceOut:
    return SilenceOut(
        id=silence.pk,
        shop=silence.shop.code,
        rule=silence.rule,
        subject=silence.subject or None,
        until=silence.until,
        reason=silence.reason,
        author=str(silence.author),
        created_at=silence.created_at,
    )


@router.get("/engagements/{engagement_id}/silences", response=list[SilenceOut])
def silences(request: HttpRequest, engagement_id: int) -> list[SilenceOut]:
    engagement = get_engagement_for(current_person(request), engagement_id)
    return [
        _silence_out(s)
        for s in Silence.objects.filter(engagement=engagement).select_related("shop", "author")
    ]


@router.post("/engagements/{engagement_id}/silences", response={201: SilenceOut})
def add_silence(request: HttpRequest, engagement_id: int, payload: SilenceIn) -> tuple[int, SilenceOut]:
    person = current_person(request)
    engagement = get_engagement_for(person, engagement_id)
    shop = get_shop_for(person, code=payload.shop)
    silence = services.add_silence(
        engagement, person, shop, payload.rule, payload.subject or "", payload.until, payload.reason
    )
    return 201, _silence_out(silence)
