"""Concrete rewrites: the user's own sentence, with a day, a lead, a reviewer and a number put in.

A suggestion is built from the sentence it fixes — "尽快完成详情页优化" becomes "11月28日前完成
详情页优化（负责人：运营专员；复核：运营主管；验收：详情页支付转化率≥3%，以生意参谋数据为准）" —
so the user can paste it back and adjust the figures, rather than read advice in general terms.
Days are proposed from ``today``: the Friday of next week for "尽快", the month's last day for
"月底前". Roles and bars are proposed from what the task is about (main images → the designer and
click-through rate); the numbers are the practitioners' usual bars and are meant to be edited.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field

from steward.plans.lint import vocabulary as words
from steward.plans.lint.findings import Language
from steward.plans.lint.language import fold
from steward.plans.lint.reading import Duty, DutyForm, Statement
from steward.plans.lint.vocabulary import Match, MetricFamily, MetricMention, Platform, Vagueness
from steward.plans.structure import ResourceKind, RiskKind

_I = re.IGNORECASE
_MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_FRIDAY = 4


@dataclass(frozen=True)
class Context:
    language: Language
    platform: Platform
    today: dt.date

    @property
    def zh(self) -> bool:
        return self.language is Language.ZH

    @property
    def source(self) -> str:
        zh, en = _SOURCES[self.platform]
        return zh if self.zh else en


_SOURCES: dict[Platform, tuple[str, str]] = {
    Platform.TAOBAO: ("生意参谋", "Business Advisor (生意参谋)"),
    Platform.JD: ("京东商智", "JD Shangzhi (京东商智)"),
    Platform.DOUYIN: ("抖店罗盘", "Doudian Compass (抖店罗盘)"),
    Platform.PINDUODUO: ("拼多多商家后台", "the Pinduoduo merchant back office"),
    Platform.UNKNOWN: ("平台官方后台", "the platform's own back office"),
}


# --- days --------------------------------------------------------------------------------------


def proposed_day(vagueness: Vagueness | None, today: dt.date) -> dt.date:
    """The day a vague deadline most plausibly meant; a Friday where a week is meant."""

    def friday_of(day: dt.date) -> dt.date:
        return day + dt.timedelta(days=(_FRIDAY - day.weekday()) % 7)

    def month_end(day: dt.date) -> dt.date:
        return day.replace(day=calendar.monthrange(day.year, day.month)[1])

    match vagueness:
        case Vagueness.WEEK_END:
            return friday_of(today)
        case Vagueness.MONTH_END:
            end = month_end(today)
            # Two days before the month ends, "月底前" can only mean the next month's end.
            return end if (end - today).days >= 2 else month_end(end + dt.timedelta(days=1))
        case Vagueness.QUARTER_END:
            last_month = ((today.month - 1) // 3 + 1) * 3
            return month_end(today.replace(month=last_month, day=1))
        case Vagueness.YEAR_END:
            return today.replace(month=12, day=31)
        case Vagueness.LATER:
            return friday_of(today + dt.timedelta(days=14))
        case _:  # soon, next week, or no time at all: one working week out
            return friday_of(today + dt.timedelta(days=7))


def by_day(day: dt.date, context: Context) -> str:
    if context.zh:
        year = f"{day.year}年" if day.year != context.today.year else ""
        return f"{year}{day.month}月{day.day}日前"
    year = f" {day.year}" if day.year != context.today.year else ""
    return f"by {day.day} {_MONTH_ABBR[day.month - 1]}{year}"


# --- what a task is about ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Topic:
    pattern: re.Pattern[str]
    owner: tuple[str, str]
    bar: tuple[str, str]


_TOPICS = (
    _Topic(
        re.compile(r"详情页|detail page|product page|landing page", _I),
        ("运营专员", "operations specialist"),
        ("详情页支付转化率≥3%", "detail-page payment conversion rate ≥ 3%"),
    ),
    _Topic(
        re.compile(r"主图|首图|main image|thumbnail|hero image", _I),
        ("美工", "designer"),
        ("主图点击率≥4%", "main-image click-through rate ≥ 4%"),
    ),
    _Topic(
        re.compile(r"直通车|推广|投放|广告|万相台|千川|\bads?\b|campaign|\bPPC\b|\bbid", _I),
        ("推广专员", "ads specialist"),
        ("直通车投入产出比（成交金额÷花费）≥2.5", "ad ROI (attributed sales ÷ spend) ≥ 2.5"),
    ),
    _Topic(
        re.compile(r"标题|关键词|\btitles?\b|keyword", _I),
        ("运营专员", "operations specialist"),
        ("每个主推款标题含5个以上热搜词", "every hero-product title carries 5 or more trending search terms"),
    ),
    _Topic(
        re.compile(r"差评|评价|\breviews?\b|rating", _I),
        ("客服主管", "customer service lead"),
        (
            "每条差评24小时内回复，7天内差评不超过5条",
            "every bad review answered within 24 hours, no more than 5 in 7 days",
        ),
    ),
    _Topic(
        re.compile(r"客服|咨询|响应|customer service|\bchat\b|first response", _I),
        ("客服主管", "customer service lead"),
        ("平均首次响应≤30秒", "average first response ≤ 30 seconds"),
    ),
    _Topic(
        re.compile(r"上新|新品|上架|new products?|listing|launch", _I),
        ("运营专员", "operations specialist"),
        (
            "每款新品上架7天内获得≥10条评价",
            "each new product gets at least 10 reviews within 7 days of listing",
        ),
    ),
    _Topic(
        re.compile(r"老客|召回|会员|复购|短信|repeat|member|win[- ]back|\bSMS\b|returning", _I),
        ("客服主管", "customer service lead"),
        ("召回订单≥100单", "at least 100 orders from returning customers"),
    ),
    _Topic(
        re.compile(r"视频|直播|video|live ?stream", _I),
        ("内容专员", "content specialist"),
        ("每周发布3条短视频，单条播放≥1,000次", "3 short videos a week, each played at least 1,000 times"),
    ),
    _Topic(
        re.compile(r"活动|大促|双11|618|promotion|sale event|double 11", _I),
        ("运营专员", "operations specialist"),
        ("活动期间支付金额≥3万元", "at least CNY 30,000 paid during the event"),
    ),
    _Topic(
        re.compile(r"转化|conversion|CVR", _I),
        ("运营专员", "operations specialist"),
        ("支付转化率≥3%", "payment conversion rate ≥ 3%"),
    ),
    _Topic(
        re.compile(r"销售额|月销|GMV|sales|revenue", _I),
        ("运营主管", "account lead"),
        ("月销售额较上月增长≥15%", "monthly sales at least 15% above the month before"),
    ),
)
_DEFAULT_TOPIC = _Topic(
    re.compile(""),
    ("运营专员", "operations specialist"),
    (
        "交付数量写明（例如：完成30个，逐项截图存档）",
        "a count of what is delivered (e.g. 30 done, each with a screenshot on file)",
    ),
)
_REVIEWER = ("运营主管", "account lead")


def _topic(folded: str) -> _Topic:
    return next((t for t in _TOPICS if t.pattern.search(folded)), _DEFAULT_TOPIC)


def _pick(pair: tuple[str, str], context: Context) -> str:
    return pair[0] if context.zh else pair[1]


# --- metric names -------------------------------------------------------------------------------

_DEFINED_NAMES: dict[MetricFamily, tuple[tuple[str, str], tuple[str, str]]] = {
    # (name with its definition, name alone) in Chinese and in English
    MetricFamily.CONVERSION: (
        ("支付转化率（支付买家数÷访客数）", "payment conversion rate (paying buyers ÷ visitors)"),
        ("支付转化率", "payment conversion rate"),
    ),
    MetricFamily.REPURCHASE: (
        (
            "90天复购率（90天内购买2次及以上的买家数÷90天内购买的买家数）",
            "90-day repeat purchase rate (buyers with 2+ orders in 90 days ÷ all buyers in those 90 days)",
        ),
        ("90天复购率", "90-day repeat purchase rate"),
    ),
    MetricFamily.REFUND: (
        ("退款率（按金额：成功退款金额÷支付金额）", "refund rate by amount (refunded amount ÷ paid amount)"),
        ("退款率（按金额）", "refund rate by amount"),
    ),
}


def defined_name(family: MetricFamily, context: Context, *, with_definition: bool = True) -> str:
    full, short = _DEFINED_NAMES[family]
    return _pick(full if with_definition else short, context)


# --- sentence rewrites --------------------------------------------------------------------------


@dataclass
class Problems:
    """Everything wrong with one statement; one rewrite fixes them all."""

    vague: words.VagueDeadline | None = None
    missing_time: bool = False
    uncheckable: Match | None = None  # 满意为止 and other bars nobody can settle
    replace_bar: bool = False  # the uncheckable words are the duty's whole bar: put a new one there
    improvement: Match | None = None  # 提升 / improve with no number
    missing_bar: bool = False
    missing_owner: bool = False
    missing_reviewer: bool = False
    unclear: list[MetricMention] = field(default_factory=list)

    @property
    def unmeasurable(self) -> bool:
        return self.uncheckable is not None or self.improvement is not None or self.missing_bar

    def __bool__(self) -> bool:
        return bool(
            self.vague
            or self.missing_time
            or self.unmeasurable
            or self.missing_owner
            or self.missing_reviewer
            or self.unclear
        )


def rewrite(statement: Statement, problems: Problems, context: Context, duty: Duty | None) -> str:
    if duty is not None and duty.form is not DutyForm.LINE:
        return _fill_in(statement, problems, context, duty)
    return _rewrite_sentence(statement, problems, context, duty)


def _rewrite_sentence(statement: Statement, problems: Problems, context: Context, duty: Duty | None) -> str:
    text, folded = statement.text, statement.folded
    topic = _topic(folded)
    day = by_day(proposed_day(problems.vague.vagueness if problems.vague else None, context.today), context)
    edits: list[tuple[int, int, str]] = []
    if problems.vague:
        edits.append((problems.vague.start, problems.vague.end, day))
    if problems.uncheckable:
        bar = _pick(topic.bar, context)
        if problems.replace_bar:
            new_words = f"{bar}，以{context.source}数据为准" if context.zh else f"{bar}, per {context.source}"
        else:
            new_words = _kept_verb(statement.text, problems.uncheckable)
        edits.append((problems.uncheckable.start, problems.uncheckable.end, new_words))
    for index, mention in enumerate(problems.unclear):
        edits.append(
            (mention.start, mention.end, defined_name(mention.family, context, with_definition=index == 0))
        )
    text = _apply(text, edits)
    text = re.sub(r"[\s。.;；，,]+$", "", text)
    text = re.sub(r"[，,]\s*[，,]", "，" if context.zh else ",", text)
    text = re.sub(r"[，,;；]\s*(?=[（(])", "" if context.zh else " ", text)
    if problems.missing_time:
        text = f"{day}{text}" if context.zh else f"{text} {day}"

    extras: list[str] = []
    if duty is not None:
        if problems.missing_owner:
            extras.append(
                f"负责人：{_pick(topic.owner, context)}"
                if context.zh
                else f"owner: {_pick(topic.owner, context)}"
            )
        if problems.missing_reviewer:
            extras.append(
                f"复核：{_pick(_REVIEWER, context)}"
                if context.zh
                else f"reviewer: {_pick(_REVIEWER, context)}"
            )
        if problems.unmeasurable and not problems.replace_bar:
            bar = _pick(topic.bar, context)
            extras.append(
                f"验收：{bar}，以{context.source}数据为准"
                if context.zh
                else f"acceptance: {bar}, per {context.source}"
            )
        if extras:
            text = _with_note(text, extras, context)
        return text + ("。" if context.zh else ".")
    if problems.unmeasurable:
        bar = _pick(topic.bar, context)
        when = (
            ""
            if words.has_time_anchor(fold(text))
            else by_day(proposed_day(Vagueness.MONTH_END, context.today), context)
        )
        if context.zh:
            text = f"{text}，{when}达到{bar}（以{context.source}数据为准）"
        else:
            text = f"{text}, reaching {bar}{' ' + when if when else ''} (per {context.source})"
    return text + ("。" if context.zh else ".")


# "主图改到老板满意为止" loses its bar but keeps its verb: "主图修改". As a clause of its own
# ("…，做到商家满意为止") it simply goes.
_VERB_BEFORE_SATISFACTION = {"修改到": "修改", "改到": "修改", "调整到": "调整"}


def _kept_verb(text: str, phrase: Match) -> str:
    if phrase.start == 0 or text[phrase.start - 1] in "，,；;。.":
        return ""
    for prefix, verb in _VERB_BEFORE_SATISFACTION.items():
        if phrase.text.startswith(prefix):
            return verb
    return ""


def _fill_in(statement: Statement, problems: Problems, context: Context, duty: Duty) -> str:
    """Table rows and structured tasks: name the cells to fill in rather than rewrite a sentence."""
    topic = _topic(fold(duty.subject) or statement.folded)
    if duty.is_goal:
        # A core goal spans the plan: propose the end of its twelve weeks, a Sunday.
        end = context.today + dt.timedelta(weeks=12)
        day = by_day(end + dt.timedelta(days=(6 - end.weekday()) % 7), context)
        goal_parts = []
        if problems.missing_time:
            goal_parts.append(f"达成日期：{day}" if context.zh else f"date: {day}")
        if problems.unmeasurable:
            goal_parts.append(
                "目标值：写明从多少提升到多少（如月销售额17.8万元→30万元）"
                if context.zh
                else "target: from how much to how much (e.g. monthly sales CNY 178,000 → 300,000)"
            )
        return (
            ("补齐：" + "；".join(goal_parts) + "。")
            if context.zh
            else ("Fill in — " + "; ".join(goal_parts) + ".")
        )
    day = by_day(proposed_day(_vagueness(problems), context.today), context)
    parts: list[str] = []
    if problems.vague or problems.missing_time:
        parts.append(f"时间：{day}" if context.zh else f"time: {day}")
    if problems.missing_owner:
        parts.append(
            f"负责人：{_pick(topic.owner, context)}"
            if context.zh
            else f"owner: {_pick(topic.owner, context)}"
        )
    if problems.missing_reviewer:
        parts.append(
            f"复核人：{_pick(_REVIEWER, context)}" if context.zh else f"reviewer: {_pick(_REVIEWER, context)}"
        )
    if problems.unmeasurable:
        bar = _pick(topic.bar, context)
        parts.append(
            f"验收标准：{bar}（以{context.source}数据为准）"
            if context.zh
            else f"acceptance: {bar} (per {context.source})"
        )
    for index, mention in enumerate(problems.unclear):
        name = defined_name(mention.family, context, with_definition=True)
        parts.append(f"把“{mention.text}”写成{name}" if context.zh else f"write “{mention.text}” as {name}")
        if index == 0:
            break
    if context.zh:
        return "补齐：" + "；".join(parts) + "。"
    return "Fill in — " + "; ".join(parts) + "."


def _with_note(text: str, extras: list[str], context: Context) -> str:
    """Add to the sentence's closing note "（负责人：美工）" rather than open a second one."""
    separator = "；" if context.zh else "; "
    m = re.search(r"[（(]([^（()）]*)[）)]$", text)
    if m is not None and re.search(r"负责|复核|验收|owner|lead|review|acceptance", m.group(1), re.IGNORECASE):
        return f"{text[: m.end(1)]}{separator}{separator.join(extras)}{text[m.end(1) :]}"
    return f"{text}（{separator.join(extras)}）" if context.zh else f"{text} ({separator.join(extras)})"


def _vagueness(problems: Problems) -> Vagueness | None:
    return problems.vague.vagueness if problems.vague else None


def _apply(text: str, edits: list[tuple[int, int, str]]) -> str:
    taken: list[tuple[int, int, str]] = []
    for start, end, new in sorted(edits, key=lambda e: e[0]):
        if taken and start < taken[-1][1]:
            continue  # overlapping phrases: the first one wins
        taken.append((start, end, new))
    for start, end, new in reversed(taken):
        text = text[:start] + new + text[end:]
    return text


# --- plan-wide rewrites -------------------------------------------------------------------------


def header_columns(duty: Duty, context: Context, *, owner: bool, reviewer: bool) -> str:
    columns = [
        name
        for name, missing in ((("负责人", "Owner"), owner), (("复核人", "Reviewer"), reviewer))
        if missing
    ]
    names = [_pick(c, context) for c in columns]
    if context.zh:
        return f"表头加上“{'”“'.join(names)}”列，每一行写上角色，例如负责人：运营专员，复核人：运营主管。"
    return f"Add {' and '.join(f'a “{n}” column' for n in names)} and fill every row, e.g. owner: operations specialist, reviewer: account lead."


_CONTINGENCY_TEXT: dict[RiskKind, tuple[str, str]] = {
    RiskKind.STOCK_OUT: (
        "断货预案：主推款库存低于50件时，当天把推广切到替代款，商家3天内补货（负责人：运营专员）。",
        "Stock-out plan: when the hero product's stock falls below 50, switch promotion to the substitute product the same day; the merchant restocks within 3 days (owner: operations specialist).",
    ),
    RiskKind.BAD_REVIEW_BURST: (
        "差评预案：7天内差评超过5条时暂停推广，客服主管24小时内逐一联系买家处理并回复评价。",
        "Bad-review plan: when more than 5 bad reviews arrive within 7 days, pause promotion; the customer service lead contacts each buyer and answers each review within 24 hours.",
    ),
    RiskKind.PLATFORM_RULE_CHANGE: (
        "平台规则变动预案：平台或推广工具规则调整后，运营主管2天内提交新的推广方案，商家确认后执行。",
        "Platform-rule plan: when the platform or its ad tools change their rules, the account lead submits a revised promotion plan within 2 days, carried out once the merchant confirms.",
    ),
}


def contingency(kind: RiskKind, context: Context, mention: Statement | None) -> str:
    zh, en = _CONTINGENCY_TEXT[kind]
    text = zh if context.zh else en
    if mention is not None:
        return (f"把“{mention.text}”写成：" if context.zh else f"Write “{mention.text}” as: ") + text
    return ("加一条" if context.zh else "Add: ") + text


def channel(context: Context, mention: Statement | None) -> str:
    named = words.channel_named(mention.folded) if mention is not None else None
    place = mention.text[named.start : named.end] if mention is not None and named is not None else ""
    if not place or place in {"群里", "群内", "群聊"}:
        place = "企业微信工作群" if context.zh else "the shared WeCom work group"
    elif not context.zh and place.lower() in {"wechat", "wecom", "dingtalk", "lark", "feishu", "slack"}:
        place = f"the shared {place} group"
    if context.zh:
        return f"日常沟通固定在{place}，工作日9:00–18:00内2小时内回复；每周一10:00视频周会复盘上周数据；每月1日提交月报。"
    return (
        f"Day-to-day questions go to {place}, answered within 2 hours on workdays 9:00–18:00; a video call every "
        "Monday at 10:00 reviews last week's figures; a monthly report on the 1st."
    )


def data_source(statement: Statement, context: Context, *, source_named: bool, moment_named: bool) -> str:
    text = re.sub(r"[\s。.;；]+$", "", statement.text)
    if context.zh:
        if source_named:
            return f"{text}（以{context.source}数据为准，每周五18:00截图存档，双方核对）。"
        if moment_named:
            return f"{text}（以{context.source}数据为准）。"
        return f"{text}（以{context.source}数据为准，每周五18:00截图存档，双方核对）。"
    if moment_named and not source_named:
        return f"{text} (figures from {context.source})."
    return f"{text} (figures from {context.source}, screenshot every Friday at 18:00 and kept on file by both sides)."


_FROM_TO = re.compile(
    r"(?:从|from)\s*(?P<cur>CNY|RMB|¥)?\s*(?P<a>\d[\d,]*(?:\.\d+)?)\s*(?P<ua>万|千|k|w|元|%)?[^\d]{0,12}?"
    r"(?:到|至|提升到|提升至|做到|达到|增至|to)\s*(?:CNY|RMB|¥)?\s*(?P<b>\d[\d,]*(?:\.\d+)?)\s*(?P<ub>万|千|k|w|元|%)?",
    _I,
)
# "3个月", "12周", "in 3 months"; not "12月" (December) nor the "000 month" of "200,000 monthly".
_HORIZON = re.compile(
    r"(?<![\d,.])(?P<n>\d+|[一二两三四五六七八九十]+)\s*(?P<unit>个月|周|months?\b|weeks?\b)", _I
)


def goal_path(statement: Statement, context: Context) -> str:
    """Break a core goal into months, evenly, from its own baseline and target."""
    m = _FROM_TO.search(statement.folded)
    months = 3
    if h := _HORIZON.search(statement.folded):
        raw = h.group("n")
        count = int(raw) if raw.isdigit() else int(words.zh_number(raw))
        weekly = h.group("unit").lower().startswith(("周", "week"))
        months = max(1, round(count / 4.345)) if weekly else max(1, count)
    if m is None:
        if context.zh:
            return f"把核心目标按月拆开：写出第1至第{months}个月各要达到多少，再拆到每周（例如每周新增多少访客），每周一对照一次。"
        return f"Break the core goal down: what months 1 to {months} must each reach, then per week (e.g. visitors added per week), checked every Monday."
    unit = m.group("ub") or m.group("ua") or ""
    a, b = float(m.group("a").replace(",", "")), float(m.group("b").replace(",", ""))
    steps = [a + (b - a) * (i + 1) / months for i in range(months)]
    currency = "CNY " if m.group("cur") and not context.zh else ""
    shown = [currency + _amount(v, unit) for v in steps]
    if context.zh:
        parts = "，".join(f"第{i + 1}个月{v}" for i, v in enumerate(shown))
        return f"按月拆解：{parts}；再拆到每周，每周一对照进度，落后10%以上当周调整。"
    parts = ", ".join(f"month {i + 1}: {v}" for i, v in enumerate(shown))
    return f"Break it down by month — {parts}; then per week, checked every Monday, adjusted the same week when 10% or more behind."


def _amount(value: float, unit: str) -> str:
    shown = f"{value:,.0f}" if value >= 100 else f"{value:,.1f}".rstrip("0").rstrip(".")
    return f"{shown}{unit}"


_UNITS: dict[ResourceKind, tuple[str, str]] = {
    ResourceKind.NEW_PRODUCTS: ("款新品", " new products"),
    ResourceKind.PRODUCT_PHOTOS: ("张素材", " product photos"),
    ResourceKind.BUDGET: ("元", " CNY"),
}


def quantity(kind: ResourceKind, amount: float, context: Context) -> str:
    zh, en = _UNITS.get(kind, ("", ""))
    shown = f"{amount:,.0f}" if amount >= 10 or amount == int(amount) else f"{amount:.1f}"
    if kind is ResourceKind.BUDGET and not context.zh:
        return f"CNY {shown}"
    return f"{shown}{zh if context.zh else en}"


def overcommitment(
    demand_phrase: str, kind: ResourceKind, need_month: float, have_month: float, context: Context
) -> str:
    have = quantity(kind, have_month, context)
    need = quantity(kind, need_month, context)
    if kind is ResourceKind.BUDGET:
        daily = quantity(kind, have_month / 30.44, context)
        how_zh, how_en = f"折合每天约{daily}", f"about {daily} a day"
    else:
        how_zh, how_en = "排进具体周次", "scheduled into named weeks"
    if context.zh:
        return f"把“{demand_phrase}”降到商家承诺的每月{have}以内（{how_zh}），或者先和商家确认把供给提高到每月{need}，写进资源承诺。"
    return (
        f"Bring “{demand_phrase}” within the {have} a month the merchant committed ({how_en}), "
        f"or first agree with the merchant to raise it to {need} a month and write that into the resources."
    )


def flex_budget(statement: Statement, monthly: float | None, share: float | None, context: Context) -> str:
    text = re.sub(r"[\s。.;；]+$", "", statement.text)
    reserve = (
        f"（{monthly * 0.2:,.0f}元）"
        if monthly and context.zh
        else (f" (CNY {monthly * 0.2:,.0f})" if monthly else "")
    )
    if context.zh:
        lead = f"{text}，其中20%{reserve}作为机动预算"
        if share is not None:
            lead = f"{text}，机动比例从{share:.0%}提高到20%{reserve}"
        return f"{lead}，由运营主管每周按投入产出比在计划之间重新分配。"
    lead = f"{text}; 20%{reserve} is kept flexible"
    if share is not None:
        lead = f"{text}; raise the flexible share from {share:.0%} to 20%{reserve}"
    return f"{lead}, re-allocated weekly between campaigns by the account lead according to ROI."
