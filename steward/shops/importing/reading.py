"""From the bytes of an uploaded file to a table of text cells under the fields they mean.

CSV is read by Polars in one vectorised pass; only the first lines are looked at in Python,
to find the header below any title lines. XLSX is read with python-calamine. Either way the
result is a frame of String columns named by field, plus ``_row``: the row number the user
sees in Excel or a text editor.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath

import polars as pl

from steward.shops.importing.formats import Field, FileFormat, field_for_header
from steward.shops.importing.problems import ImportRejected, Problem

ROW = "_row"
CSV_SUFFIXES = frozenset({".csv", ".txt"})
EXCEL_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls"})
# Title lines above the header are few; a header further down than this is not looked for.
HEADER_SEARCH_ROWS = 50
_HEAD_BYTES = 256 * 1024
_TOTAL_LABELS = ("合计", "总计", "total")


@dataclass(frozen=True)
class Table:
    """The cells of a file under the fields they mean, before any value is interpreted."""

    frame: pl.DataFrame  # ``_row`` and one String column per field found
    headers: dict[str, str]  # field name -> the header as written in the file
    header_row: int


@dataclass(frozen=True)
class _Header:
    row: int  # index among the rows looked at
    columns: dict[str, int]  # field name -> column position
    headers: dict[str, str]


def _reject(reason: str, reason_zh: str, row: int | None = None, column: str | None = None) -> ImportRejected:
    return ImportRejected([Problem(row, column, reason, reason_zh)])


def _match_header(fmt: FileFormat, cells: Sequence[str | None]) -> tuple[dict[str, int], dict[str, str]]:
    """Which column holds each field; when two columns mean one field, the preferred alias wins."""
    chosen: dict[str, tuple[int, int]] = {}
    for position, cell in enumerate(cells):
        if not cell:
            continue
        found = field_for_header(fmt, cell)
        if found is None:
            continue
        field, rank = found
        if field.name not in chosen or rank < chosen[field.name][0]:
            chosen[field.name] = (rank, position)
    columns = {name: position for name, (_, position) in chosen.items()}
    headers = {name: (cells[position] or "").strip() for name, position in columns.items()}
    return columns, headers


def _find_header(fmt: FileFormat, rows: Sequence[Sequence[str | None]]) -> _Header:
    required = {f.name for f in fmt.required}
    best: tuple[int, int] | None = None  # (fields matched, row index)
    for index, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns, headers = _match_header(fmt, cells)
        if required <= columns.keys():
            return _Header(index, columns, headers)
        matched = len(columns.keys() & required)
        if matched and (best is None or matched > best[0]):
            best = (matched, index)
    found = set(_match_header(fmt, rows[best[1]])[0]) if best is not None else set()
    missing = [f for f in fmt.required if f.name not in found]
    raise ImportRejected([_missing_column(field) for field in missing])


def _missing_column(field: Field) -> Problem:
    accepted = ", ".join(field.aliases)
    return Problem(
        None,
        field.label,
        f"required column is missing (accepted headers: {accepted})",
        f"缺少必需的列（可用的列名：{'、'.join(field.aliases)}）",
    )


def _select_fields(raw: pl.DataFrame, header: _Header, header_row: int) -> Table:
    """Keep the fields' columns and drop blank rows and a closing totals line."""
    cells = [c for c in raw.columns if c != ROW]
    # Empty cells are null already; a row of only spaces is rare enough to be read (and
    # reported as missing values) rather than paid for with a strip of every cell.
    raw = raw.filter(~pl.all_horizontal([pl.col(c).is_null() for c in cells] or [pl.lit(True)]))
    if raw.height:
        last = raw.row(raw.height - 1, named=True)
        # The label may sit in any column (often the date column, sometimes a 序号 column).
        if any(
            isinstance(value, str) and value.strip().casefold().startswith(_TOTAL_LABELS)
            for name, value in last.items()
            if name != ROW
        ):
            raw = raw.head(raw.height - 1)
    frame = raw.select(
        pl.col(ROW).cast(pl.Int64),
        *[pl.col(f"c{position}").alias(name) for name, position in header.columns.items()],
    )
    return Table(frame=frame, headers=header.headers, header_row=header_row)


# --- CSV -------------------------------------------------------------------------------------


class _NotUtf8(Exception):
    pass


def _text_head(body: bytes) -> str:
    """The first lines as text; raises ``_NotUtf8`` when they are not UTF-8."""
    head = body[:_HEAD_BYTES]
    try:
        # An incremental decoder accepts a character cut in half at the end of the head.
        return codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError as exc:
        raise _NotUtf8 from exc


def _split_line(line: str) -> tuple[list[str], str]:
    """The cells of one line, and the separator that splits it (comma, else tab)."""
    for separator in (",", "\t", ";"):
        if separator in line:
            cells = next(csv.reader([line], delimiter=separator), [])
            return cells, separator
    return [line], ","


def _read_csv(body: bytes, fmt: FileFormat) -> Table:
    lines = _text_head(body).split("\n")[:HEADER_SEARCH_ROWS]
    split = [_split_line(line.rstrip("\r")) for line in lines]
    header = _find_header(fmt, [cells for cells, _ in split])
    separator = split[header.row][1]
    width = len(split[header.row][0])
    offset = sum(len(line.encode("utf-8")) + 1 for line in lines[: header.row])
    header_row = header.row + 1
    try:
        raw = pl.read_csv(
            body,
            # Raw lines, as counted above (title lines hold no quoted line breaks); skipping
            # them in the reader avoids copying the body from the header on.
            skip_lines=header.row,
            has_header=True,
            new_columns=[f"c{i}" for i in range(width)],
            infer_schema=False,
            separator=separator,
            row_index_name=ROW,
            row_index_offset=header_row + 1,
        )
    except pl.exceptions.ComputeError as exc:
        if "utf-8" in str(exc).lower():
            raise _NotUtf8 from exc
        # Ragged or badly quoted lines: read them one by one to say which rows are wrong.
        raw = _read_csv_slowly(body[offset:], separator, width, header_row)
    return _select_fields(raw, header, header_row)


def _read_csv_slowly(body: bytes, separator: str, width: int, header_row: int) -> pl.DataFrame:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _NotUtf8 from exc
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    next(reader, None)  # the header
    rows: list[list[str | None]] = []
    problems: list[Problem] = []
    for number, cells in enumerate(reader, start=header_row + 1):
        extra = [cell for cell in cells[width:] if cell.strip()]
        if extra:
            problems.append(
                Problem(
                    number,
                    None,
                    f"has {len(cells)} cells but the header has {width}",
                    f"有 {len(cells)} 个单元格，但表头只有 {width} 列",
                )
            )
        rows.append([cell or None for cell in cells[:width]])
    if problems:
        raise ImportRejected(problems)
    return _frame_from_rows(rows, width, header_row + 1)


# --- XLSX ------------------------------------------------------------------------------------


def _cell_text(value: object) -> str | None:
    """An Excel cell as the text it shows, so every file goes through the same value rules."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        # repr is the shortest text that reads back as the same float: 254.2, not 254.19999...
        return format(Decimal(repr(value)), "f")
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return format(Decimal(str(value.total_seconds())), "f")
    return str(value)


def _read_excel(data: bytes, fmt: FileFormat) -> Table:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = [workbook.get_sheet_by_index(i) for i in range(len(workbook.sheet_names))]
        grids = [sheet.to_python(skip_empty_area=False) for sheet in sheets]
    except (CalamineError, ValueError, OSError) as exc:
        raise _reject(
            f"cannot be read as an Excel workbook ({exc})", f"无法作为 Excel 工作簿读取（{exc}）"
        ) from exc
    first_rejection: ImportRejected | None = None
    # The first sheet that has the header is the data; others (notes, charts) are ignored.
    for grid in grids:
        rows = [[_cell_text(v) for v in row] for row in grid]
        try:
            header = _find_header(fmt, rows)
        except ImportRejected as rejection:
            first_rejection = first_rejection or rejection
            continue
        width = max((len(r) for r in rows), default=0)
        header_row = header.row + 1
        raw = _frame_from_rows(rows[header.row + 1 :], width, header_row + 1)
        return _select_fields(raw, header, header_row)
    raise first_rejection or _reject("the workbook has no sheets", "工作簿中没有工作表")


def _frame_from_rows(rows: list[list[str | None]], width: int, first_row: int) -> pl.DataFrame:
    columns = {
        f"c{i}": pl.Series([row[i] if i < len(row) else None for row in rows], dtype=pl.String)
        for i in range(width)
    }
    frame = pl.DataFrame(columns, schema=dict.fromkeys(columns, pl.String))
    return frame.with_row_index(ROW, offset=first_row)


# --- entry -----------------------------------------------------------------------------------


def read_table(data: bytes, filename: str, fmt: FileFormat) -> Table:
    suffix = PurePath(filename).suffix.lower()
    if not data:
        raise _reject("the file is empty", "文件是空的")
    if suffix in EXCEL_SUFFIXES:
        return _read_excel(data, fmt)
    if suffix not in CSV_SUFFIXES:
        raise _reject(
            f"unsupported file type {suffix or '(none)'!r}: upload .csv or .xlsx",
            f"不支持的文件类型 {suffix or '（无扩展名）'!r}：请上传 .csv 或 .xlsx 文件",
        )
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    try:
        # Polars checks the whole body is UTF-8 as it reads, so no separate pass is needed.
        return _read_csv(body, fmt)
    except _NotUtf8:
        pass
    # Not UTF-8: Chinese exports from older tools are GBK, which GB18030 includes.
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise _reject(
            "cannot be read as text: it is neither UTF-8 nor GBK/GB18030",
            "无法读取文本：既不是 UTF-8 也不是 GBK/GB18030 编码",
        ) from exc
    return _read_csv(text.encode("utf-8"), fmt)
