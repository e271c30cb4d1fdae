"""What each finding says, in the plan's own language, and why it matters to the two parties."""

from __future__ import annotations

from steward.plans.lint.findings import Language
from steward.plans.lint.rewrites import Problems
from steward.plans.lint.vocabulary import MetricFamily, MetricMention
from steward.plans.structure import RiskKind


def _say(language: Language, zh: str, en: str) -> str:
    return zh if language is Language.ZH else en


def vague_deadline(problems: Problems, language: Language, *, goal: bool = False) -> str:
    if problems.vague is not None:
        phrase = problems.vague.text
        return _say(
            language,
            f"“{phrase}”不是一个日期：写到具体哪一天，双方才能判断是否按时完成。",
            f"“{phrase}” is not a date: name the day, so both sides can tell whether it was done on time.",
        )
    if goal:
        return _say(
            language,
            "核心目标没有达成日期：写明哪一天前达到。",
            "The core goal has no date: say by which day it is to be reached.",
        )
    return _say(
        language,
        "这项任务没有完成时间：写到具体哪一天（或第几周周几）。",
        "This task has no due date: name the day (or the weekday of a plan week).",
    )


def unmeasurable(problems: Problems, language: Language, *, goal: bool = False) -> str:
    if problems.uncheckable is not None:
        phrase = problems.uncheckable.text
        return _say(
            language,
            f"“{phrase}”无法验收：没有数字或阈值，完成与否只能靠争论。",
            f"“{phrase}” cannot be checked: without a number or threshold, whether it is done is a matter of opinion.",
        )
    if problems.improvement is not None:
        verb = problems.improvement.text
        return _say(
            language,
            f"“{verb}”没有写到多少：验收标准要有一个数字或阈值（如≥3%、30个）。",
            f"“{verb}” does not say by how much: an acceptance bar needs a number or threshold (e.g. ≥ 3%, 30 items).",
        )
    if goal:
        return _say(
            language,
            "核心目标没有目标值：写明从多少提升到多少。",
            "The core goal has no target figure: say from how much to how much.",
        )
    return _say(
        language,
        "这项任务没有验收标准：写一个能用数据核对的数字或阈值。",
        "This task has no acceptance bar: give a number or threshold the figures can settle.",
    )


def missing_owner(problems: Problems, language: Language) -> str:
    if problems.missing_owner and problems.missing_reviewer:
        return _say(
            language,
            "这项任务既没有负责人，也没有复核人：出了问题找不到人，做完了也没人验收。",
            "This task names neither a lead nor a reviewer: nobody answers for it and nobody checks it.",
        )
    if problems.missing_owner:
        return _say(
            language,
            "这项任务没有负责人：写明由哪个角色牵头。",
            "This task has no lead: name the role that owns it.",
        )
    return _say(
        language,
        "这项任务没有复核人：写明谁来验收结果。",
        "This task has no reviewer: name who checks the result.",
    )


def missing_columns(language: Language, *, owner: bool, reviewer: bool) -> str:
    if owner and reviewer:
        return _say(
            language,
            "任务表没有负责人和复核人两列：每项任务都该有人牵头、有人验收。",
            "The task table has no owner and no reviewer column: every task needs a lead and someone who checks it.",
        )
    if owner:
        return _say(language, "任务表没有负责人一列。", "The task table has no owner column.")
    return _say(
        language,
        "任务表没有复核人一列，全文也没有写谁来验收任务。",
        "The task table has no reviewer column, and the plan does not say who checks the tasks.",
    )


_RISK_NAMES: dict[RiskKind, tuple[str, str]] = {
    RiskKind.STOCK_OUT: ("断货", "a stock-out"),
    RiskKind.BAD_REVIEW_BURST: ("差评爆发", "a burst of bad reviews"),
    RiskKind.PLATFORM_RULE_CHANGE: ("平台规则变动", "a platform rule change"),
}


def missing_contingency(kind: RiskKind, language: Language, *, mentioned: bool) -> str:
    zh, en = _RISK_NAMES[kind]
    if mentioned:
        return _say(
            language,
            f"提到了{zh}，但没有写触发条件和应对动作。",
            f"{en[0].upper()}{en[1:]} is named, but with no trigger and no response.",
        )
    return _say(
        language,
        f"没有{zh}预案：事情发生时谁做什么、多久内做完，要事先写好。",
        f"No plan for {en}: who does what, and within how long, should be agreed before it happens.",
    )


def missing_channel(language: Language, *, channel: str | None) -> str:
    if channel:
        return _say(
            language,
            f"写了沟通渠道“{channel}”，但没有固定频率（如每周一10:00周会、2小时内回复）。",
            f"The channel “{channel}” is named, but no fixed frequency (e.g. a Monday 10:00 call, replies within 2 hours).",
        )
    return _say(
        language,
        "没有约定固定的沟通渠道和频率。",
        "No fixed channel or frequency of communication is agreed.",
    )


def missing_data_source(language: Language, *, source_named: bool, moment_named: bool, fee: bool) -> str:
    what_zh, what_en = ("这笔费用", "This fee") if fee else ("这个目标", "This target")
    if source_named and not moment_named:
        return _say(
            language,
            f"{what_zh}写了数据来源，但没写什么时候取数：结算时双方可能拿着不同时刻的数字。",
            f"{what_en} has a data source but no moment the figures are taken: at settlement the two sides may hold different numbers.",
        )
    if moment_named and not source_named:
        return _say(
            language,
            f"{what_zh}没有写以哪个后台的数据为准。",
            f"{what_en} does not say whose figures count.",
        )
    return _say(
        language,
        f"{what_zh}没有写数据来源和取数时间：结算时双方可能各拿一套数字。",
        f"{what_en} names neither the data source nor when the figures are taken: at settlement each side may bring its own numbers.",
    )


_METRIC_QUESTIONS: dict[MetricFamily, tuple[str, str]] = {
    MetricFamily.CONVERSION: ("是支付转化率还是点击转化率", "payment or click conversion?"),
    MetricFamily.REPURCHASE: ("按30天、90天还是一年统计", "over 30 days, 90 days or a year?"),
    MetricFamily.REFUND: ("按金额还是按订单数计算", "by amount or by number of orders?"),
}


def unclear_metric(mention: MetricMention, language: Language) -> str:
    zh, en = _METRIC_QUESTIONS[mention.family]
    return _say(
        language,
        f"“{mention.text}”没有写口径（{zh}），考核时容易扯皮。",
        f"“{mention.text}” has no definition ({en}): it invites a dispute at review time.",
    )


def goal_without_path(language: Language) -> str:
    return _say(
        language,
        "核心目标没有按月或按周拆解：执行方每周不知道该达到多少，落后了也发现不了。",
        "The core goal is not broken down by month or week: nobody knows what each week must reach, or notices falling behind.",
    )


def overcommitment(need: str, have: str, language: Language) -> str:
    return _say(
        language,
        f"任务需要约每月{need}，超过商家承诺的每月{have}（按每月4.345周折算）。",
        f"The tasks need about {need} a month, more than the {have} a month the merchant committed (at 4.345 weeks a month).",
    )


def no_flex_budget(language: Language, *, share: float | None, said: bool) -> str:
    if share is not None:
        return _say(
            language,
            f"只留了{share:.0%}的预算可以机动调配，低于建议的20%–30%。",
            f"Only {share:.0%} of the budget is kept re-allocatable, below the advised 20–30%.",
        )
    if said:
        return _say(
            language,
            "写了预算可以调整，但没写多大比例：留出20%–30%作为机动预算。",
            "The budget is said to be flexible, but not by how much: keep 20–30% re-allocatable.",
        )
    return _say(
        language,
        "预算没有留出机动部分：建议留20%–30%，按效果在渠道之间重新分配。",
        "No share of the budget is kept flexible: keep 20–30% to move between channels as results come in.",
    )
