"""HTML to PDF with a CJK font, so Chinese renders as text, never as boxes.

WeasyPrint draws the HTML; the font stack names the CJK fonts the Makefile installs (Noto Sans
CJK, WenQuanYi Micro Hei). ``cjk_font_available`` lets callers say plainly when none is present.
"""

from __future__ import annotations

import functools
import subprocess

CJK_FONT_STACK = '"Noto Sans CJK SC", "Noto Sans SC", "WenQuanYi Micro Hei", "Source Han Sans SC", sans-serif'

BASE_CSS = f"""
@page {{ size: A4; margin: 16mm 14mm 18mm 14mm;
        @bottom-right {{ content: counter(page) " / " counter(pages); font-size: 8pt; color: #666; }} }}
html {{ font-family: {CJK_FONT_STACK}; font-size: 10pt; color: #1f2933; line-height: 1.5; }}
h1 {{ font-size: 17pt; margin: 0 0 4mm; }}
h2 {{ font-size: 12.5pt; margin: 6mm 0 2mm; border-bottom: 1px solid #d9e2ec; padding-bottom: 1mm; }}
h3 {{ font-size: 11pt; margin: 4mm 0 1.5mm; }}
table {{ border-collapse: collapse; width: 100%; margin: 2mm 0 4mm; }}
th, td {{ border-bottom: 1px solid #e4e7eb; padding: 1.4mm 2mm; text-align: left; vertical-align: top; }}
th {{ background: #f0f4f8; font-weight: 600; }}
td.num, th.num {{ text-align: right; font-variant-numeric: tabular-nums; }}
.muted {{ color: #616e7c; }}
.meta {{ color: #52606d; font-size: 9pt; margin-bottom: 4mm; }}
.good {{ color: #1f7a3f; }} .bad {{ color: #b42318; }} .warn {{ color: #b54708; }}
img, svg {{ max-width: 100%; }}
"""


@functools.cache
def cjk_font_available() -> bool:
    """Whether fontconfig knows a font that covers Simplified Chinese."""
    try:
        found = subprocess.run(
            ["fc-list", ":lang=zh", "family"],  # noqa: S607 - fontconfig is a system tool
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return bool(found.stdout.strip())


class NoChineseFont(RuntimeError):
    """No CJK font is installed: a PDF would show boxes instead of Chinese text."""


def html_to_pdf(html: str, *, extra_css: str = "", require_cjk: bool = True) -> bytes:
    """Render an HTML document (a full page or a fragment) to PDF bytes."""
    if require_cjk and not cjk_font_available():
        raise NoChineseFont(
            "no Chinese font is installed (install fonts-noto-cjk or fonts-wqy-microhei); "
            "the PDF would show boxes instead of Chinese text"
        )
    from weasyprint import CSS, HTML

    document = HTML(string=html)
    return document.write_pdf(stylesheets=[CSS(string=BASE_CSS + extra_css)]) or b""
