"""The words of operations plans, in Chinese and English, that the checks look for.

Every pattern runs on *folded* text (see :mod:`steward.plans.lint.language`): full-width digits
and punctuation are ASCII there, so ``：`` is ``:`` and ``（`` is ``(``. Patterns are
case-insensitive so that "ASAP", "Asap" and "asap" read the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from steward.plans.structure import RiskKind

_I = re.IGNORECASE
_ZH_DIGIT = "一二两三四五六七八九十"
_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec"
)
_WEEKDAYS = (
    "monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun"
)


def _any(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), _I)


# --- time ---------------------------------------------------------------------------------------

# A day that can be looked up in a calendar, a recurring moment, a plan week, or a limit counted
# from a trigger ("24小时内"): any of these makes a deadline checkable.
TIME_ANCHOR = _any(
    r"(?:\d{2,4}\s*年\s*)?\d{1,2}\s*月\s*\d{1,2}\s*[日号]",
    rf"(?:\d{{2,4}}\s*年\s*)?(?:\d{{1,2}}|[{_ZH_DIGIT}]{{1,2}})\s*月\s*(?:底|末|初|上旬|中旬|下旬)",
    r"\d{4}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{1,2}",
    r"(?<!\d)20\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?!\d)",
    rf"第\s*(?:\d+|[{_ZH_DIGIT}]+)\s*(?:[-–—~至到]\s*(?:\d+|[{_ZH_DIGIT}]+)\s*)?个?\s*(?:周|星期|月)",
    r"每\s*(?:个)?\s*(?:周|星期|礼拜|月|天|日|工作日|季度|两周|半月)",
    r"(?:周|星期|礼拜)[一二三四五六日天]",
    r"(?<!\d)\d{1,2}\s*:\s*\d{2}|(?<!\d)\d{1,2}\s*点(?![击赞评])",
    rf"(?:\d+|[{_ZH_DIGIT}半]+)\s*个?\s*(?:小时|天|日|工作日|周|星期|分钟|秒|月)\s*(?:内|之内|以内)",
    r"当天|当日|次日|隔天|即时|立即|立刻|实时|马上",
    r"双\s*(?:11|12|十一|十二)|(?<!\d)618(?!\d)",
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\b\.?(?:\s+\d{{4}})?",
    rf"\b(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b",
    rf"\b(?:end|start|beginning|middle|mid)\s+(?:of\s+)?(?:{_MONTHS})\b",
    r"\b(?:weeks?|months?|wks?)\s*\d+\b|\bW\d{1,2}\b",
    rf"\b(?:every|each)\s+(?:other\s+)?(?:day|week|month|morning|evening|weekday|working day|business day|fortnight|{_WEEKDAYS})\b",
    r"\b(?:daily|weekly|monthly|fortnightly|biweekly)\b|\b(?:a|per)\s+(?:day|week|month)\b",
    rf"\b(?:{_WEEKDAYS})s?\b",
    r"\b\d{1,2}:\d{2}\b|\b\d{1,2}\s*(?:am|pm)\b",
    r"\b(?:within|in)\s+(?:\d+|an?|one|two|three|four|five|six|seven|ten|twelve|24|48|72)\s+"
    r"(?:hours?|days?|working days?|business days?|weeks?|minutes?)\b",
    r"\bsame day\b|\bnext day\b|\bimmediately\b|\bat once\b|\bin real time\b",
    r"\bdouble 11\b|\b11\.11\b|\b618\b",
)

# Anchors that are a *when*, not a *how much*: removed before asking whether a bar has a number,
# so that "5月10日前优化详情页" is not mistaken for a measurable bar. Limits counted from a trigger
# ("24小时内回复") stay: they are the bar.
WHEN_NOT_HOW_MUCH = _any(
    r"(?:\d{2,4}\s*年\s*)?\d{1,2}\s*月\s*\d{1,2}\s*[日号]",
    rf"(?:\d{{2,4}}\s*年\s*)?(?:\d{{1,2}}|[{_ZH_DIGIT}]{{1,2}})\s*月(?:份)?(?:\s*(?:底|末|初|上旬|中旬|下旬))?",
    r"\d{2,4}\s*年",
    r"\d{4}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{1,2}",
    r"(?<!\d)20\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?!\d)",
    rf"第\s*(?:\d+|[{_ZH_DIGIT}]+)\s*(?:[-–—~至到]\s*(?:\d+|[{_ZH_DIGIT}]+)\s*)?个?\s*(?:周|星期|月|天|季度)",
    r"每\s*(?:个)?\s*(?:周|星期|礼拜)[一二三四五六日天]?|每\s*月\s*\d{1,2}\s*[日号]",
    r"(?:周|星期|礼拜)[一二三四五六日天]",
    r"(?<!\d)\d{1,2}\s*:\s*\d{2}|(?<!\d)\d{1,2}\s*点(?![击赞评])",
    r"双\s*(?:11|12|十一|十二)|(?<!\d)618(?!\d)",
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\b\.?(?:\s+\d{{4}})?",
    rf"\b(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+\d{{4}})?",
    r"\b(?:weeks?|months?|wks?|quarter)\s*\d+\b|\b[WMQ]\d{1,2}\b",
    r"\b\d{1,2}:\d{2}\b|\b\d{1,2}\s*(?:am|pm)\b",
    r"\b20[23]\d\b",
    r"\bdouble 11\b|\b11\.11\b|\b618\b",
)


class Vagueness(StrEnum):
    """What a vague deadline most likely meant; the rewrite proposes a day to match."""

    SOON = "soon"
    WEEK_END = "week_end"
    NEXT_WEEK = "next_week"
    MONTH_END = "month_end"
    QUARTER_END = "quarter_end"
    YEAR_END = "year_end"
    LATER = "later"


_VAGUE: tuple[tuple[Vagueness, re.Pattern[str]], ...] = (
    (
        Vagueness.SOON,
        _any(
            r"尽快|尽早|抓紧|及时|第一时间|近期|赶紧|早日|尽速",
            r"\bASAP\b|\bas soon as (?:possible|we can|practicable)\b|\bsoon(?:est)?\b|\bshortly\b",
            r"\bpromptly\b|\bin a timely (?:manner|fashion|way)\b|\btimely\b|\bquickly\b|\bat the earliest\b",
        ),
    ),
    (
        Vagueness.MONTH_END,
        _any(
            rf"(?<![\d{_ZH_DIGIT}每上下个月])(?:本|这个?|当)?月\s*(?:底|末|内)(?:前|之前)?",
            r"\b(?:by|before|until)?\s*(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?month\b",
            r"\b(?:by\s+)?(?:the\s+)?month[- ]end\b|\bthis month\b|\bwithin the month\b|\bEOM\b",
        ),
    ),
    (
        Vagueness.WEEK_END,
        _any(
            rf"(?<![\d{_ZH_DIGIT}每上下个第])(?:本|这个?)(?:周|星期)(?:内|之内|末前)?(?![一二三四五六日天])",
            rf"(?<![\d{_ZH_DIGIT}每上下个第本这])周末前",
            r"\b(?:by|before|until)?\s*(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?week\b",
            r"\bthis week\b|\bwithin the week\b|\bEOW\b|\bby the weekend\b",
        ),
    ),
    (
        Vagueness.NEXT_WEEK,
        _any(
            r"下\s*(?:个)?(?:周|星期|礼拜)(?![一二三四五六日天])",
            r"\bnext week\b(?!\s+(?:on\s+)?(?:monday|tuesday|wednesday|thursday|friday))",
        ),
    ),
    (
        Vagueness.QUARTER_END,
        _any(r"(?:本|这个?)?季度\s*(?:末|底|内)", r"\bend of (?:the |this )?quarter\b|\bthis quarter\b"),
    ),
    (
        Vagueness.YEAR_END,
        _any(
            r"(?<![\d年])(?:本|今)?年\s*(?:底|末)(?:前|之前)?",
            r"\bend of (?:the |this )?year\b|\byear[- ]end\b|\bthis year\b",
        ),
    ),
    (
        Vagueness.LATER,
        _any(
            r"稍后|适时|择期|过段时间|过一段时间|有空|抽空|回头再|以后再|之后再|日后|后期再",
            r"\blater\b(?!\s+than)|\beventually\b|\bin due course\b|\bat some point\b|\bwhen(?:ever)? possible\b",
            r"\bwhen we can\b|\bdown the line\b|\bin the future\b|\bat a later (?:date|stage)\b",
        ),
    ),
)


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class VagueDeadline(Match):
    vagueness: Vagueness


def vague_deadlines(folded: str) -> list[VagueDeadline]:
    """Vague deadline phrases in a sentence that names no day ("11月30日前（月底前）" is fine)."""
    if has_time_anchor(folded):
        return []
    found = [
        VagueDeadline(m.start(), m.end(), m.group().strip(), vagueness)
        for vagueness, pattern in _VAGUE
        for m in pattern.finditer(folded)
        if m.group().strip()
    ]
    return _without_overlaps(found)


def has_time_anchor(folded: str) -> bool:
    return TIME_ANCHOR.search(folded) is not None


# --- numbers and bars -------------------------------------------------------------------------

_MEASURE = _any(
    r"\d",
    rf"[{_ZH_DIGIT}百千万半]+\s*(?:个|款|组|张|条|件|次|单|倍|成|项|篇|场|位|家|笔|星|人|元|分|天|小时|周)",
    r"翻倍|翻番|清零|全部|100%",
    r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|hundred|thousand|double|twice|half|zero|all)\b",
)


def has_measure(folded: str) -> bool:
    """Whether a bar carries a number or threshold, dates and plan weeks not counted."""
    return _MEASURE.search(WHEN_NOT_HOW_MUCH.sub(" ", folded)) is not None


# "满意为止" can never be checked, whatever numbers stand beside it.
_UNCHECKABLE = _any(
    r"(?:做到|直到|直至|改到|修改到|调整到)?(?:商家|客户|老板|甲方|店主|双方|大家|领导)?(?:满意为止|满意即可|满意就行|认可为止|认可即可|觉得可以为止)",
    r"让(?:商家|客户|老板|甲方|店主)满意",
    r"\buntil (?:the )?(?:client|merchant|customer|owner|boss|we|everyone|they|all parties)?\s*(?:is |are )?(?:satisfied|happy)\b",
    r"\bto (?:the )?(?:client|merchant|owner|customer|boss)(?:'s)? satisfaction\b|\buntil satisfied\b",
)
# Hedges that only stand in for a bar when no number is given.
_HEDGE = _any(
    r"效果(?:明显|显著|良好|更好|不错)|达到预期|符合预期|有(?:明显|显著|较大)?(?:提升|改善|增长|起色)|尽量|争取|尽可能|看效果|大幅|显著",
    r"\bnoticeabl[ey]\b|\bsignificant(?:ly)?\b|\bmeets? expectations\b|\bas (?:good|high|much|well) as possible\b",
    r"\bbest effort\b|\blooks? (?:good|better)\b|\bsubstantial(?:ly)?\b|\bvisibl[ey]\b",
)
_IMPROVE = _any(
    r"提升|提高|优化|改善|加强|增强|完善|改进|促进|做好|加大|拉升|增加|降低|减少|扩大|强化|打造|做大|做强|突破|改版",
    r"\b(?:improv|optimi[sz]|enhanc|boost|increas|grow|rais|strengthen|reduc|maximi[sz]|minimi[sz]|upgrad|refin|revamp|lift)\w*\b",
)


def uncheckable_bar(folded: str) -> Match | None:
    """A bar that no figure can settle ("满意为止", "until the client is satisfied")."""
    if m := _UNCHECKABLE.search(folded):
        return Match(m.start(), m.end(), m.group())
    if not has_measure(folded) and (m := _HEDGE.search(folded)):
        return Match(m.start(), m.end(), m.group())
    return None


def improvement_without_number(folded: str) -> Match | None:
    """A word of improvement ("提升", "optimize") with no number saying by how much."""
    if has_measure(folded):
        return None
    if m := _IMPROVE.search(folded):
        return Match(m.start(), m.end(), m.group())
    return None


# --- who ------------------------------------------------------------------------------------

_OWNER = _any(
    r"负责人|负责|责任人|执行人|牵头|主责|对接人|跟进人",
    r"由[^,;。]{1,12}?(?:负责|执行|完成|牵头|跟进|处理|提供|交付|制作|操作|落实)",
    r"(?:运营|推广|客服|设计|视觉|数据|内容|直播|活动|投放|仓储|供应链|商品|店铺|售后)?(?:专员|主管|经理|组长|总监|助理)",
    r"美工|设计师|店长|主播|摄影师|文案|仓管",
    r"\bowner\b|\bowned by\b|\blead\b|\bled by\b|\bresponsible\b|\bassigned to\b|\baccountable\b|\bin charge\b",
    r"\b(?:specialist|manager|designer|copywriter|photographer|coordinator|analyst|merchant|agency|supervisor|assistant|streamer)s?\b",
)
_REVIEWER = _any(
    r"复核|审核|审批|审阅|验收人|检查人|把关|抽查|签字确认|确认人|评审",
    r"\breviewer\b|\breviewed by\b|\breview:|\bchecked by\b|\bchecker\b|\bapprover\b|\bapproved by\b",
    r"\bsigns? off\b|\bsigned off\b|\bsign-off\b|\bverified by\b",
)
_EVERY_TASK_REVIEWED = _any(
    r"(?:所有|全部|每项|每个|各项|以上|每一项|上述)(?:任务|事项|工作|交付物?)[^。]{0,20}?(?:由|经)[^。]{1,15}?(?:复核|审核|验收|把关|检查)",
    r"\b(?:every|each|all)\s+(?:\w+\s+)?(?:task|item|duty|deliverable)s?\b[^.]{0,60}\b(?:reviewed|checked|approved|signed off|verified)\b",
)
_ACCEPTANCE = re.compile(
    r"(?:验收标准|验收(?!人)|达标标准|考核标准|完成标准|达标线|标准)\s*[:为是]\s*(?P<zh>[^;)]+)"
    r"|\b(?:acceptance(?:\s+(?:bar|criteria|criterion))?|done when|bar|success(?:\s+criteria)?)\s*:\s*(?P<en>[^;)]+)",
    _I,
)


# "复核：运营主管" names a reviewer, not a lead; the reviewer's clause is set aside first.
_REVIEWER_CLAUSE = re.compile(
    r"(?:复核人?|审核人?|验收人|检查人|reviewer|reviewed by|checked by|approved by|approver)\s*:?\s*[^;,)]*",
    _I,
)


def owner_named(folded: str) -> bool:
    return _OWNER.search(_REVIEWER_CLAUSE.sub(" ", folded)) is not None


def reviewer_named(folded: str) -> bool:
    return _REVIEWER.search(folded) is not None


def every_task_reviewed(folded: str) -> bool:
    return _EVERY_TASK_REVIEWED.search(folded) is not None


def acceptance_given(folded: str) -> Match | None:
    """The bar written after "验收：" / "acceptance:", if the sentence has one."""
    m = _ACCEPTANCE.search(folded)
    if m is None:
        return None
    group = "zh" if m.group("zh") is not None else "en"
    return Match(m.start(group), m.end(group), m.group(group))


# --- data source and the moment figures are taken --------------------------------------------

_DATA_SOURCE = _any(
    r"生意参谋|京东商智|抖店罗盘|电商罗盘|巨量千川|商家后台|平台后台|官方后台|店铺后台|后台数据|直通车后台|万相台|引力魔方|多多情报通|ERP|数据来源",
    r"以[^,;。]{1,15}为准",
    r"\bbusiness advisor\b|\bsycm\b|\bback[- ]?office\b|\bbackend\b|\bseller (?:center|centre|central|backend)\b",
    r"\bplatform (?:dashboard|data|figures|reports?)\b|\bshangzhi\b|\bcompass\b|\bdata source\b|\bsource of truth\b",
    r"\bas reported (?:by|in)\b|\bad console\b|\bdashboard\b",
)
_TAKEN = _any(
    r"截图|截屏|导出|取数|快照|核对|对账|拉取|存档|抓取|下载|读数",
    r"\bscreenshots?\b|\bsnapshots?\b|\bexport\w*\b|\bpulled\b|\btaken\b|\bcaptured\b|\barchived\b|\breconcil\w*\b|\brecorded\b|\bread off\b",
)
_MOMENT = _any(
    r"每\s*(?:周|星期)[一二三四五六日天]|每\s*月\s*\d{1,2}\s*[日号]|每\s*(?:天|日)|(?<!\d)\d{1,2}\s*[:点]\s*\d{0,2}|月底|月初|(?:周|星期)[一二三四五六日天]",
    rf"\b(?:every|each)\s+(?:{_WEEKDAYS}|day|week|month|morning|evening)\b|\bon (?:{_WEEKDAYS})s?\b",
    r"\bat \d{1,2}(?::\d{2})?\b|\b\d{1,2}:\d{2}\b|\b(?:daily|weekly|monthly)\b",
)


def data_source_named(folded: str) -> bool:
    return _DATA_SOURCE.search(folded) is not None


def figures_moment_named(folded: str) -> bool:
    """A moment the figures are taken at: "每周五18:00截图", "screenshot every Friday 18:00"."""
    return _TAKEN.search(folded) is not None and _MOMENT.search(folded) is not None


_FEE = _any(
    r"服务费|佣金|提成|奖金|奖励|扣除|扣减|扣\s*\d|罚款|罚金|分成|返点|激励|结算",
    r"\bfees?\b|\bcommission\b|\bbonus\b|\bpenalt\w*\b|\bdeduct\w*\b|\breward\w*\b|\brebate\b|\bsettlement\b",
)
_FEE_AMOUNT = re.compile(r"\d+(?:\.\d+)?\s*(?:%|元|万|块|CNY|RMB|yuan)|(?:¥|CNY|RMB)\s*\d", _I)


def fee_named(folded: str) -> bool:
    """Money that changes hands on a figure ("未完成80%扣20%服务费"): it needs a source both accept."""
    return _FEE.search(folded) is not None and _FEE_AMOUNT.search(folded) is not None


# --- communication ----------------------------------------------------------------------------

_CHANNEL = _any(
    r"微信群|企业微信|企微|工作群|钉钉|飞书|腾讯会议|视频会议?|视频周会|视频通话|电话会议?|电话|邮件|邮箱|QQ群|群里|群内|群聊|旺旺|周会|例会|晨会|复盘会",
    r"\bwechat\b|\bwecom\b|\bwork group\b|\bgroup chat\b|\bdingtalk\b|\blark\b|\bfeishu\b|\bslack\b|\be-?mail\b",
    r"\bvideo (?:call|meeting|conference)\b|\bzoom\b|\bteams\b|\bphone call\b|\bconference call\b|\bstand-?up\b",
    r"\b(?:weekly|monthly|daily) (?:meeting|review|sync|call|report)\b",
)
_FREQUENCY = _any(
    r"每\s*(?:个)?\s*(?:周|星期|天|日|月|两周|半月|工作日)|周报|日报|月报|周会|晨会|例会|双周",
    r"(?:\d+|[一二两三四五六八十半])\s*个?\s*(?:小时|分钟)\s*(?:内|之内|以内)",
    rf"\b(?:daily|weekly|monthly|fortnightly|biweekly)\b|\b(?:every|each)\s+(?:day|week|month|morning|working day|weekday|{_WEEKDAYS})\b",
    rf"\bon (?:{_WEEKDAYS})s\b|\bwithin \d+ (?:hours?|minutes?)\b",
)


def channel_named(folded: str) -> Match | None:
    if m := _CHANNEL.search(folded):
        return Match(m.start(), m.end(), m.group())
    return None


def frequency_named(folded: str) -> bool:
    return _FREQUENCY.search(folded) is not None


# --- risks -------------------------------------------------------------------------------------

_RISKS: dict[RiskKind, re.Pattern[str]] = {
    RiskKind.STOCK_OUT: _any(
        r"断货|缺货|库存\s*(?:低于|不足|告急|预警|少于|跌破|<)|售罄|补货",
        r"\bstock[- ]?outs?\b|\bout of stock\b|\bsold out\b|\blow stock\b|\bstock (?:falls|drops|runs|is) (?:below|low|out)\b",
        r"\b(?:stock|inventory) (?:below|under)\b|\brestock\w*\b",
    ),
    RiskKind.BAD_REVIEW_BURST: _any(
        r"差评|负面评价|中差评|负评|低分评价|投诉(?:激增|增多|爆发)",
        r"\bbad reviews?\b|\bnegative reviews?\b|\bpoor reviews?\b|\b(?:1|one)-star\b|\bcomplaints? (?:spike|surge|burst)\b",
    ),
    RiskKind.PLATFORM_RULE_CHANGE: _any(
        r"(?:平台|天猫|淘宝|京东|抖音|拼多多|直通车)?(?:规则|政策)\s*(?:变动|变化|调整|更新|改变|收紧)|平台新规|新规",
        r"\b(?:platform )?(?:rule|policy|policies|rules|algorithm)s? (?:change|changes|update|updates|shift)\b",
        r"\b(?:change|changes|update) (?:to|in) (?:the )?platform (?:rules|policy|policies)\b",
    ),
}
_RESPONSE = _any(
    r"暂停|切换|切到|切至|替换|替代|换成|联系|补货|调整|启动|通知|下架|处理|回复|申诉|停止|召回|改为|改用|重新|加急|备货|补发|退款|提交|转移|撤下|上报|升级",
    r"\b(?:pause|switch|replac|substitut|contact|call|restock|adjust|launch|notif|delist|handl|repl|respond|appeal|stop|mov|shift|submit|escalat|refund|reship|rewrit|rebuild)\w*\b",
)
_TRIGGER = _any(
    r"\d|时|若|如果|一旦|当|超过|低于|一经|出现|[<>≤≥]",
    r"\b(?:if|when|once|whenever|should|exceeds?|below|above|more than|fewer than|falls?|drops?)\b",
)


def risks_mentioned(folded: str) -> set[RiskKind]:
    return {kind for kind, pattern in _RISKS.items() if pattern.search(folded)}


def has_response(folded: str) -> bool:
    """A risk plan says what sets it off and what is done, not only that the risk exists."""
    return _RESPONSE.search(folded) is not None and _TRIGGER.search(folded) is not None


# --- metrics -----------------------------------------------------------------------------------


class MetricFamily(StrEnum):
    """Rates whose definition practitioners argue about at settlement time."""

    CONVERSION = "conversion"  # 支付转化率 or 点击转化率?
    REPURCHASE = "repurchase"  # over 30, 90 or 365 days?
    REFUND = "refund"  # by amount or by orders?


@dataclass(frozen=True)
class MetricMention(Match):
    family: MetricFamily


_METRIC_NAMES: dict[MetricFamily, re.Pattern[str]] = {
    MetricFamily.CONVERSION: re.compile(r"转化率|\bconversion(?:\s+rate)?\b|\bCVR\b", _I),
    MetricFamily.REPURCHASE: re.compile(
        r"复购率|回购率|\b(?:repurchase|repeat[- ]purchase|repeat[- ]buyer|repeat)\s+rate\b", _I
    ),
    MetricFamily.REFUND: re.compile(r"退款率|\brefund rate\b", _I),
}
# What, written just before the rate, already says which one is meant.
_QUALIFIED_BEFORE: dict[MetricFamily, re.Pattern[str]] = {
    MetricFamily.CONVERSION: re.compile(
        r"(?:支付|点击|询单|下单|成交|静默|咨询|加购|收藏|付款)\s*$"
        r"|\b(?:payment|paid|purchase|order|click|inquiry|enquiry|chat|add-to-cart|cart|checkout|visitor-to-buyer)[- ]?\s*$",
        _I,
    ),
    MetricFamily.REPURCHASE: re.compile(
        r"(?:\d+|[一二三六十]+)\s*(?:天|日|个月|月|年)\s*(?:内)?(?:老客)?\s*$|(?:年度|季度|月度)\s*$|\b\d+[- ]day\s*$|\b(?:annual|quarterly|monthly)\s*$",
        _I,
    ),
    MetricFamily.REFUND: re.compile(
        r"(?:金额|订单|笔数|件数|按金额|按订单)\s*$|\b(?:amount|order|by-amount)[- ]?\s*$", _I
    ),
}
_QUALIFIED_AFTER: dict[MetricFamily, re.Pattern[str]] = {
    MetricFamily.CONVERSION: re.compile(r"^\s*\((?:支付|付款|payment|paid)", _I),
    MetricFamily.REPURCHASE: re.compile(
        r"^\s*(?:\(\s*\d+\s*(?:天|日)|\s*(?:within|over) \d+ days|\(\d+[- ]day)", _I
    ),
    MetricFamily.REFUND: re.compile(r"^\s*\((?:按|by)", _I),
}
_RATE_NAME = r"(?:转化率|复购率|回购率|退款率|conversion(?:\s+rate)?|CVR|(?:repurchase|repeat[- ]purchase|repeat|refund)\s+rate)"
# A definition says how the rate is computed; "转化率: 3%" is a value, not a definition.
_DEFINES = _any(
    _RATE_NAME
    + r"\s*(?:的)?(?:口径|定义|是指|指的是|指|即|means\b|is defined as\b|is computed as\b|is calculated as\b|is counted as\b)",
    _RATE_NAME + r"\s*(?:=|:|按)[^;。]*?(?:÷|/|除以|占|为准|计算|divided by|\bover\b|\bout of\b|\bper\b)",
)


def metric_families(folded: str) -> set[MetricFamily]:
    """The disputed rates a text names, qualified or not ("90天复购率" → repurchase)."""
    return {family for family, pattern in _METRIC_NAMES.items() if pattern.search(folded)}


def defined_metrics(folded: str) -> set[MetricFamily]:
    """Rates this sentence defines ("支付转化率=支付买家数÷访客数", "conversion rate means …")."""
    return {
        family
        for definition in _DEFINES.finditer(folded)
        for family, pattern in _METRIC_NAMES.items()
        if pattern.match(definition.group())
    }


def unclear_metrics(folded: str) -> list[MetricMention]:
    """Rates named without saying which one ("转化率" rather than "支付转化率")."""
    defined_here = defined_metrics(folded)
    found: list[MetricMention] = []
    for family, pattern in _METRIC_NAMES.items():
        if family in defined_here:
            continue
        for m in pattern.finditer(folded):
            before, after = folded[: m.start()], folded[m.end() :]
            if _QUALIFIED_BEFORE[family].search(before[-16:]) or _QUALIFIED_AFTER[family].search(after):
                continue
            # "conversion" alone is often the event, not the rate: only a rate when a % is near.
            if m.group().lower() == "conversion" and "%" not in folded:
                continue
            found.append(MetricMention(m.start(), m.end(), m.group(), family))
    return found


# --- goals -------------------------------------------------------------------------------------

_CORE_GOAL = _any(
    r"核心目标|总目标|主要目标|首要目标|北极星",
    r"\bcore (?:goal|target)\b|\bmain goal\b|\bprimary goal\b|\bheadline goal\b|\boverall goal\b|\bnorth[- ]star\b",
)
_SALES_GOAL = _any(
    r"(?:销售额|月销|营业额|GMV|成交额|销量|业绩|支付金额)[^。]{0,20}?(?:提升|做到|达到|增长|突破|冲|翻倍|到)",
    r"(?:做到|达到|突破|冲)[^。]{0,8}?(?:销售额|月销|营业额|GMV|成交额)",
    r"\b(?:sales|revenue|GMV|turnover)\b[^.]{0,40}?\b(?:to|reach|hit|double)\b",
    r"\b(?:reach|grow|hit|double|lift|raise|increase)\b[^.]{0,30}?\b(?:sales|revenue|GMV|turnover)\b",
)
_PATH = _any(
    # "月度销售额" and "monthly sales" name the goal's unit, not a slice of it: left out.
    rf"第\s*(?:\d+|[{_ZH_DIGIT}]+)\s*个?\s*(?:月|周)|每\s*(?:周|月)|按月|按周|逐月|逐周",
    r"(?<!\d)\d{1,2}\s*月(?:份)?\s*(?::|目标|(?=\d+(?:\.\d+)?\s*[万千元%]))|月度目标|周目标|每月目标|每周目标",
    r"\b(?:months?|weeks?)\s*\d+\b|\b(?:per|a|each|every)\s+(?:week|month)\b|\b(?:weekly|monthly)\s*:|\b[WM]\d{1,2}\b",
    r"\b(?:weekly|monthly)\s+(?:targets?|goals?|breakdown|milestones?)\b",
    rf"\b(?:{_MONTHS})\s*(?::|(?=(?:CNY|RMB|¥)?\s*\d))",
)


def core_goal_marked(folded: str) -> bool:
    return _CORE_GOAL.search(folded) is not None


def sales_goal(folded: str) -> bool:
    return _SALES_GOAL.search(folded) is not None and has_measure(folded)


def goal_path(folded: str) -> bool:
    """A part of the breakdown: a month or a week and how much it must bring."""
    return _PATH.search(folded) is not None and has_measure(folded)


# --- budgets ----------------------------------------------------------------------------------

_BUDGET = _any(
    r"预算|推广费|广告费|投放费|推广资金|营销费", r"\bbudget\b|\bad spend\b|\bmarketing spend\b|\bad money\b"
)
_FLEX = _any(
    r"机动|灵活|调配|重新分配|再分配|预留|弹性|备用|不锁定|可挪用|动态调整|(?:可|能)[^,;。]{0,6}?(?:调整|调配|分配|挪)",
    r"\bflex\w*\b|\bre-?allocat\w*\b|\breserved?\b|\bheld back\b|\bdiscretionary\b|\bunallocated\b",
    r"\bcontingency (?:budget|fund|reserve)\b|\bcan be (?:moved|shifted)\b|\bbuffer\b",
)
_SHARE = re.compile(r"(\d+(?:\.\d+)?)\s*%|([一二两三四五])\s*成")
_SHARE_WORDS = (
    (re.compile(r"四分之一|\ba quarter\b|\bone quarter\b", _I), 0.25),
    (re.compile(r"五分之一|\ba fifth\b|\bone fifth\b", _I), 0.2),
    (re.compile(r"三分之一|\ba third\b|\bone third\b", _I), 1 / 3),
    (re.compile(r"一半|\bhalf\b", _I), 0.5),
)
_MONEY = re.compile(
    r"(?:(?:¥|￥|CNY|RMB)\s*)?(?P<n>\d[\d,]*(?:\.\d+)?)\s*(?P<scale>万|千|k\b|K\b|w\b|W\b)?\s*(?P<unit>元|块|CNY|RMB|yuan)?",
    _I,
)


def budget_named(folded: str) -> bool:
    return _BUDGET.search(folded) is not None and money(folded) is not None


def flex_named(folded: str) -> bool:
    return _FLEX.search(folded) is not None


def shares(folded: str) -> list[float]:
    """Shares in a sentence, as fractions ("20%" → 0.2, "三成" → 0.3, "a quarter" → 0.25)."""
    values: list[float] = []
    for m in _SHARE.finditer(folded):
        if m.group(1):
            values.append(float(m.group(1)) / 100)
        else:
            values.append(zh_number(m.group(2)) / 10)
    values += [share for pattern, share in _SHARE_WORDS if pattern.search(folded)]
    return values


def amounts_of_money(folded: str) -> list[float]:
    """Amounts of money in a sentence, in yuan ("1.2万元" → 12000); bare numbers are not money."""
    amounts: list[float] = []
    for m in _MONEY.finditer(folded):
        raw = m.group(0).lstrip().upper()
        if not (m.group("unit") or raw.startswith(("¥", "CNY", "RMB"))):
            continue
        scale = (m.group("scale") or "").lower()
        amounts.append(float(m.group("n").replace(",", "")) * _SCALES.get(scale, 1.0))
    return amounts


def money(folded: str) -> float | None:
    amounts = amounts_of_money(folded)
    return amounts[0] if amounts else None


_SCALES = {"万": 10_000.0, "w": 10_000.0, "千": 1_000.0, "k": 1_000.0}


# --- platform ----------------------------------------------------------------------------------


class Platform(StrEnum):
    TAOBAO = "taobao"  # 天猫 and 淘宝 share 生意参谋
    JD = "jd"
    DOUYIN = "douyin"
    PINDUODUO = "pinduoduo"
    UNKNOWN = "unknown"


_PLATFORMS = (
    (Platform.TAOBAO, re.compile(r"天猫|淘宝|生意参谋|直通车|\btmall\b|\btaobao\b|\bbusiness advisor\b", _I)),
    (Platform.JD, re.compile(r"京东|\bJD\b|\bjd\.com\b", _I)),
    (Platform.DOUYIN, re.compile(r"抖音|抖店|千川|\bdouyin\b|\btiktok\b", _I)),
    (Platform.PINDUODUO, re.compile(r"拼多多|\bpinduoduo\b|\bPDD\b", _I)),
)


def platform_of(folded: str) -> Platform:
    for platform, pattern in _PLATFORMS:
        if pattern.search(folded):
            return platform
    return Platform.UNKNOWN


# --- small helpers ----------------------------------------------------------------------------

_ZH_VALUES = {
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}


def zh_number(text: str) -> float:
    """Chinese numerals up to 99 ("两" → 2, "十五" → 15, "二十" → 20)."""
    if "十" in text:
        tens, _, units = text.partition("十")
        return float(_ZH_VALUES.get(tens, 1) * 10 + _ZH_VALUES.get(units, 0))
    return float(_ZH_VALUES.get(text, 0))


def _without_overlaps(found: list[VagueDeadline]) -> list[VagueDeadline]:
    kept: list[VagueDeadline] = []
    for item in sorted(found, key=lambda f: (f.start, -(f.end - f.start))):
        if kept and item.start < kept[-1].end:
            continue
        kept.append(item)
    return kept
