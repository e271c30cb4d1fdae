"""Reading and checking export files: pure, no database (bytes in, storable columns out)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from steward.shops.importing import ImportRejected, Problem
from steward.shops.importing.formats import FORMATS
from steward.shops.importing.reading import read_table
from steward.shops.importing.validation import check
from tests.shops.conftest import CAMPAIGN_HEADER, csv_bytes, xlsx_bytes

UTC = dt.UTC


def read(kind: str, data: bytes, filename: str = "export.csv") -> list[dict[str, Any]]:
    fmt = FORMATS[kind]
    return check(read_table(data, filename, fmt), fmt).frame.to_dicts()


def rejected(kind: str, data: bytes, filename: str = "export.csv") -> ImportRejected:
    with pytest.raises(ImportRejected) as caught:
        read(kind, data, filename)
    return caught.value


def campaigns(*rows: list[Any], header: list[str] | None = None) -> bytes:
    return csv_bytes([header or CAMPAIGN_HEADER, *rows])


def one_value(column: str, text: str, kind: str = "campaigns") -> Any:
    row = dict(zip(CAMPAIGN_HEADER, ["2026-10-01", "A", "1", "1", "1", "1%", "1", "1", "1"], strict=True))
    row[column] = text
    records = read(kind, campaigns(list(row.values())))
    return records[0]


# --- numbers and money ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("1234", 123400),
        ("1,234", 123400),
        ("1234.50", 123450),
        ("¥1,234.50", 123450),
        ("￥1,234.50", 123450),
        ("1.2万", 1_200_000),
        ("１２３４．５", 123450),
        ("254.20", 25420),
        ("254.2", 25420),
        ("0.1", 10),
        ("  88 ", 8800),
        ("1234.50元", 123450),
        ("1,234.500", 123450),
        ("0.0123万", 12300),
    ],
)
def test_money_is_read_exactly_to_the_fen(text: str, fen: int) -> None:
    assert one_value("花费", text)["spend_fen"] == fen


@pytest.mark.parametrize("text", ["-", "--", "—", "", " "])
def test_dashes_and_empty_cells_mean_no_value_not_zero(text: str) -> None:
    record = one_value("花费", text)
    assert record["spend_fen"] is None
    assert record["roi_e4"] == 10000  # stated ROI is kept when spend is unknown


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("12345", 12345),
        ("12,345", 12345),
        ("1.2万", 12000),
        ("３４５", 345),
        ("7.0", 7),
        ("1,234,567", 1234567),
    ],
)
def test_counts(text: str, count: int) -> None:
    assert one_value("展现量", text)["impressions"] == count


@pytest.mark.parametrize(
    ("column", "text", "reason"),
    [
        ("花费", "abc", "not a number: 'abc'"),
        ("花费", "12a", "not a number: '12a'"),
        ("花费", "1.2.3", "not a number: '1.2.3'"),
        ("花费", "1.234", "money has more than 2 decimal places: '1.234'"),
        ("花费", "-5", "cannot be negative: '-5'"),
        ("展现量", "12.5", "not a whole number: '12.5'"),
        ("展现量", "-1", "cannot be negative: '-1'"),
        ("总成交笔数", "3000000000", "too large: '3000000000'"),
        ("花费", "99999999999999999999", "too large: '99999999999999999999'"),
        ("点击率", "abc%", "not a rate (write 3.52% or 0.0352): 'abc%'"),
        ("日期", "2026-02-30", "not a date: '2026-02-30'"),
        ("日期", "昨天", "not a date: '昨天'"),
        ("日期", "2026-10-01 12:30", "not a date: '2026-10-01 12:30'"),
    ],
)
def test_wrong_values_name_row_column_and_reason(column: str, text: str, reason: str) -> None:
    row = dict(zip(CAMPAIGN_HEADER, ["2026-10-01", "A", "1", "1", "1", "1%", "1", "1", "1"], strict=True))
    row[column] = text
    problem = rejected("campaigns", campaigns(list(row.values()))).problems[0]
    assert (problem.row, problem.column, problem.reason) == (2, column, reason)


def test_problem_reads_in_english_and_chinese() -> None:
    problem = Problem(12, "花费", "not a number: 'abc'", "不是数字：'abc'")
    assert problem.format("en") == "row 12, column 花费: not a number: 'abc'"
    assert problem.format("zh-hans") == "第 12 行，“花费”列：不是数字：'abc'"
    assert Problem(None, "花费", "missing", "缺少").format("en") == "column 花费: missing"
    assert Problem(3, None, "junk", "乱码").format("zh-hans") == "第 3 行：乱码"


# --- rates and ratios ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cells", "ppm"),
    [
        (["3.52%", "0.5%"], [35200, 5000]),
        (["0.0352", "0.005"], [35200, 5000]),
        (["３．５２％", "0%"], [35200, 0]),
        (["3.525%", "1.23456%"], [35250, 12346]),  # finer than a ppm: rounded half up
        (["0", "100%"], [0, 1_000_000]),
        (["-", "2%"], [None, 20000]),
    ],
)
def test_rates_in_percent_or_fraction_become_parts_per_million(
    cells: list[str], ppm: list[int | None]
) -> None:
    rows = [
        ["2026-10-0" + str(i + 1), "A", "1", "100", "1", cell, "1", "1", "1"] for i, cell in enumerate(cells)
    ]
    assert [r["ctr_ppm"] for r in read("campaigns", campaigns(*rows))] == ppm


def test_a_rate_column_must_not_mix_the_two_forms() -> None:
    rows = [
        ["2026-10-01", "A", "1", "100", "1", "3.52%", "1", "1", "1"],
        ["2026-10-02", "A", "1", "100", "1", "0.0352", "1", "1", "1"],
    ]
    problem = rejected("campaigns", campaigns(*rows)).problems[0]
    assert (problem.row, problem.column) == (3, "点击率")
    assert "percentages" in problem.reason and "百分数" in problem.reason_zh


def test_a_fraction_above_one_is_not_taken_for_a_rate() -> None:
    problem = rejected("campaigns", campaigns(["2026-10-01", "A", "1", "100", "1", "3.52", "1", "1", "1"]))
    assert problem.problems[0].reason == "a rate above 100%: '3.52'"


@pytest.mark.parametrize(
    ("text", "e4"), [("2.5", 25000), ("3.25", 32500), ("2.49995", 25000), ("12", 120000)]
)
def test_roi_in_ten_thousandths(text: str, e4: int) -> None:
    assert one_value("投入产出比", text)["roi_e4"] == e4


def test_roi_is_none_when_nothing_was_spent_even_if_the_export_printed_zero() -> None:
    record = one_value("花费", "0")
    assert record["roi_e4"] is None


def test_ctr_and_roi_are_derived_exactly_when_absent() -> None:
    header = ["日期", "计划名称", "花费", "展现量", "点击量", "总成交金额", "总成交笔数"]
    rows = [
        ["2026-10-01", "A", "101.68", "3", "1", "254.20", "1"],  # 254.20 / 101.68 = 2.5 exactly
        ["2026-10-02", "A", "0", "0", "0", "0", "0"],
        ["2026-10-03", "A", "3", "7", "2", "1", "0"],
    ]
    records = read("campaigns", campaigns(*rows, header=header))
    assert [(r["ctr_ppm"], r["roi_e4"]) for r in records] == [(333333, 25000), (None, None), (285714, 3333)]


def test_shop_daily_conversion_and_aov_are_derived_when_absent() -> None:
    header = ["统计日期", "访客数", "浏览量", "支付买家数", "支付子订单数", "支付金额", "成功退款金额"]
    records = read(
        "shop-daily",
        csv_bytes(
            [
                header,
                ["2026-10-01", "3", "9", "2", "2", "100.01", "0"],
                ["2026-10-02", "0", "0", "0", "0", "0", "-"],
            ]
        ),
    )
    assert [(r["conversion_ppm"], r["aov_fen"], r["refunds_fen"]) for r in records] == [
        (666667, 5001, 0),
        (None, None, None),
    ]


def test_shop_daily_stated_values_and_optional_columns() -> None:
    header = [
        "日期",
        "UV",
        "PV",
        "paid_buyers",
        "支付订单数",
        "GMV",
        "退款金额",
        "支付转化率",
        "客单价",
        "首响时长（秒）",
        "老买家数",
    ]
    row = ["2026/10/1", "1.2万", "30,000", "360", "400", "¥36,000.00", "1,000", "3.00%", "100", "12.5", "40"]
    (record,) = read("shop-daily", csv_bytes([header, row]))
    assert record == {
        "_row": 2,
        "date": dt.date(2026, 10, 1),
        "visitors": 12000,
        "page_views": 30000,
        "paid_buyers": 360,
        "paid_orders": 400,
        "gmv_fen": 3_600_000,
        "refunds_fen": 100_000,
        "conversion_ppm": 30000,
        "aov_fen": 10000,
        "organic_visitors": None,
        "paid_visitors": None,
        "repeat_buyers": 40,
        "first_response_ms": 12500,
    }


# --- dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "2026-10-01",
        "2026/10/1",
        "20261001",
        "2026年10月1日",
        "2026.10.01",
        "２０２６－１０－０１",
        "2026-10-01 00:00:00",
    ],
)
def test_date_forms(text: str) -> None:
    assert one_value("日期", text)["date"] == dt.date(2026, 10, 1)


def test_review_and_order_timestamps_are_shanghai_time() -> None:
    reviews = read(
        "reviews",
        csv_bytes(
            [
                ["评价时间", "商品ID", "评价等级", "评价内容"],
                ["2026-10-01 07:30:00", "T1", "好评", "香"],
                ["2026/10/1 23:59", "T1", "差评", "漏了"],
                ["2026年10月2日", "", "3", ""],
            ]
        ),
    )
    assert [(r["date"], r["reviewed_at"]) for r in reviews] == [
        (dt.date(2026, 10, 1), dt.datetime(2026, 9, 30, 23, 30, tzinfo=UTC)),
        (dt.date(2026, 10, 1), dt.datetime(2026, 10, 1, 15, 59, tzinfo=UTC)),
        (dt.date(2026, 10, 2), None),
    ]
    assert [(r["stars"], r["is_bad"], r["sku"], r["content"]) for r in reviews] == [
        (5, False, "T1", "香"),
        (1, True, "T1", "漏了"),
        (3, False, None, ""),
    ]


@pytest.mark.parametrize(
    ("rating", "stars", "bad"),
    [
        ("好评", 5, False),
        ("中评", 3, False),
        ("差评", 1, True),
        ("1", 1, True),
        ("2", 2, True),
        ("3", 3, False),
        ("5星", 5, False),
        ("★★", 2, True),
    ],
)
def test_ratings(rating: str, stars: int, bad: bool) -> None:
    data = csv_bytes([["日期", "sku", "rating", "content"], ["2026-10-01", "T1", rating, "x"]])
    (record,) = read("reviews", data)
    assert (record["stars"], record["is_bad"], record["rating"]) == (stars, bad, rating)


def test_an_unknown_rating_is_a_problem() -> None:
    data = csv_bytes([["日期", "sku", "rating", "content"], ["2026-10-01", "T1", "6", "x"]])
    assert rejected("reviews", data).problems[0].reason.startswith("not a rating")


def test_orders_status_decides_purchase_and_is_kept_raw() -> None:
    header = ["订单编号", "买家会员名", "付款时间", "实付金额", "订单状态", "商品ID", "购买数量"]
    rows = [
        ["O1", "tb_1", "2026-10-01 10:00:00", "99.00", "交易成功", "T1", "2"],
        ["O2", "tb_2", "2026-10-01 11:00:00", "50", "交易关闭", "", ""],
        ["O3", "tb_3", "2026-10-02 09:00:00", "30", "退款成功", "T2", "1"],
        ["O4", "tb_4", "", "10", "等待买家付款", "", "1"],
        ["O5", "", "2026-10-02", "1.5万", "卖家已发货", "", "1"],
    ]
    records = read("orders", csv_bytes([header, *rows]))
    assert [(r["order_id"], r["is_purchase"], r["status"], r["amount_fen"]) for r in records] == [
        ("O1", True, "交易成功", 9900),
        ("O2", False, "交易关闭", 5000),
        ("O3", False, "退款成功", 3000),
        ("O4", False, "等待买家付款", 1000),
        ("O5", True, "卖家已发货", 1_500_000),
    ]
    assert records[0]["paid_at"] == dt.datetime(2026, 10, 1, 2, 0, tzinfo=UTC)
    assert records[3]["paid_at"] is None and records[3]["date"] is None
    assert [r["sku_code"] for r in records] == ["T1", "", "T2", "", ""]
    assert [r["quantity"] for r in records] == [2, None, 1, 1, 1]


def test_products_roles_prices_and_substitutes() -> None:
    header = ["商品ID", "商品名称", "售价", "成本价", "定位", "替代商品"]
    rows = [
        ["T1", "明前龙井", "¥299.00", "120", "引流款", "T2"],
        ["T2", "雨前龙井", "199.9", "80.5", "Profit", ""],
        ["T3", "茶具", "-", "", "long-tail", ""],
        ["T4", "茶包", "9.9", "3", "", ""],
        ["T5", "茶饼", "88", "30", "流量", ""],
    ]
    records = read("products", csv_bytes([header, *rows]))
    assert [(r["sku"], r["price"], r["cost"], r["role"], r["substitute"]) for r in records] == [
        ("T1", "299.00", "120.00", "hero", "T2"),
        ("T2", "199.90", "80.50", "profit", None),
        ("T3", None, None, "long_tail", None),
        ("T4", "9.90", "3.00", "long_tail", None),
        ("T5", "88.00", "30.00", "traffic", None),
    ]


def test_an_unknown_role_is_a_problem() -> None:
    data = csv_bytes([["sku", "name", "price", "cost", "role"], ["T1", "x", "1", "1", "爆款"]])
    problem = rejected("products", data).problems[0]
    assert (problem.row, problem.column) == (2, "role") and problem.reason.startswith("not a product role")


# --- headers, title and totals lines, encodings, workbooks ---------------------------------


def test_title_lines_are_skipped_and_a_totals_line_is_never_data(campaign_file: bytes) -> None:
    records = read("campaigns", campaign_file)
    assert [(r["_row"], r["campaign"], r["spend_fen"]) for r in records] == [
        (3, "春茶上新", 123450),
        (4, "老客回购", 10168),
        (5, "春茶上新", 0),
    ]


@pytest.mark.parametrize("label", ["合计", "总计", "合计：", "Total"])
def test_totals_labels(label: str) -> None:
    data = campaigns(
        ["2026-10-01", "A", "1", "1", "1", "1%", "1", "1", "1"], [label, "", "1", "1", "1", "", "1", "1", ""]
    )
    assert len(read("campaigns", data)) == 1


def test_english_aliases_in_any_case_and_with_spaces() -> None:
    header = [" Date ", "CAMPAIGN", "Spend", "impressions", "Clicks", "CTR", "Revenue", "orders", "roi"]
    (record,) = read(
        "campaigns", campaigns(["2026-10-01", "A", "1", "10", "1", "10%", "2", "1", "2"], header=header)
    )
    assert (record["spend_fen"], record["ctr_ppm"], record["roi_e4"]) == (100, 100000, 20000)


@pytest.mark.parametrize(
    ("kind", "header"),
    [
        (
            "shop-daily",
            [
                "统计日期",
                "访客数",
                "浏览量",
                "支付买家数",
                "支付订单数",
                "GMV",
                "成功退款金额",
                "免费流量访客数",
                "付费流量访客数",
                "复购买家数",
                "平均首次响应时长",
            ],
        ),
        (
            "shop-daily",
            [
                "date",
                "visitors",
                "page_views",
                "paid_buyers",
                "paid_orders",
                "gmv",
                "refunds",
                "organic_visitors",
                "paid_visitors",
                "repeat_buyers",
                "first_response_s",
            ],
        ),
        ("campaigns", ["date", "推广计划", "消耗", "展现量", "点击量", "ctr", "成交金额", "成交笔数", "ROI"]),
        (
            "skus",
            ["统计日期", "商品编码", "商品标题", "访客数", "支付件数", "支付订单数", "支付金额", "可售库存"],
        ),
        ("skus", ["date", "sku", "name", "visitors", "units", "paid_orders", "gmv", "stock"]),
        ("reviews", ["日期", "sku", "评分", "内容"]),
        ("orders", ["订单号", "买家ID", "支付时间", "买家实付", "status", "sku", "数量"]),
        ("products", ["商品编码", "name", "价格", "成本", "商品角色", "substitute"]),
    ],
)
def test_every_alias_is_recognised(kind: str, header: list[str]) -> None:
    table = read_table(csv_bytes([header]), "x.csv", FORMATS[kind])
    assert len(table.headers) == len(header)


def test_a_unit_in_brackets_after_a_header_is_accepted() -> None:
    header = ["日期", "计划名称", "花费(元)", "展现量", "点击量", "总成交金额（元）", "总成交笔数"]
    (record,) = read("campaigns", campaigns(["2026-10-01", "A", "1", "1", "1", "2", "1"], header=header))
    assert record["revenue_fen"] == 200


def test_a_missing_required_column_names_it_and_the_accepted_headers() -> None:
    header = ["日期", "计划名称", "展现量", "点击量", "总成交金额", "总成交笔数"]
    error = rejected("campaigns", campaigns(["2026-10-01", "A", "1", "1", "1", "1"], header=header))
    assert [p.format("en") for p in error.problems] == [
        "column 花费: required column is missing (accepted headers: 花费, 消耗, spend)"
    ]
    assert error.problems[0].reason_zh == "缺少必需的列（可用的列名：花费、消耗、spend）"


def test_a_file_without_any_header() -> None:
    error = rejected("campaigns", b"hello\nworld\n")
    assert error.total == 7 and all(p.row is None for p in error.problems)


def test_gbk_csv_is_read() -> None:
    data = csv_bytes(
        [["推广报表"], CAMPAIGN_HEADER, ["2026-10-01", "春茶", "1", "1", "1", "1%", "1", "1", "1"]], "gbk"
    )
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    (record,) = read("campaigns", data)
    assert record["campaign"] == "春茶" and record["_row"] == 3


def test_gbk_below_an_ascii_header_is_read() -> None:
    header = ["date", "campaign", "spend", "impressions", "clicks", "revenue", "orders"]
    data = csv_bytes(
        [
            header,
            *[["2026-10-01", f"plan{i}", "1", "1", "1", "1", "1"] for i in range(3000)],
            ["2026-10-02", "春茶", "1", "1", "1", "1", "1"],
        ],
        "gb18030",
    )
    assert read("campaigns", data)[-1]["campaign"] == "春茶"


def test_utf8_with_bom_and_windows_line_ends() -> None:
    data = csv_bytes(
        [CAMPAIGN_HEADER, ["2026-10-01", "春茶", "1", "1", "1", "1%", "1", "1", "1"]], "utf-8-sig", "\r\n"
    )
    assert data.startswith(b"\xef\xbb\xbf")
    (record,) = read("campaigns", data)
    assert record["date"] == dt.date(2026, 10, 1) and record["roi_e4"] == 10000


def test_tab_separated_text() -> None:
    data = "\n".join(
        ["\t".join(CAMPAIGN_HEADER), "\t".join(["2026-10-01", "A", "1,234", "1", "1", "1%", "1", "1", "1"])]
    ).encode()
    assert read("campaigns", data, "export.txt")[0]["spend_fen"] == 123400


def test_xlsx_with_title_rows_excel_dates_numbers_and_percent_cells() -> None:
    data = xlsx_bytes(
        [
            ["推广报表 2026-10-01~2026-10-02"],
            [],
            CAMPAIGN_HEADER,
            [dt.date(2026, 10, 1), "春茶", 1234.5, 12000, 360, 0.03, 254.2, 12, 2.5],
            [dt.datetime(2026, 10, 2), "春茶", "1,234.50", "1.2万", 1, 0.0352, 0.1, 1, None],
            ["合计", None, 2469, None, None, None, None, None, None],
        ],
        notes_first=True,
    )
    records = read("campaigns", data, "export.xlsx")
    assert [
        (r["_row"], r["date"], r["spend_fen"], r["impressions"], r["ctr_ppm"], r["revenue_fen"], r["roi_e4"])
        for r in records
    ] == [
        (4, dt.date(2026, 10, 1), 123450, 12000, 30000, 25420, 25000),
        (5, dt.date(2026, 10, 2), 123450, 12000, 35200, 10, None),
    ]


def test_unknown_extension_and_unreadable_bytes_are_one_clear_problem() -> None:
    (problem,) = rejected("campaigns", b"data", "export.pdf").problems
    assert problem.reason == "unsupported file type '.pdf': upload .csv or .xlsx"
    (problem,) = rejected("campaigns", b"\x00\x01not a zip", "export.xlsx").problems
    assert problem.reason.startswith("cannot be read as an Excel workbook")
    (problem,) = rejected("campaigns", b"", "export.csv").problems
    assert problem.reason == "the file is empty"
    (problem,) = rejected("campaigns", b"\xff\xfe\x80\x81\xff" * 10, "export.csv").problems
    assert "neither UTF-8 nor GBK" in problem.reason


def test_a_row_with_more_cells_than_the_header_is_named() -> None:
    data = campaigns(
        ["2026-10-01", "A", "1", "1", "1", "1%", "1", "1", "1"],
        ["2026-10-02", "A", "1", "1", "1", "1%", "1", "1", "1", "surprise"],
    )
    (problem,) = rejected("campaigns", data).problems
    assert (problem.row, problem.reason) == (3, "has 10 cells but the header has 9")


def test_blank_rows_are_ignored_and_row_numbers_still_match_the_file() -> None:
    data = campaigns(
        ["2026-10-01", "A", "1", "1", "1", "1%", "1", "1", "1"],
        [],
        ["2026-10-02", "A", "x", "1", "1", "1%", "1", "1", "1"],
    )
    assert rejected("campaigns", data).problems[0].row == 4


def test_duplicate_keys_name_both_rows() -> None:
    data = campaigns(
        ["2026-10-01", "A", "1", "1", "1", "1%", "1", "1", "1"],
        ["2026-10-01", "B", "1", "1", "1", "1%", "1", "1", "1"],
        ["2026/10/1", "A", "2", "1", "1", "1%", "1", "1", "1"],
    )
    (problem,) = rejected("campaigns", data).problems
    assert problem.row == 4 and "row 2" in problem.reason and "第 2 行" in problem.reason_zh


def test_missing_key_values_are_problems() -> None:
    data = campaigns(
        ["2026-10-01", "", "1", "1", "1", "1%", "1", "1", "1"], ["", "A", "1", "1", "1", "1%", "1", "1", "1"]
    )
    assert [(p.row, p.column, p.reason) for p in rejected("campaigns", data).problems] == [
        (2, "计划名称", "a value is required"),
        (3, "日期", "a value is required"),
    ]


def test_text_longer_than_the_column_is_a_problem() -> None:
    data = campaigns(["2026-10-01", "计" * 201, "1", "1", "1", "1%", "1", "1", "1"])
    assert rejected("campaigns", data).problems[0].reason.startswith("longer than 200 characters")


def test_only_the_first_50_problems_are_described_but_all_are_counted() -> None:
    rows = [
        [f"2026-10-{d:02d}", f"plan{i}", "x", "y", "1", "1%", "1", "1", "1"]
        for d in range(1, 31)
        for i in range(2)
    ]
    error = rejected("campaigns", campaigns(*rows))
    assert error.total == 120 and len(error.problems) == 50
    assert [p.row for p in error.problems[:4]] == [2, 2, 3, 3]
    assert error.lines("en")[-1] == "… and 70 more problems"
    assert error.lines("zh-hans")[-1] == "…还有 70 个问题"


def test_a_file_with_only_a_header_has_no_data() -> None:
    assert rejected("campaigns", campaigns()).problems[0].reason == "the file has no data rows"
