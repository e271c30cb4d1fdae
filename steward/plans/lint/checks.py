"""The six must-haves and three traps, checked on a :class:`PlanReading`.

Sentence checks (vague deadlines, bars without numbers, rates without definitions) and duty checks
(time, lead, reviewer, bar) run per statement and share one rewrite per statement; plan-wide checks
(contingencies, channel, data source, goal breakdown, resources, flexible budget) run once.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from steward.plans.lint import messages, rewrites
from steward.plans.lint import vocabulary as words
from steward.plans.lint.cadence import WEEKS_PER_MONTH
from steward.plans.lint.findings import Finding, FindingCode
from steward.plans.lint.language import fold
from steward.plans.lint.reading import CONTINGENCIES, Duty, DutyForm, PlanReading, Section, Statement
from steward.plans.lint.rewrites import Context, Problems
from steward.plans.structure import ResourceKind

# A demand within 5% of the commitment is rounding ("每天10元" against "每月300元"), not a trap.
_OVERCOMMIT_TOLERANCE = 1.05
FLEX_SHARE_FLOOR = 0.2

_CODE_ORDER = {code: index for index, code in enumerate(FindingCode)}

# Current state describes the past ("近期差评增多"); it holds no deadlines or bars to check.
_NO_DEADLINES = {Section.STATE}
# Goals, assessment rules and loose text state bars; resources and risk plans describe supply
# and responses, where "补货" or "调整" are actions, not promises of improvement.
_STATES_BARS = {Section.GOALS, Section.ASSESSMENT, Section.OTHER, Section.TASKS}


def check(reading: PlanReading, today: dt.date) -> list[Finding]:
    context = Context(reading.language, reading.platform, today)
    found = [*_statement_findings(reading, context), *_plan_findings(reading, context)]
    unique: dict[tuple[object, ...], Finding] = {}
    for finding in found:
        unique.setdefault(
            (finding.code, finding.line, finding.field, finding.excerpt, finding.message), finding
        )
    # Text findings follow the lines; structured ones follow the plan's modules; plan-wide last.
    position: dict[str | None, int] = {
        s.field: index for index, s in enumerate(reading.statements) if s.field
    }
    return sorted(
        unique.values(),
        key=lambda f: (
            f.line is None and f.field is None,
            f.line if f.line is not None else position.get(f.field, 0),
            _CODE_ORDER[f.code],
        ),
    )


def _statement_findings(reading: PlanReading, context: Context) -> list[Finding]:
    duties = {id(duty.statement): duty for duty in reading.duties}
    missing_columns: dict[int, tuple[Duty, bool, bool]] = {}
    found: list[Finding] = []
    for statement in reading.statements:
        duty = duties.get(id(statement))
        problems = _problems(statement, duty, reading)
        if duty is not None and duty.form is DutyForm.TABLE_ROW and duty.header is not None:
            # A column the table does not have is reported once, on its header.
            owner_gap = not duty.owner_column
            reviewer_gap = not duty.reviewer_column and not reading.every_task_reviewed
            if owner_gap or reviewer_gap:
                missing_columns[id(duty.header)] = (duty, owner_gap, reviewer_gap)
            problems.missing_owner &= duty.owner_column
            problems.missing_reviewer &= duty.reviewer_column
        if not problems:
            continue
        suggestion = rewrites.rewrite(statement, problems, context, duty)
        language = context.language
        said: list[tuple[FindingCode, str]] = []
        goal = duty is not None and duty.is_goal
        if problems.vague or problems.missing_time:
            said.append((FindingCode.VAGUE_DEADLINE, messages.vague_deadline(problems, language, goal=goal)))
        if problems.unmeasurable:
            said.append(
                (FindingCode.UNMEASURABLE_ACCEPTANCE, messages.unmeasurable(problems, language, goal=goal))
            )
        if problems.missing_owner or problems.missing_reviewer:
            said.append((FindingCode.MISSING_OWNER, messages.missing_owner(problems, language)))
        if problems.unclear:
            said.append((FindingCode.UNCLEAR_METRIC, messages.unclear_metric(problems.unclear[0], language)))
        found += [
            Finding(code, statement.line, statement.excerpt, message, suggestion, statement.field)
            for code, message in said
        ]

    for duty, owner_gap, reviewer_gap in missing_columns.values():
        header = duty.header
        assert header is not None
        found.append(
            Finding(
                FindingCode.MISSING_OWNER,
                header.line,
                header.excerpt,
                messages.missing_columns(context.language, owner=owner_gap, reviewer=reviewer_gap),
                rewrites.header_columns(duty, context, owner=owner_gap, reviewer=reviewer_gap),
            )
        )
    return found


def _problems(statement: Statement, duty: Duty | None, reading: PlanReading) -> Problems:
    folded = statement.folded
    problems = Problems()
    if statement.section not in _NO_DEADLINES:
        problems.vague = next(iter(words.vague_deadlines(folded)), None)
        problems.uncheckable = words.uncheckable_bar(folded)
    problems.unclear = [m for m in words.unclear_metrics(folded) if m.family not in reading.defined_metrics]
    if duty is None:
        # A duty's nested detail ("替换无效词") is judged with its duty, not as a bar of its own.
        if statement.section in _STATES_BARS and problems.uncheckable is None and not statement.part_of_duty:
            problems.improvement = words.improvement_without_number(folded)
        return problems

    if duty.vague is not None and problems.vague is None:
        problems.vague = duty.vague
    problems.missing_time = not duty.has_time and problems.vague is None
    problems.missing_owner = not duty.has_owner
    problems.missing_reviewer = not duty.has_reviewer and not reading.every_task_reviewed
    if duty.acceptance is None:
        if problems.uncheckable is not None:
            return problems
        # No separate bar: the task's own words must carry the number ("优化30个标题").
        if not words.has_measure(folded):
            problems.improvement = words.improvement_without_number(folded)
            problems.missing_bar = problems.improvement is None
        return problems
    bar = duty.acceptance.strip()
    if not bar:
        problems.missing_bar = True
    elif not words.has_measure(fold(bar)) or words.uncheckable_bar(fold(bar)):
        # A bar is written but settles nothing ("效果明显"): quote it whole, and the rewrite puts
        # a bar with a number in its place.
        start = statement.text.find(bar)
        problems.uncheckable = (
            words.Match(start, start + len(bar), bar) if start >= 0 else words.Match(0, 0, bar)
        )
        problems.replace_bar = start >= 0
    return problems


def _plan_findings(reading: PlanReading, context: Context) -> list[Finding]:
    language = context.language
    found: list[Finding] = []

    def at(code: FindingCode, statement: Statement | None, message: str, suggestion: str) -> None:
        if statement is None:
            found.append(Finding(code, None, "", message, suggestion))
        else:
            found.append(
                Finding(code, statement.line, statement.excerpt, message, suggestion, statement.field)
            )

    if reading.core_goal is not None and not reading.goal_has_path:
        at(
            FindingCode.GOAL_WITHOUT_PATH,
            reading.core_goal,
            messages.goal_without_path(language),
            rewrites.goal_path(reading.core_goal, context),
        )

    if not (reading.source_named and reading.moment_named):
        for statement in reading.figures:
            at(
                FindingCode.MISSING_DATA_SOURCE,
                statement,
                messages.missing_data_source(
                    language,
                    source_named=reading.source_named,
                    moment_named=reading.moment_named,
                    fee=statement is not reading.core_goal,
                ),
                rewrites.data_source(
                    statement, context, source_named=reading.source_named, moment_named=reading.moment_named
                ),
            )

    if not reading.channel_fixed:
        mention = reading.channel_mention
        named = words.channel_named(mention.folded) if mention is not None else None
        at(
            FindingCode.MISSING_CHANNEL,
            mention,
            messages.missing_channel(
                language, channel=mention.text[named.start : named.end] if mention and named else None
            ),
            rewrites.channel(context, mention),
        )

    for kind in CONTINGENCIES:
        cover = reading.risks.get(kind)
        if cover is not None and cover.covered:
            continue
        mention = cover.mention if cover is not None else None
        at(
            FindingCode.MISSING_CONTINGENCY,
            mention,
            messages.missing_contingency(kind, language, mentioned=mention is not None),
            rewrites.contingency(kind, context, mention),
        )

    committed: dict[ResourceKind, float] = defaultdict(float)
    for commitment in reading.commitments:
        committed[commitment.rate.kind] += commitment.rate.per_week
    for demand in reading.demands:
        have = committed.get(demand.rate.kind)
        if not have or demand.rate.per_week <= have * _OVERCOMMIT_TOLERANCE:
            continue
        need_month = demand.rate.per_month
        have_month = have * WEEKS_PER_MONTH
        at(
            FindingCode.OVERCOMMITMENT,
            demand.statement,
            messages.overcommitment(
                rewrites.quantity(demand.rate.kind, need_month, context),
                rewrites.quantity(demand.rate.kind, have_month, context),
                language,
            ),
            rewrites.overcommitment(demand.rate.phrase, demand.rate.kind, need_month, have_month, context),
        )

    budget = reading.budget
    if budget is not None and (budget.flex_share is None or budget.flex_share < FLEX_SHARE_FLOOR):
        at(
            FindingCode.NO_FLEX_BUDGET,
            budget.statement,
            messages.no_flex_budget(language, share=budget.flex_share, said=budget.flex_said),
            rewrites.flex_budget(budget.statement, budget.monthly, budget.flex_share, context),
        )
    return found
