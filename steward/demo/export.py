"""Write the demo data set as the files a back office exports (FORMATS.md, "A data folder").

One folder per shop, named by its code, with shop_daily, campaigns, skus, reviews, orders and
products as CSV. The files look like real exports on purpose, so the importer is exercised on
what it will meet: Chinese headers, thousands separators, ``¥`` signs, percentages, ``-`` for
"no value", a UTF-8 BOM, a GB18030 order file and a report with a title line and a 合计 line.
Every value is printed exactly as ``load`` stores it, so importing the folder reproduces it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from steward.demo.generator import DemoData, ShopData, half_up, stated_rate_ppm

NO_VALUE = "-"

SHOP_DAILY_HEADERS = (
    "日期",
    "访客数",
    "浏览量",
    "支付买家数",
    "支付子订单数",
    "支付金额",
    "成功退款金额",
    "支付转化率",
    "客单价",
    "免费流量访客数",
    "付费流量访客数",
    "老买家数",
    "平均首次响应时长",
)
CAMPAIGN_HEADERS = (
    "日期",
    "计划名称",
    "花费",
    "展现量",
    "点击量",
    "点击率",
    "总成交金额",
    "总成交笔数",
    "投入产出比",
)
SKU_HEADERS = (
    "统计日期",
    "商品ID",
    "商品名称",
    "商品访客数",
    "支付件数",
    "支付子订单数",
    "支付金额",
    "可售库存",
)
REVIEW_HEADERS = ("评价时间", "商品ID", "评价等级", "评价内容")
ORDER_HEADERS = ("订单编号", "买家会员名", "付款时间", "实付金额", "订单状态", "商品ID", "购买数量")
PRODUCT_HEADERS = ("商品ID", "商品名称", "售价", "成本", "商品角色", "替代商品")

ROLE_WORDS = {"hero": "引流", "traffic": "流量", "profit": "利润", "long_tail": "长尾"}


@dataclass(frozen=True)
class ExportFile:
    name: str
    encoding: str  # "utf-8-sig" writes the BOM that Excel-made files start with
    headers: tuple[str, ...]
    render: Callable[[ShopData], tuple[list[list[str]], list[list[str]], list[list[str]]]]


def money(fen: int) -> str:
    """``123456`` fen -> ``1,234.56``."""
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // 100:,}.{fen % 100:02d}"


def plain_money(fen: int) -> str:
    """``123456`` fen -> ``1234.56`` (no separators)."""
    return money(fen).replace(",", "")


def count(value: int) -> str:
    return f"{value:,}"


def percent(ppm: int | None) -> str:
    """Parts per million, stated to two decimals of a percent: ``36500`` -> ``3.65%``."""
    if ppm is None:
        return NO_VALUE
    hundredths = ppm // 100
    return f"{hundredths // 100}.{hundredths % 100:02d}%"


def roi(e4: int | None) -> str:
    if e4 is None:
        return NO_VALUE
    hundredths = e4 // 100
    return f"{hundredths // 100}.{hundredths % 100:02d}"


def seconds(ms: int) -> str:
    return f"{ms // 1000}.{ms // 100 % 10}"


def timestamp(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S")


def _shop_daily(shop: ShopData) -> tuple[list[list[str]], list[list[str]], list[list[str]]]:
    days = shop.days
    title = [[f"店铺整体数据 {days[0].date:%Y-%m-%d}~{days[-1].date:%Y-%m-%d}"]]
    rows = [
        [
            f"{d.date:%Y-%m-%d}",
            count(d.visitors),
            count(d.page_views),
            count(d.paid_buyers),
            count(d.paid_orders),
            money(d.gmv_fen),
            money(d.refunds_fen),
            percent(d.conversion_ppm),
            NO_VALUE if d.aov_fen is None else money(d.aov_fen),
            count(d.organic_visitors),
            count(d.paid_visitors),
            count(d.repeat_buyers),
            seconds(d.first_response_ms),
        ]
        for d in days
    ]
    visitors = sum(d.visitors for d in days)
    buyers = sum(d.paid_buyers for d in days)
    gmv = sum(d.gmv_fen for d in days)
    total = [
        [
            "合计",
            count(visitors),
            count(sum(d.page_views for d in days)),
            count(buyers),
            count(sum(d.paid_orders for d in days)),
            money(gmv),
            money(sum(d.refunds_fen for d in days)),
            percent(stated_rate_ppm(buyers, visitors)),
            money(half_up(gmv, buyers)) if buyers else NO_VALUE,
            count(sum(d.organic_visitors for d in days)),
            count(sum(d.paid_visitors for d in days)),
            count(sum(d.repeat_buyers for d in days)),
            NO_VALUE,
        ]
    ]
    return title, rows, total


def _campaigns(shop: ShopData) -> tuple[list[list[str]], list[list[str]], list[list[str]]]:
    rows = [
        [
            f"{c.date:%Y%m%d}",
            c.campaign,
            f"¥{money(c.spend_fen)}",
            count(c.impressions),
            count(c.clicks),
            percent(c.ctr_ppm),
            f"¥{money(c.revenue_fen)}",
            count(c.orders),
            roi(c.roi_e4),
        ]
        for c in shop.campaign_days
    ]
    return [], rows, []


def _skus(shop: ShopData) -> tuple[list[list[str]], list[list[str]], list[list[str]]]:
    names = {sku.code: sku.name for sku in shop.spec.skus}
    rows = [
        [
            f"{s.date.year}/{s.date.month}/{s.date.day}",
            s.sku,
            names[s.sku],
            count(s.visitors),
            count(s.units),
            count(s.paid_orders),
            money(s.gmv_fen),
            count(s.stock),
        ]
        for s in shop.sku_days
    ]
    return [], rows, []


def _reviews(shop: ShopData) -> tuple[list[list[str]], list[list[str]], list[list[str]]]:
    rows = [[timestamp(r.reviewed_at), r.sku, r.rating, r.content] for r in shop.reviews]
    return [], rows, []


def _orders(shop: ShopData) -> tuple[list[list[str]], list[list[str]], list[list[str]]]:
    # Order exports print plain amounts: no separators, no currency sign.
    rows = [
        [
            o.order_id,
            o.buyer,
            timestamp(o.paid_at),
            plain_money(o.amount_fen),
            o.status,
            o.sku,
            str(o.quantity),
        ]
        for o in shop.orders
    ]
    return [], rows, []


def _products(shop: ShopData) -> tuple[list[list[str]], list[list[str]], list[list[str]]]:
    rows = [
        [
            sku.code,
            sku.name,
            f"{sku.price:.2f}",
            f"{sku.cost:.2f}",
            ROLE_WORDS[sku.role],
            sku.substitute or "",
        ]
        for sku in shop.spec.skus
    ]
    return [], rows, []


FILES = (
    ExportFile("shop_daily.csv", "utf-8-sig", SHOP_DAILY_HEADERS, _shop_daily),
    ExportFile("campaigns.csv", "utf-8", CAMPAIGN_HEADERS, _campaigns),
    ExportFile("skus.csv", "utf-8-sig", SKU_HEADERS, _skus),
    ExportFile("reviews.csv", "utf-8-sig", REVIEW_HEADERS, _reviews),
    ExportFile("orders.csv", "gb18030", ORDER_HEADERS, _orders),  # Taobao's order export is GBK
    ExportFile("products.csv", "utf-8", PRODUCT_HEADERS, _products),
)


def _csv(lines: Iterable[Sequence[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(lines)
    return buffer.getvalue()


def shop_files(shop: ShopData) -> dict[str, bytes]:
    """The files of one shop's folder, by file name, as bytes (what an upload would carry)."""
    result = {}
    for spec in FILES:
        title, rows, total = spec.render(shop)
        result[spec.name] = _csv([*title, list(spec.headers), *rows, *total]).encode(spec.encoding)
    return result


def export_folder(data: DemoData, directory: Path) -> list[Path]:
    """Write every shop's folder under ``directory``; returns the files written."""
    written = []
    for shop in data.shops:
        folder = directory / shop.code
        folder.mkdir(parents=True, exist_ok=True)
        for name, content in shop_files(shop).items():
            path = folder / name
            path.write_bytes(content)
            written.append(path)
    return written
