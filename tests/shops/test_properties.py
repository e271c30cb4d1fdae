"""Properties of importing, over generated files.

* a valid file stores exactly the numbers it states, and importing it twice gives the same
  rows as importing it once;
* a corrupted file is rejected and leaves every table exactly as it was (counts and a
  checksum of every row);
* the quick readers never disagree with the precise ones on a cell they vouch for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import polars as pl
import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from steward.shops.importing import ImportRejected, run_import
from steward.shops.importing import values as v
from steward.shops.models import CampaignDaily, Shop
from tests.conftest import World
from tests.shops.conftest import csv_bytes, fingerprint, xlsx_bytes

DB_SETTINGS = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
FULL_WIDTH = str.maketrans("0123456789.,%", "０１２３４５６７８９．，％")
ALIASES = {
    "date": ["日期", "date", " DATE "],
    "campaign": ["计划名称", "推广计划", "campaign"],
    "spend": ["花费", "消耗", "Spend"],
    "impressions": ["展现量", "impressions"],
    "clicks": ["点击量", "clicks"],
    "ctr": ["点击率", "CTR"],
    "revenue": ["总成交金额", "成交金额", "revenue"],
    "orders": ["总成交笔数", "成交笔数", "orders"],
    "roi": ["投入产出比", "ROI", "roi"],
}
NO_VALUE = ["", "-", "--", "—"]


@contextmanager
def rolled_back() -> Iterator[None]:
    """Each generated example starts from the same database and leaves nothing behind."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


# --- the truth a file states, and ways of writing it ----------------------------------------


@dataclass
class CampaignDay:
    day: dt.date
    plan: str
    spend_fen: int | None
    impressions: int | None
    clicks: int | None
    ctr_ppm: int | None
    revenue_fen: int | None
    orders: int | None
    roi_e4: int | None


def _decimal_text(units: int, places: int) -> str:
    """``units`` × 10^-places, written exactly with at most ``places`` decimals."""
    text = format(Decimal(units).scaleb(-places), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _grouped(text: str) -> str:
    whole, _, fraction = text.partition(".")
    grouped = f"{int(whole):,}"
    return f"{grouped}.{fraction}" if fraction else grouped


@st.composite
def money_text(draw: st.DrawFn, fen: int | None) -> str:
    if fen is None:
        return draw(st.sampled_from(NO_VALUE))
    form = draw(st.sampled_from(["plain", "two", "grouped", "yuan", "wan", "wide"]))
    plain = _decimal_text(fen, 2)
    match form:
        case "two":
            return f"{Decimal(fen).scaleb(-2):.2f}"
        case "grouped":
            return _grouped(f"{Decimal(fen).scaleb(-2):.2f}")
        case "yuan":
            return "¥" + _grouped(plain)
        case "wan":
            return _decimal_text(fen, 6) + "万"
        case "wide":
            return plain.translate(FULL_WIDTH)
    return plain


@st.composite
def count_text(draw: st.DrawFn, count: int | None) -> str:
    if count is None:
        return draw(st.sampled_from(NO_VALUE))
    form = draw(st.sampled_from(["plain", "grouped", "wan", "wide"]))
    match form:
        case "grouped":
            return f"{count:,}"
        case "wan":
            return _decimal_text(count, 4) + "万"
        case "wide":
            return str(count).translate(FULL_WIDTH)
    return str(count)


def date_text(day: dt.date, form: str) -> str:
    return {
        "iso": day.isoformat(),
        "slash": f"{day.year}/{day.month}/{day.day}",
        "compact": day.strftime("%Y%m%d"),
        "chinese": f"{day.year}年{day.month}月{day.day}日",
    }[form]


# A name written as "-" means "no name" in an export, so generated names avoid the markers.
PLAN_NAMES = (
    st.text(alphabet="春夏秋冬茶叶龙井新品ABCxyz-_ 0123", min_size=1, max_size=10)
    .map(str.strip)
    .filter(lambda name: name not in v.NO_VALUE)
)


@st.composite
def campaign_days(draw: st.DrawFn) -> list[CampaignDay]:
    plans = draw(st.lists(PLAN_NAMES, min_size=1, max_size=3, unique=True))
    start = draw(st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2027, 12, 1)))
    offsets = draw(st.lists(st.integers(0, 20), min_size=1, max_size=4, unique=True))
    counts = st.one_of(st.none(), st.integers(0, 10**9))
    rows = []
    for plan in plans:
        for offset in offsets:
            impressions = draw(counts)
            clicks = draw(st.one_of(st.none(), st.integers(0, impressions or 10**6)))
            rows.append(
                CampaignDay(
                    day=start + dt.timedelta(days=offset),
                    plan=plan,
                    spend_fen=draw(st.one_of(st.none(), st.just(0), st.integers(0, 10**12))),
                    impressions=impressions,
                    clicks=clicks,
                    ctr_ppm=draw(st.one_of(st.none(), st.integers(0, 1_000_000))),
                    revenue_fen=draw(st.one_of(st.none(), st.integers(0, 10**12))),
                    orders=draw(st.one_of(st.none(), st.integers(0, 10**6))),
                    roi_e4=draw(st.one_of(st.none(), st.integers(0, 10**7))),
                )
            )
    return rows


@dataclass
class ExportFile:
    rows: list[CampaignDay]
    fields: list[str]  # in file order
    headers: dict[str, str]
    cells: list[list[str]]  # data rows as written
    titles: int
    totals: bool
    container: str  # utf-8, utf-8-sig, gb18030, xlsx

    @property
    def filename(self) -> str:
        return "export.xlsx" if self.container == "xlsx" else "export.csv"

    def grid(self, cells: list[list[str]] | None = None, header: list[str] | None = None) -> list[list[str]]:
        body = self.cells if cells is None else cells
        grid = [[f"推广报表 第{i + 1}部分"] for i in range(self.titles)]
        grid.append(header if header is not None else [self.headers[f] for f in self.fields])
        grid += body
        if self.totals:
            grid.append(["合计"] + [""] * (len(self.fields) - 1))
        return grid

    def encode(self, grid: list[list[str]] | None = None) -> bytes:
        grid = self.grid() if grid is None else grid
        if self.container == "xlsx":
            return xlsx_bytes(grid)
        return csv_bytes(grid, self.container)

    def first_data_row(self) -> int:
        return self.titles + 2

    def expected(self) -> dict[tuple[str, dt.date], tuple[int | None, ...]]:
        stated_ctr, stated_roi = "ctr" in self.fields, "roi" in self.fields
        expected = {}
        for r in self.rows:
            ctr = r.ctr_ppm if stated_ctr else _half_up(r.clicks, r.impressions, 1_000_000)
            roi = r.roi_e4 if stated_roi else _half_up(r.revenue_fen, r.spend_fen, 10_000)
            if r.spend_fen == 0:
                roi = None
            expected[(r.plan, r.day)] = (
                r.spend_fen,
                r.impressions,
                r.clicks,
                ctr,
                r.revenue_fen,
                r.orders,
                roi,
            )
        return expected


def _half_up(numerator: int | None, denominator: int | None, scale: int) -> int | None:
    if numerator is None or not denominator:
        return None
    value = Decimal(Fraction(numerator * scale, denominator).numerator) / Decimal(
        Fraction(numerator * scale, denominator).denominator
    )
    return int(value.quantize(Decimal(1), ROUND_HALF_UP))


@st.composite
def export_files(draw: st.DrawFn) -> ExportFile:
    rows = draw(campaign_days())
    optional = draw(st.sets(st.sampled_from(["ctr", "roi"])))
    fields = ["date", "campaign", "spend", "impressions", "clicks", "revenue", "orders", *sorted(optional)]
    fields = draw(st.permutations(fields))
    headers = {f: draw(st.sampled_from(ALIASES[f])) for f in fields}
    date_form = draw(st.sampled_from(["iso", "slash", "compact", "chinese"]))
    percent = draw(st.booleans())
    cells = []
    for r in rows:
        written = {
            "date": date_text(r.day, date_form),
            "campaign": r.plan,
            "spend": draw(money_text(r.spend_fen)),
            "impressions": draw(count_text(r.impressions)),
            "clicks": draw(count_text(r.clicks)),
            "revenue": draw(money_text(r.revenue_fen)),
            "orders": draw(count_text(r.orders)),
            "ctr": draw(st.sampled_from(NO_VALUE))
            if r.ctr_ppm is None
            else (_decimal_text(r.ctr_ppm, 4) + "%" if percent else _decimal_text(r.ctr_ppm, 6)),
            "roi": draw(st.sampled_from(NO_VALUE)) if r.roi_e4 is None else _decimal_text(r.roi_e4, 4),
        }
        cells.append([written[f] for f in fields])
    return ExportFile(
        rows=rows,
        fields=list(fields),
        headers=headers,
        cells=cells,
        titles=draw(st.integers(0, 2)),
        totals=draw(st.booleans()),
        container=draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "xlsx"])),
    )


def stored(shop: Shop) -> dict[tuple[str, dt.date], tuple[int | None, ...]]:
    return {
        (r.campaign.name, r.date): (
            r.spend_fen,
            r.impressions,
            r.clicks,
            r.ctr_ppm,
            r.revenue_fen,
            r.orders,
            r.roi_e4,
        )
        for r in CampaignDaily.objects.filter(shop=shop).select_related("campaign")
    }


# --- properties ------------------------------------------------------------------------------


@pytest.mark.django_db
@DB_SETTINGS
@given(export=export_files())
def test_a_valid_file_stores_what_it_states_and_twice_is_the_same_as_once(
    world: World, export: ExportFile
) -> None:
    with rolled_back():
        data = export.encode()
        first = run_import(shop=world.shop, kind="campaigns", data=data, filename=export.filename)
        assert (first.rows, first.inserted, first.replaced) == (len(export.rows), len(export.rows), 0)
        assert stored(world.shop) == export.expected()
        once = fingerprint()
        second = run_import(shop=world.shop, kind="campaigns", data=data, filename=export.filename)
        assert (second.inserted, second.replaced) == (0, len(export.rows))
        twice = fingerprint()
        for table in ("Campaign", "CampaignDaily", "Sku", "ShopDaily"):
            assert twice[table] == once[table]


CORRUPTIONS = [
    "bad_number",
    "bad_date",
    "missing_column",
    "duplicate_key",
    "junk_row",
    "money_decimals",
    "negative",
]


@pytest.mark.django_db
@DB_SETTINGS
@given(export=export_files(), corruption=st.sampled_from(CORRUPTIONS), data=st.data())
def test_a_corrupted_file_is_rejected_and_changes_nothing(
    world: World, export: ExportFile, corruption: str, data: st.DataObject
) -> None:
    with rolled_back():
        # Earlier numbers in the shop, so "nothing changed" covers replacing as well as adding.
        run_import(shop=world.shop, kind="campaigns", data=export.encode(), filename=export.filename)
        cells = [list(row) for row in export.cells]
        header = [export.headers[f] for f in export.fields]
        index = data.draw(st.integers(0, len(cells) - 1), label="row")
        expected_cell: tuple[int, str] | None = None

        def put(field: str, text: str) -> None:
            nonlocal expected_cell
            cells[index][export.fields.index(field)] = text
            expected_cell = (export.first_data_row() + index, export.headers[field].strip())

        match corruption:
            case "bad_number":
                field = data.draw(st.sampled_from(["spend", "impressions", "clicks", "revenue", "orders"]))
                put(field, data.draw(st.sampled_from(["abc", "12a", "1.2.3", "1e", "¥", "万", "1-2"])))
            case "bad_date":
                put(
                    "date",
                    data.draw(st.sampled_from(["2026-02-30", "2026-13-01", "昨天", "10/01/2026", "2026-1"])),
                )
            case "missing_column":
                gone = export.fields.index(
                    data.draw(st.sampled_from(["date", "campaign", "spend", "orders"]))
                )
                header.pop(gone)
                for row in cells:
                    row.pop(gone)
            case "duplicate_key":
                cells.insert(data.draw(st.integers(0, len(cells))), list(cells[index]))
            case "junk_row":
                junk = data.draw(
                    st.lists(
                        st.text(alphabet="垃圾数据abc!?", min_size=1, max_size=5),
                        min_size=len(header),
                        max_size=len(header),
                    )
                )
                cells.insert(data.draw(st.integers(0, len(cells))), junk)
            case "money_decimals":
                put("spend", "1.234")
            case "negative":
                put(data.draw(st.sampled_from(["spend", "clicks"])), "-1")
        before = fingerprint()
        with pytest.raises(ImportRejected) as caught:
            run_import(
                shop=world.shop,
                kind="campaigns",
                data=export.encode(export.grid(cells, header)),
                filename=export.filename,
            )
        assert fingerprint() == before
        assert caught.value.total >= 1 and caught.value.problems
        if expected_cell is not None:
            assert (caught.value.problems[0].row, caught.value.problems[0].column) == expected_cell


@pytest.mark.django_db
@DB_SETTINGS
@given(export=export_files(), cut=st.floats(0.0, 1.0))
def test_truncated_bytes_are_rejected_without_a_trace_or_imported_whole(
    world: World, export: ExportFile, cut: float
) -> None:
    with rolled_back():
        data = export.encode()
        truncated = data[: int(len(data) * cut)]
        before = fingerprint()
        try:
            outcome = run_import(shop=world.shop, kind="campaigns", data=truncated, filename=export.filename)
        except ImportRejected:
            assert fingerprint() == before
        else:
            # A cut that happens to fall where a valid file ends imports that file, whole.
            assert CampaignDaily.objects.filter(shop=world.shop).count() == outcome.rows


NUMERIC_TEXT = st.text(alphabet="0123456789.,-+¥万%０１９．，％ e", max_size=14)


@settings(max_examples=120, deadline=None)
@given(cells=st.lists(st.one_of(NUMERIC_TEXT, st.integers(0, 10**16).map(str)), min_size=1, max_size=30))
def test_quick_readers_agree_with_precise_ones_wherever_they_vouch(cells: list[str]) -> None:
    frame = pl.DataFrame({"t": cells}, schema={"t": pl.String})
    text = pl.col("t")
    cases = [
        (v.quick_scaled("q", text, decimals=2), v.money_fen("p", text)),
        (v.quick_scaled("q", text, decimals=0, limit=2**31 - 1), v.count("p", text, small=True)),
        (v.quick_scaled("q", text, decimals=4), v.ratio_e4("p", text)),
        (
            v.quick_scaled("q", text, decimals=6, suffix="%", limit=1_000_000),
            v.rate_ppm("p", text, percent=True),
        ),
        (v.quick_scaled("q", text, decimals=6, limit=1_000_000), v.rate_ppm("p", text, percent=False)),
    ]
    for quick, precise in cases:
        result = frame
        for reading in (quick, precise):
            for stage in reading.stages:
                result = result.with_columns(stage)
        vouched = result.filter(~pl.col("q#deferred") & pl.col("q#quick").is_not_null())
        assert vouched.get_column("q#quick").to_list() == vouched.get_column("p#value").to_list()
        assert vouched.get_column("p#reason").null_count() == vouched.height
