"""The operations plan (营运方案) as structured data: six modules, each a plain dataclass.

1. current state (现状, the diagnosis) · 2. goals (one core goal broken down by month, week or
channel) · 3. execution tasks (time, task, details, owner, reviewer, acceptance bar) · 4. resources
the merchant commits (what, how much, by when) · 5. assessment and adjustment (metric definitions,
data source and the moment figures are taken, checks, rewards and penalties, the fixed channels of
communication) · 6. risk plans (stock-out, burst of bad reviews, platform rule change, and more).

The plan editor keeps plans in this shape and the linter reads it; neither needs Django for it.
Text fields hold what the user typed, in their words; resolved dates and numbers sit next to them
so the linter can check the text *and* the figures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class BreakdownBy(StrEnum):
    MONTH = "month"  # 按月：第1个月 20万
    WEEK = "week"  # 按周：每周新增200访客
    CHANNEL = "channel"  # 按渠道：双11活动贡献8万


class Period(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


class ResourceKind(StrEnum):
    NEW_PRODUCTS = "new_products"  # 新品，按款计
    PRODUCT_PHOTOS = "product_photos"  # 商家交付的白底图、实拍图等素材
    BUDGET = "budget"  # 推广预算，按元计
    STOCK = "stock"  # 备货、安全库存
    OTHER = "other"


class RiskKind(StrEnum):
    STOCK_OUT = "stock_out"  # 断货
    BAD_REVIEW_BURST = "bad_review_burst"  # 差评爆发
    PLATFORM_RULE_CHANGE = "platform_rule_change"  # 平台规则变动
    OTHER = "other"


class IncentiveKind(StrEnum):
    REWARD = "reward"
    PENALTY = "penalty"


@dataclass
class CurrentState:
    """Module 1: where the shop stands (normally the diagnosis summary)."""

    summary: str = ""
    facts: list[str] = field(default_factory=list)


@dataclass
class CoreGoal:
    """The one goal the plan exists for, e.g. monthly sales 17.8万 → 30万 by 29 Nov."""

    metric: str
    baseline: float | None = None
    target: float | None = None
    unit: str = ""
    due: dt.date | None = None
    note: str = ""  # as the user wrote it, e.g. "以生意参谋支付金额为准"


@dataclass
class GoalPart:
    """One slice of the breakdown: a month, a week or a channel and what it must bring."""

    by: BreakdownBy
    label: str  # "第1个月（9月7日—10月4日）", "第3周", "直通车"
    target: float | None = None
    unit: str = ""
    metric: str = ""  # empty: the core goal's metric


@dataclass
class Goals:
    """Module 2."""

    core: CoreGoal | None = None
    breakdown: list[GoalPart] = field(default_factory=list)


@dataclass
class ExecutionTask:
    """Module 3: one row of the week-by-week task table; it becomes a duty when the plan is confirmed."""

    time: str  # as written: "第3周周一", "5月10日前"
    task: str
    details: str = ""
    owner: str = ""  # the role that leads (负责人)
    reviewer: str = ""  # the role that checks the result (复核人)
    acceptance: str = ""  # the bar, with a number
    due: dt.date | None = None  # resolved by the editor once the plan's start date is known


@dataclass
class ResourceCommitment:
    """Module 4: something the merchant commits to deliver ("每月上新2款", "每月推广预算12,000元")."""

    what: str
    kind: ResourceKind = ResourceKind.OTHER
    amount: float | None = None
    unit: str = ""  # 款, 张, 元
    per: Period | None = None  # None: a one-off delivery
    delivery: str = ""  # as written: "每月5日前", "每周一10:00前"
    due: dt.date | None = None  # for one-off deliveries
    flexible_share: float | None = None  # budgets: the fraction kept re-allocatable (0.2 = 20%)


@dataclass
class MetricDefinition:
    """How a rate is computed, so that nobody argues about it at settlement time."""

    metric: str  # 支付转化率
    formula: str  # 支付买家数÷访客数


@dataclass
class AssessmentCheck:
    """A figure checked at a fixed moment and what happens when it misses."""

    metric: str
    bar: str  # "≥4%"
    when: str  # "每周五18:00"
    on_miss: str = ""  # "2天内测试3组新主图"


@dataclass
class Incentive:
    kind: IncentiveKind
    condition: str  # "3个月累计销售额超过目标"
    consequence: str  # "额外支付超出部分5%的服务费"


@dataclass
class CommunicationChannel:
    channel: str  # 企业微信工作群, 视频周会
    frequency: str  # 每周一10:00
    purpose: str = ""


@dataclass
class Assessment:
    """Module 5: which figures are checked when, how they are defined and where they come from."""

    definitions: list[MetricDefinition] = field(default_factory=list)
    data_source: str = ""  # 生意参谋
    figures_taken_at: str = ""  # 每周五18:00截图
    checks: list[AssessmentCheck] = field(default_factory=list)
    incentives: list[Incentive] = field(default_factory=list)
    communication: list[CommunicationChannel] = field(default_factory=list)


@dataclass
class RiskPlan:
    """Module 6: a foreseeable incident, what triggers the plan and what is done."""

    kind: RiskKind
    trigger: str
    response: str
    owner: str = ""
    title: str = ""  # for kind OTHER: what the risk is


@dataclass
class OperationsPlan:
    title: str
    current_state: CurrentState = field(default_factory=CurrentState)
    goals: Goals = field(default_factory=Goals)
    tasks: list[ExecutionTask] = field(default_factory=list)
    resources: list[ResourceCommitment] = field(default_factory=list)
    assessment: Assessment = field(default_factory=Assessment)
    risks: list[RiskPlan] = field(default_factory=list)
    language: str | None = None  # "zh" or "en"; None: detected from the text

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> OperationsPlan:
        """Build a plan from plain data (a JSON document, a form's cleaned data).

        Keys are the field names above; dates are ISO strings; unknown keys are ignored so that an
        older or newer editor's export still reads.
        """
        goals = _mapping(data.get("goals"))
        core = _mapping(goals.get("core")) if goals.get("core") else None
        assessment = _mapping(data.get("assessment"))
        state = _mapping(data.get("current_state"))
        return cls(
            title=str(data.get("title", "")),
            language=data.get("language"),
            current_state=CurrentState(
                summary=str(state.get("summary", "")),
                facts=[str(fact) for fact in _sequence(state.get("facts"))],
            ),
            goals=Goals(
                core=(
                    CoreGoal(
                        metric=str(core.get("metric", "")),
                        baseline=_number(core.get("baseline")),
                        target=_number(core.get("target")),
                        unit=str(core.get("unit", "")),
                        due=_date(core.get("due")),
                        note=str(core.get("note", "")),
                    )
                    if core is not None
                    else None
                ),
                breakdown=[
                    GoalPart(
                        by=BreakdownBy(part["by"]),
                        label=str(part.get("label", "")),
                        target=_number(part.get("target")),
                        unit=str(part.get("unit", "")),
                        metric=str(part.get("metric", "")),
                    )
                    for part in map(_mapping, _sequence(goals.get("breakdown")))
                ],
            ),
            tasks=[
                ExecutionTask(
                    time=str(task.get("time", "")),
                    task=str(task.get("task", "")),
                    details=str(task.get("details", "")),
                    owner=str(task.get("owner", "")),
                    reviewer=str(task.get("reviewer", "")),
                    acceptance=str(task.get("acceptance", "")),
                    due=_date(task.get("due")),
                )
                for task in map(_mapping, _sequence(data.get("tasks")))
            ],
            resources=[
                ResourceCommitment(
                    what=str(item.get("what", "")),
                    kind=ResourceKind(item.get("kind", ResourceKind.OTHER)),
                    amount=_number(item.get("amount")),
                    unit=str(item.get("unit", "")),
                    per=Period(item["per"]) if item.get("per") else None,
                    delivery=str(item.get("delivery", "")),
                    due=_date(item.get("due")),
                    flexible_share=_number(item.get("flexible_share")),
                )
                for item in map(_mapping, _sequence(data.get("resources")))
            ],
            assessment=Assessment(
                definitions=[
                    MetricDefinition(metric=str(d.get("metric", "")), formula=str(d.get("formula", "")))
                    for d in map(_mapping, _sequence(assessment.get("definitions")))
                ],
                data_source=str(assessment.get("data_source", "")),
                figures_taken_at=str(assessment.get("figures_taken_at", "")),
                checks=[
                    AssessmentCheck(
                        metric=str(c.get("metric", "")),
                        bar=str(c.get("bar", "")),
                        when=str(c.get("when", "")),
                        on_miss=str(c.get("on_miss", "")),
                    )
                    for c in map(_mapping, _sequence(assessment.get("checks")))
                ],
                incentives=[
                    Incentive(
                        kind=IncentiveKind(i["kind"]),
                        condition=str(i.get("condition", "")),
                        consequence=str(i.get("consequence", "")),
                    )
                    for i in map(_mapping, _sequence(assessment.get("incentives")))
                ],
                communication=[
                    CommunicationChannel(
                        channel=str(c.get("channel", "")),
                        frequency=str(c.get("frequency", "")),
                        purpose=str(c.get("purpose", "")),
                    )
                    for c in map(_mapping, _sequence(assessment.get("communication")))
                ],
            ),
            risks=[
                RiskPlan(
                    kind=RiskKind(r.get("kind", RiskKind.OTHER)),
                    trigger=str(r.get("trigger", "")),
                    response=str(r.get("response", "")),
                    owner=str(r.get("owner", "")),
                    title=str(r.get("title", "")),
                )
                for r in map(_mapping, _sequence(data.get("risks")))
            ],
        )


def _mapping(value: object) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ValueError(f"expected an object, got {type(value).__name__}")
    return value


def _sequence(value: object) -> Sequence[Any]:
    if value is None:
        return ()
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise ValueError(f"expected a list, got {type(value).__name__}")
    return value


def _number(value: object) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"expected a number, got {value!r}")
    return float(value)


def _date(value: object) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))
