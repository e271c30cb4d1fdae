"""A plan as the checks see it: statements in sections, duties, and what the plan says as a whole.

Text (Markdown or plain, Chinese or English) and the structured plan are both *read* into a
:class:`PlanReading`; the checks then run once, on the reading, so both forms are held to the same
must-haves. The readers live in :mod:`.text_reading` and :mod:`.plan_reading`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from steward.plans.lint.cadence import Rate
from steward.plans.lint.findings import Language
from steward.plans.lint.vocabulary import MetricFamily, Platform, VagueDeadline
from steward.plans.structure import RiskKind


class Section(StrEnum):
    """The six modules, plus text that sits outside any of them."""

    STATE = "state"
    GOALS = "goals"
    TASKS = "tasks"
    RESOURCES = "resources"
    ASSESSMENT = "assessment"
    RISKS = "risks"
    OTHER = "other"


@dataclass(frozen=True)
class Statement:
    """One line of text, one table row, or one field of a structured plan."""

    text: str  # as written, Markdown markers removed
    folded: str  # the same, folded for matching (same length as text)
    section: Section
    excerpt: str  # what a finding quotes
    line: int | None = None  # 1-based, for text
    field: str | None = None  # e.g. "tasks[2]", for structured plans
    part_of_duty: bool = False  # a nested line that details the duty above it


class DutyForm(StrEnum):
    TABLE_ROW = "table_row"  # a row of a Markdown task table
    LINE = "line"  # a list item or "第3周：…" line in the execution section
    FIELD = "field"  # an ExecutionTask of a structured plan


@dataclass(frozen=True)
class Duty:
    """A task someone must do by a day, led by one person, checked by another, against a bar."""

    statement: Statement
    form: DutyForm
    subject: str  # the task's own words, to build rewrites from
    has_time: bool
    has_owner: bool
    has_reviewer: bool
    acceptance: str | None  # the bar as written; None when the duty has no separate bar
    vague: VagueDeadline | None = None  # structured tasks: a vague phrase in the time field
    is_goal: bool = False  # a structured core goal without a day is held to the same rule
    # Markdown tables: the header row, and whether it has owner / reviewer columns at all. A
    # missing column is reported once, on the header, not on every row.
    header: Statement | None = None
    owner_column: bool = True
    reviewer_column: bool = True


@dataclass(frozen=True)
class RateAt:
    rate: Rate
    statement: Statement


@dataclass(frozen=True)
class RiskCover:
    covered: bool  # a trigger and a response are written down
    mention: Statement | None = None  # named, but without a plan


@dataclass(frozen=True)
class Budget:
    statement: Statement
    monthly: float | None
    flex_share: float | None  # the largest share said to be re-allocatable
    flex_said: bool  # flexibility is mentioned at all


@dataclass
class PlanReading:
    language: Language
    platform: Platform
    statements: list[Statement] = field(default_factory=list)
    duties: list[Duty] = field(default_factory=list)
    every_task_reviewed: bool = False  # "所有任务由运营主管复核"
    core_goal: Statement | None = None
    goal_has_path: bool = False
    figures: list[Statement] = field(default_factory=list)  # targets and fees needing a source
    source_named: bool = False
    moment_named: bool = False
    channel_fixed: bool = False  # a channel *and* a frequency
    channel_mention: Statement | None = None  # a channel named without a frequency
    risks: dict[RiskKind, RiskCover] = field(default_factory=dict)
    commitments: list[RateAt] = field(default_factory=list)
    demands: list[RateAt] = field(default_factory=list)
    budget: Budget | None = None
    defined_metrics: set[MetricFamily] = field(default_factory=set)


CONTINGENCIES = (RiskKind.STOCK_OUT, RiskKind.BAD_REVIEW_BURST, RiskKind.PLATFORM_RULE_CHANGE)
