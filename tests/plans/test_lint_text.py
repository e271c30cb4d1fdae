"""方案体检 on plans written elsewhere: 云帆托管's good plans pass clean, vague plans are caught line by line."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from steward.plans.lint import Finding, FindingCode, lint_text
from tests.plans.conftest import GOOD_TEXT_SAMPLES, TODAY, sample

C = FindingCode
ALL_CODES = set(FindingCode)
HAN = re.compile(r"[\u4e00-\u9fff]")


def lint(text: str) -> list[Finding]:
    return lint_text(text, today=TODAY)


def located(findings: list[Finding]) -> Counter[tuple[int | None, FindingCode]]:
    return Counter((f.line, f.code) for f in findings)


def codes_on(findings: list[Finding], line: int) -> set[FindingCode]:
    return {f.code for f in findings if f.line == line}


# --- good plans ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", GOOD_TEXT_SAMPLES)
def test_a_clean_specific_plan_yields_no_finding(name: str) -> None:
    assert lint(sample(name)) == []


def test_a_good_plan_stays_clean_whatever_day_it_is_read() -> None:
    import datetime as dt

    for today in (dt.date(2026, 1, 1), dt.date(2026, 2, 27), dt.date(2026, 12, 31)):
        assert lint_text(sample("good_zh.md"), today=today) == []


# --- vague plans: every code at the right line --------------------------------------------------

VAGUE_ZH_MD = {
    (4, C.MISSING_DATA_SOURCE): 1,  # 核心目标：3个月内月销从5万做到15万。
    (4, C.GOAL_WITHOUT_PATH): 1,
    (5, C.UNMEASURABLE_ACCEPTANCE): 1,  # 提升店铺转化率。
    (5, C.UNCLEAR_METRIC): 1,
    (8, C.VAGUE_DEADLINE): 1,  # 尽快完成详情页优化
    (8, C.UNMEASURABLE_ACCEPTANCE): 1,
    (8, C.MISSING_OWNER): 1,
    (9, C.VAGUE_DEADLINE): 1,  # 月底前上线新主图，做到商家满意为止（负责人：美工）
    (9, C.UNMEASURABLE_ACCEPTANCE): 1,
    (9, C.MISSING_OWNER): 1,
    (10, C.OVERCOMMITMENT): 1,  # 每周上新5款, against 商家每月提供新品2款
    (13, C.MISSING_OWNER): 1,  # the task table has no reviewer column
    (15, C.VAGUE_DEADLINE): 1,  # | 本周内 | … | 效果明显 |
    (15, C.UNMEASURABLE_ACCEPTANCE): 1,
    (16, C.MISSING_OWNER): 1,  # empty owner cell
    (20, C.NO_FLEX_BUDGET): 1,  # 每月推广预算8000元，可以灵活调整
    (23, C.MISSING_DATA_SOURCE): 1,  # 超额完成目标额外支付5%服务费。
    (24, C.MISSING_CHANNEL): 1,  # 有问题随时在群里沟通。
    (None, C.MISSING_CONTINGENCY): 3,  # stock-out, bad reviews, rule change
}
# The English Markdown plan is written line for line like the Chinese one.
VAGUE_EN_MD = VAGUE_ZH_MD
VAGUE_ZH_TXT = {
    (4, C.MISSING_DATA_SOURCE): 1,  # 总目标 with 生意参谋 named but no moment
    (4, C.GOAL_WITHOUT_PATH): 1,
    (5, C.UNCLEAR_METRIC): 1,  # 复购率 with no window
    (8, C.VAGUE_DEADLINE): 1,  # 本周内把所有主图换掉
    (8, C.UNMEASURABLE_ACCEPTANCE): 1,
    (8, C.MISSING_OWNER): 1,
    (9, C.OVERCOMMITMENT): 1,  # 每天直通车投放800元 against 每月1万元
    (10, C.UNCLEAR_METRIC): 1,  # 详情页转化率
    (11, C.VAGUE_DEADLINE): 1,  # 过段时间做好老客户维护
    (11, C.UNMEASURABLE_ACCEPTANCE): 1,
    (11, C.MISSING_OWNER): 1,
    (14, C.NO_FLEX_BUDGET): 1,  # 其中10%可机动调整
    (21, C.VAGUE_DEADLINE): 1,  # 断货时及时补货
    (22, C.MISSING_CONTINGENCY): 1,  # 差评要重视: named, no plan
    (None, C.MISSING_CONTINGENCY): 1,  # platform rule change
}
VAGUE_EN_TXT = {
    (4, C.MISSING_DATA_SOURCE): 1,
    (4, C.GOAL_WITHOUT_PATH): 1,
    (5, C.UNCLEAR_METRIC): 1,  # Repeat purchase rate up to 25%
    (8, C.VAGUE_DEADLINE): 1,  # soon
    (8, C.MISSING_OWNER): 1,  # owner named, no reviewer
    (9, C.OVERCOMMITMENT): 1,  # CNY 600 a day against CNY 6,000 a month
    (10, C.UNCLEAR_METRIC): 1,
    (11, C.VAGUE_DEADLINE): 1,  # later, until the client is happy
    (11, C.UNMEASURABLE_ACCEPTANCE): 1,
    (11, C.MISSING_OWNER): 1,
    (14, C.NO_FLEX_BUDGET): 1,  # 10% of it flexible
    (21, C.VAGUE_DEADLINE): 1,  # restock promptly
    (21, C.MISSING_CONTINGENCY): 1,
    (22, C.MISSING_CONTINGENCY): 1,
    (None, C.MISSING_CONTINGENCY): 1,
}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("vague_zh.md", VAGUE_ZH_MD),
        ("vague_en.md", VAGUE_EN_MD),
        ("vague_zh.txt", VAGUE_ZH_TXT),
        ("vague_en.txt", VAGUE_EN_TXT),
    ],
)
def test_a_vague_plan_is_caught_at_the_right_lines(
    name: str, expected: dict[tuple[int | None, FindingCode], int]
) -> None:
    assert located(lint(sample(name))) == Counter(expected)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_code_fires_on_some_vague_plan_in_each_language(language: str) -> None:
    fired = {f.code for name in (f"vague_{language}.md", f"vague_{language}.txt") for f in lint(sample(name))}
    assert fired == ALL_CODES


@pytest.mark.parametrize(("name", "chinese"), [("vague_zh.md", True), ("vague_en.md", False)])
def test_messages_and_rewrites_are_in_the_plans_language(name: str, chinese: bool) -> None:
    for finding in lint(sample(name)):
        assert finding.message and finding.suggestion
        # English text may quote a Chinese name (生意参谋); it never speaks Chinese.
        assert bool(HAN.search(finding.message)) is chinese
        assert bool(HAN.search(finding.suggestion.replace("生意参谋", ""))) is chinese


def test_the_excerpt_is_the_line_as_written() -> None:
    lines = sample("vague_zh.md").split("\n")
    for finding in lint(sample("vague_zh.md")):
        if finding.line is not None:
            assert finding.excerpt == lines[finding.line - 1].strip()
        else:
            assert finding.excerpt == ""


# --- rewrites are built from the sentence -------------------------------------------------------


def test_a_vague_task_is_rewritten_with_a_day_a_lead_a_reviewer_and_a_bar() -> None:
    findings = lint("# 天猫店方案\n## 执行计划\n- 尽快完成详情页优化\n")
    on_task = [f for f in findings if f.line == 3]
    assert {f.code for f in on_task} == {C.VAGUE_DEADLINE, C.UNMEASURABLE_ACCEPTANCE, C.MISSING_OWNER}
    assert {f.suggestion for f in on_task} == {
        "11月28日前完成详情页优化（负责人：运营专员；复核：运营主管；验收：详情页支付转化率≥3%，以生意参谋数据为准）。"
    }


def test_the_rewrite_keeps_the_users_words_and_drops_the_uncheckable_bar() -> None:
    [finding, *_] = [
        f for f in lint("## 执行计划\n- 月底前上线新主图，做到商家满意为止（负责人：美工）\n") if f.line == 2
    ]
    assert (
        finding.suggestion
        == "11月30日前上线新主图（负责人：美工；复核：运营主管；验收：主图点击率≥4%，以平台官方后台数据为准）。"
    )


def test_an_english_task_is_rewritten_in_english() -> None:
    findings = lint("Tmall store plan\n\nExecution plan:\n- Finish the detail page ASAP\n")
    assert {f.suggestion for f in findings if f.line == 4} == {
        "Finish the detail page by 28 Nov (owner: operations specialist; reviewer: account lead; "
        "acceptance: detail-page payment conversion rate ≥ 3%, per Business Advisor (生意参谋))."
    }


def test_a_core_goal_is_broken_down_from_its_own_figures() -> None:
    [path] = [f for f in lint("核心目标：3个月内月销从5万做到15万。\n") if f.code is C.GOAL_WITHOUT_PATH]
    assert path.line == 1
    assert path.suggestion.startswith("按月拆解：第1个月8.3万，第2个月11.7万，第3个月15万")


def test_the_overcommitment_says_how_much_is_needed_against_what_was_committed() -> None:
    text = (
        "## 资源支持\n- 商家每月提供新品2款\n## 执行计划\n- 每周上新5款（负责人：运营专员；复核：运营主管）\n"
    )
    [finding] = [f for f in lint(text) if f.code is C.OVERCOMMITMENT]
    assert finding.line == 4
    assert "每月22款新品" in finding.message and "每月2款新品" in finding.message
    assert finding.suggestion.startswith("把“每周上新5款”降到商家承诺的每月2款新品以内")


def test_the_flexible_budget_rewrite_names_the_amount() -> None:
    [finding] = [f for f in lint("## 资源支持\n- 每月推广预算8000元\n") if f.code is C.NO_FLEX_BUDGET]
    assert finding.suggestion.startswith("每月推广预算8000元，其中20%（1,600元）作为机动预算")


# --- deadlines ----------------------------------------------------------------------------------


def _task(line: str) -> str:
    return f"## 执行计划\n- {line}\n"


@pytest.mark.parametrize(
    "task",
    [
        "尽快完成详情页优化（负责人：运营专员；复核：运营主管；验收：转化率≥3%）",
        "月底前完成详情页优化（负责人：运营专员；复核：运营主管；验收：支付转化率≥3%）",
        "本周内上线新主图（负责人：美工；复核：运营主管；验收：点击率≥4%）",
        "Finish the detail page ASAP (owner: ops; reviewer: account lead; acceptance: CTR ≥ 4%)",
        "Launch the new main images soon (owner: designer; reviewer: account lead; acceptance: CTR ≥ 4%)",
        "Set up membership tiers later (owner: CS lead; reviewer: account lead; acceptance: 600 members)",
        "Rewrite titles by month end (owner: ops; reviewer: account lead; acceptance: 30 titles)",
        "盡快完成詳情頁優化（負責人：運營專員；復核：運營主管；驗收：支付轉化率≥3%）",  # traditional characters
    ],
)
def test_a_deadline_without_a_day_is_vague(task: str) -> None:
    assert C.VAGUE_DEADLINE in codes_on(lint(_task(task)), 2)


@pytest.mark.parametrize(
    "task",
    [
        "5月10日前完成详情页首屏改版",
        "by 10 May: detail page first screen",
        "2026-05-10 detail page first screen",
        "第3周周一完成详情页首屏改版",
        "every Monday: detail page figures reviewed",
        "11月30日前（月底前）完成详情页首屏改版",  # a date beside the vague words is a date
        "no later than 10 May: detail page first screen",
        "１１月３０日前完成详情页首屏改版",  # full-width digits
        "双11前完成活动页",
        "24小时内回复全部差评",
    ],
)
def test_a_deadline_with_a_day_is_not_vague(task: str) -> None:
    assert C.VAGUE_DEADLINE not in codes_on(
        lint(_task(task + "（负责人：运营专员；复核：运营主管；验收：30个）")), 2
    )


def test_a_task_row_with_no_time_at_all_is_a_vague_deadline() -> None:
    table = "## 执行计划\n| 时间 | 任务 | 负责人 | 复核人 | 验收标准 |\n| --- | --- | --- | --- | --- |\n|  | 标题优化 | 运营专员 | 运营主管 | 30个标题 |\n"
    [finding] = lint(table)[:1]
    assert (finding.line, finding.code) == (4, C.VAGUE_DEADLINE)
    assert finding.message == "这项任务没有完成时间：写到具体哪一天（或第几周周几）。"


def test_vague_words_in_the_current_state_are_history_not_deadlines() -> None:
    assert codes_on(lint("## 一、店铺现状\n- 近期差评增多，主要是物流慢。\n"), 2) == set()


# --- acceptance bars ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "第2周：优化主图，点击率从3%提升到4.5%（负责人：美工；复核：运营主管）",
        "第2周：提升支付转化率到3%（负责人：运营专员；复核：运营主管）",
        "Week 2: optimize main images, click-through rate from 3% to 4.5% (owner: designer; reviewer: account lead)",
        "第1周：每天优化10个标题（负责人：运营专员；复核：运营主管）",
        "第3周：测试三组新主图（负责人：美工；复核：运营主管）",
    ],
)
def test_a_bar_with_a_number_is_measurable(line: str) -> None:
    assert C.UNMEASURABLE_ACCEPTANCE not in codes_on(lint(_task(line)), 2)


@pytest.mark.parametrize(
    "line",
    [
        "第2周：主图修改到商家满意为止（负责人：美工；复核：运营主管）",
        "第2周：优化详情页（负责人：运营专员；复核：运营主管）",
        "第2周：提升转化（负责人：运营专员；复核：运营主管）",
        "Week 2: improve the detail page (owner: designer; reviewer: account lead)",
        "Week 2: optimize the main images (owner: designer; reviewer: account lead)",
        "Week 2: main images redone until the client is satisfied (owner: designer; reviewer: account lead)",
        "第2周：详情页改版（负责人：运营专员；复核：运营主管；验收：效果明显）",
        "5月10日前优化详情页（负责人：运营专员；复核：运营主管）",  # the date is no bar
    ],
)
def test_a_bar_without_a_number_is_unmeasurable(line: str) -> None:
    assert C.UNMEASURABLE_ACCEPTANCE in codes_on(lint(_task(line)), 2)


def test_nested_lines_complete_the_duty_above_them() -> None:
    text = (
        "## 执行计划\n"
        "- 第1周（9月11日前）：标题优化\n"
        "  - 细节：用热搜词替换无效词\n"
        "  - 负责人：运营专员；复核：运营主管\n"
        "  - 验收：30个主推款标题各含5个以上热搜词\n"
        "- 第2周（9月18日前）：详情页首屏改版\n"
        "  - 负责人：美工\n"
    )
    assert located(lint(text)) - Counter(
        {(None, C.MISSING_CONTINGENCY): 3, (None, C.MISSING_CHANNEL): 1}
    ) == Counter({(6, C.UNMEASURABLE_ACCEPTANCE): 1, (6, C.MISSING_OWNER): 1})


def test_a_months_breakdown_outside_any_section_is_not_a_task() -> None:
    text = "核心目标：月销售额从5万提升到15万，11月30日前。\n第1个月：8万\n第2个月：11万\n第3个月：15万\n"
    assert {f.code for f in lint(text) if f.line is not None} == {C.MISSING_DATA_SOURCE}


def test_a_whole_document_on_one_line_is_quoted_not_reprinted() -> None:
    [finding, *_] = lint("尽快完成详情页优化，" * 100)
    assert len(finding.excerpt) == 200 and finding.excerpt.endswith("…")


# --- owners -------------------------------------------------------------------------------------


def test_a_plan_wide_reviewer_covers_every_task() -> None:
    text = "## 执行计划\n所有任务由运营主管复核。\n- 第1周：优化30个标题（负责人：运营专员）\n"
    assert C.MISSING_OWNER not in codes_on(lint(text), 3)


def test_a_reviewer_alone_is_not_a_lead() -> None:
    [finding] = [
        f for f in lint("## 执行计划\n- 第1周：优化30个标题（复核：运营主管）\n") if f.code is C.MISSING_OWNER
    ]
    assert finding.message == "这项任务没有负责人：写明由哪个角色牵头。"


def test_a_placeholder_is_nobody() -> None:
    table = "## 执行计划\n| 时间 | 任务 | 负责人 | 复核人 | 验收标准 |\n| --- | --- | --- | --- | --- |\n| 第1周周五 | 标题优化 | 待定 | 运营主管 | 30个标题 |\n"
    assert codes_on(lint(table), 4) == {C.MISSING_OWNER}


# --- metrics ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "目标：支付转化率从1.9%提升到2.5%。",
        "目标：点击转化率≥8%。",
        "目标：90天复购率从8%提升到12%。",
        "Target: payment conversion rate from 1.9% to 2.5%.",
        "Target: 90-day repeat purchase rate from 8% to 12%.",
    ],
)
def test_a_qualified_rate_is_clear(line: str) -> None:
    assert C.UNCLEAR_METRIC not in codes_on(lint(line), 1)


@pytest.mark.parametrize(
    "line",
    [
        "目标：转化率从1.9%提升到2.5%。",
        "目标：复购率提升到12%。",
        "Target: conversion rate from 1.9% to 2.5%.",
        "目标：退款率低于5%。",
    ],
)
def test_a_bare_rate_is_unclear(line: str) -> None:
    assert C.UNCLEAR_METRIC in codes_on(lint(line), 1)


def test_a_rate_defined_once_is_clear_everywhere() -> None:
    text = "口径：支付转化率=支付买家数÷访客数。\n目标：转化率从1.9%提升到2.5%。\n"
    assert C.UNCLEAR_METRIC not in codes_on(lint(text), 2)


def test_a_rate_with_a_value_is_not_a_definition() -> None:
    assert C.UNCLEAR_METRIC in codes_on(lint("转化率：3%\n"), 1)


# --- resources and budget -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("committed", "needed", "over"),
    [
        ("商家每月提供新品2款", "每周上新5款", True),
        ("商家每月提供新品5款", "每周上新1款", False),  # 4.3 a month against 5
        ("The merchant can supply 2 new products a month.", "5 new products a week", True),
        ("每周一提供3款产品的白底图", "每天用1款产品的白底图", True),  # 7 a week against 3
        ("每月推广预算8000元", "每天直通车投放500元", True),  # 15,220 a month against 8,000
        ("每月推广预算12,000元", "5款共用日限额300元", False),  # 9,132 a month
    ],
)
def test_tasks_that_need_more_than_the_merchant_committed_are_overcommitment(
    committed: str, needed: str, over: bool
) -> None:
    text = (
        f"## 资源支持\n- {committed}\n## 执行计划\n- 第1周起：{needed}（负责人：运营专员；复核：运营主管）\n"
    )
    assert (C.OVERCOMMITMENT in codes_on(lint(text), 4)) is over


@pytest.mark.parametrize(
    ("budget", "flagged"),
    [
        ("每月推广预算12,000元，其中20%作为机动预算", False),
        ("每月推广预算12,000元，其中30%可按效果调整", False),
        ("每月推广预算12,000元，其中2,400元机动", False),  # 20% as an amount
        ("Ad budget: CNY 12,000 a month, of which 25% is kept flexible", False),
        ("每月推广预算12,000元", True),
        ("每月推广预算12,000元，其中10%机动", True),
        ("每月推广预算12,000元，可以灵活调整", True),
    ],
)
def test_a_budget_keeps_a_fifth_or_more_to_reallocate(budget: str, flagged: bool) -> None:
    assert (C.NO_FLEX_BUDGET in codes_on(lint(f"## 资源支持\n- {budget}\n"), 2)) is flagged


# --- plan-wide must-haves -----------------------------------------------------------------------


def test_a_channel_and_its_frequency_on_two_lines_of_one_section_count_together() -> None:
    text = "## 沟通机制\n- 渠道：企业微信工作群\n- 频率：每周一10:00视频周会\n"
    assert C.MISSING_CHANNEL not in {f.code for f in lint(text)}


def test_a_data_source_without_the_moment_is_not_enough() -> None:
    text = "核心目标：月销售额从5万提升到15万，第1个月8万，第2个月11万，第3个月15万。\n数据以生意参谋为准。\n"
    [finding] = [f for f in lint(text) if f.code is C.MISSING_DATA_SOURCE]
    assert finding.line == 1
    assert "没写什么时候取数" in finding.message


def test_a_risk_named_without_a_response_is_reported_on_its_line() -> None:
    text = "## 风险预案\n- 注意断货风险。\n"
    [finding] = [f for f in lint(text) if f.code is C.MISSING_CONTINGENCY and f.line is not None]
    assert finding.line == 2
    assert finding.message == "提到了断货，但没有写触发条件和应对动作。"


# --- robustness ---------------------------------------------------------------------------------


def test_windows_line_endings_keep_the_line_numbers() -> None:
    unix = lint(sample("vague_zh.md"))
    windows = lint(sample("vague_zh.md").replace("\n", "\r\n"))
    assert [(f.line, f.code, f.excerpt) for f in windows] == [(f.line, f.code, f.excerpt) for f in unix]


_FRAGMENTS = [
    "## 执行计划",
    "## 风险预案",
    "| 时间 | 任务 | 负责人 | 验收标准 |",
    "| --- | --- | --- | --- |",
    "| 本周内 | 标题 |  | 满意为止 |",
    "- 尽快完成详情页优化",
    "每周上新5款",
    "商家每月提供新品2款",
    "每月推广预算8000元",
    "Core goal: sales from CNY 50,000 to CNY 150,000",
    "conversion rate 3%",
    "第3周周一",
    "",
]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_FRAGMENTS), st.text(max_size=60)), max_size=25))
def test_any_text_gives_well_formed_findings(lines: list[str]) -> None:
    text = "\n".join(lines)
    written = [line.rstrip("\r") for line in text.split("\n")]
    for finding in lint(text):
        assert finding.code in ALL_CODES
        assert finding.message and finding.suggestion
        if finding.line is not None:
            assert 1 <= finding.line <= len(written)
            line = written[finding.line - 1].strip()
            assert finding.excerpt == line or (
                finding.excerpt.endswith("…") and line.startswith(finding.excerpt[:-1])
            )
