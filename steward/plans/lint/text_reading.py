"""Reading a plan written elsewhere — Markdown or plain text, Chinese or English.

Lines are kept as the user numbered them. Headings ("## 三、执行计划", "一、目标", "Risk plans:")
say which module the following lines belong to; a Markdown table whose header names a task and a
time, owner or bar column is the execution table, one duty per row; in the execution section,
list items and lines that start with a week or a date are duties too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from steward.plans.lint import vocabulary as words
from steward.plans.lint.cadence import rates_in
from steward.plans.lint.language import detect_language, fold
from steward.plans.lint.reading import (
    CONTINGENCIES,
    Budget,
    Duty,
    DutyForm,
    PlanReading,
    RateAt,
    RiskCover,
    Section,
    Statement,
)
from steward.plans.structure import ResourceKind

_I = re.IGNORECASE

# Checked in this order: "考核与调整" is assessment although it is also a plan, "风险预案" a risk
# although "预案" sounds like a plan.
_SECTIONS: tuple[tuple[Section, re.Pattern[str]], ...] = (
    (Section.RISKS, re.compile(r"风险|预案|应急|突发|\brisks?\b|contingenc|incident|emergenc", _I)),
    (
        Section.RESOURCES,
        re.compile(
            r"资源|商家支持|商家承诺|商家提供|支持与保障|配合事项|\bresources?\b|merchant commit|merchant provides|what the merchant|support from",
            _I,
        ),
    ),
    (
        Section.ASSESSMENT,
        re.compile(
            r"考核|调整|评估|复盘|沟通|汇报|奖惩|口径|数据来源|监控|\bassessment|\badjust|\breview|\breporting|communication|\bkpis?\b|incentive|reward|definitions|data source|monitoring",
            _I,
        ),
    ),
    (
        Section.TASKS,
        re.compile(
            r"执行|任务|排期|行动|周计划|工作计划|计划表|落地|execution|\btasks?\b|schedule|action plan|timeline|weekly plan|work plan|roadmap",
            _I,
        ),
    ),
    (Section.GOALS, re.compile(r"目标|拆解|\bgoals?\b|\btargets?\b|objective", _I)),
    (
        Section.STATE,
        re.compile(
            r"现状|诊断|背景|概况|基本情况|current state|diagnosis|situation|background|where we stand|status quo|overview",
            _I,
        ),
    ),
)

_MARKDOWN_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(?P<title>.*?)\s*#*\s*$")
_CHINESE_HEADING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+\s*[、.]|[(（][一二三四五六七八九十]+[)）]|第[一二三四五六七八九十]+(?:部分|章|节)[、:：\s]?|【)\s*(?P<title>[^。;；]{1,24}?)[】]?\s*[:：]?\s*$"
)
_NUMBERED_SHORT = re.compile(
    r"^\s*(?:\d+\s*[.、)]|Part\s+\d+[.:]?|Section\s+\d+[.:]?)\s*(?P<title>[^。;；,，\d]{1,40}?)\s*[:：]?\s*$",
    _I,
)
_BARE_TITLE = re.compile(r"^\s*(?P<title>[^。;；,，\d|]{1,40}?)\s*[:：]\s*$")
# "8.2服务费" is a section number, not the list item "8. …".
_LIST_ITEM = re.compile(
    r"^(?P<indent>\s*)(?:[-*+•·]|\d+\s*[.)、](?!\d)|[(（]\d+[)）]|[a-z][.)](?=\s))\s*(?=\S)", _I
)
_BLOCKQUOTE = re.compile(r"^\s*>\s?")
_EMPHASIS = re.compile(r"\*\*|__|`")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_DUTY_START = re.compile(
    r"^\s*(?:第\s*(?:\d+|[一二三四五六七八九十]+)\s*(?:[-–—~至到]\s*(?:\d+|[一二三四五六七八九十]+)\s*)?个?\s*(?:周|星期|月|天)"
    r"|\d{1,2}\s*月\s*\d{1,2}\s*[日号]|\d{4}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{1,2}"
    r"|(?:weeks?|wks?|months?|days?)\s*\d+|W\d{1,2}\b)",
    _I,
)
_MONTH_START = re.compile(r"^\s*(?:第\s*\S{1,3}?\s*个?\s*月|months?\s*\d)", _I)
_GOAL_WORD = re.compile(r"目标|\btargets?\b|\bgoals?\b", _I)
EXCERPT_LIMIT = 200  # a whole document pasted as one line is quoted, not reprinted

_COMMUNICATION = re.compile(
    r"沟通|汇报|会议|对接|同步|反馈|周会|例会|晨会|报告|周报|日报|月报|回复|响应|联系方式"
    r"|communicat|report|meeting|\bsync|\bupdates?\b|check-in|\breply|\brespond|\bcall\b",
    _I,
)


class _Column:
    TIME = "time"
    TASK = "task"
    DETAILS = "details"
    OWNER = "owner"
    REVIEWER = "reviewer"
    ACCEPTANCE = "acceptance"


# Reviewer before acceptance: "验收人" is a person, "验收标准" a bar.
_COLUMNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        _Column.REVIEWER,
        re.compile(r"复核|审核|验收人|检查人|把关|review|check(?:ed)? by|checker|approver|sign", _I),
    ),
    (_Column.OWNER, re.compile(r"负责|执行人|责任人|牵头|owner|lead|responsible|who|assignee", _I)),
    (
        _Column.ACCEPTANCE,
        re.compile(r"验收|标准|达标|考核|acceptance|done when|bar|criteria|success|target", _I),
    ),
    (_Column.TIME, re.compile(r"时间|周次|日期|节点|截止|期限|when|week|date|due|time|deadline", _I)),
    (_Column.TASK, re.compile(r"任务|事项|工作|动作|task|action|what|item", _I)),
    (_Column.DETAILS, re.compile(r"细节|内容|说明|做法|操作|details?|how|notes?", _I)),
)


@dataclass
class _Table:
    header: Statement | None
    columns: dict[str, int]  # role → cell index
    section: Section

    @property
    def is_task_table(self) -> bool:
        # A risk table has an owner and an "应对动作" column too, but its rows are plans for
        # incidents, not duties with a due day.
        roles = self.columns.keys()
        if self.section is Section.TASKS:
            return _Column.TASK in roles or {_Column.TIME, _Column.ACCEPTANCE} <= roles
        return self.section is Section.OTHER and _Column.TIME in roles and len(roles) >= 3


def read_text(text: str) -> PlanReading:
    """Read a pasted or uploaded plan into statements, duties and plan-wide facts."""
    reading = PlanReading(language=detect_language(text), platform=words.platform_of(fold(text)))
    section = Section.OTHER
    table: _Table | None = None
    open_duty = False  # a list duty whose nested lines may still name its lead or bar
    lines = [line.rstrip("\r") for line in text.split("\n")]
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            table = None
            continue
        if _TABLE_SEPARATOR.match(raw):
            continue
        if raw.strip().startswith("|"):
            followed_by_separator = number < len(lines) and _TABLE_SEPARATOR.match(lines[number]) is not None
            table = _read_table_row(reading, raw, number, section, table, followed_by_separator)
            open_duty = False
            continue
        table = None
        title = _heading(raw)
        if title is not None:
            section = _section_of(title) or section
            open_duty = False
            continue
        open_duty = _read_line(reading, raw, number, section, open_duty)
    _read_plan_wide(reading)
    return reading


def _heading(raw: str) -> str | None:
    if m := _MARKDOWN_HEADING.match(raw):
        return m.group("title")
    # "一、目标", "1. 目标" or "Risk plans:" is a heading only when it names a module; "一、尽快完成
    # 详情页优化" is a numbered task and is read as one.
    for pattern in (_CHINESE_HEADING, _NUMBERED_SHORT, _BARE_TITLE):
        if (m := pattern.match(raw)) and _short(m.group("title")) and _section_of(m.group("title")):
            return m.group("title")
    return None


def _short(title: str) -> bool:
    han = sum(1 for char in title if "\u4e00" <= char <= "\u9fff")
    return han <= 10 and len(title.split()) <= 5


def _section_of(title: str) -> Section | None:
    folded = fold(title)
    for section, pattern in _SECTIONS:
        if pattern.search(folded):
            return section
    return None


def _clean(raw: str) -> tuple[str, bool, bool]:
    """The line without Markdown markers, whether it is a list item, and whether it is indented."""
    text = _BLOCKQUOTE.sub("", raw)
    text = _EMPHASIS.sub("", text)
    indent = len(text) - len(text.lstrip())
    nested = len(text[:indent].replace("\t", "    ")) >= 2
    m = _LIST_ITEM.match(text)
    if m is None:
        return text.strip(), False, nested
    return text[m.end() :].strip(), True, nested


def _statement(
    text: str, section: Section, number: int, raw: str, *, part_of_duty: bool = False
) -> Statement:
    excerpt = raw.strip()
    if len(excerpt) > EXCERPT_LIMIT:
        excerpt = excerpt[: EXCERPT_LIMIT - 1] + "…"
    return Statement(
        text=text, folded=fold(text), section=section, excerpt=excerpt, line=number, part_of_duty=part_of_duty
    )


def _read_line(reading: PlanReading, raw: str, number: int, section: Section, open_duty: bool) -> bool:
    """Read one line; return whether a list duty is open for the nested lines that follow."""
    text, listed, nested = _clean(raw)
    if not text:
        return open_duty
    if nested and open_duty:
        detail = _statement(text, section, number, raw, part_of_duty=True)
        reading.statements.append(detail)
        reading.duties[-1] = _with_detail(reading.duties[-1], detail)
        return True
    statement = _statement(text, section, number, raw)
    reading.statements.append(statement)
    folded = statement.folded
    starts_with_time = _DUTY_START.match(folded) is not None
    starts_vague = any(v.start == 0 for v in words.vague_deadlines(folded))
    # Outside a named execution section, "第1个月：20万" is a goal's breakdown, not a task.
    loose_task = ((starts_with_time and not _MONTH_START.match(folded)) or starts_vague) and not (
        words.budget_named(folded) or _GOAL_WORD.search(folded)
    )
    is_duty = (section is Section.TASKS and ((listed and not nested) or starts_with_time)) or (
        section is Section.OTHER and loose_task
    )
    if not is_duty:
        return False
    acceptance = words.acceptance_given(folded)
    reading.duties.append(
        Duty(
            statement=statement,
            form=DutyForm.LINE,
            subject=text,
            has_time=words.has_time_anchor(folded) or bool(words.vague_deadlines(folded)),
            has_owner=words.owner_named(folded),
            has_reviewer=words.reviewer_named(folded),
            acceptance=text[acceptance.start : acceptance.end].strip() if acceptance else None,
        )
    )
    return listed


def _with_detail(duty: Duty, detail: Statement) -> Duty:
    """A nested line ("  - 负责人：运营专员；验收：30个标题") completes the duty above it."""
    folded = detail.folded
    acceptance = words.acceptance_given(folded)
    bar = duty.acceptance
    if acceptance is not None:
        bar = detail.text[acceptance.start : acceptance.end].strip()
    elif bar is None and words.has_measure(folded):
        bar = detail.text
    return replace(
        duty,
        has_time=duty.has_time or words.has_time_anchor(folded),
        has_owner=duty.has_owner or words.owner_named(folded),
        has_reviewer=duty.has_reviewer or words.reviewer_named(folded),
        acceptance=bar,
    )


def _cells(raw: str) -> list[str]:
    inner = raw.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") else inner
    return [_EMPHASIS.sub("", cell).strip() for cell in inner.split("|")]


def _read_table_row(
    reading: PlanReading,
    raw: str,
    number: int,
    section: Section,
    table: _Table | None,
    followed_by_separator: bool,
) -> _Table:
    cells = _cells(raw)
    if table is None:
        columns: dict[str, int] = {}
        for index, cell in enumerate(cells):
            folded = fold(cell)
            for role, pattern in _COLUMNS:
                if role not in columns and pattern.search(folded):
                    columns[role] = index
                    break
        if len(columns) >= 2 or followed_by_separator:
            header = _statement(" | ".join(cells), section, number, raw)
            return _Table(header=header, columns=columns, section=section)
        table = _Table(header=None, columns={}, section=section)
    text = " | ".join(cell for cell in cells if cell)
    if not text:
        return table
    statement = _statement(text, section, number, raw)
    reading.statements.append(statement)
    if table.is_task_table:
        reading.duties.append(_table_duty(statement, cells, table))
    return table


def _table_duty(statement: Statement, cells: list[str], table: _Table) -> Duty:
    def cell(role: str) -> str | None:
        index = table.columns.get(role)
        if index is None:
            return None
        value = cells[index] if index < len(cells) else ""
        # "待定", "TBD", "-" hold a place; they name nobody and no bar.
        return None if re.fullmatch(r"[-—–/?？]*|待定|未定|待补充|TBD|TBC|N/?A", value, _I) else value

    time, owner, reviewer = cell(_Column.TIME), cell(_Column.OWNER), cell(_Column.REVIEWER)
    acceptance = cell(_Column.ACCEPTANCE)
    subject = " ".join(filter(None, (cell(_Column.TASK), cell(_Column.DETAILS)))) or statement.text
    folded = statement.folded
    return Duty(
        statement=statement,
        form=DutyForm.TABLE_ROW,
        subject=subject,
        has_time=(
            (time is not None and words.has_time_anchor(fold(time)))
            or words.has_time_anchor(folded)
            or bool(words.vague_deadlines(folded))
        ),
        has_owner=owner is not None,
        has_reviewer=reviewer is not None,
        # An acceptance column left blank or "待定" is a missing bar, whatever the other cells say.
        acceptance=(acceptance or "") if _Column.ACCEPTANCE in table.columns else None,
        header=table.header,
        owner_column=_Column.OWNER in table.columns,
        reviewer_column=_Column.REVIEWER in table.columns,
    )


def _read_plan_wide(reading: PlanReading) -> None:
    statements = reading.statements
    live = [s for s in statements if s.section is not Section.STATE]  # history is not a plan
    reading.every_task_reviewed = any(words.every_task_reviewed(s.folded) for s in statements)
    for s in statements:
        reading.defined_metrics |= words.defined_metrics(s.folded)

    _read_goals(reading, live)
    reading.figures = ([reading.core_goal] if reading.core_goal else []) + [
        s for s in live if words.fee_named(s.folded) and s is not reading.core_goal
    ]
    reading.source_named = any(words.data_source_named(s.folded) for s in statements)
    reading.moment_named = any(words.figures_moment_named(s.folded) for s in statements)
    _read_channel(reading, live)
    _read_risks(reading, live)
    _read_rates(reading, live)
    _read_budget(reading, live)


def _read_goals(reading: PlanReading, live: list[Statement]) -> None:
    goals = [s for s in live if s.section is Section.GOALS]
    core = next((s for s in live if words.core_goal_marked(s.folded) and words.has_measure(s.folded)), None)
    if core is None:
        core = next((s for s in goals if words.has_measure(s.folded) and not words.goal_path(s.folded)), None)
    if core is None:
        core = next((s for s in live if words.sales_goal(s.folded)), None)
    reading.core_goal = core
    if core is None:
        return
    # Without a goals section, any line that slices the goal by month or week and is not itself
    # a task ("第1周：优化30个标题") counts as its breakdown.
    tasks = {id(duty.statement) for duty in reading.duties}
    candidates = goals or [
        s for s in live if s.section in (Section.OTHER, Section.ASSESSMENT) and id(s) not in tasks
    ]
    reading.goal_has_path = words.goal_path(core.folded) or any(
        words.goal_path(s.folded) for s in candidates if s is not core
    )


def _read_channel(reading: PlanReading, live: list[Statement]) -> None:
    # "24小时内电话联系买家" in a risk plan is how buyers are reached, not how the two parties talk.
    talk = [
        s
        for s in live
        if words.channel_named(s.folded)
        and s.section is not Section.RISKS
        and (s.section is not Section.TASKS or _COMMUNICATION.search(s.folded))
    ]
    if any(words.frequency_named(s.folded) for s in talk):
        reading.channel_fixed = True
        return
    # "渠道：企业微信群" and "频率：每周一10:00周会" on two lines of one section count together.
    for s in talk:
        if any(
            other.section is s.section
            and _COMMUNICATION.search(other.folded)
            and words.frequency_named(other.folded)
            for other in live
        ):
            reading.channel_fixed = True
            return
    reading.channel_mention = next(
        (s for s in talk if _COMMUNICATION.search(s.folded) or s.section is Section.ASSESSMENT), None
    )


def _read_risks(reading: PlanReading, live: list[Statement]) -> None:
    for kind in CONTINGENCIES:
        mentions = [s for s in live if kind in words.risks_mentioned(s.folded)]
        covered = any(words.has_response(s.folded) for s in mentions)
        mention = next((s for s in mentions if s.section is Section.RISKS), None)
        reading.risks[kind] = RiskCover(covered=covered, mention=None if covered else mention)


def _read_rates(reading: PlanReading, live: Iterable[Statement]) -> None:
    for s in live:
        for rate, committed in rates_in(s.text, s.folded):
            if s.section is Section.RESOURCES or committed:
                reading.commitments.append(RateAt(rate, s))
            elif s.section is not Section.GOALS:
                reading.demands.append(RateAt(rate, s))


def _read_budget(reading: PlanReading, live: list[Statement]) -> None:
    budget_statement = next((s for s in live if words.budget_named(s.folded)), None)
    if budget_statement is None:
        return
    monthly = next(
        (
            c.rate.per_month
            for c in reading.commitments
            if c.statement is budget_statement and c.rate.kind is ResourceKind.BUDGET
        ),
        words.money(budget_statement.folded),
    )
    flex = [
        s
        for s in live
        if words.flex_named(s.folded)
        and (s is budget_statement or re.search(r"预算|费用|资金|元|budget|spend|CNY|¥", s.folded, _I))
    ]
    share: float | None = None
    for s in flex:
        found = words.shares(s.folded)
        if not found and monthly:
            found = [a / monthly for a in words.amounts_of_money(s.folded) if 0 < a < monthly]
        if found:
            share = max([*found, share or 0.0])
    reading.budget = Budget(
        statement=budget_statement, monthly=monthly, flex_share=share, flex_said=bool(flex)
    )
