"""The engagement template: which duties each phase generates, for whom, and by when.

A template is a list of items stored as JSON (editable per agency); this module validates
items and turns a template plus an engagement's dates into concrete duty specifications.
The default follows the practitioners' timings: diagnosis within 3 working days, the merchant's
materials within 2, confirmation within 7, hand-over confirmed by day 7, weekly report every
Monday, monthly summary by the 5th, termination steps from 15 days before the end.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, fields
from typing import Any

from steward.accounts.models import Role

PARTIES = ("merchant", "agency")
PHASES = ("research", "contract", "handover", "foundation", "execution", "termination")
COUNT_MODES = ("working_days", "calendar_days")
DELIVERABLE_KINDS = (
    "diagnosis",
    "strategy",
    "handover",
    "cs_script",
    "weekly_report",
    "monthly_report",
    "final_report",
    "termination",
)
_ANCHOR = re.compile(r"^(research|start|end|after:[a-z0-9_]+|weekly:[1-7]|monthly:(?:[1-9]|1\d|2[0-8]))$")


class TemplateError(ValueError):
    """A template item that cannot be used; the message names the item and the field."""


@dataclass(frozen=True)
class TemplateItem:
    code: str
    phase: str
    title_zh: str
    title_en: str
    owner_party: str
    # research | start | end | after:<code> | weekly:<1-7, Monday=1> | monthly:<day 1-28>
    anchor: str
    offset: int
    lead_role: str = ""
    support_party: str = ""
    count_mode: str = "working_days"
    deliverable: str = ""
    acceptance_zh: str = ""

    @classmethod
    def parse(cls, raw: Any, position: int) -> TemplateItem:
        where = f"item {position + 1}"
        if not isinstance(raw, dict):
            raise TemplateError(f"{where}: must be an object")
        code = raw.get("code")
        if isinstance(code, str):
            where = f"item {position + 1} ({code})"
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(raw) - known)
        if unknown:
            raise TemplateError(f"{where}: unknown field {unknown[0]!r}")
        missing = [
            name
            for name in ("code", "phase", "title_zh", "owner_party", "anchor", "offset")
            if name not in raw
        ]
        if missing:
            raise TemplateError(f"{where}: field {missing[0]!r} is required")
        values = {f.name: raw[f.name] for f in fields(cls) if f.name in raw}
        values.setdefault("title_en", raw["title_zh"])
        item = cls(**values)
        item.validate(where)
        return item

    def validate(self, where: str) -> None:
        if not re.fullmatch(r"[a-z0-9_]{1,40}", str(self.code)):
            raise TemplateError(f"{where}: field 'code' must be lower-case letters, digits and _")
        if self.phase not in PHASES:
            raise TemplateError(f"{where}: field 'phase' must be one of {', '.join(PHASES)}")
        if self.owner_party not in PARTIES:
            raise TemplateError(f"{where}: field 'owner_party' must be merchant or agency")
        if self.support_party not in ("", *PARTIES) or self.support_party == self.owner_party:
            raise TemplateError(f"{where}: field 'support_party' must be the other party or empty")
        if self.lead_role and self.lead_role not in Role.values:
            raise TemplateError(f"{where}: field 'lead_role' is not a known role")
        if not isinstance(self.anchor, str) or not _ANCHOR.match(self.anchor):
            raise TemplateError(
                f"{where}: field 'anchor' must be research, start, end, after:<code>, weekly:<1-7> or monthly:<1-28>"
            )
        if not isinstance(self.offset, int) or isinstance(self.offset, bool):
            raise TemplateError(f"{where}: field 'offset' must be a whole number of days")
        if self.count_mode not in COUNT_MODES:
            raise TemplateError(f"{where}: field 'count_mode' must be working_days or calendar_days")
        if self.deliverable not in ("", *DELIVERABLE_KINDS):
            raise TemplateError(f"{where}: field 'deliverable' must be one of {', '.join(DELIVERABLE_KINDS)}")
        if not str(self.title_zh).strip():
            raise TemplateError(f"{where}: field 'title_zh' must not be empty")


def parse_template(items: Any) -> list[TemplateItem]:
    if not isinstance(items, list) or not items:
        raise TemplateError("a template is a non-empty list of items")
    parsed = [TemplateItem.parse(raw, i) for i, raw in enumerate(items)]
    codes = [item.code for item in parsed]
    for i, item in enumerate(parsed):
        if codes.index(item.code) != i:
            raise TemplateError(f"item {i + 1} ({item.code}): code is used twice")
        if item.anchor.startswith("after:"):
            target = item.anchor.removeprefix("after:")
            if target not in codes[:i]:
                raise TemplateError(
                    f"item {i + 1} ({item.code}): anchor names {target!r}, which is not an earlier item"
                )
            base = parsed[codes.index(target)]
            if base.anchor.startswith(("weekly:", "monthly:")):
                raise TemplateError(
                    f"item {i + 1} ({item.code}): cannot follow the recurring item {target!r}"
                )
            if base.count_mode == "working_days" and item.count_mode != "working_days":
                raise TemplateError(
                    f"item {i + 1} ({item.code}): an item counted in working days can only be followed in working days"
                )
    return parsed


@dataclass(frozen=True)
class PlannedDuty:
    item: TemplateItem
    counted_from: dt.date
    count: int
    count_mode: str
    occurrence: str  # "" for one-off items; the week or month for recurring ones


@dataclass(frozen=True)
class EngagementDates:
    research_starts_on: dt.date
    starts_on: dt.date
    ends_on: dt.date

    @property
    def execution_starts_on(self) -> dt.date:
        # Execution begins after hand-over (week 1) and foundation (weeks 2-3).
        return self.starts_on + dt.timedelta(days=7)

    @property
    def termination_starts_on(self) -> dt.date:
        return self.ends_on - dt.timedelta(days=15)


def _weekdays(first: dt.date, last: dt.date, isoweekday: int) -> Iterator[dt.date]:
    day = first + dt.timedelta(days=(isoweekday - first.isoweekday()) % 7)
    while day <= last:
        yield day
        day += dt.timedelta(days=7)


def _month_days(first: dt.date, last: dt.date, day_of_month: int) -> Iterator[dt.date]:
    year, month = first.year, first.month
    while True:
        day = dt.date(year, month, day_of_month)
        if day > last:
            return
        if day >= first:
            yield day
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def plan_duties(items: list[TemplateItem], dates: EngagementDates) -> list[PlannedDuty]:
    """Turn template items into dated duties (recurring items once per week or month).

    The due date itself is computed later with the working calendar; this fixes only what
    each count starts from. ``after:<code>`` counts on from where the earlier item's count
    ends, so a review step always follows the step it reviews.
    """
    planned: list[PlannedDuty] = []
    starts: dict[str, tuple[dt.date, int, str]] = {}
    recurring_until = dates.termination_starts_on - dt.timedelta(days=1)
    for item in items:
        if item.anchor.startswith("weekly:"):
            weekday = int(item.anchor.split(":")[1])
            for day in _weekdays(dates.execution_starts_on, recurring_until, weekday):
                iso = day.isocalendar()
                planned.append(
                    PlannedDuty(
                        item, day, max(item.offset, 0), item.count_mode, f"{iso.year}-W{iso.week:02d}"
                    )
                )
            continue
        if item.anchor.startswith("monthly:"):
            day_of_month = int(item.anchor.split(":")[1])
            first = dates.starts_on + dt.timedelta(days=28)
            for day in _month_days(first, dates.ends_on, day_of_month):
                # The summary due on the 5th covers the month before it.
                covered = day.replace(day=1) - dt.timedelta(days=1)
                planned.append(
                    PlannedDuty(
                        item, day, max(item.offset, 0), item.count_mode, f"{covered.year}-{covered.month:02d}"
                    )
                )
            continue
        if item.anchor.startswith("after:"):
            base_origin, base_count, base_mode = starts[item.anchor.removeprefix("after:")]
            if base_mode == "working_days":
                # Both in working days: one count from the same origin lands exactly after it.
                origin, count, mode = base_origin, base_count + item.offset, "working_days"
            else:
                origin = base_origin + dt.timedelta(days=base_count)
                count, mode = item.offset, item.count_mode
        else:
            origin = {"research": dates.research_starts_on, "start": dates.starts_on, "end": dates.ends_on}[
                item.anchor
            ]
            count, mode = item.offset, item.count_mode
            if count < 0:
                # Counting backwards ("3 days before the start") is always in calendar days.
                origin, count, mode = origin + dt.timedelta(days=count), 0, "calendar_days"
        starts[item.code] = (origin, count, mode)
        planned.append(PlannedDuty(item, origin, count, mode, ""))
    return planned


def _item(**kwargs: Any) -> dict[str, Any]:
    return kwargs


DEFAULT_TEMPLATE: list[dict[str, Any]] = [
    # Research (before the start)
    _item(code="diagnosis", phase="research", title_zh="提交店铺诊断报告", title_en="Deliver the store diagnosis",
          owner_party="agency", lead_role="agency_operations", support_party="merchant",
          anchor="research", offset=3, deliverable="diagnosis",
          acceptance_zh="覆盖近 3 个月访客、转化、客单价、流量结构、同行对比、商品结构与差评关键词"),
    _item(code="materials", phase="research", title_zh="提供商品清单、库存表和近 3 个月销售数据",
          title_en="Supply the product list, stock sheet and 3 months of sales",
          owner_party="merchant", lead_role="merchant_staff", support_party="agency", anchor="research", offset=2,
          acceptance_zh="三份文件齐全，格式可导入"),
    _item(code="strategy", phase="research", title_zh="提交运营策略", title_en="Deliver the operations strategy",
          owner_party="agency", lead_role="agency_lead", support_party="merchant", anchor="research", offset=5,
          deliverable="strategy", acceptance_zh="包含阶段目标、分周执行路径和所需资源"),
    _item(code="confirm_research", phase="research", title_zh="确认诊断报告和运营策略",
          title_en="Confirm the diagnosis and the strategy", owner_party="merchant", lead_role="merchant_owner",
          support_party="agency", anchor="research", offset=7, acceptance_zh="双方在报告最新版本上签字"),
    # Contract
    _item(code="contract", phase="contract", title_zh="签订托管合同（周期、费用、违约条款、不含服务、数据口径）",
          title_en="Sign the contract (period, fees, penalties, exclusions, data source)",
          owner_party="agency", lead_role="agency_lead", support_party="merchant", anchor="start", offset=-3,
          count_mode="calendar_days", acceptance_zh="合同双方签署，写明数据以平台后台为准及取数时间"),
    # Hand-over (week 1)
    _item(code="sub_accounts", phase="handover", title_zh="开通权限受限的子账号（主账号与支付密码由商家保管）",
          title_en="Create limited sub-accounts (the merchant keeps the main account and payment password)",
          owner_party="merchant", lead_role="merchant_owner", support_party="agency", anchor="start", offset=2,
          acceptance_zh="子账号清单登记在权限台账中"),
    _item(code="supply_chain", phase="handover", title_zh="提供供应链联系人和历史订单",
          title_en="Hand over supply-chain contacts and order history", owner_party="merchant",
          lead_role="merchant_staff", support_party="agency", anchor="start", offset=3),
    _item(code="team_roster", phase="handover", title_zh="提交托管团队名单并建立工作群",
          title_en="Name the agency team and open the work group", owner_party="agency", lead_role="agency_lead",
          support_party="merchant", anchor="start", offset=2),
    _item(code="handover_confirm", phase="handover", title_zh="交接确认书双方签字",
          title_en="Both parties sign the hand-over confirmation", owner_party="agency", lead_role="agency_lead",
          support_party="merchant", anchor="start", offset=7, count_mode="calendar_days",
          deliverable="handover", acceptance_zh="交接清单全部完成，双方签字"),
    # Foundation (weeks 2-3)
    _item(code="titles", phase="foundation", title_zh="优化全部在售商品标题", title_en="Rework the titles of every listed product",
          owner_party="agency", lead_role="agency_operations", support_party="merchant", anchor="start", offset=14,
          count_mode="calendar_days", acceptance_zh="提交修改前后对比表"),
    _item(code="main_images", phase="foundation", title_zh="主图优化", title_en="Rework the main images",
          owner_party="agency", lead_role="agency_design", support_party="merchant", anchor="start", offset=14,
          count_mode="calendar_days", acceptance_zh="主图点击率高于类目均值 10%"),
    _item(code="navigation", phase="foundation", title_zh="整理店铺类目导航", title_en="Tidy the category navigation",
          owner_party="agency", lead_role="agency_operations", support_party="merchant", anchor="start", offset=21,
          count_mode="calendar_days"),
    _item(code="cs_script", phase="foundation", title_zh="编写客服话术", title_en="Write the customer-service script",
          owner_party="agency", lead_role="agency_service", support_party="merchant", anchor="start", offset=14,
          count_mode="calendar_days", deliverable="cs_script", acceptance_zh="首次响应 ≤ 30 秒，覆盖高频问题"),
    _item(code="cs_script_review", phase="foundation", title_zh="审核客服话术（48 小时内）",
          title_en="Review the customer-service script (within 48 hours)", owner_party="merchant",
          lead_role="merchant_owner", support_party="agency", anchor="after:cs_script", offset=2,
          count_mode="calendar_days"),
    # Execution, with weekly and monthly reviews
    _item(code="weekly_promo_plan", phase="execution", title_zh="提交本周推广计划", title_en="Submit this week's promotion plan",
          owner_party="agency", lead_role="agency_ads", support_party="merchant", anchor="weekly:1", offset=0),
    _item(code="weekly_promo_confirm", phase="execution", title_zh="确认本周推广计划",
          title_en="Confirm this week's promotion plan", owner_party="merchant", lead_role="merchant_owner",
          support_party="agency", anchor="weekly:2", offset=0),
    _item(code="weekly_report", phase="execution", title_zh="提交周报并召开 30 分钟复盘会",
          title_en="Deliver the weekly report and hold the 30-minute review", owner_party="agency",
          lead_role="agency_lead", support_party="merchant", anchor="weekly:1", offset=0, deliverable="weekly_report"),
    _item(code="chat_spot_check", phase="execution", title_zh="抽查 10% 客服聊天记录", title_en="Spot-check 10% of service chats",
          owner_party="merchant", lead_role="merchant_staff", support_party="agency", anchor="weekly:5", offset=0),
    _item(code="monthly_summary", phase="execution", title_zh="提交月度总结（利润、问题、下月策略）",
          title_en="Deliver the monthly summary (profit, problems, next month's strategy)", owner_party="agency",
          lead_role="agency_lead", support_party="merchant", anchor="monthly:5", offset=0, deliverable="monthly_report"),
    # Termination (from 15 days before the end)
    _item(code="final_report", phase="termination", title_zh="提交最终报告", title_en="Deliver the final report",
          owner_party="agency", lead_role="agency_lead", support_party="merchant", anchor="end", offset=-15,
          deliverable="final_report"),
    _item(code="hand_back", phase="termination", title_zh="归还全部文件、素材和客户数据",
          title_en="Hand back every document, material and customer data", owner_party="agency",
          lead_role="agency_lead", support_party="merchant", anchor="end", offset=0, count_mode="calendar_days"),
    _item(code="close_sub_accounts", phase="termination", title_zh="关闭全部子账号（结束后 3 日内）",
          title_en="Close every sub-account (within 3 days of the end)", owner_party="agency",
          lead_role="agency_lead", support_party="merchant", anchor="end", offset=3, count_mode="calendar_days",
          acceptance_zh="权限台账中所有账号标记为已收回"),
    _item(code="no_open_orders", phase="termination", title_zh="确认无未完结订单和纠纷",
          title_en="Confirm no open orders or disputes", owner_party="merchant", lead_role="merchant_owner",
          support_party="agency", anchor="end", offset=0, count_mode="calendar_days"),
    _item(code="final_statement", phase="termination", title_zh="出具最终结算单", title_en="Issue the final statement",
          owner_party="agency", lead_role="agency_lead", support_party="merchant", anchor="end", offset=5),
    _item(code="termination_confirm", phase="termination", title_zh="终止确认书双方签字",
          title_en="Both parties sign the termination confirmation", owner_party="agency", lead_role="agency_lead",
          support_party="merchant", anchor="end", offset=7, count_mode="calendar_days", deliverable="termination"),
]  # fmt: skip


def default_items() -> list[TemplateItem]:
    return parse_template(DEFAULT_TEMPLATE)


def items_as_json(items: list[TemplateItem]) -> list[dict[str, Any]]:
    return [asdict(item) for item in items]
