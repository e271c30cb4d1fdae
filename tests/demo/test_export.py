"""`steward demo export`: the FORMATS.md folder layout, real-export quirks, and values that read
back to exactly what ``load`` stores."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from steward.demo.cli import demo_app
from steward.demo.export import FILES, ROLE_WORDS, export_folder, shop_files
from steward.demo.generator import DemoData, ShopData
from steward.demo.scenario import MATURE_SHOP, PROBLEM_SHOP

# The headers FORMATS.md lists for each kind of file, by canonical field.
FORMATS_HEADERS: dict[str, dict[str, set[str]]] = {
    "shop_daily.csv": {
        "date": {"日期", "统计日期", "date"},
        "visitors": {"访客数", "UV", "visitors"},
        "page_views": {"浏览量", "PV", "page_views"},
        "paid_buyers": {"支付买家数", "paid_buyers"},
        "paid_orders": {"支付子订单数", "支付订单数", "paid_orders"},
        "gmv": {"支付金额", "GMV", "gmv"},
        "refunds": {"成功退款金额", "退款金额", "refunds"},
        "conversion_rate": {"支付转化率", "conversion_rate"},
        "aov": {"客单价", "aov"},
        "organic_visitors": {"免费流量访客数", "自然流量访客数", "organic_visitors"},
        "paid_visitors": {"付费流量访客数", "paid_visitors"},
        "repeat_buyers": {"老买家数", "复购买家数", "repeat_buyers"},
        "first_response_s": {"平均首次响应时长", "首响时长(秒)", "first_response_s"},
    },
    "campaigns.csv": {
        "date": {"日期", "date"},
        "campaign": {"计划名称", "推广计划", "campaign"},
        "spend": {"花费", "消耗", "spend"},
        "impressions": {"展现量", "impressions"},
        "clicks": {"点击量", "clicks"},
        "revenue": {"总成交金额", "成交金额", "revenue"},
        "orders": {"总成交笔数", "成交笔数", "orders"},
        "ctr": {"点击率", "ctr"},
        "roi": {"投入产出比", "ROI", "roi"},
    },
    "skus.csv": {
        "date": {"日期", "统计日期", "date"},
        "sku": {"商品ID", "商品编码", "sku"},
        "name": {"商品名称", "商品标题", "name"},
        "visitors": {"商品访客数", "访客数", "visitors"},
        "units": {"支付件数", "units"},
        "paid_orders": {"支付子订单数", "支付订单数", "paid_orders"},
        "gmv": {"支付金额", "gmv"},
        "stock": {"库存", "可售库存", "stock"},
    },
    "reviews.csv": {
        "date": {"评价时间", "日期", "date"},
        "sku": {"商品ID", "sku"},
        "rating": {"评价等级", "评分", "rating"},
        "content": {"评价内容", "内容", "content"},
    },
    "orders.csv": {
        "order_id": {"订单编号", "订单号", "order_id"},
        "buyer": {"买家会员名", "买家ID", "buyer"},
        "paid_at": {"付款时间", "支付时间", "paid_at"},
        "amount": {"实付金额", "买家实付", "amount"},
        "status": {"订单状态", "status"},
        "sku": {"商品ID", "sku"},
        "quantity": {"购买数量", "数量", "quantity"},
    },
    "products.csv": {
        "sku": {"商品ID", "商品编码", "sku"},
        "name": {"商品名称", "name"},
        "price": {"售价", "价格", "price"},
        "cost": {"成本", "成本价", "cost"},
        "role": {"商品角色", "定位", "role"},
        "substitute": {"替代商品", "substitute"},
    },
}
ENCODINGS = {spec.name: spec.encoding for spec in FILES}


# A small reader for the value forms FORMATS.md allows, to check the round trip.


def _none(text: str) -> bool:
    return text.strip() in {"", "-", "--", "—"}


def _int(text: str) -> int | None:
    return None if _none(text) else int(text.replace(",", ""))


def _fen(text: str) -> int | None:
    if _none(text):
        return None
    return int(Decimal(text.replace("¥", "").replace(",", "")) * 100)


def _ppm(text: str) -> int | None:
    if _none(text):
        return None
    return int(Decimal(text.rstrip("%")) * 10_000)


def _e4(text: str) -> int | None:
    return None if _none(text) else int(Decimal(text) * 10_000)


def _date(text: str) -> dt.date:
    for pattern in ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def _rows(content: bytes, name: str) -> tuple[list[str], list[dict[str, str]], list[list[str]]]:
    """(title lines, data rows keyed by canonical field, total lines) of one exported file."""
    lines = list(csv.reader(io.StringIO(content.decode(ENCODINGS[name]))))
    known = {header: field for field, headers in FORMATS_HEADERS[name].items() for header in headers}
    start = next(i for i, line in enumerate(lines) if len(line) > 1 and all(cell in known for cell in line))
    header = [known[cell] for cell in lines[start]]
    body = lines[start + 1 :]
    totals = [line for line in body if line and line[0] in {"合计", "总计"}]
    data = [dict(zip(header, line, strict=True)) for line in body if line not in totals]
    return [line[0] for line in lines[:start]], data, totals


@pytest.fixture(scope="module")
def folder(demo_data: DemoData, tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("export")
    export_folder(demo_data, directory)
    return directory


def test_one_folder_per_shop_with_the_six_files(folder: Path, demo_data: DemoData) -> None:
    assert sorted(p.name for p in folder.iterdir()) == sorted(s.code for s in demo_data.shops)
    for shop in demo_data.shops:
        assert sorted(p.name for p in (folder / shop.code).iterdir()) == sorted(FORMATS_HEADERS)


@pytest.mark.parametrize("name", sorted(FORMATS_HEADERS))
def test_every_header_is_one_that_formats_md_lists(folder: Path, name: str) -> None:
    _, data, _ = _rows((folder / MATURE_SHOP / name).read_bytes(), name)
    # Every canonical field of the kind is present (all optional ones included).
    assert set(data[0]) == set(FORMATS_HEADERS[name])


def test_files_look_like_real_exports(folder: Path) -> None:
    shop_daily = (folder / MATURE_SHOP / "shop_daily.csv").read_bytes()
    assert shop_daily.startswith(b"\xef\xbb\xbf")
    titles, data, totals = _rows(shop_daily, "shop_daily.csv")
    assert titles == ["店铺整体数据 2026-05-25~2026-11-20"]
    assert len(totals) == 1 and totals[0][0] == "合计"
    assert _fen(totals[0][5]) == sum(_fen(row["gmv"]) or 0 for row in data)
    assert any("," in row["gmv"] for row in data), "money has thousands separators"
    assert all(row["conversion_rate"].endswith("%") for row in data)
    orders = (folder / MATURE_SHOP / "orders.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        orders.decode("utf-8")
    assert "交易成功" in orders.decode("gb18030")
    campaigns = (folder / MATURE_SHOP / "campaigns.csv").read_text("utf-8")
    assert "¥" in campaigns and re.search(r"^\d{8},", campaigns, re.MULTILINE)
    skus = (folder / MATURE_SHOP / "skus.csv").read_text("utf-8-sig")
    assert re.search(r"^2026/5/25,", skus, re.MULTILINE)


def test_export_is_byte_for_byte_repeatable(demo_data: DemoData, folder: Path) -> None:
    for name, content in shop_files(demo_data.shop(PROBLEM_SHOP)).items():
        assert (folder / PROBLEM_SHOP / name).read_bytes() == content


@pytest.mark.parametrize("code", [MATURE_SHOP, PROBLEM_SHOP])
def test_values_read_back_exactly(folder: Path, demo_data: DemoData, code: str) -> None:
    shop: ShopData = demo_data.shop(code)
    base = folder / code

    _, rows, _ = _rows((base / "shop_daily.csv").read_bytes(), "shop_daily.csv")
    read = [
        (
            _date(r["date"]),
            _int(r["visitors"]),
            _int(r["page_views"]),
            _int(r["paid_buyers"]),
            _int(r["paid_orders"]),
            _fen(r["gmv"]),
            _fen(r["refunds"]),
            _ppm(r["conversion_rate"]),
            _fen(r["aov"]),
            _int(r["organic_visitors"]),
            _int(r["paid_visitors"]),
            _int(r["repeat_buyers"]),
            int(Decimal(r["first_response_s"]) * 1000),
        )
        for r in rows
    ]
    assert read == [
        (
            d.date,
            d.visitors,
            d.page_views,
            d.paid_buyers,
            d.paid_orders,
            d.gmv_fen,
            d.refunds_fen,
            d.conversion_ppm,
            d.aov_fen,
            d.organic_visitors,
            d.paid_visitors,
            d.repeat_buyers,
            d.first_response_ms,
        )
        for d in shop.days
    ]

    _, rows, _ = _rows((base / "campaigns.csv").read_bytes(), "campaigns.csv")
    assert [
        (
            _date(r["date"]),
            r["campaign"],
            _fen(r["spend"]),
            _int(r["impressions"]),
            _int(r["clicks"]),
            _fen(r["revenue"]),
            _int(r["orders"]),
            _ppm(r["ctr"]),
            _e4(r["roi"]),
        )
        for r in rows
    ] == [
        (
            c.date,
            c.campaign,
            c.spend_fen,
            c.impressions,
            c.clicks,
            c.revenue_fen,
            c.orders,
            c.ctr_ppm,
            c.roi_e4,
        )
        for c in shop.campaign_days
    ]

    _, rows, _ = _rows((base / "skus.csv").read_bytes(), "skus.csv")
    assert [
        (
            _date(r["date"]),
            r["sku"],
            _int(r["visitors"]),
            _int(r["units"]),
            _int(r["paid_orders"]),
            _fen(r["gmv"]),
            _int(r["stock"]),
        )
        for r in rows
    ] == [(s.date, s.sku, s.visitors, s.units, s.paid_orders, s.gmv_fen, s.stock) for s in shop.sku_days]

    _, rows, _ = _rows((base / "reviews.csv").read_bytes(), "reviews.csv")
    assert [(dt.datetime.fromisoformat(r["date"]), r["sku"], r["rating"], r["content"]) for r in rows] == [
        (r.reviewed_at, r.sku, r.rating, r.content) for r in shop.reviews
    ]

    _, rows, _ = _rows((base / "orders.csv").read_bytes(), "orders.csv")
    assert [
        (
            r["order_id"],
            r["buyer"],
            dt.datetime.fromisoformat(r["paid_at"]),
            _fen(r["amount"]),
            r["status"],
            r["sku"],
            _int(r["quantity"]),
        )
        for r in rows
    ] == [(o.order_id, o.buyer, o.paid_at, o.amount_fen, o.status, o.sku, o.quantity) for o in shop.orders]

    _, rows, _ = _rows((base / "products.csv").read_bytes(), "products.csv")
    roles = {word: role for role, word in ROLE_WORDS.items()}
    assert [
        (
            r["sku"],
            r["name"],
            Decimal(r["price"]),
            Decimal(r["cost"]),
            roles[r["role"]],
            r["substitute"] or None,
        )
        for r in rows
    ] == [(s.code, s.name, s.price, s.cost, s.role, s.substitute) for s in shop.spec.skus]


def test_export_command_needs_no_database(tmp_path: Path) -> None:
    # No django_db mark: any query would fail the test.
    result = CliRunner().invoke(demo_app, ["export", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "30 files written" in result.output
    assert (tmp_path / "out" / MATURE_SHOP / "orders.csv").exists()
