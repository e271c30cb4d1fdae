"""The vectorised evaluator against tiny, obviously correct Python on random series with gaps."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from steward.signals.episodes import episode_records
from steward.signals.evaluate import backtest
from steward.signals.frames import MetricFrames
from steward.signals.rules import Rule, parse_rules
from tests.signals.series import day

Series = dict[tuple[str, str], dict[int, tuple[int, int, int, int]]]  # (shop, campaign) -> day -> numbers

# Revenue is drawn as a multiple of spend around the floor, so exactly 2.5 comes up often.
day_numbers = st.tuples(
    st.sampled_from([0, 40, 100, 10_168]),  # spend, fen
    st.sampled_from([Fraction(2), Fraction(5, 2), Fraction(3), Fraction(249, 100)]),
    st.integers(0, 600),  # impressions
    st.integers(0, 40),  # clicks
).map(lambda t: (t[0], int(t[0] * t[1]), t[2], t[3]))
subject_days = st.dictionaries(st.integers(1, 25), day_numbers, max_size=25)
series_strategy = st.dictionaries(
    st.tuples(st.sampled_from(["s1", "s2"]), st.sampled_from(["a", "b", "c"])),
    subject_days,
    min_size=1,
    max_size=4,
)


def frames_of(series: Series) -> MetricFrames:
    rows = [
        {
            "shop": shop,
            "campaign": campaign,
            "date": day(n),
            "spend_fen": spend,
            "impressions": shown,
            "clicks": clicks,
            "revenue_fen": revenue,
            "orders": 1,
        }
        for (shop, campaign), days in series.items()
        for n, (spend, revenue, shown, clicks) in days.items()
    ]
    schema = {
        "shop": pl.String,
        "campaign": pl.String,
        "date": pl.Date,
        "spend_fen": pl.Int64,
        "impressions": pl.Int64,
        "clicks": pl.Int64,
        "revenue_fen": pl.Int64,
        "orders": pl.Int64,
    }
    return MetricFrames(campaigns=pl.DataFrame(rows, schema=schema))


Found = list[tuple[str, str, dt.date, dt.date, dt.date, Fraction | None]]


def reference_episodes(
    series: Series, holds: dict[tuple[str, str], dict[int, Fraction]], fire_after: int
) -> Found:
    """Walk every calendar day of every subject; a run is broken by any day that does not hold."""
    found: Found = []
    for key in sorted(series):
        days = holds.get(key, {})
        run: list[int] = []
        for n in range(1, 27):
            if n in days:
                run.append(n)
                continue
            if len(run) >= fire_after:
                fired = run[fire_after - 1]
                found.append((*key, day(run[0]), day(fired), day(run[-1]), days[fired]))
            run = []
    return found


def engine_episodes(rule: Rule, series: Series) -> Found:
    frame = backtest([rule], frames_of(series)).episodes[rule.id]
    return sorted((e.shop, e.subject, e.start, e.fired, e.end, e.value) for e in episode_records(rule, frame))


STREAK = parse_rules(
    "- {id: roi, name: {zh: a, en: b}, scope: campaign, condition: 'roi < 2.5',"
    " window: each day for 3 consecutive days, guard: 'spend > 0'}"
)[0]
WINDOW = parse_rules(
    "- {id: ctr, name: {zh: a, en: b}, scope: campaign, condition: 'ctr < 4%',"
    " window: over the last 4 days, guard: 'impressions >= 1000'}"
)[0]


@settings(max_examples=150, deadline=None)
@given(series_strategy)
def test_streaks_match_the_reference(series: Series) -> None:
    holds = {
        key: {
            n: Fraction(revenue, spend)
            for n, (spend, revenue, _, _) in days.items()
            if spend > 0 and Fraction(revenue, spend) < Fraction(5, 2)
        }
        for key, days in series.items()
    }
    assert engine_episodes(STREAK, series) == reference_episodes(series, holds, 3)


@settings(max_examples=150, deadline=None)
@given(series_strategy)
def test_last_n_days_windows_match_the_reference(series: Series) -> None:
    holds: dict[tuple[str, str], dict[int, Fraction]] = {}
    for key, days in series.items():
        holds[key] = {}
        for n in days:
            window = [days[m] for m in range(n - 3, n + 1) if m in days]  # calendar days n-3 … n
            shown = sum(w[2] for w in window)
            clicks = sum(w[3] for w in window)
            if shown >= 1000 and Fraction(clicks, shown) < Fraction(4, 100):
                holds[key][n] = Fraction(clicks, shown)
    assert engine_episodes(WINDOW, series) == reference_episodes(series, holds, 1)
