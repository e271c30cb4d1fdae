"""The fixed facts of the demo data set: its seed, its calendar and the situations planted in it.

Signal, report and import tests assert against these constants, so the generator places every
situation exactly here and refuses to produce a data set where one of them went missing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

SEED = 20261120
# The data set never looks at today's date: it ends on a fixed day and covers the 180 days up to it.
END = dt.date(2026, 11, 20)
DAYS = 180
START = END - dt.timedelta(days=DAYS - 1)  # 2026-05-25

DEMO_PASSWORD = "steward-demo"  # noqa: S105 - published on purpose: every demo login uses it

# Shop codes, one per stage (DOMAIN.md §2), and the shop of the merchant without an agency.
NEW_SHOP = "shiguang-douyin"
GROWTH_SHOP = "shanhe-taobao"
MATURE_SHOP = "nuanzhi-tmall"
PROBLEM_SHOP = "nuanzhi-jd"
SOLO_SHOP = "qinghe-pdd"
STAGE_OF_SHOP = {NEW_SHOP: "new", GROWTH_SHOP: "growth", MATURE_SHOP: "mature", PROBLEM_SHOP: "problem"}

# The sales calendar every shop follows.
MID_YEAR_SALE = dt.date(2026, 6, 18)  # 618
NATIONAL_DAY = (dt.date(2026, 10, 1), dt.date(2026, 10, 7))
PRESALE_START = dt.date(2026, 10, 21)  # Double 11 pre-sale opens; traffic climbs from here
DOUBLE11_FIRST_WAVE = dt.date(2026, 11, 1)  # the "开门红" first payment wave
DOUBLE11 = dt.date(2026, 11, 11)  # the peak day of every shop

# The problem shop's organic traffic starts sliding after a search-ranking loss on this day.
PROBLEM_DECLINE_FROM = dt.date(2026, 9, 21)
# Stage checks compare the last 28 days with the 28 before them (DOMAIN.md: falling 20%+).
DROP_WINDOW_DAYS = 28
DROP_AT_LEAST = 0.20


@dataclass(frozen=True)
class StockOut:
    """A hero product runs out: stock below 50 from ``low_on``, zero from ``out_from`` to ``out_to``."""

    shop: str
    sku: str
    substitute: str
    low_on: dt.date  # first day whose end-of-day stock is below 50
    out_from: dt.date  # first day ending with zero stock (sold out that afternoon)
    out_to: dt.date  # last day ending with zero stock
    restocked_on: dt.date  # the delayed delivery arrives


# 国庆 sold more four-piece sets than planned and the factory was closed for the holiday.
STOCKOUT = StockOut(
    shop=MATURE_SHOP,
    sku="NZ-T01",
    substitute="NZ-T04",
    low_on=dt.date(2026, 10, 8),
    out_from=dt.date(2026, 10, 11),
    out_to=dt.date(2026, 10, 16),
    restocked_on=dt.date(2026, 10, 17),
)
# End-of-day stock of the hero from the last day above 50 until it is gone.
STOCKOUT_STOCK_PATH = {
    dt.date(2026, 10, 7): 62,
    dt.date(2026, 10, 8): 46,
    dt.date(2026, 10, 9): 31,
    dt.date(2026, 10, 10): 13,
    dt.date(2026, 10, 11): 0,
}


@dataclass(frozen=True)
class RoiSlump:
    """A campaign whose ROI stays below 2.5 with money still being spent, then is paused."""

    shop: str
    campaign: str
    low_from: dt.date
    low_to: dt.date
    paused_from: dt.date  # spend 0 (and no ROI) while new keywords are prepared
    paused_to: dt.date


ROI_THRESHOLD = 2.5
# Pre-sale clicks got dearer while buyers waited for the 11th to pay.
ROI_SLUMP = RoiSlump(
    shop=GROWTH_SHOP,
    campaign="直通车-双11预热词",
    low_from=dt.date(2026, 11, 3),
    low_to=dt.date(2026, 11, 7),
    paused_from=dt.date(2026, 11, 8),
    paused_to=dt.date(2026, 11, 9),
)


@dataclass(frozen=True)
class ReviewBurst:
    """More than five bad reviews on one day, mostly about one product."""

    shop: str
    sku: str
    on: dt.date
    count: int


BAD_REVIEW_LIMIT = 5  # DOMAIN.md §4: more than 5 bad reviews pauses promotion
# Double 11 parcels left the warehouse late and a batch of cotton quilts smelled.
BAD_REVIEW_BURST = ReviewBurst(shop=PROBLEM_SHOP, sku="NZJ-02", on=dt.date(2026, 11, 16), count=9)
# Outside the burst no shop gets more than this many bad reviews on a day.
ORDINARY_BAD_REVIEWS_PER_DAY = 2

MAX_ORDERS_PER_BUYER = 5  # repeat buyers order 2-5 times
HERO_STOCK_WARNING = 50  # DOMAIN.md §4: hero stock below 50 switches promotion to the substitute
