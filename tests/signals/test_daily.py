"""Daily evaluation from carried state gives exactly the episodes of the full-history backtest."""

from __future__ import annotations

import datetime as dt
import random
from fractions import Fraction

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from steward.signals.daily import SignalState, advance, event_records, state_from_history
from steward.signals.defaults import default_rules
from steward.signals.episodes import EventKind, apply_cooldown, episode_records
from steward.signals.evaluate import backtest
from steward.signals.frames import MetricFrames
from steward.signals.rules import Rule, with_overrides
from tests.signals.series import campaign_rows, campaigns, day

PACK = with_overrides(default_rules(), {"spend-pace": {"monthly_budget": 900}})
Key = tuple[str, object, object, dt.date]
Found = dict[Key, tuple[dt.date, dt.date, Fraction | None]]


def mixed_history(seed: int, days: int = 40) -> MetricFrames:
    """Two shops with every kind of file, gaps, zero spend, stock-outs and review bursts."""
    rng = random.Random(seed)
    campaign, sku, shop, review = [], [], [], []
    for s in ("s1", "s2"):
        for c in ("c1", "c2"):
            for n in range(1, days + 1):
                if rng.random() < 0.08:
                    continue
                spend = rng.choice([0, 1000, 2000, 3000])
                campaign.append(
                    {
                        "shop": s,
                        "campaign": c,
                        "date": day(n),
                        "spend_fen": spend,
                        "impressions": rng.choice([150, 300]),
                        "clicks": None if rng.random() < 0.05 else rng.randint(0, 20),  # a blank cell
                        "revenue_fen": spend * rng.choice([2, 3]) + rng.choice([0, 500]),
                        "orders": 1,
                    }
                )
        for k in ("h1", "p1"):
            for n in range(1, days + 1):
                if rng.random() < 0.08:
                    continue
                sku.append(
                    {
                        "shop": s,
                        "sku": k,
                        "date": day(n),
                        "visitors": 100,
                        "units": rng.randint(0, 90),
                        "paid_orders": rng.randint(30, 70),
                        "gmv_fen": 5000,
                        "stock": rng.choice([0, 20, 80, 300]),
                    }
                )
        for n in range(1, days + 1):
            if rng.random() < 0.03:
                continue
            # Organic traffic of s1 falls by about 40% from day 22.
            level = 60 if s == "s1" and n >= 22 else 100
            shop.append(
                {
                    "shop": s,
                    "date": day(n),
                    "visitors": 1000,
                    "organic_visitors": None if rng.random() < 0.02 else level + rng.randint(-8, 8),
                }
            )
            review += [
                {"shop": s, "sku": "h1", "date": day(n), "is_bad": rng.random() < 0.7}
                for _ in range(rng.randint(0, 9))
            ]
    products = pl.DataFrame(
        [
            {"shop": s, "sku": k, "role": "hero" if k == "h1" else "profit", "substitute": None}
            for s in ("s1", "s2")
            for k in ("h1", "p1")
        ]
    )
    return MetricFrames(
        shop_daily=pl.DataFrame(shop),
        campaigns=pl.DataFrame(campaign),
        skus=pl.DataFrame(sku),
        reviews=pl.DataFrame(
            review, schema={"shop": pl.String, "sku": pl.String, "date": pl.Date, "is_bad": pl.Boolean}
        ),
        products=products,
    )


def full_history(rules: list[Rule], frames: MetricFrames) -> Found:
    result = backtest(rules, frames)
    return {
        (e.rule, e.shop, e.subject, e.start): (e.fired, e.end, e.value)
        for rule in rules
        if rule.id in result.episodes
        for e in episode_records(rule, result.episodes[rule.id])
    }


def day_by_day(rules: list[Rule], frames: MetricFrames, state: SignalState | None = None) -> Found:
    state = state or SignalState()
    found: Found = {}
    for today in frames.days():
        if state.day is not None and today <= state.day:
            continue
        state, events = advance(state, rules, today, frames.on(today))
        for event in event_records(events, rules):
            if event.fired is None:
                continue  # a streak still pending, or one dropped before it fired
            found[(event.rule, event.shop, event.subject, event.start)] = (
                event.fired,
                event.end,
                event.value,
            )
    return found


def test_day_by_day_equals_full_history() -> None:
    frames = mixed_history(7)
    full = full_history(PACK, frames)
    assert {key[0] for key in full} == {rule.id for rule in PACK}  # every rule fired somewhere
    assert day_by_day(PACK, frames) == full


def test_starting_from_history_then_day_by_day() -> None:
    frames = mixed_history(11)
    state = state_from_history(PACK, frames, through=day(20))
    continued = day_by_day(PACK, frames, state)
    full = full_history(PACK, frames)
    # Runs open on day 20 are picked up with their start, fired day and value.
    assert continued == {key: value for key, value in full.items() if value[1] >= day(20)}


@settings(max_examples=5, deadline=None)
@given(st.integers(0, 10_000))
def test_day_by_day_equals_full_history_on_random_histories(seed: int) -> None:
    frames = mixed_history(seed, days=24)
    assert day_by_day(PACK, frames) == full_history(PACK, frames)


def test_cooldown_agrees_too() -> None:
    frames = mixed_history(5)
    ctr = next(rule for rule in PACK if rule.id == "ctr-floor")
    full = backtest([ctr], frames).episodes["ctr-floor"]
    kept_full = [e for e in episode_records(ctr, full) if e.suppressed is None]
    daily = day_by_day([ctr], frames)
    replayed = apply_cooldown(
        [
            episode
            for episode in episode_records(ctr, full)
            if (episode.rule, episode.shop, episode.subject, episode.start) in daily
        ],
        ctr.cooldown_days,
    )
    assert sorted(kept_full, key=repr) == sorted((e for e in replayed if e.suppressed is None), key=repr)


ROI = next(rule for rule in PACK if rule.id == "roi-floor")


def test_events_of_a_streak() -> None:
    frames = campaigns(campaign_rows([1, 2, 3, 4, 5], ["100"] * 5, ["200", "200", "210", "200", "300"]))
    state = SignalState()
    kinds = []
    for n in range(1, 6):
        state, events = advance(state, [ROI], day(n), frames.on(day(n)))
        kinds.append([(e.kind, e.start, e.fired, e.end, e.value) for e in event_records(events, [ROI])])
    fired_value = Fraction(210, 100)
    assert kinds == [
        [(EventKind.OPENED, day(1), None, day(1), None)],
        [(EventKind.CONTINUED, day(1), None, day(2), None)],
        [(EventKind.FIRED, day(1), day(3), day(3), fired_value)],
        [(EventKind.CONTINUED, day(1), day(3), day(4), fired_value)],
        [(EventKind.RESOLVED, day(1), day(3), day(4), fired_value)],
    ]
    assert state.runs == {}


def test_a_day_without_rows_resolves_open_runs() -> None:
    frames = campaigns(campaign_rows([1, 2, 3, 5], ["100"] * 4, ["200"] * 4))
    state = SignalState()
    for n in (1, 2, 3):
        state, _ = advance(state, [ROI], day(n), frames.on(day(n)))
    state, events = advance(state, [ROI], day(5), frames.on(day(5)))
    assert [(e.kind, e.end) for e in event_records(events, [ROI])] == [
        (EventKind.RESOLVED, day(3)),
        (EventKind.OPENED, day(5)),
    ]


def test_a_day_when_a_scope_sends_no_rows_at_all() -> None:
    frames = MetricFrames(
        campaigns=pl.DataFrame(
            [
                {
                    "shop": 7,
                    "campaign": 70,
                    "date": day(n),
                    "spend_fen": 100,
                    "impressions": 2000,
                    "clicks": 10,
                    "revenue_fen": 100,
                    "orders": 1,
                }
                for n in (1, 2, 3)
            ],
            schema_overrides={"shop": pl.Int32, "campaign": pl.Int32},
        )
    )
    rules = [rule for rule in PACK if rule.scope.value == "campaign"]
    state = SignalState()
    for n in (1, 2, 3):
        state, _ = advance(state, rules, day(n), frames.on(day(n)))
    state, events = advance(state, rules, day(4), MetricFrames())
    found = {(e.rule, e.kind, e.subject) for e in event_records(events, rules)}
    assert found == {("roi-floor", EventKind.RESOLVED, 70), ("ctr-floor", EventKind.RESOLVED, 70)}


def test_days_come_in_order_and_rows_belong_to_the_day() -> None:
    frames = campaigns(campaign_rows([1, 2], ["100"] * 2, ["200"] * 2))
    state, _ = advance(SignalState(), [ROI], day(2), frames.on(day(2)))
    with pytest.raises(ValueError, match="already at"):
        advance(state, [ROI], day(2), frames.on(day(2)))
    with pytest.raises(ValueError, match="must all be dated"):
        advance(SignalState(), [ROI], day(1), frames)
