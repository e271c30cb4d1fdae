"""The workflow services explain a refusal in English for the API and the audit log; a person
on a page reads Chinese first. This table puts the refusals a page can meet into the reader's
language. A message not listed here is shown as the service wrote it, never hidden.

It holds no rules of its own: which step is refused, and why, is decided by the services.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from steward.accounts.models import Role
from steward.duties.models import DutyState, Party


def _party(value: str) -> str:
    return str(Party(value).label) if value in Party.values else value


def _duty_state(value: str) -> str:
    return str(DutyState(value).label) if value in DutyState.values else value


@dataclass(frozen=True)
class Wording:
    pattern: re.Pattern[str]
    text: Promise
    convert: Mapping[str, Callable[[str], str]] = field(default_factory=dict)

    def render(self, found: re.Match[str]) -> str:
        values = {name: self.convert.get(name, str)(value) for name, value in found.groupdict().items()}
        return str(self.text) % values if values else str(self.text)


def _w(pattern: str, text: Promise, **convert: Callable[[str], str]) -> Wording:
    return Wording(re.compile(f"^{pattern}$"), text, convert)


WORDINGS: tuple[Wording, ...] = (
    # Anyone
    _w(r"not a party to this engagement", _("你不是这项托管合作的任何一方。")),
    # Phases and gates
    _w(
        r"the hand-over confirmation must be signed by both parties before execution starts",
        _("交接确认书须由双方签字后，才能进入执行阶段。"),
    ),
    _w(r"the hand-over checklist is not complete", _("交接清单还有未完成的项目。")),
    _w(r"the termination checklist is not complete", _("终止清单还有未完成的项目。")),
    _w(r"the termination confirmation must be signed by both parties", _("终止确认书须由双方签字。")),
    _w(r"some accounts held by the agency are not revoked yet", _("托管方持有的账号还没有全部收回。")),
    _w(
        r"the engagement is in (?P<phase>.+); it moves one phase at a time",
        _("合作当前处于“%(phase)s”，每次只能前进一个阶段（页面可能已过期，请刷新）。"),
    ),
    _w(
        r"the agency moves the engagement forward; either party may start termination",
        _("阶段由托管方推进；终止交接可由任何一方发起。"),
    ),
    # Deliverables
    _w(
        r"the document changed since you opened it; look at the new version",
        _("文件在你打开后已有新版本，请先查看新版本再签字。"),
    ),
    _w(
        r"version (?P<number>\d+) is (?P<status>.+); nothing to sign",
        _("第 %(number)s 版当前为“%(status)s”，无需再签。"),
    ),
    _w(r"you are not a named signer of this document", _("你不是这份文件指定的签字人。")),
    _w(r"you already decided on this version", _("你已经对这个版本签过字或拒签过了。")),
    _w(r"the file is empty", _("文件是空的。")),
    _w(r"give either a file or structured content", _("请上传一个文件。")),
    # Checklists and access
    _w(r"the merchant must confirm this item", _("这一项须由商家本人确认。")),
    _w(r"the (?P<party>\w+) side ticks this item", _("这一项由%(party)s勾选。"), party=_party),
    _w(r"this item is already done", _("这一项已经完成。")),
    _w(r"only the merchant grants access to its accounts", _("只有商家可以登记授权给托管方的账号。")),
    _w(r"name the system and the account", _("请填写系统和账号。")),
    _w(r"this access was already revoked", _("这个账号已经收回。")),
    # Duties
    _w(
        r"only the (?P<party>\w+) side can (?P<doing>[\w ]+) this duty",
        _("只有%(party)s可以进行这项操作。"),
        party=_party,
    ),
    _w(
        r"a duty that is (?P<state>\w+) cannot be handed in",
        _("这项事项当前为“%(state)s”，不能提交。"),
        state=_duty_state,
    ),
    _w(
        r"only a handed-in duty can be (?:accepted|rejected) \(this one is (?P<state>\w+)\)",
        _("只有待验收的事项才能验收或退回（这一项当前为“%(state)s”）。"),
        state=_duty_state,
    ),
    _w(
        r"this duty is accepted by its measured bar, not by hand",
        _("这项事项按量化标准自动验收，不能手工验收。"),
    ),
    _w(
        r"a duty that is (?P<state>\w+) cannot be cancelled",
        _("这项事项当前为“%(state)s”，不能取消。"),
        state=_duty_state,
    ),
    _w(r"a reason is required to (?:reject|cancel)", _("请写明理由。")),
    _w(r"give a note, a link or a file", _("请至少填写说明、链接或上传文件中的一项。")),
    # Requests
    _w(r"say what the request is about", _("请写明请求的事项。")),
    _w(r"say what you are waiting for", _("请写明在等待对方提供什么。")),
    _w(r"write the answer or the plan", _("请填写答复或处理方案。")),
    _w(
        r"only the (?P<party>\w+) side can (?P<doing>[\w ]+)",
        _("只有%(party)s可以进行这项操作。"),
        party=_party,
    ),
    _w(
        r"a request that is (?P<state>.+) cannot be (?:answered|paused)",
        _("请求当前为“%(state)s”，不能进行这项操作。"),
    ),
    _w(r"the request is not paused", _("请求没有处于暂停状态。")),
    _w(r"already resolved", _("请求已经解决。")),
    # Approvals
    _w(r"the agency asks for approval", _("审批申请由托管方提出。")),
    _w(r"say why the agency wants to do this", _("请写明申请理由。")),
    _w(
        r"no guardrail applies: this action does not need approval",
        _("这项操作不触发任何审批规则，无需审批。"),
    ),
    _w(r"not allowed: (?P<reasons>.+)", _("不允许：%(reasons)s")),
    _w(r"you are not the decider of this request", _("你不是这项审批的决定人。")),
    _w(r"already decided(?: by (?P<who>.+))?: (?P<state>.+)", _("这项审批已经处理过了：%(state)s。")),
    _w(r"only the decider asks questions", _("只有决定人可以提问。")),
    _w(r"the request is (?P<state>.+)", _("审批当前为“%(state)s”，不能进行这项操作。")),
    _w(r"write the question", _("请写下问题。")),
    _w(r"the agency answers the decider's question", _("问题由托管方回答。")),
    _w(r"write the answer", _("请填写回答。")),
    _w(r"there is no open question", _("没有待回答的问题。")),
    _w(r"the agency withdraws its own request", _("只有托管方可以撤回审批申请。")),
    # The proposal of a guardrail check
    _w(r"a (?P<kind>\w+) proposal needs a value", _("请填写数值。")),
    _w(r"must not be negative", _("数值不能为负。")),
    _w(r"a (?P<kind>\w+) proposal names the product", _("请填写商品编码。")),
    _w(
        r"a discount is a share below 1 \(0\.35 = 35% off\)",
        _("折扣力度是小于 1 的比例，例如 0.35 表示减 35%。"),
    ),
    _w(r"a campaign plan needs the date of the event", _("请填写活动日期。")),
    _w(r"name the service", _("请填写服务名称。")),
    _w(r"no product '(?P<code>.+)' in this engagement's shops", _("这项合作的店铺里没有商品“%(code)s”。")),
    # Agency selection
    _w(r"only the merchant's people compare agencies", _("只有商家的成员可以筛选托管方。")),
    _w(r"name the agency", _("请填写托管公司名称。")),
    _w(r"the merchant's owner makes the choice", _("最终选择由商家负责人做出。")),
    _w(
        r"(?P<name>.+) has no account in Store Steward yet; invite it first",
        _("“%(name)s”还没有在本系统开通账号，请先邀请对方入驻。"),
    ),
    _w(r"(?P<name>.+) failed the paper checks", _("“%(name)s”没有通过资质审核。")),
    _w(
        r"trial: the baseline and the target growth must be above zero",
        _("试用期：基准值和目标增长都必须大于 0。"),
    ),
    _w(
        r"interview: the score of '(?P<code>\w+)' must be a whole number from 0 to 5",
        _("面试：每题得分须为 0 到 5 的整数。"),
    ),
    _w(
        r"only the agency's lead or supervisor, or the merchant's owner, can start an engagement",
        _("只有托管负责人、托管主管或商家负责人可以发起托管合作。"),
    ),
    _w(r"shop (?P<code>\S+) does not belong to (?P<merchant>.+)", _("店铺 %(code)s 不属于 %(merchant)s。")),
)


def say(message: object) -> str:
    """The refusal in the reader's language, or as the service wrote it when it is not listed."""
    text = str(message).strip()
    for wording in WORDINGS:
        found = wording.pattern.match(text)
        if found:
            return wording.render(found)
    return text


def reads_english() -> bool:
    """Whether the page is being read in English (texts stored in both languages pick one)."""
    return (get_language() or "").startswith("en")


def role_label(role: str) -> str:
    return str(Role(role).label) if role in Role.values else role
