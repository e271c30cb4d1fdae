"""The peer values the demo ships with, per platform and category (and a default per platform).

They are plausible orders of magnitude for each category, not published statistics; the admin
replaces them with the figures the agency trusts (生意参谋 market reports, an industry survey).
Rates are fractions, order value is fen, response time is seconds.
"""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

SOURCE = "演示数据：按类目常见水平估算，请管理员按生意参谋等市场数据更新"

FIELDS = (
    "conversion",
    "aov_fen",
    "refund_rate",
    "roi",
    "organic_share",
    "repeat_rate",
    "first_response_s",
    "bad_review_rate",
)

# platform, category: conversion, order value, refunds, ROI, organic share, repeat, response, bad reviews
DEMO_BENCHMARKS: dict[tuple[str, str], tuple[Any, ...]] = {
    ("taobao", ""): (
        D("0.0300"),
        10000,
        D("0.0350"),
        D("3.00"),
        D("0.7000"),
        D("0.1200"),
        D("25.0"),
        D("0.0150"),
    ),
    ("tmall", ""): (
        D("0.0300"),
        20000,
        D("0.0350"),
        D("3.20"),
        D("0.6500"),
        D("0.1200"),
        D("18.0"),
        D("0.0150"),
    ),
    ("jd", ""): (
        D("0.0300"),
        20000,
        D("0.0400"),
        D("3.20"),
        D("0.7500"),
        D("0.1000"),
        D("20.0"),
        D("0.0200"),
    ),
    ("pdd", ""): (
        D("0.0450"),
        4500,
        D("0.0300"),
        D("3.00"),
        D("0.7500"),
        D("0.1500"),
        D("20.0"),
        D("0.0300"),
    ),
    ("douyin", ""): (
        D("0.0200"),
        8000,
        D("0.0400"),
        D("2.80"),
        D("0.5500"),
        D("0.0800"),
        D("30.0"),
        D("0.0200"),
    ),
    ("taobao", "茶/乌龙茶"): (
        D("0.0350"),
        12000,
        D("0.0300"),
        D("3.20"),
        D("0.7000"),
        D("0.1400"),
        D("25.0"),
        D("0.0100"),
    ),
    ("tmall", "床上用品/四件套"): (
        D("0.0300"),
        33000,
        D("0.0350"),
        D("3.60"),
        D("0.6500"),
        D("0.1000"),
        D("15.0"),
        D("0.0200"),
    ),
    ("jd", "家纺/枕芯被子"): (
        D("0.0320"),
        23000,
        D("0.0400"),
        D("3.50"),
        D("0.8000"),
        D("0.1000"),
        D("20.0"),
        D("0.0250"),
    ),
    ("pdd", "母婴/婴儿湿巾"): (
        D("0.0450"),
        4200,
        D("0.0300"),
        D("3.00"),
        D("0.7500"),
        D("0.1800"),
        D("20.0"),
        D("0.0300"),
    ),
    ("douyin", "家居日用/香薰蜡烛"): (
        D("0.0220"),
        8000,
        D("0.0400"),
        D("2.80"),
        D("0.5500"),
        D("0.0800"),
        D("30.0"),
        D("0.0200"),
    ),
}


def seed_benchmarks(model: Any) -> int:
    """Create the demo rows that are missing; rows the admin already edited are left alone."""
    created = 0
    for (platform, category), values in DEMO_BENCHMARKS.items():
        _, was_created = model.objects.get_or_create(
            platform=platform,
            category=category,
            defaults={**dict(zip(FIELDS, values, strict=True)), "source": SOURCE},
        )
        created += int(was_created)
    return created
