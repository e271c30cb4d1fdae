"""Whatever the numbers, a diagnosis keeps its promises: the bridge closes, problems are ranked."""

from __future__ import annotations

import json

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from steward.diagnosis.compute import DAILY_SCHEMA, MAX_PROBLEMS, Benchmark, diagnose
from steward.diagnosis.content import as_content
from tests.diagnosis.builders import days, shop_data

DAY = st.tuples(
    st.integers(0, 5_000), st.integers(0, 300), st.integers(100, 100_000), st.integers(0, 500_000)
)
PEERS = Benchmark(label="类目", conversion=None, aov_fen=8_000, refund_rate=None)


@settings(max_examples=40, deadline=None)
@given(st.lists(DAY, min_size=1, max_size=130))
def test_any_shop_history_gives_a_closed_bridge_and_ranked_problems(
    history: list[tuple[int, int, int, int]],
) -> None:
    rows = [
        (day, v, min(b, v), min(b, v) * value, refunds, v // 2, v - v // 2, 0, None)
        for day, (v, b, value, refunds) in zip(days(len(history)), history, strict=True)
    ]
    diagnosis = diagnose(shop_data(pl.DataFrame(rows, schema=DAILY_SCHEMA, orient="row"), benchmark=PEERS))

    assert diagnosis.has_data and diagnosis.stage is not None
    assert diagnosis.stage.stage in {"new", "growth", "mature", "problem"}
    assert (diagnosis.short_history is None) == (len(history) >= 90)
    if diagnosis.bridge is not None:
        b = diagnosis.bridge
        assert b.visitors_fen + b.conversion_fen + b.order_value_fen == b.change_fen
    stakes = [p.at_stake_fen for p in diagnosis.problems]
    assert len(stakes) <= MAX_PROBLEMS and all(s > 0 for s in stakes)
    assert stakes == sorted(stakes, reverse=True)
    json.dumps(as_content(diagnosis))
