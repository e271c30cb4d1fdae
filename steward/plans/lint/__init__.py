"""The plan linter (方案体检): checks an operations plan against the six must-haves and three traps.

    lint_text(text)  -> list[Finding]   # a plan pasted or uploaded as Markdown or plain text
    lint_plan(plan)  -> list[Finding]   # the structured plan of the plan editor

Both read the plan into the same :class:`~steward.plans.lint.reading.PlanReading` and run the same
checks. Findings come back ordered by line, plan-wide ones last. ``today`` only decides which days
the rewrites propose ("尽快" → the Friday of next week); it defaults to the date in Shanghai.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from steward.plans.lint.checks import check
from steward.plans.lint.findings import Finding, FindingCode, Language
from steward.plans.lint.plan_reading import read_plan
from steward.plans.lint.text_reading import read_text
from steward.plans.structure import OperationsPlan

__all__ = ["Finding", "FindingCode", "Language", "lint_plan", "lint_text"]


def lint_text(text: str, *, today: dt.date | None = None) -> list[Finding]:
    """Findings for a plan written as text; each has the 1-based line it is on (None: plan-wide)."""
    return check(read_text(text), today or _today())


def lint_plan(plan: OperationsPlan, *, today: dt.date | None = None) -> list[Finding]:
    """Findings for a structured plan; ``Finding.field`` says where (``"tasks[2]"``)."""
    return check(read_plan(plan), today or _today())


def _today() -> dt.date:
    # Plans are written for shops on Chinese platforms; their "today" is Shanghai's.
    return dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()
