"""Building export files the way the platforms write them, and fingerprints of the tables."""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Sequence
from typing import Any

import pytest
from django.db import models

from steward.audit.models import AuditEvent
from steward.shops.models import (
    Campaign,
    CampaignDaily,
    ImportBatch,
    Order,
    Review,
    ShopDaily,
    Sku,
    SkuDaily,
)

Cell = str | int | float | None
IMPORT_TABLES: tuple[type[models.Model], ...] = (
    ShopDaily,
    Campaign,
    CampaignDaily,
    Sku,
    SkuDaily,
    Review,
    Order,
    ImportBatch,
    AuditEvent,
)


def csv_bytes(rows: Sequence[Sequence[Cell]], encoding: str = "utf-8", newline: str = "\n") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=newline)
    for row in rows:
        writer.writerow(["" if cell is None else cell for cell in row])
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: Sequence[Sequence[Any]], *, sheet: str = "报表", notes_first: bool = False) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    first = workbook.active
    assert first is not None
    if notes_first:
        first.title = "说明"
        first.append(["本表由后台导出"])
        data = workbook.create_sheet(sheet)
    else:
        first.title = sheet
        data = first
    for row in rows:
        data.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def fingerprint() -> dict[str, tuple[int, str]]:
    """Row count and a checksum of every row of every table an import may touch."""
    prints = {}
    for model in IMPORT_TABLES:
        rows = sorted(repr(sorted(r.items())) for r in model.objects.values())
        digest = hashlib.sha256("\n".join(rows).encode()).hexdigest()
        prints[model.__name__] = (len(rows), digest)
    return prints


CAMPAIGN_HEADER = [
    "日期",
    "计划名称",
    "花费",
    "展现量",
    "点击量",
    "点击率",
    "总成交金额",
    "总成交笔数",
    "投入产出比",
]


@pytest.fixture
def campaign_file() -> bytes:
    return csv_bytes(
        [
            ["推广报表 2026-10-01~2026-10-02"],
            CAMPAIGN_HEADER,
            ["2026-10-01", "春茶上新", "1,234.50", "12,000", "360", "3.00%", "¥3,086.25", "12", "2.50"],
            ["2026-10-01", "老客回购", "101.68", "5000", "100", "2.00%", "254.20", "2", "2.50"],
            ["2026-10-02", "春茶上新", "0", "0", "0", "0.00%", "0", "0", "-"],
            ["合计", "", "1,336.18", "17,000", "460", "", "3,340.45", "14", ""],
        ]
    )
