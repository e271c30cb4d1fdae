"""方案体检 on the structured plan the plan editor keeps: the same must-haves, reported by field."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable

import pytest

from steward.plans.lint import Finding, FindingCode, lint_plan, lint_text
from steward.plans.structure import (
    AssessmentCheck,
    BreakdownBy,
    CommunicationChannel,
    CoreGoal,
    ExecutionTask,
    Goals,
    OperationsPlan,
    Period,
    ResourceCommitment,
    ResourceKind,
    RiskKind,
)
from tests.plans.conftest import SAMPLES, TODAY

C = FindingCode


def shan_ye_plan() -> OperationsPlan:
    """山野茶舍's confirmed 12-week plan, as the editor exports it."""
    return OperationsPlan.from_dict(json.loads((SAMPLES / "good_plan_zh.json").read_text(encoding="utf-8")))


def lint(plan: OperationsPlan) -> list[Finding]:
    return lint_plan(plan, today=TODAY)


def where(findings: list[Finding]) -> set[tuple[str | None, FindingCode]]:
    return {(f.field, f.code) for f in findings}


def test_the_good_structured_plan_has_no_finding() -> None:
    plan = shan_ye_plan()
    assert len(plan.tasks) == 12
    assert lint(plan) == []


def test_structured_findings_carry_the_field_and_no_line() -> None:
    plan = shan_ye_plan()
    plan.tasks[1].owner = ""
    [finding] = lint(plan)
    assert (finding.field, finding.line, finding.code) == ("tasks[1]", None, C.MISSING_OWNER)
    assert finding.excerpt.startswith("详情页首屏改版")
    assert finding.as_json().keys() == {"code", "line", "excerpt", "message", "suggestion"}


def _vague_time(plan: OperationsPlan) -> None:
    plan.tasks[3] = dataclasses.replace(plan.tasks[3], time="尽快", due=None)


def _no_time(plan: OperationsPlan) -> None:
    plan.tasks[3] = dataclasses.replace(plan.tasks[3], time="", due=None)


def _satisfied(plan: OperationsPlan) -> None:
    plan.tasks[5].acceptance = "做到商家满意为止"


def _no_bar(plan: OperationsPlan) -> None:
    plan.tasks[5].acceptance = ""


def _no_reviewer(plan: OperationsPlan) -> None:
    plan.tasks[0].reviewer = ""


def _no_stock_out_plan(plan: OperationsPlan) -> None:
    plan.risks = [r for r in plan.risks if r.kind is not RiskKind.STOCK_OUT]


def _risk_without_response(plan: OperationsPlan) -> None:
    plan.risks[1].response = ""


def _no_frequency(plan: OperationsPlan) -> None:
    plan.assessment.communication = [CommunicationChannel(channel="企业微信工作群", frequency="")]


def _no_channel(plan: OperationsPlan) -> None:
    plan.assessment.communication = []


def _no_moment(plan: OperationsPlan) -> None:
    plan.assessment.figures_taken_at = ""


def _bare_rate(plan: OperationsPlan) -> None:
    plan.assessment.definitions = []
    plan.assessment.checks.append(
        AssessmentCheck(metric="转化率", bar="≥3%", when="每周五18:00", on_miss="2天内改详情页")
    )


def _channel_only_breakdown(plan: OperationsPlan) -> None:
    plan.goals.breakdown = [part for part in plan.goals.breakdown if part.by is BreakdownBy.CHANNEL]


def _five_a_week(plan: OperationsPlan) -> None:
    plan.tasks[4].details = "每周上新5款秋季新品"


def _daily_spend(plan: OperationsPlan) -> None:
    plan.tasks[9].details = "每天直通车投放800元"


def _fixed_budget(plan: OperationsPlan) -> None:
    plan.resources[2].flexible_share = None


def _thin_flex(plan: OperationsPlan) -> None:
    plan.resources[2].flexible_share = 0.1


def _goal_without_day(plan: OperationsPlan) -> None:
    assert plan.goals.core is not None
    plan.goals.core.due = None


def _goal_without_target(plan: OperationsPlan) -> None:
    assert plan.goals.core is not None
    plan.goals.core.target = None


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (_vague_time, {("tasks[3]", C.VAGUE_DEADLINE)}),
        (_no_time, {("tasks[3]", C.VAGUE_DEADLINE)}),
        (_goal_without_day, {("goals.core", C.VAGUE_DEADLINE)}),
        (_goal_without_target, {("goals.core", C.UNMEASURABLE_ACCEPTANCE)}),
        (_satisfied, {("tasks[5]", C.UNMEASURABLE_ACCEPTANCE)}),
        (_no_bar, {("tasks[5]", C.UNMEASURABLE_ACCEPTANCE)}),
        (_no_reviewer, {("tasks[0]", C.MISSING_OWNER)}),
        (_no_stock_out_plan, {(None, C.MISSING_CONTINGENCY)}),
        (_risk_without_response, {("risks[1]", C.MISSING_CONTINGENCY)}),
        (_no_frequency, {("assessment.communication[0]", C.MISSING_CHANNEL)}),
        (_no_channel, {(None, C.MISSING_CHANNEL)}),
        (
            _no_moment,
            {
                ("goals.core", C.MISSING_DATA_SOURCE),
                ("assessment.incentives[0]", C.MISSING_DATA_SOURCE),
                ("assessment.incentives[1]", C.MISSING_DATA_SOURCE),
            },
        ),
        (_bare_rate, {("assessment.checks[3]", C.UNCLEAR_METRIC)}),
        (_channel_only_breakdown, {("goals.core", C.GOAL_WITHOUT_PATH)}),
        (_five_a_week, {("tasks[4]", C.OVERCOMMITMENT)}),
        (_daily_spend, {("tasks[9]", C.OVERCOMMITMENT)}),
        (_fixed_budget, {("resources[2]", C.NO_FLEX_BUDGET)}),
        (_thin_flex, {("resources[2]", C.NO_FLEX_BUDGET)}),
    ],
)
def test_each_gap_in_the_structured_plan_is_reported_at_its_field(
    change: Callable[[OperationsPlan], None], expected: set[tuple[str | None, FindingCode]]
) -> None:
    plan = shan_ye_plan()
    change(plan)
    assert where(lint(plan)) == expected


def test_a_structured_task_is_suggested_the_cells_to_fill_in() -> None:
    plan = shan_ye_plan()
    plan.tasks[1] = dataclasses.replace(plan.tasks[1], time="月底前", due=None, reviewer="", acceptance="")
    suggestions = {f.suggestion for f in lint(plan)}
    assert suggestions == {
        "补齐：时间：11月30日前；复核人：运营主管；验收标准：详情页支付转化率≥3%（以生意参谋数据为准）。"
    }


def test_the_core_goal_breakdown_is_proposed_from_its_baseline_and_target() -> None:
    plan = shan_ye_plan()
    plan.goals.breakdown = []
    [finding] = lint(plan)
    assert finding.suggestion.startswith("按月拆解：第1个月218,667元，第2个月259,333元，第3个月300,000元")


def test_a_structured_plan_and_its_text_are_held_to_the_same_checks() -> None:
    """The same vague task, typed into the editor or pasted as text, gets the same codes."""
    plan = OperationsPlan(
        title="某茶叶店",
        tasks=[ExecutionTask(time="尽快", task="完成详情页优化")],
        resources=[
            ResourceCommitment(
                what="推广预算", kind=ResourceKind.BUDGET, amount=8000, unit="元", per=Period.MONTH
            )
        ],
    )
    structured = {f.code for f in lint(plan)}
    text = {
        f.code
        for f in lint_text(
            "## 执行计划\n- 尽快完成详情页优化\n## 资源支持\n- 每月推广预算8000元\n", today=TODAY
        )
    }
    assert (
        structured
        == text
        == {
            C.VAGUE_DEADLINE,
            C.UNMEASURABLE_ACCEPTANCE,
            C.MISSING_OWNER,
            C.NO_FLEX_BUDGET,
            C.MISSING_CHANNEL,
            C.MISSING_CONTINGENCY,
        }
    )


def test_an_english_structured_plan_is_answered_in_english() -> None:
    plan = OperationsPlan(
        title="Green Wood Home",
        goals=Goals(core=CoreGoal(metric="monthly sales", baseline=85_000, target=150_000, unit=" CNY")),
        tasks=[ExecutionTask(time="soon", task="Rewrite the product titles", owner="operations specialist")],
    )
    findings = lint(plan)
    assert findings, "an empty plan cannot be clean"
    assert not any(re.search(r"[\u4e00-\u9fff]", f.message + f.suggestion) for f in findings)
    assert ("goals.core", C.GOAL_WITHOUT_PATH) in where(findings)
    [vague] = [f for f in findings if f.field == "tasks[0]" and f.code is C.VAGUE_DEADLINE]
    assert vague.message.startswith("“soon” is not a date")


def test_from_dict_rejects_what_is_not_a_plan() -> None:
    with pytest.raises(ValueError):
        OperationsPlan.from_dict({"title": "x", "tasks": "尽快完成"})
    with pytest.raises(ValueError):
        OperationsPlan.from_dict({"title": "x", "resources": [{"what": "新品", "kind": "unicorns"}]})
