"""PDFs carry Chinese as real text in a CJK font."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from steward.documents.pdf import NoChineseFont, cjk_font_available, html_to_pdf


@pytest.fixture
def font() -> None:
    if not cjk_font_available():
        if os.environ.get("CI") == "true":
            pytest.fail("no CJK font installed: make system-deps could not install fonts-noto-cjk")
        pytest.skip("no CJK font installed on this machine (run make system-deps)")


def test_chinese_text_is_embedded_with_a_cjk_font(font: None, tmp_path: Path) -> None:
    if shutil.which("pdffonts") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("poppler-utils is not installed: make system-deps could not install it")
        pytest.skip("poppler-utils is not installed (run make system-deps)")
    pdf = html_to_pdf("<h1>店铺诊断报告</h1><p>支付转化率 2.0%，类目均值 3.5%</p>")
    assert pdf.startswith(b"%PDF")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "CJK" in fonts or "WenQuanYi" in fonts
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "店铺诊断报告" in text
    assert "支付转化率 2.0%，类目均值 3.5%" in text


def test_missing_font_is_said_plainly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("steward.documents.pdf.cjk_font_available", lambda: False)
    with pytest.raises(NoChineseFont, match="fonts-noto-cjk"):
        html_to_pdf("<p>中文</p>")
