"""Signals in the app: evaluate a shop after each import and act on what fires.

The evaluator is the backtest's own (``evaluate.py``, ``daily.py``). This module reads a shop's
numbers from the database into its frames, carries each run's state from one evaluated day to
the next (``CarriedRun``), stores episodes, and carries out a firing's actions once: a duty, a
notice, an approval request, a recommendation to pause.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

import polars as pl
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from steward.accounts.models import Membership, Person, Role
from steward.audit.services import record, record_create, snapshot
from steward.engagements.models import Engagement
from steward.shops.models import CampaignDaily, ImportBatch, Review, Shop, ShopDaily, Sku, SkuDaily
from steward.signals.daily import RUN_COLUMNS, SignalState, advance, event_records, state_from_history
from steward.signals.episodes import (
    COOLDOWN,
    Event,
    EventKind,
    apply_silences,
    episode_records,
    in_cooldown,
    shown_value,
)
from steward.signals.episodes import Silence as SilenceRule
from steward.signals.evaluate import ShopParams, backtest, day_rows, needed_columns, skip_reason
from steward.signals.frames import CAMPAIGN_DAILY, SHOP_DAILY, SKU_DAILY, MetricFrames
from steward.signals.metrics import Scope
from steward.signals.models import (
    AlertEpisode,
    CarriedRun,
    EpisodeState,
    ShopEvaluation,
    SignalConfig,
    Silence,
)
from steward.signals.rules import ActionKind, DeadlineMode, Rule, RuleError

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
# A first evaluation reads the whole history; firings that ended longer ago than this are kept
# as resolved episodes but open no duty (nobody can act on a stock-out from last spring).
ACT_ON_HISTORY_DAYS = 60
# Who may change an engagement's rules: the agency's lead and supervisors, the merchant's owner.
CONFIG_AGENCY_ROLES = frozenset({Role.AGENCY_LEAD, Role.AGENCY_SUPERVISOR})
CONFIG_MERCHANT_ROLES = frozenset({Role.MERCHANT_OWNER})


# --- the engagement's rules ---------------------------------------------------------------------


def config_for(engagement: Engagement) -> SignalConfig:
    config, _ = SignalConfig.objects.get_or_create(engagement=engagement)
    return config


def engagement_of(shop: Shop) -> Engagement | None:
    """The engagement whose rules watch ``shop``: its latest one (a shop changes agency rarely)."""
    return shop.engagements.order_by("-starts_on", "-pk").first()


def can_configure(person: Person, engagement: Engagement) -> bool:
    roles = set(
        Membership.objects.filter(person=person, organisation_id=engagement.agency_id).values_list(
            "role", flat=True
        )
    ) & set(CONFIG_AGENCY_ROLES)
    roles |= set(
        Membership.objects.filter(person=person, organisation_id=engagement.merchant_id).values_list(
            "role", flat=True
        )
    ) & set(CONFIG_MERCHANT_ROLES)
    return bool(roles)


def update_config(
    engagement: Engagement,
    person: Person | None,
    *,
    disabled: Sequence[str] | None = None,
    overrides: dict[str, dict[str, Any]] | None = None,
    custom_rules: str | None = None,
) -> SignalConfig:
    """Change which rules are on, their thresholds, or the engagement's own rules.

    ``person`` None is the system (the demo); otherwise only the agency lead or supervisor or
    the merchant's owner may. Errors name the rule and the field."""
    if person is not None and not can_configure(person, engagement):
        raise PermissionDenied(
            "only the agency lead or supervisor, or the merchant owner, can change the rules"
        )
    with transaction.atomic():
        config = SignalConfig.objects.select_for_update().get(pk=config_for(engagement).pk)
        before = snapshot(config)
        if disabled is not None:
            config.disabled = sorted(set(disabled))
        if overrides is not None:
            config.overrides = {
                rule: {name: (str(value) if value is not None else None) for name, value in params.items()}
                for rule, params in overrides.items()
                if params
            }
        if custom_rules is not None:
            config.custom_rules = custom_rules
        config.full_clean()
        config.updated_by = person
        config.updated_at = timezone.now()
        config.save()
        after = snapshot(config)
        changed = sorted(k for k in after if before.get(k) != after[k] and k != "updated_at")
        record(
            "signals.rules_changed",
            actor=person,
            target=config,
            engagement_id=engagement.pk,
            summary="预警规则已修改",
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
        )
    return config


def rules_for(engagement: Engagement) -> list[Rule]:
    return config_for(engagement).live_rules()


def _fingerprint(rules: Sequence[Rule]) -> str:
    # Frozen dataclasses print deterministically: a changed threshold or rule gives a new print.
    return hashlib.sha256(repr(sorted(rules, key=lambda r: r.id)).encode()).hexdigest()


# --- reading numbers -----------------------------------------------------------------------------


def _rows(queryset: QuerySet[Any], columns: Sequence[str], schema: dict[str, Any]) -> pl.DataFrame:
    """Rows of ``queryset.values_list(*columns)`` as a frame, read with one cursor, no model
    instances: the daily step reads 100,000 rows and must stay well under a second."""
    sql, params = queryset.values_list(*columns).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    names = list(schema)
    dates = [n for n in names if schema[n] == pl.Date]
    # Some drivers hand dates back as text (SQLite without type detection), others as dates.
    textual = {n for n in dates if rows and isinstance(rows[0][names.index(n)], str)}
    frame = pl.DataFrame(
        rows, schema={n: (pl.String if n in textual else schema[n]) for n in names}, orient="row"
    )
    return frame.with_columns(pl.col(n).str.to_date() for n in textual) if textual else frame


def _dated(queryset: QuerySet[Any], first: dt.date | None, last: dt.date | None) -> QuerySet[Any]:
    if first is not None:
        queryset = queryset.filter(date__gte=first)
    if last is not None:
        queryset = queryset.filter(date__lte=last)
    return queryset.order_by()


def shop_frames(
    shop: Shop, *, first: dt.date | None = None, last: dt.date | None = None, products: bool = True
) -> MetricFrames:
    """The shop's numbers as the evaluator's frames, keyed by shop code, campaign name and SKU
    code, the same keys as a data folder: the backtest and the app see the same subjects."""
    return frames_of([shop], first=first, last=last, products=products)


def frames_of(
    shops: Sequence[Shop], *, first: dt.date | None = None, last: dt.date | None = None, products: bool = True
) -> MetricFrames:
    """Several shops' numbers in one set of frames (one query per kind of export)."""
    ids = [shop.pk for shop in shops]
    shop_daily = _rows(
        _dated(ShopDaily.objects.filter(shop_id__in=ids), first, last),
        ["shop__code", "date", *SHOP_DAILY],
        {"shop": pl.String, "date": pl.Date, **dict.fromkeys(SHOP_DAILY, pl.Int64)},
    )
    campaigns = _rows(
        _dated(CampaignDaily.objects.filter(shop_id__in=ids), first, last),
        ["shop__code", "campaign__name", "date", *CAMPAIGN_DAILY],
        {
            "shop": pl.String,
            "campaign": pl.String,
            "date": pl.Date,
            **dict.fromkeys(CAMPAIGN_DAILY, pl.Int64),
        },
    )
    skus = _rows(
        _dated(SkuDaily.objects.filter(shop_id__in=ids), first, last),
        ["shop__code", "sku__code", "date", *SKU_DAILY],
        {"shop": pl.String, "sku": pl.String, "date": pl.Date, **dict.fromkeys(SKU_DAILY, pl.Int64)},
    )
    reviews = _rows(
        _dated(Review.objects.filter(shop_id__in=ids), first, last),
        ["shop__code", "sku__code", "date", "is_bad"],
        {"shop": pl.String, "sku": pl.String, "date": pl.Date, "is_bad": pl.Boolean},
    )
    product_rows = _products(shops) if products else None
    return MetricFrames(
        shop_daily=shop_daily, campaigns=campaigns, skus=skus, reviews=reviews, products=product_rows
    )


def _products(shops: Sequence[Shop]) -> pl.DataFrame:
    return _rows(
        Sku.objects.filter(shop_id__in=[shop.pk for shop in shops]).order_by("shop_id", "code"),
        ["shop__code", "code", "role", "substitute__code"],
        {"shop": pl.String, "sku": pl.String, "role": pl.String, "substitute": pl.String},
    )


def latest_day(shop: Shop) -> dt.date | None:
    days = [
        model.objects.filter(shop=shop).aggregate(last=Max("date"))["last"]
        for model in (ShopDaily, CampaignDaily, SkuDaily, Review)
    ]
    found = [d for d in days if d is not None]
    return max(found) if found else None


# --- evaluation ----------------------------------------------------------------------------------


@dataclass
class Evaluation:
    """What one evaluation of a shop did."""

    shop: str
    through: dt.date | None
    from_history: bool = False
    days: int = 0
    fired: list[AlertEpisode] = field(default_factory=list)
    resolved: int = 0


def _subject(value: Any) -> str:
    return "" if value is None else str(value)


def _live(rules: Sequence[Rule]) -> list[Rule]:
    return [rule for rule in rules if skip_reason(rule) is None]


def evaluate_shop(
    shop: Shop, through: dt.date | None = None, *, now: dt.datetime | None = None
) -> Evaluation:
    """Evaluate ``shop`` up to ``through`` (default: its last imported day, never today, whose
    numbers are not settled) and act on what fired.

    Carries on from the day evaluated last time, one day at a time with the carried state;
    starts over from the history on the first run, when the rules changed, or when an import
    since then touched a day already evaluated. Either way an episode opens at most one duty."""
    now = now or timezone.now()
    today = now.astimezone(SHANGHAI).date()
    engagement = engagement_of(shop)
    last = latest_day(shop)
    if engagement is None or last is None:
        return Evaluation(shop.code, None)
    through = min(through or last, today - dt.timedelta(days=1))
    rules = rules_for(engagement)
    fingerprint = _fingerprint(rules)
    with transaction.atomic():
        # One evaluation of a shop at a time: two queued runs must not both open a duty.
        Shop.objects.select_for_update().filter(pk=shop.pk).first()
        progress = ShopEvaluation.objects.filter(shop=shop).first()
        if (
            progress is None
            or progress.fingerprint != fingerprint
            or through < progress.day
            or _history_changed(shop, progress)
        ):
            result = _from_history(shop, engagement, rules, through, now)
        else:
            result = _day_by_day(shop, engagement, rules, progress.day, through, now)
        ShopEvaluation.objects.update_or_create(
            shop=shop,
            defaults={
                "day": through,
                "fingerprint": fingerprint,
                "evaluated_at": now,
                "window_rows": _PENDING_WINDOWS.pop(shop.code, None),
            },
        )
    return result


def _base_pack(config: SignalConfig) -> list[Rule]:
    """The engagement's rules without its thresholds: shops whose packs differ only in
    thresholds are evaluated together, each with its own (the engine's per-shop overrides)."""
    return SignalConfig(disabled=config.disabled, overrides={}, custom_rules=config.custom_rules).live_rules()


def evaluate_shops(shops: Iterable[Shop], *, now: dt.datetime | None = None) -> list[Evaluation]:
    """Evaluate many shops after a day's imports: what ``evaluate_shop`` does for each, but the
    shops that only need the next day are stepped together — one read of the new day and the
    carried state for all of them, one engine step, one write of the state — so a day of
    100,000 rows costs one pass, not a thousand small ones. The others go one by one."""
    now = now or timezone.now()
    today = now.astimezone(SHANGHAI).date()
    shops = list(shops)
    ids = [shop.pk for shop in shops]
    engagement_by_shop: dict[int, Engagement] = {}
    links = (
        Engagement.shops.through.objects.filter(shop_id__in=ids)
        .select_related("engagement")
        .order_by("-engagement__starts_on", "-engagement_id")
    )
    for link in links:
        engagement_by_shop.setdefault(link.shop_id, link.engagement)
    configs = {
        c.engagement_id: c
        for c in SignalConfig.objects.filter(engagement_id__in={e.pk for e in engagement_by_shop.values()})
    }
    last: dict[int, dt.date] = {}
    for model in (ShopDaily, CampaignDaily, SkuDaily, Review):
        for shop_id, day in (
            model.objects.filter(shop_id__in=ids)
            .values("shop_id")
            .annotate(last=Max("date"))
            .values_list("shop_id", "last")
        ):
            last[shop_id] = max(day, last.get(shop_id, day))
    progress = {p.shop_id: p for p in ShopEvaluation.objects.filter(shop_id__in=ids)}
    changed: set[int] = set()
    since = min((p.evaluated_at for p in progress.values()), default=None)
    if since is not None:
        for shop_id, created_at, date_from in ImportBatch.objects.filter(
            shop_id__in=ids, created_at__gt=since
        ).values_list("shop_id", "created_at", "date_from"):
            mine = progress.get(shop_id)
            if mine and created_at > mine.evaluated_at and (date_from is None or date_from <= mine.day):
                changed.add(shop_id)
    results: list[Evaluation] = []
    alone: list[Shop] = []
    groups: dict[
        tuple[str, dt.date], list[tuple[Shop, Engagement, list[Rule], list[Rule], dict[str, Any]]]
    ] = {}
    for shop in shops:
        engagement = engagement_by_shop.get(shop.pk)
        latest = last.get(shop.pk)
        if engagement is None or latest is None:
            results.append(Evaluation(shop.code, None))
            continue
        config = configs.get(engagement.pk) or SignalConfig(engagement=engagement)
        rules = config.live_rules()
        through = min(latest, today - dt.timedelta(days=1))
        mine = progress.get(shop.pk)
        steady = mine is not None and mine.fingerprint == _fingerprint(rules) and shop.pk not in changed
        if steady and mine is not None and through == mine.day:
            results.append(Evaluation(shop.code, through))
        elif steady and mine is not None and through == mine.day + dt.timedelta(days=1):
            base = _base_pack(config)
            groups.setdefault((_fingerprint(base), mine.day), []).append(
                (shop, engagement, rules, base, config.overrides or {})
            )
        else:
            alone.append(shop)
    for (_, day), members in groups.items():
        results.extend(_step_together(members, day, now))
    results.extend(evaluate_shop(shop, now=now) for shop in alone)
    return results


def _step_together(
    members: list[tuple[Shop, Engagement, list[Rule], list[Rule], dict[str, Any]]],
    since: dt.date,
    now: dt.datetime,
) -> list[Evaluation]:
    day = since + dt.timedelta(days=1)
    shops = [member[0] for member in members]
    base = members[0][3]
    overrides = {shop.code: own for shop, _, _, _, own in members if own} or None
    results = []
    with transaction.atomic():
        list(Shop.objects.select_for_update().filter(pk__in=[shop.pk for shop in shops]))
        state = _carried_state(shops, base, since, overrides)
        rows = frames_of(shops, first=day, last=day, products=False)
        state, events = advance(state, base, day, rows, overrides=overrides)
        by_shop: dict[str, list[Event]] = {}
        for event in event_records(events, base):
            by_shop.setdefault(event.shop, []).append(event)
        for shop, engagement, rules, _, _ in members:
            result = Evaluation(shop.code, day, days=1)
            if shop.code in by_shop:
                _apply_events(
                    shop, engagement, {r.id: r for r in rules}, by_shop[shop.code], rows, now, result
                )
            results.append(result)
        _save_runs(shops, state)
        ShopEvaluation.objects.filter(shop_id__in=[shop.pk for shop in shops]).update(
            day=day, evaluated_at=now
        )
    return results


def _history_changed(shop: Shop, progress: ShopEvaluation) -> bool:
    """Whether an import since the last evaluation replaced numbers of a day it had evaluated."""
    return (
        ImportBatch.objects.filter(shop=shop, created_at__gt=progress.evaluated_at)
        .filter(Q(date_from__lte=progress.day) | Q(date_from__isnull=True))
        .exists()
    )


def _from_history(
    shop: Shop, engagement: Engagement, rules: list[Rule], through: dt.date, now: dt.datetime
) -> Evaluation:
    frames = shop_frames(shop, last=through)
    result = Evaluation(shop.code, through, from_history=True)
    found = backtest(rules, frames, last=through)
    state = state_from_history(rules, frames, through)
    by_id = {rule.id: rule for rule in rules}
    existing = list(AlertEpisode.objects.filter(shop=shop).select_for_update())
    matched: set[int] = set()
    for rule_id, frame in found.episodes.items():
        rule = by_id[rule_id]
        for episode in episode_records(rule, frame):
            subject = _subject(episode.subject)
            row = _overlapping(existing, rule_id, subject, episode.start, episode.end)
            state_now = EpisodeState.FIRING if episode.end == through else EpisodeState.RESOLVED
            values = {
                "start": episode.start,
                "fired": episode.fired,
                "end": episode.end,
                "state": state_now,
                "value_num": episode.value.numerator if episode.value is not None else None,
                "value_den": episode.value.denominator if episode.value is not None else None,
                "suppressed": episode.suppressed or "",
            }
            if row is None:
                row = _new_episode(engagement, shop, rule, subject, values, frames)
                existing.append(row)
                fresh = True
            else:
                fresh = row.fired is None
                for name, value in values.items():
                    setattr(row, name, value)
                row.updated_at = now
                row.save()
            matched.add(row.pk)
            if fresh and episode.end >= through - dt.timedelta(days=ACT_ON_HISTORY_DAYS):
                _fire(row, rule, now, result)
    # Streaks still short of their length are pending episodes.
    for rule_id, runs in state.runs.items():
        rule = by_id[rule_id]
        for run in runs.filter(pl.col("fired").is_null()).iter_rows(named=True):
            subject = _subject(run["subject"])
            row = _overlapping(existing, rule_id, subject, run["start"], through)
            values = {"start": run["start"], "fired": None, "end": through, "state": EpisodeState.PENDING}
            if row is None:
                row = _new_episode(engagement, shop, rule, subject, values, frames)
                existing.append(row)
            matched.add(row.pk)
    for row in existing:
        if row.pk in matched:
            continue
        if row.fired is None:
            row.delete()  # a pending streak the new numbers no longer show
        elif row.state != EpisodeState.RESOLVED:
            # The re-imported numbers no longer hold it; its duty stays as it is.
            row.state = EpisodeState.RESOLVED
            row.updated_at = now
            row.save(update_fields=["state", "updated_at"])
            result.resolved += 1
    _save_runs([shop], state)
    return result


def _overlapping(
    rows: Iterable[AlertEpisode], rule: str, subject: str, start: dt.date, end: dt.date
) -> AlertEpisode | None:
    """The stored episode of the same run: same rule and subject, days overlapping. A re-import
    that moves a run's first day must find the episode (and its duty), not make a second."""
    for row in rows:
        if row.pk and row.rule == rule and row.subject == subject and row.start <= end and row.end >= start:
            return row
    return None


def _new_episode(
    engagement: Engagement, shop: Shop, rule: Rule, subject: str, values: dict[str, Any], frames: MetricFrames
) -> AlertEpisode:
    row = AlertEpisode(
        engagement=engagement,
        shop=shop,
        rule=rule.id,
        rule_name_zh=rule.name_zh,
        rule_name_en=rule.name_en,
        subject=subject,
        severity=rule.severity.value,
        **values,
    )
    if row.fired is not None:
        row.figures = _figures(rule, row.value, frames, shop.code, subject, row.fired)
    row.save()
    return row


def _figures(
    rule: Rule, value: Fraction | None, frames: MetricFrames, shop: str, subject: str, day: dt.date
) -> dict[str, Any]:
    """The figures that fired an episode: the watched value, the condition with this
    engagement's thresholds, and the subject's own numbers of the day it fired."""
    shown = shown_value(rule, value)
    source, key = {
        Scope.CAMPAIGN: (frames.campaigns, "campaign"),
        Scope.SKU: (frames.skus, "sku"),
        Scope.SHOP: (frames.shop_daily, None),
    }[rule.scope]
    numbers: dict[str, Any] = {}
    if source is not None:
        picked = source.filter((pl.col("shop") == shop) & (pl.col("date") == day))
        if key is not None:
            picked = picked.filter(pl.col(key) == subject)
        if picked.height:
            numbers = {
                k: v
                for k, v in picked.row(0, named=True).items()
                if k not in {"shop", "date", key} and v is not None
            }
    if rule.scope is Scope.SHOP and frames.reviews is not None:
        numbers["bad_reviews"] = frames.reviews.filter((pl.col("date") == day) & pl.col("is_bad")).height
    return {
        "metric": rule.watched.name,
        "metric_zh": rule.watched.zh,
        "value": str(shown) if shown is not None else None,
        "condition": " and ".join(c.text() for c in rule.conditions),
        "guard": " and ".join(g.text() for g in rule.guards),
        "window": rule.window.text(),
        "params": {k: (str(v) if v is not None else None) for k, v in rule.params.items()},
        "day": day.isoformat(),
        "numbers": numbers,
    }


def _day_by_day(
    shop: Shop, engagement: Engagement, rules: list[Rule], since: dt.date, through: dt.date, now: dt.datetime
) -> Evaluation:
    result = Evaluation(shop.code, through)
    state = _carried_state([shop], rules, since)
    by_id = {rule.id: rule for rule in rules}
    day = since
    while day < through:
        day += dt.timedelta(days=1)
        rows = shop_frames(shop, first=day, last=day, products=False)
        state, events = advance(state, rules, day, rows)
        result.days += 1
        _apply_events(shop, engagement, by_id, event_records(events, rules), rows, now, result)
    _save_runs([shop], state)
    return result


# Window rows of the step just taken, by shop code, until its ShopEvaluation row is written.
_PENDING_WINDOWS: dict[str, bytes] = {}


def _carried_state(
    shops: Sequence[Shop], rules: list[Rule], day: dt.date, overrides: ShopParams | None = None
) -> SignalState:
    """The state the last evaluation left: its open runs from ``CarriedRun`` and the last few
    days of numbers that windowed rules read (never the whole history)."""
    live = [rule for rule in rules if skip_reason(rule, overrides) is None]
    history: dict[Scope, int] = {}
    for rule in live:
        history[rule.scope] = max(history.get(rule.scope, 1), rule.history_days())
    longest = max(history.values(), default=1)
    recent = _carried_windows(shops, day, set(history))
    products = None
    if recent is None:
        frames = frames_of(shops, first=day - dt.timedelta(days=longest - 2), last=day)
        columns = needed_columns(live)
        recent = {
            scope: day_rows(scope, frames, columns.get(scope, set()), in_order=False).filter(
                pl.col("date") > day - dt.timedelta(days=days - 1)
            )
            for scope, days in history.items()
        }
        products = frames.products
    else:
        products = _products(shops)
    stored = _rows(
        CarriedRun.objects.filter(shop_id__in=[shop.pk for shop in shops]).order_by(),
        ["rule", "shop__code", "subject", "start", "length", "fired", "value_num", "value_den"],
        {
            "rule": pl.String,
            "shop": pl.String,
            "subject": pl.String,
            "start": pl.Date,
            "length": pl.Int64,
            "fired": pl.Date,
            "value_num": pl.Int64,
            "value_den": pl.Int64,
        },
    )
    runs: dict[str, pl.DataFrame] = {}
    for rule in live:
        mine = stored.filter(pl.col("rule") == rule.id)
        if rule.scope is Scope.SHOP:
            mine = mine.with_columns(subject=pl.lit(None, pl.String))  # stored as "" for shop rules
        if mine.height:
            runs[rule.id] = mine.select(RUN_COLUMNS)
    return SignalState(day=day, runs=runs, recent=recent, products=products)


def _carried_windows(
    shops: Sequence[Shop], day: dt.date, scopes: set[Scope]
) -> dict[Scope, pl.DataFrame] | None:
    """The window rows the last step left (``ShopEvaluation.window_rows``), or None when a
    shop has none (then they are read from the database)."""
    blobs = list(
        ShopEvaluation.objects.filter(shop_id__in=[shop.pk for shop in shops], day=day).values_list(
            "window_rows", flat=True
        )
    )
    if len(blobs) != len(shops) or any(blob is None for blob in blobs):
        return None
    frames = [pl.read_ipc(io.BytesIO(bytes(blob))) for blob in blobs if blob is not None]
    every = pl.concat(frames, how="diagonal_relaxed") if frames else pl.DataFrame()
    found: dict[Scope, pl.DataFrame] = {}
    for scope in scopes:
        prefix = f"{scope.value}:"
        names = [c for c in every.columns if c.startswith(prefix)]
        if not names:
            return None
        found[scope] = (
            every.filter(pl.col("_scope") == scope.value)
            .select(names)
            .rename({c: c[len(prefix) :] for c in names})
        )
    return found


def _window_blobs(state: SignalState) -> dict[str, bytes]:
    """Per shop code, the state's window rows as one Arrow IPC file."""
    parts = [
        frame.rename({c: f"{scope.value}:{c}" for c in frame.columns}).with_columns(
            _scope=pl.lit(scope.value), _shop=pl.col(f"{scope.value}:shop")
        )
        for scope, frame in state.recent.items()
    ]
    if not parts:
        return {}
    every = pl.concat(parts, how="diagonal_relaxed")
    blobs: dict[str, bytes] = {}
    for (code,), mine in every.partition_by("_shop", as_dict=True).items():
        buffer = io.BytesIO()
        mine.drop("_shop").write_ipc(buffer)
        blobs[str(code)] = buffer.getvalue()
    return blobs


def _save_runs(shops: Sequence[Shop], state: SignalState) -> None:
    by_code = {shop.code: shop for shop in shops}
    _PENDING_WINDOWS.update(_window_blobs(state))
    CarriedRun.objects.filter(shop_id__in=[shop.pk for shop in shops]).delete()
    CarriedRun.objects.bulk_create(
        (
            CarriedRun(
                shop=by_code[row["shop"]],
                rule=row["rule"],
                subject=_subject(row["subject"]),
                start=row["start"],
                length=row["length"],
                fired=row["fired"],
                value_num=row["value_num"],
                value_den=row["value_den"],
            )
            for frame in state.runs.values()
            for row in frame.iter_rows(named=True)
        ),
        batch_size=5000,
    )


def _silences(shop: Shop) -> list[SilenceRule]:
    return [
        SilenceRule(
            rule=s.rule,
            shop=shop.code,
            subject=s.subject or None,
            until=s.until,
            author=str(s.author_id),
            reason=s.reason,
        )
        for s in Silence.objects.filter(shop=shop)
    ]


def _apply_events(
    shop: Shop,
    engagement: Engagement,
    rules: dict[str, Rule],
    events: list[Event],
    rows: MetricFrames,
    now: dt.datetime,
    result: Evaluation,
) -> None:
    for event in events:
        rule = rules[event.rule]
        subject = _subject(event.subject)
        key = {"shop": shop, "rule": event.rule, "subject": subject, "start": event.start}
        if event.kind is EventKind.OPENED and event.fired is None:
            AlertEpisode.objects.get_or_create(
                **key,
                defaults={
                    "engagement": engagement,
                    "rule_name_zh": rule.name_zh,
                    "rule_name_en": rule.name_en,
                    "severity": rule.severity.value,
                    "state": EpisodeState.PENDING,
                    "end": event.end,
                },
            )
        elif event.kind is EventKind.FIRED:
            row = AlertEpisode.objects.filter(**key).first()
            values = {
                "fired": event.fired,
                "end": event.end,
                "state": EpisodeState.FIRING,
                "value_num": event.value.numerator if event.value is not None else None,
                "value_den": event.value.denominator if event.value is not None else None,
                "suppressed": COOLDOWN if _cooled(shop, rule, subject, event) else "",
            }
            if row is None:  # a one-day rule fires the day it opens
                row = _new_episode(engagement, shop, rule, subject, {**values, "start": event.start}, rows)
            elif row.fired is None:
                for name, value in values.items():
                    setattr(row, name, value)
                row.figures = _figures(rule, event.value, rows, shop.code, subject, event.day)
                row.updated_at = now
                row.save()
            _fire(row, rule, now, result)
        elif event.kind is EventKind.CONTINUED:
            AlertEpisode.objects.filter(**key).update(end=event.end, updated_at=now)
        elif event.kind is EventKind.RESOLVED:
            if event.fired is None:
                AlertEpisode.objects.filter(**key, fired__isnull=True).delete()
            else:
                result.resolved += AlertEpisode.objects.filter(**key).update(
                    state=EpisodeState.RESOLVED, end=event.end, updated_at=now
                )


def _cooled(shop: Shop, rule: Rule, subject: str, event: Event) -> bool:
    """Whether the firing comes within the cooldown after the last firing that was kept."""
    if not rule.cooldown_days or event.fired is None:
        return False
    previous = (
        AlertEpisode.objects.filter(
            shop=shop, rule=rule.id, subject=subject, fired__isnull=False, suppressed=""
        )
        .exclude(start=event.start)
        .order_by("-end")
        .values_list("end", flat=True)
        .first()
    )
    return in_cooldown(previous, event.fired, rule.cooldown_days)


# --- acting on a firing --------------------------------------------------------------------------


def _fire(row: AlertEpisode, rule: Rule, now: dt.datetime, result: Evaluation) -> None:
    """Carry out the firing's actions once. The row lock and ``acted_at`` make a second
    evaluation of the same episode (a re-run, a re-import) find it done."""
    with transaction.atomic():
        episode = AlertEpisode.objects.select_for_update().select_related("engagement", "shop").get(pk=row.pk)
        if episode.fired is None or episode.acted_at is not None:
            return
        silenced = apply_silences(
            [
                Event(
                    rule=episode.rule,
                    shop=episode.shop.code,
                    subject=episode.subject or None,
                    day=episode.fired,
                    kind=EventKind.FIRED,
                    start=episode.start,
                    fired=episode.fired,
                    end=episode.end,
                    value=episode.value,
                )
            ],
            _silences(episode.shop),
        )[0].silenced
        episode.silenced = silenced
        episode.acted_at = now
        if episode.acts:
            for action in rule.actions:
                _act(episode, rule, action.kind, action, now)
            result.fired.append(episode)
        episode.save()
        record(
            "signals.fired",
            target=episode,
            engagement_id=episode.engagement_id,
            shop_id=episode.shop_id,
            summary=f"{rule.name_zh} {episode.subject}".strip(),
            after={
                "rule": rule.id,
                "subject": episode.subject,
                "fired": episode.fired,
                "figures": episode.figures,
                "silenced": episode.silenced,
                "suppressed": episode.suppressed,
                "duty": episode.duty_id,
            },
        )
    row.refresh_from_db()


def _title(episode: AlertEpisode, text: str) -> str:
    subject = f"「{episode.subject}」" if episode.subject else ""
    return f"{episode.rule_name_zh}{subject}：{text}"[:300]


def _act(episode: AlertEpisode, rule: Rule, kind: ActionKind, action: Any, now: dt.datetime) -> None:
    from steward.duties.models import CountMode, DutySource
    from steward.duties.services import DutySpec, open_duty
    from steward.notifications.services import notify, people_of

    engagement = episode.engagement
    link = f"/signals/episodes/{episode.pk}/"
    value = episode.figures.get("value")
    if kind is ActionKind.OPEN_DUTY:
        deadline = action.deadline
        mode = deadline.mode if deadline is not None else DeadlineMode.WORKING_DAYS
        owner = action.owner_role or Role.AGENCY_OPERATIONS
        bar: dict[str, Any] = {}
        if action.bar is not None:
            threshold = rule.threshold(action.bar.threshold)
            bar = {
                "metric": action.bar.metric,
                "comparator": action.bar.comparator.value,
                "threshold": Decimal(threshold.numerator) / Decimal(threshold.denominator)
                if threshold
                else None,
                "window_days": action.bar.days,
            }
        episode.duty = open_duty(
            engagement,
            DutySpec(
                title=_title(episode, action.title_zh),
                details=(
                    f"{episode.figures.get('condition', '')}（{episode.figures.get('window', '')}）："
                    f"{episode.fired} {episode.figures.get('metric_zh', '')} = {value}"
                ),
                owner_party="merchant" if owner.startswith("merchant") else "agency",
                lead_role=owner,
                # Hours run from the moment it fired; days from the day it was found.
                counted_from=now if mode is DeadlineMode.HOURS else now.astimezone(SHANGHAI).date(),
                count=deadline.count if deadline is not None else 1,
                count_mode=CountMode(mode.value),
                acceptance=action.acceptance_zh,
                source=DutySource.SIGNAL,
                source_ref=f"signal-episode:{episode.pk}",
                shop_id=episode.shop_id,
                **bar,
            ),
            None,
        )
    elif kind is ActionKind.NOTIFY:
        roles: set[str] = {Role.AGENCY_LEAD, Role.AGENCY_SUPERVISOR, Role.MERCHANT_OWNER}
        roles |= {a.owner_role for a in rule.actions if a.owner_role}
        notify(
            people_of(engagement, roles=roles),
            engagement=engagement,
            kind="signal_fired",
            severity=rule.severity.value,
            title_zh=_title(episode, f"{episode.figures.get('metric_zh', '')} {value}"),
            body_zh=f"{episode.shop.name} {episode.fired}：{episode.figures.get('condition', '')}",
            title_en=f"{rule.name_en} {episode.subject}".strip(),
            body_en=f"{episode.shop.code} {episode.fired}: {rule.watched.en} = {value}",
            link=link,
            now=now,
        )
    elif kind is ActionKind.RECOMMEND_PAUSE:
        target = {"campaign": "暂停该推广计划", "promotion": "暂停店铺推广"}.get(action.target or "", "暂停")
        episode.recommendation = f"建议{target}"
    elif kind is ActionKind.REQUEST_APPROVAL:
        _request_approval(episode, rule, action, now)


def _request_approval(episode: AlertEpisode, rule: Rule, action: Any, now: dt.datetime) -> None:
    """Ask the merchant whether to go on spending at the current pace (``spend-pace``)."""
    from steward.approvals.guardrails import GuardrailError, Proposal
    from steward.approvals.services import ApprovalError, request_approval

    budget = rule.params.get("monthly_budget")
    ahead = episode.value or Fraction(0)
    projected = (budget or Fraction(0)) * (1 + ahead)
    try:
        episode.approval = request_approval(
            episode.engagement,
            None,
            Proposal(
                kind="spend",
                value=(Decimal(projected.numerator) / Decimal(projected.denominator)).quantize(
                    Decimal("0.01")
                ),
            ),
            f"{rule.name_zh}：{episode.figures.get('condition', '')}，{episode.fired} 超出进度 "
            f"{episode.figures.get('value')}",
            title=_title(episode, action.title_zh or "是否继续投放"),
            source="signal",
            source_ref=f"signal-episode:{episode.pk}",
            now=now,
        )
    except (ApprovalError, GuardrailError, ValidationError) as exc:
        # No guardrail asks for one (or it is not allowed): the notice still goes out.
        record(
            "signals.approval_not_requested",
            target=episode,
            engagement_id=episode.engagement_id,
            shop_id=episode.shop_id,
            summary=str(exc)[:300],
        )


# --- silences, preview, queries ------------------------------------------------------------------


def add_silence(
    engagement: Engagement,
    person: Person,
    shop: Shop,
    rule: str,
    subject: str,
    until: dt.date,
    reason: str,
) -> Silence:
    """Silence one rule for one subject until ``until``; firings it covers open no duty."""
    if not engagement.shops.filter(pk=shop.pk).exists():
        raise ValidationError({"shop": "this shop is not part of the engagement"})
    if rule not in {r.id for r in config_for(engagement).all_rules()}:
        raise ValidationError({"rule": f"unknown rule {rule!r}"})
    silence = Silence(
        engagement=engagement,
        shop=shop,
        rule=rule,
        subject=subject,
        until=until,
        reason=reason,
        author=person,
    )
    silence.full_clean()
    with transaction.atomic():
        silence.save()
        record_create(silence, person, engagement_id=engagement.pk, shop_id=shop.pk)
    return silence


@dataclass(frozen=True)
class PreviewFiring:
    shop: str
    subject: str | None
    start: dt.date
    fired: dt.date
    end: dt.date
    value: str | None


@dataclass(frozen=True)
class Preview:
    rule: str
    days: int
    firings: list[PreviewFiring]

    @property
    def text_en(self) -> str:
        listed = "; ".join(f"{f.subject or f.shop} on {f.fired} ({f.value})" for f in self.firings)
        return f"it would have fired {len(self.firings)} times in the last {self.days} days" + (
            f": {listed}" if listed else ""
        )

    @property
    def text_zh(self) -> str:
        listed = "；".join(f"{f.subject or f.shop} {f.fired}（{f.value}）" for f in self.firings)
        return f"过去 {self.days} 天内会触发 {len(self.firings)} 次" + (f"：{listed}" if listed else "")


def preview_rule(engagement: Engagement, rule: Rule, days: int = 90) -> Preview:
    """What ``rule`` would have done on the engagement's shops over their last ``days`` days,
    before anyone switches it on (no episode is stored, nothing acts)."""
    firings: list[PreviewFiring] = []
    for shop in engagement.shops.order_by("code"):
        last = latest_day(shop)
        if last is None:
            continue
        frames = shop_frames(shop, last=last)
        result = backtest([rule], frames, first=last - dt.timedelta(days=days - 1), last=last)
        frame = result.episodes.get(rule.id)
        if frame is None:
            continue
        for episode in episode_records(rule, frame.sort("fired")):
            if episode.suppressed:
                continue
            shown = shown_value(rule, episode.value)
            firings.append(
                PreviewFiring(
                    shop.code,
                    episode.subject,
                    episode.start,
                    episode.fired,
                    episode.end,
                    str(shown) if shown is not None else None,
                )
            )
    return Preview(rule.id, days, firings)


def parse_one_rule(text: str) -> Rule:
    """One rule from the form's YAML, for a preview (errors name the rule and the field)."""
    from steward.signals.rules import parse_rules

    rules = parse_rules(text)
    if len(rules) != 1:
        raise RuleError("(file)", "rules", "write exactly one rule to preview")
    return rules[0]
