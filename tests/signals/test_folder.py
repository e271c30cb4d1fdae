"""Reading a data folder: exports as they come out of the back office, read exactly."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from steward.signals.folder import FolderProblem, read_folder, read_table


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


CAMPAIGNS = """推广报表 2026-10-01~2026-10-04
数据来源：直通车

日期,计划名称,花费,展现量,点击量,点击率,总成交金额,总成交笔数,投入产出比
2026-10-01,智能推广-全店,"¥1,234.50",1.2万,"１,２００",10.00%,"¥2,469.00",12,2.00
2026/10/2,智能推广-全店,101.68,12000,300,2.50%,254.20,3,2.50
20261003,智能推广-全店,0,5000,--,-,0,0,-
2026年10月4日,新品测试,1.5万,"8,000",240,3.00%,"¥3.75万",40,2.50
合计,,"¥16,336.18",,,,,,
"""


def test_campaign_export_with_title_lines_totals_and_every_number_format(tmp_path: Path) -> None:
    frame = read_table(write(tmp_path / "campaigns.csv", CAMPAIGNS), "campaigns")
    assert frame.get_column("date").to_list() == [dt.date(2026, 10, d) for d in (1, 2, 3, 4)]
    assert frame.get_column("spend_fen").to_list() == [123_450, 10_168, 0, 1_500_000]
    assert frame.get_column("revenue_fen").to_list() == [246_900, 25_420, 0, 3_750_000]
    assert frame.get_column("impressions").to_list() == [12_000, 12_000, 5_000, 8_000]
    # '--' is no value, not zero; full-width digits are digits.
    assert frame.get_column("clicks").to_list() == [1_200, 300, None, 240]
    assert frame.get_column("ctr_ppm").to_list() == [100_000, 25_000, None, 30_000]
    assert frame.get_column("roi_e4").to_list() == [20_000, 25_000, None, 25_000]
    assert frame.get_column("campaign").to_list()[-1] == "新品测试"


def test_gb18030_and_english_headers(tmp_path: Path) -> None:
    text = "Date,SKU,Name,Visitors,Units,Paid_Orders,GMV,Stock\n2026-10-01,A1,围巾,100,5,5,500,0\n总计,,,100,5,5,500,\n"
    frame = read_table(write(tmp_path / "skus.csv", text, "gb18030"), "skus")
    assert frame.select("sku", "name", "stock", "gmv_fen").rows() == [("A1", "围巾", 0, 50_000)]


def test_rates_as_fractions(tmp_path: Path) -> None:
    text = "日期,访客数,支付转化率\n2026-10-01,100,0.0352\n2026-10-02,100,0.05\n"
    frame = read_table(write(tmp_path / "shop_daily.csv", text), "shop_daily")
    assert frame.get_column("conversion_ppm").to_list() == [35_200, 50_000]


def test_a_rate_column_never_mixes_percent_and_fraction(tmp_path: Path) -> None:
    text = "日期,访客数,支付转化率\n2026-10-01,100,3.52%\n2026-10-02,100,0.05\n"
    with pytest.raises(FolderProblem, match="mixes"):
        read_table(write(tmp_path / "shop_daily.csv", text), "shop_daily")


def test_bad_values_name_the_file_row_and_column(tmp_path: Path) -> None:
    path = write(tmp_path / "campaigns.csv", "日期,计划名称,花费\n2026-10-01,a,12x\n")
    with pytest.raises(FolderProblem) as caught:
        read_table(path, "campaigns")
    assert (
        "row 2" in str(caught.value) and "花费" in str(caught.value) and "campaigns.csv" in str(caught.value)
    )
    with pytest.raises(FolderProblem, match="row 2, 日期"):
        read_table(write(tmp_path / "c2.csv", "日期,计划名称\n2026-02-30,a\n"), "campaigns")
    with pytest.raises(FolderProblem, match="no header row"):
        read_table(write(tmp_path / "c3.csv", "时间,名称\n2026-10-01,a\n"), "campaigns")
    with pytest.raises(FolderProblem, match="rows 2, 3"):
        read_table(write(tmp_path / "c4.csv", "日期,计划名称\n2026-10-01,a\n2026/10/1,a\n"), "campaigns")
    with pytest.raises(FolderProblem, match="whole number"):
        read_table(write(tmp_path / "c5.csv", "日期,计划名称,展现量\n2026-10-01,a,1.5\n"), "campaigns")


def test_reviews_ratings_and_product_roles(tmp_path: Path) -> None:
    reviews = "评价时间,商品ID,评价等级,评价内容\n2026-10-01 09:30:00,A1,差评,太薄了\n2026-10-01 10:00,A1,2,一般\n2026-10-02,A1,好评,好\n2026-10-02,A1,5星,好\n"
    frame = read_table(write(tmp_path / "reviews.csv", reviews), "reviews")
    assert frame.select("stars", "is_bad").rows() == [(1, True), (2, True), (5, False), (5, False)]
    products = "商品ID,商品名称,售价,商品角色,替代商品\nA1,围巾,¥99.00,引流,A2\nA2,手套,59,long-tail,\n"
    frame = read_table(write(tmp_path / "products.csv", products), "products")
    assert frame.select("sku", "price_fen", "role", "substitute").rows() == [
        ("A1", 9_900, "hero", "A2"),
        ("A2", 5_900, "long_tail", None),
    ]
    with pytest.raises(FolderProblem, match="product role"):
        read_table(write(tmp_path / "p2.csv", "商品ID,商品角色\nA1,明星\n"), "products")


def test_xlsx_with_date_cells_and_numbers(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["店铺整体数据 2026-10-01~2026-10-02"])
    sheet.append(["统计日期", "访客数", "支付金额", "免费流量访客数"])
    sheet.append([dt.date(2026, 10, 1), 1200, 3456.7, 800])
    sheet.append(["2026-10-02", "1,300", "¥1.5万", "-"])
    sheet.append(["合计", 2500, None, None])
    path = tmp_path / "shop-a" / "shop_daily.xlsx"
    path.parent.mkdir()
    workbook.save(path)
    frames, shops = read_folder(tmp_path)
    assert shops == ["shop-a"]
    assert frames.shop_daily is not None
    assert frames.shop_daily.select("shop", "date", "visitors", "gmv_fen", "organic_visitors").rows() == [
        ("shop-a", dt.date(2026, 10, 1), 1200, 345_670, 800),
        ("shop-a", dt.date(2026, 10, 2), 1300, 1_500_000, None),
    ]


def test_unreadable_folders(tmp_path: Path) -> None:
    with pytest.raises(FolderProblem, match="not a folder"):
        read_folder(tmp_path / "missing")
    with pytest.raises(FolderProblem, match="no shop folders"):
        read_folder(tmp_path)
    (tmp_path / "shop-a").mkdir()
    with pytest.raises(FolderProblem, match="no data files"):
        read_folder(tmp_path)
    write(tmp_path / "shop-a" / "campaigns.csv", "日期,计划名称\n2026-10-01,a\n")
    write(tmp_path / "shop-a" / "campaigns.xlsx", "not really a workbook")
    with pytest.raises(FolderProblem, match="keep one"):
        read_folder(tmp_path)
    (tmp_path / "shop-a" / "campaigns.csv").unlink()
    with pytest.raises(FolderProblem, match="cannot open"):
        read_folder(tmp_path)
