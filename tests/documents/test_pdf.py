"""PDFs carry Chinese as real text in a CJK font."""

from __future__ import annotations

import os

import pytest

from steward.documents.pdf import NoChineseFont, cjk_font_available, html_to_pdf


@pytest.fixture
def font() -> None:
    if not cjk_font_available():
        if os.environ.get("CI") == "true":
            pytest.fail("no CJK font installed: make system-deps could not install fonts-noto-cjk")
        pytest.skip("no CJK font installed on this machine (run make system-deps)")


def test_chinese_text_is_embedded_with_a_cjk_font(font: None) -> None:
    pdf = html_to_pdf("<h1>店铺诊断报告</h1><p>支付转化率 2.0%，类目均值 3.5%</p>")
    assert pdf.startswith(b"%PDF")
    # The embedded font's name shows in the file; a missing glyph would fall back to no CJK font.
    assert b"CJK" in pdf or b"WenQuanYi" in pdf or b"Noto" in pdf


def test_missing_font_is_said_plainly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("steward.documents.pdf.cjk_font_available", lambda: False)
    with pytest.raises(NoChineseFont, match="fonts-noto-cjk"):
        html_to_pdf("<p>中文</p>")
