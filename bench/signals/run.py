"""The signals benchmark: each measurement in a process of its own, the baseline in the same run.

    .venv/bin/python -m bench.signals.run             # all phases, a table and JSON lines
    .venv/bin/python -m bench.signals.run --phase roi-engine --repeat 3

Phases (each in a fresh process, so each peak-memory figure belongs to one job alone):

- ``roi-baseline``: a hand-written single Polars query for ``roi-floor`` (ROI < 2.5 on 3
  consecutive calendar days, spend > 0) over the campaign history, producing the same episodes;
- ``roi-engine``: the engine's ``backtest`` of the default ``roi-floor`` rule;
- ``pack``: the whole default pack, each shop with its own monthly ad budget for spend-pace;
- ``daily-state``: ``state_from_history`` through the day before the last, saved to Parquet
  (what the app does once, when a shop's history is first imported);
- ``daily``: ``advance`` on the last day's rows (≈100,000 campaign rows and the SKU, shop and
  review rows of that day) from that saved state — the process reads only the state and the
  new day, so its peak memory is the daily step's own;
- ``check``: the baseline and the engine find the same roi-floor episodes (not timed).

Wall time is taken around the measured call only, with the Parquet files already in memory;
``load_s`` says how long reading them took. Peak memory is the process's ``ru_maxrss``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl

from bench.signals.generate import DATA, SHOPS, write
from steward.signals.daily import SignalState, advance, state_from_history
from steward.signals.defaults import default_rules
from steward.signals.evaluate import backtest
from steward.signals.frames import MetricFrames
from steward.signals.metrics import Scope

PHASES = ("roi-baseline", "roi-engine", "pack", "daily-state", "daily", "check")


def load(names: tuple[str, ...]) -> MetricFrames:
    paths = write()
    return MetricFrames(**{name: pl.read_parquet(paths[name]) for name in names})


def baseline_roi_floor(campaigns: pl.DataFrame) -> pl.DataFrame:
    """One query, written by hand for this one rule, over rows sorted by (shop, campaign, date)."""
    day = pl.col("date").cast(pl.Int32)
    low = (pl.col("spend_fen") > 0) & (pl.col("revenue_fen") * 2 < pl.col("spend_fen") * 5)
    after_yesterday = (
        (pl.col("shop") == pl.col("shop").shift(1))
        & (pl.col("campaign") == pl.col("campaign").shift(1))
        & (day.shift(1) == day - 1)
    )
    marks = (
        campaigns.lazy()
        .with_columns(low.alias("low"), pl.int_range(pl.len(), dtype=pl.Int64).alias("row"))
        .with_columns(
            (pl.col("low") & pl.col("low").shift(1) & after_yesterday).fill_null(False).alias("goes_on")
        )
        .with_columns(
            pl.when(pl.col("low") & ~pl.col("goes_on")).then(pl.col("row")).forward_fill().alias("run_start"),
            (pl.col("low") & ~pl.col("goes_on").shift(-1).fill_null(False)).alias("last"),
        )
        .with_columns(
            pl.when(pl.col("low")).then(pl.col("row") - pl.col("run_start") + 1).otherwise(0).alias("n")
        )
        .filter((pl.col("n") == 3) | (pl.col("last") & (pl.col("n") >= 3)))
        .select("shop", "campaign", "date", "n", "last", "revenue_fen", "spend_fen")
        .collect(engine="streaming")
    )
    fired = marks.filter(pl.col("n") == 3)
    return fired.select(
        "shop",
        "campaign",
        (pl.col("date") - pl.duration(days=2)).alias("start"),
        pl.col("date").alias("fired"),
        marks.filter(pl.col("last")).get_column("date").alias("end"),
        "revenue_fen",
        "spend_fen",
    )


def pack_rules() -> list[Any]:
    return default_rules()


def budgets(shops: int = SHOPS) -> dict[Any, Any]:
    """Each shop's own monthly ad budget (¥2.0 M … ¥3.5 M): engagement overrides, as in the app."""
    return {
        shop: {"spend-pace": {"monthly_budget": 2_000_000 + (shop * 7919) % 1_500_001}}
        for shop in range(shops)
    }


STATE = DATA / "state"


def save_state(state: SignalState) -> None:
    """The carried state as Parquet files (the app will keep it in its database instead)."""
    STATE.mkdir(parents=True, exist_ok=True)
    for old in STATE.glob("*.parquet"):
        old.unlink()
    assert state.day is not None
    (STATE / "day.txt").write_text(state.day.isoformat())
    for rule, runs in state.runs.items():
        runs.write_parquet(STATE / f"runs.{rule}.parquet")
    for scope, rows in state.recent.items():
        rows.write_parquet(STATE / f"recent.{scope}.parquet")
    if state.products is not None:
        state.products.write_parquet(STATE / "products.parquet")


def load_state() -> SignalState:
    return SignalState(
        day=dt.date.fromisoformat((STATE / "day.txt").read_text()),
        runs={p.name.split(".")[1]: pl.read_parquet(p) for p in STATE.glob("runs.*.parquet")},
        recent={Scope(p.name.split(".")[1]): pl.read_parquet(p) for p in STATE.glob("recent.*.parquet")},
        products=pl.read_parquet(STATE / "products.parquet"),
    )


def last_day() -> dt.date:
    day = pl.scan_parquet(write()["campaigns"]).select(pl.col("date").max()).collect().item()
    assert isinstance(day, dt.date)
    return day


def peak_mb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def measure(phase: str, repeat: int) -> dict[str, Any]:
    started = time.perf_counter()
    result: dict[str, Any] = {}
    if phase == "daily":
        # Only what the app would read: the carried state and the new day's rows.
        last = last_day()
        paths = write()
        state = load_state()
        frames = MetricFrames(
            **{
                name: pl.scan_parquet(paths[name]).filter(pl.col("date") == last).collect()
                for name in ("campaigns", "skus", "shop_daily", "reviews")
            }
        )
        result["new_rows"] = {name: frame.height for name, frame in frames.dated().items()}
    elif phase in ("roi-baseline", "roi-engine", "check"):
        frames = load(("campaigns",))
    else:
        frames = load(("campaigns", "skus", "shop_daily", "reviews", "products"))
    loaded = time.perf_counter() - started
    result["peak_after_load_mb"] = peak_mb()
    roi = [rule for rule in default_rules() if rule.id == "roi-floor"]
    work: Callable[[], Any]
    if phase == "roi-baseline":
        assert frames.campaigns is not None
        campaigns = frames.campaigns

        def work() -> Any:
            return baseline_roi_floor(campaigns).height

    elif phase == "roi-engine":

        def work() -> Any:
            return backtest(roi, frames).episodes["roi-floor"].height

    elif phase == "pack":
        rules = pack_rules()

        def work() -> Any:
            found = backtest(rules, frames, overrides=budgets()).episodes
            return {rule: episodes.height for rule, episodes in found.items()}

    elif phase == "daily-state":
        rules = pack_rules()
        through = max(frames.days()) - dt.timedelta(days=1)

        def work() -> Any:
            state = state_from_history(rules, frames, through=through, overrides=budgets())
            save_state(state)
            return {"open_runs": sum(runs.height for runs in state.runs.values())}

    elif phase == "daily":
        rules = pack_rules()

        def work() -> Any:
            _, events = advance(state, rules, last, frames, overrides=budgets())
            return {
                rule: dict(found.group_by("event").len().sort("event").rows())
                for rule, found in events.items()
            }

    else:
        assert frames.campaigns is not None
        expected = baseline_roi_floor(frames.campaigns).rename({"campaign": "subject"})
        found = backtest(roi, frames).episodes["roi-floor"]
        same = (
            found.select("shop", "subject", "start", "fired", "end").equals(
                expected.select("shop", "subject", "start", "fired", "end")
            )
            and (found.get_column("value_num") * 100 == expected.get_column("revenue_fen") * 100).all()
        )
        return {"phase": phase, "episodes": found.height, "same_as_baseline": bool(same)}
    times = []
    output: Any = None
    for _ in range(repeat):
        started = time.perf_counter()
        output = work()
        times.append(time.perf_counter() - started)
    return {
        "phase": phase,
        "best_s": round(min(times), 3),
        "median_s": round(statistics.median(times), 3),
        "runs": repeat,
        "load_s": round(loaded, 2),
        "peak_rss_mb": peak_mb(),
        "output": output,
        **result,
    }


def machine() -> dict[str, Any]:
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    model = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "?")
    return {"nproc": os.cpu_count(), "cpu": model, "load_avg": [round(x, 2) for x in os.getloadavg()]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--phase", choices=PHASES)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(measure(args.phase, args.repeat)))
        return
    write()
    print(json.dumps({"machine": machine()}))
    results = {}
    repeats = {phase: 1 if phase == "daily-state" else args.repeat for phase in PHASES}
    for phase in PHASES:
        done = subprocess.run(
            # The state is built once (as in the app); everything else is measured ``--repeat`` times.
            [sys.executable, "-m", "bench.signals.run", "--phase", phase, "--repeat", str(repeats[phase])],
            check=True,
            capture_output=True,
            text=True,
        )
        results[phase] = json.loads(done.stdout.strip().splitlines()[-1])
        print(json.dumps(results[phase]), flush=True)
    baseline = results["roi-baseline"]["best_s"]
    print(
        json.dumps(
            {
                "roi_engine_vs_baseline_best": round(results["roi-engine"]["best_s"] / baseline, 2),
                "roi_engine_vs_baseline_median": round(
                    results["roi-engine"]["median_s"] / results["roi-baseline"]["median_s"], 2
                ),
                "load_avg_after": [round(x, 2) for x in os.getloadavg()],
            }
        )
    )


if __name__ == "__main__":
    main()
