"""Sample plans for the plan linter: good ones that must pass clean, vague ones that must not.

The good plans are the kind 云帆托管 writes for 山野茶舍 (Tmall), 海边渔具 (JD) and 青木家居
(Douyin): twelve weeks, owners and reviewers, dates, numbers, metric definitions, a data source
with the moment figures are taken, contingencies, a fixed channel and 20–25% flexible budget.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

SAMPLES = Path(__file__).parent / "samples"

# A Tuesday: "尽快" is then proposed as Friday 28 November, as in the example.
TODAY = dt.date(2025, 11, 18)

GOOD_TEXT_SAMPLES = (
    "good_zh.md",
    "good_zh.txt",
    "good_zh_nested.md",
    "good_en.md",
    "good_en.txt",
    "good_en_nested.md",
)
VAGUE_TEXT_SAMPLES = ("vague_zh.md", "vague_zh.txt", "vague_en.md", "vague_en.txt")


def sample(name: str) -> str:
    return (SAMPLES / name).read_text(encoding="utf-8")
