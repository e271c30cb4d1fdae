"""A diagnosis as a file: PDF (Chinese renders through the CJK font stack), XLSX, Markdown."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from steward.diagnosis.compute import Diagnosis, pct_text, peer_text, yuan_text
from steward.diagnosis.figures import bridge_svg, complaints_svg, trend_svg
from steward.documents.pdf import html_to_pdf

VERDICTS = {"better": "优于同类", "worse": "落后同类", "par": "持平", "unknown": "无基准"}


class NoDiagnosisData(ValueError):
    """The shop has no daily numbers yet: there is nothing to export."""


def _require(diagnosis: Diagnosis) -> None:
    if not diagnosis.has_data or diagnosis.summary is None or diagnosis.stage is None:
        raise NoDiagnosisData(f"{diagnosis.shop.code} has no daily numbers to diagnose")


def as_pdf(diagnosis: Diagnosis) -> bytes:
    _require(diagnosis)
    html = render_to_string(
        "diagnosis/pdf.html",
        {
            "diagnosis": diagnosis,
            "generated_at": timezone.localtime(),
            "svg": {
                "trend": trend_svg(diagnosis),
                "bridge": bridge_svg(diagnosis),
                "complaints": complaints_svg(diagnosis),
            },
        },
    )
    return html_to_pdf(html)


def _num(value: Decimal | None, places: str = "0.0001") -> Decimal | None:
    # Spreadsheet cells keep exact decimals; display rounding is the reader's choice.
    return None if value is None else value.quantize(Decimal(places))


def _yuan(fen: int | Decimal | None) -> Decimal | None:
    return None if fen is None else (Decimal(fen) / 100).quantize(Decimal("0.01"))


def as_xlsx(diagnosis: Diagnosis) -> bytes:
    """One sheet per section; money in yuan with cents, rates as fractions."""
    _require(diagnosis)
    assert diagnosis.summary is not None and diagnosis.stage is not None
    book = Workbook()
    sheets: list[tuple[str, list[str], Sequence[Sequence[object]]]] = []
    stage = diagnosis.stage
    sheets.append(
        (
            "结论",
            ["项目", "内容"],
            [
                ["店铺", diagnosis.shop.name],
                ["数据范围", f"{diagnosis.window_start} 至 {diagnosis.window_end}"],
                ["阶段", stage.label],
                ["判断依据", stage.reason],
                *([["说明", diagnosis.short_history]] if diagnosis.short_history else []),
                *[
                    [
                        f"问题 {i}",
                        f"{p.title}（约 {yuan_text(p.at_stake_fen)} / 4 周）：{'；'.join(p.evidence)}",
                    ]
                    for i, p in enumerate(diagnosis.problems, 1)
                ],
                *[["优势", s] for s in diagnosis.strengths],
            ],
        )
    )
    weeks = [
        [
            w.start,
            w.end,
            w.visitors,
            w.buyers,
            _num(w.conversion),
            _yuan(w.aov_fen),
            _yuan(w.gmv_fen),
            _yuan(w.refunds_fen),
            _yuan(w.ad_spend_fen),
            _num(w.roi),
            _num(w.organic_share),
            _num(w.first_response_s, "0.1"),
        ]
        for w in [diagnosis.summary, *diagnosis.weeks]
    ]
    sheets.append(
        (
            "核心指标与每周走势",
            [
                "开始",
                "结束",
                "访客",
                "支付买家",
                "支付转化率",
                "客单价(元)",
                "支付金额(元)",
                "退款(元)",
                "推广花费(元)",
                "投入产出比",
                "自然流量占比",
                "首次响应(秒)",
            ],
            weeks,
        )
    )
    sheets.append(
        (
            "同类对比",
            ["指标", "我们", "类目", "对比", "判断"],
            [
                [
                    p.label,
                    _num(p.ours) if p.unit != "money" else _yuan(p.ours),
                    _num(p.peer) if p.unit != "money" else _yuan(p.peer),
                    peer_text(p),
                    VERDICTS[p.verdict],
                ]
                for p in diagnosis.peers
            ],
        )
    )
    if diagnosis.bridge is not None:
        b = diagnosis.bridge
        sheets.append(
            (
                "支付金额拆解",
                ["项目", "影响(元)"],
                [
                    ["前 4 周支付金额", _yuan(b.before.gmv_fen)],
                    ["访客", _yuan(b.visitors_fen)],
                    ["转化率", _yuan(b.conversion_fen)],
                    ["客单价", _yuan(b.order_value_fen)],
                    ["近 4 周支付金额", _yuan(b.after.gmv_fen)],
                    ["变化合计", _yuan(b.change_fen)],
                ],
            )
        )
    sheets.append(
        (
            "商品结构",
            [
                "编码",
                "商品",
                "角色",
                "近4周销售额(元)",
                "占比",
                "较前4周",
                "库存",
                "可售天数",
                "买家",
                "复购率",
            ],
            [
                [
                    p.code,
                    p.name,
                    p.role_label,
                    _yuan(p.gmv_fen),
                    _num(p.share),
                    _num(p.trend),
                    p.stock,
                    p.cover_days,
                    p.buyers,
                    _num(p.repurchase_rate),
                ]
                for p in diagnosis.products
            ]
            + [[], ["角色", "商品数", "数量占比", "建议占比", "销售额占比"]]
            + [
                [r.label, r.products, _num(r.count_share), r.guide, _num(r.gmv_share)]
                for r in diagnosis.roles
            ],
        )
    )
    complaints = diagnosis.complaints
    sheets.append(
        (
            "差评关键词",
            ["关键词", "差评数", "例子"],
            [[t.term, t.count, " / ".join(t.examples)] for t in (complaints.themes if complaints else [])],
        )
    )
    book.remove(book.active)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title)
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def as_markdown(diagnosis: Diagnosis) -> str:
    _require(diagnosis)
    assert diagnosis.summary is not None and diagnosis.stage is not None
    k, stage = diagnosis.summary, diagnosis.stage
    lines = [
        f"# {diagnosis.shop.name} · 店铺诊断",
        "",
        f"数据 {diagnosis.window_start} 至 {diagnosis.window_end}，{diagnosis.shop.platform_label} · {diagnosis.shop.category}",
        "",
    ]
    if diagnosis.short_history:
        lines += [f"> {diagnosis.short_history}", ""]
    lines += ["## 阶段", "", f"**{stage.label}**：{stage.reason}", "", "## 优先要解决的问题", ""]
    for i, p in enumerate(diagnosis.problems, 1):
        lines.append(f"{i}. **{p.title}**（约 {yuan_text(p.at_stake_fen)} / 4 周）")
        lines += [f"   - {e}" for e in p.evidence]
        lines.append(f"   - 估算方法：{p.basis}")
    if diagnosis.strengths:
        lines += ["", "## 优势", "", *[f"- {s}" for s in diagnosis.strengths]]
    lines += [
        "",
        "## 核心指标",
        "",
        "| 指标 | 数值 |",
        "| --- | ---: |",
        f"| 访客数 | {k.visitors:,} |",
        f"| 支付转化率 | {pct_text(k.conversion, 2)} |",
        f"| 客单价 | {yuan_text(k.aov_fen)} |",
        f"| 支付金额 | {yuan_text(k.gmv_fen)} |",
        f"| 退款率 | {pct_text(k.refund_rate)} |",
        f"| 推广花费 | {yuan_text(k.ad_spend_fen)} |",
        f"| 自然流量占比 | {pct_text(k.organic_share)} |",
        "",
        "## 同类对比",
        "",
        *[
            f"- {p.label}：{peer_text(p)}（{VERDICTS[p.verdict]}）"
            for p in diagnosis.peers
            if p.verdict != "unknown"
        ],
    ]
    if diagnosis.bridge is not None:
        b = diagnosis.bridge
        lines += [
            "",
            "## 支付金额拆解（近 4 周对比前 4 周）",
            "",
            f"{yuan_text(b.before.gmv_fen)} → {yuan_text(b.after.gmv_fen)}：访客 {_signed(b.visitors_fen)}，转化率 {_signed(b.conversion_fen)}，客单价 {_signed(b.order_value_fen)}",
        ]
    lines += [
        "",
        "## 商品结构",
        "",
        "| 角色 | 商品数 | 数量占比 | 建议 | 销售额占比 |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    lines += [
        f"| {r.label} | {r.products} | {pct_text(r.count_share, 0)} | {pct_text(r.guide, 0)} | {pct_text(r.gmv_share, 0)} |"
        for r in diagnosis.roles
    ]
    if diagnosis.complaints and diagnosis.complaints.themes:
        lines += ["", "## 差评关键词", ""]
        lines += [
            f"- {t.term}（{t.count} 条）：{' / '.join(t.examples)}" for t in diagnosis.complaints.themes
        ]
    return "\n".join(lines) + "\n"


def _signed(fen: int) -> str:
    text = yuan_text(fen)
    return text if text.startswith("-") else f"+{text}"


FORMATS: dict[str, tuple[str, str, Callable[[Diagnosis], bytes]]] = {
    "pdf": ("application/pdf", "pdf", as_pdf),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", as_xlsx),
    "md": ("text/markdown; charset=utf-8", "md", lambda d: as_markdown(d).encode()),
}
