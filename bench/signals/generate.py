"""Generates the signals benchmark's history: 1,000 shops × 100 campaigns × 365 days.

Values come from hashes of the row number (vectorised Polars, the same on every run). Shops and
campaigns are integer ids, as the app's database gives them. The history is realistic enough
for the rules to have work to do: each campaign has its own ROI and CTR level with daily noise
(the weak ones sink below the floors for days at a time), about 1 campaign-day in 200 is
missing (a gap), 1 in 20 spends nothing, hero SKUs run out of stock now and then, some days
bring bursts of bad reviews and some shops lose organic traffic for weeks.

    .venv/bin/python -m bench.signals.generate          # writes bench/data/signals/*.parquet
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from collections.abc import Callable
from pathlib import Path

import polars as pl

SHOPS = 1_000
CAMPAIGNS = 100  # per shop
SKUS = 10  # per shop; the first two are hero SKUs
DAYS = 365
FIRST_DAY = dt.date(2025, 1, 1)
DATA = Path(__file__).resolve().parents[1] / "data" / "signals"
FILES = ("campaigns", "skus", "shop_daily", "reviews", "products")


def _draw(index: pl.Expr, seed: int, modulus: int) -> pl.Expr:
    return (index.hash(seed) % modulus).cast(pl.Int64)


def _date(day: pl.Expr) -> pl.Expr:
    return (pl.lit(FIRST_DAY) + pl.duration(days=day)).cast(pl.Date)


def campaign_days(shops: int = SHOPS, campaigns: int = CAMPAIGNS, days: int = DAYS) -> pl.DataFrame:
    """Sorted by (shop, campaign, date), as the app reads them by its natural key."""
    i = pl.int_range(shops * campaigns * days, dtype=pl.Int64)
    series = i // days  # one campaign of one shop
    day = i % days
    roi_level = _draw(series, 11, 300) + 220  # hundredths: campaigns sit between ROI 2.2 and 5.2
    roi = roi_level + _draw(i, 12, 121) - 60  # ± 0.6 a day
    ctr_level = _draw(series, 13, 60) + 25  # per mille: 2.5% … 8.5%
    impressions = _draw(i, 14, 48_000) + 2_000
    clicks = impressions * (ctr_level + _draw(i, 15, 21) - 10) // 1_000
    spend = pl.when(_draw(i, 16, 20) == 0).then(0).otherwise(_draw(i, 17, 195_000) + 5_000)
    revenue = spend * roi // 100
    return (
        pl.select(
            shop=(series // campaigns).cast(pl.Int32),
            campaign=(series % campaigns).cast(pl.Int32),
            date=_date(day),
            spend_fen=spend,
            impressions=impressions,
            clicks=clicks,
            revenue_fen=revenue,
            orders=(revenue // 9_900).cast(pl.Int32),
            _gap=_draw(i, 18, 200) == 0,
        )
        .filter(~pl.col("_gap"))
        .drop("_gap")
    )


def sku_days(shops: int = SHOPS, skus: int = SKUS, days: int = DAYS) -> pl.DataFrame:
    i = pl.int_range(shops * skus * days, dtype=pl.Int64)
    series = i // days
    day = i % days
    orders_level = _draw(series, 21, 120) + 20
    paid_orders = (orders_level + _draw(i, 22, 41) - 20).clip(0)
    # Stock drains and is refilled on a cycle of its own; some cycles run dry for a few days.
    cycle = _draw(series, 23, 30) + 20
    stock = ((cycle - day % cycle) * orders_level - _draw(series, 24, 5) * orders_level).clip(0)
    return pl.select(
        shop=(series // skus).cast(pl.Int32),
        sku=(series % skus).cast(pl.Int32),
        date=_date(day),
        visitors=paid_orders * 20 + _draw(i, 25, 300),
        units=paid_orders + _draw(i, 26, 5),
        paid_orders=paid_orders,
        gmv_fen=paid_orders * (_draw(series, 27, 20_000) + 3_000),
        stock=stock,
    )


def shop_days(shops: int = SHOPS, days: int = DAYS) -> pl.DataFrame:
    i = pl.int_range(shops * days, dtype=pl.Int64)
    shop = i // days
    day = i % days
    level = _draw(shop, 31, 4_000) + 1_000
    # One shop in ten loses 40% of its organic traffic from a day of its own on.
    falls_on = pl.when(_draw(shop, 32, 10) == 0).then(_draw(shop, 33, days)).otherwise(days)
    organic = pl.when(day >= falls_on).then(level * 6 // 10).otherwise(level) + _draw(i, 34, 200) - 100
    paid_buyers = organic // 25 + _draw(i, 35, 40)
    return pl.select(
        shop=shop.cast(pl.Int32),
        date=_date(day),
        visitors=organic * 3 // 2,
        page_views=organic * 4,
        paid_buyers=paid_buyers,
        paid_orders=paid_buyers + _draw(i, 36, 10),
        gmv_fen=paid_buyers * 15_000,
        refunds_fen=paid_buyers * _draw(i, 37, 1_500),
        organic_visitors=organic,
    )


def reviews(shops: int = SHOPS, days: int = DAYS, per_day: int = 3, burst: int = 6) -> pl.DataFrame:
    """About ``per_day`` reviews a shop-day, a fifth of them bad; one shop-day in 60 brings a
    burst of ``burst`` more bad ones."""

    def rows(count: int) -> tuple[pl.Expr, pl.Expr]:
        i = pl.int_range(shops * days * count, dtype=pl.Int64)
        return i, i // count

    i, shop_day = rows(per_day)
    regular = pl.select(
        shop=(shop_day // days).cast(pl.Int32),
        sku=_draw(i, 42, SKUS).cast(pl.Int32),
        date=_date(shop_day % days),
        is_bad=_draw(i, 43, 5) == 0,
    )
    i, shop_day = rows(burst)
    bursts = pl.select(
        shop=(shop_day // days).cast(pl.Int32),
        sku=pl.lit(0, pl.Int32),
        date=_date(shop_day % days),
        is_bad=pl.lit(True),
        _burst=_draw(shop_day, 41, 60) == 0,
    )
    return pl.concat([regular, bursts.filter(pl.col("_burst")).drop("_burst")])


def products(shops: int = SHOPS, skus: int = SKUS) -> pl.DataFrame:
    i = pl.int_range(shops * skus, dtype=pl.Int64)
    return pl.select(
        shop=(i // skus).cast(pl.Int32),
        sku=(i % skus).cast(pl.Int32),
        role=pl.when(i % skus < 2).then(pl.lit("hero")).otherwise(pl.lit("profit")),
        substitute=pl.lit(None, pl.Int32),
    )


def write(folder: Path = DATA) -> dict[str, Path]:
    """Write every table once; an existing folder with all files is reused."""
    paths = {name: folder / f"{name}.parquet" for name in FILES}
    if all(path.exists() for path in paths.values()):
        return paths
    folder.mkdir(parents=True, exist_ok=True)
    makers: dict[str, Callable[[], pl.DataFrame]] = {
        "campaigns": campaign_days,
        "skus": sku_days,
        "shop_daily": shop_days,
        "reviews": reviews,
        "products": products,
    }
    for name, make in makers.items():
        started = time.perf_counter()
        frame = make()
        frame.write_parquet(paths[name])
        print(f"{name}: {frame.height:,} rows in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        del frame
    return paths


if __name__ == "__main__":
    write()
