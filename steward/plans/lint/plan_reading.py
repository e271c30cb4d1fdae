"""Reading a structured plan: fields become statements, figures are taken as entered.

Free-text fields go through the same sentence checks as a pasted plan (a "尽快" in a task's
details is as vague there as anywhere); what the structure states outright — an owner field, a
flexible share, a risk's kind — is read from the field instead of guessed from words.
"""

from __future__ import annotations

from steward.plans.lint import vocabulary as words
from steward.plans.lint.cadence import rate_of, rates_in
from steward.plans.lint.findings import Language
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
from steward.plans.structure import BreakdownBy, CoreGoal, OperationsPlan, ResourceKind, RiskKind

_RATED = (ResourceKind.NEW_PRODUCTS, ResourceKind.PRODUCT_PHOTOS, ResourceKind.BUDGET)


def read_plan(plan: OperationsPlan) -> PlanReading:
    texts = list(_texts(plan))
    everything = "\n".join(texts)
    language = Language(plan.language) if plan.language else detect_language(everything)
    reading = PlanReading(language=language, platform=words.platform_of(fold(everything)))

    def add(text: str, section: Section, where: str) -> Statement | None:
        text = " ".join(text.split())
        if not text:
            return None
        statement = Statement(text=text, folded=fold(text), section=section, excerpt=text, field=where)
        reading.statements.append(statement)
        return statement

    add(plan.current_state.summary, Section.STATE, "current_state.summary")
    for i, fact in enumerate(plan.current_state.facts):
        add(fact, Section.STATE, f"current_state.facts[{i}]")

    core = plan.goals.core
    if core is not None:
        reading.core_goal = add(_core_goal_text(core, language), Section.GOALS, "goals.core")
        reading.goal_has_path = any(
            part.by in (BreakdownBy.MONTH, BreakdownBy.WEEK) for part in plan.goals.breakdown
        )
        if (core.due is None or core.target is None) and reading.core_goal is not None:
            # A core goal without a day or a target number is held to a task's rules: it is the
            # vaguest promise of all when it has neither.
            reading.duties.append(
                Duty(
                    statement=reading.core_goal,
                    form=DutyForm.FIELD,
                    subject=reading.core_goal.text,
                    has_time=core.due is not None,
                    has_owner=True,
                    has_reviewer=True,
                    acceptance=_number(core.target),
                    is_goal=True,
                )
            )
    for i, part in enumerate(plan.goals.breakdown):
        add(
            f"{part.label} {part.metric} {_number(part.target)}{part.unit}",
            Section.GOALS,
            f"goals.breakdown[{i}]",
        )

    for i, task in enumerate(plan.tasks):
        # The time field is judged on the duty (a resolved due date beats the words); the rest of
        # the task is a sentence like any other.
        statement = add(
            " · ".join(filter(None, (task.task, task.details, task.acceptance))), Section.TASKS, f"tasks[{i}]"
        )
        if statement is None:
            continue
        time = fold(task.time)
        vague = (
            None if task.due or words.has_time_anchor(time) else next(iter(words.vague_deadlines(time)), None)
        )
        reading.duties.append(
            Duty(
                statement=statement,
                form=DutyForm.FIELD,
                subject=" ".join(filter(None, (task.task, task.details))),
                has_time=task.due is not None or words.has_time_anchor(time),
                has_owner=bool(task.owner.strip()),
                has_reviewer=bool(task.reviewer.strip()),
                acceptance=task.acceptance,
                vague=vague,
            )
        )
        for rate, committed in rates_in(statement.text, statement.folded):
            if not committed:
                reading.demands.append(RateAt(rate, statement))

    for i, item in enumerate(plan.resources):
        amount = f"{_number(item.amount)}{item.unit}" if item.amount is not None else ""
        statement = add(" ".join((item.what, amount, item.delivery)), Section.RESOURCES, f"resources[{i}]")
        if statement is None:
            continue
        if item.kind in _RATED and item.amount is not None and item.per is not None:
            reading.commitments.append(
                RateAt(rate_of(item.kind, item.amount, item.per, statement.text), statement)
            )
        if item.kind is ResourceKind.BUDGET and reading.budget is None:
            monthly = (
                rate_of(item.kind, item.amount, item.per, "").per_month
                if item.amount and item.per
                else item.amount
            )
            share = item.flexible_share
            if share is None and words.flex_named(statement.folded):
                share = max(words.shares(statement.folded), default=None)
            reading.budget = Budget(
                statement=statement,
                monthly=monthly,
                flex_share=share,
                flex_said=item.flexible_share is not None or words.flex_named(statement.folded),
            )

    assessment = plan.assessment
    for i, definition in enumerate(assessment.definitions):
        statement = add(
            f"{definition.metric} = {definition.formula}", Section.ASSESSMENT, f"assessment.definitions[{i}]"
        )
        if statement is not None and definition.formula.strip():
            # The editor's definition field is a definition whatever its wording.
            reading.defined_metrics |= words.metric_families(fold(definition.metric))
    for i, check in enumerate(assessment.checks):
        add(
            f"{check.metric} {check.bar} {check.when} {check.on_miss}",
            Section.ASSESSMENT,
            f"assessment.checks[{i}]",
        )
    for i, incentive in enumerate(assessment.incentives):
        statement = add(
            f"{incentive.condition}: {incentive.consequence}",
            Section.ASSESSMENT,
            f"assessment.incentives[{i}]",
        )
        if statement is not None:
            reading.figures.append(statement)
    if reading.core_goal is not None:
        reading.figures.insert(0, reading.core_goal)
    source = fold(f"{assessment.data_source} {assessment.figures_taken_at}")
    reading.source_named = bool(assessment.data_source.strip()) or words.data_source_named(source)
    reading.moment_named = bool(assessment.figures_taken_at.strip()) and (
        words.has_time_anchor(fold(assessment.figures_taken_at)) or words.figures_moment_named(source)
    )

    for i, channel in enumerate(assessment.communication):
        statement = add(
            f"{channel.channel} {channel.frequency} {channel.purpose}",
            Section.ASSESSMENT,
            f"assessment.communication[{i}]",
        )
        if channel.channel.strip() and channel.frequency.strip():
            reading.channel_fixed = True
        elif reading.channel_mention is None and channel.channel.strip():
            reading.channel_mention = statement

    covered: set[RiskKind] = set()
    mentioned: dict[RiskKind, Statement] = {}
    for i, risk in enumerate(plan.risks):
        statement = add(
            " ".join((risk.title, risk.trigger, risk.response, risk.owner)), Section.RISKS, f"risks[{i}]"
        )
        if statement is None:
            continue
        kinds = {risk.kind} | words.risks_mentioned(statement.folded)
        for kind in kinds:
            if risk.trigger.strip() and risk.response.strip():
                covered.add(kind)
            else:
                mentioned.setdefault(kind, statement)
    for kind in CONTINGENCIES:
        reading.risks[kind] = RiskCover(
            covered=kind in covered, mention=None if kind in covered else mentioned.get(kind)
        )
    return reading


def _core_goal_text(core: CoreGoal, language: Language) -> str:
    """The core goal as a sentence, so that the sentence checks and the rewrites can read it."""
    baseline, target, unit = _number(core.baseline), _number(core.target), core.unit
    zh = language is Language.ZH
    if core.target is None:
        figures = (
            (f"（当前{baseline}{unit}）" if zh else f" (now {baseline}{unit})")
            if core.baseline is not None
            else ""
        )
    elif core.baseline is None:
        figures = f"达到{target}{unit}" if zh else f" to {target}{unit}"
    else:
        figures = (
            f"从{baseline}{unit}提升到{target}{unit}" if zh else f" from {baseline}{unit} to {target}{unit}"
        )
    return f"{core.metric}{figures} {core.note}".strip()


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}".rstrip("0")


def _texts(plan: OperationsPlan) -> list[str]:
    texts = [plan.title, plan.current_state.summary, *plan.current_state.facts]
    if plan.goals.core is not None:
        texts += [plan.goals.core.metric, plan.goals.core.note]
    texts += [part.label for part in plan.goals.breakdown]
    for task in plan.tasks:
        texts += [task.time, task.task, task.details, task.owner, task.reviewer, task.acceptance]
    texts += [f"{r.what} {r.delivery}" for r in plan.resources]
    a = plan.assessment
    texts += [a.data_source, a.figures_taken_at]
    texts += [f"{d.metric} {d.formula}" for d in a.definitions]
    texts += [f"{c.metric} {c.bar} {c.when} {c.on_miss}" for c in a.checks]
    texts += [f"{i.condition} {i.consequence}" for i in a.incentives]
    texts += [f"{c.channel} {c.frequency}" for c in a.communication]
    texts += [f"{r.title} {r.trigger} {r.response}" for r in plan.risks]
    return [t for t in texts if t]
