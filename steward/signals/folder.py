"""Reading a data folder (FORMATS.md, "A data folder") into the evaluator's frames.

One sub-folder per shop, named by the shop's code, holding any of ``shop_daily``,
``campaigns``, ``skus``, ``reviews`` and ``products`` as ``.csv`` (UTF-8 or GB18030) or
``.xlsx``. Headers may be any of the listed Chinese or English names; title lines above the
header and 合计/总计 lines are skipped. Money becomes integer fen and rates parts per million,
exactly. ``orders`` files are not read: no signal looks at single orders.

This is a compact reader for the offline commands; the importer in ``steward/shops`` is the
one that writes to the database.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, Literal

import polars as pl

from steward.signals.frames import MetricFrames
from steward.signals.values import NO_VALUE, ValueProblem, cell_date, cell_decimal, to_count, to_fen

Kind = Literal["date", "text", "count", "money", "rate", "ratio_e4", "rating", "role"]
_TOTAL_WORDS = frozenset({"合计", "总计", "汇总", "total", "totals"})
_HEADER_SEARCH_ROWS = 30


class FolderProblem(ValueError):
    """The folder or one of its files cannot be read; the message names the file and row."""


@dataclass(frozen=True)
class Field:
    column: str
    headers: tuple[str, ...]
    kind: Kind
    required: bool = False


def _f(column: str, kind: Kind, *headers: str, required: bool = False) -> Field:
    return Field(column, headers, kind, required)


FILES: dict[str, tuple[Field, ...]] = {
    "shop_daily": (
        _f("date", "date", "日期", "统计日期", "date", required=True),
        _f("visitors", "count", "访客数", "UV", "visitors"),
        _f("page_views", "count", "浏览量", "PV", "page_views"),
        _f("paid_buyers", "count", "支付买家数", "paid_buyers"),
        _f("paid_orders", "count", "支付子订单数", "支付订单数", "paid_orders"),
        _f("gmv_fen", "money", "支付金额", "GMV", "gmv"),
        _f("refunds_fen", "money", "成功退款金额", "退款金额", "refunds"),
        _f("conversion_ppm", "rate", "支付转化率", "conversion_rate"),
        _f("aov_fen", "money", "客单价", "aov"),
        _f("organic_visitors", "count", "免费流量访客数", "自然流量访客数", "organic_visitors"),
        _f("paid_visitors", "count", "付费流量访客数", "paid_visitors"),
        _f("repeat_buyers", "count", "老买家数", "复购买家数", "repeat_buyers"),
    ),
    "campaigns": (
        _f("date", "date", "日期", "date", required=True),
        _f("campaign", "text", "计划名称", "推广计划", "campaign", required=True),
        _f("spend_fen", "money", "花费", "消耗", "spend"),
        _f("impressions", "count", "展现量", "impressions"),
        _f("clicks", "count", "点击量", "clicks"),
        _f("revenue_fen", "money", "总成交金额", "成交金额", "revenue"),
        _f("orders", "count", "总成交笔数", "成交笔数", "orders"),
        _f("ctr_ppm", "rate", "点击率", "ctr"),
        _f("roi_e4", "ratio_e4", "投入产出比", "ROI", "roi"),
    ),
    "skus": (
        _f("date", "date", "日期", "统计日期", "date", required=True),
        _f("sku", "text", "商品ID", "商品编码", "sku", required=True),
        _f("name", "text", "商品名称", "商品标题", "name"),
        _f("visitors", "count", "商品访客数", "访客数", "visitors"),
        _f("units", "count", "支付件数", "units"),
        _f("paid_orders", "count", "支付子订单数", "支付订单数", "paid_orders"),
        _f("gmv_fen", "money", "支付金额", "gmv"),
        _f("stock", "count", "库存", "可售库存", "stock"),
    ),
    "reviews": (
        _f("date", "date", "评价时间", "日期", "date", required=True),
        _f("sku", "text", "商品ID", "sku"),
        _f("stars", "rating", "评价等级", "评分", "rating", required=True),
        _f("content", "text", "评价内容", "内容", "content"),
    ),
    "products": (
        _f("sku", "text", "商品ID", "商品编码", "sku", required=True),
        _f("name", "text", "商品名称", "name"),
        _f("price_fen", "money", "售价", "价格", "price"),
        _f("cost_fen", "money", "成本", "成本价", "cost"),
        _f("role", "role", "商品角色", "定位", "role"),
        _f("substitute", "text", "替代商品", "substitute"),
    ),
}
# One row per natural key; a second one is a mistake in the file, not a newer figure.
NATURAL_KEYS = {
    "shop_daily": ("date",),
    "campaigns": ("campaign", "date"),
    "skus": ("sku", "date"),
    "products": ("sku",),
}
_ROLES = {
    "引流": "hero",
    "引流款": "hero",
    "hero": "hero",
    "利润": "profit",
    "利润款": "profit",
    "profit": "profit",
    "长尾": "long_tail",
    "长尾款": "long_tail",
    "long-tail": "long_tail",
    "long_tail": "long_tail",
    "流量": "traffic",
    "流量款": "traffic",
    "traffic": "traffic",
}
_RATINGS = {"好评": 5, "中评": 3, "差评": 1, "good": 5, "neutral": 3, "bad": 1}
_DTYPES: dict[Kind, Any] = {
    "date": pl.Date,
    "text": pl.String,
    "count": pl.Int64,
    "money": pl.Int64,
    "rate": pl.Int64,
    "ratio_e4": pl.Int64,
    "rating": pl.Int64,
    "role": pl.String,
}


def _header_key(text: object) -> str:
    return "" if text is None else str(text).strip().lower()


def _is_blank(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _cells(path: Path) -> list[list[object]]:
    """The file's rows as cell values (text for CSV, typed values for XLSX)."""
    try:
        if path.suffix.lower() == ".xlsx":
            from python_calamine import CalamineWorkbook

            sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
            return [list(row) for row in sheet.to_python(skip_empty_area=False)]
        raw = path.read_bytes()
    except Exception as exc:  # calamine raises its own error types for broken workbooks
        raise FolderProblem(f"{path}: cannot open the file ({exc})") from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise FolderProblem(f"{path}: neither UTF-8 nor GB18030 text")
    return [list(row) for row in csv.reader(io.StringIO(text, newline=""))]


def _find_header(
    path: Path, rows: Sequence[Sequence[object]], fields: Sequence[Field]
) -> tuple[int, dict[str, int]]:
    for number, row in enumerate(rows[:_HEADER_SEARCH_ROWS]):
        headers = [_header_key(cell) for cell in row]
        found: dict[str, int] = {}
        for field in fields:
            for alias in field.headers:
                if alias.lower() in headers:
                    found[field.column] = headers.index(alias.lower())
                    break
        if all(field.column in found for field in fields if field.required):
            return number, found
    wanted = ", ".join("/".join(f.headers) for f in fields if f.required)
    raise FolderProblem(f"{path}: no header row with the columns {wanted}")


def _is_total(row: Sequence[object]) -> bool:
    """A 合计/总计 line: its first filled cell is the word (maybe with a colon after it)."""
    for cell in row:
        if not _is_blank(cell):
            return str(cell).strip().lower().rstrip(":：") in _TOTAL_WORDS
    return False


def _percent_column(path: Path, field: Field, cells: list[object]) -> bool:
    """Whether a rate column is written in percent; a file never mixes the two (FORMATS.md)."""
    texts = [str(c).strip() for c in cells if not _is_blank(c) and str(c).strip() not in NO_VALUE]
    percent = [t.endswith(("%", "％")) for t in texts]
    if any(percent) and not all(percent):
        raise FolderProblem(f"{path}: column {field.headers[0]} mixes percentages and fractions")
    return any(percent)


def _value(field: Field, cell: object, percent: bool) -> object:
    if field.kind == "date":
        return cell_date(cell)
    if _is_blank(cell) or (isinstance(cell, str) and cell.strip() in NO_VALUE):
        return None
    if field.kind == "text":
        text = str(int(cell)) if isinstance(cell, float) and cell.is_integer() else str(cell)
        return text.strip()
    if field.kind == "role":
        role = _ROLES.get(str(cell).strip().lower())
        if role is None:
            raise ValueProblem(f"{cell!r} is not a product role ({', '.join(sorted(set(_ROLES)))})")
        return role
    if field.kind == "rating":
        return _stars(cell)
    parsed = cell_decimal(cell)
    if parsed is None:
        return None
    number, written_as_percent = parsed
    if field.kind == "money":
        return to_fen(number)
    if field.kind == "count":
        return to_count(number, cell)
    if field.kind == "ratio_e4":
        return int((number * 10_000).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    # A rate: 3.52% and 0.0352 are both 35,200 parts per million.
    if percent != written_as_percent:
        raise ValueProblem(f"{cell!r}: this column is written {'in percent' if percent else 'as fractions'}")
    return int((number * 1_000_000).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _stars(cell: object) -> int:
    text = str(cell).strip().lower()
    if text in _RATINGS:
        return _RATINGS[text]
    digits = text.rstrip("星分").strip()
    try:
        stars = int(Decimal(digits))
    except ArithmeticError:
        stars = 0
    if not 1 <= stars <= 5:
        raise ValueProblem(f"{cell!r} is not a rating (好评/中评/差评 or 1–5 stars)")
    return stars


def read_table(path: Path, kind: str) -> pl.DataFrame:
    """One export file as a frame of the canonical columns (and ``is_bad`` for reviews)."""
    fields = FILES[kind]
    rows = _cells(path)
    header, columns = _find_header(path, rows, fields)
    body = [
        (number, row)
        for number, row in enumerate(rows[header + 1 :], start=header + 2)
        if not all(_is_blank(c) for c in row) and not _is_total(row)
    ]
    data: dict[str, list[object]] = {}
    for field in fields:
        index = columns.get(field.column)
        cells = [row[index] if index is not None and index < len(row) else None for _, row in body]
        percent = field.kind == "rate" and _percent_column(path, field, cells)
        values: list[object] = []
        for (number, _), cell in zip(body, cells, strict=True):
            try:
                value = _value(field, cell, percent)
            except ValueProblem as exc:
                raise FolderProblem(f"{path}: row {number}, {field.headers[0]}: {exc}") from None
            if value is None and field.required:
                raise FolderProblem(f"{path}: row {number}, {field.headers[0]}: missing")
            values.append(value)
        data[field.column] = values
    frame = pl.DataFrame(data, schema={f.column: _DTYPES[f.kind] for f in fields}).with_columns(
        _line=pl.Series([number for number, _ in body], dtype=pl.Int64)
    )
    if kind == "reviews":
        frame = frame.with_columns(is_bad=pl.col("stars") <= 2)
    if kind in NATURAL_KEYS:
        keys = list(NATURAL_KEYS[kind])
        twice = frame.filter(pl.struct(keys).is_duplicated())
        if twice.height:
            first = twice.row(0, named=True)
            lines = (
                twice.filter(pl.all_horizontal(pl.col(k) == first[k] for k in keys))
                .get_column("_line")
                .to_list()
            )
            what = " ".join(str(first[k]) for k in keys)
            raise FolderProblem(f"{path}: rows {', '.join(map(str, lines))} are all for {what}")
    return frame.drop("_line")


def read_folder(folder: Path) -> tuple[MetricFrames, list[str]]:
    """Every shop's files in ``folder``: the frames (with a ``shop`` column) and the shop codes."""
    if not folder.is_dir():
        raise FolderProblem(f"{folder}: not a folder")
    try:
        shops = sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
    except OSError as exc:
        raise FolderProblem(f"{folder}: cannot list the folder ({exc})") from None
    if not shops:
        raise FolderProblem(f"{folder}: no shop folders (one folder per shop, named by its code)")
    tables: dict[str, list[pl.DataFrame]] = {kind: [] for kind in FILES}
    for shop in shops:
        for kind in FILES:
            files = [p for p in (shop / f"{kind}.csv", shop / f"{kind}.xlsx") if p.is_file()]
            if len(files) > 1:
                raise FolderProblem(f"{shop}: both {files[0].name} and {files[1].name}; keep one")
            if files:
                table = read_table(files[0], kind)
                tables[kind].append(table.select(pl.lit(shop.name).alias("shop"), pl.all()))
    if not any(tables.values()):
        raise FolderProblem(
            f"{folder}: no data files ({', '.join(FILES)} as .csv or .xlsx) in the shop folders"
        )
    frames = {kind: pl.concat(found) if found else None for kind, found in tables.items()}
    return MetricFrames(**frames), [shop.name for shop in shops]
