"""王老板 downloads October's statement: a Chinese PDF and a spreadsheet that add up by hand."""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from steward.billing import exports, services
from steward.billing.contract import Month
from steward.billing.models import Statement
from steward.documents.pdf import cjk_font_available
from tests.billing.app_samples import load_october, signed_contract
from tests.conftest import World


@pytest.fixture
def statement(world: World) -> Statement:
    signed_contract(world)
    load_october(world)
    statement = services.draft_statement(
        world.engagement, world.agency_lead, Month(2026, 10), as_of=dt.date(2026, 11, 20)
    )
    services.dispute_line(
        statement.lines.get(clause="commission_over_target"), world.merchant_owner, "退款未扣"
    )
    return statement


def test_the_pdf_carries_the_lines_and_the_dispute_in_chinese(statement: Statement, tmp_path: Path) -> None:
    if not cjk_font_available() or shutil.which("pdftotext") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("no CJK font or poppler-utils: make system-deps could not install them")
        pytest.skip("no CJK font or poppler-utils on this machine (run make system-deps)")
    path = tmp_path / "statement.pdf"
    path.write_bytes(exports.statement_pdf(statement))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "月度结算单 2026-10" in text
    assert "超额提成" in text and "¥500.02" in text
    assert "退款未扣" in text
    assert "应付总额" in text and "¥24,000.02" in text


def test_the_spreadsheet_holds_exact_amounts_and_a_check_sum(statement: Statement) -> None:
    book = load_workbook(io.BytesIO(exports.statement_xlsx(statement)))
    sheet = book["结算单"]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows.index(("序号", "条款", "说明", "计算过程", "金额(元)", "代付", "异议"))
    lines = [row for row in rows[header + 1 :] if isinstance(row[0], int)]
    amounts = [Decimal(str(row[4])) for row in lines]
    assert sum(amounts) == statement.total_due == Decimal("24000.02")
    assert any(row[6] and "退款未扣" in row[6] for row in lines)
    assert any(row[4] == "=SUM(E5:E9)" for row in rows)
    sources = {row[0]: row[2] for row in book["数据来源"].iter_rows(min_row=2, values_only=True)}
    assert "山野茶舍天猫店" in sources["成交金额(GMV)"]
