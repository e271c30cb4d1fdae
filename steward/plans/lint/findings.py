"""What the linter reports: one finding per problem, with the line, the words and a rewrite."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class FindingCode(StrEnum):
    # the six must-haves
    VAGUE_DEADLINE = "vague-deadline"  # 尽快 / 月底前 / ASAP with no date, or a task with no time
    UNMEASURABLE_ACCEPTANCE = "unmeasurable-acceptance"  # 满意为止, "improve" with no number
    MISSING_OWNER = "missing-owner"  # a duty with no lead, or nobody who reviews it
    MISSING_CONTINGENCY = "missing-contingency"  # no plan for stock-out, bad reviews, rule change
    MISSING_CHANNEL = "missing-channel"  # no fixed channel and frequency of communication
    MISSING_DATA_SOURCE = "missing-data-source"  # targets or fees without source and moment
    # the three traps
    UNCLEAR_METRIC = "unclear-metric"  # a rate named without its definition
    GOAL_WITHOUT_PATH = "goal-without-path"  # a core goal not broken down by month or week
    OVERCOMMITMENT = "overcommitment"  # tasks need more than the merchant committed
    NO_FLEX_BUDGET = "no-flex-budget"  # no share of the budget left to re-allocate


class Language(StrEnum):
    ZH = "zh"
    EN = "en"


@dataclass(frozen=True)
class Finding:
    """One problem in a plan.

    ``line`` is 1-based for text and ``None`` for what concerns the whole document (a missing
    contingency plan) or a structured plan, where ``field`` says where it is instead.
    """

    code: FindingCode
    line: int | None
    excerpt: str
    message: str
    suggestion: str
    field: str | None = None

    def as_json(self) -> dict[str, object]:
        """The five keys of the command's JSON output (``field`` is for the editor only)."""
        return {
            "code": str(self.code),
            "line": self.line,
            "excerpt": self.excerpt,
            "message": self.message,
            "suggestion": self.suggestion,
        }
