"""Daily evaluation: one new day of rows plus the state carried from the day before.

The state holds, per (rule, shop, subject), the run that is open (its start, length, the day it
fired and the value that fired it), and per scope the day rows of the last few days that
windowed rules read (the history a 7-day window or a 7-vs-7 change needs). Evaluating a day
runs the backtest's own ``rule_days`` over those recent rows plus the new ones (in its one-day
form, where a window is a sum per subject over the recent rows), and the tests hold the daily
path to the full-history episodes; nothing older is read again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import polars as pl

from steward.signals.episodes import Event, EventKind, exact_value
from steward.signals.evaluate import (
    ENGINE,
    HOLDS,
    KEY,
    RUN_LENGTH,
    VALUE_DEN,
    VALUE_NUM,
    DayRows,
    ShopParams,
    needed_columns,
    rule_days,
    rules_by_id,
    runs_and_episodes,
    skip_reason,
)
from steward.signals.frames import MetricFrames
from steward.signals.metrics import Scope
from steward.signals.rules import Rule

RUN_COLUMNS = ("rule", "shop", "subject", "start", "length", "fired", VALUE_NUM, VALUE_DEN)
EVENT_COLUMNS = ("rule", "shop", "subject", "day", "event", "start", "fired", "end", VALUE_NUM, VALUE_DEN)
_KEYS = ["shop", "subject"]


@dataclass(frozen=True)
class SignalState:
    """What one evaluated day leaves for the next.

    ``runs`` has, per rule id, one row per (shop, subject) whose condition held on ``day``
    (``RUN_COLUMNS``; ``fired`` is null while a streak is still pending). ``recent`` has each
    scope's day rows for the last ``history_days − 1`` days; ``products`` the latest roles.
    Frames are kept per rule and scope so that subjects keep their own type (names, SKU codes
    or database ids).
    """

    day: dt.date | None = None
    runs: Mapping[str, pl.DataFrame] = field(default_factory=dict)
    recent: Mapping[Scope, pl.DataFrame] = field(default_factory=dict)
    products: pl.DataFrame | None = None


def _history_days(rules: Sequence[Rule]) -> dict[Scope, int]:
    days: dict[Scope, int] = {}
    for rule in rules:
        days[rule.scope] = max(days.get(rule.scope, 1), rule.history_days())
    return days


def _recent(rows: pl.DataFrame, day: dt.date, history_days: int) -> pl.DataFrame:
    """The rows tomorrow's evaluation still needs: the last ``history_days − 1`` days."""
    return rows.filter(pl.col("date") > day - dt.timedelta(days=history_days - 1)).drop(KEY, strict=False)


def state_from_history(
    rules: Sequence[Rule], frames: MetricFrames, through: dt.date, *, overrides: ShopParams | None = None
) -> SignalState:
    """The state after evaluating every day up to ``through`` (to start daily evaluation from a
    shop's imported history without replaying it day by day)."""
    rules_by_id(rules)
    frames = frames.through(through)
    live = [rule for rule in rules if skip_reason(rule, overrides) is None]
    rows = DayRows(frames, needed_columns(live))
    runs: dict[str, pl.DataFrame] = {}
    for rule in live:
        open_runs, episodes = runs_and_episodes(rule, rows[rule.scope], overrides, open_on=through)
        if not open_runs.height:
            continue
        fired = episodes.filter(pl.col("end") == through)
        open_runs = open_runs.with_columns(
            rule=pl.lit(rule.id),
            start=pl.lit(through) - pl.duration(days=pl.col(RUN_LENGTH) - 1),
            length=pl.col(RUN_LENGTH).cast(pl.Int64),
        ).join(
            fired.select(*_KEYS, "start", "fired", VALUE_NUM, VALUE_DEN),
            on=[*_KEYS, "start"],
            how="left",
            nulls_equal=True,
        )
        runs[rule.id] = open_runs.select(RUN_COLUMNS)
    history = _history_days(live)
    recent = {scope: _recent(rows[scope], through, history[scope]) for scope in history}
    return SignalState(
        day=through,
        runs=runs,
        recent=recent,
        products=frames.products,
    )


def advance(
    state: SignalState,
    rules: Sequence[Rule],
    day: dt.date,
    rows: MetricFrames,
    *,
    overrides: ShopParams | None = None,
) -> tuple[SignalState, dict[str, pl.DataFrame]]:
    """Evaluate ``day`` from the carried ``state`` and that day's ``rows``.

    Returns the next state and the day's events per rule id (``EVENT_COLUMNS``): ``opened`` (a streak
    started, pending), ``fired`` (the rule fires today: open the duty), ``continued``
    (still holding; ``fired`` null while pending), ``resolved`` (the run that held through
    ``end`` stopped today, or a pending one was dropped). A subject with no row today breaks
    its run, as a missing day does in the backtest. Days must come in order; skipping a day
    means it had no data.
    """
    if state.day is not None and day <= state.day:
        raise ValueError(f"the state is already at {state.day}; evaluate {day} from the state before it")
    for name, frame in rows.dated().items():
        if frame.height and not frame.get_column("date").eq(day).all():
            raise ValueError(f"{name} rows must all be dated {day}")
    rules_by_id(rules)
    live = [rule for rule in rules if skip_reason(rule, overrides) is None]
    products = rows.products if rows.products is not None else state.products
    today = DayRows(replace(rows, products=products), needed_columns(live), in_order=False)
    history = _history_days(live)
    combined: dict[Scope, pl.DataFrame] = {}
    for scope in history:
        fresh = today[scope]
        carried = state.recent.get(scope)
        if carried is not None and fresh.height == 0:
            fresh = carried.head(0)  # no rows today: keep the subjects' own types
        elif carried is not None and carried.height:
            fresh = pl.concat([carried, fresh], how="diagonal_relaxed")
        combined[scope] = fresh
    # The state's open runs all held on the state's day; they go on only if that was yesterday.
    carried_over = state.day == day - dt.timedelta(days=1)
    runs: dict[str, pl.DataFrame] = {}
    events: dict[str, pl.DataFrame] = {}
    for rule in live:
        holding = (
            rule_days(rule, combined[rule.scope], overrides, only=day)
            .filter(pl.col(HOLDS))
            .select(*_KEYS, VALUE_NUM, VALUE_DEN)
            .collect(engine=ENGINE)
        )
        previous = state.runs.get(rule.id)
        kept, happened = _step(rule, previous, holding, day, carried_over=carried_over)
        if kept.height:
            runs[rule.id] = kept
        events[rule.id] = happened
    next_state = SignalState(
        day=day,
        runs=runs,
        recent={scope: _recent(combined[scope], day, history[scope]) for scope in combined},
        products=products,
    )
    return next_state, events


def _step(
    rule: Rule, previous: pl.DataFrame | None, holding: pl.DataFrame, day: dt.date, *, carried_over: bool
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Carry one rule's open runs over one day; return the runs still open and the events."""
    fire_after = rule.fire_after
    label = pl.lit(rule.id).alias("rule")
    today = pl.lit(day).alias("day")
    if previous is not None and holding.height == 0:
        holding = previous.select(*_KEYS, VALUE_NUM, VALUE_DEN).head(0)  # the same key types
    today_values = holding.select(*_KEYS, pl.col(VALUE_NUM).alias("_num"), pl.col(VALUE_DEN).alias("_den"))
    if previous is None or not carried_over:
        going_on = today_values.head(0).select(
            *_KEYS,
            pl.lit(None, pl.Date).alias("start"),
            pl.lit(None, pl.Int64).alias("length"),
            pl.lit(None, pl.Date).alias("fired"),
            pl.lit(None, pl.Int64).alias(VALUE_NUM),
            pl.lit(None, pl.Int64).alias(VALUE_DEN),
        )
    else:
        reaches = pl.col("length") == fire_after
        going_on = (
            previous.drop("rule")
            .join(today_values, on=_KEYS, how="inner", nulls_equal=True)
            .with_columns(length=pl.col("length") + 1)
            .with_columns(
                fired=pl.when(reaches).then(pl.lit(day)).otherwise(pl.col("fired")),
                value_num=pl.when(reaches).then(pl.col("_num")).otherwise(pl.col(VALUE_NUM)),
                value_den=pl.when(reaches).then(pl.col("_den")).otherwise(pl.col(VALUE_DEN)),
            )
            .drop("_num", "_den")
        )
    fires_at_once = fire_after == 1
    started = holding.join(going_on.select(_KEYS), on=_KEYS, how="anti", nulls_equal=True).select(
        *_KEYS,
        pl.lit(day).alias("start"),
        pl.lit(1, pl.Int64).alias("length"),
        pl.lit(day if fires_at_once else None, pl.Date).alias("fired"),
        (pl.col(VALUE_NUM) if fires_at_once else pl.lit(None, pl.Int64)).alias(VALUE_NUM),
        (pl.col(VALUE_DEN) if fires_at_once else pl.lit(None, pl.Int64)).alias(VALUE_DEN),
    )
    kept = pl.concat([going_on, started.select(going_on.columns)], how="vertical_relaxed")
    events = [
        kept.select(
            label,
            *_KEYS,
            today,
            pl.when(pl.col("length") == fire_after)
            .then(pl.lit(EventKind.FIRED.value))
            .when(pl.col("length") == 1)
            .then(pl.lit(EventKind.OPENED.value))
            .otherwise(pl.lit(EventKind.CONTINUED.value))
            .alias("event"),
            "start",
            "fired",
            pl.lit(day).alias("end"),
            VALUE_NUM,
            VALUE_DEN,
        )
    ]
    if previous is not None:
        ended = previous.join(going_on.select(_KEYS), on=_KEYS, how="anti", nulls_equal=True)
        events.insert(
            0,
            ended.select(
                label,
                *_KEYS,
                today,
                pl.lit(EventKind.RESOLVED.value).alias("event"),
                "start",
                "fired",
                (pl.col("start") + pl.duration(days=pl.col("length") - 1)).alias("end"),
                VALUE_NUM,
                VALUE_DEN,
            ),
        )
    return kept.with_columns(label).select(RUN_COLUMNS), pl.concat(events, how="vertical_relaxed")


def event_records(events: Mapping[str, pl.DataFrame], rules: Sequence[Rule]) -> list[Event]:
    """The day's events as plain values, for the app to act on, rule by rule."""
    known = rules_by_id(rules)
    found = []
    rows = [row for rule in known if rule in events for row in events[rule].iter_rows(named=True)]
    for row in rows:
        if row["rule"] not in known:
            raise ValueError(f"an event of an unknown rule {row['rule']!r}")
        found.append(
            Event(
                rule=row["rule"],
                shop=row["shop"],
                subject=row["subject"],
                day=row["day"],
                kind=EventKind(row["event"]),
                start=row["start"],
                fired=row["fired"],
                end=row["end"],
                value=exact_value(row[VALUE_NUM], row[VALUE_DEN]),
            )
        )
    return found
