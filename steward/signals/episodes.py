"""Alert episodes and what happens to them: cooldown, silences, the figures shown.

An episode is a run of consecutive days on which a rule holds, for one (rule, shop, subject).
These are pure functions over plain values; the app stores episodes and acts on them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Any, TypeVar

import polars as pl

from steward.signals.metrics import Unit
from steward.signals.rules import Rule

COOLDOWN = "cooldown"


@dataclass(frozen=True)
class Episode:
    rule: str
    shop: Any
    subject: Any  # campaign name, SKU code (or their ids), None for shop rules
    start: dt.date
    fired: dt.date
    end: dt.date
    value: Fraction | None  # the watched metric on the fired day, exact
    suppressed: str | None = None  # "cooldown": it fired too soon after the previous one
    silenced: bool = False

    @property
    def day(self) -> dt.date:
        return self.fired


class EventKind(StrEnum):
    OPENED = "opened"  # the condition started to hold; a streak rule is pending
    FIRED = "fired"  # the rule fired today: open the duty, notify
    CONTINUED = "continued"  # still holding (fired, or still pending when ``fired`` is None)
    RESOLVED = "resolved"  # stopped holding; ``end`` is the last day it held


@dataclass(frozen=True)
class Event:
    rule: str
    shop: Any
    subject: Any
    day: dt.date
    kind: EventKind
    start: dt.date
    fired: dt.date | None
    end: dt.date
    value: Fraction | None
    silenced: bool = False


@dataclass(frozen=True)
class Silence:
    """A person's decision to hear nothing from one rule about one subject until ``until``."""

    rule: str
    shop: Any
    subject: Any
    until: dt.date  # inclusive
    starts: dt.date | None = None
    author: str = ""
    reason: str = ""

    def covers(self, rule: str, shop: Any, subject: Any, day: dt.date) -> bool:
        return (
            (rule, shop, subject) == (self.rule, self.shop, self.subject)
            and day <= self.until
            and (self.starts is None or day >= self.starts)
        )


Silenceable = TypeVar("Silenceable", Episode, Event)


def apply_silences(items: Iterable[Silenceable], silences: Sequence[Silence]) -> list[Silenceable]:
    """Mark the episodes (by their fired day) or events (by their day) that a silence covers."""
    by_key: dict[tuple[Hashable, ...], list[Silence]] = {}
    for silence in silences:
        by_key.setdefault((silence.rule, silence.shop, silence.subject), []).append(silence)
    marked = []
    for item in items:
        covering = by_key.get((item.rule, item.shop, item.subject), ())
        if any(s.covers(item.rule, item.shop, item.subject, item.day) for s in covering):
            item = replace(item, silenced=True)
        marked.append(item)
    return marked


def in_cooldown(previous_end: dt.date | None, fired: dt.date, cooldown_days: int) -> bool:
    """Whether an episode firing on ``fired`` comes within the cooldown of the previous firing
    episode of the same rule and subject, which last held on ``previous_end``."""
    return previous_end is not None and cooldown_days > 0 and (fired - previous_end).days <= cooldown_days


def _cooled(
    keys: Sequence[Hashable], fired: Sequence[dt.date], ends: Sequence[dt.date], days: int
) -> list[bool]:
    """Which episodes (sorted by key, then fired) fall in the cooldown of the last one kept."""
    cooled: list[bool] = []
    last_key: Hashable = object()
    last_end: dt.date | None = None
    for key, day, end in zip(keys, fired, ends, strict=True):
        if key != last_key:
            last_key, last_end = key, None
        inside = in_cooldown(last_end, day, days)
        cooled.append(inside)
        if not inside:
            last_end = end
    return cooled


def apply_cooldown(episodes: Iterable[Episode], cooldown_days: int) -> list[Episode]:
    """Mark ``suppressed='cooldown'`` on episodes that fire within ``cooldown_days`` days after
    the previous kept episode of the same rule, shop and subject ended."""
    ordered = sorted(episodes, key=lambda e: (e.rule, repr(e.shop), repr(e.subject), e.fired))
    cooled = _cooled(
        [(e.rule, e.shop, e.subject) for e in ordered],
        [e.fired for e in ordered],
        [e.end for e in ordered],
        cooldown_days,
    )
    return [replace(e, suppressed=COOLDOWN) if c else e for e, c in zip(ordered, cooled, strict=True)]


def cooldown_frame(episodes: pl.DataFrame, cooldown_days: int) -> pl.DataFrame:
    """:func:`apply_cooldown` for a frame of one rule's episodes; adds ``suppressed``."""
    if cooldown_days <= 0 or episodes.height == 0:
        return episodes.with_columns(suppressed=pl.lit(None, pl.String))
    # Loops over episodes, not rows: a rule fires rarely compared with the days it reads.
    ordered = episodes.sort("shop", "subject", "fired", nulls_last=True)
    keys = list(
        zip(ordered.get_column("shop").to_list(), ordered.get_column("subject").to_list(), strict=True)
    )
    cooled = _cooled(
        keys, ordered.get_column("fired").to_list(), ordered.get_column("end").to_list(), cooldown_days
    )
    return ordered.with_columns(
        suppressed=pl.Series(cooled, dtype=pl.Boolean).replace_strict(
            {True: COOLDOWN, False: None}, return_dtype=pl.String
        )
    )


def exact_value(numerator: int | None, denominator: int | None) -> Fraction | None:
    if numerator is None or not denominator:
        return None
    return Fraction(numerator, denominator)


def episode_records(rule: Rule, frame: pl.DataFrame) -> list[Episode]:
    """Episodes of ``rule`` from an episode frame (``rule_episodes`` / ``backtest``)."""
    suppressed = (
        frame.get_column("suppressed").to_list() if "suppressed" in frame.columns else [None] * frame.height
    )
    return [
        Episode(
            rule=rule.id,
            shop=row["shop"],
            subject=row["subject"],
            start=row["start"],
            fired=row["fired"],
            end=row["end"],
            value=exact_value(row["value_num"], row["value_den"]),
            suppressed=why,
        )
        for row, why in zip(frame.iter_rows(named=True), suppressed, strict=True)
    ]


_PLACES = {
    Unit.MONEY: Decimal("0.01"),
    Unit.RATIO: Decimal("0.0001"),
    Unit.DAYS: Decimal("0.1"),
    Unit.COUNT: Decimal(1),
}


def shown_value(rule: Rule, value: Fraction | None) -> Decimal | None:
    """The watched value as people read it: yuan to the fen, ratios to four places."""
    if value is None:
        return None
    unit = Unit.RATIO if rule.conditions[0].change else rule.watched.unit
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(_PLACES[unit], rounding=ROUND_HALF_UP)
