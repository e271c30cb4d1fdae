"""Writes the benchmark's campaign-day export: 2,740 campaigns × 365 days = 1,000,100 rows.

The file looks like a 推广报表 download: a title line, Chinese headers, money with thousands
separators and a yuan sign, rates as percentages, '-' where ROI is undefined, and a 合计 line
at the end. Values come from hashes of the row number, so the file is the same on every run
and is generated with vectorised Polars expressions in a few seconds.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

CAMPAIGNS = 2_740
DAYS = 365
FIRST_DAY = dt.date(2025, 10, 1)
HEADERS = ["日期", "计划名称", "花费", "展现量", "点击量", "点击率", "总成交金额", "总成交笔数", "投入产出比"]


def _grouped(value: pl.Expr) -> pl.Expr:
    """An integer written with thousands separators, as the back office shows it ('12,345')."""
    millions = value // 1_000_000
    thousands = (value // 1_000) % 1_000
    units = value % 1_000

    def pad(part: pl.Expr) -> pl.Expr:
        return part.cast(pl.String).str.zfill(3)

    return (
        pl.when(value >= 1_000_000)
        .then(pl.concat_str(millions.cast(pl.String), pl.lit(","), pad(thousands), pl.lit(","), pad(units)))
        .when(value >= 1_000)
        .then(pl.concat_str(thousands.cast(pl.String), pl.lit(","), pad(units)))
        .otherwise(units.cast(pl.String))
    )


def _yuan(fen: pl.Expr, *, sign: bool) -> pl.Expr:
    text = pl.concat_str(_grouped(fen // 100), pl.lit("."), (fen % 100).cast(pl.String).str.zfill(2))
    return pl.concat_str(pl.lit("¥"), text) if sign else text


def _hundredths(value: pl.Expr) -> pl.Expr:
    """An integer number of hundredths as text with two decimals: 337 -> '3.37'."""
    return pl.concat_str(
        (value // 100).cast(pl.String), pl.lit("."), (value % 100).cast(pl.String).str.zfill(2)
    )


def campaign_frame(campaigns: int = CAMPAIGNS, days: int = DAYS) -> pl.DataFrame:
    rows = campaigns * days
    index = pl.int_range(rows, dtype=pl.Int64)

    def draw(seed: int, modulus: int) -> pl.Expr:
        return (index.hash(seed) % modulus).cast(pl.Int64)

    day = index // campaigns
    campaign = index % campaigns
    impressions = draw(1, 200_000) + 100
    clicks = impressions * (draw(2, 600) + 50) // 10_000
    # About one campaign-day in twenty spends nothing (paused): its ROI is undefined.
    spend = pl.when(draw(3, 20) == 0).then(0).otherwise(clicks * (draw(4, 300) + 30))
    revenue = spend * (draw(5, 600) + 50) // 100
    orders = revenue // 9_900
    frame = pl.select(
        day=day,
        campaign=campaign,
        impressions=impressions,
        clicks=clicks,
        spend=spend,
        revenue=revenue,
        orders=orders,
    )
    return frame.select(
        pl.lit(FIRST_DAY)
        .dt.offset_by(pl.concat_str(pl.col("day").cast(pl.String), pl.lit("d")))
        .dt.to_string("%Y-%m-%d")
        .alias("日期"),
        pl.concat_str(
            pl.lit("智能推广-"), pl.col("campaign").cast(pl.String).str.zfill(4), pl.lit("-全店")
        ).alias("计划名称"),
        _yuan(pl.col("spend"), sign=False).alias("花费"),
        _grouped(pl.col("impressions")).alias("展现量"),
        pl.col("clicks").cast(pl.String).alias("点击量"),
        pl.concat_str(_hundredths(pl.col("clicks") * 10_000 // pl.col("impressions")), pl.lit("%")).alias(
            "点击率"
        ),
        _yuan(pl.col("revenue"), sign=True).alias("总成交金额"),
        pl.col("orders").cast(pl.String).alias("总成交笔数"),
        pl.when(pl.col("spend") == 0)
        .then(pl.lit("-"))
        .otherwise(_hundredths(pl.col("revenue") * 100 // pl.col("spend")))
        .alias("投入产出比"),
    )


def write_campaign_file(path: Path, campaigns: int = CAMPAIGNS, days: int = DAYS) -> Path:
    """Write the export to ``path`` (once: an existing file of the right size is reused)."""
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    last_day = FIRST_DAY + dt.timedelta(days=days - 1)
    partial = path.with_suffix(".partial")
    with partial.open("wb") as out:
        out.write(f"推广报表 {FIRST_DAY.isoformat()}~{last_day.isoformat()}\n".encode())
        campaign_frame(campaigns, days).write_csv(out)
        out.write("合计,,,,,,,,\n".encode())
    partial.rename(path)
    return path
