"""A statement as a PDF (Chinese, for the merchant's files) and as XLSX (for their accountant).

Both show what the page shows: every line with its clause, formula and amount, the totals that
are sums of those lines, the figures with their sources, and any disputes with their answers.
Amounts go into the spreadsheet as Decimal, never as float, with a two-decimal number format.
"""

from __future__ import annotations

import io
from typing import Any

from django.http import HttpResponse
from django.template.loader import render_to_string
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from steward.billing.models import Statement
from steward.documents.pdf import NoChineseFont, html_to_pdf

MONEY_FORMAT = "#,##0.00"
FIGURE_LABELS = {
    "target": "当月目标",
    "gmv": "成交金额(GMV)",
    "refunds": "退款金额",
    "profit": "利润(商家申报)",
    "ad_spend": "推广花费",
    "late_duty_days": "事项延误天数",
    "unpaid_previous": "上期未付金额",
    "days_past_due": "上期逾期天数",
}


def figure_rows(statement: Statement) -> list[tuple[str, str, object, str]]:
    """(key, label, value, source) of every figure the statement was computed from."""
    return [
        (key, FIGURE_LABELS.get(key, key), value, statement.sources.get(key, ""))
        for key, value in statement.figures.items()
        if key != "history"
    ]


def statement_context(statement: Statement) -> dict[str, Any]:
    lines = list(statement.lines.prefetch_related("duties", "disputes__raised_by", "disputes__answered_by"))
    return {
        "statement": statement,
        "engagement": statement.engagement,
        "lines": lines,
        "service_lines": [line for line in lines if not line.pass_through],
        "passed_lines": [line for line in lines if line.pass_through],
        "figure_rows": figure_rows(statement),
        # Each line with the figures behind it, named as people read them.
        "rows": [(line, [(key, FIGURE_LABELS.get(key, key)) for key in line.figure_keys]) for line in lines],
        "figure_labels": FIGURE_LABELS,
    }


def statement_pdf(statement: Statement) -> bytes:
    html = render_to_string("billing/statement_pdf.html", statement_context(statement))
    return html_to_pdf(html)


def _filename(statement: Statement, ext: str) -> str:
    return f"statement-{statement.engagement_id}-{statement.month}-{statement.number}.{ext}"


def pdf_response(statement: Statement) -> HttpResponse:
    try:
        data = statement_pdf(statement)
    except NoChineseFont as error:
        return HttpResponse(str(error), status=503, content_type="text/plain; charset=utf-8")
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(statement, "pdf")}"'
    return response


def statement_xlsx(statement: Statement) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "结算单"
    engagement = statement.engagement
    sheet.append([f"{engagement.name} 结算单 {statement.month}(第 {statement.number} 版)"])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(["状态", statement.get_state_display(), "付款截止日", statement.due_on.isoformat()])
    sheet.append([])
    sheet.append(["序号", "条款", "说明", "计算过程", "金额(元)", "代付", "异议"])
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    first_line_row = 5
    context = statement_context(statement)
    for line in context["lines"]:
        disputes = "\n".join(
            f"{d.raised_by}:{d.reason}" + (f" / 答复 {d.answered_by}:{d.answer}" if d.answer else "")
            for d in line.disputes.all()
        )
        sheet.append(
            [
                line.position,
                f"第 {line.clause_index} 条 {line.clause}" if line.clause_index else line.clause,
                line.description_zh,
                line.formula_zh,
                line.amount,
                "是" if line.pass_through else "",
                disputes,
            ]
        )
    last_line_row = sheet.max_row
    sheet.append([])
    # The totals are the stored sums of the rounded lines; a SUM formula beside them lets the
    # accountant see the spreadsheet agree.
    for label, amount in (
        ("服务费合计", statement.service_fee),
        ("代付合计", statement.pass_through),
        ("应付总额", statement.total_due),
    ):
        sheet.append(["", "", label, "", amount])
    sheet.append(["", "", "各行之和(核对)", "", f"=SUM(E{first_line_row}:E{last_line_row})"])
    for row in sheet.iter_rows(min_row=first_line_row, min_col=5, max_col=5):
        for cell in row:
            cell.number_format = MONEY_FORMAT
    for row in sheet.iter_rows(min_row=first_line_row, min_col=3, max_col=4):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for column, width in zip("ABCDEFG", (6, 26, 28, 70, 14, 6, 40), strict=True):
        sheet.column_dimensions[column].width = width

    figures = book.create_sheet("数据来源")
    figures.append(["数据", "数值", "来源"])
    for _key, label, value, source in figure_rows(statement):
        figures.append([label, value, source])
    figures.column_dimensions["A"].width = 18
    figures.column_dimensions["B"].width = 16
    figures.column_dimensions["C"].width = 70
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_response(statement: Statement) -> HttpResponse:
    response = HttpResponse(
        statement_xlsx(statement),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(statement, "xlsx")}"'
    return response
